"""The journal entry: what a finished reflection keeps, and the fields derived from it."""

from __future__ import annotations

import bisect
import functools
import os
from collections.abc import Container, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from reflect.codec import DecodeError, loads
from reflect.errors import ReflectError
from reflect.packs import Pack
from reflect.safe_text import UTF8_CONTROLS, printable

TITLE_LENGTH = 60
_NO_PACK: Mapping[str, Any] = {}
_STORED_FIELDS = frozenset(("updated", "pack_id", "pack_version", "answers", "derived",
                            "followups", "links"))
"""The fields of a stored entry decoded only when first used (see Entry.stored)."""
_HEAD_STORED = _STORED_FIELDS - {"answers"}
_HEAD_FIELDS = ("id", "number", "created", "updated", "pack_id", "pack_version", "derived",
                "followups", "links")
"""The fields an entry's record holds besides its answers."""
_ALL_FIELDS = (*_HEAD_FIELDS[:6], "answers", *_HEAD_FIELDS[6:])
"""Every field, in the order Entry() takes them."""
_HIDDEN_ESCAPES = (b"u", b"b", b"f", b"r")
"""What makes stored JSON read otherwise once decoded: an escaped character (\\u...), and
the control characters printable() takes out, which join the text around them (\\b, \\f,
\\r as escapes, and DEL as it is)."""


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


class Lines:
    """A journal's entry lines as read, shared by every entry stored in them."""

    __slots__ = ("_hidden", "_raw_controls", "data")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._hidden: list[int] | None = None
        self._raw_controls: list[int] | None = None

    def hidden_between(self, start: int, end: int) -> bool:
        """Whether data[start:end] holds anything that reads otherwise once decoded
        (_HIDDEN_ESCAPES). Every place is found in one pass over all the lines, the first
        time it is asked: in a journal reflect wrote, there are next to none."""
        if self._hidden is None:
            data = self.data
            found = []
            find = data.find
            at = find(b"\\")
            while at >= 0:  # each escape in turn, so an escaped backslash is passed over
                if data[at + 1:at + 2] in _HIDDEN_ESCAPES:
                    found.append(at)
                at = find(b"\\", at + 2)
            at = find(b"\x7f")
            while at >= 0:
                found.append(at)
                at = find(b"\x7f", at + 1)
            found.sort()
            self._hidden = found
        return _any_between(self._hidden, start, end)

    def may_hold(self, start: int, end: int, words: list[str]) -> bool:
        """False only when the answers stored at data[start:end] cannot hold every one of
        the words: Entry.answers_may_hold()."""
        if self.hidden_between(start, end):
            return True  # may read otherwise once decoded
        raw = self.data[start:end]
        if raw.isascii():  # most answers: bytes compare, and casefold is lower
            lowered = raw.lower()
            for word in words:  # noqa: SIM110 - all() over a generator costs far more
                if not (word.isascii() and word.encode() in lowered):
                    return False
            return True
        text = printable(raw.decode("utf-8", "replace"))
        lower = text.lower()
        if all(word in lower for word in words):
            return True
        folded = text.casefold()  # search folds case this way unless lengths change
        return all(word in folded for word in words)

    def holding(self, spans: Sequence[tuple[int, int]], words: list[str]) -> list[int]:
        """Of the stored answers at each (start, end) of `spans` (in order, apart), the
        ends of those that may hold every one of the words, as may_hold() tells: for many
        at once, in one loop that calls nothing for answers in plain ASCII."""
        data = self.data
        starts = [start for start, _ in spans]
        asked = set()  # the places in spans of answers that may read otherwise decoded
        for at in self.hidden_places():
            k = bisect.bisect_right(starts, at) - 1
            if k >= 0 and at < spans[k][1]:
                asked.add(k)
        pieces = [word.encode() for word in words] if all(map(str.isascii, words)) else []
        holding: list[int] = []
        add = holding.append
        for k, (start, end) in enumerate(spans):
            raw = data[start:end]
            if k in asked or not raw.isascii():
                if self.may_hold(start, end, words):
                    add(end)
            elif pieces:
                lowered = raw.lower()
                for piece in pieces:
                    if piece not in lowered:
                        break
                else:
                    add(end)
        return holding

    def hidden_places(self) -> list[int]:
        """Every place hidden_between() looks for, in order."""
        self.hidden_between(0, 0)
        assert self._hidden is not None
        return self._hidden

    def controls_between(self, start: int, end: int) -> bool:
        """Whether data[start:end] holds anything printable() would take out once decoded:
        what hidden_between finds, or a C1 control or bidirectional character as itself
        (UTF8_CONTROLS), found in one pass too."""
        if self.hidden_between(start, end):
            return True
        if self._raw_controls is None:
            data = self.data
            found = []
            if not data.isascii():
                find = data.find
                for lead in (b"\xc2", b"\xe2"):  # find() is far quicker than a pattern
                    at = find(lead)
                    while at >= 0:
                        if UTF8_CONTROLS.match(data, at):
                            found.append(at)
                        at = find(lead, at + 1)
                found.sort()
            self._raw_controls = found
        return _any_between(self._raw_controls, start, end)


