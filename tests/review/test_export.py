"""Exports in four formats, and importing a JSON export back: round trip, idempotence,
and hostile files refused with the journal left byte for byte as it was."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
import uuid
from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reflect.cli import app
from reflect.review.export import md_escape

from conftest import days_ago

runner = CliRunner()


def invoke(*args: str, **kwargs):
    result = runner.invoke(app, list(args), catch_exceptions=False, **kwargs)
    assert "Traceback" not in result.output
    return result


def said(result) -> str:
    """What was said on standard error, as one line (rich wraps long messages)."""
    return " ".join(result.stderr.split())


# Markdown and text --------------------------------------------------------------------

def test_markdown_has_a_section_per_entry_with_questions_and_answers(filled):
    """The Markdown export has a section per reflection, with each question and its answer."""
    result = invoke("export")  # md is the default
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("# Reflections\n")
    assert "6 reflections," in out
    assert "whoever has this file can read them" in out
    sections = [line for line in out.splitlines() if line.startswith("## #")]
    assert [s.split(" ·")[0] for s in sections] == [f"## #{n}" for n in range(1, 7)]
    assert "**What were you hoping to feel? What need was under the ask?**" in out
    assert "- Closeness\n" in out
    assert "how strong: 7 -> 3 (out of 10)" in out


def test_markdown_can_be_limited_to_last_month(filled):
    """Filters work on export: here the reflections of the last two weeks."""
    out = invoke("export", "--since", "2w").stdout
    assert [line.split(" ·")[0] for line in out.splitlines() if line.startswith("## #")] == [
        "## #4", "## #5", "## #6"]
    assert "3 reflections," in out


@pytest.mark.parametrize(("typed", "escaped"), [
    ("[bold]no[/]", r"\[bold\]no\[/\]"),
    ("*really* _that_", r"\*really\* \_that\_"),
    ("# not a heading", r"\# not a heading"),
    ("- not a list", r"\- not a list"),
    ("1. not a list", r"1\. not a list"),
    ("<script>x</script>", r"\<script\>x\</script\>"),
    ("a\x1b[31mb", "a\\[31mb"),
    ("line one\nline two", "line one  \nline two"),
    ("  + indented", "  \\+ indented"),
    ("12) numbered", "12\\) numbered"),
    ("a\n\n# b\n", "a\n\n\\# b"),
    ("x  \n  1. y  \n", "x  \n  1\\. y"),
    ("", ""),
    ("a\u2028=b", "a  \n\\=b"),
    ("\n\nfirst\n\n\nlast\n\n", "first\n\n\nlast"),
    ("&amp; | \\ `", "\\&amp; \\| \\\\ \\`"),
])
def test_markdown_keeps_a_persons_words_as_words(typed, escaped):
    """In Markdown a person's words stay words: nothing they typed turns into formatting."""
    assert md_escape(typed) == escaped


def test_plain_text_export_wraps_long_answers_at_words(journal_file, shipped_packs):
    """In the text export a long answer wraps at spaces within 78 columns, indented under
    its question, and no word is broken or lost."""
    from reflect.journal.entry import new_id
    from reflect.journal.store import Journal

    words = ("We sat on the couch after a long day and I asked whether they wanted to "
             "fool around, and they said not tonight, an early start tomorrow, maybe "
             "another time, and kissed my forehead.")
    Journal(journal_file).add(shipped_packs["hearing-no"], {"what_happened": words},
                              new_id(), days_ago(1))
    out = invoke("export", "--format", "txt").stdout
    lines = out.split("What happened? A few lines, just the facts.\n", 1)[1].split("\n")
    answer = lines[:lines.index("")]
    assert len(answer) == 3
    assert all(len(line) <= 78 and line.startswith("  ") for line in answer)
    assert " ".join(line.strip() for line in answer) == words


