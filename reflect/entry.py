"""The journal entry: what a finished reflection keeps, and the fields derived from it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from reflect.errors import ReflectError
from reflect.packs import Pack
from reflect.safe_text import printable

TITLE_LENGTH = 60
_NO_PACK: Mapping[str, Any] = {}
_HIDDEN = (b"\\u", b"\\b", b"\\f", b"\\r", b"\x7f")
"""What makes stored JSON read otherwise once decoded: an escaped character, and the
control characters printable() takes out, which join the text around them."""


def now() -> str:
    """The current local time, to the second, with its UTC offset."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def new_id() -> str:
    """A random (version 4) UUID, as text. Made here rather than with the uuid module,
    whose import costs more than a quick save takes."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # the RFC 4122 variant
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


@dataclass
class Entry:
    """One reflection. `number` is the short number people use; `id` never changes."""

    id: str
    number: int
    created: str
    updated: str
    pack_id: str
    pack_version: int
    answers: dict[str, Any]
    derived: dict[str, Any] = field(default_factory=dict)
    followups: dict[str, dict[str, str]] = field(default_factory=dict)
    """How each alternative went, asked later: {value: {"outcome": ..., "at": time}}."""
    links: dict[str, str] = field(default_factory=dict)
    """Other entries this one belongs with: {"preparation": the id of one made before}."""

    def to_record(self) -> dict[str, Any]:
        record = {
            "id": self.id,
            "number": self.number,
            "created": self.created,
            "updated": self.updated,
            "pack": {"id": self.pack_id, "version": self.pack_version},
            "answers": self.answers,
            "derived": self.derived,
        }
        if self.followups:
            record["followups"] = self.followups
        if self.links:
            record["links"] = self.links
        return record

    @classmethod
    def stored(cls, head: Mapping[str, Any], raw_answers: bytes) -> Entry:
        """An entry as the journal keeps it: its answers stay as stored JSON until they are
        first used, so listing, counting and filtering a large journal skip decoding them."""
        entry = cls.__new__(cls)
        entry.__dict__.update(_fields(head), _raw_answers=raw_answers)
        return entry

    if not TYPE_CHECKING:
        def __getattr__(self, name: str) -> Any:
            # Only reached for an attribute not set: the answers of a stored entry.
            raw = self.__dict__.get("_raw_answers") if name == "answers" else None
            if raw is None:
                raise AttributeError(name)
            answers = _decode_answers(raw, self.__dict__.get("number"))
            self.__dict__["answers"] = answers
            del self.__dict__["_raw_answers"]
            return answers

    def answers_may_hold(self, words: list[str]) -> bool:
        """False only when the stored answers cannot hold every one of the words.

        A quick test on the stored JSON before decoding it, for search. The words are
        case-folded runs of letters and digits, which JSON writes as they are."""
        raw = self.__dict__.get("_raw_answers")
        if raw is None or any(escape in raw for escape in _HIDDEN):
            return True  # decoded already, or may read otherwise once decoded
        if raw.isascii():  # most answers: bytes compare, and casefold is lower
            lowered = raw.lower()
            return all(word.isascii() and word.encode() in lowered for word in words)
        text = printable(raw.decode("utf-8", "replace"))
        lowered = text.lower()
        if all(word in lowered for word in words):
            return True
        folded = text.casefold()  # search folds case this way unless lengths change
        return all(word in folded for word in words)

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Entry:
        return cls(**_fields(record), answers=dict(record.get("answers") or {}))


def _fields(record: Mapping[str, Any]) -> dict[str, Any]:
    """An entry's fields from its record, all but its answers."""
    pack = record.get("pack") or _NO_PACK
    followups = record.get("followups")
    links = record.get("links")
    return {
        "id": record["id"], "number": record["number"], "created": record["created"],
        "updated": record["updated"], "pack_id": pack.get("id", ""),
        "pack_version": pack.get("version", 0), "derived": dict(record.get("derived") or {}),
        "followups": {key: dict(value) for key, value in followups.items()
                      if isinstance(value, dict)} if followups else {},
        "links": {key: value for key, value in links.items()
                  if isinstance(value, str)} if links else {},
    }


def _decode_answers(raw: bytes, number: object) -> dict[str, Any]:
    from reflect import codec

    try:
        answers = codec.loads(raw)
    except codec.DecodeError:
        answers = None
    if not isinstance(answers, dict):
        raise ReflectError(f"Reflection #{number} in the journal is damaged: its answers "
                           "cannot be read. Nothing was changed; `reflect restore --help` "
                           "tells how to go back to a backup.")
    return answers


def clean_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers without terminal control characters, the way the journal keeps them.

    Nothing a person means is lost: tabs and line breaks stay. What goes is what no one
    types on purpose (escape sequences from a paste, stray control bytes), so a journal
    never holds anything that could act on a terminal when shown or exported."""
    return {key: _clean(value) for key, value in answers.items()}


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return printable(value.replace("\r\n", "\n"))
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


def derive(pack: Pack, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The fields every entry keeps whatever its pack: title, kind, needs, intensities..."""
    derived: dict[str, Any] = {}
    for role, step_id in pack.derive.items():
        value = answers.get(step_id)
        if role in ("emotions", "needs", "alternatives"):
            derived[role] = [] if value is None else list(value) if isinstance(
                value, list) else [value]
        elif role == "title":
            derived[role] = make_title(value) if isinstance(value, str) else ""
        else:
            derived[role] = value
    if not derived.get("title"):
        derived["title"] = pack.title
    return derived


def make_title(text: str) -> str:
    """The first non-empty line of the text, cut to a readable length."""
    for line in text.splitlines():
        line = " ".join(printable(line, keep_newlines=False).split())
        if line:
            if len(line) > TITLE_LENGTH:
                line = line[: TITLE_LENGTH - 1].rstrip() + "…"
            return line
    return ""
