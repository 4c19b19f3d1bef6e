"""The journal keeps entries privately in one TinyDB file, with a schema version."""

from __future__ import annotations

import random
import shutil
import stat
import uuid

import pytest

from reflect.base.errors import ReflectError
from reflect.journal.crypto import Keyring
from reflect.journal.entry import Entry, derive, make_title, now
from reflect.journal.file_format import SCHEMA_VERSION, JournalError
from reflect.journal.merge import content, side_of
from reflect.journal.store import Journal, merge_files

from conftest import FULL, journal_data

ANSWERS = {
    "what_happened": "[bold]Not markup[/] and an emoji 🙂\nsecond line",
    "intensity": 8,
    "need": ["closeness", "my own words [/]"],
    "reframe": "one-moment",
}


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_saving_creates_a_private_journal(reflect_home, shipped_packs):
    """The first save creates the folder 0700 and the file 0600, with the schema version."""
    journal = Journal(reflect_home / "journal.json")
    entry = journal.add(shipped_packs["hearing-no-quick"], ANSWERS, str(uuid.uuid4()), now())
    assert mode(reflect_home) == 0o700
    assert mode(journal.path) == 0o600
    data = journal_data(journal.path)
    assert list(data["meta"].values()) == [{"schema": SCHEMA_VERSION, "last_number": 1}]
    assert entry.number == 1


def test_text_round_trips_exactly(reflect_home, shipped_packs):
    """Markup characters, emoji and new lines come back exactly as typed."""
    journal = Journal(reflect_home / "journal.json")
    saved = journal.add(shipped_packs["hearing-no-quick"], ANSWERS, str(uuid.uuid4()), now())
    [read] = journal.entries()
    assert read.answers == ANSWERS
    assert read == saved


def test_entries_get_numbers_times_and_derived_fields(reflect_home, shipped_packs):
    """Each entry has a uuid, the next short number, zoned times and derived fields."""
    journal = Journal(reflect_home / "journal.json")
    pack = shipped_packs["hearing-no-quick"]
    first = journal.add(pack, ANSWERS, str(uuid.uuid4()), now())
    second = journal.add(pack, ANSWERS, str(uuid.uuid4()), now())
    assert (first.number, second.number) == (1, 2)
    assert uuid.UUID(first.id)
    assert first.created[-6] in "+-"
    assert (first.pack_id, first.pack_version) == ("hearing-no-quick", 2)
    assert first.derived == {
        "title": "[bold]Not markup[/] and an emoji 🙂",
        "emotions": [],
        "needs": ["closeness", "my own words [/]"],
        "intensity_before": 8,
        "intensity_after": None,
        "reframe": "one-moment",
    }
    assert [e.number for e in journal.entries()] == [1, 2]


def test_saving_the_same_reflection_twice_keeps_one(reflect_home, shipped_packs):
    """A draft resumed after it was in fact saved does not make a second entry."""
    journal = Journal(reflect_home / "journal.json")
    entry_id = str(uuid.uuid4())
    journal.add(shipped_packs["hearing-no-quick"], ANSWERS, entry_id, now())
    again = journal.add(shipped_packs["hearing-no-quick"], ANSWERS, entry_id, now())
    assert again.number == 1
    assert len(journal.entries()) == 1


def test_full_pack_derives_every_field(reflect_home, shipped_packs):
    """The default pack fills kind, emotions, needs, both intensities and the rest."""
    pack = shipped_packs["hearing-no"]
    derived = derive(pack, FULL)
    assert derived["kind"] == "declined-intimacy"
    assert derived["emotions"] == ["hurt", "embarrassed"]
    assert derived["needs"] == ["closeness"]
    assert (derived["intensity_before"], derived["intensity_after"]) == (7, 3)
    assert derived["alternatives"] == ["sit-together-only", "hold-hands-only"]
    assert derived["remember"] == "One moment, not a verdict."


