"""Patterns across reflections: how often they were written, how strong the feeling was
before and after, and the needs, reasons, thinking traps and other ways chosen most.

Terminal-free: entries and a Reader in, plain values out, plus the sentences that
describe them, shared by `reflect stats` and the HTML export so both say the same thing.
The numbers describe what was written. They are information, never a score or a promise.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from operator import attrgetter
from typing import Any, NamedTuple

from reflect.base.safe_text import printable
from reflect.journal.entry import DECLINED_OKAY, DIDNT_HELP, HELPED, NOT_YET, Entry
from reflect.review.entry_text import Reader
from reflect.review.filters import entry_day

FEW = 3
"""Below this many reflections, patterns would mostly be chance, so none are drawn."""

WEEKS_UP_TO_DAYS = 122
"""Reflections spread over more days than this (about four months) are counted by month."""

REASONS_STEP = "not_about_me"
TRAPS_STEP = "thinking_trap"
NOT_A_TRAP = frozenset({"none-fit"})
"""Choices of the thinking-trap step that say no trap fitted: answered, but not a trap.
These step ids are those of the shipped packs; a pack of one's own that uses the same ids
is counted the same way, and one that does not simply adds nothing to these lists."""

DEFAULT_SCALE = 10

CLOSE = 0.5
"""Months whose average "before" ratings differ by less than this read as about the same:
a rough number given in the moment moves that much on its own."""


class Period(NamedTuple):
    """One week (Monday to Sunday) or one calendar month, and how many reflections in it."""

    start: date
    end: date
    label: str
    """'2026-W45' for a week, '2026-11' for a month: stable, for scripts."""
    name: str
    """'3 Nov' (with the year when the periods cross one) or 'Nov 2026': for people."""
    count: int  # type: ignore[assignment]  # a field, not tuple.count


class Change(NamedTuple):
    """How strong the feeling was at the start of one reflection and at its end."""

    number: int
    created: str
    day: date
    before: int
    after: int
    out_of: int

    @property
    def change(self) -> int:
        return self.after - self.before


class MonthAverage(NamedTuple):
    """The average "before" rating of one month's reflections."""

    month: str
    start: date
    average: float
    count: int  # type: ignore[assignment]  # a field, not tuple.count

    @property
    def name(self) -> str:
        return f"{self.start:%B %Y}"


class Ranked(NamedTuple):
    """One answer and how many reflections chose it."""

    value: str
    """The stored value (`feeling-wanted`), or the words as written for one's own."""
    label: str
    count: int  # type: ignore[assignment]  # a field, not tuple.count
    share: float
    """count / the reflections that answered the question, to 3 places."""
    own_words: bool


class Ranking(NamedTuple):
    answered: int
    """How many reflections answered the question at all."""
    items: tuple[Ranked, ...]


class FollowUp(NamedTuple):
    """How one of the other ways went, over every time it was asked about later."""

    value: str
    label: str
    helped: int
    didnt_help: int
    declined_okay: int
    not_yet: int

    @property
    def tried(self) -> int:
        return self.helped + self.didnt_help

    @property
    def words(self) -> str:
        """'helped 2 of 3 times tried; not yet: 1', as both views of stats say it."""
        said = []
        if self.tried:
            said.append(f"helped {self.helped} of {self.tried} time"
                        f"{'s' if self.tried != 1 else ''} tried")
        if self.declined_okay:
            said.append(f"offered, declined and okay: {self.declined_okay}")
        if self.not_yet:
            said.append(f"not yet: {self.not_yet}")
        return "; ".join(said)


