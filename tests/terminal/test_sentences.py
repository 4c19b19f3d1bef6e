"""Plain mode says instead of drawing: the summary of a saved reflection and `reflect
stats`, as sentences, one a line, with no colour, bars or boxes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from reflect.cli import app
from reflect.journal.entry import new_id
from reflect.journal.store import Journal
from reflect.review.entry_text import Reader
from reflect.review.stats import NOT_A_FORECAST, compute
from reflect.terminal.sentences import stats_lines, summary_lines

from conftest import FULL_ANSWERS, HOSTILE_TEXT

DRAWING = ("█", "╭", "│", "─", "\x1b")
"""Bars, box lines and escape codes: what plain mode never writes."""


def invoke(*args: str, **kwargs):
    result = CliRunner().invoke(app, list(args), catch_exceptions=False, **kwargs)
    assert "Traceback" not in result.output
    return result


def test_the_summary_is_said_in_sentences(shipped_packs, journal_file):
    """Each part of the summary panel is a sentence of its own, labels in full."""
    pack = shipped_packs["hearing-no"]
    entry = Journal(journal_file).add(pack, FULL_ANSWERS, new_id(), "2026-11-02T21:00:00+00:00")
    lines = summary_lines(entry, pack, Path("/home/you/journal.json"))
    assert lines[0] == "Reflection #1 is saved."
    assert "What happened: We were on the couch and I asked." in lines
    assert "Feelings: Hurt, Embarrassed." in lines
    assert "The need: Closeness." in lines
    assert any(line.startswith("Other ways: Sit together for a while") for line in lines)
    assert "A kinder reading: They trusted me with an honest answer." in lines
    assert "How strong: 7 at the start and 3 at the end, out of 10." in lines
    assert "To remember: One moment, not a verdict." in lines
    assert lines[-1] == "Saved to /home/you/journal.json"


@pytest.mark.parametrize("how", ["variable", "flag", "dumb terminal"])
def test_stats_in_plain_mode_are_sentences(filled, monkeypatch, how):
    """With REFLECT_PLAIN=1, --plain or TERM=dumb, `stats` says each section in sentences."""
    args = ["stats"]
    if how == "variable":
        monkeypatch.setenv("REFLECT_PLAIN", "1")
    elif how == "flag":
        args = ["--plain", "stats"]
    else:
        monkeypatch.setenv("TERM", "dumb")
    result = invoke(*args)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Your reflections at a glance: 6 reflections, ")
    for line in ("How often you reflected, week by week (weeks start on Monday):",
                 "How strong, at the start and at the end (out of 10):",
                 "How strong at the start, month by month:",
                 "The needs underneath, out of 6 reflections that named a need:",
                 "Closeness: 2 (33%).",
                 "They were tired: 5 (100%)."):
        assert line in lines, line
    assert any(line.startswith("#1, ") and line.endswith(": 7 at the start, 3 at the end.")
               for line in lines)
    said = " ".join(result.stdout.split())
    assert ("On average the feeling was 2.6 points lower by the end (5 reflections with a "
            "rating at the start and the end).") in said
    assert not any(mark in result.stdout for mark in DRAWING)


def test_stats_without_plain_mode_still_draws_bars(filled):
    """Outside plain mode the overview keeps its bars (the sentences are plain mode's)."""
    assert "█" in invoke("stats").stdout


def test_a_few_reflections_are_said_as_they_are(filled, monkeypatch):
    """With one reflection, plain stats give the kind word and what there is."""
    monkeypatch.setenv("REFLECT_PLAIN", "1")
    out = " ".join(invoke("stats", "--since", "today").stdout.split())
    assert "You have 1 reflection so far." in out
    assert "The need underneath: Closeness, Release or pleasure." in out


def test_a_persons_words_are_shown_as_data_in_plain_stats(filled, shipped_packs,
                                                         monkeypatch):
    """Escape codes and markup in an own-words need are written inert."""
    for _ in range(2):
        filled.add(shipped_packs["hearing-no-quick"], {
            "what_happened": "x", "intensity": 3, "need": [HOSTILE_TEXT],
            "reframe": "one-moment"}, new_id(), "2026-01-02T10:00:00+00:00")
    monkeypatch.setenv("REFLECT_PLAIN", "1")
    out = invoke("stats").stdout
    assert "[bold red]loud[/]" in out
    assert "\x1b" not in out


def test_stats_lines_end_with_the_note_that_numbers_are_not_a_score(filled, shipped_packs):
    """The last line says what the numbers are not."""
    found = compute(filled.entries(), Reader(shipped_packs.values()))
    assert stats_lines(found)[-1] == NOT_A_FORECAST


def test_a_plain_reflection_ends_with_the_summary_in_sentences(reflect_home):
    """`reflect --plain new --quick`, answered in lines, ends with sentences, no panel."""
    lines = ["Texted to ask for a call", "hurt, lonely", "6", "8", "1", "3", ""]
    result = invoke("--plain", "new", "--quick", input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Reflection #1 is saved." in out
    assert "Feelings: Hurt, Lonely." in out
    assert "How strong: 6 at the start and 3 at the end, out of 10." in out
    assert not any(mark in out for mark in DRAWING)
