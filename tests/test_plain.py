"""Output away from a terminal, written without rich: the same characters rich writes."""

from __future__ import annotations

import io
import random

import pytest
from rich.console import Console
from rich.text import Text

from reflect import insights, overview, plain, render
from reflect.entry import new_id
from reflect.overview import Words
from reflect.present import Reader

from conftest import FULL_ANSWERS, HOSTILE_TEXT

ODD_TITLES = [
    "心が痛い。パートナーに断られて、一人で考えている夜です",
    "Emoji 🙂🙂🙂 and a combining é and a very long line that keeps on going past any column",
    "[bold]not markup[/bold] \x1b[31m and a tab\there",
    "short",
]


@pytest.fixture
def odd(filled, shipped_packs):
    pack = shipped_packs["hearing-no-quick"]
    for title in ODD_TITLES:
        filled.add(pack, {"what_happened": title, "intensity": 3, "need": ["release"]},
                   new_id(), "2026-02-03T04:05:06+00:00")
    return filled.entries(), Reader(list(shipped_packs.values()))


@pytest.mark.parametrize("columns", [40, 60, 80, 99, 100, 132])
@pytest.mark.parametrize("hidden", [0, 12345])
def test_a_piped_list_is_what_rich_writes(odd, columns, hidden, monkeypatch, capsys):
    """Wide characters, cut titles, markup and control codes, at widths either side of
    the one where the moment column appears: the same characters as rich's."""
    entries, reader = odd
    monkeypatch.setenv("COLUMNS", str(columns))
    plain.entry_list(entries, reader, hidden)
    written = capsys.readouterr().out
    through_rich = Console(file=io.StringIO(), width=columns, highlight=False,
                           force_terminal=False)
    monkeypatch.setattr(render, "console", lambda: through_rich)
    render.entry_list(entries, reader, hidden)
    assert written == through_rich.file.getvalue()
    lines = written.splitlines()
    assert lines[0].split()[:2] == ["#", "When"]
    assert [line.split()[0] for line in lines[1:len(entries) + 1]] == [
        str(entry.number) for entry in entries]
    assert ("older not shown" in written) == (hidden > 0)


@pytest.mark.parametrize("columns", range(12, 130, 7))
def test_the_note_under_a_short_list_wraps_as_rich_wraps_it(columns):
    for hidden in (1, 980, 123456789):
        through_rich = Console(file=io.StringIO(), width=columns, highlight=False)
        through_rich.print(Text(plain.more_words(hidden), style="dim"))
        assert "\n".join(plain.wrapped(plain.more_words(hidden), columns)) + "\n" == (
            through_rich.file.getvalue())


@pytest.mark.parametrize("columns", [None, "77", "abc", "-5", ""])
def test_the_width_is_the_one_rich_would_use(columns, monkeypatch):
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert plain.width() == Console().width


def test_plain_output_only_where_rich_would_not_style(monkeypatch):
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    assert plain.wanted()  # pytest's captured output is not a terminal
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert not plain.wanted()
    monkeypatch.delenv("FORCE_COLOR")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    assert not plain.wanted()


# reflect stats ------------------------------------------------------------------------

def _through_rich(columns: int, monkeypatch, draw) -> str:
    """What render writes away from a terminal `columns` cells wide."""
    through_rich = Console(file=io.StringIO(), width=columns, highlight=False,
                           force_terminal=False)
    monkeypatch.setattr(render, "console", lambda: through_rich)
    draw()
    return through_rich.file.getvalue()