def answers_may_hold(entries: Iterable[Entry], words: list[str], data: bytes,
                     ends: Container[int]) -> list[Entry]:
    """The entries whose answers may hold every one of the words (Entry.answers_may_hold),
    in order, told beforehand for the lines of `data`: `ends` holds the ends of those
    whose answers may (Lines.holding). An entry stored there and not decoded since is
    known by its end, with no call made for it."""
    kept: list[Entry] = []
    add = kept.append
    for entry in entries:
        fields = entry.__dict__
        stored = fields.get("_stored")
        if stored is not None and stored[0].data is data and "answers" not in fields:
            if stored[3] in ends:
                add(entry)
        elif entry.answers_may_hold(words):
            add(entry)
    return kept


def _any_between(places: list[int], start: int, end: int) -> bool:
    """Whether any of the places (in order) is at or after start and before end."""
    after = bisect.bisect_left(places, start)
    return after < len(places) and places[after] < end


class Entry:
    """One reflection. `number` is the short number people use; `id` never changes.

    Written out rather than a dataclass, which would take a millisecond or more to define
    on every command; compared, and shown by repr(), field by field as one would be."""

    id: str
    number: int
    created: str
    updated: str
    pack_id: str
    pack_version: int
    answers: dict[str, Any]
    derived: dict[str, Any]
    followups: dict[str, dict[str, str]]
    """How each alternative went, asked later: {value: {"outcome": ..., "at": time}}."""
    links: dict[str, str]
    """Other entries this one belongs with: {"preparation": the id of one made before}."""

    def __init__(self, id: str, number: int, created: str, updated: str,
                 pack_id: str, pack_version: int, answers: dict[str, Any],
                 derived: dict[str, Any] | None = None,
                 followups: dict[str, dict[str, str]] | None = None,
                 links: dict[str, str] | None = None) -> None:
        self.id = id
        self.number = number
        self.created = created
        self.updated = updated
        self.pack_id = pack_id
        self.pack_version = pack_version
        self.answers = answers
        self.derived = {} if derived is None else derived
        self.followups = {} if followups is None else followups
        self.links = {} if links is None else links

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _ALL_FIELDS)

    __hash__ = None  # type: ignore[assignment]  # changed in place, so not hashable

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _ALL_FIELDS)
        return f"Entry({shown})"

    def to_record(self) -> dict[str, Any]:
        # What is not decoded yet is decoded for the record alone and not kept, as what
        # asks for every entry's record (an export) goes through each once.
        return _record(self.peek_head(), self.peek_answers())

    @classmethod
    def stored(cls, entry_id: str, number: int, created: str, lines: Lines, start: int,
               tab: int, end: int) -> Entry:
        """An entry as the journal keeps it: the head of its line (`lines.data[start:tab]`)
        and its answers (`[tab + 1:end]`) stay as stored JSON until a field of theirs is
        first used. So listing a large journal, or finding one entry in it, decodes only
        the entries it shows."""
        entry = cls.__new__(cls)
        entry.__dict__.update(id=entry_id, number=number, created=created,
                              _stored=(lines, start, tab, end))
        return entry

    if not TYPE_CHECKING:
        def __getattr__(self, name: str) -> Any:
            # Only reached for a field not set yet: one of a stored entry's, decoded now.
            fields = self.__dict__
            stored = fields.get("_stored")
            if stored is None or name not in _STORED_FIELDS:
                raise AttributeError(name)
            lines, start, tab, end = stored
            line = lines.data
            if name == "answers":
                fields["answers"] = _decoded(line[tab + 1:end], fields["number"], "answers")
            else:
                head = _fields(_decoded(line[start:tab], fields["number"], "details"))
                if _HEAD_STORED.isdisjoint(fields):
                    fields.update(head)  # id, number and created: the same as read
                else:
                    for key, value in head.items():  # keeping what was set since
                        fields.setdefault(key, value)
            return fields[name]

    def answer(self, step_id: str) -> Any:
        """The answer to one step, decoded as peek_answers() does."""
        return self.peek_answers().get(step_id)

    def peek_answers(self) -> dict[str, Any]:
        """The answers. Of a stored entry whose answers are not decoded yet, they are
        decoded for the caller and not kept: for what goes through every entry for one or
        two answers (stats), so a large journal is never all decoded at once. Read only."""
        fields = self.__dict__
        stored = fields.get("_stored")
        if stored is None or "answers" in fields:
            return self.answers
        lines, _, tab, end = stored
        return _decoded(lines.data[tab + 1:end], fields["number"], "answers")

    def peek_head(self) -> Mapping[str, Any]:
        """The fields but the answers (those of _HEAD_FIELDS), by name. Of a stored entry
        whose head is not decoded yet, it is decoded for the caller and not kept, as in
        peek_answers(): stats reads several fields of every entry once, and decoding them
        one attribute at a time, or keeping them all, costs far more. Read only."""
        fields = self.__dict__
        stored = fields.get("_stored")
        if stored is None or not _HEAD_STORED.isdisjoint(fields):
            return {name: getattr(self, name) for name in _HEAD_FIELDS}
        lines, start, tab, _ = stored
        return _fields(_decoded(lines.data[start:tab], fields["number"], "details"))

    def forget(self) -> None:
        """Let go of what was decoded of a stored entry (decoded again if used), for the
        commands that go through every entry once. Only for an entry left unchanged."""
        fields = self.__dict__
        stored = fields.get("_stored")
        if stored is not None and len(fields) > 4:
            kept = (fields["id"], fields["number"], fields["created"])
            fields.clear()
            fields["id"], fields["number"], fields["created"] = kept
            fields["_stored"] = stored

    def surely_printable(self) -> bool:
        """True when no string of the entry holds a character printable() takes out: told
        without decoding a stored entry (False for any other, which may)."""
        stored = self.__dict__.get("_stored")
        if stored is None:
            return False
        lines, start, _, end = stored
        return not lines.controls_between(start, end)

    def has_no_links(self) -> bool:
        """True when the entry surely links to no other: told without decoding a stored
        entry's head, for the commands that look for the entries linked to one."""
        stored = self.__dict__.get("_stored")
        if stored is None or "links" in self.__dict__:
            return not self.links
        lines: Lines
        start: int
        tab: int
        lines, start, tab, _ = stored
        return lines.data.find(b'"links":', start, tab) < 0

    def is_from(self, pack_id: str) -> bool:
        """Whether the entry was written with this pack. Of a stored entry whose head
        holds no escape, told without decoding it when the pack id is not there (JSON
        writes such a string as it is), for leaving one pack's entries out of a large
        journal (stats leaves out preparations); decoded, and kept, otherwise."""
        stored = self.__dict__.get("_stored")
        if stored is not None and "pack_id" not in self.__dict__:
            quoted = _quoted(pack_id)
            lines: Lines
            start: int
            tab: int
            lines, start, tab, _ = stored
            find = lines.data.find
            if quoted and find(b"\\", start, tab) < 0 and find(quoted, start, tab) < 0:
                return False
        return self.pack_id == pack_id

    def answers_may_hold(self, words: list[str]) -> bool:
        """False only when the stored answers cannot hold every one of the words.

        A quick test on the stored JSON before decoding it, for search. The words are
        case-folded runs of letters and digits, which JSON writes as they are."""
        stored = self.__dict__.get("_stored")
        if stored is None or "answers" in self.__dict__:
            return True  # made here, or decoded already
        lines: Lines
        tab: int
        end: int
        lines, _, tab, end = stored
        return lines.may_hold(tab + 1, end, words)

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Entry:
        return cls(**_fields(record), answers=dict(record.get("answers") or {}))


