"""Reading the journal again through the command line: list, show, search, delete, edit,
and an empty journal. Each runs on the `filled` fixture journal (six reflections over
two months) and checks what a person would see."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reflect.cli import app
from reflect.journal.store import Journal
from reflect.review.filters import find

from conftest import HOSTILE_TEXT, QUICK_ANSWERS, journal_data, write_journal_data

runner = CliRunner()


def invoke(*args: str, **kwargs):
    result = runner.invoke(app, list(args), catch_exceptions=False, **kwargs)
    assert "Traceback" not in result.output
    return result


def rows(output: str) -> list[int]:
    """The reflection numbers a `list` table shows, top to bottom."""
    return [int(m.group(1)) for m in re.finditer(r"^\s*(\d+)\s{2}", output, re.M)]


def assert_shown_as_data(output: str) -> None:
    """Markup printed literally; no escape sequence, OSC or bidi override let through."""
    assert "[bold red]loud[/]" in output
    for forbidden in ("\x1b", "\x07", "\u202e"):
        assert forbidden not in output


# list ---------------------------------------------------------------------------------

def test_list_shows_the_newest_first_with_need_strength_and_when(filled):
    """`list` shows the newest first, with when, the moment, the need, the strength, the story."""
    result = invoke("list")
    assert result.exit_code == 0
    assert rows(result.stdout) == [6, 5, 4, 3, 2, 1]
    lines = {int(line.split()[0]): line for line in result.stdout.splitlines()
             if line.split() and line.split()[0].isdigit()}
    assert "today" in lines[6]
    assert "3 days ago" in lines[5]
    assert "7 -> 3" in lines[1]
    assert "Closeness" in lines[1]
    assert "asked out" in lines[2]
    assert "Feeling wanted" in lines[2]
    assert "8 -> 5" in lines[2]
    assert "Wanted to cuddle after a long day" in lines[3]
    for heading in ("When", "Moment", "Need", "Strength", "What happened"):
        assert heading in result.stdout


def test_list_shows_the_last_twenty_unless_asked(filled, shipped_packs):
    """`list` shows the last twenty and says how many are older; --all and -n change that."""
    from reflect.journal.entry import new_id

    for day in range(20):
        filled.add(shipped_packs["hearing-no-quick"],
                   {"what_happened": f"Extra {day}", "intensity": 3, "need": ["rest"],
                    "reframe": "one-moment"}, new_id(), f"2026-01-{day + 1:02d}T10:00:00+00:00")
    assert len(rows(invoke("list").stdout)) == 20
    assert "6 older not shown" in invoke("list").stdout
    assert len(rows(invoke("list", "--all").stdout)) == 26
    assert rows(invoke("list", "-n", "2").stdout) == [6, 5]


@pytest.mark.parametrize(("options", "expected"), [
    (["--since", "7d"], [6, 5]),
    (["--since", "2w", "--until", "5d"], [4]),
    (["--need", "closeness"], [6, 1]),
    (["--need", "affection", "--need", "connection"], [5, 3]),
    (["--emotion", "lonely"], [3]),
    (["--kind", "asked-out"], [2]),
    (["--pack", "hearing-no-quick"], [4]),
])
def test_list_filters(filled, options, expected):
    """`list` shows only reflections that match the date, need, feeling, kind or pack asked for."""
    assert rows(invoke("list", *options).stdout) == expected


def test_list_says_so_when_nothing_matches(filled):
    """No match names the filters used and how many reflections there are."""
    result = invoke("list", "--need", "fun")
    assert result.exit_code == 0
    assert "No reflections match --need fun, out of 6 in your journal." in result.stdout


def test_no_match_with_all_never_suggests_all(filled):
    """`list --all --since 2027` names --since 2027 and does not offer `reflect list --all`."""
    result = invoke("list", "--all", "--since", "2027")
    assert result.exit_code == 0
    assert "--since 2027" in result.stdout
    assert "list --all" not in result.stdout


@pytest.mark.parametrize(("option", "value", "noun", "some"), [
    ("--kind", "partner-declined", "moment", "asked-out"),
    ("--need", "patience", "need", "feeling-wanted"),
    ("--emotion", "glum", "feeling", "lonely"),
    ("--pack", "after-a-date", "pack", "hearing-no-quick"),
])
def test_a_filter_value_nothing_could_match_names_the_ones_there_are(filled, option, value,
                                                                     noun, some):
    """A need, feeling, moment or pack no pack offers is refused (exit 2), listing them."""
    for command in (["list"], ["search", "tired"], ["stats"], ["export"]):
        result = invoke(*command, option, value)
        assert result.exit_code == 2, command
        message = " ".join(result.stderr.split())
        assert f"There is no {noun} called '{value}'; {noun}s are: " in message
        assert some in message


def test_filter_values_may_be_labels_or_a_persons_own_words(filled, shipped_packs):
    """The words a person picked or wrote themselves are values the filters take."""
    from reflect.journal.entry import new_id

    filled.add(shipped_packs["hearing-no-quick"], {
        "what_happened": "x", "emotions": ["wistful"], "intensity": 3, "need": ["quiet"],
        "reframe": "one-moment"}, new_id(), "2026-01-01T10:00:00+00:00")
    assert rows(invoke("list", "--emotion", "wistful").stdout) == [7]
    assert rows(invoke("list", "--need", "quiet").stdout) == [7]
    assert rows(invoke("list", "--kind", "I asked someone out and they said no").stdout) == [2]
    assert invoke("list", "--need", "rest").exit_code == 0


def test_kind_help_gives_an_example_that_exists(shipped_packs):
    """The example in `--kind`'s help is a moment the default pack offers."""
    help_text = " ".join(invoke("list", "--help").stdout.split())
    example = re.search(r"this kind of moment, e\.g\. ([a-z-]+)", help_text)
    assert example is not None
    moments = {c.value for c in shipped_packs["hearing-no"].step("moment").choices}
    assert example.group(1) in moments