def _journals(filled, shipped_packs) -> dict[str, tuple[list, Reader]]:
    """Insights to draw: the filled journal; its first two (no charts yet); a longer one
    (more than 20 ratings, more than five needs) whose own words are short, wide or
    hostile; two of those (no charts, Japanese to wrap); and one whose own words are
    longer than a column takes, or on two lines."""
    reader = Reader(list(shipped_packs.values()))
    kinds = {"filled": filled.entries(), "two": filled.entries()[:2]}

    def add(owns: list[str], count: int, year: int) -> list:
        for n in range(count):
            own = owns[n % len(owns)]
            entry_id = new_id()
            filled.add(shipped_packs["hearing-no"], {
                **FULL_ANSWERS, "need": ["closeness", own, f"need {n % 7}"],
                "alternatives": ["hold-hands", own], "not_about_me": ["tired", own],
                "intensity": n % 11, "intensity_now": (n * 3) % 11},
                entry_id, f"{year + n // 12}-{1 + n % 12:02d}-1{n % 10}T10:00:00+00:00")
            filled.record_followups({entry_id: {
                "hold-hands": {"outcome": ["helped", "didnt-help"][n % 2], "at": "x"},
                own: {"outcome": ["declined-okay", "not-yet"][n % 2], "at": "x"}}})
        return filled.entries()[-count:]

    kinds["long"] = add(["Rest", "東京の友達に電話する 🙂", HOSTILE_TEXT, "Walk by the river"],
                        30, 2023)
    kinds["two own"] = kinds["long"][:2]
    kinds["odd"] = add(["x" * 70, "Zwei Zeilen:\nß"], 4, 2020)
    return {name: (entries, reader) for name, entries in kinds.items()}


@pytest.mark.parametrize("columns", [10, 12, 20, 31, 44, 60, 79, 80, 81, 120])
def test_piped_stats_are_what_rich_writes(filled, shipped_packs, columns, monkeypatch,
                                          capsys):
    """Wrapped notes and padded lines, tables that only rich lays out (then rich writes
    them): the same characters as rich's, or none."""
    monkeypatch.setenv("COLUMNS", str(columns))
    written = {}
    for name, (entries, reader) in _journals(filled, shipped_packs).items():
        found = insights.compute(entries, reader)
        if plain.stats(found):
            written[name] = capsys.readouterr().out
            assert written[name] == _through_rich(columns, monkeypatch,
                                                  lambda f=found: render.stats(f))
        else:
            assert capsys.readouterr().out == ""
    # Written here: reflect's own words, and own words in cells that fit on their line.
    assert ("filled" in written) == (columns >= 60)
    assert ("long" in written) == (columns >= 79)
    assert "two" in written
    assert "two own" not in written  # Japanese to wrap: rich's to do
    assert "odd" not in written  # a cell that wraps: a table's to do
    if "long" in written:
        assert "The latest 20 of 30" in written["long"]
        assert "more in `reflect stats --json`" in written["long"]


_SPACES = [" ", "  ", "   "]


@pytest.mark.parametrize("seed", range(40))
def test_words_wrap_as_rich_wraps_them(seed, monkeypatch):
    """Random words, some longer than a line, spaces single and many, at the start and
    the end: wrapped at the left, indented, and indented to the whole width."""
    chance = random.Random(seed)
    words = [chance.choice("abcdefghij") * chance.choice([1, 2, 3, 5, 8, 13, 30])
             for _ in range(chance.randint(0, 25))]
    text = (chance.choice(["", " ", "  "])
            + "".join(word + chance.choice(_SPACES) for word in words)).rstrip(
        chance.choice(["", " "]))
    for columns in (10, 11, 13, 17, 29, 44, 80):
        for block in (Words(text), Words(text, "dim", indented=True),
                      Words(text, indented=True, full=True)):
            lines = plain.overview_lines([block], columns)
            assert lines is not None
            assert "".join(line + "\n" for line in lines) == _through_rich(
                columns, monkeypatch,
                lambda b=block: render.console().print(render._drawn(b)))
            assert all(len(line) <= columns for line in lines)


def test_the_one_cell_characters_plain_counts_quickly_are_one_cell_for_rich():
    from rich.cells import cell_len

    for text in ("…", overview.BAR, "a…b█"):
        assert plain.cells(text) == cell_len(text) == len(text)