def test_plain_text_export_reads_without_markup(filled):
    """The plain text export reads cleanly, with no markup."""
    out = invoke("export", "--format", "txt").stdout
    assert out.startswith("REFLECTIONS\n")
    assert "#3  Wanted to cuddle after a long day" in out
    assert "  - A hug (with them, if they want to)" in out
    assert "**" not in out


# CSV ----------------------------------------------------------------------------------

def csv_table(*options: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(invoke("export", "--format", "csv",
                                                  *options).stdout)))


def test_csv_is_one_row_per_entry_with_every_answer_in_a_column(filled, shipped_packs):
    """One row per reflection; number, date and pack, then a column per step id holding the
    words the person chose, then the id."""
    out = invoke("export", "--format", "csv").stdout
    header = next(csv.reader(io.StringIO(out)))
    full = [step.id for step in shipped_packs["hearing-no"].steps]
    assert header == ["number", "date", "pack", *full, "id"]
    table = csv_table()
    assert [row["number"] for row in table] == ["1", "2", "3", "4", "5", "6"]
    first = table[0]
    assert first["what_happened"] == "We were on the couch and I asked."
    assert first["moment"] == "A partner said no to sex or something sexual"
    assert first["emotions"] == "Hurt; Embarrassed"
    assert first["intensity"] == "7"
    assert first["intensity_now"] == "3"
    assert first["thinking_trap"] == "Taking it personally"
    assert first["not_about_me"] == "They were tired; I don't know, and that's okay"
    assert first["alternatives"] == "Sit together for a while; Hold hands"
    assert first["their_side"] == "Rest, probably."
    assert first["responded"] == "I respected it right away"
    assert first["reframe"] == "They trusted me with an honest answer"
    assert first["remember"] == "One moment, not a verdict."
    assert first["next_time"] == ""
    assert table[5]["next_time"] == "Say goodnight kindly and let it rest."
    assert table[3]["pack"] == "hearing-no-quick"
    assert table[3]["intensity_now"] == ""
    assert table[3]["moment"] == ""
    assert all(uuid.UUID(row["id"]) for row in table)
    assert datetime.fromisoformat(first["date"])


def test_csv_columns_follow_every_pack_exported(filled, shipped_packs):
    """Every pack exported adds its steps, in its order, each step id once."""
    from reflect.journal.entry import new_id

    filled.add(shipped_packs["preparing-to-ask"], {"hoping": "A quiet evening together."},
               new_id(), days_ago(0, hour=23))
    header = next(csv.reader(io.StringIO(invoke("export", "--format", "csv").stdout)))
    assert len(header) == len(set(header))
    before = {step.id for step in shipped_packs["hearing-no"].steps}
    preparing = [step.id for step in shipped_packs["preparing-to-ask"].steps
                 if step.id not in before]  # "need" is shared: one column
    assert header[-1 - len(preparing):-1] == preparing  # after the packs exported before it
    [prepared] = [row for row in csv_table() if row["pack"] == "preparing-to-ask"]
    assert prepared["hoping"] == "A quiet evening together."


def test_csv_cells_never_run_as_spreadsheet_formulas(journal_file, shipped_packs):
    """Every cell that a spreadsheet could run (= + - @, a tab, even after spaces) gets a '."""
    from reflect.journal.entry import new_id
    from reflect.journal.store import Journal

    journal = Journal(journal_file)
    journal.add(shipped_packs["hearing-no-quick"], {
        "what_happened": "=HYPERLINK(\"http://example.invalid\")", "intensity": 3,
        "emotions": ["@SUM(1+1)", "-2+3"], "need": ["  =cmd|' /C calc'!A0"],
        "reframe": "+1 and more"}, new_id(), "2026-11-01T10:00:00+00:00")
    journal.add(shipped_packs["hearing-no"], {
        "what_happened": "\t=1+1", "story": "- a list, and fine", "remember": "plain"},
        new_id(), "2026-11-02T10:00:00+00:00")
    first, second = csv_table()
    assert first["what_happened"].startswith("'=HYPERLINK")
    assert first["emotions"] == "'@SUM(1+1); -2+3"
    assert first["need"] == "'  =cmd|' /C calc'!A0"
    assert first["reframe"] == "'+1 and more"
    assert first["intensity"] == "3"
    assert second["what_happened"].startswith("'")
    assert second["story"] == "'- a list, and fine"
    assert second["remember"] == "plain"
    for row in (first, second):
        for column, cell in row.items():
            assert cell.lstrip(" ")[:1] not in ("=", "+", "-", "@", "\t"), (column, cell)


