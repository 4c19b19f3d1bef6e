"""JSON in and out of the journal. The only module that imports orjson.

orjson parses and writes several times faster than the standard library, which is what
keeps a journal of many years quick to open. It is stricter too: it refuses NaN, numbers
beyond 64 bits, invalid UTF-8 and lone surrogates. Text with lone surrogates can only come
from an old file or a broken paste; writing replaces them with U+FFFD rather than fail.

But orjson takes some 25 ms to load (it loads dataclasses and inspect), which a command
that reads or writes only a few documents never wins back: `list` and `show` decode twenty
entries or one, a save writes one. So the first SWITCH_AFTER documents each way go through
the standard library's json, and orjson is loaded for the rest, or at once for work known
to be large (`expect`). The two give the same, byte for byte: json takes only what it
reads and writes exactly as orjson does, and hands anything else (a float, NaN, a number
beyond 64 bits, a lone surrogate or an escape for one, invalid UTF-8, nesting too
deep) to orjson, whose answer or error stands.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import orjson

SWITCH_AFTER = 500
"""Documents decoded (and, apart, encoded) with json before orjson takes over. json takes
some 10 µs more a document, and the work that follows is slower on its dicts (each
document's keys are strings of their own, where orjson shares them); measured, `stats`
and an export of 1,000 reflections were some 10 ms slower with json, however long orjson
took to load."""

_SURROGATES = re.compile("[\ud800-\udfff]")

DecodeError = json.JSONDecodeError
"""What loads raises for bytes that are not JSON (a ValueError; orjson's own error is one
of these)."""
EncodeError = TypeError
"""What indented raises for a value orjson will not write (orjson's error is one)."""


class _Unusual(Exception):
    """A document (or a value) json would read (or write) otherwise than orjson does."""


def _unusual(text: str) -> Any:
    raise _Unusual


def _integer(text: str) -> int:
    value = int(text)
    if -(1 << 63) <= value < (1 << 64):
        return value
    raise _Unusual  # orjson reads one beyond 64 bits as a float


_DECODER = json.JSONDecoder(parse_float=_unusual, parse_int=_integer,
                            parse_constant=_unusual)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_to_decode = SWITCH_AFTER
_to_encode = SWITCH_AFTER
"""How many more documents json decodes, and encodes, before orjson takes over."""


_loaded = False
"""Whether orjson is loaded (as the module's global `orjson`)."""


def _fast() -> None:
    """Load orjson, if it is not loaded yet."""
    global orjson, _loaded
    if not _loaded:
        import orjson

        _loaded = True


def expect(documents: int) -> None:
    """Work about to decode this many documents: beyond SWITCH_AFTER, load orjson now and
    use it from the start (before the work is shared with a second process, which then
    need not load it again); else json decodes them all, however many were decoded
    before, rather than load orjson for the last few."""
    global _to_decode
    if documents > SWITCH_AFTER:
        _to_decode = 0
        _fast()
    else:
        _to_decode = max(_to_decode, documents)


def loads(data: bytes | str) -> Any:
    global _to_decode
    if _to_decode > 0 and isinstance(data, bytes):
        _to_decode -= 1
        # An escape for a surrogate (which orjson refuses alone) is orjson's to read.
        if data.find(b"\\ud") < 0 and data.find(b"\\uD") < 0:
            try:
                return _DECODER.decode(data.decode())
            except (ValueError, RecursionError, _Unusual):  # not JSON, or not json's
                pass
    if not _loaded:  # looked at here, not in _fast, for the many documents of large work
        _fast()
    return orjson.loads(data)


def dumps(value: Any) -> bytes:
    """Compact JSON, UTF-8, keys in the order they were given."""
    global _to_encode
    if _to_encode > 0:
        _to_encode -= 1
        try:
            if _plain(value):
                return _ENCODER.encode(value).encode()
        except RecursionError:
            pass
    _fast()
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return orjson.dumps(_without_surrogates(value))


def _plain(value: Any) -> bool:
    """Whether json writes the value as orjson does: strings without surrogates, integers
    of 64 bits, True, False, None, and lists and dicts (keyed by strings) of them."""
    kind = type(value)
    if kind is str:
        return _SURROGATES.search(value) is None
    if kind is int:
        return bool(-(1 << 63) <= value < (1 << 64))
    if kind is list:
        return all(_plain(item) for item in value)
    if kind is dict:
        return all(type(key) is str and _SURROGATES.search(key) is None and _plain(item)
                   for key, item in value.items())
    return value is None or kind is bool


def indented(value: Any) -> bytes:
    """JSON as json.dumps(value, ensure_ascii=False, indent=2) writes it, in UTF-8, but for
    numbers below 0.0001 (1e-7 where json.dumps writes 1e-07). Raises EncodeError for what
    orjson will not write (lone surrogates, a key that is not a string, a number beyond 64
    bits) and, as json.dumps does, for a dataclass or a date. (A UUID or an enum it
    writes, where json.dumps would not: reflect has neither to write.)"""
    _fast()
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
