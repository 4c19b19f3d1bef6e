"""The journal: entries kept in one TinyDB file. The only module that imports tinydb.

The file is TinyDB's JSON layout ({"meta": {...}, "entries": {...}}), written by a storage
of our own that replaces the file atomically and keeps it private. Every change happens
under a lock, with one read and one write.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware
from tinydb.storages import Storage

from reflect.entry import Entry, clean_answers, derive, now
from reflect.errors import ReflectError
from reflect.files import (
    FILE_MODE,
    ensure_private_folder,
    read_if_present,
    remove_leftovers,
    write_private,
)
from reflect.packs import Pack

SCHEMA_VERSION = 1
ENTRIES = "entries"
META = "meta"
LOCK_WAIT = 5.0


class JournalError(ReflectError):
    """The journal file cannot be used as it is; it has been left untouched."""


class PrivateJSONStorage(Storage):
    """TinyDB storage that reads the whole file and replaces it atomically, 0600."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> dict[str, Any] | None:
        raw = read_if_present(self.path, "the journal")
        if raw is None:
            return None
        if not raw.strip():
            # reflect never leaves an empty file (it replaces files whole), so an empty
            # journal was damaged outside it: refuse rather than start afresh over it.
            raise JournalError(f"The journal {self.path} is empty, so it was damaged "
                               "outside reflect. It has not been changed.")
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as error:
            raise JournalError(
                f"The journal {self.path} is damaged: it is not valid JSON ({error}). "
                "It has not been changed. Keep a copy of it before trying anything else."
            ) from None
        _check_shape(self.path, data)
        return dict(data)

    def write(self, data: dict[str, Any]) -> None:
        encoded = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
        write_private(self.path, encoded.encode("ascii"))

    def close(self) -> None:
        pass


def _check_shape(path: Path, data: Any) -> None:
    problem = None
    if not isinstance(data, dict):
        problem = "it does not hold a journal"
    elif not all(isinstance(table, dict) for table in data.values()):
        problem = "one of its tables is not a table"
    elif not all(_is_entry(doc) for doc in data.get(ENTRIES, {}).values()):
        problem = "one of its entries is not an entry"
    else:
        schemas = [doc.get("schema") for doc in data.get(META, {}).values()]
        if schemas and isinstance(schemas[0], int) and schemas[0] > SCHEMA_VERSION:
            problem = (f"it was written by a newer reflect (schema {schemas[0]}, this one "
                       f"knows {SCHEMA_VERSION}); update reflect to read it")
    if problem:
        raise JournalError(f"The journal {path} cannot be used: {problem}. "
                           "It has not been changed.")


def _is_entry(doc: Any) -> bool:
    return (isinstance(doc, dict) and isinstance(doc.get("id"), str)
            and type(doc.get("number")) is int and isinstance(doc.get("created"), str)
            and isinstance(doc.get("updated"), str)
            and isinstance(doc.get("answers", {}), dict)
            and isinstance(doc.get("derived", {}), dict))


def _last_number(db: Any, records: Iterable[Mapping[str, Any]]) -> int:
    """The highest number ever given, so a deleted entry's number is never given again."""
    highest = max((int(r.get("number", 0)) for r in records), default=0)
    for doc in db.table(META).all():
        kept = doc.get("last_number")
        if type(kept) is int and kept > highest:
            highest = kept
    return highest


def _note_last_number(db: Any, number: int) -> None:
    meta = db.table(META)
    docs = meta.all()
    if not docs:
        meta.insert({"schema": SCHEMA_VERSION, "last_number": number})
        return
    if number > int(docs[0].get("last_number") or 0):
        meta.update({"last_number": number}, doc_ids=[docs[0].doc_id])