# The format from the file's name ------------------------------------------------------

@pytest.mark.parametrize(("name", "starts"), [
    ("notes.csv", "number,date,pack,"),
    ("notes.md", "# Reflections"),
    ("notes.MARKDOWN", "# Reflections"),
    ("notes.json", "{"),
    ("notes.html", "<!DOCTYPE html>"),
    ("notes.txt", "REFLECTIONS"),
    ("notes", "# Reflections"),
    ("notes.bak", "# Reflections"),
])
def test_export_takes_its_format_from_the_files_ending(filled, tmp_path, name, starts):
    """Without --format, `-o notes.csv` writes CSV, .json JSON... and any other name Markdown."""
    target = tmp_path / name
    result = invoke("export", "-o", str(target))
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith(starts)


def test_format_given_wins_over_a_name_with_no_known_ending(filled, tmp_path):
    """--format decides for a name whose ending says nothing, like `backup`."""
    target = tmp_path / "backup"
    assert invoke("export", "--format", "json", "-o", str(target)).exit_code == 0
    assert json.loads(target.read_text())["format"] == "reflect-export"
    same = tmp_path / "same.csv"
    assert invoke("export", "--format", "csv", "-o", str(same)).exit_code == 0


def test_a_format_the_files_ending_contradicts_is_refused(filled, tmp_path):
    """`--format csv -o notes.md` is an error (exit 2) that names both, and writes nothing."""
    target = tmp_path / "notes.md"
    result = invoke("export", "--format", "csv", "-o", str(target))
    assert result.exit_code == 2
    assert "--format csv writes CSV, but the name notes.md ends in .md, which is Markdown" in (
        said(result))
    assert "Nothing was written." in said(result)
    assert not target.exists()


def test_writing_a_file_says_where_and_how_many(filled, tmp_path):
    """A written export names the file, the count and the format."""
    target = tmp_path / "notes.csv"
    result = invoke("export", "--since", "7d", "-o", str(target))
    assert f"Wrote 2 reflections to {target} (CSV)." in said(result)
    assert "not encrypted" in said(result)


def test_no_match_with_output_says_so_exits_1_and_writes_nothing(filled, tmp_path):
    """Filters that match nothing: the filters named, exit 1, no file made."""
    target = tmp_path / "notes.md"
    result = invoke("export", "--kind", "asked-out", "--since", "7d", "-o", str(target))
    assert result.exit_code == 1
    assert ("No reflections match --since 7d --kind asked-out, out of 6 in your journal, so "
            f"nothing was written to {target}.") in said(result)
    assert not target.exists()
    piped = invoke("export", "--kind", "asked-out", "--since", "7d")
    assert piped.exit_code == 1
    assert piped.stdout == ""


# Files --------------------------------------------------------------------------------

def test_an_export_file_is_private_and_whole(filled, tmp_path):
    """An export written to a file is private, complete, and not also shown on screen."""
    target = tmp_path / "notes.md"
    result = invoke("export", "-o", str(target))
    assert result.exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text().startswith("# Reflections")
    assert result.stdout == ""  # the export went to the file, not the screen
    assert not list(tmp_path.glob(".notes.md.*"))


