"""Schema versions of the journal file, and the steps that bring an older file up to date.

The journal records its schema in its meta table. Up to schema 1 the file was TinyDB's JSON
layout, `{"meta": {"1": {"schema": 1}}, "entries": {"1": {...}, ...}}`; a file with no
schema there (a plain `{"entries": {...}}`, as stock TinyDB writes it) is schema 0. From
schema 2 the same tables are kept a line per entry (see reflect.journal).

`MIGRATIONS[k]` turns the data of a schema-k file into schema k+1; `current()` is the schema
this reflect writes. When the journal opens a file of an older schema it runs the steps in
order on the data in memory, checks the result like any journal, takes a backup of the old
bytes, and writes the new file, all under its write lock. A step that finds something it
cannot carry over raises MigrationError, and the file is left as it was.

To add schema 3:
1. Write `def _to_3(data: Data) -> Data` here. It receives the data of a schema-2 file (plain
   dicts and lists, already checked) and returns it as schema 3. It must keep everything a
   person wrote; a field it cannot fill is a MigrationError, never a silent loss.
2. Append it to MIGRATIONS. `current()` follows, and `migrate` records the new schema.
3. Teach `entry.is_entry_record` about any field that every entry now has.
4. Put a schema-2 file in tests/fixtures/ and list the schema-3 expectations in
   tests/test_migrations.py, which opens every tests/fixtures/journal-v*.json, checks
   that a backup comes first, and reads it back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Data = dict[str, Any]
ENTRIES = "entries"
META = "meta"


class MigrationError(Exception):
    """The file cannot be carried over to the newer schema; the message says why."""


def schema_of(data: Data) -> int:
    """The schema the data says it has: 0 when it says nothing, -1 when it is unreadable."""
    meta = data.get(META)
    if not meta:
        return 0
    if not isinstance(meta, dict):
        return -1
    first = next(iter(meta.values()))
    version = first.get("schema") if isinstance(first, dict) else None
    if type(version) is not int or version < 0:
        return -1
    return version


def set_schema(data: Data, version: int) -> None:
    meta = data.get(META)
    if isinstance(meta, dict) and meta:
        first = next(iter(meta.values()))
        if isinstance(first, dict):
            first["schema"] = version
            return
    data[META] = {"1": {"schema": version}}


def _to_1(data: Data) -> Data:
    """Schema 0 -> 1: a meta table, and the fields every entry keeps, filled where missing.

    An entry without a creation time cannot be given one honestly, so it stays without,
    and the journal's check refuses the file (unchanged) rather than invent a date."""
    entries = data.get(ENTRIES, {})
    numbers = [doc.get("number") for doc in entries.values() if isinstance(doc, dict)]
    next_number = max((n for n in numbers if type(n) is int), default=0) + 1
    for key in sorted(entries, key=_table_order):
        doc = entries[key]
        if not isinstance(doc, dict):
            continue
        if "id" not in doc:
            from reflect.entry import new_id

            doc["id"] = new_id()
        if "number" not in doc:
            doc["number"] = next_number
            next_number += 1
        if "updated" not in doc and "created" in doc:
            doc["updated"] = doc["created"]
        doc.setdefault("answers", {})
        doc.setdefault("pack", {"id": "", "version": 0})
        if "derived" not in doc:
            doc["derived"] = _derived(doc)
    return data


def _table_order(key: str) -> tuple[int, str]:
    return (int(key), key) if key.isdigit() else (0, key)


def _derived(doc: Data) -> Data:
    """The derived fields of an old entry, worked out again from its answers.

    With the shipped pack it was made with, the same fields a new entry gets; otherwise
    the title alone, from its first written answer."""
    from reflect.entry import derive, make_title
    from reflect.packs import discover

    answers = doc.get("answers")
    pack_info = doc.get("pack")
    if not isinstance(answers, dict):
        return {}
    pack_id = pack_info.get("id") if isinstance(pack_info, dict) else None
    shipped, _ = discover(None)
    for pack in shipped:
        if pack.id == pack_id:
            return derive(pack, answers)
    first_text = next((v for v in answers.values() if isinstance(v, str) and v.strip()), "")
    return {"title": make_title(first_text)}


def _to_2(data: Data) -> Data:
    """Schema 1 -> 2: the same tables, kept one line per entry (reflect.journal) instead of
    one JSON document; the data itself is unchanged, and the journal writes the new layout."""
    return data


Migration = Callable[[Data], Data]
MIGRATIONS: list[Migration] = [_to_1, _to_2]


def current() -> int:
    """The schema this reflect writes."""
    return len(MIGRATIONS)


def migrate(data: Data, version: int) -> Data:
    """The data brought from `version` up to the current schema, step by step."""
    for target in range(version + 1, current() + 1):
        data = MIGRATIONS[target - 1](data)
        set_schema(data, target)
    return data
