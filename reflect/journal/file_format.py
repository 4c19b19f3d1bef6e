"""The journal file's bytes and what they hold: decrypted, checked, brought up to date.

The file is TinyDB's own JSON layout, as its JSONStorage writes it, with two tables:

    {"entries": {"1": {"id": "…", "number": 1, "created": "…", "answers": {…}, …}, …},
     "deleted": {"1": {"id": "…", "number": 7, "at": "…"}},
     "meta": {"1": {"schema": 4, "last_number": 41}}}

so stock TinyDB, json.load and jq read it (unless the person has encrypted it). Every read
and change goes through TinyDB with one storage of ours, PrivateJSONStorage: it reads the
whole file, decrypts and checks it, and replaces the whole file atomically, private (0600
in a 0700 folder), encrypted again when it was (crypto), always under the journal's
lock. Before the first change of a day, and before an older file is brought up to date
(migrations), a copy of the file goes to the backups folder (backups)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reflect.base.errors import ReflectError
from reflect.journal import crypto, migrations
from reflect.journal.crypto import DamagedEnvelope, Keyring
from reflect.journal.entry import is_entry_record, timestamp_problem

SCHEMA_VERSION = migrations.current()


class JournalError(ReflectError):
    """The journal file cannot be used as it is; it has been left untouched."""

class DamagedJournal(JournalError):
    """The file is damaged (not merely newer, locked or encrypted): a backup may help."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.damaged = path

def load_bytes(raw: bytes, path: Path, keyring: Keyring, what: str = "journal",
               migrate: bool = True) -> tuple[dict[str, Any], int]:
    """The journal data held in these bytes, and the schema they were stored at.

    Encrypted bytes are decrypted (asking the keyring for the passphrase); the data is
    checked, and brought up to the current schema in memory. Nothing is written. With
    migrate=False, data of an older schema is returned as it is, not yet checked."""
    if crypto.is_encrypted(raw):
        try:
            raw = keyring.decrypt(raw, path, what)
        except DamagedEnvelope as damage:
            raise _damaged(damage.message, path, what) from None
    if not raw.strip():
        # reflect never leaves an empty file (it replaces files whole), so an empty
        # journal was damaged outside it: refuse rather than start afresh over it.
        raise _damaged(f"The {what} {path} is empty, so it was damaged outside reflect. "
                       "It has not been changed.", path, what)
    if raw.startswith(migrations.LINES_MARK):
        data = _lines(raw, path, what)
        in_lines = True
    else:
        data = _document(raw, path, what)
        in_lines = False
    version = migrations.schema_of(data)
    if version < 0:
        _refuse(path, what, "its schema version is not a number", damaged=True)
    if version > migrations.current():
        _refuse(path, what, f"it was written by a newer reflect (schema {version}, this one "
                            f"knows {migrations.current()}); update reflect to read it")
    if (version == 2) != in_lines:  # schema 2, and it alone, was kept in lines
        _refuse(path, what, "its schema version does not fit its layout", damaged=True)
    if version < migrations.current():
        if not migrate:
            return data, version
        data = _migrated(data, version, path, what)
    entries = data.get(migrations.ENTRIES, {})
    if not all(is_entry_record(doc) for doc in entries.values()):
        _refuse(path, what, "one of its entries is not an entry", damaged=True)
    meta = data.get(migrations.META, {})
    deleted = data.get(migrations.DELETED, {})
    if not all(is_deletion_record(doc) for doc in deleted.values()):
        _refuse(path, what, "one of its deletions is not a deletion", damaged=True)
    if not all(_is_doc_id(key) for table in (entries, meta, deleted) for key in table):
        _refuse(path, what, "one of its tables has a key that is not a number", damaged=True)
    if len({doc["id"] for doc in entries.values()}) != len(entries):
        # Two entries with one id: deleting or changing one could reach the other.
        _refuse(path, what, "two of its entries have the same id", damaged=True)
    return data, version

def is_deletion_record(doc: Any) -> bool:
    """Whether a document of the `deleted` table says which reflection, and when."""
    return (type(doc) is dict and type(doc.get("id")) is str
            and timestamp_problem(doc.get("at")) is None
            and type(doc.get("number", 0)) is int)

def _is_doc_id(key: str) -> bool:
    """Whether TinyDB can read the key as a document's number (it calls int() on it)."""
    return key.isascii() and key.isdigit() and len(key) <= 18

def _document(raw: bytes, path: Path, what: str) -> dict[str, Any]:
    """The tables of a file in TinyDB's layout, checked for shape."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise _damaged(f"The {what} {path} is damaged: it is not valid JSON ({error}). "
                       "It has not been changed.", path, what) from None
    except RecursionError:
        raise _damaged(f"The {what} {path} cannot be used: it is nested too deeply to be a "
                       "journal. It has not been changed.", path, what) from None
    problem = None
    if not isinstance(data, dict):
        problem = "it does not hold a journal"
    elif not all(isinstance(table, dict) for table in data.values()):
        problem = "one of its tables is not a table"
    if problem:
        _refuse(path, what, problem, damaged=True)
    assert isinstance(data, dict)
    return data

def _lines(raw: bytes, path: Path, what: str) -> dict[str, Any]:
    """The tables of a file in schema 2's layout, a line per entry."""
    try:
        return migrations.read_lines(raw)
    except ValueError as problem:
        _refuse(path, what, str(problem), damaged=True)
        raise  # not reached: _refuse raises

def _migrated(data: dict[str, Any], version: int, path: Path, what: str) -> dict[str, Any]:
    try:
        return migrations.migrate(data, version)
    except migrations.MigrationError as problem:
        _refuse(path, what, f"it cannot be brought up to date from schema {version} "
                            f"({problem})")
        raise  # not reached: _refuse raises

def _refuse(path: Path, what: str, problem: str, damaged: bool = False) -> None:
    message = f"The {what} {path} cannot be used: {problem}. It has not been changed."
    if damaged:
        raise _damaged(message, path, what)
    raise JournalError(message)

def _damaged(message: str, path: Path, what: str) -> JournalError:
    """A damaged journal (which a backup may put right), or another damaged file."""
    return DamagedJournal(message, path) if what == "journal" else JournalError(message)

def encode(data: dict[str, Any], path: Path) -> bytes:
    """The tables as TinyDB's JSONStorage writes them."""
    try:
        return json.dumps(data).encode()
    except (RecursionError, TypeError, ValueError) as problem:
        raise JournalError(f"The journal {path} cannot be saved: {problem}. "
                           "It has not been changed.") from None