@pytest.mark.parametrize("seed", range(20))
def test_laid_out_rows_are_padded_and_cut_as_rich_does(seed, monkeypatch):
    """Lines of a chart, of different lengths, some wider than the screen, some with
    bars, some with characters two cells wide: padded to the longest, cut with an
    ellipsis where rich cuts them; where only rich can cut a line (one with characters
    two cells wide), nothing."""
    chance = random.Random(seed)
    pieces = ["Nov 2026", overview.BAR * 7, "(average of 3)", "  ", "12", "東京"]
    lines = tuple(tuple((chance.choice(pieces), chance.choice(["", "dim"]))
                        for _ in range(chance.randint(1, 9)))
                  for _ in range(chance.randint(1, 6)))
    block = overview.Rows(lines)
    for columns in (10, 14, 23, 40, 80):
        written = plain.overview_lines([block], columns)
        wide = max(plain.cells("".join(words for words, _ in line)) for line in lines)
        cut_wide = any("東京" in "".join(words for words, _ in line)
                       and plain.cells("".join(words for words, _ in line)) > columns - 2
                       for line in lines)
        assert (written is None) == cut_wide
        if written is not None:
            assert "".join(line + "\n" for line in written) == _through_rich(
                columns, monkeypatch, lambda: render.console().print(render._drawn(block)))
            assert {plain.cells(line) for line in written} == {2 + min(wide, columns - 2)}


# reflect show and reflect search --------------------------------------------------------

FITTING_WORDS = [
    "Curly \u2018quotes\u2019 and \u201cmore\u201d — dashes, café, naïve, Ελληνικά, русский…",
    "Two lines:\nthe second  with  spaces   \n\n   and an indented third after a blank",
    "a" * 130 + " then a word longer than any line",
    "   ",
    HOSTILE_TEXT,
]
"""Own words plain lays out: every character one cell."""
WIDE_WORDS = ["心が痛い。パートナーに断られて", "an emoji 🙂 here"]
UNFITTING_WORDS = [*WIDE_WORDS, "a\ttab"]
"""Own words only rich lays out: characters two cells wide; a tab (which search, and a
title, make a space)."""


@pytest.fixture
def shown(filled, shipped_packs):
    """The filled journal, a preparation linked from #6, how #1's other ways went, and
    reflections holding odd words: as answers, as own words among choices, as a title."""
    from test_prepare import prepare

    from reflect.prepare import LINK

    prepared = prepare(filled, shipped_packs, 1)
    filled.link(filled.get("6").id, LINK, prepared.id)
    first = filled.get("1")
    filled.record_followups({first.id: {
        key: {"outcome": "helped", "at": "x"} for key in first.derived["alternatives"]}})
    odd = {}
    for words in FITTING_WORDS + UNFITTING_WORDS:
        entry = filled.add(shipped_packs["hearing-no"], {
            **FULL_ANSWERS, "what_happened": words, "story": f"{words}\n{words}",
            "alternatives": ["hold-hands", words], "not_about_me": ["tired", words]},
            new_id(), "2026-02-03T04:05:06+00:00")
        odd[entry.number] = words
    return filled.entries(), Reader(list(shipped_packs.values())), odd


@pytest.mark.parametrize("columns", [10, 12, 20, 37, 60, 80, 99, 100, 132])
def test_piped_show_is_what_rich_writes(shown, columns, monkeypatch):
    """Every reflection, with bullets, answers on several lines, words longer than a
    line, a linked preparation and how other ways went: the same characters as rich's;
    where a tab or a wide character needs rich, nothing."""
    from reflect.prepare import related

    entries, reader, odd = shown
    laid_out = set()
    for entry in entries:
        linked = related(entries, entry)
        lines = plain.entry_lines(entry, reader, linked, min(columns, 100))
        if lines is not None:
            laid_out.add(entry.number)
            assert "".join(line + "\n" for line in lines) == _through_rich(
                columns, monkeypatch, lambda e=entry, r=linked: render.entry(e, reader, r))
    assert laid_out == {entry.number for entry in entries
                        if odd.get(entry.number) not in UNFITTING_WORDS}
    assert len(laid_out) > 10


