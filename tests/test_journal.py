"""The journal keeps entries privately in one TinyDB file, with a schema version."""

from __future__ import annotations

import stat
import uuid

import pytest

from reflect.entry import derive, make_title, now
from reflect.errors import ReflectError
from reflect.journal import SCHEMA_VERSION, Journal, JournalError

from conftest import journal_data

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
    from test_session import FULL

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

    from reflect.errors import ReflectError

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


def test_a_save_appends_one_line_and_leaves_the_rest_as_it_was(reflect_home, shipped_packs):
    """A new reflection is added at the end of a plain journal: the bytes already there are
    not rewritten, and the new line reads back like any other."""
    journal = Journal(reflect_home / "journal.json")
    pack = shipped_packs["hearing-no-quick"]
    for _ in range(2):
        journal.add(pack, ANSWERS, str(uuid.uuid4()), now())
    before = journal.path.read_bytes()
    third = journal.add(pack, {**ANSWERS, "what_happened": "Third\ttime, with a tab."},
                        str(uuid.uuid4()), now())
    after = journal.path.read_bytes()
    assert after.startswith(before)
    assert after[len(before):].count(b"\n") == 1
    assert third.number == 3
    read = journal.entries()[-1]
    assert (read.id, read.number, read.answers) == (third.id, 3, third.answers)
    assert read.answers["what_happened"] == "Third\ttime, with a tab."


def test_answers_are_read_only_when_used_and_damage_in_them_is_a_clear_error(
        reflect_home, shipped_packs):
    """Listing does not decode answers, so answers damaged inside their braces are found
    when the entry is shown: one clear line naming the reflection, never a traceback."""
    journal = Journal(reflect_home / "journal.json")
    pack = shipped_packs["hearing-no-quick"]
    for _ in range(2):
        journal.add(pack, ANSWERS, str(uuid.uuid4()), now())
    raw = journal.path.read_bytes()
    journal.path.write_bytes(raw.replace(b'\t{"what_happened":', b'\t{"what_happened"!', 1))
    first, second = journal.entries()
    assert first.derived["title"] == make_title(ANSWERS["what_happened"])
    assert second.answers["intensity"] == ANSWERS["intensity"]
    with pytest.raises(ReflectError, match=r"Reflection #1 in the journal is damaged"):
        first.answers  # noqa: B018 - reading it is the test
    from typer.testing import CliRunner

    from reflect import cli

    shown = CliRunner().invoke(cli.app, ["--journal", str(journal.path), "show", "1"])
    assert shown.exit_code == 1
    assert "Reflection #1 in the journal is damaged" in shown.output
    assert "Traceback" not in shown.output


def test_details_damaged_past_what_lists_sort_by_are_a_clear_error_when_used(
        reflect_home, shipped_packs):
    """A read decodes only the id, number and date of each line until more is needed, so
    damage further into an entry's details shows when that entry is used: one clear line
    naming it, never a traceback, and the file as it was."""
    from typer.testing import CliRunner

    from reflect import cli

    journal = Journal(reflect_home / "journal.json")
    pack = shipped_packs["hearing-no-quick"]
    for _ in range(3):
        journal.add(pack, ANSWERS, str(uuid.uuid4()), now())
    raw = journal.path.read_bytes()
    damaged = raw.replace(b'"updated":"', b'"updated":!', 1)
    journal.path.write_bytes(damaged)
    assert [e.number for e in journal.entries()] == [1, 2, 3]
    assert journal.entries()[2].derived["title"] == make_title(ANSWERS["what_happened"])
    runner = CliRunner()
    for args in (["show", "1"], ["list", "--all", "--json"], ["show", "2"]):
        done = runner.invoke(cli.app, ["--journal", str(journal.path), *args])
        if args == ["show", "2"]:
            assert done.exit_code == 0
            continue
        assert done.exit_code == 1, args
        assert "Reflection #1 in the journal is damaged: its details cannot be read" in (
            done.output)
        assert "Traceback" not in done.output
    assert journal.path.read_bytes() == damaged


def test_a_line_written_otherwise_than_reflect_writes_it_is_read_all_the_same(
        reflect_home, shipped_packs):
    """Keys in another order, an escaped id, spaces after the colons: the line is decoded
    whole instead of read by its start, and gives the same entry."""
    from reflect import codec

    journal = Journal(reflect_home / "journal.json")
    pack = shipped_packs["hearing-no-quick"]
    for n in range(3):
        journal.add(pack, ANSWERS, f"id-{n}", now())
    expected = [e.to_record() for e in journal.entries()]
    header, *lines = journal.path.read_bytes().splitlines(keepends=True)
    heads = [codec.loads(line.split(b"\t")[0]) for line in lines]
    answers = [line.split(b"\t")[1] for line in lines]
    reordered = dict(reversed(list(heads[0].items())))
    escaped = codec.dumps(heads[1]).replace(b'"id-1"', b'"id\\u002d1"')
    spaced = codec.dumps(heads[2]).replace(b'":', b'": ')
    journal.path.write_bytes(header + codec.dumps(reordered) + b"\t" + answers[0]
                             + escaped + b"\t" + answers[1] + spaced + b"\t" + answers[2])
    assert [e.to_record() for e in Journal(journal.path).entries()] == expected


