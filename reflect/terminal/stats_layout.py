"""What `reflect stats` shows: its sections as blocks of words and of rows already laid out
in columns (measured in terminal cells by rich). render.py draws the blocks.

Terminal-free: Insights in, blocks out. A person's own words (the labels of what they
chose) are made printable here, as everywhere they are shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from rich.cells import cell_len as cells

from reflect.base.safe_text import printable
from reflect.review.stats import (
    NOT_A_FORECAST,
    Insights,
    Ranking,
    change_words,
    few_words,
    number_words,
    span_words,
    trend_words,
)

WIDTH = 80
"""The widest the overview is drawn, however wide the screen."""
BAR = "█"
TOP = 5
SHOWN_CHANGES = 20

Run = tuple[str, str]
"""Some text and its style ('' for none)."""


class Words(NamedTuple):
    """A paragraph, wrapped at the width. An indented one sits two cells in, each line
    padded to the width of its longest, or to the whole width when `full` (as rich's
    Padding pads them)."""

    text: str
    style: str = ""
    indented: bool = False
    full: bool = False


class Rows(NamedTuple):
    """Lines laid out already, two cells in, each a sequence of runs: never wrapped, padded
    to the longest, and cut with an ellipsis where the screen is narrower."""

    lines: tuple[tuple[Run, ...], ...]


class Columns(NamedTuple):
    """Rows that only a table lays out (a cell wraps, or the whole is wider than the room),
    two cells in: `gap` cells between columns, those in `right` aligned to the right,
    styled by `styles`; a column in `widest` wraps (folding long words) beyond that many
    cells, the others never wrap."""

    rows: tuple[tuple[Run, ...], ...]
    gap: int
    right: tuple[int, ...]
    styles: Mapping[int, str]
    widest: Mapping[int, int]


Block = Words | Rows | Columns


def blocks(found: Insights, width: int) -> list[Block]:
    """The overview of `found` for a screen `width` cells wide (at most WIDTH)."""

    head: list[Block] = [Words("Your reflections at a glance", "bold"),
                         Words(printable(span_words(found)), "dim"), Words("")]
    room = width - 2  # each table is indented by two
    if not found.enough:
        body = _few(found)
    else:
        body = [*_activity(found), *_changes(found, room), *_months(found),
                *_ranked("The needs underneath", found.needs,
                         "reflections that named a need", room),
                *_ranked("What else it might have been about", found.reasons,
                         "reflections that looked for other reasons", room),
                *_ranked("Thinking traps you noticed", found.traps,
                         "reflections that looked at thinking traps", room),
                *_ranked("Other ways you chose", found.alternatives,
                         "reflections that chose one", room),
                *_followed_up(found, room)]
    return [*head, *body, Words(""), Words(NOT_A_FORECAST, "dim")]


def _few(found: Insights) -> list[Block]:

    said = [few_words(found.count)]
    for change in found.changes:
        said.append(f"  #{change.number}: how strong, {change.before} at the start "
                    f"and {change.after} at the end (out of {change.out_of}).")
    if found.needs.items:
        said.append(f"  The need underneath: "
                    f"{', '.join(item.label for item in found.needs.items)}.")
    if found.alternatives.items:
        said.append(f"  Other ways you chose: "
                    f"{', '.join(item.label for item in found.alternatives.items)}.")
    return [Words(printable(words)) for words in said]


def _bar(value: float, most: float, size: int) -> str:
    """A bar of up to `size` block characters; anything above nothing gets at least one,
    and anything past `most` (a rating edited by hand beyond its scale) a whole bar."""
    if value <= 0 or most <= 0:
        return ""
    return BAR * max(1, min(size, round(value / most * size)))


def _heading(words: str) -> Words:
    return Words(words, "bold cyan")


def _note(words: str, style: str = "dim") -> Words:
    return Words(printable(words), style, indented=True)


def _ranked(title: str, ranking: Ranking, answered_words: str, room: int) -> list[Block]:
    if not ranking.items:
        return []
    rows = [((printable(item.label), ""), (str(item.count), ""),
             (f"{round(item.share * 100)}%", "")) for item in ranking.items[:TOP]]
    more = len(ranking.items) - TOP
    notes = [f"Out of {ranking.answered} {answered_words}."]
    if more > 0:
        notes.append(f"{more} more in `reflect stats --json`.")
    return [Words(""), _heading(title),
            _columns(rows, room, gap=2, right=(1, 2), styles={2: "dim"}, widest={0: 56}),
            _note(" ".join(notes))]


def _followed_up(found: Insights, room: int) -> list[Block]:
    """What you said later about the other ways you tried."""
    if not found.follow_ups:
        return []
    rows = []
    for item in found.follow_ups[:TOP]:
        said = []
        if item.tried:
            said.append(f"helped {item.helped} of {item.tried} time"
                        f"{'s' if item.tried != 1 else ''} tried")
        if item.declined_okay:
            said.append(f"offered, declined and okay: {item.declined_okay}")
        if item.not_yet:
            said.append(f"not yet: {item.not_yet}")
        rows.append(((printable(item.label), ""), ("; ".join(said), "dim")))
    return [Words(""), _heading("How the other ways went, as you said later"),
            _columns(rows, room, gap=2, widest={0: 40})]


def _changes(found: Insights, room: int) -> list[Block]:

    if not found.changes:
        return []
    shown = found.changes[-SHOWN_CHANGES:]
    # The year is said unless every day shown is this year's.
    with_year = {change.day.year for change in found.changes} != {found.this_year}
    rows = []
    for change in shown:
        day = f"{change.day.day} {change.day:%b}" + (f" {change.day.year}" if with_year
                                                     else "")
        row = (f"#{change.number}", day, str(change.before),
               _bar(change.before, change.out_of, 10).ljust(10), "->",
               str(change.after), _bar(change.after, change.out_of, 10))
        rows.append(tuple((cell, "") for cell in row))
    scales = {change.out_of for change in found.changes}
    out_of = f" (out of {scales.pop()})" if len(scales) == 1 else ""
    parts: list[Block] = [
        Words(""), _heading(f"How strong, at the start and at the end{out_of}"),
        _columns(rows, room, gap=1, right=(0, 2, 5), styles={0: "cyan", 4: "dim"})]
    if len(found.changes) > len(shown):
        parts.append(_note(f"The latest {len(shown)} of {len(found.changes)}; "
                           "`reflect stats --json` has every one."))
    said = change_words(found)
    if said:
        parts.append(_note(said, ""))
    return parts


def _months(found: Insights) -> list[Block]:

    if not found.months:
        return []
    chart = _chart([(f"{month.start:%b %Y}", _bar(month.average, 10, 10).ljust(10),
                     number_words(month.average),
                     f"(average of {month.count})" if month.count > 1 else "(1 reflection)")
                    for month in found.months], right=2, dim=3)
    said = trend_words(found) or "One month so far; a comparison needs two."
    return [Words(""), _heading("How strong at the start, month by month"), chart,
            Words(printable(said), indented=True, full=True)]


def _activity(found: Insights) -> list[Block]:
    if not found.periods:
        return []
    most = max(period.count for period in found.periods)
    chart = _chart([(period.name, _bar(period.count, max(most, 1), min(most, 40)),
                     str(period.count) if period.count else "")
                    for period in found.periods], right=2)
    heading = ("How often you reflected, week by week (weeks start on Monday)"
               if found.unit == "week" else "How often you reflected, month by month")
    return [_heading(heading), chart]


def _chart(rows: Sequence[tuple[str, ...]], right: int, dim: int = -1) -> Rows:
    """Rows of reflect's own words in columns a space apart, column `right` aligned to the
    right and column `dim` dimmed, each line's end trimmed of spaces."""
    widths = [max(cells(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = []
    for row in rows:
        line: list[Run] = []
        for column, cell in enumerate(row):
            pad = " " * (widths[column] - cells(cell))
            if column:
                line.append((" ", ""))
            line.append((pad + cell if column == right else cell + pad,
                         "dim" if column == dim else ""))
        lines.append(_trimmed(line))
    return Rows(tuple(lines))


def _trimmed(line: list[Run]) -> tuple[Run, ...]:
    """The runs with the spaces at the line's end taken off (runs left empty dropped)."""
    while line and not line[-1][0].rstrip():
        line.pop()
    if line:
        words, style = line[-1]
        line[-1] = (words.rstrip(), style)
    return tuple(line)


def _columns(rows: Sequence[tuple[Run, ...]], room: int, gap: int,
             right: tuple[int, ...] = (), styles: Mapping[int, str] | None = None,
             widest: Mapping[int, int] | None = None) -> Rows | Columns:
    """The rows in columns, as Table.grid(padding=(0, gap)) would show them: laid out here
    when every cell fits on its line (no wider than `widest` says for its column, and the
    whole within `room` cells), else left to a table."""
    styles = styles or {}
    widest = widest or {}
    columns = len(rows[0])
    widths = [max(cells(row[column][0]) for row in rows) for column in range(columns)]
    if (sum(widths) + gap * (columns - 1) > room
            or any(widths[column] > most for column, most in widest.items())
            or any("\n" in words for row in rows for words, _ in row)):
        return Columns(tuple(rows), gap, right, styles, widest)
    lines = []
    for row in rows:
        line: list[Run] = []
        for column, (words, own) in enumerate(row):
            pad = " " * (widths[column] - cells(words))
            style = styles.get(column, "")
            # A column's style takes in the cell as the table pads it, and the space after.
            if style and not own:
                line.append((pad + words if column in right else words + pad, style))
            elif column in right:
                line += [(pad, style), (words, f"{own} {style}".strip())]
            else:
                line += [(words, f"{own} {style}".strip()), (pad, style)]
            if column < columns - 1:
                line.append((" " * gap, style))
        lines.append(tuple(line))
    return Rows(tuple(lines))