@functools.lru_cache(maxsize=16)
def _quoted(text: str) -> bytes:
    """The text as a JSON string with no escape; empty for text beyond plain ASCII, which
    JSON may write otherwise."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'.encode()
    return b""


def _record(fields: Mapping[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """An entry's record, as the journal keeps it, from its fields and answers."""
    record = {
        "id": fields["id"],
        "number": fields["number"],
        "created": fields["created"],
        "updated": fields["updated"],
        "pack": {"id": fields["pack_id"], "version": fields["pack_version"]},
        "answers": answers,
        "derived": fields["derived"],
    }
    if fields["followups"]:
        record["followups"] = fields["followups"]
    if fields["links"]:
        record["links"] = fields["links"]
    return record


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


def _decoded(raw: bytes, number: object, part: str) -> dict[str, Any]:
    """A stored entry's details (its head) or answers, decoded and checked: one clear
    error when they are damaged."""
    try:
        value = loads(raw)
    except DecodeError:
        value = None
    if not isinstance(value, dict) or (part == "details" and not is_entry_record(value)):
        raise ReflectError(f"Reflection #{number} in the journal is damaged: its {part} "
                           "cannot be read. Nothing was changed; `reflect restore --help` "
                           "tells how to go back to a backup.")
    return value


def is_entry_record(doc: Any) -> bool:
    """Whether the decoded JSON has what every entry has, of the right types."""
    if type(doc) is not dict:
        return False
    try:
        return (type(doc["id"]) is str and type(doc["number"]) is int
                and type(doc["created"]) is str and type(doc["updated"]) is str
                and type(doc.get("answers", doc)) is dict
                and type(doc.get("derived", doc)) is dict)
    except KeyError:
        return False


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
