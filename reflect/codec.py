"""JSON in and out of the journal, through orjson. The only module that imports orjson.

orjson parses and writes several times faster than the standard library, which is what
keeps a journal of many years quick to open. It is stricter too: it refuses NaN, numbers
beyond 64 bits, invalid UTF-8 and lone surrogates. Text with lone surrogates can only come
from an old file or a broken paste; writing replaces them with U+FFFD rather than fail.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

_SURROGATES = re.compile("[\ud800-\udfff]")

DecodeError = orjson.JSONDecodeError
"""What loads raises for bytes that are not JSON (a ValueError)."""
EncodeError = orjson.JSONEncodeError
"""What indented raises for a value orjson will not write (a TypeError)."""


def loads(data: bytes | str) -> Any:
    return orjson.loads(data)


def dumps(value: Any) -> bytes:
    """Compact JSON, UTF-8, keys in the order they were given."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return orjson.dumps(_without_surrogates(value))


def indented(value: Any) -> bytes:
    """JSON as json.dumps(value, ensure_ascii=False, indent=2) writes it, in UTF-8, but for
    numbers below 0.0001 (1e-7 where json.dumps writes 1e-07). Raises EncodeError for what
    orjson will not write (lone surrogates, a key that is not a string, a number beyond 64
    bits) and, as json.dumps does, for a dataclass or a date. (A UUID or an enum it
    writes, where json.dumps would not: reflect has neither to write.)"""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATACLASS
                        | orjson.OPT_PASSTHROUGH_DATETIME)


def _without_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATES.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_without_surrogates(key): _without_surrogates(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [_without_surrogates(item) for item in value]
    return value
