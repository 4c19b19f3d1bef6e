"""The journal's JSON: the standard library's json for a few documents, orjson for many,
and the same result, byte for byte and error for error, whichever does the work."""

from __future__ import annotations

import random
import subprocess
import sys
from typing import Any

import orjson
import pytest

from reflect import codec

from conftest import FULL_ANSWERS, HOSTILE_TEXT

UNUSUAL_DOCUMENTS = [
    b"NaN", b"[Infinity]", b"-Infinity", b'{"a": 1.5}', b"1e400", b"[1.5e999]", b"-0.0",
    b"18446744073709551615", b"18446744073709551616", b"-9223372036854775808",
    b"-9223372036854775809", b"123456789012345678", b"1234567890123456789",
    b"1" * 5000,
    b'"\\ud800"', b'"\\udc00x"', b'"\\\\ud800 is six characters"', b'"\\uD83D\\uDE00"',
    b'"\\ud83d\\ude00"',
    b'"\xff"', b'"\xed\xa0\x80"', b"\xef\xbb\xbf{}", b'"\x01"', b'"\t"', b'"a\x00"', b"\x00",
    b'{"a":1}x', b"", b" ", b"[" * 5000 + b"]" * 5000, b"[" * 990 + b"]" * 990,
    b'{"a":1,"b":2,"a":3}', b"01", b"[1,]", b'{"a" 1}', b"tru", b'"\\x"', b'"\\u12"',
]
"""Documents json would read otherwise than orjson (or not at all), and broken ones."""


class _Key(str):
    """A dict's key, told from a string value."""


def _typed(value: Any) -> list[Any]:
    """The value, part by part, with the type of each: 1.0 and 1 told apart, and the order
    of keys. (Without recursion: some documents are nested hundreds deep.)"""
    parts: list[Any] = []
    left = [value]
    while left:
        part = left.pop()
        if isinstance(part, dict):
            parts.append(("dict", len(part)))
            for key, item in reversed(part.items()):
                left += [item, _Key(key)]
        elif isinstance(part, list):
            parts.append(("list", len(part)))
            left += reversed(part)
        else:
            parts.append((type(part).__name__, repr(part)))
    return parts


def _orjson_reads(document: bytes) -> Any:
    try:
        return _typed(orjson.loads(document))
    except orjson.JSONDecodeError:
        return "refused"


def _reflect_reads(document: bytes) -> Any:
    try:
        return _typed(codec.loads(document))
    except codec.DecodeError:
        return "refused"


@pytest.fixture
def json_first(monkeypatch):
    """A fresh start: json for the next documents."""
    monkeypatch.setattr(codec, "_to_decode", codec.SWITCH_AFTER)
    monkeypatch.setattr(codec, "_to_encode", codec.SWITCH_AFTER)


def _no_orjson(monkeypatch) -> None:
    def refuse() -> None:
        raise AssertionError("orjson was asked")

    monkeypatch.setattr(codec, "_fast", refuse)


def _random_text(chance: random.Random) -> str:
    return "".join(chance.choice(["a", " ", "é", "\n", '"', "\\", "\x01", "\x7f", "\u2028",
                                  "🙂", "心", "\ufeff", "/"])
                   for _ in range(chance.randint(0, 12)))


def _random_value(chance: random.Random, depth: int = 0) -> Any:
    kind = chance.choice(["str", "int", "const", "list", "dict"] if depth < 4
                         else ["str", "int", "const"])
    if kind == "str":
        return _random_text(chance)
    if kind == "int":
        return chance.choice([0, -1, 7, 10**17, -(2**63), 2**64 - 1,
                              chance.randint(-999, 999)])
    if kind == "const":
        return chance.choice([True, False, None])
    if kind == "list":
        return [_random_value(chance, depth + 1) for _ in range(chance.randint(0, 4))]
    return {_random_text(chance): _random_value(chance, depth + 1)
            for _ in range(chance.randint(0, 4))}


