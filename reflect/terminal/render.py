"""Everything reflect shows outside of a question (the tables of `reflect stats` are built
in stats_layout).

A person's own words are always passed to rich as Text built from printable(): never
parsed as markup, and stripped of terminal control characters.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from reflect.base.safe_text import printable
from reflect.journal.backups import Backup
from reflect.journal.entry import PREPARE_PACK, Entry, is_preparation
from reflect.packs.model import Pack, PackError
from reflect.review.entry_text import (
    LATER,
    SHOWN_WIDTH,
    Reader,
    entry_about,
    entry_head,
    found_words,
    intensity,
    long_date,
    short_date,
)
from reflect.review.filters import Hit
from reflect.review.stats import Insights
from reflect.settings.resources import TALK_TO, WHEN_TO_REACH_OUT, Guide
from reflect.terminal import plain_asker as plain
from reflect.terminal.sentences import labels, stats_lines, summary_lines
from reflect.terminal.stats_layout import WIDTH, overview


@cache
def console() -> Console:
    _forget_unusable_size()
    return Console(highlight=False, **_plainly())


@cache
def error_console() -> Console:
    _forget_unusable_size()
    return Console(stderr=True, highlight=False, **_plainly())


def _plainly() -> dict[str, Any]:
    """In plain mode, write as to a file: no colour or style, no pager, no progress bar."""
    return {"force_terminal": False, "color_system": None} if plain.wanted() else {}


def _said(lines: Iterable[str]) -> None:
    """Plain mode's sentences, each wrapped at words to the width."""
    for line in lines:
        console().print(safe(line))


MAX_SIZE = 10_000
"""The most columns or lines reflect draws for, whatever COLUMNS or LINES says."""


def _forget_unusable_size() -> None:
    """Unset COLUMNS or LINES when it holds a number rich would misread, so that rich asks
    the terminal instead: 0 (every view came out blank), more than MAX_SIZE (billions of
    columns filled the memory), or digits int() cannot read (thousands of them, or ²).
    rich reads the variables again whenever it measures, so they are changed, not
    worked around; programs reflect starts (the editor) see a usable size too."""
    for variable in ("COLUMNS", "LINES"):
        value = os.environ.get(variable, "")
        if not value.isdigit():  # rich's own test: it leaves the variable alone
            continue
        if not (value.isascii() and len(value) <= 5 and 1 <= int(value) <= MAX_SIZE):
            del os.environ[variable]


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


def summary(entry: Entry, pack: Pack, journal: Path) -> None:
    """The panel shown after a reflection is saved, and where it went (sentences in plain
    mode)."""

    if plain.wanted():
        console().print()
        _said(summary_lines(entry, pack, journal))
        return


    derived = entry.derived
    preparing = pack.id == PREPARE_PACK
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column()

    def row(heading: str, lines: Sequence[str]) -> None:
        if lines:
            grid.add_row(heading, safe("\n".join(lines)))

    row("Hoping for" if preparing else "What happened", [derived.get("title", "")])
    row("Feelings", labels(pack, "emotions", derived.get("emotions")))
    row("The need", labels(pack, "needs", derived.get("needs")))
    row("If it's no" if preparing else "Other ways", [f"- {line}" for line in
                       labels(pack, "alternatives", derived.get("alternatives"))])
    row("A kinder reading", labels(pack, "reframe", derived.get("reframe")))
    before, after = derived.get("intensity_before"), derived.get("intensity_after")
    if before is not None and after is not None:
        grid.add_row("How strong", Text(f"{before} -> {after} (out of 10)"))
    elif before is not None:
        grid.add_row("How strong", Text(f"{before} (out of 10)"))
    row("To remember", labels(pack, "remember", derived.get("remember")))
    console().print()
    name = "Preparation" if preparing else "Reflection"
    console().print(Panel(grid, title=f"{name} #{entry.number}", title_align="left",
                          border_style="cyan", expand=False))
    console().print(safe(f"Saved to {journal}", "dim"))