class Insights(NamedTuple):
    count: int  # type: ignore[assignment]  # a field, not tuple.count
    first: date | None
    last: date | None
    unit: str
    """'week' or 'month': what each period of `periods` is."""
    periods: tuple[Period, ...]
    changes: tuple[Change, ...]
    average_change: float | None
    average_before: float | None
    average_after: float | None
    months: tuple[MonthAverage, ...]
    needs: Ranking
    reasons: Ranking
    traps: Ranking
    alternatives: Ranking
    follow_ups: tuple[FollowUp, ...]
    this_year: int = 0
    """The year it was worked out in: a day of another year is named with its year."""

    @property
    def enough(self) -> bool:
        """Whether there are enough reflections for patterns to mean much."""
        return self.count >= FEW

    @property
    def trend(self) -> float | None:
        """The latest month's average "before" rating less the first month's."""
        if len(self.months) < 2:
            return None
        return round(self.months[-1].average - self.months[0].average, 2)

    def to_json(self) -> dict[str, Any]:
        """The shape `reflect stats --json` prints (documented in the README)."""

        def ranking(found: Ranking) -> dict[str, Any]:
            return {"answered": found.answered, "items": [
                {"value": item.value, "label": item.label, "count": item.count,
                 "share": item.share, "own_words": item.own_words}
                for item in found.items]}

        return {
            "count": self.count,
            "enough": self.enough,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "activity": {"unit": self.unit, "periods": [
                {"label": p.label, "start": p.start.isoformat(), "end": p.end.isoformat(),
                 "count": p.count} for p in self.periods]},
            "intensity": {
                "entries": [{"number": c.number, "created": c.created, "before": c.before,
                             "after": c.after, "change": c.change, "out_of": c.out_of}
                            for c in self.changes],
                "over": len(self.changes),
                "average_before": self.average_before,
                "average_after": self.average_after,
                "average_change": self.average_change,
            },
            "before_by_month": {
                "months": [{"month": m.month, "average": m.average, "count": m.count}
                           for m in self.months],
                "change": self.trend,
            },
            "needs": ranking(self.needs),
            "reasons": ranking(self.reasons),
            "thinking_traps": ranking(self.traps),
            "alternatives": ranking(self.alternatives),
            "follow_ups": [{"value": f.value, "label": f.label, "helped": f.helped,
                            "didnt_help": f.didnt_help, "declined_okay": f.declined_okay,
                            "not_yet": f.not_yet} for f in self.follow_ups],
        }


def compute(entries: Sequence[Entry], reader: Reader, today: date | None = None) -> Insights:
    """Every pattern of these entries (in any order; from any pack), as of `today`."""
    ordered = sorted(entries, key=attrgetter("created", "number"))
    needs, alternatives = _Tally(reader, role="needs"), _Tally(reader, role="alternatives")
    reasons = _Tally(reader, step=REASONS_STEP)
    traps = _Tally(reader, step=TRAPS_STEP, leave_out=NOT_A_TRAP)
    outcomes = _FollowUps(reader)
    days: Counter[date] = Counter()
    changes: list[Change] = []
    before_by_month: defaultdict[date, list[int]] = defaultdict(list)
    for entry in ordered:
        derived = entry.derived
        before, after = derived.get("intensity_before"), derived.get("intensity_after")
        day = entry_day(entry)
        if day != date.min:
            days[day] += 1
        if type(before) is int:  # a rating is an int: not True, not "7"
            if type(after) is int:
                changes.append(Change(entry.number, entry.created, day, before, after,
                                      _scale(reader, entry.pack_id, "intensity_before")))
            if day != date.min:
                before_by_month[day.replace(day=1)].append(before)
        if entry.followups:
            outcomes.add(entry.pack_id, entry.followups)
        needs.add(entry.pack_id, derived.get("needs"))
        alternatives.add(entry.pack_id, derived.get("alternatives"))
        reasons.add(entry.pack_id, entry.answers.get(REASONS_STEP))
        traps.add(entry.pack_id, entry.answers.get(TRAPS_STEP))
    this_year = (today or date.today()).year
    unit, periods = activity(days, this_year)
    return Insights(
        count=len(ordered),
        first=min(days) if days else None,
        last=max(days) if days else None,
        unit=unit,
        periods=periods,
        changes=tuple(changes),
        average_change=_mean([c.change for c in changes]),
        average_before=_mean([c.before for c in changes]),
        average_after=_mean([c.after for c in changes]),
        months=tuple(MonthAverage(f"{start:%Y-%m}", start, _mean(ratings) or 0.0,
                                  len(ratings))
                     for start, ratings in sorted(before_by_month.items())),
        needs=needs.ranking(),
        reasons=reasons.ranking(),
        traps=traps.ranking(),
        alternatives=alternatives.ranking(),
        follow_ups=outcomes.found(),
        this_year=this_year,
    )


# How often ----------------------------------------------------------------------------