def test_an_existing_file_is_kept_unless_force(filled, tmp_path):
    """Export keeps a file that is already there unless --force is given."""
    target = tmp_path / "notes.md"
    target.write_text("my other notes")
    result = invoke("export", "-o", str(target))
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert "--force" in result.stderr
    assert target.read_text() == "my other notes"
    assert invoke("export", "-o", str(target), "--force").exit_code == 0
    assert target.read_text().startswith("# Reflections")


def test_export_never_writes_over_the_journal(filled, journal_file):
    """Export refuses to write over the journal itself, even with --force."""
    before = journal_file.read_bytes()
    result = invoke("export", "-o", str(journal_file), "--force")
    assert result.exit_code == 2
    assert "is your journal itself" in result.stderr
    assert journal_file.read_bytes() == before


def test_export_into_a_missing_folder_is_a_clear_error(filled, tmp_path):
    """Exporting into a folder that does not exist is a clear one-line error."""
    result = invoke("export", "-o", str(tmp_path / "nowhere" / "notes.md"))
    assert result.exit_code == 1
    assert "does not exist" in result.stderr


def test_an_unknown_format_lists_the_ones_there_are(filled):
    """An unknown export format exits 2 and names the formats there are."""
    result = invoke("export", "--format", "pdf")
    assert result.exit_code == 2
    for name in ("md", "json", "csv", "txt"):
        assert name in result.output


# JSON round trip ----------------------------------------------------------------------

def export_json(tmp_path: Path, *options: str) -> Path:
    target = tmp_path / "export.json"
    assert invoke("export", "--format", "json", "-o", str(target), "--force",
                  *options).exit_code == 0
    return target


@pytest.mark.parametrize("answers", [
    {"story": "plain words", "need": ["closeness", "rest"], "intensity": 7},
    {"story": "a\x1b[31mred\x00 and a \\ backslash \\r", "empty": [], "nothing": None},
    {"story": "… beyond ASCII \u202egnirts\x85", "yes": True, "no": False, "half": 2.5},
    {"story": "tab\tand\nnew line\r\n", "deep": [["nested", "\x07"], {"k": "v\x7f"}]},
    {"odd": ("a", "tuple\x01"), "ok": "fine"},
])
def test_json_export_writes_each_entry_as_json_dumps_would(answers):
    """Every entry is one line, exactly as json.dumps writes it, with control characters
    taken out of every string (and only there: never out of a key)."""
    from reflect.journal.entry import Entry
    from reflect.review.export import json_export

    entry = Entry(id="00000001-0000-4000-8000-000000000000", number=1,
                  created="2026-11-01T10:00:00+00:00", updated="2026-11-01T10:00:00+00:00",
                  pack_id="hearing-no", pack_version=1, answers=answers,
                  derived={"title": "Title\u2026", "needs": ["closeness"]},
                  followups={"walk": {"outcome": "helped", "at": "2026-11-02T10:00:00+00:00"}})

    def clean(value):
        if isinstance(value, str):
            return value.translate({c: None for c in [*range(0, 9), *range(11, 32),
                                                      *range(0x7F, 0xA0), *range(0x202A, 0x202F),
                                                      *range(0x2066, 0x206A)]})
        if isinstance(value, list):
            return [clean(item) for item in value]
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items()}
        return value

    record = json.dumps(clean(entry.to_record()), ensure_ascii=False)
    written = "".join(json_export([entry, entry], "2026-11-03T10:00:00+00:00"))
    assert written.split('"entries": [\n', 1)[1] == (
        f"    {record},\n    {record}\n  ]\n}}\n")