def paused(kept: bool) -> None:
    if kept:
        again = "reflect new --plain --resume" if plain.wanted() else "reflect new --resume"
        say(f"Your answers are kept. Pick up where you left off with: {again}")
    else:
        say("Nothing was saved. Take care of yourself.")


def resources(guide: Guide) -> None:
    """When to reach out, notes on the country shown, then each section's lines: name, how
    to reach it, hours and what it is for. The lines are data, so they are shown as text."""

    out = console()
    out.print(Text("When to reach out", style="bold"))
    out.print(Text(WHEN_TO_REACH_OUT))
    for note in guide.notes:
        out.print()
        out.print(safe(note))
    for section in guide.sections:
        out.print()
        out.print(safe(section.title, "bold"))
        for line in section.lines:
            out.print(Padding(safe(line.name, "bold"), (0, 0, 0, 2), expand=False))
            about = [", ".join(line.reach), line.hours, "for " + ", ".join(line.purposes)]
            if line.who:
                about.append(line.who)
            out.print(Padding(safe(" · ".join(about)), (0, 0, 0, 4), expand=False))
    out.print()
    out.print(Text(TALK_TO))
    checked = f" checked on {guide.checked.isoformat()}" if guide.checked else ""
    out.print(Text(f"These lines are offline data, part of reflect,{checked}. Numbers and "
                   "hours can change, so check them when you can.", style="dim"))


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



# Reading the journal -------------------------------------------------------------------

EMPTY = ("Your journal is empty so far. When you are ready, start your first reflection "
         "with: reflect")


def empty_journal() -> None:
    say(EMPTY)


def nothing_matches(said: str) -> None:
    """That the filters (named in `said`) let no reflection through."""
    say(said)


@contextlib.contextmanager
def _paged(lines: int) -> Iterator[None]:
    """Send long output through the pager on a terminal; piped output stays plain."""
    out = console()
    if out.is_terminal and lines > out.height - 2:
        os.environ.setdefault("LESS", "FRX")
        with out.pager(styles=True):
            yield
    else:
        yield


HEADINGS = ("#", "When", "Moment", "Need", "Strength", "What happened")
LIMITS = (6, 16, 18, 20, 8, 0)
"""The most cells each column of the list takes; the last takes what is left."""
MOMENT = 2
NEED = 3
STRENGTH = 4
WORDS = 5
WIDE = 100
"""From this width on, the list has room for the moment as well."""
WORDS_AT_LEAST = 16
"""The fewest cells "What happened" is given while other columns can make room for it."""
NEED_AT_LEAST = 10
"""A need column narrower than this reads as nothing much: it goes instead."""
PREPARED = "Preparing to ask: "
"""Before the words of a preparation (`reflect prepare`) in the list."""


def _cell(text: str, size: int, right: bool = False) -> str:
    """The (printable) text in exactly `size` terminal cells: padded, or cut with an
    ellipsis."""
    if cell_len(text) > size:
        return set_cell_size(set_cell_size(text, size - 1).rstrip() + "…", size)
    return text.rjust(size) if right else set_cell_size(text, size)


def _layout(sizes: list[int], columns: int) -> tuple[list[int], list[int]]:
    """Which columns the list shows and how wide each is, to fit `columns` cells: the
    moment only on a wide screen; then, while "What happened" would get fewer than
    WORDS_AT_LEAST cells, the need narrows (to NEED_AT_LEAST), then goes, then the
    strength goes. The words take the rest, however little it is."""
    sizes = list(sizes)
    shown = [i for i in range(len(HEADINGS)) if i != MOMENT or columns >= WIDE]

    def room() -> int:
        return columns - sum(sizes[i] + 2 for i in shown if i != WORDS)

    if room() < WORDS_AT_LEAST:
        sizes[NEED] = max(min(sizes[NEED], NEED_AT_LEAST), sizes[NEED] - (WORDS_AT_LEAST
                                                                          - room()))
    for column in (NEED, STRENGTH):
        if room() < WORDS_AT_LEAST:
            shown.remove(column)
    sizes[WORDS] = max(1, room())
    return shown, sizes


