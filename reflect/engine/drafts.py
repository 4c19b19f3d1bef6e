"""Unfinished reflections: each kept after every answer, so a crash loses at most one step.

Each reflection has a draft of its own, in a private folder beside the journal
(`journal.drafts/`), and holds a lock on it (a `.lock` file beside it, flock'd) for as
long as it runs. Another `reflect` (a second window) passes over a draft whose lock is
held: it is neither offered nor let go there. A draft whose lock is free was paused, or
its reflect ended without finishing (a crash, a closed window): that one is offered.

When the journal is encrypted the drafts are too (they hold the same private words): the
store is given the journal as its `Sealing`, and encrypts with the journal's key.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from reflect.base.errors import ReflectError
from reflect.base.files import (
    FILE_MODE,
    describe,
    ensure_private_folder,
    read_if_present,
    remove_leftovers,
    write_private,
)
from reflect.journal.crypto import is_encrypted
from reflect.journal.entry import timestamp_problem

DRAFT_FORMAT = 1
WHAT = "unfinished reflection"


class Sealing(Protocol):
    """Encrypts the files kept beside an encrypted journal (the Journal is one)."""

    def seal_like_journal(self, data: bytes, path: Path, what: str) -> bytes:
        """The data encrypted like the journal, or as it is when the journal is plain."""

    def unseal(self, raw: bytes, path: Path, what: str) -> bytes:
        """The plain bytes of a file, decrypting it if it is encrypted."""


@dataclass
class Draft:
    pack_id: str
    pack_version: int
    entry_id: str
    created: str
    answers: dict[str, Any] = field(default_factory=dict)
    next_step: str | None = None
    format: int = DRAFT_FORMAT


def _check(draft: Draft) -> None:
    """TypeError unless every field has the type reflect writes, and the date is one the
    journal keeps: the answers are checked against their steps on resuming, but the id
    and the date go into the journal as they are."""
    if not (isinstance(draft.answers, dict) and type(draft.pack_id) is str
            and type(draft.pack_version) is int and type(draft.entry_id) is str
            and type(draft.next_step) in (str, type(None))
            and timestamp_problem(draft.created) is None):
        raise TypeError("wrong shape")


class DraftStore:
    """One draft, in a private file; with `hold`, the lock that says a reflect has it."""

    def __init__(self, path: Path, sealing: Sealing | None = None) -> None:
        self.path = path
        self.sealing = sealing
        self._lock: int | None = None

    @property
    def lock_path(self) -> Path:
        return self.path.with_suffix(".lock")

    def hold(self) -> bool:
        """Take the draft's lock, without waiting: False if another reflect holds it."""
        if self._lock is not None:
            return True
        try:
            try:
                fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, FILE_MODE)
            except FileNotFoundError:  # another reflect let the emptied folder go just now
                ensure_private_folder(self.path.parent)
                fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        except OSError as error:
            raise ReflectError(f"Cannot keep the {WHAT} {self.path}: its lock "
                               f"{self.lock_path} cannot be made: {describe(error)}.") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._lock = fd
        return True

    def release(self) -> None:
        """Let the lock go, so another reflect may offer the draft (once this one ends,
        the system lets it go anyway)."""
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def load(self) -> Draft | None:
        raw = read_if_present(self.path, f"the {WHAT}")
        if raw is None:
            return None
        if is_encrypted(raw):
            if self.sealing is None:
                raise ReflectError(f"The {WHAT} {self.path} is encrypted, and its journal "
                                   "is not at hand to open it.")
            raw = self.sealing.unseal(raw, self.path, WHAT)
        try:
            data = json.loads(raw)
            draft = Draft(**data)
            _check(draft)
        except (ValueError, TypeError, UnicodeDecodeError, RecursionError):
            raise ReflectError(
                f"The unfinished reflection {self.path} is damaged and cannot be resumed. "
                "It has not been changed; move it aside to start afresh.") from None
        return draft

    def save(self, draft: Draft) -> None:
        encoded = json.dumps(asdict(draft), ensure_ascii=True, separators=(",", ":"))
        data = encoded.encode("ascii")
        if self.sealing is not None:
            data = self.sealing.seal_like_journal(data, self.path, WHAT)
        write_private(self.path, data)

    def reseal(self) -> bool:
        """Write the draft again, encrypted or plain as its journal now is; False if none."""
        draft = self.load()
        if draft is None:
            return False
        self.save(draft)
        return True

    def discard(self) -> None:
        """Remove the draft (and any copy a killed save left), then its lock."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        remove_leftovers(self.path)
        if self._lock is not None:
            with contextlib.suppress(OSError):
                self.lock_path.unlink()
            self.release()
        with contextlib.suppress(OSError):  # the folder goes with its last draft
            self.path.parent.rmdir()


class Drafts:
    """The drafts of one journal: one file per reflection in `folder`, each with its lock.

    `legacy` is where reflect kept its single draft before (`journal.draft.json`): one
    found there joins the folder, so it is offered like the others."""

    def __init__(self, folder: Path, sealing: Sealing | None = None,
                 legacy: Path | None = None) -> None:
        self.folder = folder
        self.sealing = sealing
        self.legacy = legacy

    def _make_folder(self) -> None:
        """The folder, and the journal's folder it sits in, private (0700)."""
        ensure_private_folder(self.folder.parent)
        ensure_private_folder(self.folder)

    def _store(self, name: str) -> DraftStore:
        return DraftStore(self.folder / f"{name}.json", self.sealing)

    def start(self, entry_id: str) -> DraftStore:
        """The draft of a new reflection, its lock held from the start: nothing is written
        until the first answer."""
        self._make_folder()
        store = self._store(entry_id)
        if not store.hold():
            raise ReflectError(f"The {WHAT} {store.path} is in use by another reflect.")
        return store

    def _stores(self) -> list[DraftStore]:
        """Every draft file there is, the one saved last first."""
        self._adopt_legacy()
        try:
            found = [path for path in self.folder.glob("*.json")
                     if not path.name.startswith(".")]
        except OSError:
            return []

        def saved(path: Path) -> float:
            try:
                return path.stat().st_mtime
            except OSError:
                return 0.0

        return [DraftStore(path, self.sealing)
                for path in sorted(found, key=saved, reverse=True)]

    def exist(self) -> bool:
        """Whether there is any draft at all, open in another window or not."""
        return bool(self._stores())

    def waiting(self) -> tuple[list[tuple[DraftStore, Draft]], int]:
        """The drafts no other reflect holds, the one saved last first, each now held by
        this one (release the ones not taken up); and how many are open elsewhere.

        A damaged draft is an error naming it (it is left as it is)."""
        waiting: list[tuple[DraftStore, Draft]] = []
        elsewhere = 0
        for store in self._stores():
            if not store.hold():
                elsewhere += 1
                continue
            try:
                draft = store.load()
            except BaseException:
                for held in [store, *(kept for kept, _ in waiting)]:
                    held.release()
                raise
            if draft is None:  # finished and removed since it was listed
                store.discard()
                continue
            waiting.append((store, draft))
        self._clear_stray_locks()
        return waiting, elsewhere

    def reseal(self) -> int:
        """Write every draft again, encrypted or plain as the journal now is; how many.
        A draft open in another window is resealed too: its next save follows the journal
        anyway."""
        count = 0
        for store in self._stores():
            if store.reseal():
                count += 1
        return count

    def _adopt_legacy(self) -> None:
        """Move a draft from where reflect kept its single one into the folder."""
        if self.legacy is None or not self.legacy.is_file():
            return
        self._make_folder()
        with contextlib.suppress(FileNotFoundError):  # another reflect moved it first
            os.rename(self.legacy, self.folder / f"{uuid.uuid4()}.json")
        remove_leftovers(self.legacy)

    def _clear_stray_locks(self) -> None:
        """Remove the locks of drafts that are gone, unless a reflect still holds one
        (a new reflection before its first answer)."""
        for lock in self.folder.glob("*.lock") if self.folder.is_dir() else ():
            store = DraftStore(lock.with_suffix(".json"), self.sealing)
            if store.path.exists() or not store.hold():
                continue
            with contextlib.suppress(OSError):
                lock.unlink()
            store.release()
