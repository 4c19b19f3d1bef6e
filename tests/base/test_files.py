"""A full disk, a read-only folder and a permission refused: each is one clear line naming
the file, and the journal stays byte for byte as it was. Both kinds of change are tried, a
new entry and an edit; each replaces the whole file.

The real chmod cases are skipped as root (root passes every permission check); the
simulated ones, which make the system calls fail with the same error numbers, always run.
"""

from __future__ import annotations

import errno
import os
import tempfile
import uuid
from pathlib import Path

import pytest

from reflect.base.errors import ReflectError
from reflect.base.files import ReadError, describe, read_if_present
from reflect.engine.drafts import Draft, DraftStore
from reflect.journal.entry import now
from reflect.journal.store import Journal

ANSWERS = {"what_happened": "They said not tonight.", "intensity": 6, "need": ["closeness"],
           "reframe": "one-moment"}
as_root = pytest.mark.skipif(os.geteuid() == 0,
                             reason="root is not stopped by file permissions")


def failing(number: int):
    def fail(*args, **kwargs):
        raise OSError(number, os.strerror(number))
    return fail


@pytest.fixture
def journal(reflect_home, shipped_packs) -> Journal:
    """A journal with two entries in it, and so today's backup already taken."""
    journal = Journal(reflect_home / "journal.json")
    add(journal, shipped_packs)
    add(journal, shipped_packs)
    assert len(journal.backups()) == 1
    return journal


def add(journal: Journal, packs) -> None:
    journal.add(packs["hearing-no-quick"], ANSWERS, str(uuid.uuid4()), now())


def edit(journal: Journal, packs) -> None:
    first = journal.entries()[0]
    journal.update(first.id, {**ANSWERS, "what_happened": "Changed."},
                   packs["hearing-no-quick"])


def refused(journal: Journal, packs, words: str, save=add) -> str:
    """Saving fails with one line that names the journal and says `words`; nothing changes."""
    before = journal.path.read_bytes()
    with pytest.raises(ReflectError) as caught:
        save(journal, packs)
    message = caught.value.message
    assert words in message
    assert str(journal.path) in message
    assert "\n" not in message
    assert journal.path.read_bytes() == before
    assert not list(journal.path.parent.glob(".journal.json.*.tmp"))
    return message


@pytest.mark.parametrize(("call", "save"), [("fsync", add), ("replace", add),
                                            ("fsync", edit), ("replace", edit)])
def test_a_full_disk_leaves_the_journal_as_it_was(journal, shipped_packs, monkeypatch, call,
                                                  save):
    """ENOSPC while the new file is flushed or renamed into place: one clear line, the old
    file intact."""
    monkeypatch.setattr(os, call, failing(errno.ENOSPC))
    message = refused(journal, shipped_packs, "No space left on device", save)
    assert "the disk is full" in message
    assert "left as it was" in message


def test_no_room_for_even_a_temporary_file(journal, shipped_packs, monkeypatch):
    """ENOSPC (or a quota) when the temporary file is made: the same clear line."""
    for number, words in ((errno.ENOSPC, "the disk is full"),
                          (errno.EDQUOT, "quota is used up")):
        monkeypatch.setattr(tempfile, "mkstemp", failing(number))
        refused(journal, shipped_packs, words, edit)


def test_a_read_only_disk_simulated(journal, shipped_packs, monkeypatch):
    """EROFS when writing: a clear line naming the journal; reading still works."""
    monkeypatch.setattr(tempfile, "mkstemp", failing(errno.EROFS))
    refused(journal, shipped_packs, "read-only", edit)
    monkeypatch.setattr(os, "open", refusing_writes(str(journal.path), errno.EROFS))
    refused(journal, shipped_packs, "read-only")
    monkeypatch.setattr(os, "open", refusing_writes(str(journal.path) + ".lock", errno.EROFS))
    message = refused(journal, shipped_packs, "read-only")
    assert "Cannot change the journal" in message
    assert len(journal.entries()) == 2