def list_rows(entries: Sequence[Entry], reader: Reader,
              columns: int) -> list[list[tuple[int, str]]]:
    """The table `reflect list` shows, headings first, laid out for `columns` cells: each
    row's cells as (column, text padded or cut to the column's size, a cut ending in an
    ellipsis), the last one's end left unpadded. Laid out here rather than by rich's
    Table, which measures every cell several times over for a list of thousands."""

    rows = [HEADINGS]
    for item in entries:
        kind = item.derived.get("kind")
        words = printable(str(item.derived.get("title") or ""), keep_newlines=False)
        rows.append((
            str(item.number), short_date(item.created),
            printable(str(kind).replace("-", " ") if kind else "", keep_newlines=False),
            printable(", ".join(reader.labels(item, "needs")), keep_newlines=False),
            intensity(item),
            PREPARED + words if is_preparation(item) else words))
    natural = [min(limit, max(cell_len(row[i]) for row in rows)) if limit else 0
               for i, limit in enumerate(LIMITS)]
    shown, sizes = _layout(natural, columns)
    laid = []
    for row in rows:
        line = []
        for i in shown:
            if i == STRENGTH:
                cell = row[i].center(sizes[i])
            else:
                cell = _cell(row[i], sizes[i], right=i == 0)
            line.append((i, cell.rstrip() if i == WORDS else cell))
        laid.append(line)
    return laid


def more_words(hidden: int) -> str:
    """The note under a list that leaves some out."""
    return (f"{hidden} older not shown: `reflect list --all` shows every one, "
            "`--limit N` more or fewer.")


def entry_list(entries: Sequence[Entry], reader: Reader, hidden: int) -> None:
    """The table `reflect list` shows, newest first: one line per reflection, styled on a
    terminal, each line cut to the width."""
    out = console()
    lines = []
    for number, row in enumerate(list_rows(entries, reader, out.width)):
        text = Text(style="" if number else "bold")
        for position, (column, cell) in enumerate(row):
            if position:
                text.append("  ")
            text.append(cell, style="cyan" if number and column == 0 else "")
        lines.append(text)
    with _paged(len(lines) + 1):
        out.print(Text("\n").join(lines), no_wrap=True, overflow="crop", crop=True)
        if hidden:
            out.print(safe(more_words(hidden), "dim"))


def _bullets(items: Sequence[Text]) -> Any:
    """Items one under another, each after a bullet, wrapped clear of it."""

    bullets = Table.grid(padding=(0, 1))
    bullets.add_column(width=3, justify="right")
    bullets.add_column()
    for item in items:
        bullets.add_row("•", item)
    return bullets


def entry(entry: Entry, reader: Reader,
          related: Sequence[tuple[str, Entry]] = ()) -> None:
    """One whole reflection, question by question, and any entry that belongs with it."""
    number, title = entry_head(entry)
    head = Text(number, style="bold cyan")
    head.append(title, style="bold")
    about = Text(entry_about(entry, reader), style="dim")
    body: list[Any] = [head, about]
    for answer in reader.answers(entry):
        body.append(Text(""))
        body.append(safe(answer.question, "bold cyan"))
        if answer.listed:
            body.append(_bullets([safe(line) for line in answer.lines]))
        else:
            body.append(Padding(safe(answer.text), (0, 0, 0, 2), expand=False))
    for heading, other in related:
        body.append(Text(""))
        body.append(Text(f"{heading}: #{other.number}, {long_date(other.created)}",
                         style="bold magenta"))
        for answer in reader.answers(other):
            words = Text.assemble(safe(answer.question, "magenta"), "  ",
                                  safe("; ".join(answer.lines)))
            body.append(Padding(words, (0, 0, 0, 2)))
    later = reader.followups(entry)
    if later:
        body.append(Text(""))
        body.append(Text(LATER, style="bold cyan"))
        body.append(_bullets([Text.assemble(safe(what), ": ", safe(how, "italic"))
                              for what, how in later]))
    out = console()
    with _paged(sum(2 + len(a.lines) for a in reader.answers(entry)) + 2 + len(later)):
        out.print(Group(*body), width=min(out.width, SHOWN_WIDTH))


