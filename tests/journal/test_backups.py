"""Rolling backups: one a day before the first change, the newest N kept, private, atomic,
taken under the journal's lock, and never of a damaged file."""

from __future__ import annotations

import errno
import os
import stat
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from reflect.base.errors import ReflectError
from reflect.journal import backups
from reflect.journal.entry import now
from reflect.journal.file_format import JournalError
from reflect.journal.store import Journal
from reflect.settings.config import SettingsError, load_settings

from conftest import lock_held

ANSWERS = {"what_happened": "They said not tonight.", "intensity": 6, "need": ["closeness"],
           "reframe": "one-moment"}
DAY_ONE = datetime(2026, 3, 1, 21, 30, 0)


class Clock:
    """The local time backups see, moved on by hand."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, start: datetime = DAY_ONE) -> None:
        self.now = start
        monkeypatch.setattr(backups, "local_now", lambda: self.now)

    def later(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def save(journal: Journal, packs) -> None:
    journal.add(packs["hearing-no-quick"], ANSWERS, str(uuid.uuid4()), now())


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_one_backup_a_day_before_the_first_change(reflect_home, shipped_packs, clock):
    """No copy of a journal that does not exist yet; then one a day, of the file as it was."""
    journal = Journal(reflect_home / "journal.json")
    save(journal, shipped_packs)
    assert journal.backups() == []
    before_second = journal.path.read_bytes()
    clock.later(minutes=5)
    save(journal, shipped_packs)
    [first] = journal.backups()
    assert first.path.read_bytes() == before_second
    assert (first.reason, first.what, first.when) == ("daily", "daily copy", "2026-03-01 21:35")
    clock.later(hours=2)  # 23:35, the same day
    save(journal, shipped_packs)
    assert journal.backups() == [first]
    clock.later(hours=1)  # 00:35, the next day
    before_fourth = journal.path.read_bytes()
    save(journal, shipped_packs)
    copies = journal.backups()
    assert len(copies) == 2
    assert copies[-1].path.read_bytes() == before_fourth
    assert copies[-1].path.name == "journal.2026-03-02_00-35-00.daily.json"
    assert len(journal.entries()) == 4


def test_reading_takes_no_backup(reflect_home, shipped_packs, clock):
    """Only a change is backed up: reading on a new day leaves the backups as they are."""
    journal = Journal(reflect_home / "journal.json")
    save(journal, shipped_packs)
    clock.later(days=3)
    journal.entries()
    journal.verify()
    assert journal.backups() == []


def test_the_newest_n_are_kept(reflect_home, shipped_packs, clock):
    """With keep = 3, a week of daily saves leaves the three newest copies."""
    journal = Journal(reflect_home / "journal.json", keep_backups=3)
    for _ in range(8):
        save(journal, shipped_packs)
        clock.later(days=1)
    copies = journal.backups()
    assert [c.taken.date() for c in copies] == [
        (DAY_ONE + timedelta(days=d)).date() for d in (5, 6, 7)]
    assert len(list((reflect_home / "backups").iterdir())) == 3


def test_backups_are_private(reflect_home, shipped_packs, clock):
    """The folder is 0700 and every copy 0600, whatever the umask."""
    old_umask = os.umask(0o022)
    try:
        journal = Journal(reflect_home / "journal.json")
        save(journal, shipped_packs)
        clock.later(days=1)
        save(journal, shipped_packs)
    finally:
        os.umask(old_umask)
    [copy] = journal.backups()
    assert mode(copy.path.parent) == 0o700
    assert mode(copy.path) == 0o600


def test_a_damaged_journal_is_never_backed_up(reflect_home, shipped_packs, clock):
    """A refused journal makes no copy, so a damaged file never pushes out a good one."""
    journal = Journal(reflect_home / "journal.json", keep_backups=1)
    save(journal, shipped_packs)
    clock.later(days=1)
    save(journal, shipped_packs)
    [good] = journal.backups()
    good_bytes = good.path.read_bytes()
    journal.path.write_bytes(b'{"entries": {"1": {"id": "x"')
    clock.later(days=1)
    with pytest.raises(JournalError, match="not valid JSON"):
        save(journal, shipped_packs)
    assert journal.backups() == [good]
    assert good.path.read_bytes() == good_bytes


def test_a_backup_is_taken_under_the_write_lock(reflect_home, shipped_packs, clock,
                                                monkeypatch):
    """While the copy is written, no other reflect can hold the journal's lock."""
    journal = Journal(reflect_home / "journal.json")
    save(journal, shipped_packs)
    clock.later(days=1)
    held = []
    real_take = backups.take

    def take(*args, **kwargs):
        held.append(lock_held(journal.path, shared=True))
        return real_take(*args, **kwargs)

    monkeypatch.setattr(backups, "take", take)
    save(journal, shipped_packs)
    assert held == [True]


def test_a_backup_that_cannot_be_written_stops_the_save(reflect_home, shipped_packs, clock,
                                                        monkeypatch):
    """A full disk while copying: a clear error, no half copy, and the journal as it was."""
    journal = Journal(reflect_home / "journal.json")
    save(journal, shipped_packs)
    before = journal.path.read_bytes()
    clock.later(days=1)
    real_fsync = os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ReflectError, match="disk is full") as caught:
        save(journal, shipped_packs)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert caught.value.message.startswith(f"Cannot change the journal {journal.path}: its "
                                           "backup could not be written first, in "
                                           f"{reflect_home / 'backups'}: No space left")
    assert caught.value.message.endswith("The journal was left as it was.")
    assert journal.path.read_bytes() == before
    assert list((reflect_home / "backups").iterdir()) == []
    save(journal, shipped_packs)
    assert len(journal.backups()) == 1
    assert len(journal.entries()) == 2