def test_a_date_that_cannot_be_read_exits_2_with_examples(filled):
    """A date `list` cannot read exits 2 with examples of dates it can."""
    result = invoke("list", "--since", "the other day")
    assert result.exit_code == 2
    assert "Cannot read the date 'the other day'" in result.stderr
    assert "7d" in result.stderr


def test_list_json_has_the_documented_shape(filled):
    """`list --json` gives the documented fields, with no raw control codes."""
    result = invoke("list", "--json", "--since", "7d")
    data = json.loads(result.stdout)
    assert [item["number"] for item in data] == [6, 5]
    assert set(data[0]) == {"id", "number", "created", "updated", "pack", "title", "kind",
                            "needs", "emotions", "intensity_before", "intensity_after"}
    assert data[0]["needs"] == ["closeness", "release"]
    assert data[1]["kind"] == "date-ended"
    assert data[1]["intensity_before"] == 4
    assert data[1]["intensity_after"] == 2
    assert "\x1b" not in result.stdout  # JSON escapes it: nothing raw reaches a terminal


def at_width(monkeypatch, columns: int) -> None:
    """Later output is laid out for a screen this many columns wide."""
    from reflect.terminal import render

    monkeypatch.setenv("COLUMNS", str(columns))
    render.console.cache_clear()


@pytest.mark.parametrize("columns", [40, 50, 60, 80, 100, 140])
def test_list_lays_out_for_the_width_it_has(filled, monkeypatch, columns):
    """At every width each line fits, "What happened" keeps at least 16 cells (other
    columns make way), and a cut ends in an ellipsis."""
    at_width(monkeypatch, columns)
    out = invoke("list").stdout
    lines = out.splitlines()
    assert all(len(line) <= columns for line in lines)
    head = lines[0]
    assert "What happened" in head
    start = head.index("What happened")
    words = {int(line.split()[0]): line[start:] for line in lines[1:]}
    assert words[3].startswith("Wanted to cudd")
    assert len(words[3]) >= 16
    assert words[3].endswith("…")  # the words are longer than any of these screens
    assert ("Moment" in head) == (columns >= 100)
    if columns >= 60:
        assert "Need" in head


def test_list_at_50_columns_keeps_the_strength_and_enough_words(filled, monkeypatch):
    """At 50 columns the need gives way; the strength and the words stay, cut with "…"."""
    at_width(monkeypatch, 50)
    out = invoke("list").stdout
    assert out.splitlines()[0].split() == ["#", "When", "Strength", "What", "happened"]
    assert re.search(r"6 -> 4   Wanted to cuddle af\w*…$", out, re.M)


