"""The journal entry: what a finished reflection keeps, and the fields derived from it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from reflect.base.safe_text import printable
from reflect.packs.model import SCALE_LIMIT, Choice, Pack

TITLE_LENGTH = 60
EARLIEST_YEAR = 1900
LATEST_YEAR = 9998
"""Dates are kept within these years, so a day or a week either side of any of them (as
stats and exports count) is still a date Python can hold."""
_RATINGS = ("intensity_before", "intensity_after")
MAX_RATING = SCALE_LIMIT
"""Past this a stored rating is no rating: averages of far bigger numbers overflow."""
_NO_PACK: Mapping[str, Any] = {}


# What a follow-up records about each alternative (reflect.engine.followup asks).
HELPED = "helped"
DIDNT_HELP = "didnt-help"
DECLINED_OKAY = "declined-okay"
NOT_YET = "not-yet"
DISMISSED = "dismissed"
OUTCOMES = (
    Choice(HELPED, "I tried it, and it helped"),
    Choice(DIDNT_HELP, "I tried it, and it didn't help much"),
    Choice(DECLINED_OKAY, "I offered it, they said no, and that was okay"),
    Choice(NOT_YET, "Not yet"),
    Choice(DISMISSED, "Don't ask me about this one again"),
)
OUTCOME_WORDS = {choice.value: choice.label for choice in OUTCOMES}

# A preparation is an entry of this pack (reflect.engine.prepare); a reflection about the
# ask it prepared keeps the preparation's id under LINK in its links.
PREPARE_PACK = "preparing-to-ask"
LINK = "preparation"


def now() -> str:
    """The current local time, to the second, with its UTC offset."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def new_id() -> str:
    """A random (version 4) UUID, as text."""
    return str(uuid.uuid4())


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
        """The entry as the journal keeps it."""
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
    def from_record(cls, record: Mapping[str, Any]) -> Entry:
        pack = record.get("pack") or _NO_PACK
        followups = record.get("followups")
        links = record.get("links")
        return cls(
            id=record["id"], number=record["number"], created=record["created"],
            updated=record["updated"], pack_id=pack.get("id", ""),
            pack_version=pack.get("version", 0), answers=dict(record.get("answers") or {}),
            derived=dict(record.get("derived") or {}),
            followups={key: dict(value) for key, value in followups.items()
                       if isinstance(value, dict)} if followups else {},
            links={key: value for key, value in links.items()
                   if isinstance(value, str)} if links else {},
        )


def is_entry_record(doc: Any) -> bool:
    """Whether the decoded JSON has what every entry has, of the right types."""
    if type(doc) is not dict:
        return False
    try:
        pack = doc.get("pack") or _NO_PACK
        return (type(doc["id"]) is str and type(doc["number"]) is int
                and type(doc["created"]) is str and not _out_of_range(doc["created"])
                and type(doc["updated"]) is str and not _out_of_range(doc["updated"])
                and isinstance(pack, dict) and type(pack.get("id", "")) is str
                and type(doc.get("answers", doc)) is dict
                and type(doc.get("derived", doc)) is dict
                and derived_problem(doc.get("derived", {})) is None
                and type(doc.get("followups") or {}) is dict
                and type(doc.get("links") or {}) is dict)
    except KeyError:
        return False


def _out_of_range(value: str) -> bool:
    """Whether a stored date is one every view would fail on. One that cannot be read at
    all is shown as it is written, so it is left to the views."""
    try:
        year = datetime.fromisoformat(value).year
    except ValueError:
        return False
    return not EARLIEST_YEAR <= year <= LATEST_YEAR


def timestamp_problem(value: Any) -> str | None:
    """What is wrong with a stored date and time, or None when every view can show it."""
    if not isinstance(value, str) or len(value) > 40:
        return "is not a date and time"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return f"is not a date and time ({value[:40]!r})"
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        return f"is in the year {moment.year}, outside {EARLIEST_YEAR} to {LATEST_YEAR}"
    return None


def derived_problem(derived: Mapping[str, Any]) -> str | None:
    """What is wrong with an entry's derived fields' types, or None."""
    for role in _RATINGS:
        value = derived.get(role)
        if value is not None and type(value) is not int:
            return f"'derived.{role}' is not a whole number"
        if value is not None and not -MAX_RATING <= value <= MAX_RATING:
            return f"'derived.{role}' is a number far outside any scale"
    if not isinstance(derived.get("title", ""), str):
        return "'derived.title' is not words"
    return None


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


def is_preparation(entry: Entry) -> bool:
    return entry.pack_id == PREPARE_PACK