def test_a_journal_edited_by_hand_exports_without_control_characters(filled, tmp_path,
                                                                      journal_file):
    """A stored entry holding characters a save would have taken out (an escape code, a
    C1 control, a bidirectional override, DEL) is exported without them; the others are
    exported as they are."""
    raw = journal_file.read_bytes()
    hostile = '\\u001b[2Jred \u0085 \u202eflipped \x7f end'.encode()
    edited = raw.replace(b'"what_happened": "', b'"what_happened": "' + hostile, 1)
    assert edited != raw
    journal_file.write_bytes(edited)
    data = json.loads(export_json(tmp_path).read_text(encoding="utf-8"))
    first = data["entries"][0]["answers"]["what_happened"]
    assert first.startswith("[2Jred  flipped  end")
    written = export_json(tmp_path).read_text(encoding="utf-8")
    for unwanted in ("\x1b", "\\u001b", "\x85", "\u202e", "\x7f"):
        assert unwanted not in written
    from reflect.journal.store import Journal

    stored = [e.to_record() for e in Journal(journal_file).entries()][1:]
    assert data["entries"][1:] == stored


@pytest.mark.parametrize(("stored", "shown"), [
    ("\\u001b", "\x1b"), ("\\b", "\b"), ("\\f", "\f"), ("\\r", "\r"), ("\\u0001", "\x01"),
    ("\\u007f", "\x7f"), ("\u0085", "\x85"), ("\u202e", "\u202e"), ("\u2066", "\u2066"),
    ("\\u009b", "\x9b")])
def test_each_kind_of_control_character_alone_is_left_out_of_a_json_export(
        filled, tmp_path, journal_file, stored, shown):
    """One control character of any kind, alone in a hand-edited answer, is left out of
    the JSON export (whether JSON writes it as an escape or as it is)."""
    raw = journal_file.read_bytes()
    edited = raw.replace(b'"what_happened": "', b'"what_happened": "a' + stored.encode()
                         + b'b', 1)
    assert edited != raw
    journal_file.write_bytes(edited)
    data = json.loads(export_json(tmp_path).read_text(encoding="utf-8"))
    answer = data["entries"][0]["answers"]["what_happened"]
    assert answer.startswith("ab")
    assert shown not in json.dumps(data, ensure_ascii=False)


def test_json_export_imports_into_another_journal_as_equal_entries(filled, tmp_path):
    """A JSON export imports into another journal as the very same reflections."""
    exported = export_json(tmp_path)
    data = json.loads(exported.read_text())
    assert data["format"] == "reflect-export"
    assert data["schema"] == 1
    assert data["count"] == 6
    other = tmp_path / "other" / "journal.json"
    result = invoke("--journal", str(other), "import", str(exported))
    assert result.exit_code == 0
    assert "Added 6 reflections (#1-#6)." in result.stdout
    from reflect.journal.store import Journal

    original = {e.id: e for e in filled.entries()}
    copied = {e.id: e for e in Journal(other).entries()}
    assert copied == original  # ids, numbers, dates, pack, answers and derived fields


def test_importing_twice_adds_nothing(filled, tmp_path, journal_file):
    """Importing the same file twice adds nothing and says how many were already there."""
    exported = export_json(tmp_path)
    before = journal_file.read_bytes()
    result = invoke("import", str(exported))
    assert result.exit_code == 0
    assert "Added nothing new." in result.stdout
    assert "Skipped 6 already in your journal." in result.stdout
    assert journal_file.read_bytes() == before


def test_imported_entries_take_the_next_numbers_in_date_order(filled, tmp_path):
    """Imported reflections take the next free numbers, in date order."""
    exported = export_json(tmp_path, "--since", "2w")
    other = tmp_path / "other.json"
    assert invoke("--journal", str(other), "import", str(exported)).exit_code == 0
    assert invoke("--journal", str(other), "import", str(export_json(
        tmp_path, "--until", "5w"))).stdout.startswith("Added 2 reflections (#4-#5).")
    listed = json.loads(invoke("--journal", str(other), "list", "--json").stdout)
    assert sorted((item["number"], item["title"][:10]) for item in listed) == [
        (1, "Texted to "), (2, "A match st"), (3, "Late at ni"), (4, "We were on"),
        (5, "Asked Sam ")]


# Hostile imports ----------------------------------------------------------------------