def test_telling_an_entry_has_no_links_never_misses_one(reflect_home, shipped_packs):
    """What looks for linked entries skips any whose stored details cannot hold a link;
    words about links in an answer or a title never hide a real one."""
    journal = Journal(reflect_home / "journal.json")
    pack = shipped_packs["hearing-no-quick"]
    about = {**ANSWERS, "what_happened": 'A note: "links": {"preparation": "x"}'}
    first = journal.add(pack, about, "first", now())
    second = journal.add(pack, ANSWERS, "second", now())
    journal.link(second.id, "preparation", first.id)
    stored_first, stored_second = journal.entries()
    assert stored_first.has_no_links()
    assert stored_first.links == {}
    assert not stored_second.has_no_links()
    assert stored_second.links == {"preparation": "first"}
    made_here = journal.add(pack, ANSWERS, "third", now())
    assert made_here.has_no_links()


def test_one_pass_reads_give_the_same_answers_and_let_go_of_them(reflect_home,
                                                                  shipped_packs):
    """What goes through every entry once (stats, exports) reads an answer, or lets go of
    an entry once written, and gets the same values as a read that keeps them."""
    journal = Journal(reflect_home / "journal.json")
    journal.add(shipped_packs["hearing-no-quick"], ANSWERS, "one", now())
    kept, = journal.entries()
    passing, = journal.entries()
    for step, value in kept.answers.items():
        assert passing.answer(step) == value
    assert passing.answer("no-such-step") is None
    before = passing.to_record()
    passing.forget()
    assert passing.to_record() == before == kept.to_record()
    made = journal.add(shipped_packs["hearing-no-quick"], ANSWERS, "two", now())
    made.forget()  # an entry made here has nothing to let go of
    assert made.answers["intensity"] == ANSWERS["intensity"]
    raw = journal.path.read_bytes()
    journal.path.write_bytes(raw.replace(b'\t{"what_happened":', b'\t{"what_happened"!', 1))
    damaged, _ = journal.entries()
    with pytest.raises(ReflectError, match=r"Reflection #1 in the journal is damaged"):
        damaged.answer("intensity")


def test_a_stored_entry_gives_the_same_record_however_much_of_it_was_read(
        reflect_home, shipped_packs):
    """An export asks each stored entry for its record without keeping what it decoded;
    the record is the one a full read gives, and a field set before it is read is kept."""
    journal = Journal(reflect_home / "journal.json")
    journal.add(shipped_packs["hearing-no-quick"], ANSWERS, "one", now())
    expected = journal.entries()[0].to_record()
    untouched, = journal.entries()
    assert untouched.to_record() == expected
    assert vars(untouched).keys() == {"id", "number", "created", "_stored"}
    answered, = journal.entries()
    assert answered.answers == expected["answers"]
    assert answered.to_record() == expected
    changed, = journal.entries()
    changed.followups = {"walk": {"outcome": "helped", "at": "2026-11-02T10:00:00+00:00"}}
    assert changed.derived == expected["derived"]  # the rest decoded, the change kept
    assert changed.to_record() == {**expected, "followups": changed.followups}
    changed.forget()
    assert vars(changed).keys() == {"id", "number", "created", "_stored"}
    assert changed.to_record() == expected


@pytest.mark.parametrize(("words", "printable"), [
    ("plain words, a dash — and an ellipsis …", True),
    ("a C1 control \x85 as itself", False),
    ("a bidirectional override \u202e as itself", False),
    ("an isolate \u2066 as itself", False),
    ("a DEL \x7f", False),
    ("an escape \x1b[31m", False),
    ("a bell \x07 and a form feed \x0c", False),
])
def test_a_stored_entry_tells_whether_printable_would_change_it(reflect_home,
                                                                shipped_packs, words,
                                                                printable):
    """An export writes a stored entry's strings as they are only when none holds a
    character printable() takes out; the journal's bytes tell it without decoding."""
    import json

    journal = Journal(reflect_home / "journal.json")
    journal.add(shipped_packs["hearing-no-quick"], {**ANSWERS, "what_happened": "here"},
                "one", now())
    journal.add(shipped_packs["hearing-no-quick"], ANSWERS, "two", now())
    # A save takes such characters out; only a journal edited by hand holds them.
    as_json = json.dumps(words, ensure_ascii=False)[1:-1].encode()
    raw = journal.path.read_bytes()
    journal.path.write_bytes(raw.replace(b'"what_happened":"here"',
                                         b'"what_happened":"' + as_json + b'"', 1))
    first, second = journal.entries()
    assert first.answers["what_happened"] == words
    assert first.surely_printable() is printable
    assert second.surely_printable()  # what is found in one line is not in the next
    made = journal.add(shipped_packs["hearing-no-quick"], ANSWERS, "three", now())
    assert not made.surely_printable()  # not stored: it cannot be told, so it may


def test_new_ids_are_distinct_version_4_uuids():
    from reflect.entry import new_id

    ids = {new_id() for _ in range(2000)}
    assert len(ids) == 2000
    for made in ids:
        parsed = uuid.UUID(made)
        assert (str(parsed), parsed.version, parsed.variant) == (made, 4, uuid.RFC_4122)