def search_hits(hits: Sequence[Hit], reader: Reader, needle: str) -> None:
    """Each entry with a hit, and under it each answer's snippet, the words highlighted;
    every line that wraps keeps its indent."""

    lines: list[Any] = []
    seen = None
    for hit in hits:
        if hit.entry is not seen:
            seen = hit.entry
            if lines:
                lines.append(Text(""))
            number, title = entry_head(hit.entry)
            head = Text(number, style="bold cyan")
            head.append(short_date(hit.entry.created) + "  ", style="dim")
            # The title wraps under itself, clear of the number and the date.
            heading = Table.grid()
            heading.add_column(no_wrap=True)
            heading.add_column()
            heading.add_row(head, Text(title, style="bold"))
            lines.append(heading)
        question = reader.answer(hit.entry, hit.step).question
        lines.append(Padding(safe(printable(question, keep_newlines=False), "cyan"),
                             (0, 0, 0, 4), expand=False))
        snippet = Text(hit.snippet)
        for begin, end in hit.spans:
            snippet.stylize("bold reverse", begin, end)
        lines.append(Padding(snippet, (0, 0, 0, 6)))
    before, words, after = found_words(needle, hits)
    found = Text(before, style="dim")
    found.append(words, style="dim italic")
    found.append(after, style="dim")
    with _paged(len(lines) + 2):
        # One print for them all: each print of its own costs rich more than the line.
        console().print(Group(*lines, Text(""), found))


# Patterns ----------------------------------------------------------------------------

def stats(found: Insights) -> None:
    """`reflect stats`: how often, how strong before and after, and what was chosen most,
    as stats_layout draws it (sentences in plain mode)."""
    if plain.wanted():

        _said(stats_lines(found))
        return

    out = console()
    width = min(out.width, WIDTH)
    group = Group(*overview(found))
    # Counting the lines means laying them all out once more: only a terminal pages.
    lines = len(out.render_lines(group, out.options.update(width=width), pad=False)
                ) if out.is_terminal else 0
    with _paged(lines):
        out.print(group, width=width)


def no_hits(needle: str, filters: str = "", elsewhere: int = 0) -> None:
    """That no answer holds the words; with filters, whether answers they left out do."""
    words = Text(printable(needle, keep_newlines=False), style="italic")
    if filters and elsewhere:
        line = Text(f"No reflection that matches {printable(filters)} mentions ")
        line.append_text(words)
        line.append(f"; {elsewhere} reflection{' does' if elsewhere == 1 else 's do'} "
                    "without those filters.")
    else:
        line = Text("No reflection mentions ")
        line.append_text(words)
        if filters:
            line.append(f", with or without {printable(filters)}")
        line.append(". Searching looks through every answer, ignoring capitals.")
    console().print(line)


def exported(count: int, path: Path, fmt: str) -> None:
    """Where the export went, and the honest word that it is readable by whoever has it."""
    err = error_console()
    err.print(safe(f"Wrote {count} reflection{'s' if count != 1 else ''} to {path} "
                   f"({fmt})."), soft_wrap=True)
    err.print(safe("The file is readable only by you on this computer, but it is not "
                   "encrypted: anyone who gets a copy of it can read it.", "yellow"))