def test_list_gives_the_year_of_a_date_from_another_year(filled, shipped_packs):
    """An entry from last year reads with its year; this year's without."""
    from datetime import date

    from reflect.journal.entry import new_id

    year = date.today().year - 1
    filled.add(shipped_packs["hearing-no-quick"], QUICK_ANSWERS, new_id(),
               f"{year}-03-02T10:00:00+00:00")
    lines = {line.split()[0]: line for line in invoke("list").stdout.splitlines()[1:]}
    assert f"2 Mar {year}" in lines["7"]
    assert str(date.today().year) not in lines["2"]


def test_list_marks_a_preparation(filled, shipped_packs):
    """A preparation (`reflect prepare`) reads as one in the list, not as a reflection."""
    from reflect.journal.entry import new_id

    filled.add(shipped_packs["preparing-to-ask"], {"hoping": "A quiet evening together."},
               new_id(), "2026-01-01T10:00:00+00:00")
    lines = {line.split()[0]: line for line in invoke("list").stdout.splitlines()[1:]}
    assert "Preparing to ask: A quiet evening" in lines["7"]
    assert "Preparing to ask" not in lines["6"]


def test_wrapped_lines_of_a_search_keep_their_indent(filled, monkeypatch):
    """At 50 columns a wrapped title stays under itself, and questions and snippets under
    the title: no line of a hit starts at the left edge but its first."""
    at_width(monkeypatch, 50)
    out = invoke("search", "the").stdout
    blocks = out.split("\n\n")
    assert len(blocks) > 2
    for block in blocks[:-1]:
        first, *rest = block.splitlines()
        assert first.startswith("#")
        assert rest
        assert all(line.startswith("    ") for line in rest), block
    assert any(line.startswith(" " * 10) and line.strip()
               for line in blocks[0].splitlines()[1:2])  # the title, wrapped under itself


def test_list_output_is_plain_when_piped(filled):
    """Without a terminal there is no colour code and no pager, just the table."""
    result = invoke("list")
    assert "\x1b[" not in result.stdout


# show ---------------------------------------------------------------------------------

def test_show_lays_out_every_answer_under_its_question(filled):
    """`show` lays out every answer under its question, in the order they were asked."""
    result = invoke("show", "3")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("#3  Wanted to cuddle after a long day")
    order = ["What happened? A few lines", "What kind of moment was it?",
             "What are you feeling", "How strong is the feeling right now?",
             "What were you hoping to feel?", "How strong is the feeling now?"]
    positions = [out.index(question) for question in order]
    assert positions == sorted(positions)
    assert "A partner said no to a hug, a cuddle or time close" in out
    assert "• Lonely" in out
    assert "• Sad" in out
    assert "6 out of 10" in out
    assert "how strong: 6 -> 4" in out
    assert "A hug (with them, if they want to)" in out


def test_show_finds_an_entry_by_the_start_of_its_id(filled):
    """`show` finds a reflection by the first characters of its id."""
    entry = filled.entries()[1]
    assert invoke("show", entry.id[:8]).stdout.startswith("#2  Asked Sam to dinner")


def test_show_an_unknown_number_is_an_error(filled):
    """`show` with a number no reflection has says so and exits 1."""
    result = invoke("show", "99")
    assert result.exit_code == 1
    assert "There is no reflection #99" in result.stderr


def test_show_json_is_the_whole_entry(filled):
    """`show --json` gives the whole reflection: answers, pack and what was drawn from them."""
    data = json.loads(invoke("show", "6", "--json").stdout)
    assert data["number"] == 6
    assert data["answers"]["next_time"] == "Say goodnight kindly and let it rest."
    assert data["pack"] == {"id": "hearing-no", "version": 2}
    assert data["derived"]["needs"] == ["closeness", "release"]