def test_titles_are_one_clean_line():
    """A title is the first non-empty line, without control characters, cut to length."""
    assert make_title("\n\n  first line\nsecond") == "first line"
    assert make_title("a\x1b[31mred\x07") == "a[31mred"
    long = make_title("word " * 40)
    assert len(long) == 60
    assert long.endswith("…")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2, 3]", "does not hold a journal"),
        (b'{"entries": [1]}', "not a table"),
        (b'{"entries": {"1": 5}}', "not an entry"),
        (b'{"meta": {"1": {"schema": 99}}, "entries": {}}', "newer reflect"),
        (b"\xff\xfe", "not valid JSON"),
        (b"", "is empty"),
        (b'{"entries": {"1": {"id": "x", "number": "1"}}}', "not an entry"),
        (b'{"entries": {"1": {"id": "x", "number": 1, "cr', "not valid JSON"),
    ],
)
def test_a_damaged_journal_is_refused_and_left_alone(reflect_home, shipped_packs, content,
                                                     problem):
    """A broken journal gets a clear error naming the file, and is not overwritten."""
    reflect_home.mkdir()
    path = reflect_home / "journal.json"
    path.write_bytes(content)
    journal = Journal(path)
    with pytest.raises(JournalError, match=problem) as caught:
        journal.add(shipped_packs["hearing-no-quick"], ANSWERS, str(uuid.uuid4()), now())
    assert str(path) in caught.value.message
    with pytest.raises(JournalError):
        journal.entries()
    assert path.read_bytes() == content


def test_an_empty_or_missing_journal_has_no_entries(reflect_home):
    """Reading a journal that does not exist yet gives nothing and creates nothing."""
    journal = Journal(reflect_home / "journal.json")
    assert journal.entries() == []
    assert not reflect_home.exists()


def test_a_symlinked_journal_is_written_through(reflect_home, tmp_path, shipped_packs):
    """A journal path that is a link keeps being a link; the target gets the entry."""
    target = tmp_path / "elsewhere.json"
    reflect_home.mkdir()
    link = reflect_home / "journal.json"
    link.symlink_to(target)
    Journal(link).add(shipped_packs["hearing-no-quick"], ANSWERS, str(uuid.uuid4()), now())
    assert link.is_symlink()
    assert journal_data(target)["entries"]


def test_a_full_disk_is_a_clear_error(reflect_home, shipped_packs, monkeypatch):
    """When the disk is full the save fails with a message, and the journal stays as it was."""
    import errno
    import os


    journal = Journal(reflect_home / "journal.json")
    journal.add(shipped_packs["hearing-no-quick"], ANSWERS, str(uuid.uuid4()), now())
    before = journal.path.read_bytes()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(ReflectError, match="No space left on device") as caught:
        journal.add(shipped_packs["hearing-no-quick"], ANSWERS, str(uuid.uuid4()), now())
    assert "left as it was" in caught.value.message
    monkeypatch.undo()
    assert journal.path.read_bytes() == before
    assert sorted(p.name for p in reflect_home.iterdir()) == ["backups", "journal.json",
                                                             "journal.json.lock"]
    assert list((reflect_home / "backups").iterdir()) == []


def test_copies_left_by_a_killed_writer_are_cleared(reflect_home, shipped_packs):
    """Temporary copies a killed save left behind are removed by the next save."""
    journal = Journal(reflect_home / "journal.json")
    journal.add(shipped_packs["hearing-no-quick"], ANSWERS, str(uuid.uuid4()), now())
    leftover = reflect_home / ".journal.json.abc123.tmp"
    leftover.write_text("a private copy")
    journal.add(shipped_packs["hearing-no-quick"], ANSWERS, str(uuid.uuid4()), now())
    assert not leftover.exists()
    assert len(journal.entries()) == 2


def test_a_save_writes_the_journal_as_tinydb_json(reflect_home, shipped_packs):
    """A save replaces the whole file with TinyDB's own JSON layout: json and stock TinyDB
    read every entry back, a tab in the words included."""
    import json

    from tinydb import TinyDB

    journal = Journal(reflect_home / "journal.json")
    pack = shipped_packs["hearing-no-quick"]
    for _ in range(2):
        journal.add(pack, ANSWERS, str(uuid.uuid4()), now())
    third = journal.add(pack, {**ANSWERS, "what_happened": "Third\ttime, with a tab."},
                        str(uuid.uuid4()), now())
    assert third.number == 3
    data = json.loads(journal.path.read_bytes())
    assert set(data) == {"entries", "meta"}
    assert [doc["schema"] for doc in data["meta"].values()] == [SCHEMA_VERSION]
    db = TinyDB(journal.path, access_mode="r")
    try:
        stock = sorted(db.table("entries").all(), key=lambda doc: doc["number"])
    finally:
        db.close()
    assert stock == [entry.to_record() for entry in journal.entries()]
    assert stock[2]["answers"]["what_happened"] == "Third\ttime, with a tab."


