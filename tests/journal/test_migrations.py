"""Older journal files are brought up to date on open: backup first, under the lock, and
nothing a person wrote is lost."""

from __future__ import annotations

import fcntl
import json
import os
import stat
import uuid
from pathlib import Path

import pytest
from tinydb import TinyDB

from reflect.journal import backups, migrations
from reflect.journal.entry import now
from reflect.journal.file_format import JournalError
from reflect.journal.store import Journal

from conftest import REPO, journal_data

FIXTURES = REPO / "tests" / "fixtures"

# What each fixture holds, read back after migration: (number, id, created, updated,
# pack id, answers, derived).
EXPECTED = {
    0: [
        (1, "0b9d1f43-8a2e-4c55-9a57-1d6f0e3c7a10", "2024-03-02T21:14:05+01:00",
         "2024-03-02T21:20:44+01:00", "hearing-no-quick",
         {"what_happened": "They said not tonight; I went quiet.", "intensity": 6,
          "need": ["closeness"], "reframe": "one-moment"},
         {"title": "They said not tonight; I went quiet.", "intensity_before": 6,
          "needs": ["closeness"], "reframe": "one-moment"}),
        # No `updated` and no derived fields: updated is the creation time, and the fields
        # are worked out again with the shipped pack it was made with.
        (2, "5c3e2a91-77b4-4f0e-8d2c-9e1a6b4f2d33", "2024-03-09T08:02:11+01:00",
         "2024-03-09T08:02:11+01:00", "hearing-no-quick",
         {"what_happened": "A match stopped replying à la fin. 🙂\nSecond line",
          "intensity": 4, "need": ["feeling-wanted", "my own words [bold]"],
          "reframe": "one-moment"},
         {"title": "A match stopped replying à la fin. 🙂", "emotions": [],
          "intensity_before": 4, "intensity_after": None,
          "needs": ["feeling-wanted", "my own words [bold]"], "reframe": "one-moment"}),
        # No number either, and a pack reflect does not ship: the next number, and a title
        # from the first written answer.
        (3, "9f7c6d5e-1b2a-4c3d-8e9f-0a1b2c3d4e5f", "2024-04-01T19:45:00-04:00",
         "2024-04-01T19:45:00-04:00", "a-pack-of-my-own",
         {"strength": 8,
          "what": "   \n  Asked for a hug after a long day, they needed space.  "},
         {"title": "Asked for a hug after a long day, they needed space."}),
    ],
}


def fixture(version: int) -> Path:
    return FIXTURES / f"journal-v{version}.json"


def as_written(path: Path) -> list[tuple]:
    """The entries of a schema-1 or schema-2 file exactly as the file holds them."""
    raw = path.read_bytes()
    if raw.startswith(migrations.LINES_MARK):
        entries = migrations.read_lines(raw)["entries"].values()
    else:
        entries = json.loads(raw)["entries"].values()
    return [(e["number"], e["id"], e["created"], e["updated"], e["pack"]["id"], e["answers"],
             e["derived"]) for e in entries]


# Schema 1 -> 2 -> 3 change the layout, not the data, and schema 4 adds a table of
# deletions: what the file held is read back as is.
EXPECTED[1] = as_written(fixture(1))
EXPECTED[2] = as_written(fixture(2))
EXPECTED[3] = as_written(fixture(3))
OLDER = sorted(EXPECTED)


def placed(home: Path, version: int) -> Path:
    """A copy of the fixture file as the journal."""
    home.mkdir(parents=True, exist_ok=True)
    path = home / "journal.json"
    path.write_bytes(fixture(version).read_bytes())
    path.chmod(0o600)
    return path


def read_back(path: Path) -> list[tuple]:
    return [(e.number, e.id, e.created, e.updated, e.pack_id, e.answers, e.derived)
            for e in Journal(path).entries()]


