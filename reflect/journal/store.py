"""The journal as TinyDB keeps it: the one module that imports tinydb.

PrivateJSONStorage reads the whole file through reflect.journal.file_format and replaces
it whole, atomically and privately; Journal is what every command reads and changes.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import gc
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware
from tinydb.storages import Storage

from reflect.base.errors import ReflectError
from reflect.base.files import (
    FILE_MODE,
    WriteError,
    describe,
    ensure_private_folder,
    read_if_present,
    remove_leftovers,
    write_private,
)
from reflect.journal import backups, crypto, merge, migrations
from reflect.journal.crypto import DamagedEnvelope, Keyring, PassphraseSource
from reflect.journal.entry import Entry, clean_answers, derive, is_entry_record, now
from reflect.journal.file_format import (
    SCHEMA_VERSION,
    DamagedJournal,
    JournalError,
    encode,
    load_bytes,
)
from reflect.journal.merge import Report, Side
from reflect.journal.migrations import DELETED, ENTRIES, META
from reflect.packs.model import Pack

LOCK_WAIT = 5.0

class PrivateJSONStorage(Storage):
    """TinyDB storage that reads the whole file, checked and brought up to date in memory,
    and replaces it whole, atomically, 0600.

    An encrypted journal stays encrypted: each write uses the salt of the file that was
    read, and a fresh nonce."""

    def __init__(self, path: Path, keyring: Keyring | None = None,
                 migrate: bool = True) -> None:
        self.path = path
        self.keyring = keyring if keyring is not None else Keyring()
        self.migrate = migrate
        self.raw: bytes | None = None
        """The file's bytes as they were read, for a backup."""
        self.stored_schema = migrations.current()
        self.sealed_like: bytes | None = None
        """The envelope this file was read from, when it is encrypted."""

    def read(self) -> dict[str, Any] | None:
        raw = read_if_present(self.path, "the journal")
        if raw is None:
            return None
        data, self.stored_schema = load_bytes(raw, self.path, self.keyring,
                                              migrate=self.migrate)
        self.raw = raw
        self.sealed_like = raw if crypto.is_encrypted(raw) else None
        return data

    def write(self, data: dict[str, Any]) -> None:
        encoded = encode(data, self.path)
        if self.sealed_like is not None:
            encoded = self.keyring.encrypt_like(encoded, self.sealed_like, self.path,
                                                "journal")
        write_private(self.path, encoded)

    def close(self) -> None:
        pass

def _last_number(db: Any, records: Iterable[Mapping[str, Any]]) -> int:
    """The highest number ever given, so a deleted entry's number is never given again."""
    highest = max((int(r.get("number", 0)) for r in records), default=0)
    return max(highest, _kept_last_number(db.table(META).all()))

def _kept_last_number(meta_docs: Iterable[Any]) -> int:
    """The highest number the meta table says was given (0 when it says none)."""
    kept = [doc.get("last_number") for doc in meta_docs if isinstance(doc, dict)]
    return max((number for number in kept if type(number) is int), default=0)

def _note_last_number(db: Any, number: int) -> None:
    meta = db.table(META)
    docs = meta.all()
    if not docs:
        meta.insert({"schema": SCHEMA_VERSION, "last_number": number})
        return
    if number > int(docs[0].get("last_number") or 0):
        meta.update({"last_number": number}, doc_ids=[docs[0].doc_id])