def test_a_journal_damaged_by_hand_is_a_clear_error_and_left_alone(reflect_home,
                                                                    shipped_packs):
    """Answers or details damaged inside the file: every command that reads it says so in
    one line naming the file, never a traceback, and the file stays as it was."""
    from typer.testing import CliRunner

    from reflect import cli

    journal = Journal(reflect_home / "journal.json")
    pack = shipped_packs["hearing-no-quick"]
    for _ in range(3):
        journal.add(pack, ANSWERS, str(uuid.uuid4()), now())
    raw = journal.path.read_bytes()
    runner = CliRunner()
    for damaged in (raw.replace(b'"what_happened": ', b'"what_happened"! ', 1),
                    raw.replace(b'"updated": "', b'"updated": !', 1)):
        journal.path.write_bytes(damaged)
        for args in (["show", "1"], ["list", "--all", "--json"], ["search", "couch"],
                     ["stats"], ["export"]):
            done = runner.invoke(cli.app, ["--journal", str(journal.path), *args])
            assert done.exit_code == 1, args
            said = " ".join(done.output.split())
            assert f"The journal {journal.path} is damaged" in said, args
            assert "Traceback" not in done.output
        assert journal.path.read_bytes() == damaged


def test_a_journal_written_otherwise_than_reflect_writes_it_is_read_all_the_same(
        reflect_home, shipped_packs):
    """Keys in another order, escaped characters, indented as jq writes it: the file is
    TinyDB's layout all the same, and gives the same entries."""
    import json

    journal = Journal(reflect_home / "journal.json")
    pack = shipped_packs["hearing-no-quick"]
    for n in range(3):
        journal.add(pack, ANSWERS, f"id-{n}", now())
    expected = [e.to_record() for e in journal.entries()]
    data = json.loads(journal.path.read_bytes())

    def reordered(value):
        if isinstance(value, dict):
            return {key: reordered(item) for key, item in reversed(list(value.items()))}
        return value

    written = json.dumps(reordered(data), indent=2, ensure_ascii=False)
    journal.path.write_text(written.replace('"id-1"', '"id\\u002d1"'), encoding="utf-8")
    assert [e.to_record() for e in Journal(journal.path).entries()] == expected


def test_new_ids_are_distinct_version_4_uuids():
    """Every new reflection gets its own random id."""
    from reflect.journal.entry import new_id

    ids = {new_id() for _ in range(2000)}
    assert len(ids) == 2000
    for made in ids:
        parsed = uuid.UUID(made)
        assert (str(parsed), parsed.version, parsed.variant) == (made, 4, uuid.RFC_4122)


@pytest.mark.parametrize("change", [
    (b'"created": "', b'"created": "9999-12-31T23:59:59+00:00", "was": "'),
    (b'"updated": "', b'"updated": "0001-01-01T00:00:00", "was": "'),
    (b'"intensity_before": 8', b'"intensity_before": true'),
])
def test_a_journal_edited_by_hand_is_checked_as_an_import_is(reflect_home, shipped_packs,
                                                             change):
    """A date outside the years every view can show, or a yes/no where a rating belongs,
    written into the journal by hand, is refused as damage naming the file; stats and
    exports never meet it, and the file is left as it was."""
    from typer.testing import CliRunner

    from reflect import cli

    journal = Journal(reflect_home / "journal.json")
    journal.add(shipped_packs["hearing-no-quick"], ANSWERS, str(uuid.uuid4()), now())
    edited = journal.path.read_bytes().replace(*change, 1)
    assert edited != journal.path.read_bytes()
    journal.path.write_bytes(edited)
    for args in (["stats"], ["stats", "--json"], ["export", "--format", "html"], ["list"]):
        done = CliRunner().invoke(cli.app, args)
        assert done.exit_code == 1, args
        assert f"The journal {journal.path} cannot be used" in " ".join(done.output.split())
        assert "Traceback" not in done.output
    assert journal.path.read_bytes() == edited