def lock_is_held(journal: Path) -> bool:
    """Whether another open file holds the journal's lock (flock is per open file)."""
    fd = os.open(journal.with_name(journal.name + ".lock"), os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def test_every_earlier_schema_has_a_fixture():
    """There is a fixture file for each schema before the current one, and for the current."""
    assert list(range(migrations.current())) == OLDER
    for version in [*OLDER, migrations.current()]:
        assert fixture(version).is_file()
    assert "meta" not in json.loads(fixture(0).read_text())


@pytest.mark.parametrize("version", OLDER)
def test_an_older_file_opens_migrates_and_reads_back_equal(reflect_home, version):
    """Reading an older journal brings it up to date and loses nothing that was written."""
    path = placed(reflect_home, version)
    original = path.read_bytes()
    assert read_back(path) == EXPECTED[version]
    data = journal_data(path)
    assert migrations.schema_of(data) == migrations.current()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    [copy] = backups.listing(path)
    assert copy.reason == f"before-schema-{migrations.current()}"
    assert copy.path.read_bytes() == original
    assert stat.S_IMODE(copy.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.path.parent.stat().st_mode) == 0o700
    # Reading again changes nothing more: the file is current now.
    after = path.read_bytes()
    assert read_back(path) == EXPECTED[version]
    assert path.read_bytes() == after
    assert len(backups.listing(path)) == 1


@pytest.mark.parametrize("version", OLDER)
def test_an_older_file_once_migrated_is_read_by_stock_tinydb(reflect_home, version):
    """After reflect brings an older file up to date (a backup first), stock TinyDB with
    its own JSONStorage reads the same entries from it."""
    path = placed(reflect_home, version)
    original = path.read_bytes()
    Journal(path).verify()
    [copy] = backups.listing(path)
    assert copy.path.read_bytes() == original
    db = TinyDB(path, access_mode="r")
    try:
        stock = sorted(db.table("entries").all(), key=lambda doc: doc["number"])
        meta = db.table("meta").all()
    finally:
        db.close()
    assert [(e["number"], e["id"], e["created"], e["updated"], e["pack"]["id"], e["answers"],
             e["derived"]) for e in stock] == EXPECTED[version]
    assert [doc["schema"] for doc in meta] == [migrations.current()]


@pytest.mark.parametrize("version", OLDER)
def test_the_backup_is_written_before_the_migrated_file_under_the_lock(
        reflect_home, version, monkeypatch, shipped_packs):
    """The old bytes are copied to the backups folder first, while the write lock is held."""
    path = placed(reflect_home, version)
    original = path.read_bytes()
    events: list[tuple[str, bool]] = []
    real_backup_write = backups.write_private
    from reflect.journal import store as journal_module

    real_journal_write = journal_module.write_private

    def backup_write(target, data):
        events.append(("backup", lock_is_held(path)))
        assert data == original
        real_backup_write(target, data)

    def journal_write(target, data):
        events.append(("journal", lock_is_held(path)))
        real_journal_write(target, data)

    monkeypatch.setattr(backups, "write_private", backup_write)
    monkeypatch.setattr(journal_module, "write_private", journal_write)
    Journal(path).add(shipped_packs["hearing-no-quick"], EXPECTED[0][0][5], str(uuid.uuid4()),
                      now())
    assert events[:2] == [("backup", True), ("journal", True)]
    assert [e.number for e in Journal(path).entries()] == [
        *range(1, len(EXPECTED[version]) + 1), len(EXPECTED[version]) + 1]


def test_the_current_schema_is_read_as_it_is(reflect_home):
    """A file of the current schema is neither rewritten nor backed up by reading it."""
    path = placed(reflect_home, migrations.current())
    original = path.read_bytes()
    entries = Journal(path).entries()
    assert [e.number for e in entries] == [1, 2]
    assert entries[1].answers["what_happened"] == "Déjà vu 🙂"
    assert path.read_bytes() == original
    assert not (reflect_home / "backups").exists()


def test_schema_3_gains_an_empty_table_of_deletions(reflect_home):
    """A schema-3 file brought up to date has a `deleted` table, empty: nothing deleted
    before was recorded, and nothing is invented."""
    path = placed(reflect_home, 3)
    Journal(path).verify()
    assert journal_data(path)["deleted"] == {}


def test_the_current_schema_keeps_its_deletions(reflect_home):
    """The deletions a current file holds are read back, and a new delete adds to them."""
    path = placed(reflect_home, migrations.current())
    journal = Journal(path)
    gone = journal.delete(journal.entries()[0].id)
    deleted = sorted(journal_data(path)["deleted"].values(), key=lambda doc: doc["number"])
    assert [(doc["id"], doc["number"]) for doc in deleted] == [
        (gone.id, 1), ("7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d", 3)]


def test_an_older_file_that_cannot_be_carried_over_is_left_alone(reflect_home):
    """An old entry with no creation time is refused, the file unchanged and no copy made."""
    path = placed(reflect_home, 0)
    data = json.loads(path.read_bytes())
    del data["entries"]["2"]["created"]
    path.write_text(json.dumps(data))
    original = path.read_bytes()
    with pytest.raises(JournalError, match="not an entry") as caught:
        Journal(path).entries()
    assert str(path) in caught.value.message
    assert path.read_bytes() == original
    assert not (reflect_home / "backups").exists()


def test_a_migration_that_gives_up_leaves_the_file_alone(reflect_home, monkeypatch):
    """A step that raises MigrationError is a clear error; the file is as it was."""
    def refuse(data):
        raise migrations.MigrationError("an entry holds something schema 1 cannot")

    monkeypatch.setattr(migrations, "MIGRATIONS", [refuse])
    path = placed(reflect_home, 0)
    original = path.read_bytes()
    with pytest.raises(JournalError, match="cannot be brought up to date from schema 0"):
        Journal(path).entries()
    assert path.read_bytes() == original
    assert not (reflect_home / "backups").exists()


def test_a_later_schema_is_one_more_step(reflect_home, monkeypatch):
    """Appending a step for the next schema is all it takes: old files run every step, in
    order."""
    ran: list[str] = []
    later = migrations.current() + 1

    def to_later(data):
        ran.append(f"to_{later}")
        for doc in data["entries"].values():
            doc["mood_words"] = []
        return data

    def logged(name, step):
        def run(data):
            ran.append(name)
            return step(data)
        return run

    real = migrations.MIGRATIONS
    monkeypatch.setattr(migrations, "MIGRATIONS", [
        *(logged(f"to_{n + 1}", step) for n, step in enumerate(real)), to_later])
    placed_files = [placed(reflect_home / str(version), version)
                    for version in range(later)]
    for version, path in enumerate(placed_files):
        assert len(Journal(path).entries()) == len(EXPECTED.get(version, [1, 2]))
        assert ran == [f"to_{n}" for n in range(version + 1, later + 1)]
        ran.clear()
    for path in placed_files:
        data = journal_data(path)
        assert migrations.schema_of(data) == later
        assert all(doc["mood_words"] == [] for doc in data["entries"].values())
        [copy] = backups.listing(path)
        assert copy.reason == f"before-schema-{later}"
        assert copy.what == f"before updating the file to schema {later}"


def test_a_newer_schema_is_refused_unchanged(reflect_home):
    """A file from a newer reflect is not migrated down or touched; the error says update."""
    path = placed(reflect_home, 1)
    data = json.loads(path.read_bytes())
    data["meta"]["1"]["schema"] = migrations.current() + 1
    path.write_text(json.dumps(data))
    original = path.read_bytes()
    with pytest.raises(JournalError, match="newer reflect"):
        Journal(path).entries()
    assert path.read_bytes() == original
    assert not (reflect_home / "backups").exists()


@pytest.mark.parametrize("meta", ['{"1": {"schema": "1"}}', '{"1": {"schema": -1}}',
                                  '{"1": {"version": 1}}', '{"1": 1}'])
def test_an_unreadable_schema_is_refused(reflect_home, meta):
    """A schema that is not a whole number is damage, not version 0: refused unchanged."""
    reflect_home.mkdir()
    path = reflect_home / "journal.json"
    path.write_text(f'{{"meta": {meta}, "entries": {{}}}}')
    original = path.read_bytes()
    with pytest.raises(JournalError, match="schema version is not a number"):
        Journal(path).entries()
    assert path.read_bytes() == original