class Journal:
    """The entries in one journal file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def exists(self) -> bool:
        return self.path.exists()

    def entries(self) -> list[Entry]:
        """Every entry, oldest first."""
        with self._db(write=False) as db:
            records = db.table(ENTRIES).all()
        entries = [Entry.from_record(record) for record in records]
        return sorted(entries, key=lambda entry: entry.number)

    def add(self, pack: Pack, answers: Mapping[str, Any], entry_id: str,
            created: str) -> Entry:
        """Save a finished reflection and return it with its number.

        Saving the same id twice keeps the first (a resumed draft that was in fact saved)."""
        with self._db(write=True) as db:
            table = db.table(ENTRIES)
            records = table.all()
            for record in records:
                if record.get("id") == entry_id:
                    return Entry.from_record(record)
            number = _last_number(db, records) + 1
            answers = clean_answers(answers)
            entry = Entry(id=entry_id, number=number, created=created, updated=now(),
                          pack_id=pack.id, pack_version=pack.version,
                          answers=dict(answers), derived=derive(pack, answers))
            table.insert(entry.to_record())
            _note_last_number(db, number)
        return entry

    def get(self, ref: str) -> Entry:
        """The entry a person means by its number (`12`) or the start of its id."""
        from reflect.query import find

        return find(self.entries(), ref)

    def update(self, entry_id: str, answers: Mapping[str, Any],
               pack: Pack | None = None) -> Entry:
        """Replace an entry's answers; its derived fields follow them when its pack is known."""
        with self._db(write=True) as db:
            table = db.table(ENTRIES)
            record = self._record(table, entry_id)
            entry = Entry.from_record(record)
            entry.answers = clean_answers(answers)
            if pack is not None:
                entry.derived = derive(pack, entry.answers)
            entry.updated = now()
            table.update(entry.to_record(), doc_ids=[record.doc_id])
        return entry

    def record_followups(self, outcomes: Mapping[str, Mapping[str, Mapping[str, str]]]
                         ) -> None:
        """Keep how alternatives went: {entry id: {alternative: {"outcome", "at"}}}."""
        if not outcomes:
            return
        with self._db(write=True) as db:
            table = db.table(ENTRIES)
            for entry_id, items in outcomes.items():
                record = self._record(table, entry_id)
                followups = dict(record.get("followups") or {})
                followups.update({key: dict(value) for key, value in items.items()})
                table.update({"followups": followups}, doc_ids=[record.doc_id])

    def link(self, entry_id: str, role: str, other_id: str) -> None:
        """Note that another entry belongs with this one (a preparation it followed)."""
        with self._db(write=True) as db:
            table = db.table(ENTRIES)
            record = self._record(table, entry_id)
            links = dict(record.get("links") or {})
            links[role] = other_id
            table.update({"links": links}, doc_ids=[record.doc_id])

    def delete(self, entry_id: str) -> Entry:
        """Remove one entry for good; the others keep their numbers."""
        with self._db(write=True) as db:
            table = db.table(ENTRIES)
            record = self._record(table, entry_id)
            table.remove(doc_ids=[record.doc_id])
            _note_last_number(db, int(record["number"]))
        return Entry.from_record(record)

    def import_entries(self, entries: Iterable[Entry]) -> tuple[list[Entry], int]:
        """Add entries kept elsewhere, oldest first, with numbers that follow this journal's.

        An entry whose id is already here is skipped, so importing twice adds nothing.
        Returns the entries added and how many were skipped; all in one write."""
        with self._db(write=True) as db:
            table = db.table(ENTRIES)
            records = table.all()
            known = {record.get("id") for record in records}
            number = _last_number(db, records)
            added: list[Entry] = []
            skipped = 0
            for entry in sorted(entries, key=lambda e: e.created):
                if entry.id in known:
                    skipped += 1
                    continue
                known.add(entry.id)
                number += 1
                entry.number = number
                added.append(entry)
            if added:
                table.insert_multiple(entry.to_record() for entry in added)
                _note_last_number(db, number)
        return added, skipped

    @staticmethod
    def _record(table: Any, entry_id: str) -> Any:
        for record in table.all():
            if record.get("id") == entry_id:
                return record
        raise ReflectError("That reflection is no longer in the journal; nothing was "
                           "changed. `reflect list` shows the ones there are.")

    @contextlib.contextmanager
    def _db(self, write: bool) -> Iterator[Any]:
        with self._lock(write):
            if write:
                remove_leftovers(self.path)
            db = TinyDB(self.path,
                        storage=CachingMiddleware(PrivateJSONStorage))  # type: ignore[no-untyped-call]
            try:
                yield db
            finally:
                db.close()

    @contextlib.contextmanager
    def _lock(self, write: bool) -> Iterator[None]:
        """Hold the journal's lock file: shared to read, exclusive to change."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - platforms without flock
            yield
            return
        lock_path = self.path.with_name(self.path.name + ".lock")
        if not write and not self.path.exists():
            yield
            return
        ensure_private_folder(lock_path.parent)
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        except OSError as error:
            raise JournalError(f"Cannot open the journal's lock {lock_path}: "
                               f"{error.strerror or error}.") from None
        try:
            mode = fcntl.LOCK_EX if write else fcntl.LOCK_SH
            deadline = time.monotonic() + LOCK_WAIT
            while True:
                try:
                    fcntl.flock(fd, mode | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise JournalError(
                            f"The journal {self.path} is in use by another reflect. "
                            "Try again when it has finished.") from None
                    time.sleep(0.02)
            yield
        finally:
            os.close(fd)