@contextlib.contextmanager
def progress(total: int, label: str) -> Iterator[Callable[[], None]]:
    """A progress bar on standard error for long work on a terminal; silent otherwise."""
    err = error_console()
    if total < PROGRESS_FROM or not err.is_terminal:
        yield lambda: None
        return

    # Deferred: rich.progress takes about 17 ms to import (-X importtime), for long work only.
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    # Drawn from here as the work goes, rather than by a thread of rich's own.
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), console=err,
                  transient=True, auto_refresh=False) as bar:
        task = bar.add_task(label, total=total)
        drawn = time.monotonic()

        def step() -> None:
            nonlocal drawn
            bar.advance(task)
            now = time.monotonic()
            if now - drawn >= REDRAW_EVERY:
                bar.refresh()
                drawn = now

        yield step


PROGRESS_FROM = 1000
REDRAW_EVERY = 0.1
"""Seconds between redrawing a progress bar."""


def imported(added: Sequence[Entry], skipped: int) -> None:
    if added:
        numbers = (f"#{added[0].number}" if len(added) == 1
                   else f"#{added[0].number}-#{added[-1].number}")
        say(f"Added {len(added)} reflection{'s' if len(added) != 1 else ''} ({numbers}).")
    else:
        say("Added nothing new.")
    if skipped:
        say(f"Skipped {skipped} already in your journal.", "dim")


def deleted(entry: Entry) -> None:
    say(f"Deleted reflection #{entry.number}. The others keep their numbers.")


def edited(entry: Entry, dropped: Sequence[str]) -> None:
    say(f"Saved your change to reflection #{entry.number}.")
    for question in dropped:
        say(f"No longer part of it, after your change: {question}", "dim")


def pack_problems(path: Path, problems: Sequence[PackError]) -> None:
    """Every problem in a pack file, one per line, with its step and field."""
    err = error_console()
    count = len(problems)
    err.print(safe(f"{path}: {count} problem{'s' if count != 1 else ''}", "bold red"))
    for problem in problems:
        where = []
        if problem.step is not None:
            where.append(f"step {problem.step}")
        if problem.field is not None:
            where.append(f"field '{problem.field}'")
        line = Text("  - ")
        if where:
            line.append(printable(", ".join(where)), style="bold")
            line.append(": ")
        line.append(printable(problem.problem))
        err.print(line)


def nothing_to_follow_up(next_number: int | None = None, when: str = "") -> None:
    """Nothing is ready to ask about; if something will be, which and when."""
    if next_number is None:
        say("Nothing to follow up on. When a reflection picks other ways to meet a need, "
            "reflect asks about them once, a while later.")
        return
    say(f"Nothing to follow up on yet. The other ways you chose in reflection "
        f"#{next_number} will be ready to follow up on {when}: run `reflect followup` "
        "then, or reflect will ask after your next reflection.")


def followed_up(count: int) -> None:
    if count:
        say("Noted, thank you. It is kept with the reflection (see `reflect show`).", "dim")


def backups(copies: Sequence[tuple[Backup, int | None]], folder: Path) -> None:
    """The journal's backups, newest first, numbered as `reflect restore` takes them, each
    with how many reflections it holds (None: it cannot be read)."""

    if not copies:
        say(f"There are no backups yet. They will be kept in {folder}")
        return
    table = Table(box=None, padding=(0, 1), show_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Taken", no_wrap=True)
    table.add_column("Reflections", justify="right", no_wrap=True)
    table.add_column("Why", no_wrap=True)
    table.add_column("File", overflow="fold")
    for number, (copy, count) in enumerate(copies, start=1):
        table.add_row(str(number), copy.when, "?" if count is None else str(count),
                      copy.what, safe(copy.path.name))
    console().print(table)
    if any(count is None for _, count in copies):
        say("? : that backup cannot be read (it is damaged, or locked with another "
            "passphrase), so it cannot be put back.", "dim")
    console().print(safe(f"In {folder}. `reflect restore NUMBER` puts one back.", "dim"))