def test_show_json_escapes_what_is_not_ascii_and_reads_back_as_stored(journal_file,
                                                                     shipped_packs):
    """`show --json` writes every byte as ASCII, indented by two, and reads back as the
    reflection is stored."""
    from reflect.journal.entry import new_id

    words = "Caf\u00e9 \u2014 \U0001f600 " + HOSTILE_TEXT
    Journal(journal_file).add(shipped_packs["hearing-no-quick"], {"what_happened": words},
                              new_id(), "2026-11-01T10:00:00+00:00")
    out = invoke("show", "1", "--json").stdout
    assert out.isascii()
    assert out.startswith('{\n  "id": ')
    [stored] = Journal(journal_file).entries()
    assert json.loads(out) == stored.to_record()
    assert "Caf\u00e9" in stored.answers["what_happened"]


# search -------------------------------------------------------------------------------

def test_search_shows_each_hit_with_its_question_and_snippet(filled):
    """`search` shows each match with its reflection, its question and a snippet, then a count."""
    result = invoke("search", "Early", "START")
    assert result.exit_code == 0
    out = result.stdout
    assert "#3" in out
    assert "What happened? A few lines" in out
    assert "my partner had an early start" in out
    assert "Found Early START in 1 answer of 1 reflection." in out


def test_search_finds_words_of_choices_and_respects_filters(filled):
    """Words of a choice are found; filters narrow the search and are named when they hide
    every hit."""
    assert "#1" in invoke("search", "hold hands").stdout
    said = " ".join(invoke("search", "hold hands", "--since", "7d").stdout.split())
    assert ("No reflection that matches --since 7d mentions hold hands; 1 reflection does "
            "without those filters.") in said


def test_a_search_the_filters_empty_never_says_nothing_mentions_the_words(filled):
    """`search WORDS --emotion X` with no hit says the filters left the hits out."""
    result = invoke("search", "early", "start", "--emotion", "confused")
    said = " ".join(result.stdout.split())
    assert result.exit_code == 0
    assert "No reflection mentions" not in said
    assert "--emotion confused" in said
    assert "1 reflection does without those filters" in said
    said = " ".join(invoke("search", "volcano", "--emotion", "confused").stdout.split())
    assert "No reflection mentions volcano, with or without --emotion confused." in said
    said = " ".join(invoke("search", "tired", "--since", "2027").stdout.split())
    assert "No reflections match --since 2027, out of 6 in your journal." in said


def test_search_json(filled):
    """`search --json` gives each match with its question, snippet and where the words are."""
    data = json.loads(invoke("search", "tired", "--json").stdout)
    found = {(hit["number"], hit["step"]) for hit in data}
    assert (4, "what_happened") in found  # "they were too tired tonight"
    assert (1, "not_about_me") in found  # the choice "They were tired"
    hit = next(h for h in data if h["number"] == 4)
    start, end = hit["matches"][0]
    assert hit["snippet"][start:end] == "tired"
    assert set(hit) == {"id", "number", "created", "title", "step", "question", "snippet",
                        "matches"}


def test_search_with_no_hits_says_so_kindly(filled):
    """A search that finds nothing says so kindly and exits 0."""
    result = invoke("search", "volcano")
    assert result.exit_code == 0
    assert "No reflection mentions volcano" in result.stdout


# user text is data --------------------------------------------------------------------

def test_markup_and_escape_codes_are_shown_literally_everywhere(filled):
    """An answer holding rich markup, a clear-screen, an OSC title and a bidi override."""
    assert HOSTILE_TEXT.startswith("[bold red]loud[/]")
    for args in (["list"], ["show", "5"], ["search", "loud"], ["export"],
                 ["export", "--format", "txt"], ["export", "--format", "csv"]):
        result = invoke(*args)
        assert result.exit_code == 0, args
        if args[0] == "export" and "--format" not in args:
            assert r"\[bold red\]loud\[/\]" in result.stdout  # Markdown-escaped
        else:
            assert_shown_as_data(result.stdout)


def test_saving_takes_control_characters_out_and_keeps_the_words(filled):
    """What a person typed stays; escape codes from a paste never reach the journal."""
    story = find(filled.entries(), "5").answers["what_happened"]
    assert story == "A match stopped replying. [bold red]loud[/] [2J]0;pwned gnp.exe"