@pytest.mark.parametrize("seed", range(30))
def test_json_reads_and_writes_plain_documents_as_orjson_does(seed, json_first,
                                                             monkeypatch):
    """Random text (quotes, backslashes, control characters, wide characters, line
    separators), integers, lists and dicts: json alone, the same bytes out and the same
    values back as orjson's."""
    chance = random.Random(seed)
    values = [_random_value(chance) for _ in range(20)] + [FULL_ANSWERS, HOSTILE_TEXT]
    expected = [orjson.dumps(value) for value in values]
    _no_orjson(monkeypatch)
    written = [codec.dumps(value) for value in values]
    assert written == expected
    assert [_reflect_reads(document) for document in written] == [
        _typed(value) for value in values]


@pytest.mark.parametrize("document", UNUSUAL_DOCUMENTS, ids=lambda d: repr(d)[:24])
def test_what_json_would_read_otherwise_is_orjsons_to_read(document, json_first):
    """NaN, floats, integers beyond 64 bits, escapes for surrogates, invalid
    UTF-8, control characters, nesting too deep, broken JSON: the same value or the same
    refusal as orjson's (a DecodeError, never another error)."""
    assert _reflect_reads(document) == _orjson_reads(document)


@pytest.mark.parametrize("value", [
    1.5, float("nan"), float("inf"), -0.0, 2**64, -(2**63) - 1, 2**64 - 1, -(2**63),
    "\ud800", {"\udfff": 1}, ["ok", "\ud83d"], (1, 2), {1: "a"}, {"a": {"b": [1.25]}},
    True, None, "", {}, [],
], ids=repr)
def test_what_json_would_write_otherwise_is_orjsons_to_write(value, json_first):
    """A float, NaN, integers beyond 64 bits, lone surrogates (written as U+FFFD), a
    tuple, a key that is not a string: the same bytes as orjson's, or the same refusal."""
    try:
        expected: Any = orjson.dumps(value)
    except orjson.JSONEncodeError:
        try:
            expected = orjson.dumps(codec._without_surrogates(value))
        except orjson.JSONEncodeError:
            expected = "refused"
    try:
        written: Any = codec.dumps(value)
    except TypeError:
        written = "refused"
    assert written == expected


class _StandIn:
    """orjson, as far as these tests need it."""

    @staticmethod
    def loads(data: bytes) -> str:
        return "orjson's"


def test_orjson_takes_over_after_a_few_hundred_documents(monkeypatch, json_first):
    asked = []
    monkeypatch.setattr(codec, "_fast", lambda: asked.append(True))
    monkeypatch.setattr(codec, "_loaded", False)
    monkeypatch.setattr(codec, "orjson", _StandIn, raising=False)
    for _ in range(codec.SWITCH_AFTER):
        assert codec.loads(b'{"a": [1, "b"]}') == {"a": [1, "b"]}
    assert asked == []
    assert codec.loads(b"{}") == "orjson's"
    assert asked == [True]


def test_work_known_to_be_large_starts_with_orjson_and_small_work_keeps_json(
        monkeypatch, json_first):
    asked = []
    monkeypatch.setattr(codec, "_fast", lambda: asked.append(True))
    monkeypatch.setattr(codec, "_to_decode", 3)
    codec.expect(codec.SWITCH_AFTER - 1)  # however many were decoded before
    for _ in range(codec.SWITCH_AFTER - 1):
        codec.loads(b"[]")
    assert asked == []
    codec.expect(codec.SWITCH_AFTER + 1)
    assert asked == [True]
    assert codec._to_decode == 0


@pytest.mark.parametrize("args", [["list"], ["show", "2"], ["search", "partner"],
                                  ["stats"], ["export", "--format", "md"]], ids=" ".join)
def test_a_small_journal_is_read_without_loading_orjson(filled, args):
    """orjson takes longer to load than json takes to read a small journal."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "reflect", *args],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    loaded = {line.split("|")[-1].strip() for line in done.stderr.splitlines()
              if line.startswith("import time:")}
    assert "json" in loaded
    assert "orjson" not in loaded