def activity(days: dict[date, int], this_year: int) -> tuple[str, tuple[Period, ...]]:
    """Reflections per week, or per month when they spread over more than ~4 months,
    from the first reflection's period to the last one's, empty periods included, from
    how many were written on each day."""
    if not days:
        return "week", ()
    first, last = min(days), max(days)
    if (last - first).days > WEEKS_UP_TO_DAYS:
        return "month", _months(days, first, last)
    return "week", _weeks(days, first, last, this_year)


def _weeks(days: dict[date, int], first: date, last: date,
           this_year: int) -> tuple[Period, ...]:
    monday = first - timedelta(days=first.weekday())
    counts: Counter[date] = Counter()
    for day, count in days.items():
        counts[day - timedelta(days=day.weekday())] += count
    # The year is said unless every week shown is this year's.
    with_year = {first.year, last.year, monday.year} != {this_year}
    periods = []
    while monday <= last:
        year, week, _ = monday.isocalendar()
        name = f"{monday.day} {monday:%b}" + (f" {monday.year}" if with_year else "")
        periods.append(Period(monday, monday + timedelta(days=6), f"{year}-W{week:02d}",
                              name, counts[monday]))
        monday += timedelta(days=7)
    return tuple(periods)


def _months(days: dict[date, int], first: date, last: date) -> tuple[Period, ...]:
    counts: Counter[tuple[int, int]] = Counter()
    for day, count in days.items():
        counts[(day.year, day.month)] += count
    periods = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        start = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        periods.append(Period(start, following - timedelta(days=1), f"{year}-{month:02d}",
                              f"{start:%b %Y}", counts[(year, month)]))
        year, month = following.year, following.month
    return tuple(periods)


# How strong ---------------------------------------------------------------------------

def _scale(reader: Reader, pack_id: str, role: str) -> int:
    step = reader.for_pack(pack_id).role_step(role)
    return step.max if step is not None and step.kind == "scale" else DEFAULT_SCALE