def refusing_writes(name: str, number: int):
    """os.open, failing with `number` when the file `name` is opened for writing."""
    real_open = os.open

    def no_writes_there(path, flags, *args):
        if str(path) == name and flags & (os.O_RDWR | os.O_WRONLY | os.O_CREAT):
            raise OSError(number, os.strerror(number))
        return real_open(path, flags, *args)

    return no_writes_there


def test_permission_refused_simulated(journal, shipped_packs, monkeypatch):
    """EACCES when writing or reading: a clear line naming the journal, nothing changed."""
    monkeypatch.setattr(tempfile, "mkstemp", failing(errno.EACCES))
    refused(journal, shipped_packs, "Permission denied", edit)
    monkeypatch.setattr(os, "open", refusing_writes(str(journal.path), errno.EACCES))
    refused(journal, shipped_packs, "Permission denied")
    monkeypatch.undo()
    real_open = os.open

    def refuse_journal(path, *args, **kwargs):
        if isinstance(path, (str, os.PathLike)) and Path(path) == journal.path:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real_open(path, *args, **kwargs)

    before = journal.path.read_bytes()
    monkeypatch.setattr(os, "open", refuse_journal)
    with pytest.raises(ReflectError, match="Cannot read the journal") as caught:
        journal.entries()
    assert str(journal.path) in caught.value.message
    assert "Permission denied" in caught.value.message
    monkeypatch.undo()
    assert journal.path.read_bytes() == before


@as_root
def test_a_read_only_folder_for_real(journal, shipped_packs):
    """In a folder made read-only, a save is refused clearly and reading still works."""
    folder = journal.path.parent
    folder.chmod(0o500)
    try:
        refused(journal, shipped_packs, "Permission denied")
        assert len(journal.entries()) == 2
    finally:
        folder.chmod(0o700)


@as_root
def test_permission_refused_for_real(journal, shipped_packs):
    """A journal this user may not read is a clear error naming it, and stays as it was."""
    before = journal.path.read_bytes()
    journal.path.chmod(0o000)
    try:
        with pytest.raises(ReflectError, match="Permission denied") as caught:
            journal.entries()
        assert str(journal.path) in caught.value.message
    finally:
        journal.path.chmod(0o600)
    assert journal.path.read_bytes() == before


def test_a_draft_on_a_full_disk_stays_as_it_was(reflect_home, monkeypatch):
    """The unfinished reflection is kept whole when the disk fills up mid-reflection."""
    store = DraftStore(reflect_home / "journal.draft.json")
    store.save(Draft("hearing-no", 1, str(uuid.uuid4()), now(), {"what_happened": "first"}))
    before = store.path.read_bytes()
    monkeypatch.setattr(os, "fsync", failing(errno.ENOSPC))
    with pytest.raises(ReflectError, match="disk is full") as caught:
        store.save(Draft("hearing-no", 1, str(uuid.uuid4()), now(), {"what_happened": "2"}))
    assert str(store.path) in caught.value.message
    monkeypatch.undo()
    assert store.path.read_bytes() == before


def test_an_encrypted_journal_on_a_full_disk_stays_as_it_was(journal, shipped_packs,
                                                             monkeypatch, fast_scrypt):
    """The encrypted file is as safe as a plain one: a failed write leaves it unchanged."""
    journal.encrypt("a long passphrase")
    monkeypatch.setattr(os, "replace", failing(errno.ENOSPC))
    refused(journal, shipped_packs, "the disk is full")
    monkeypatch.undo()
    assert len(journal.entries()) == 2


def test_reasons_are_said_plainly():
    """The usual failures get a plain reason after the system's own words."""
    assert describe(OSError(errno.ENOSPC, "No space left on device")) == (
        "No space left on device (the disk is full; free some space and try again)")
    assert "read-only" in describe(OSError(errno.EROFS, "Read-only file system"))
    assert describe(OSError(errno.EIO, "Input/output error")) == "Input/output error"


def test_reading_stops_past_the_limit(tmp_path):
    """A file larger than the limit is refused with the limit stated, not read whole."""
    big = tmp_path / "big"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(ReadError, match="larger than 1024 bytes"):
        read_if_present(big, "the file", limit=1024)
    assert read_if_present(big, "the file", limit=2048) == b"x" * 2048