def good_entry(**changes):
    entry = {
        "id": str(uuid.uuid4()), "number": 1, "created": "2026-11-01T21:00:00+01:00",
        "updated": "2026-11-01T21:10:00+01:00", "pack": {"id": "hearing-no", "version": 1},
        "answers": {"what_happened": "A no.", "intensity": 5}, "derived": {"title": "A no."},
    }
    entry.update(changes)
    return entry


def export_of(*entries, **top):
    return {"format": "reflect-export", "schema": 1, "exported": "2026-11-02T10:00:00+00:00",
            "count": len(entries), "entries": list(entries), **top}


HOSTILE = {
    "not JSON": (b"{this is not json", "not valid JSON"),
    "not UTF-8": (b"\xff\xfe{}", "not UTF-8"),
    "a journal, not an export": (b'{"entries": {}, "meta": {}}', "not a reflect JSON export"),
    "a list": (b"[]", "not a reflect JSON export"),
    "newer schema": (export_of(schema=99), "made by a newer reflect"),
    "schema as text": (export_of(schema="1"), "schema version is missing"),
    "extra top-level field": (export_of(script="rm -rf"), "fields an export never has"),
    "entries not a list": ({**export_of(), "entries": {}}, "'entries' is not a list"),
    "number as text": (export_of(good_entry(number="1")), "entry 1: 'number'"),
    "id not a uuid": (export_of(good_entry(id="../../etc/passwd")), "'id' is not a uuid"),
    "date not a date": (export_of(good_entry(created="yesterday")), "'created' is not a date"),
    "markup as pack name": (export_of(good_entry(pack={"id": "[red]x[/red]", "version": 1})),
                            "'pack.id' is not a pack name"),
    "unknown entry field": (export_of(good_entry(admin=True)), "unknown field 'admin'"),
    "answer of wrong type": (export_of(good_entry(answers={"story": {"a": 1}})),
                             "'answers.story' is not words"),
    "huge answer": (export_of(good_entry(answers={"story": "x" * 50_001})),
                    "more than 50000"),
    "escape codes": (export_of(good_entry(answers={"story": "hi\x1b[2J"})),
                     "'answers.story' holds terminal control characters"),
    "bidi override": (export_of(good_entry(answers={"story": "\u202eevil"})),
                      "terminal control characters"),
    "strange step name": (export_of(good_entry(answers={"Bad Key!": "x"})),
                          "is not a step name"),
    "long list": (export_of(good_entry(answers={"need": ["x"] * 101})), "101 items"),
    "unknown derived field": (export_of(good_entry(derived={"owner": "x"})),
                              "'derived.owner' is not a derived field"),
    "same id twice": (export_of(good_entry(id="0b0e2b2a-6c1c-4f1e-9d64-3f7c1c9a6a11"),
                                good_entry(id="0b0e2b2a-6c1c-4f1e-9d64-3f7c1c9a6a11")),
                      "appears twice in the file"),
    "duplicate key": (b'{"format": "reflect-export", "format": "x"}', "appears twice"),
    "deep nesting": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "second entry bad": (export_of(good_entry(), good_entry(number=-3)), "entry 2:"),
    "year 9999": (export_of(good_entry(created="9999-12-31T23:00:00+00:00")),
                  "entry 1: 'created' is in the year 9999, outside 1900 to 9998"),
    "year 1": (export_of(good_entry(updated="0001-01-01T00:00:00")),
               "'updated' is in the year 1"),
    "follow-up in year 9999": (export_of(good_entry(followups={"ask": {
        "outcome": "helped", "at": "9999-06-01T10:00:00"}})), "'followups.at' is in the year"),
    "rating as yes": (export_of(good_entry(answers={"what_happened": "A no.",
                                                    "intensity": True})),
                      "entry 1: 'answers.intensity' is not a scale answer (true)"),
    "derived rating as yes": (export_of(good_entry(derived={"title": "A no.",
                                                            "intensity_before": True})),
                              "'derived.intensity_before' is not a whole number"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_import_is_refused_and_the_journal_is_unchanged(case, filled, journal_file,
                                                                   tmp_path):
    """A broken or hostile import file is refused with the reason, and the journal is unchanged."""
    content, reason = HOSTILE[case]
    bad = tmp_path / "bad.json"
    bad.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    before = journal_file.read_bytes()
    result = invoke("import", str(bad))
    assert result.exit_code == 1, result.output
    assert f"Cannot import {bad}" in said(result)
    assert reason in said(result)
    assert "Nothing was imported; your journal is unchanged." in said(result)
    assert journal_file.read_bytes() == before


def test_markup_in_imported_words_stays_words(journal_file, tmp_path):
    """Markup is a person's own characters: imported as they are, shown literally."""
    file = tmp_path / "in.json"
    file.write_text(json.dumps(export_of(good_entry(answers={
        "what_happened": "[bold]not bold[/bold] [link=http://x]y[/link]", "intensity": 5}))))
    assert invoke("import", str(file)).exit_code == 0
    out = invoke("show", "1").stdout
    assert "[bold]not bold[/bold] [link=http://x]y[/link]" in out


def test_an_oversized_file_is_refused_before_it_is_read(filled, tmp_path, monkeypatch):
    """An import file that is too large is refused before it is read."""
    from reflect.review import export

    monkeypatch.setattr(export, "MAX_IMPORT_BYTES", 100)
    big = tmp_path / "big.json"
    big.write_text(json.dumps(export_of(good_entry())))
    result = invoke("import", str(big))
    assert result.exit_code == 1
    assert "larger than" in result.stderr


@pytest.mark.parametrize("where", ["missing.json", "."])
def test_importing_no_file_or_a_folder_is_a_clear_error(where, tmp_path, monkeypatch):
    """Importing a missing file or a folder is a clear error and creates nothing."""
    monkeypatch.chdir(tmp_path)
    result = invoke("import", where)
    assert result.exit_code in (1, 2)
    assert str(where) in result.stderr
    assert not (tmp_path / "reflect-home").exists()


@pytest.mark.timeout(60)
@pytest.mark.skipif(not hasattr(os, "openpty"), reason="no terminals here")
def test_an_export_piped_from_a_terminal_warns_that_the_copy_is_not_encrypted(filled):
    """`reflect export > notes.md` typed in a terminal: the whole export goes to the file,
    and the terminal gets a word that the copy is readable and `--output` is private.
    Where standard error is no terminal either (a script), nothing is said."""
    controller, terminal = os.openpty()
    try:
        try:
            done = subprocess.run([sys.executable, "-m", "reflect", "export"],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=terminal, timeout=30, check=False)
        finally:
            os.close(terminal)
        said = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal's other end is closed and all of it read
                break
            if not chunk:
                break
            said += chunk
    finally:
        os.close(controller)
    assert done.returncode == 0
    assert done.stdout.decode("utf-8").count("\n## ") == len(filled.entries())
    words = " ".join(said.decode("utf-8", "replace").split())
    assert "The export went to standard output" in words
    assert "not encrypted" in words
    assert "--output FILE" in words
    piped = subprocess.run([sys.executable, "-m", "reflect", "export"],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=30,
                           check=False)
    assert piped.returncode == 0
    assert piped.stderr == b""


def test_every_day_is_named_in_english_as_strftime_names_it():
    """The long dates of an export (and of `show`) name the day and month; reflect sets no
    locale, so they read as strftime's do, from the first day of 1970 to the end of 2100."""
    from datetime import timedelta

    from reflect.review.entry_text import long_date

    day = date(1970, 1, 1)
    while day.year <= 2100:
        moment = datetime(day.year, day.month, day.day, 21, 4)
        assert long_date(moment.isoformat()) == moment.strftime("%A %-d %B %Y, %H:%M")
        day += timedelta(days=1)
    assert long_date("2026-11-02T21:14:00+00:00") == "Monday 2 November 2026, 21:14"