def _mean(values: Sequence[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


# What was chosen ----------------------------------------------------------------------

# The same few answers come up in reflection after reflection, so these are kept.

@functools.lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> str:
    """The text on one line: control characters out, spaces evened."""
    return " ".join(printable(text, keep_newlines=False).split())


def _chosen(value: Any) -> list[str]:
    """The values chosen or written in an answer, each on one line."""
    items = value if isinstance(value, list) else [value]
    values = []
    for item in items:
        if isinstance(item, str) or (type(item) is int):
            words = _words(str(item))
            if words:
                values.append(words)
    return values


@dataclass
class _Counted:
    """How one answer (its words folded) was counted across the reflections."""

    count: int = 0
    label: str | None = None
    """The pack's words for it, from the latest reflection that chose it from a pack."""
    value: str = ""
    """The stored value behind that label."""
    written: str | None = None
    """The first words of one's own that fold to it."""
    own_words: bool = True


class _Tally:
    """How many reflections chose each answer of one question, most chosen first.

    Give `role` for a derived field (needs, alternatives), or `step` for an answer.
    Words of one's own ("other") are counted as written; capitals and spacing aside, the
    same words written twice count together. The same value from two packs counts once.
    A value's label comes from the latest entry that had one, and the words of one's own
    from the first that wrote them. Entries are added oldest first."""

    def __init__(self, reader: Reader, role: str | None = None, step: str | None = None,
                 leave_out: frozenset[str] = frozenset()) -> None:
        self.reader = reader
        self.role = role
        self.step = step
        self.leave_out = leave_out
        self.answered = 0
        self.counted: dict[str, _Counted] = {}

    def add(self, pack_id: str, answer: Any) -> None:
        chosen = _chosen(answer)
        if not chosen:
            return
        self.answered += 1
        index = self.reader.for_pack(pack_id)
        if self.role is not None:
            found = index.role_step(self.role)
            step_id = found.id if found else None
        else:
            step_id = self.step
        seen: set[str] = set()
        for value in chosen:
            key = _fold(value)
            if value in self.leave_out or key in seen:
                continue
            seen.add(key)
            counted = self.counted.setdefault(key, _Counted())
            counted.count += 1
            choice = index.choice(step_id, value) if step_id else None
            if choice is not None:
                counted.label, counted.value = _words(choice.label), value
                counted.own_words = False
            else:
                if counted.written is None:
                    counted.written = value
                counted.own_words = (counted.own_words and step_id is not None
                                     and step_id in index.steps)

    def ranking(self) -> Ranking:
        items = []
        for counted in self.counted.values():
            label, value = ((counted.label, counted.value) if counted.label is not None
                            else (counted.written or "", counted.written or ""))
            items.append(Ranked(value, label, counted.count,
                                round(counted.count / self.answered, 3), counted.own_words))
        items.sort(key=lambda item: (-item.count, item.label.casefold(), item.label))
        return Ranking(self.answered, tuple(items))


class _FollowUps:
    """How the other ways went, from the answers given when reflect followed up on them.

    Counted per way (a way chosen in three reflections can be told about three times);
    "don't ask again" is not counted. Ways that helped most come first."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self._tally: dict[str, dict[str, int]] = {}
        self._labels: dict[str, str] = {}

    def add(self, pack_id: str, followups: dict[str, dict[str, Any]]) -> None:

        for value, record in followups.items():
            outcome = record.get("outcome")
            if outcome not in (HELPED, DIDNT_HELP, DECLINED_OKAY, NOT_YET):
                continue
            key = _fold(value)
            if key not in self._labels:
                self._labels[key] = self.reader.for_pack(pack_id).label("alternatives", value)
            counts = self._tally.setdefault(key, dict.fromkeys(
                (HELPED, DIDNT_HELP, DECLINED_OKAY, NOT_YET), 0))
            counts[str(outcome)] += 1

    def found(self) -> tuple[FollowUp, ...]:

        found = [FollowUp(value=key, label=self._labels[key], helped=c[HELPED],
                          didnt_help=c[DIDNT_HELP], declined_okay=c[DECLINED_OKAY],
                          not_yet=c[NOT_YET]) for key, c in self._tally.items()]
        found.sort(key=lambda f: (-f.helped, f.didnt_help, f.label.casefold()))
        return tuple(found)


# Words --------------------------------------------------------------------------------

def number_words(value: float) -> str:
    """A number as a person reads it: one decimal at most, none when whole (2, 4.5)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _points(value: float) -> str:
    words = number_words(abs(value))
    return f"{words} point" + ("" if words == "1" else "s")


def _reflections(count: int) -> str:
    return f"{count} reflection" + ("" if count == 1 else "s")


def change_words(found: Insights) -> str | None:
    """The average change from the start of a reflection to its end, as information."""
    if found.average_change is None:
        return None
    over = len(found.changes)
    basis = (f"({_reflections(over)} with a rating at the start and the end)" if over != 1
             else "(1 reflection with a rating at the start and the end)")
    change = found.average_change
    if number_words(abs(change)) == "0":
        return f"On average the feeling was about the same at the end as at the start {basis}."
    if change < 0:
        return f"On average the feeling was {_points(change)} lower by the end {basis}."
    return (f"On average the feeling was {_points(change)} stronger by the end {basis}. "
            "Looking closely at something that hurts can stir it up for a while; that is "
            "worth knowing too.")


def trend_words(found: Insights) -> str | None:
    """How the "before" rating of the first month compares with the latest month's."""
    if found.trend is None:
        return None
    first, latest = found.months[0], found.months[-1]
    said = (f"At the start of a reflection the feeling was {number_words(first.average)} "
            f"on average in {first.name}, and {number_words(latest.average)} in "
            f"{latest.name}")
    if number_words(abs(found.trend)) == "0":
        return said + ": about the same."
    difference = f"{_points(found.trend)} {'lower' if found.trend < 0 else 'higher'}"
    if abs(found.trend) < CLOSE:
        return said + f": about the same ({difference})."
    return said + f": {difference}."


def few_words(count: int) -> str:
    """What to say instead of charts while there are only one or two reflections."""
    return (f"You have {_reflections(count)} so far. Patterns need a few more to show "
            "(three or more), so there are no charts yet. Here is what there is:")


def span_words(found: Insights) -> str:
    """'6 reflections, 2 September 2026 to 2 November 2026'."""
    said = _reflections(found.count)
    if found.first is None or found.last is None:
        return said
    first = f"{found.first.day} {found.first:%B %Y}"
    last = f"{found.last.day} {found.last:%B %Y}"
    return f"{said}, {first}" + (f" to {last}" if last != first else "")


NOT_A_FORECAST = ("These numbers describe what you wrote. They are not a score, and not a "
                  "promise of what comes next.")
