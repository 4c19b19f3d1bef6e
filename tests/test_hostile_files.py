"""Whatever a file reflect reads holds (a journal edited by hand, a draft, the settings, a
pack) and wherever an export is sent, reflect answers with a clear line or leaves the
piece out: never a traceback, a hang or a wrong answer, and the journal stays as it was."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reflect.cli import app
from reflect.engine.drafts import Drafts
from reflect.engine.new_reflection import reflect_new
from reflect.journal.entry import new_id, now
from reflect.journal.store import Journal

from conftest import QUICK, journal_data, said, write_journal_data

runner = CliRunner()
READERS = [["list"], ["show", "1"], ["search", "the"], ["stats"], ["stats", "--json"],
           ["export", "--format", "csv"], ["export", "--format", "html"], ["followup"],
           ["delete", "1", "--yes"]]


def edited(filled: Any, change: Any) -> bytes:
    """Change the journal's tables by hand; the bytes written."""
    data = journal_data(filled.path)
    change(data)
    write_journal_data(filled.path, data)
    return filled.path.read_bytes()


def first(data: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = data["entries"]["1"]
    return entry


# A journal edited by hand -----------------------------------------------------------------

REFUSED = {
    "pack is words": lambda d: first(d).__setitem__("pack", "hearing-no"),
    "pack is a number": lambda d: first(d).__setitem__("pack", 3),
    "pack id is a list": lambda d: first(d)["pack"].__setitem__("id", ["hearing-no"]),
    "pack id is a number": lambda d: first(d)["pack"].__setitem__("id", 7),
    "followups is words": lambda d: first(d).__setitem__("followups", "helped"),
    "followups is a list": lambda d: first(d).__setitem__("followups", [1]),
    "links is a number": lambda d: first(d).__setitem__("links", 5),
    "a rating of 10**30": lambda d: first(d)["derived"].__setitem__("intensity_before",
                                                                      10 ** 30),
    "a rating of a billion": lambda d: first(d)["derived"].__setitem__("intensity_after",
                                                                         10 ** 9),
    "a key that is a word": lambda d: d["entries"].__setitem__("one", d["entries"].pop("1")),
    "a key of 5,000 digits": lambda d: d["entries"].__setitem__("9" * 5000,
                                                                d["entries"].pop("1")),
    "a key of another script": lambda d: d["entries"].__setitem__("²",
                                                                  d["entries"].pop("1")),
    "two entries with one id": lambda d: d["entries"]["2"].__setitem__(
        "id", first(d)["id"]),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", list(REFUSED))
def test_a_journal_edited_by_hand_into_wrong_shapes_is_refused(filled, case):
    """Fields of the wrong type, a rating no scale has, a table key TinyDB cannot read, or
    two entries with one id (a delete could reach the wrong one) are refused as damage by
    every reading and changing command, naming the file, and the file is left as it was."""
    raw = edited(filled, REFUSED[case])
    for args in READERS:
        result = runner.invoke(app, args)
        assert result.exit_code == 1, (args, result.output)
        assert f"The journal {filled.path} cannot be used" in said(result.stderr), args
        assert "Traceback" not in result.output
    assert filled.path.read_bytes() == raw


def test_a_rating_far_past_its_scale_draws_a_whole_bar_not_a_million(filled):
    """A rating of 1,000,000 on a scale of 10 (the most the journal keeps) is drawn by
    `stats` as one full bar of ten beside the rating at the end; with a bar a million
    characters long, the rows of ratings were left out."""
    edited(filled, lambda d: [entry["derived"].__setitem__("intensity_before", 1_000_000)
                              for entry in d["entries"].values()])
    result = runner.invoke(app, ["stats"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    rows = [line for line in result.stdout.splitlines() if "1000000 " in line and "->" in line]
    assert len(rows) == 5
    assert all("1000000 " + "█" * 10 + " ->" in row for row in rows)


def test_two_entries_with_one_number_ask_for_the_id(filled):
    """When a hand edit gives two reflections one number, `show`, `edit` and `delete` by
    that number name both ids and change nothing; each is still found by its id."""
    raw = edited(filled, lambda d: d["entries"]["2"].__setitem__("number", 1))
    ids = [entry.id for entry in filled.entries() if entry.number == 1]
    for args in (["show", "1"], ["delete", "1", "--yes"], ["edit", "1"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1
        assert (f"More than one reflection has the number 1 (their ids start {ids[0][:8]}, "
                f"{ids[1][:8]})") in said(result.stderr)
    assert filled.path.read_bytes() == raw
    assert runner.invoke(app, ["show", ids[1][:8]]).exit_code == 0


def test_a_stock_journal_with_a_key_of_another_script_is_refused(reflect_home):
    """A TinyDB file without a schema (brought up to date on open) whose key is ² is
    refused as damage, not a traceback from the upgrade."""
    reflect_home.mkdir()
    journal = reflect_home / "journal.json"
    journal.write_text(json.dumps({"entries": {"²": {
        "id": str(uuid.uuid4()), "number": 1, "created": now(), "updated": now(),
        "answers": {"what_happened": "x"}}}}))
    before = journal.read_bytes()
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 1
    assert f"The journal {journal} cannot be used" in said(result.stderr)
    assert journal.read_bytes() == before


EVIL = "=1+2\x1b[2J\x9b31m\u202e\x07"
"""A formula, a clear-screen, a C1 control, a bidi override and a bell."""


@pytest.mark.parametrize("field", ["id", "created"])
def test_a_csv_export_cleans_the_id_and_date_too(filled, field):
    """An id or a date edited by hand to hold control codes and a formula is exported to
    CSV without the control codes and with a ' before the =, as every other cell is."""
    edited(filled, lambda d: first(d).__setitem__(field, EVIL))
    result = runner.invoke(app, ["export", "--format", "csv"])
    assert result.exit_code == 0
    assert not any(code in result.stdout for code in ("\x1b", "\x9b", "\u202e", "\x07"))
    assert "'=1+2[2J31m" in result.stdout


def test_a_json_export_cleans_the_names_of_follow_ups(filled):
    """A follow-up whose name holds control codes is exported as JSON without them."""
    edited(filled, lambda d: first(d).__setitem__(
        "followups", {EVIL: {"outcome": "helped", "at": now()}}))
    result = runner.invoke(app, ["export", "--format", "json"])
    assert result.exit_code == 0
    assert not any(code in result.stdout for code in ("\x1b", "\x9b", "\u202e", "\x07"))
    assert "=1+2[2J31m" in result.stdout


# The unfinished reflection ----------------------------------------------------------------

@pytest.mark.parametrize("change", [
    {"created": 5}, {"created": "9999-12-31T00:00:00+00:00"}, {"created": "soon"},
    {"entry_id": 7}, {"pack_version": "2"}, {"next_step": ["need"]}])
def test_a_draft_edited_by_hand_is_refused_not_saved_into_the_journal(
        reflect_home, shipped_packs, scripted, filled, change):
    """A draft whose date, id or details are not what reflect writes is refused as damaged
    when it is picked up: before, its date reached the journal and every command then
    refused the journal (or it was a traceback)."""
    draft = reflect_home / "journal.drafts" / "waiting.json"
    draft.parent.mkdir(mode=0o700)
    fields = {"pack_id": "hearing-no-quick", "pack_version": 2, "entry_id": new_id(),
              "created": now(), "answers": {"what_happened": "x"}, "next_step": "emotions",
              "format": 1, **change}
    draft.write_text(json.dumps(fields))
    before = filled.path.read_bytes()
    from reflect.base.errors import ReflectError

    with pytest.raises(ReflectError, match="is damaged and cannot be resumed"):
        reflect_new(list(shipped_packs.values()), shipped_packs["hearing-no-quick"],
                    scripted({**QUICK, "_resume": "continue"}), filled,
                    Drafts(draft.parent, filled))
    assert filled.path.read_bytes() == before
    assert len(Journal(filled.path).entries()) == 6


def test_a_save_the_journal_could_not_read_back_is_refused(filled, shipped_packs):
    """A reflection with a date the journal does not keep is not saved (every later command
    would refuse the journal); the journal is left as it was."""
    before = filled.path.read_bytes()
    from reflect.journal.file_format import JournalError

    with pytest.raises(JournalError, match="cannot be saved"):
        filled.add(shipped_packs["hearing-no-quick"], QUICK, new_id(), "0001-01-01T00:00:00")
    assert filled.path.read_bytes() == before


# The settings ------------------------------------------------------------------------------

SETTINGS = {
    "nested arrays": ("x = " + "[" * 20_000 + "]" * 20_000, "is nested too deeply"),
    "nested tables": ("x = " + "{a=" * 3000 + "1" + "}" * 3000, "is nested too deeply"),
    "a number of 5,000 digits": ("[backups]\nkeep = " + "9" * 5000,
                                 "holds a number too long to be a setting"),
    "over 64 KB": ("#" + "a" * 70_000, "it is larger than 65536 bytes"),
    "a long country": ('[resources]\ncountry = "' + "A" * 10_000 + '"', "AAAA…; it must"),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", list(SETTINGS))
def test_settings_that_cannot_be_read_are_one_line(reflect_home, filled, case):
    """Deeply nested settings, a number int() cannot read, a file far larger than settings
    are or a value 10,000 letters long: one short line naming the file, exit 1, and
    `reflect resources` still shows the lines."""
    text, words = SETTINGS[case]
    settings = reflect_home / "config.toml"
    settings.write_text(text)
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 1
    assert str(settings) in said(result.stderr)
    assert words in said(result.stderr)
    assert len(result.stderr) < 400
    assert "Traceback" not in result.output
    lines = runner.invoke(app, ["resources"])
    assert lines.exit_code == 0
    assert "When to reach out" in lines.stdout


@pytest.mark.timeout(20)
@pytest.mark.parametrize("make", ["folder", "fifo", "device"])
def test_settings_that_are_not_a_file_leave_the_crisis_lines_shown(reflect_home, make):
    """A config.toml that is a folder, a pipe or a device: `reflect resources` warns and
    shows the lines (it stopped with exit 1)."""
    reflect_home.mkdir()
    settings = reflect_home / "config.toml"
    if make == "folder":
        settings.mkdir()
    elif make == "fifo":
        os.mkfifo(settings)
    else:
        settings.symlink_to("/dev/zero")
    result = runner.invoke(app, ["resources"])
    assert result.exit_code == 0
    assert "not an ordinary file" in said(result.stderr)
    assert "When to reach out" in result.stdout


# Packs -------------------------------------------------------------------------------------

def own_pack(reflect_home: Path, name: str, text: str) -> Path:
    folder = reflect_home / "packs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(text)
    return path


PACK_HEAD = '[pack]\nid = "mine"\nversion = {version}\ntitle = "Mine"\n\n'
SCALE_STEP = ('[[steps]]\nid = "how"\nkind = "scale"\nquestion = "How strong?"\n'
              "min = {low}\nmax = {high}\n")


def test_a_pack_with_a_number_of_5000_digits_is_left_out(reflect_home, filled):
    """A pack whose version has 5,000 digits is left out with a warning; `reflect list`
    and `reflect packs` go on (both were a traceback)."""
    pack = own_pack(reflect_home, "mine", PACK_HEAD.format(version="9" * 5000)
                    + SCALE_STEP.format(low=0, high=10))
    assert runner.invoke(app, ["list"]).exit_code == 0
    result = runner.invoke(app, ["packs"])
    assert result.exit_code == 0
    assert f"Left out: {pack}: holds a number too long to be part of a pack" in \
        said(result.stderr)


def test_a_scale_far_from_zero_is_a_mistake_in_the_pack(reflect_home):
    """A scale from 10,000,000 to 10,000,010 is refused (its ratings would be refused by
    the journal once saved), naming the step and field."""
    pack = own_pack(reflect_home, "mine", PACK_HEAD.format(version=1)
                    + SCALE_STEP.format(low=10_000_000, high=10_000_010))
    result = runner.invoke(app, ["packs", "validate", str(pack)])
    assert result.exit_code == 1
    assert ("step 'how' (#1), field 'max': min and max must be within 1,000,000 either side "
            "of 0") in said(result.stderr)


@pytest.mark.parametrize("name", ["mine\n", "hearing-no"])
def test_packs_new_refuses_a_name_it_could_not_use(reflect_home, name):
    """`reflect packs new` refuses a name ending in a new line (it made `mine\\n.toml`, an
    unreadable pack) and the id of a built-in pack (made, then always left out)."""
    result = runner.invoke(app, ["packs", "new", name])
    assert result.exit_code == 2
    assert not (reflect_home / "packs").exists()


# Where an export goes -----------------------------------------------------------------------

@pytest.mark.timeout(20)
def test_export_force_never_replaces_a_pipe(filled, tmp_path):
    """`--force` replaces a file, never a named pipe (nor, for root, a device such as
    /dev/null): one line, exit 2, and the pipe is still a pipe."""
    import stat

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    result = runner.invoke(app, ["export", "-o", str(pipe), "--force"])
    assert result.exit_code == 2
    assert f"{pipe} is a named pipe, not an ordinary file" in said(result.stderr)
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    device = runner.invoke(app, ["export", "-o", "/dev/null", "--force"])
    assert device.exit_code == 2
    assert "/dev/null is a device, not an ordinary file" in said(device.stderr)


def test_export_to_a_name_too_long_or_under_a_file_is_one_line(filled, tmp_path):
    """An output name too long for the disk, or a path through a file, is one line that says
    so (the first was a traceback, the second said the folder did not exist)."""
    long_name = runner.invoke(app, ["export", "-o", str(tmp_path / ("a" * 300))])
    assert long_name.exit_code == 1
    assert "File name too long" in said(long_name.stderr)
    a_file = tmp_path / "notes"
    a_file.write_text("x")
    under = runner.invoke(app, ["export", "-o", str(a_file / "out.md")])
    assert under.exit_code == 1
    assert f"the folder {a_file} is a file, not a folder" in said(under.stderr)