@pytest.mark.parametrize("columns", [10, 13, 31, 60, 80, 120])
def test_piped_search_is_what_rich_writes(shown, columns, monkeypatch):
    from reflect.query import search

    entries, reader, odd = shown
    searched = set()
    for needle in ("a", "partner", "quotes", "tab", "心", "a" * 60, "asked", "they said",
                   "none at all"):
        hits = search(entries, needle, reader.answer_texts)
        lines = plain.search_lines(hits, reader, needle, columns)
        wide = any(odd.get(hit.entry.number) in WIDE_WORDS for hit in hits)
        assert (lines is None) == wide, needle
        if lines is not None:
            searched.add(needle)
            assert "".join(line + "\n" for line in lines) == _through_rich(
                columns, monkeypatch, lambda h=hits, n=needle: render.search_hits(h, reader, n))
    assert searched == {"quotes", "tab", "a" * 60, "asked", "they said", "none at all"}


_LETTERS = "abcdeé\u2018\u2019—…ж"


@pytest.mark.parametrize("seed", range(30))
def test_indented_words_and_bullets_are_laid_out_as_rich_does(seed, monkeypatch):
    """Random one-cell words on random lines, some blank or all spaces: indented to
    their longest line or to the whole width, and as bullets."""
    from rich.padding import Padding

    chance = random.Random(seed)

    def words() -> str:
        lines = []
        for _ in range(chance.randint(1, 4)):
            line = "".join(chance.choice(_LETTERS) * chance.choice([1, 2, 4, 9, 25])
                           + chance.choice(_SPACES) for _ in range(chance.randint(0, 12)))
            lines.append(chance.choice([*_SPACES[:2], ""]) + line.rstrip(chance.choice("x ")))
        return "\n".join(lines)

    items = [words() for _ in range(chance.randint(1, 4))]
    for columns in (10, 11, 17, 30, 61, 100):
        for indent, whole in ((2, False), (2, True), (6, True)):
            if not any(items[0].split("\n")) and not whole:
                continue  # nothing to measure: not something reflect shows
            lines = plain._indented(items[0], columns, indent, whole)
            assert "".join(line + "\n" for line in lines) == _through_rich(
                columns, monkeypatch, lambda i=indent, w=whole: render.console().print(
                    Padding(Text(items[0]), (0, 0, 0, i), expand=w)))
        if any(part for item in items for part in item.split("\n")):
            lines = plain._bullets(items, columns)
            assert "".join(line + "\n" for line in lines) == _through_rich(
                columns, monkeypatch,
                lambda: render.console().print(render._bullets([Text(i) for i in items])))


def test_every_character_plain_takes_for_one_cell_is_one_for_rich():
    from rich.cells import cell_len

    one_cell = [chr(code) for code in range(0x10000) if plain._ONE_CELL.fullmatch(chr(code))]
    assert len(one_cell) > 1000
    assert {character for character in one_cell if cell_len(character) != 1} == set()
    assert plain.cells("".join(one_cell)) == cell_len("".join(one_cell)) == len(one_cell)


def test_piped_show_and_search_leave_to_rich_what_only_rich_lays_out(shown):
    """A piped `reflect show` or `search` whose words hold a tab or wide characters is
    still written whole: by rich, which expands the tab and measures the characters."""
    from typer.testing import CliRunner

    from reflect.cli import app

    _, _, odd = shown
    runner = CliRunner()
    for number, words in odd.items():
        if words not in UNFITTING_WORDS:
            continue
        shown_out = runner.invoke(app, ["show", str(number)], catch_exceptions=False)
        assert shown_out.exit_code == 0
        expected = words.replace("\t", "       ")  # to the next stop of eight
        assert expected in shown_out.stdout
        assert "\t" not in shown_out.stdout
    found = runner.invoke(app, ["search", "心が痛い"], catch_exceptions=False)
    assert found.exit_code == 0
    assert "心が痛い。パートナーに断られて" in found.stdout
    assert "Found 心が痛い in" in " ".join(found.stdout.split())