def test_a_hand_edited_journal_with_escape_codes_is_still_shown_safely(filled, journal_file):
    """Defence in depth: even a journal changed outside reflect cannot drive the terminal."""
    data = journal_data(journal_file)
    record = next(r for r in data["entries"].values() if r["number"] == 5)
    record["answers"]["what_happened"] = HOSTILE_TEXT
    record["derived"]["title"] = HOSTILE_TEXT
    write_journal_data(journal_file, data)
    for args in (["list"], ["show", "5"], ["search", "loud"], ["export", "--format", "txt"],
                 ["export", "--format", "csv"], ["export", "--format", "json"]):
        result = invoke(*args)
        assert result.exit_code == 0, args
        assert_shown_as_data(result.stdout)
    markdown = invoke("export").stdout
    assert r"\[bold red\]loud\[/\]" in markdown
    assert "\x1b" not in markdown
    assert "" not in markdown


def test_a_hand_edited_date_with_escape_codes_is_shown_safely(filled, journal_file):
    """A date that cannot be read is shown as it is written, but never as control codes."""
    data = journal_data(journal_file)
    record = next(r for r in data["entries"].values() if r["number"] == 5)
    record["created"] = "\x1b[2Jsoon\x1b]0;pwned\x07"
    write_journal_data(journal_file, data)
    for args in (["list"], ["show", "5"], ["search", "stopped replying"], ["export"],
                 ["export", "--format", "txt"]):
        result = invoke(*args)
        assert result.exit_code == 0, args
        assert "[2Jsoon]0;pwned" in result.stdout, args
        assert "\x1b" not in result.stdout, args
        assert "\x07" not in result.stdout, args


# delete -------------------------------------------------------------------------------

def test_delete_with_yes_removes_one_and_the_rest_keep_their_numbers(filled, shipped_packs):
    """`delete --yes` removes one reflection; the others keep their numbers and none is reused."""
    from reflect.journal.entry import new_id

    result = invoke("delete", "6", "--yes")
    assert result.exit_code == 0
    assert "Late at night I asked again" in result.stdout
    assert "Deleted reflection #6" in result.stdout
    assert [e.number for e in filled.entries()] == [1, 2, 3, 4, 5]
    new = filled.add(shipped_packs["hearing-no-quick"], {
        "what_happened": "Another", "intensity": 2, "need": ["rest"],
        "reframe": "one-moment"}, new_id(), "2026-11-20T10:00:00+00:00")
    assert new.number == 7  # never #6 again, so old notes stay right


def test_delete_without_a_terminal_asks_for_yes(filled, journal_file):
    """Without a terminal to ask on, `delete` asks for --yes, exits 2 and deletes nothing."""
    before = journal_file.read_bytes()
    result = invoke("delete", "2")
    assert result.exit_code == 2
    assert "--yes" in result.stderr
    assert journal_file.read_bytes() == before


def test_delete_an_unknown_number_changes_nothing(filled, journal_file):
    """Deleting a number no reflection has exits 1 and leaves the journal as it was."""
    before = journal_file.read_bytes()
    result = invoke("delete", "42", "--yes")
    assert result.exit_code == 1
    assert journal_file.read_bytes() == before


# the empty journal --------------------------------------------------------------------

@pytest.mark.parametrize("args", [["list"], ["show", "1"], ["search", "tired"],
                                  ["delete", "1", "--yes"], ["edit", "1"]])
def test_an_empty_journal_is_met_kindly(args, reflect_home, tmp_path, monkeypatch):
    """On an empty journal each read command says so kindly, shows how to start, creates nothing."""
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code == 0
    assert "Your journal is empty so far" in result.stdout
    assert "reflect" in result.stdout.split("with:")[-1]
    assert not reflect_home.exists()  # reading creates nothing


@pytest.mark.parametrize("args", [["export"], ["export", "--format", "json", "-o", "out.json"]])
def test_exporting_an_empty_journal_says_so_and_exits_1(args, reflect_home, tmp_path,
                                                       monkeypatch):
    """With nothing to export, export says so kindly on standard error and exits 1."""
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Your journal is empty so far" in result.stderr
    assert not (tmp_path / "out.json").exists()
    assert not reflect_home.exists()


def test_read_commands_teach_with_examples():
    """The help of every read command names its options and gives an example."""
    for name, words in (("list", "--since"), ("show", "NUMBER"), ("search", "TEXT"),
                        ("export", "--format"), ("import", "FILE"), ("delete", "--yes"),
                        ("edit", "--step")):
        result = invoke(name, "--help")
        assert result.exit_code == 0
        assert words in result.stdout, name
        assert "Example" in result.stdout, name


