"""What `reflect stats` shows: its sections as rich draws them, in tables that lay out,
wrap and cut their own cells. render.py prints them.

A person's own words (the labels of what they chose) are made printable and passed as
Text, as everywhere they are shown: never read as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.bar import Bar
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

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
TOP = 5
SHOWN_CHANGES = 20


def overview(found: Insights) -> list[Any]:
    """The overview of `found`, section by section, for rich to draw."""
    head = [Text("Your reflections at a glance", "bold"),
            Text(printable(span_words(found)), "dim"), Text("")]
    if not found.enough:
        body = _few(found)
    else:
        body = [*_activity(found), *_changes(found), *_months(found),
                *_ranked("The needs underneath", found.needs,
                         "reflections that named a need"),
                *_ranked("What else it might have been about", found.reasons,
                         "reflections that looked for other reasons"),
                *_ranked("Thinking traps you noticed", found.traps,
                         "reflections that looked at thinking traps"),
                *_ranked("Other ways you chose", found.alternatives,
                         "reflections that chose one"),
                *_followed_up(found)]
    return [*head, *body, Text(""), Text(NOT_A_FORECAST, "dim")]


def _few(found: Insights) -> list[Any]:
    said: list[Any] = [Text(few_words(found.count))]
    for change in found.changes:
        said.append(_indented(f"#{change.number}: how strong, {change.before} at the start "
                              f"and {change.after} at the end (out of {change.out_of})."))
    if found.needs.items:
        said.append(_indented("The need underneath: " + ", ".join(
            printable(item.label) for item in found.needs.items) + "."))
    if found.alternatives.items:
        said.append(_indented("Other ways you chose: " + ", ".join(
            printable(item.label) for item in found.alternatives.items) + "."))
    return said


def _bar(value: float, most: float, size: int) -> Bar:
    """A bar `size` cells long at most, filled to value/most (in eighths of a cell); on a
    narrow screen rich draws it shorter, to scale. A value past `most` (a rating edited
    by hand beyond its scale) fills it."""
    return Bar(most, 0, value, width=size)


def _heading(words: str) -> list[Any]:
    return [Text(""), Text(words, "bold cyan")]


def _indented(words: str, style: str = "") -> Padding:
    """Reflect's words (or labels made printable) two cells in, wrapped clear of the edge."""
    return Padding(Text(words, style), (0, 0, 0, 2), expand=False)


def _table(gap: int = 1) -> Table:
    return Table.grid(padding=(0, gap))


NARROWS: dict[str, Any] = {"no_wrap": False}
"""A column rich narrows first on a narrow screen (it narrows those that may wrap): its
cells never wrap, though: a bar is drawn shorter, words are cut (_one_line)."""


def _one_line(words: str, style: str = "") -> Text:
    return Text(words, style, no_wrap=True, overflow="ellipsis")


def _ranked(title: str, ranking: Ranking, answered_words: str) -> list[Any]:
    if not ranking.items:
        return []
    table = _table(gap=2)
    table.add_column(max_width=56, overflow="fold")  # own words wrap, however long
    table.add_column(justify="right", no_wrap=True)
    table.add_column(justify="right", no_wrap=True, style="dim")
    for item in ranking.items[:TOP]:
        table.add_row(Text(printable(item.label)), str(item.count),
                      f"{round(item.share * 100)}%")
    notes = f"Out of {ranking.answered} {answered_words}."
    more = len(ranking.items) - TOP
    if more > 0:
        notes += f" {more} more in `reflect stats --json`."
    return [*_heading(title), Padding(table, (0, 0, 0, 2), expand=False),
            _indented(notes, "dim")]


def _followed_up(found: Insights) -> list[Any]:
    """What you said later about the other ways you tried."""
    if not found.follow_ups:
        return []
    table = _table(gap=2)
    table.add_column(max_width=40, overflow="fold")
    table.add_column(style="dim")
    for item in found.follow_ups[:TOP]:
        table.add_row(Text(printable(item.label)), item.words)
    return [*_heading("How the other ways went, as you said later"),
            Padding(table, (0, 0, 0, 2), expand=False)]


def _changes(found: Insights) -> list[Any]:
    if not found.changes:
        return []
    shown = found.changes[-SHOWN_CHANGES:]
    # The year is said unless every day shown is this year's.
    with_year = {change.day.year for change in found.changes} != {found.this_year}
    table = _table()
    table.add_column(justify="right", no_wrap=True, style="cyan")
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(**NARROWS)
    table.add_column(no_wrap=True, style="dim")
    table.add_column(justify="right", no_wrap=True)
    table.add_column(**NARROWS)
    for change in shown:
        day = f"{change.day.day} {change.day:%b}" + (f" {change.day.year}" if with_year
                                                     else "")
        table.add_row(f"#{change.number}", day, str(change.before),
                      _bar(change.before, change.out_of, 10), "->", str(change.after),
                      _bar(change.after, change.out_of, 10))
    scales = {change.out_of for change in found.changes}
    out_of = f" (out of {scales.pop()})" if len(scales) == 1 else ""
    parts = [*_heading(f"How strong, at the start and at the end{out_of}"),
             Padding(table, (0, 0, 0, 2), expand=False)]
    if len(found.changes) > len(shown):
        parts.append(_indented(f"The latest {len(shown)} of {len(found.changes)}; "
                               "`reflect stats --json` has every one.", "dim"))
    said = change_words(found)
    if said:
        parts.append(_indented(said))
    return parts


def _months(found: Insights) -> list[Any]:
    if not found.months:
        return []
    table = _chart([(f"{month.start:%b %Y}", _bar(month.average, 10, 10),
                     number_words(month.average),
                     _one_line(f"(average of {month.count})" if month.count > 1
                               else "(1 reflection)", "dim"))
                    for month in found.months])
    said = trend_words(found) or "One month so far; a comparison needs two."
    return [*_heading("How strong at the start, month by month"), table, _indented(said)]


def _activity(found: Insights) -> list[Any]:
    if not found.periods:
        return []
    most = max(period.count for period in found.periods)
    table = _chart([(period.name, _bar(period.count, max(most, 1), min(most, 40)),
                     str(period.count) if period.count else "")
                    for period in found.periods])
    heading = ("How often you reflected, week by week (weeks start on Monday)"
               if found.unit == "week" else "How often you reflected, month by month")
    return [Text(heading, "bold cyan"), table]  # the first section: no line above


def _chart(rows: Sequence[tuple[Any, ...]]) -> Padding:
    """Rows of a name, a bar, a number and maybe some words, a space apart and never
    wrapped: on a narrow screen the words, then the bar, are cut short."""
    table = _table()
    table.add_column(no_wrap=True)
    table.add_column(**NARROWS)
    table.add_column(justify="right", no_wrap=True)
    if len(rows[0]) > 3:
        table.add_column(**NARROWS)
    for row in rows:
        table.add_row(*row)
    return Padding(table, (0, 0, 0, 2), expand=False)
