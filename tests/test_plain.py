"""Output away from a terminal, written without rich: the same characters rich writes."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.text import Text

from reflect import plain, render
from reflect.entry import new_id
from reflect.present import Reader

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
