"""Schema versions of the journal file, and the steps that bring an older file up to date.

The journal records its schema in its meta table. The file is TinyDB's JSON layout,
`{"entries": {"1": {...}, ...}, "deleted": {...}, "meta": {"1": {"schema": 4}}}`; a file with
no schema there (a plain `{"entries": {...}}`, as stock TinyDB writes it) is schema 0. Schema
2 kept the same tables a line per entry instead (read_lines); schema 3 is TinyDB's layout
again, and schema 4 adds the table of deleted reflections.

`MIGRATIONS[k]` turns the data of a schema-k file into schema k+1; `current()` is the schema
this reflect writes. When the journal opens a file of an older schema it runs the steps in
order on the data in memory, checks the result like any journal, takes a backup of the old
bytes, and writes the new file, all under its write lock. A step that finds something it
cannot carry over raises MigrationError, and the file is left as it was.

Schema 4 added the `deleted` table. To add schema 5:
1. Write `def _to_5(data: Data) -> Data` here. It receives the data of a schema-4 file (plain
   dicts and lists, already checked) and returns it as schema 5. It must keep everything a
   person wrote; a field it cannot fill is a MigrationError, never a silent loss.
2. Append it to MIGRATIONS. `current()` follows, and `migrate` records the new schema.
3. Teach `entry.is_entry_record` about any field that every entry now has.
4. Keep the schema-4 file in tests/fixtures/, add a schema-5 one, and list what the
   schema-4 file reads back as in tests/journal/test_migrations.py, which opens every
   tests/fixtures/journal-v*.json, checks that a backup comes first, and reads it back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from reflect.journal.entry import derive, make_title, new_id
from reflect.packs.load import discover

Data = dict[str, Any]
ENTRIES = "entries"
META = "meta"
DELETED = "deleted"
"""Since schema 4: the reflections deleted, one document each (`id`, `number`, `at`), so
that merging in another copy of the journal never brings one back (reflect.journal.merge)."""
LINES_MARK = b'{"reflect":"journal",'
"""How a schema-2 file starts: its first line held the meta table, then came a line per
entry. Every other layout is one JSON document."""


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
    return (int(key), key) if key.isascii() and key.isdigit() and len(key) <= 18 else (0, key)


def _derived(doc: Data) -> Data:
    """The derived fields of an old entry, worked out again from its answers.

    With the shipped pack it was made with, the same fields a new entry gets; otherwise
    the title alone, from its first written answer."""
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
    """Schema 1 -> 2: the same tables, then kept one line per entry; the data itself is
    unchanged."""
    return data


def _to_3(data: Data) -> Data:
    """Schema 2 -> 3: the same tables, kept in TinyDB's own JSON layout again (read_lines
    reads the lines of a schema-2 file); the data itself is unchanged."""
    return data


def read_lines(raw: bytes) -> Data:
    """The tables of a file in schema 2's layout (it starts with LINES_MARK): a first line
    holding the meta table, then a line per entry: its record without the answers, a tab
    (JSON escapes any in the text), then its answers.

    A last line with no line break is a save a crash cut short, never reported as saved:
    it is left out (the backup taken before the file is brought up to date keeps it).
    Raises ValueError saying what is damaged; what each record holds is checked by the
    journal, as for any file."""
    lines = raw.split(b"\n")
    lines.pop()  # after the last line break: nothing, or a line cut short
    header = _json_or_none(lines[0]) if lines else None
    meta = header.get(META) if isinstance(header, dict) else None
    if not isinstance(meta, dict) or not meta:
        raise ValueError("its first line is damaged")
    entries: Data = {}
    for line in lines[1:]:
        head, tab, answers = line.partition(b"\t")
        # One tab to a line: a second one is damage, though JSON would read it as a space.
        record = _json_or_none(head) if tab and b"\t" not in answers else None
        if not isinstance(record, dict) or "number" not in record:
            raise ValueError("one of its lines is not an entry")
        record["answers"] = _json_or_none(answers)
        if not isinstance(record["answers"], dict):
            raise ValueError(f"the answers of entry {record['number']} are damaged")
        key = str(record["number"])
        if key in entries:
            raise ValueError(f"it holds entry {key} twice")
        entries[key] = record
    return {META: meta, ENTRIES: entries}


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None


def _to_4(data: Data) -> Data:
    """Schema 3 -> 4: a table of deleted reflections, empty to begin with (what was deleted
    before was not recorded). A reflect that does not know the table refuses the file rather
    than delete without noting it."""
    data.setdefault(DELETED, {})
    return data


Migration = Callable[[Data], Data]
MIGRATIONS: list[Migration] = [_to_1, _to_2, _to_3, _to_4]


def current() -> int:
    """The schema this reflect writes."""
    return len(MIGRATIONS)


def migrate(data: Data, version: int) -> Data:
    """The data brought from `version` up to the current schema, step by step."""
    for target in range(version + 1, current() + 1):
        data = MIGRATIONS[target - 1](data)
        set_schema(data, target)
    return data
