"""Two copies of one journal made into one: the rules, free of files and of the terminal.

A person who keeps the journal on two computers (through Syncthing, a shared folder or
git) can end with two versions that each saved something while apart. They are merged by
each reflection's id:

- a reflection in only one of them is kept;
- one in both keeps the version changed last (its `updated`); the follow-ups of both are
  kept (each alternative's latest answer), and so are the links;
- a reflection deleted in either stays deleted: each journal remembers the ids it deleted,
  and when, in its `deleted` table, and so does the merged one;
- numbers stay unique in the journal merged into: a reflection arriving with a number
  that was already given here gets the next one after the highest (its id is unchanged).

Which version is newer is decided by the moment each says, then (for a tie) by the
content itself, so merging A into B or B into A keeps the same reflections with the same
words; only the numbers, which belong to each journal, can differ.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from reflect.journal.migrations import DELETED, ENTRIES, META

Record = dict[str, Any]


@dataclass
class Side:
    """One journal's reflections by id, the ids it deleted, and the highest number it gave."""

    entries: dict[str, Record]
    deleted: dict[str, Record] = field(default_factory=dict)
    last_number: int = 0


@dataclass
class Report:
    """What a merge changed in the journal merged into."""

    added: list[Record] = field(default_factory=list)
    changed: list[Record] = field(default_factory=list)
    removed: list[Record] = field(default_factory=list)
    """Reflections here that the other journal had deleted."""
    renumbered: list[tuple[Record, int]] = field(default_factory=list)
    """Arrivals whose number was taken here: (the record as kept, its number there)."""
    deletions: int = 0
    """Deletions the other journal knew of and this one did not."""

    @property
    def taken_in(self) -> int:
        """How many reflections came from the other journal (new or changed)."""
        return len(self.added) + len(self.changed)

    @property
    def anything(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.deletions)


@dataclass
class Merged:
    """The merged journal's side, and what changed in the one merged into."""

    side: Side
    report: Report


def side_of(data: Mapping[str, Any]) -> Side:
    """A journal's tables (TinyDB's layout, already checked) as a Side."""
    entries = {doc["id"]: dict(doc) for doc in (data.get(ENTRIES) or {}).values()}
    deleted = {doc["id"]: dict(doc) for doc in (data.get(DELETED) or {}).values()}
    return Side(entries, deleted, _kept_last_number(data))


def side_of_records(records: Iterable[Record]) -> Side:
    """Reflections that come without a journal around them (a JSON export)."""
    return Side({record["id"]: dict(record) for record in records})


def _kept_last_number(data: Mapping[str, Any]) -> int:
    meta = data.get(META) or {}
    kept = [doc.get("last_number") for doc in meta.values() if isinstance(doc, dict)]
    return max((number for number in kept if type(number) is int), default=0)


def merge(ours: Side, theirs: Side) -> Merged:
    """Merge `theirs` into `ours`: every reflection of both, none that either deleted."""
    report = Report()
    deleted = dict(ours.deleted)
    for entry_id, record in theirs.deleted.items():
        if entry_id not in deleted:
            report.deletions += 1
            deleted[entry_id] = record
        else:
            deleted[entry_id] = min(deleted[entry_id], record, key=_deletion_rank)
    entries: dict[str, Record] = {}
    for entry_id, record in ours.entries.items():
        if entry_id in deleted:
            report.removed.append(record)
            continue
        other = theirs.entries.get(entry_id)
        if other is None:
            entries[entry_id] = record
            continue
        both = merge_versions(record, other)
        both["number"] = record["number"]
        if both != record:
            report.changed.append(both)
        entries[entry_id] = both
    highest = max([ours.last_number,
                   *(record["number"] for record in ours.entries.values()),
                   *(n for n in (d.get("number") for d in ours.deleted.values())
                     if type(n) is int)])
    arriving = [record for entry_id, record in theirs.entries.items()
                if entry_id not in ours.entries and entry_id not in deleted]
    for record in sorted(arriving, key=_arrival_order):
        kept = dict(record)
        if kept["number"] <= highest:
            highest += 1
            kept["number"] = highest
            report.renumbered.append((kept, record["number"]))
        else:
            highest = kept["number"]
        entries[kept["id"]] = kept
        report.added.append(kept)
    last = max(highest, theirs.last_number)
    return Merged(Side(entries, deleted, last), report)


def merge_versions(a: Record, b: Record) -> Record:
    """One reflection kept in two journals: the version changed last, with the follow-ups
    and links of both. The same whichever is given first (the number excepted: it is the
    first one's)."""
    winner, other = (a, b) if _rank(a) >= _rank(b) else (b, a)
    merged = {key: value for key, value in winner.items()
              if key not in ("followups", "links")}
    merged["number"] = a["number"]
    followups = _followups(winner.get("followups"), other.get("followups"))
    if followups:
        merged["followups"] = followups
    links = {**(other.get("links") or {}), **(winner.get("links") or {})}
    if links:
        merged["links"] = links
    return merged


def _followups(first: Any, second: Any) -> dict[str, Any]:
    """Each alternative's latest answer, from either version."""
    kept: dict[str, Any] = {}
    for items in (first or {}, second or {}):
        for key, value in items.items():
            if key not in kept or _answer_rank(value) > _answer_rank(kept[key]):
                kept[key] = value
    return kept


def _rank(record: Record) -> tuple[float, str]:
    """Which version of a reflection is newer: its `updated` moment, then its content (the
    number, follow-ups and links left out: they differ between journals or are merged)."""
    core = {key: value for key, value in record.items()
            if key not in ("number", "followups", "links")}
    return (_moment(record.get("updated")), _canonical(core))


def _answer_rank(value: Any) -> tuple[float, str]:
    at = value.get("at") if isinstance(value, dict) else None
    return (_moment(at), _canonical(value))


def _deletion_rank(record: Record) -> tuple[float, str]:
    """The first deletion of a reflection is the one remembered."""
    return (_moment(record.get("at")), _canonical(record))


def _arrival_order(record: Record) -> tuple[int, float, str]:
    return (record["number"], _moment(record.get("created")), record["id"])


def _moment(value: Any) -> float:
    """A stored time as seconds since 1970 (one without a zone read as UTC); a time that
    cannot be read counts as the earliest."""
    if not isinstance(value, str):
        return -math.inf
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return -math.inf
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def tables(data: Mapping[str, Any], side: Side) -> dict[str, Any]:
    """The journal's tables with `side` in them: entries numbered in order, the deletions,
    the highest number given; any other table as it was."""
    result = {name: table for name, table in data.items()
              if name not in (ENTRIES, DELETED, META)}
    ordered = sorted(side.entries.values(), key=lambda record: record["number"])
    result[ENTRIES] = {str(key): record for key, record in enumerate(ordered, start=1)}
    gone = sorted(side.deleted.values(), key=lambda record: (_deletion_rank(record)))
    result[DELETED] = {str(key): record for key, record in enumerate(gone, start=1)}
    meta = {key: dict(doc) for key, doc in (data.get(META) or {}).items()}
    first = next(iter(meta.values()), None)
    if first is None:
        meta["1"] = first = {}
    if side.last_number:
        first["last_number"] = side.last_number
    result[META] = meta
    return result


def content(side: Side) -> tuple[dict[str, Record], set[str]]:
    """What a journal holds, numbers aside: its reflections by id, and the ids it deleted.
    Two merges of the same journals in any order hold the same content."""
    return ({entry_id: {key: value for key, value in record.items() if key != "number"}
             for entry_id, record in side.entries.items()}, set(side.deleted))