@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """Python's cyclic garbage collector held off while the whole journal is read, changed
    and written. Entries hold no cycles, yet each collection pass walks every object made
    so far: with thousands of entries, that is most of the time a read takes. What was read
    is then frozen, so the passes of the work that follows skip it too."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_on:
            gc.enable()

class Journal:
    """The entries in one journal file."""

    def __init__(self, path: Path, passphrase: PassphraseSource | None = None,
                 keep_backups: int = backups.DEFAULT_KEEP, passphrase_tries: int = 1) -> None:
        """`passphrase` is asked only if the file turns out to be encrypted, up to
        `passphrase_tries` times while the answer is wrong."""
        self.path = path
        self.keyring = Keyring(passphrase, passphrase_tries)
        self.keep_backups = keep_backups

    def exists(self) -> bool:
        return self.path.exists()

    def entries(self) -> list[Entry]:
        """Every entry, oldest first."""
        with self._db(write=False) as db:
            entries = [Entry.from_record(record) for record in db.table(ENTRIES).all()]
        entries.sort(key=lambda entry: entry.number)
        return entries

    def add(self, pack: Pack, answers: Mapping[str, Any], entry_id: str,
            created: str) -> Entry:
        """Save a finished reflection and return it with its number.

        Saving the same id twice keeps the first (a resumed draft that was in fact saved)."""
        answers = clean_answers(answers)
        with self._db(write=True) as db:
            table = db.table(ENTRIES)
            records = table.all()
            for record in records:
                if record.get("id") == entry_id:
                    return Entry.from_record(record)
            number = _last_number(db, records) + 1
            entry = Entry(id=entry_id, number=number, created=created, updated=now(),
                          pack_id=pack.id, pack_version=pack.version,
                          answers=dict(answers), derived=derive(pack, answers))
            if not is_entry_record(entry.to_record()):
                # Every read would then refuse the journal: refuse this one save instead.
                raise JournalError(f"The reflection cannot be saved into {self.path}: its "
                                   "date or its ratings are not ones the journal can keep. "
                                   "The journal has not been changed.")
            table.insert(entry.to_record())
            _note_last_number(db, number)
        return entry

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
        """Remove one entry for good; the others keep their numbers. The deletion is
        remembered, so merging in another copy of the journal never brings it back."""
        with self._db(write=True) as db:
            table = db.table(ENTRIES)
            record = self._record(table, entry_id)
            table.remove(doc_ids=[record.doc_id])
            db.table(DELETED).insert({"id": entry_id, "number": int(record["number"]),
                                      "at": now()})
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

    def read_other(self, path: Path, what: str = "file") -> Side:
        """Another journal file (any layout reflect can bring up to date), read and checked
        to be merged in; an encrypted one is opened with this journal's passphrase."""
        raw = read_if_present(path, f"the {what}")
        if raw is None:
            raise JournalError(f"There is no {what} {path}. Nothing was changed.")
        data, _ = load_bytes(raw, path, self.keyring, what)
        return merge.side_of(data)

    def merge_in(self, incoming: Side, dry_run: bool = False) -> Report:
        """Merge another copy's reflections into this journal (reflect.journal.merge says
        how), in one write after a backup; with dry_run, only say what would change."""
        with self._db(write=not dry_run) as db:
            data = db.storage.read()
            merged = merge.merge(merge.side_of(data or {}), incoming)
            if merged.report.anything and not dry_run:
                self._write_merged(db, data, merged.side)
        return merged.report

    def take_in(self, copies: Iterable[Path]) -> list[TakenIn]:
        """Merge in the conflict copies a sync tool left beside the journal, then move each
        into the backups folder. A copy that cannot be read is left where it is, with the
        reason; the journal is written once, after a backup, only if anything changed.
        Nothing is done when there is no journal to merge into."""
        outcomes: list[TakenIn] = []
        with self._db(write=True) as db:
            store: PrivateJSONStorage = db.storage.storage
            data = db.storage.read()
            if data is None:
                return []
            side = merge.side_of(data)
            changed = False
            read: list[tuple[TakenIn, bytes]] = []
            for copy in copies:
                try:
                    found = self._read_copy(copy, store)
                except ReflectError as problem:
                    outcomes.append(TakenIn(copy, None, problem.message))
                    continue
                if found is None:  # another reflect took it in while this one waited
                    continue
                theirs, raw = found
                merged = merge.merge(side, theirs)
                side = merged.side
                changed = changed or merged.report.anything
                outcomes.append(TakenIn(copy, merged.report, None))
                read.append((outcomes[-1], raw))
            if changed:
                self._write_merged(db, data, side)
                db.storage.flush()
            for outcome, raw in read:
                outcome.kept = self._keep_taken_in(outcome.copy, raw, store)
        return outcomes

    def _read_copy(self, copy: Path, store: PrivateJSONStorage) -> tuple[Side, bytes] | None:
        raw = read_if_present(copy, "the copy")
        if raw is None:
            return None
        if crypto.is_encrypted(raw) and store.sealed_like is None:
            raise JournalError(f"The copy {copy} is encrypted and the journal is not; "
                               f"`reflect merge` can take it in after asking for its "
                               "passphrase.")
        data, _ = load_bytes(raw, copy, self.keyring, "copy")
        return merge.side_of(data), raw

    def _keep_taken_in(self, copy: Path, raw: bytes, store: PrivateJSONStorage) -> Path | None:
        """Keep a copy that was taken in as one of the journal's backups (listed, kept to
        the same number, offered by restore, and encrypted or decrypted with the journal),
        sealed like the journal when it is encrypted and the copy was not; then remove it.
        None if it could not be kept: it stays, and is taken in again, harmlessly."""
        if store.sealed_like is not None and not crypto.is_encrypted(raw):
            raw = self.keyring.encrypt_like(raw, store.sealed_like, self.path, "journal")
        try:
            kept = backups.take(self.path, raw, backups.TAKEN_IN, self.keep_backups,
                                backups.local_now())
            copy.unlink()
        except (OSError, ReflectError):
            return None
        return kept.path

    def _write_merged(self, db: Any, data: dict[str, Any] | None, side: Side) -> None:
        """Replace the tables with the merged ones, after a backup of the file as it was."""
        store: PrivateJSONStorage = db.storage.storage
        if store.raw is not None:
            self._back_up(store.raw, backups.BEFORE_MERGE, backups.local_now())
        base = data or {META: {"1": {"schema": migrations.current()}}, ENTRIES: {}}
        tables = merge.tables(base, side)
        problem = _merged_problem(tables)
        if problem:
            raise JournalError(f"The merge into {self.path} was not saved: {problem}. "
                               "The journal has not been changed.")
        db.storage.write(tables)

    @staticmethod
    def _record(table: Any, entry_id: str) -> Any:
        for record in table.all():
            if record.get("id") == entry_id:
                return record
        raise ReflectError("That reflection is no longer in the journal; nothing was "
                           "changed. `reflect list` shows the ones there are.")

    @contextlib.contextmanager
    def _db(self, write: bool) -> Iterator[Any]:
        """The journal's TinyDB, read and checked, under the lock; changes are written once,
        when the block ends without an error.

        Reading a file of an older schema takes the write lock instead, so the file is
        brought up to date (after a backup) before it is read."""
        upgrade = False
        with self._lock(write), _no_collection():
            if write:
                remove_leftovers(self.path)
                backups.remove_leftovers(self.path)
            db = TinyDB(self.path, self.keyring, write,
                        storage=CachingMiddleware(PrivateJSONStorage))  # type: ignore[no-untyped-call]
            store: PrivateJSONStorage = db.storage.storage  # type: ignore[attr-defined]
            data = db.storage.read()
            older = data is not None and store.stored_schema < migrations.current()
            if write:
                self._before_change(store, data)
            if older and not write:
                upgrade = True
            else:
                yield db
                db.close()
        if upgrade:
            with self._db(write=True) as db:
                yield db

    def _before_change(self, store: PrivateJSONStorage, data: dict[str, Any] | None) -> None:
        """Back the file up if today's copy is due, or migrate it (after a copy) if older."""
        if data is None or store.raw is None:
            return
        moment = backups.local_now()
        if store.stored_schema < migrations.current():
            self._back_up(store.raw, f"before-schema-{migrations.current()}", moment)
            store.write(data)
            store.stored_schema = migrations.current()
        elif backups.due(self.path, moment):
            self._back_up(store.raw, backups.DAILY, moment)

    def _back_up(self, raw: bytes, reason: str, moment: datetime) -> None:
        try:
            backups.take(self.path, raw, reason, self.keep_backups, moment)
        except WriteError as failure:
            raise JournalError(f"Cannot change the journal {self.path}: its backup could not "
                               f"be written first, in {backups.folder(self.path)}: "
                               f"{failure.reason}. The journal was left as it was.") from None

    @contextlib.contextmanager
    def _lock(self, write: bool) -> Iterator[None]:
        """Hold the journal's lock file: shared to read, exclusive to change."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        if not write and not self.path.exists():
            yield
            return
        fd = self._open_lock(lock_path, write)
        if fd is None:
            # Only a reader gets here: nobody can be changing a journal in a folder where
            # its lock cannot even be made.
            yield
            return
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

    def _open_lock(self, lock_path: Path, write: bool) -> int | None:
        if write and not lock_path.parent.is_dir():
            ensure_private_folder(lock_path.parent)
        try:
            return os.open(lock_path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        except OSError as error:
            refused = error.errno in (errno.EROFS, errno.EACCES, errno.EPERM)
            if write or not refused:
                verb = "change" if write else "open"
                raise JournalError(f"Cannot {verb} the journal {self.path}: its lock "
                                   f"{lock_path} cannot be made: {describe(error)}. "
                                   "Nothing was changed.") from None
        try:
            return os.open(lock_path, os.O_RDONLY)
        except OSError:
            return None

    def is_encrypted(self) -> bool:
        """Whether the file is encrypted (told from its first bytes, no passphrase needed)."""
        return crypto.file_is_encrypted(self.path)

    def verify(self) -> None:
        """Check that the journal can be saved into, before a reflection begins: it is read
        and checked (an encrypted one opened, asking for the passphrase; an older one
        brought up to date). A damaged file is refused here, not after the person has
        written."""
        with self._db(write=False):
            pass

    def backups(self) -> list[backups.Backup]:
        """The copies of this journal, oldest first."""
        return backups.listing(self.path)

    def encrypt(self, passphrase: str) -> Converted:
        """Encrypt the journal (an empty one if there is none yet) and its backups."""
        with self._db(write=True) as db:
            store: PrivateJSONStorage = db.storage.storage
            if store.sealed_like is not None:
                raise JournalError(f"The journal {self.path} is encrypted already. "
                                   "Nothing was changed.")
            data = db.storage.read() or {META: {"1": {"schema": migrations.current()}},
                                         ENTRIES: {}}
            sealed = self.keyring.encrypt_new(encode(data, self.path), passphrase)
            write_private(self.path, sealed)
            store.sealed_like = sealed

            def seal(raw: bytes) -> bytes | None:
                if crypto.is_encrypted(raw):
                    return None
                return self.keyring.encrypt_like(raw, sealed, self.path, "journal")

            changed, left = backups.convert(self.path, seal)
        return Converted(len(data.get(ENTRIES, {})), changed, left)

    def decrypt(self) -> Converted:
        """Write the journal, and the backups its passphrase opens, plain again."""
        with self._db(write=True) as db:
            store: PrivateJSONStorage = db.storage.storage
            if store.sealed_like is None:
                raise JournalError(f"The journal {self.path} is not encrypted. "
                                   "Nothing was changed.")
            data = db.storage.read()
            write_private(self.path, encode(data, self.path))
            store.sealed_like = None

            def unseal(raw: bytes) -> bytes | None:
                if not crypto.is_encrypted(raw):
                    return None
                return self.keyring.decrypt(raw, self.path, "journal's backup")

            changed, left = backups.convert(self.path, unseal)
        return Converted(len(data.get(ENTRIES, {})), changed, left)

    def count_in(self, backup: Path) -> int:
        """How many entries a backup holds, read and checked as restore would read it
        (decrypted, if it is encrypted); nothing is written."""
        _, data = self._read_backup(backup)
        return len(data.get(ENTRIES, {}))

    def _read_backup(self, backup: Path) -> tuple[bytes, dict[str, Any]]:
        raw = read_if_present(backup, "the backup")
        if raw is None:
            raise JournalError(f"There is no backup {backup}.")
        data, _ = load_bytes(raw, backup, self.keyring, "backup")
        return raw, data

    def restore(self, backup: Path) -> Restored:
        """Put a backup in the journal's place, keeping the file that was there beside it.

        The backup is checked first (decrypted, if it is encrypted); the current file is
        copied aside before the backup replaces it, so there is always a journal file."""
        raw, data = self._read_backup(backup)
        with self._lock(write=True):
            current = read_if_present(self.path, "the journal")
            aside = None
            damaged = False
            if current is not None:
                damaged = self._is_damaged(current)
                aside = backups.keep_aside(self.path, current,
                                           "damaged" if damaged else "replaced",
                                           backups.local_now())
            write_private(self.path, raw)
        was_encrypted = current is not None and crypto.is_encrypted(current)
        return Restored(backup, len(data.get(ENTRIES, {})), aside, damaged,
                        encrypted=crypto.is_encrypted(raw), was_encrypted=was_encrypted)

    def _is_damaged(self, raw: bytes) -> bool:
        """Whether the file is damaged, found out without asking for a passphrase."""
        if crypto.is_encrypted(raw):
            try:
                envelope = crypto.read_envelope(raw, self.path, "journal")
            except DamagedEnvelope:
                return True
            except ReflectError:
                return False
            if not self.keyring.knows(envelope):
                return False
        try:
            load_bytes(raw, self.path, self.keyring)
        except DamagedJournal:
            return True
        except ReflectError:
            return False
        return False

    def seal_like_journal(self, data: bytes, path: Path, what: str) -> bytes:
        """Encrypt a file kept beside the journal (the draft) if the journal is encrypted."""
        start = crypto.peek(self.path)
        if start is None or not crypto.is_encrypted(start):
            return data
        return self.keyring.encrypt_like(data, start, self.path, "journal")

    def unseal(self, raw: bytes, path: Path, what: str) -> bytes:
        """The plain bytes of a file kept beside the journal, decrypting it if need be."""
        if crypto.is_encrypted(raw):
            return self.keyring.decrypt(raw, path, what)
        return raw

def _merged_problem(tables: dict[str, Any]) -> str | None:
    """What would make the merged journal one that reflect then refuses, or None."""
    if not all(is_entry_record(doc) for doc in tables[ENTRIES].values()):
        return "one of the reflections is not one the journal can keep"
    return None



def merge_files(ours: Path, theirs: Path, keyring: Keyring) -> Report:
    """Merge the journal file `theirs` into `ours` in place, as git's merge driver does:
    the two are read and checked first, and `ours` is replaced whole, or not at all. No
    lock and no backup: git keeps both versions, and these are its temporary files."""
    ours_raw = read_if_present(ours, "the journal")
    theirs_raw = read_if_present(theirs, "other journal")
    if ours_raw is None or theirs_raw is None:
        raise JournalError(f"There is no journal {ours if ours_raw is None else theirs}.")
    ours_data, _ = load_bytes(ours_raw, ours, keyring, "journal")
    theirs_data, _ = load_bytes(theirs_raw, theirs, keyring, "other journal")
    merged = merge.merge(merge.side_of(ours_data), merge.side_of(theirs_data))
    tables = merge.tables(ours_data, merged.side)
    problem = _merged_problem(tables)
    if problem:
        raise JournalError(f"The journals cannot be merged: {problem}. {ours} was left as "
                           "it was.")
    encoded = encode(tables, ours)
    sealed_like = next((raw for raw in (ours_raw, theirs_raw) if crypto.is_encrypted(raw)),
                       None)
    if sealed_like is not None:
        encoded = keyring.encrypt_like(encoded, sealed_like, ours, "journal")
    write_private(ours, encoded)
    return merged.report


class TakenIn:
    """What became of one conflict copy: its report, or why it could not be read."""

    def __init__(self, copy: Path, report: Report | None, problem: str | None) -> None:
        self.copy = copy
        self.report = report
        self.problem = problem
        self.kept: Path | None = None
        """Where the copy went, in the backups folder."""


class Converted(NamedTuple):
    """What encrypting or decrypting did."""

    entries: int
    backups_changed: int
    backups_left: int

class Restored(NamedTuple):
    """What a restore did: the backup put back, and where the file it replaced went."""

    backup: Path
    entries: int
    kept_aside: Path | None
    was_damaged: bool
    encrypted: bool = False
    was_encrypted: bool = False
