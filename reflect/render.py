"""Everything reflect shows outside of a question. The only module that imports rich.

A person's own words are always passed to rich as Text built from printable(): never
parsed as markup, and stripped of terminal control characters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from reflect.backups import Backup
from reflect.entry import Entry
from reflect.packs import Pack, PackError
from reflect.resources import COACH_NOT_THERAPIST, LINES, TALK_TO, WHEN_TO_REACH_OUT
from reflect.safe_text import printable


@cache
def console() -> Console:
    return Console(highlight=False)


@cache
def error_console() -> Console:
    return Console(stderr=True, highlight=False)


def safe(text: Any, style: str = "") -> Text:
    """A person's words as rich Text: shown exactly, never as markup or control codes."""
    return Text(printable(str(text)), style=style)


def error(message: str) -> None:
    """One line, left to the terminal to wrap, so a file named in it can be copied whole."""
    line = Text("Error: ", style="bold red")
    line.append(printable(message))
    error_console().print(line, soft_wrap=True)


def warn(message: str) -> None:
    error_console().print(safe(message, "yellow"))


def say(message: str, style: str = "", whole: bool = False) -> None:
    """A line for the person; `whole` leaves wrapping to the terminal (for file names)."""
    console().print(safe(message, style), soft_wrap=whole)


def first_run() -> None:
    out = console()
    out.print(safe(COACH_NOT_THERAPIST, "dim"), width=min(out.width, 88))


def _labels(pack: Pack, role: str, values: Any) -> list[str]:
    step_id = pack.derive.get(role)
    if values in (None, "", []):
        return []
    items = values if isinstance(values, list) else [values]
    if step_id is None:
        return [str(item) for item in items]
    step = pack.step(step_id)
    labelled = []
    for item in items:
        choice = next((c for c in step.all_choices() if c.value == item), None)
        if choice is None:
            labelled.append(str(item))
        else:
            labelled.append(f"{choice.label} ({choice.hint})" if choice.hint else choice.label)
    return labelled


def summary(entry: Entry, pack: Pack, journal: Path) -> None:
    """The panel shown after a reflection is saved, and where it went."""
    derived = entry.derived
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column()

    def row(heading: str, lines: Sequence[str]) -> None:
        if lines:
            grid.add_row(heading, safe("\n".join(lines)))

    row("What happened", [derived.get("title", "")])
    row("Feelings", _labels(pack, "emotions", derived.get("emotions")))
    row("The need", _labels(pack, "needs", derived.get("needs")))
    row("Other ways", [f"- {line}" for line in
                       _labels(pack, "alternatives", derived.get("alternatives"))])
    row("A kinder reading", _labels(pack, "reframe", derived.get("reframe")))
    before, after = derived.get("intensity_before"), derived.get("intensity_after")
    if before is not None and after is not None:
        grid.add_row("How strong", Text(f"{before} -> {after} (out of 10)"))
    elif before is not None:
        grid.add_row("How strong", Text(f"{before} (out of 10)"))
    row("To remember", _labels(pack, "remember", derived.get("remember")))
    console().print()
    console().print(Panel(grid, title=f"Reflection #{entry.number}", title_align="left",
                          border_style="cyan", expand=False))
    console().print(safe(f"Saved to {journal}", "dim"))


def paused(kept: bool) -> None:
    if kept:
        say("Your answers are kept. Pick up where you left off with: reflect new --resume")
    else:
        say("Nothing was saved. Take care of yourself.")


def resources() -> None:
    out = console()
    out.print(Text("When to reach out", style="bold"))
    out.print(Text(WHEN_TO_REACH_OUT))
    out.print()
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for place, line in LINES:
        table.add_row(Text(place), Text(line))
    out.print(table)
    out.print()
    out.print(Text(TALK_TO))
    out.print(Text("This list is part of reflect and works offline; numbers can change, so "
                   "check them when you can.", style="dim"))


def where(rows: Iterable[tuple[str, Path, bool, str]]) -> None:
    """One line per place, never wrapped, so a path can be copied whole."""
    rows = list(rows)
    width = max(len(row[0]) for row in rows)
    for name, path, exists, note in rows:
        line = Text(f"{name + ':':<{width + 1}} ", style="bold")
        line.append(printable(str(path), keep_newlines=False), style="")
        if not exists:
            line.append("  (not created yet)", style="dim")
        elif note:
            line.append(f"  ({note})", style="dim")
        console().print(line, soft_wrap=True)


def packs(available: Sequence[Pack], problems: Sequence[PackError],
          user_dir: Path, default: str) -> None:
    table = Table(box=None, padding=(0, 2), show_edge=False)
    table.add_column("Pack", style="bold", no_wrap=True)
    table.add_column("Steps", justify="right")
    table.add_column("What it is")
    table.add_column("From", no_wrap=True)
    ordered = sorted(available, key=lambda p: (p.id != default, not p.builtin, p.id))
    for pack in ordered:
        name = safe(pack.id, "bold")
        if pack.id == default:
            name.append(" (default)", style="dim")
        about = safe(pack.title)
        if pack.description:
            about.append("\n")
            about.append(printable(pack.description), style="dim")
        table.add_row(name, str(len(pack.steps)), about,
                      "built in" if pack.builtin else "yours")
    console().print(table)
    console().print(safe(f"Your own packs go in {user_dir}", "dim"))
    for problem in problems:
        warn(f"Left out: {problem.message}")



def backups(copies: Sequence[Backup], folder: Path) -> None:
    """The journal's backups, newest first, numbered as `reflect restore` takes them."""
    if not copies:
        say(f"There are no backups yet. They will be kept in {folder}")
        return
    table = Table(box=None, padding=(0, 1), show_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Taken", no_wrap=True)
    table.add_column("Why", no_wrap=True)
    table.add_column("File", overflow="fold")
    for number, copy in enumerate(copies, start=1):
        table.add_row(str(number), copy.when, copy.what, safe(copy.path.name))
    console().print(table)
    console().print(safe(f"In {folder}. `reflect restore NUMBER` puts one back.", "dim"))
