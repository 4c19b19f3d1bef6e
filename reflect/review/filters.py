"""Finding entries again: dates people type, the filters every read command shares,
short references (a number or the start of an id), and searching the answers.

Terminal-free: it works on Entry objects and plain values.
"""

from __future__ import annotations

import functools
import re
import shlex
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from operator import attrgetter
from typing import NamedTuple

from reflect.base.errors import ReflectError
from reflect.base.safe_text import echoed, printable
from reflect.journal.entry import Entry

DATE_HELP = ("a date like 2026-11-02 or 2026-11, or a relative one: today, yesterday, "
             "7d, 2w, 3m, 1y, '3 days ago', 'this week', 'last week', 'this month', "
             "'last month'")

_UNITS = {"d": "days", "day": "days", "days": "days",
          "w": "weeks", "week": "weeks", "weeks": "weeks",
          "m": "months", "month": "months", "months": "months",
          "y": "years", "year": "years", "years": "years"}
_RELATIVE = re.compile(r"^(\d{1,4})\s*([a-z]+)(?:\s+ago)?$")


class BadQuery(ReflectError):
    """Something typed on the command line that cannot be read; exit 2 like a wrong flag."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=2)


def _days_in(year: int, month: int) -> int:
    """How many days the month has (what calendar.monthrange tells, without loading it)."""
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - timedelta(days=1)).day


def _months_back(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, _days_in(year, month)))


def period(text: str, today: date) -> tuple[date, date]:
    """The first and last day a date expression stands for.

    `2026-11-02` and `3 days ago` are one day; `2026-11` and `last month` a calendar
    month; `this week` and `last week` run Monday to Sunday.
    """
    spoken = " ".join(text.strip().lower().split())
    if spoken in ("today", "now"):
        return today, today
    if spoken == "yesterday":
        day = today - timedelta(days=1)
        return day, day
    if spoken in ("this week", "last week"):
        monday = today - timedelta(days=today.weekday())
        if spoken == "last week":
            monday -= timedelta(days=7)
        return monday, monday + timedelta(days=6)
    if spoken in ("this month", "last month"):
        first = today.replace(day=1)
        if spoken == "last month":
            first = _months_back(first, 1)
        return first, first.replace(day=_days_in(first.year, first.month))
    if spoken in ("this year", "last year"):
        year = today.year - (spoken == "last year")
        return date(year, 1, 1), date(year, 12, 31)
    relative = _RELATIVE.match(spoken)
    if relative and relative.group(2) in _UNITS:
        amount, unit = int(relative.group(1)), _UNITS[relative.group(2)]
        try:
            if unit == "days":
                day = today - timedelta(days=amount)
            elif unit == "weeks":
                day = today - timedelta(weeks=amount)
            elif unit == "months":
                day = _months_back(today, amount)
            else:
                day = _months_back(today, 12 * amount)
        except (ValueError, OverflowError):  # before the year 1, where dates end
            raise BadQuery(f"The date {echoed(text)} is further back than any calendar "
                           "date. Use a smaller number, or a date like 2026-11-02.") from None
        return day, day
    try:
        if re.fullmatch(r"\d{4}-\d{2}", spoken):
            first = date.fromisoformat(spoken + "-01")
            return first, first.replace(day=_days_in(first.year, first.month))
        if re.fullmatch(r"\d{4}", spoken):
            return date(int(spoken), 1, 1), date(int(spoken), 12, 31)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", spoken):
            day = date.fromisoformat(spoken)
            return day, day
    except ValueError:
        pass
    raise BadQuery(f"Cannot read the date {echoed(text)}. Use {DATE_HELP}.")


def entry_day(entry: Entry) -> date:
    """The calendar day the entry was written, where it was written."""
    try:
        return datetime.fromisoformat(entry.created).date()
    except ValueError:
        return date.min


Labeller = Callable[[Entry, str, str], str]
"""(entry, role, value) -> the words a person saw for that value."""


class Filters(NamedTuple):
    """What narrows a read command. Empty filters let every entry through."""

    since: date | None = None
    until: date | None = None
    needs: Sequence[str] = ()
    emotions: Sequence[str] = ()
    kinds: Sequence[str] = ()
    packs: Sequence[str] = ()
    labeller: Labeller | None = None
    given: Sequence[str] = ()
    """The filters as typed (`--since 2027`), to name them when nothing matches."""

    @classmethod
    def parse(cls, since: str | None = None, until: str | None = None,
              needs: Sequence[str] = (), emotions: Sequence[str] = (),
              kinds: Sequence[str] = (), packs: Sequence[str] = (),
              today: date | None = None, labeller: Labeller | None = None) -> Filters:
        today = today or date.today()
        first = period(since, today)[0] if since else None
        last = period(until, today)[1] if until else None
        if first and last and first > last:
            raise BadQuery(f"--since ({first.isoformat()}) is after --until "
                           f"({last.isoformat()}), so nothing could match.")
        given = [f"--since {shlex.quote(since)}"] if since else []
        given += [f"--until {shlex.quote(until)}"] if until else []
        for option, words in (("--need", needs), ("--emotion", emotions), ("--kind", kinds),
                              ("--pack", packs)):
            given += [f"{option} {shlex.quote(word)}" for word in words]
        return cls(first, last, tuple(needs), tuple(emotions), tuple(kinds),
                   tuple(packs), labeller, tuple(given))

    @property
    def active(self) -> bool:
        return bool(self.since or self.until or self.needs or self.emotions
                    or self.kinds or self.packs)

    def described(self) -> str:
        """The filters as they were typed: `--since 2027 --emotion sad`."""
        return " ".join(self.given) if self.given else "those filters"

    def check(self, known: Mapping[str, Sequence[tuple[str, str]]]) -> None:
        """Refuse a need, feeling, moment or pack that no pack offers and no reflection
        holds, naming the ones there are: a typo would otherwise match nothing, silently.

        `known` gives, for each of "needs", "emotions", "kind" and "pack", the (value,
        label) pairs a filter may name, either way, as the filters fold them."""
        for role, wanted in (("kind", self.kinds), ("needs", self.needs),
                             ("emotions", self.emotions), ("pack", self.packs)):
            pairs = known.get(role, ())
            words = {_fold(word) for pair in pairs for word in pair}
            for word in wanted:
                if _fold(word) not in words:
                    one, many = FILTER_NOUNS[role]
                    values = list(dict.fromkeys(value for value, _ in pairs))
                    there = (f"{many} are: {', '.join(values)}" if values
                             else f"there are no {many} yet")
                    raise BadQuery(f"There is no {one} called {word!r}; {there}.")

    def labelled(self, labeller: Labeller) -> Filters:
        """These filters, matching a value by its label too (as a pack words it)."""
        return self._replace(labeller=labeller)

    def matches(self, entry: Entry) -> bool:
        return self._matcher()(entry)

    def select(self, entries: Iterable[Entry]) -> list[Entry]:
        if not self.active:
            return list(entries)
        matches = self._matcher()
        return [entry for entry in entries if matches(entry)]

    def _matcher(self) -> Callable[[Entry], bool]:
        """A test for one entry, with the wanted words folded once for every entry."""
        since, until, labeller = self.since, self.until, self.labeller
        packs = {_fold(p) for p in self.packs}
        wanted = [(role, {_fold(w) for w in words}) for role, words in (
            ("needs", self.needs), ("emotions", self.emotions), ("kind", self.kinds)) if words]

        def has(entry: Entry, role: str, folded: set[str]) -> bool:
            value = entry.derived.get(role)
            values = value if isinstance(value, list) else [] if value is None else [value]
            for item in values:
                word = str(item)
                if _fold(word) in folded or (
                        labeller is not None and _fold(labeller(entry, role, word)) in folded):
                    return True
            return False

        def matches(entry: Entry) -> bool:
            if since or until:
                day = entry_day(entry)
                if (since and day < since) or (until and day > until):
                    return False
            if packs and _fold(entry.pack_id) not in packs:
                return False
            return all(has(entry, role, folded) for role, folded in wanted)

        return matches


FILTER_NOUNS = {"kind": ("moment", "moments"), "needs": ("need", "needs"),
                "emotions": ("feeling", "feelings"), "pack": ("pack", "packs")}
"""What each filter names, one and many, as a person would say it."""

_SEPARATORS = re.compile(r"[\s_-]+")


@functools.lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    """The word as filters compare it: case-insensitive, and forgiving about '-', '_' and
    spaces, so `feeling wanted` finds `feeling-wanted`. Kept, since the same few words
    come up in entry after entry."""
    return _SEPARATORS.sub(" ", text.casefold()).strip()


def newest_first(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=attrgetter("created", "number"), reverse=True)


MAX_NUMBER_DIGITS = 18
"""The longest reflection number looked for: more than any journal will ever reach."""


def find(entries: Sequence[Entry], ref: str) -> Entry:
    """The entry a person means by `12`, `#12` or the start of its id (at least 4 characters)."""
    wanted = ref.strip().lstrip("#")
    if wanted.isdecimal():  # what int() reads: ASCII digits, and those of other scripts
        # Beyond MAX_NUMBER_DIGITS no reflection has the number, and int() itself refuses
        # a string of more than 4,300 digits.
        number = int(wanted) if len(wanted) <= MAX_NUMBER_DIGITS else None
        numbered = [entry for entry in entries if entry.number == number]
        if len(numbered) == 1:
            return numbered[0]
        if numbered:  # only a journal edited by hand gives two entries one number
            ids = ", ".join(entry.id[:8] for entry in numbered[:5])
            raise ReflectError(f"More than one reflection has the number {number} (their ids "
                               f"start {ids}). Use the start of the id instead.")
        # An id can start with digits only; try that before saying there is no such number.
        if len(wanted) < 4 or not any(e.id.startswith(wanted) for e in entries):
            shown = f"#{number}" if number is not None else f"numbered {echoed(wanted)}"
            raise ReflectError(f"There is no reflection {shown}. "
                               "`reflect list` shows their numbers.")
    prefix = wanted.lower()
    if len(prefix) < 4 or not re.fullmatch(r"[0-9a-f-]+", prefix):
        raise BadQuery(f"{echoed(ref)} is not a reflection number or the start of an id. "
                       "Use the number `reflect list` shows, like 12.")
    found = [entry for entry in entries if entry.id.lower().startswith(prefix)]
    if not found:
        raise ReflectError(f"No reflection has an id starting with {echoed(prefix)}.")
    if len(found) > 1:
        numbers = ", ".join(f"#{e.number}" for e in found[:5])
        raise ReflectError(f"More than one reflection has an id starting with {prefix} "
                           f"({numbers}). Type more of the id, or use the number.")
    return found[0]


class Hit(NamedTuple):
    """Where a search word was found: one answer of one entry."""

    entry: Entry
    step: str
    snippet: str
    spans: tuple[tuple[int, int], ...]


SNIPPET_AROUND = 40


def search(entries: Iterable[Entry], needle: str,
           answer_texts: Callable[[Entry], Iterable[tuple[str, str]]]) -> list[Hit]:
    """Every answer holding the needle (case-insensitive), with a snippet around it.

    `answer_texts(entry)` gives (step id, text) for each answer, as a person reads it
    (choices by their labels), so a search for a word they saw finds it. The spaces of a
    text are evened here, before control characters are taken out, so that one which is
    also a space (a form feed, say) still parts two words."""
    wanted = " ".join(needle.split()).casefold()
    if not wanted:
        raise BadQuery("Give a word or phrase to search for, like: reflect search tired")
    words = wanted.split(" ")
    hits = []
    for entry in entries:
        answers = list(answer_texts(entry))
        # Every word of the needle must be somewhere in the entry: a look over all its
        # answers at once passes over most entries before each answer is evened.
        everything = printable("\n".join([raw for _, raw in answers])).casefold()
        if not all(word in everything for word in words):
            continue
        for step_id, raw in answers:
            text = " ".join(printable(" ".join(raw.split())).split())
            folded, places = _folded(text)
            start = folded.find(wanted)
            if start < 0:
                continue
            hits.append(_hit(entry, step_id, text, folded, places, wanted, start))
    return hits


def _folded(text: str) -> tuple[str, list[int] | None]:
    """The text case-folded, and where each of its characters came from in the text: None
    when each came from the one in its place, as for nearly all text. Folding may make
    one character several (ß is ss, ﬁ is fi), so that `strasse` finds Straße and
    `Straße` finds STRASSE."""
    folded = text.casefold()
    if len(folded) == len(text):  # folding never makes a character nothing
        return folded, None
    parts: list[str] = []
    places: list[int] = []
    for place, character in enumerate(text):
        part = character.casefold()
        parts.append(part)
        places += [place] * len(part)
    return "".join(parts), places


def _hit(entry: Entry, step_id: str, text: str, folded: str, places: list[int] | None,
         wanted: str, first: int) -> Hit:
    """The hit for the needle found at `first` in the folded text: a snippet of the text
    around it, and where each match in the snippet is (a match that starts or ends inside
    a character folding made several takes that character in whole)."""

    def in_text(at: int) -> tuple[int, int]:
        """Where the match at this place of the folded text is in the text."""
        if places is None:
            return at, at + len(wanted)
        return places[at], places[at + len(wanted) - 1] + 1

    start, stop = in_text(first)
    begin = max(0, start - SNIPPET_AROUND)
    end = min(len(text), stop + SNIPPET_AROUND)
    if begin > 0:
        space = text.find(" ", begin, start)
        begin = space + 1 if space >= 0 else begin
    if end < len(text):
        space = text.rfind(" ", stop, end)
        end = space if space >= 0 else end
    prefix = "…" if begin > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - begin  # from a place in the text to the same in the snippet
    spans: list[tuple[int, int]] = []
    shown_to = begin
    at = first
    while at >= 0:
        start, stop = in_text(at)
        if stop > end:
            break
        if start >= shown_to:  # not the same character again (s, then s, of ß)
            spans.append((start + shift, stop + shift))
            shown_to = stop
        at = folded.find(wanted, at + len(wanted))
    return Hit(entry, step_id, prefix + text[begin:end] + suffix, tuple(spans))
