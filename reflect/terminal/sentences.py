"""What plain mode says instead of drawing: the summary of a saved reflection and the
patterns of `reflect stats`, as sentences, one a line, that a screen reader reads in order.

Terminal-free: an entry or Insights in, lines of words out (render.py writes them). No
bars, boxes or columns; the same facts as the drawn views, in the same order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reflect.journal.entry import PREPARE_PACK, Entry
from reflect.packs.model import Pack
from reflect.review.entry_text import together
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
from reflect.terminal.stats_layout import SHOWN_CHANGES, TOP


def labels(pack: Pack, role: str, values: Any) -> list[str]:
    """The words of a derived field's values, as the pack offered them (with any hint)."""
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


def _ended(text: str) -> str:
    """The words as a sentence: with a full stop unless they end in one of their own."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def summary_lines(entry: Entry, pack: Pack, journal: Path) -> list[str]:
    """What the summary panel shows once a reflection is saved, as sentences."""
    derived = entry.derived
    preparing = pack.id == PREPARE_PACK
    lines = [f"{'Preparation' if preparing else 'Reflection'} #{entry.number} is saved."]

    def said(heading: str, words: list[str]) -> None:
        if words:
            lines.append(_ended(f"{heading}: {together(words)}"))

    title = " ".join(str(derived.get("title") or "").split())
    said("Hoping for" if preparing else "What happened", [title] if title else [])
    said("Feelings", labels(pack, "emotions", derived.get("emotions")))
    said("The need", labels(pack, "needs", derived.get("needs")))
    said("If it's no" if preparing else "Other ways",
         labels(pack, "alternatives", derived.get("alternatives")))
    said("A kinder reading", labels(pack, "reframe", derived.get("reframe")))
    before, after = derived.get("intensity_before"), derived.get("intensity_after")
    if before is not None and after is not None:
        lines.append(f"How strong: {before} at the start and {after} at the end, out of 10.")
    elif before is not None:
        lines.append(f"How strong: {before} out of 10.")
    said("To remember", labels(pack, "remember", derived.get("remember")))
    lines.append(f"Saved to {journal}")
    return lines


def stats_lines(found: Insights) -> list[str]:
    """What `reflect stats` draws, as sentences: each section a heading line, then one
    line for each thing it counts."""
    lines = [f"Your reflections at a glance: {span_words(found)}."]
    if not found.enough:
        lines.append(few_words(found.count))
        for change in found.changes:
            lines.append(f"#{change.number}: how strong, {change.before} at the start and "
                         f"{change.after} at the end (out of {change.out_of}).")
        if found.needs.items:
            lines.append(_ended("The need underneath: "
                                + together([item.label for item in found.needs.items])))
        if found.alternatives.items:
            lines.append(_ended("Other ways you chose: "
                                + together([item.label for item in found.alternatives.items])))
    else:
        lines += _activity(found) + _changes(found) + _months(found)
        lines += _ranked("The needs underneath", found.needs, "reflections that named a need")
        lines += _ranked("What else it might have been about", found.reasons,
                         "reflections that looked for other reasons")
        lines += _ranked("Thinking traps you noticed", found.traps,
                         "reflections that looked at thinking traps")
        lines += _ranked("Other ways you chose", found.alternatives,
                         "reflections that chose one")
        lines += _followed_up(found)
    return [*lines, "", NOT_A_FORECAST]


def _count(number: int) -> str:
    return "none" if number == 0 else f"{number} reflection" + ("" if number == 1 else "s")


def _activity(found: Insights) -> list[str]:
    if not found.periods:
        return []
    if found.unit == "week":
        lines = ["", "How often you reflected, week by week (weeks start on Monday):"]
        lines += [f"Week of {period.name}: {_count(period.count)}."
                  for period in found.periods]
    else:
        lines = ["", "How often you reflected, month by month:"]
        lines += [f"{period.name}: {_count(period.count)}." for period in found.periods]
    return lines


def _changes(found: Insights) -> list[str]:
    if not found.changes:
        return []
    shown = found.changes[-SHOWN_CHANGES:]
    with_year = len({change.day.year for change in found.changes}) > 1
    scales = {change.out_of for change in found.changes}
    out_of = f" (out of {scales.pop()})" if len(scales) == 1 else ""
    lines = ["", f"How strong, at the start and at the end{out_of}:"]
    for change in shown:
        day = f"{change.day.day} {change.day:%B}" + (f" {change.day.year}" if with_year
                                                     else "")
        lines.append(f"#{change.number}, {day}: {change.before} at the start, "
                     f"{change.after} at the end.")
    if len(found.changes) > len(shown):
        lines.append(f"Those are the latest {len(shown)} of {len(found.changes)}; "
                     "`reflect stats --json` has every one.")
    words = change_words(found)
    if words:
        lines.append(words)
    return lines


def _months(found: Insights) -> list[str]:
    if not found.months:
        return []
    lines = ["", "How strong at the start, month by month:"]
    for month in found.months:
        basis = f"the average of {month.count}" if month.count > 1 else "1 reflection"
        lines.append(f"{month.name}: {number_words(month.average)} ({basis}).")
    lines.append(trend_words(found) or "One month so far; a comparison needs two.")
    return lines


def _ranked(title: str, ranking: Ranking, answered_words: str) -> list[str]:
    if not ranking.items:
        return []
    lines = ["", f"{title}, out of {ranking.answered} {answered_words}:"]
    lines += [_ended(f"{item.label}: {item.count} ({round(item.share * 100)}%)")
              for item in ranking.items[:TOP]]
    more = len(ranking.items) - TOP
    if more > 0:
        lines.append(f"{more} more in `reflect stats --json`.")
    return lines


def _followed_up(found: Insights) -> list[str]:
    if not found.follow_ups:
        return []
    lines = ["", "How the other ways went, as you said later:"]
    for item in found.follow_ups[:TOP]:
        lines.append(_ended(f"{item.label}: {item.words}"))
    return lines