def test_a_damaged_journal_is_refused_by_every_read_command(journal_file):
    """Every read command refuses a damaged journal with exit 1 and leaves the file as it was."""
    journal_file.parent.mkdir(parents=True)
    journal_file.write_text('{"entries": {"1": ')
    for args in (["list"], ["show", "1"], ["search", "x"], ["export"]):
        result = invoke(*args)
        assert result.exit_code == 1
        assert "is damaged" in result.stderr
    assert journal_file.read_text() == '{"entries": {"1": '


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_reading_never_writes(filled, journal_file):
    """Reading the journal never changes it, touches it, or leaves a temporary file."""
    before = journal_file.read_bytes(), journal_file.stat().st_mtime_ns
    for args in (["list"], ["show", "1"], ["search", "x"], ["list", "--json"]):
        invoke(*args)
    assert (journal_file.read_bytes(), journal_file.stat().st_mtime_ns) == before
    assert not list(Path(journal_file.parent).glob("*.tmp"))


def searched_both_ways(journal_file, needle: str) -> tuple[list, list]:
    """(number, step, snippet) of each hit: found with every answer decoded in full, and
    as `reflect search --json` shows them."""
    from reflect.packs.load import discover
    from reflect.review.entry_text import Reader
    from reflect.review.filters import newest_first, search

    reader = Reader(discover(None)[0])
    everything = Journal(journal_file).entries()
    expected = [(h.entry.number, h.step, h.snippet)
                for h in search(newest_first(everything), needle, reader.answer_texts)]
    shown = invoke("--journal", str(journal_file), "search", needle, "--json")
    return expected, [(h["number"], h["step"], h["snippet"])
                      for h in json.loads(shown.stdout)]


@pytest.mark.parametrize("needle", ["late at night", "LOUD", "closeness", "out of",
                                    "7 out", "yes", "chosen", "ss", "no such words here",
                                    "stopped replying", "a", "closeness; feeling",
                                    "closeness;", "hug (with", "(with", "to)", "10;"])
def test_search_finds_what_reading_every_answer_would(filled, journal_file, needle):
    """What search finds is exactly what reading every answer in full finds, labels and
    scales included."""
    expected, shown = searched_both_ways(journal_file, needle)
    assert shown == expected


@pytest.mark.parametrize("needle", ["['nested']", "none", "true", "2.5", "1e+20", "{'k':",
                                    "own; words", "4 out of 10"])
def test_search_finds_what_reading_a_hand_edited_answer_would(filled, journal_file,
                                                              needle):
    """Answers edited by hand into shapes reflect never saves (nested lists, null, true, a
    float) read as Python writes them, and search finds those words as shown."""
    data = journal_data(journal_file)
    record = next(r for r in data["entries"].values() if r["number"] == 2)
    record["answers"]["story"] = [["nested"], None, True, 2.5, 1e20, {"k": "v"}]
    record["answers"]["need"] = ["own", "words"]
    record["answers"]["intensity"] = 4
    write_journal_data(journal_file, data)
    expected, shown = searched_both_ways(journal_file, needle)
    assert expected  # each needle is there to be found
    assert shown == expected


@pytest.mark.parametrize(("stored", "needle"), [
    (b"Caf\\u00e9 \\u2014 late at night", "café — late"),
    (b"a light\x7fhouse late at night", "lighthouse"),
    (b"\xc3\x9cber late at night", "über late"),
    (b"Stra\xc3\x9fe late at night", "strasse late"),
    (b"STRASSE late at night", "Stra\u00dfe"),
    (b"Stra\\u00dfe late at night", "STRASSE"),
])
def test_search_finds_words_that_read_otherwise_once_decoded(filled, journal_file,
                                                             stored, needle):
    """Answers edited by hand with escapes, or with a control character that is taken out
    when shown, and answers beyond ASCII: found as they read."""
    raw = journal_file.read_bytes()
    answer = b'"what_happened": "Late at night'
    assert raw.count(answer) == 1
    journal_file.write_bytes(raw.replace(answer, b'"what_happened": "' + stored))
    expected, shown = searched_both_ways(journal_file, needle)
    assert expected  # each needle is there to be found
    assert shown == expected