def test_copies_in_the_same_second_get_their_own_names(tmp_path):
    """Two copies taken in one second both stay, the second numbered."""
    journal = tmp_path / "journal.json"
    first = backups.take(journal, b"one", "daily", 10, DAY_ONE)
    second = backups.take(journal, b"two", "before-schema-1", 10, DAY_ONE)
    assert first.path != second.path
    assert [c.path.read_bytes() for c in backups.listing(journal)] == [b"one", b"two"]
    assert backups.newest(journal) == second


def test_the_listing_holds_only_this_journals_copies(tmp_path):
    """Copies of another journal in the same folder, and stray files, are not listed."""
    journal = tmp_path / "journal.json"
    backups.take(journal, b"mine", "daily", 10, DAY_ONE)
    backups.take(tmp_path / "journal.old.json", b"other", "daily", 10, DAY_ONE)
    (tmp_path / "backups" / "notes.txt").write_text("mine")
    (tmp_path / "backups" / "journal.not-a-date.daily.json").write_text("{}")
    assert [c.path.read_bytes() for c in backups.listing(journal)] == [b"mine"]


def test_copies_half_written_by_a_killed_save_are_cleared(tmp_path):
    """A temporary copy left by a killed writer is removed when the next copy is taken."""
    journal = tmp_path / "journal.json"
    backups.take(journal, b"one", "daily", 10, DAY_ONE)
    leftover = tmp_path / "backups" / ".journal.2026-03-01_21-30-00.daily.json.x1y2.tmp"
    leftover.write_text("private words")
    backups.take(journal, b"two", "daily", 10, DAY_ONE + timedelta(days=1))
    assert not leftover.exists()


def test_an_encrypted_journals_backups_are_its_encrypted_bytes(reflect_home, shipped_packs,
                                                                clock, fast_scrypt):
    """A copy of an encrypted journal is the encrypted file exactly: no plain words in it."""
    journal = Journal(reflect_home / "journal.json", passphrase=lambda: "a long passphrase")
    save(journal, shipped_packs)
    journal.encrypt("a long passphrase")
    encrypted = journal.path.read_bytes()
    clock.later(days=1)
    save(journal, shipped_packs)
    [copy] = [c for c in journal.backups() if c.taken.date() > DAY_ONE.date()]
    assert copy.path.read_bytes() == encrypted
    assert b"not tonight" not in copy.path.read_bytes()


def test_keep_comes_from_config_toml(tmp_path):
    """`[backups] keep = N` sets how many copies are kept; no file means 10."""
    path = tmp_path / "config.toml"
    assert load_settings(path).keep_backups == 10
    path.write_text("[backups]\nkeep = 3\n")
    assert load_settings(path).keep_backups == 3


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[backups]\nkeep = 0\n", "backups.keep = 0"),
        ("[backups]\nkeep = 'ten'\n", "whole number from 1 to 1000"),
        ("[backups]\nkeep = 2.5\n", "whole number"),
        ("[backups]\nkeep = true\n", "whole number"),
        ("[backups]\nkeeps = 3\n", "backups.keeps"),
        ("[backup]\nkeep = 3\n", "[backup]"),
        ("backups = 3\n", "not a section"),
        ("[backups\n", "not valid TOML"),
    ],
)
def test_a_mistake_in_config_toml_names_the_file_and_setting(tmp_path, text, problem):
    """A wrong setting is an error naming the file and what is wrong, never ignored."""
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert str(path) in caught.value.message
    assert problem in caught.value.message


def test_a_copys_moment_is_read_as_strptime_reads_it():
    """Every stamp of the copies' shape reads as strptime reads it, and one that is no
    moment (a 30 February, hour 24, second 60, year 0) is refused by both."""
    import random

    from reflect.journal.backups import STAMP, stamp_time

    pick = random.Random(5)
    stamps = ["2026-02-29_10-00-00", "2024-02-29_10-00-00", "2026-13-01_00-00-00",
              "2026-01-01_24-00-00", "2026-01-01_23-59-60", "0000-01-01_00-00-00",
              "0001-01-01_00-00-00", "9999-12-31_23-59-59", "2026-00-10_00-00-00",
              "2026-01-00_00-00-00", "\u0662\u0660\u0662\u0666-01-01_00-00-00"]
    stamps += [f"{pick.randrange(0, 10000):04d}-{pick.randrange(0, 14):02d}-"
               f"{pick.randrange(0, 33):02d}_{pick.randrange(0, 26):02d}-"
               f"{pick.randrange(0, 62):02d}-{pick.randrange(0, 62):02d}" for _ in range(3000)]
    for stamp in stamps:
        try:
            expected: datetime | None = datetime.strptime(stamp, STAMP)
        except ValueError:
            expected = None
        try:
            got: datetime | None = stamp_time(stamp)
        except ValueError:
            got = None
        assert got == expected, stamp