def test_a_journal_cut_short_anywhere_is_refused_by_every_path(reflect_home, shipped_packs):
    """A journal cut short at any point (a few bytes, mid-entry, just the last brace) is
    refused by every read and every write, with a message naming the file; it is never
    rewritten, so nothing that was saved is lost in silence."""
    pack = shipped_packs["hearing-no-quick"]
    journal = Journal(reflect_home / "journal.json")
    kept = [journal.add(pack, ANSWERS, str(uuid.uuid4()), now()) for _ in range(4)]
    whole = journal.path.read_bytes()
    newcomer = Entry(id=str(uuid.uuid4()), number=1, created=now(), updated=now(),
                     pack_id=pack.id, pack_version=pack.version, answers=dict(ANSWERS))
    calls = {
        "list": journal.entries,
        "delete": lambda: journal.delete(kept[0].id),
        "edit": lambda: journal.update(kept[1].id, ANSWERS, pack),
        "import": lambda: journal.import_entries([newcomer]),
        "follow-up": lambda: journal.record_followups(
            {kept[2].id: {"closeness": {"outcome": "helped", "at": now()}}}),
        "add": lambda: journal.add(pack, ANSWERS, str(uuid.uuid4()), now()),
    }
    for cut in (1, 17, len(whole) // 3, len(whole) // 2, len(whole) - 40, len(whole) - 1):
        journal.path.write_bytes(whole[:cut])
        for name, call in calls.items():
            with pytest.raises(JournalError) as caught:
                call()
            assert str(journal.path) in caught.value.message, (cut, name)
            assert journal.path.read_bytes() == whole[:cut], (cut, name)


def test_a_killed_writers_temporary_files_go_at_the_next_change(reflect_home, shipped_packs):
    """A save or a backup killed before its rename leaves a temporary private copy; the
    next change of the journal removes those beside it and in backups/, even on a day
    whose backup is already taken, and leaves everything else alone."""
    pack = shipped_packs["hearing-no-quick"]
    journal = Journal(reflect_home / "journal.json")
    journal.add(pack, ANSWERS, str(uuid.uuid4()), now())
    journal.add(pack, ANSWERS, str(uuid.uuid4()), now())
    (copy,) = journal.backups()
    beside = reflect_home / ".journal.json.k1ll3d.tmp"
    backup_temp = copy.path.parent / f".{copy.path.name}.k1ll3d.tmp"
    for leftover in (beside, backup_temp):
        leftover.write_bytes(b"half a copy")
    journal.add(pack, ANSWERS, str(uuid.uuid4()), now())
    assert not beside.exists()
    assert not backup_temp.exists()
    assert [c.path for c in journal.backups()] == [copy.path]
    assert len(journal.entries()) == 3


# Merging another copy of the journal -------------------------------------------------------


def _copy_apart(reflect_home, shipped_packs, seed: int):
    """Two journal files from a common start, each then changed on its own: adds, an edit,
    a delete and follow-ups on both sides (some on the same reflections)."""
    rng = random.Random(seed)
    quick = shipped_packs["hearing-no-quick"]
    laptop = Journal(reflect_home / "laptop" / "journal.json")
    for n in range(rng.randint(2, 5)):
        laptop.add(quick, {**ANSWERS, "what_happened": f"start {n}"}, str(uuid.uuid4()),
                   now())
    desktop_file = reflect_home / "desktop" / "journal.json"
    desktop_file.parent.mkdir()
    shutil.copy(laptop.path, desktop_file)
    desktop = Journal(desktop_file)
    for name, journal in (("laptop", laptop), ("desktop", desktop)):
        for step in range(rng.randint(2, 6)):
            entries = journal.entries()
            action = rng.choice(["add", "add", "edit", "delete", "followup"])
            if action == "add" or not entries:
                journal.add(quick, {**ANSWERS, "what_happened": f"{name} {step}"},
                            str(uuid.uuid4()), now())
            elif action == "edit":
                entry = rng.choice(entries)
                journal.update(entry.id, {**entry.answers, "what_happened": f"{name} edit"})
            elif action == "delete":
                journal.delete(rng.choice(entries).id)
            else:
                journal.record_followups({rng.choice(entries).id: {
                    f"way-{name}": {"outcome": "helped", "at": now()}}})
    return laptop, desktop


@pytest.mark.parametrize("seed", range(4))
def test_two_journals_merged_either_way_hold_the_same(reflect_home, shipped_packs, seed,
                                                      tmp_path):
    """Merging the desktop's journal into the laptop's, or the laptop's into the desktop's,
    gives the same reflections and deletions; nothing saved on either is lost, nothing
    deleted on either comes back, and numbers are unique."""
    laptop, desktop = _copy_apart(reflect_home, shipped_packs, seed)
    saved = ({e.id for e in laptop.entries()} | {e.id for e in desktop.entries()})
    deleted = {doc["id"] for j in (laptop, desktop)
               for doc in journal_data(j.path).get("deleted", {}).values()}
    one, other = tmp_path / "one" / "journal.json", tmp_path / "other" / "journal.json"
    for target, source in ((one, laptop.path), (other, desktop.path)):
        target.parent.mkdir()
        shutil.copy(source, target)
    Journal(one).merge_in(Journal(one).read_other(desktop.path))
    Journal(other).merge_in(Journal(other).read_other(laptop.path))
    assert content(side_of(journal_data(one))) == content(side_of(journal_data(other)))
    merged = Journal(one).entries()
    assert {e.id for e in merged} == saved - deleted
    numbers = [e.number for e in merged]
    assert len(numbers) == len(set(numbers))


def test_a_delete_is_remembered_with_its_number_and_time(reflect_home, shipped_packs):
    """Deleting a reflection records its id, number and when in the journal's deletions."""
    journal = Journal(reflect_home / "journal.json")
    entry = journal.add(shipped_packs["hearing-no-quick"], ANSWERS, str(uuid.uuid4()), now())
    journal.delete(entry.id)
    [doc] = journal_data(journal.path)["deleted"].values()
    assert (doc["id"], doc["number"]) == (entry.id, 1)
    assert doc["at"][:4].isdigit()


def test_a_dry_run_merge_writes_nothing(reflect_home, shipped_packs, tmp_path):
    """merge_in with dry_run reports what would come and leaves the file and backups as
    they were."""
    journal = Journal(reflect_home / "journal.json")
    journal.add(shipped_packs["hearing-no-quick"], ANSWERS, str(uuid.uuid4()), now())
    other = Journal(tmp_path / "other.json")
    other.add(shipped_packs["hearing-no-quick"], ANSWERS, str(uuid.uuid4()), now())
    before, kept = journal.path.read_bytes(), journal.backups()
    report = journal.merge_in(journal.read_other(other.path), dry_run=True)
    assert report.taken_in == 1
    assert [r["number"] for r in report.added] == [2]
    assert journal.path.read_bytes() == before
    assert journal.backups() == kept


def test_merging_into_no_journal_makes_one(reflect_home, shipped_packs, tmp_path):
    """With no journal yet, merging another copy makes the journal from it."""
    other = Journal(tmp_path / "other.json")
    other.add(shipped_packs["hearing-no-quick"], ANSWERS, str(uuid.uuid4()), now())
    journal = Journal(reflect_home / "journal.json")
    journal.merge_in(journal.read_other(other.path))
    assert [e.id for e in journal.entries()] == [e.id for e in other.entries()]
    assert mode(journal.path) == 0o600


def test_merge_files_seals_the_result_like_an_encrypted_side(reflect_home, shipped_packs,
                                                             tmp_path, fast_scrypt):
    """git's two versions, ours plain and theirs encrypted: the merge written into ours is
    encrypted too, so merging never undoes encryption."""
    ours = Journal(tmp_path / "ours.json")
    ours.add(shipped_packs["hearing-no-quick"], ANSWERS, str(uuid.uuid4()), now())
    theirs = Journal(tmp_path / "theirs.json")
    theirs.add(shipped_packs["hearing-no-quick"], ANSWERS, str(uuid.uuid4()), now())
    theirs.encrypt("a passphrase for both")
    report = merge_files(ours.path, theirs.path, Keyring(lambda: "a passphrase for both"))
    assert report.taken_in == 1
    assert ours.path.read_bytes().startswith(b"reflect-encrypted 1\n")
    assert len(Journal(ours.path, passphrase=lambda: "a passphrase for both").entries()) == 2


def test_a_copy_already_taken_in_by_another_reflect_is_passed_over(reflect_home,
                                                                   shipped_packs):
    """A copy that is gone by the time the lock is held (another reflect took it in) is
    neither merged nor named as a problem."""
    journal = Journal(reflect_home / "journal.json")
    journal.add(shipped_packs["hearing-no-quick"], ANSWERS, str(uuid.uuid4()), now())
    before = journal.path.read_bytes()
    gone = reflect_home / "journal.sync-conflict-20261205-101500-ABCDEFG.json"
    assert journal.take_in([gone]) == []
    assert journal.path.read_bytes() == before
