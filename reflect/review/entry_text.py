"""How an entry reads for a person: questions as headings, choices by their labels, dates
in words. Shared by `show`, `search`, `list` and the exports; terminal-free.

An entry may outlive its pack (a pack of one's own that was removed, or an import from
another machine): then the step ids stand in for the questions and the stored values for
the labels, so nothing is ever hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from reflect.base.safe_text import printable
from reflect.journal.entry import DISMISSED, OUTCOME_WORDS, Entry
from reflect.packs.model import CHOICE_KINDS, Choice, Pack, Step
from reflect.review.filters import Hit


class Answer(NamedTuple):
    """One answered step, ready to read."""

    step: str
    question: str
    kind: str
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def listed(self) -> bool:
        """Whether the answer reads best as a list (several choices)."""
        return self.kind == "checkbox" or len(self.lines) > 1


class Reader:
    """Reads entries with the packs that wrote them.

    What it looks up in a pack (a step by its id, the words for a stored value) is kept
    the first time it is asked for, so reading many entries costs a dictionary look-up
    per answer rather than a walk through the pack."""

    def __init__(self, packs: Iterable[Pack]) -> None:
        self.packs = {pack.id: pack for pack in packs}
        self._indexes: dict[str, _PackIndex] = {}

    def _index(self, entry: Entry) -> _PackIndex:
        return self.for_pack(entry.pack_id)

    def for_pack(self, pack_id: str) -> _PackIndex:
        """What is known of one pack, by its id: for going through many entries whose
        fields are read without being kept (stats), so not asked of the entry itself."""
        index = self._indexes.get(pack_id)
        if index is None:
            index = self._indexes[pack_id] = _PackIndex(self.packs.get(pack_id))
        return index

    def pack_of(self, entry: Entry) -> Pack | None:
        return self.packs.get(entry.pack_id)

    def label(self, entry: Entry, role: str, value: str) -> str:
        """The label a person saw for a derived value (a need, an emotion, a kind)."""
        return self._index(entry).label(role, value)

    def labels(self, entry: Entry, role: str) -> list[str]:
        value = entry.derived.get(role)
        values = value if isinstance(value, list) else [] if value in (None, "") else [value]
        index = self._index(entry)
        step = index.role_step(role)
        if step is None:
            return [str(item) for item in values]
        words = index.words(step.id, hint=False)
        return [words.get(item, item) for item in map(str, values)]

    def answers(self, entry: Entry) -> list[Answer]:
        """Every answer, in the order the pack asks them; unknown steps last."""
        index = self._index(entry)
        given = entry.answers
        return [index.answer(step_id, value) for step_id in index.ordered(given)
                if (value := given[step_id]) not in (None, "", [])]

    def answer(self, entry: Entry, step_id: str) -> Answer:
        return self._index(entry).answer(step_id, entry.answers.get(step_id))

    def followups(self, entry: Entry) -> list[tuple[str, str]]:
        """(alternative as a person saw it, how it went) for each one asked about later."""
        if not entry.followups:
            return []

        return [(self.label(entry, "alternatives", key),
                 OUTCOME_WORDS.get(record.get("outcome", ""), "?"))
                for key, record in entry.followups.items()
                if record.get("outcome") != DISMISSED]

    def answer_texts(self, entry: Entry) -> list[tuple[str, str]]:
        """(step id, the answer as one string) for each answer, in the order they are kept:
        choices by their words joined by '; ' (their spaces evened), text as written. What
        search looks through, for every entry, so it is built in one go."""
        index = self._index(entry)
        texts = []
        for step_id, value in entry.answers.items():
            if step_id in index.choice_steps:
                text = index.chosen_text(step_id, value)
            elif type(value) is str:
                text = value
            else:
                text = "; ".join(_even(line) for line in index.answer(step_id, value).lines)
            texts.append((step_id, text))
        return texts


class _PackIndex:
    """One pack's steps by id and in order, and the words for each choice step's values,
    each worked out once. A pack that is not here has no steps."""

    def __init__(self, pack: Pack | None) -> None:
        self.pack = pack
        self.order = tuple(step.id for step in pack.steps) if pack else ()
        self.steps: dict[str, Step] = {}
        for step in pack.steps if pack else ():
            self.steps.setdefault(step.id, step)  # the first of a repeated id, as Pack.step
        self.choice_steps = frozenset(step_id for step_id, step in self.steps.items()
                                      if step.kind in CHOICE_KINDS)
        self._roles: dict[str, Step | None] = {}
        self._choices: dict[str, dict[str, Choice]] = {}
        self._words: dict[tuple[str, bool, bool], dict[str, str]] = {}
        self._answers: dict[tuple[str, tuple[str, ...]], Answer] = {}

    def ordered(self, given: dict[str, Any]) -> list[str]:
        """The steps answered, in the order the pack asks them; unknown steps last."""
        return ([step_id for step_id in self.order if step_id in given]
                + [step_id for step_id in given if step_id not in self.steps])

    def role_step(self, role: str) -> Step | None:
        """The step a derived field (needs, intensity_before...) was taken from."""
        try:
            return self._roles[role]
        except KeyError:
            step_id = self.pack.derive.get(role) if self.pack else None
            step = self._roles[role] = self.steps.get(step_id) if step_id else None
            return step

    def label(self, role: str, value: str) -> str:
        """As Reader.label, for an entry of this pack."""
        step = self.role_step(role)
        return self.words(step.id, hint=False).get(value, value) if step else value

    def choice(self, step_id: str, value: str) -> Choice | None:
        """The pack's choice behind a stored value; None for words of one's own, or when
        the pack (or the step) is not here to tell."""
        if step_id not in self.steps:
            return None
        return self.choices(step_id).get(value)

    def choices(self, step_id: str) -> dict[str, Choice]:
        """Each stored value of the step and its choice (the first, if one repeats)."""
        found = self._choices.get(step_id)
        if found is None:
            found = self._choices[step_id] = {}
            for choice in self.steps[step_id].all_choices():
                found.setdefault(choice.value, choice)
        return found

    def words(self, step_id: str, hint: bool = True, even: bool = False) -> dict[str, str]:
        """Each stored value of the step and the words a person saw for it (`even`: on one
        line, with single spaces)."""
        key = (step_id, hint, even)
        found = self._words.get(key)
        if found is None:
            if even:
                found = {value: _even(words) for value, words in self.words(step_id).items()}
            else:
                found = {value: f"{choice.label} ({choice.hint})" if hint and choice.hint
                         else choice.label for value, choice in self.choices(step_id).items()}
            self._words[key] = found
        return found

    def answer(self, step_id: str, value: Any) -> Answer:
        if step_id in self.choice_steps:
            return self.chosen_answer(step_id, value)
        step = self.steps.get(step_id)
        if step is None:
            return Answer(step_id, step_id.replace("_", " ").capitalize(), "unknown",
                          tuple(_plain_lines(value)))
        if type(value) is str:
            lines: tuple[str, ...] = (value,)
        elif step.kind == "scale" and isinstance(value, int):
            lines = (f"{value} out of {step.max}",)
        elif step.kind == "confirm" and isinstance(value, bool):
            lines = ("Yes" if value else "No",)
        else:
            lines = tuple(_plain_lines(value))
        return Answer(step_id, step.question, step.kind, lines)

    def chosen_answer(self, step_id: str, value: Any) -> Answer:
        """The answer at a choice step: the words for each value chosen, one line each.
        Words not among the choices were written in the person's own words ("other").
        Kept for each set of values, as the same choices come up entry after entry."""
        items = tuple(map(str, value if isinstance(value, list) else [value]))
        answer = self._answers.get((step_id, items))
        if answer is None:
            step = self.steps[step_id]
            words = self.words(step_id)
            answer = self._answers[step_id, items] = Answer(
                step_id, step.question, step.kind, tuple([words.get(item, item)
                                                          for item in items]))
        return answer

    def chosen_text(self, step_id: str, value: Any) -> str:
        """The words for the values chosen at a choice step, evened, joined by '; '."""
        items = value if isinstance(value, list) else [value]
        words = self.words(step_id, even=True)
        return "; ".join([_even(item) if (found := words.get(item)) is None else found
                          for item in map(str, items)])


def _even(text: str) -> str:
    """The text on one line, with single spaces."""
    return " ".join(text.split())


def _plain_lines(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, bool):
        return ["Yes" if value else "No"]
    return [str(value)]


def when(created: str) -> datetime | None:
    try:
        return datetime.fromisoformat(created)
    except ValueError:
        return None


def long_date(created: str) -> str:
    """'Monday 2 November 2026, 21:14'; a date that cannot be read, as it is (printable)."""
    moment = when(created)
    if moment is None:
        return printable(created, keep_newlines=False)
    return f"{moment:%A} {moment.day} {moment:%B %Y, %H:%M}"


def short_date(created: str, today: date | None = None) -> str:
    """How long ago, in words, for recent entries; the date itself for older ones."""
    moment = when(created)
    if moment is None:
        return printable(created, keep_newlines=False)
    today = today or date.today()
    days = (today - moment.date()).days
    if days == 0:
        return f"today {moment:%H:%M}"
    if days == 1:
        return f"yesterday {moment:%H:%M}"
    if 1 < days < 7:
        return f"{days} days ago"
    if moment.year == today.year:
        return f"{moment.day} {moment:%b}"
    return f"{moment.day} {moment:%b %Y}"


def entry_head(entry: Entry) -> tuple[str, str]:
    """The first line of a shown reflection: its number (with the space after it), and
    its title."""
    return (f"#{entry.number}  ",
            printable(str(entry.derived.get("title") or ""), keep_newlines=False))


def entry_about(entry: Entry, reader: Reader) -> str:
    """The line under it: when, with which pack, and how strong the feeling was."""
    words = long_date(entry.created)
    pack = reader.pack_of(entry)
    if pack is not None:
        words += f"  ·  {printable(pack.title)}"
    strength = intensity(entry)
    if strength:
        words += f"  ·  how strong: {strength}"
    return words


SHOWN_WIDTH = 100
"""The most cells a shown reflection takes across, for lines that read well."""

LATER = "Later: how the other ways went"
"""The heading over how the other ways a reflection chose went, asked about later."""


def found_words(needle: str, hits: Sequence[Hit]) -> tuple[str, str, str]:
    """The line under a search's hits, in three parts: the needle (in the middle) is
    shown apart."""
    answers = len(hits)
    reflections = len({id(hit.entry) for hit in hits})
    return ("Found ", printable(needle, keep_newlines=False),
            f" in {answers} answer{'s' if answers != 1 else ''} of {reflections} "
            f"reflection{'s' if reflections != 1 else ''}.")


def intensity(entry: Entry) -> str:
    """'7 -> 4', '7', or '' when the entry has no rating."""
    before = entry.derived.get("intensity_before")
    after = entry.derived.get("intensity_after")
    if before is None and after is None:
        return ""
    if after is None:
        return str(before)
    if before is None:
        return f"? -> {after}"
    return f"{before} -> {after}"


def summary_record(entry: Entry) -> dict[str, Any]:
    """One line of `reflect list --json`: the fields that describe an entry at a glance."""
    derived = entry.derived
    return {
        "id": entry.id,
        "number": entry.number,
        "created": entry.created,
        "updated": entry.updated,
        "pack": entry.pack_id,
        "title": derived.get("title", ""),
        "kind": derived.get("kind"),
        "needs": derived.get("needs", []),
        "emotions": derived.get("emotions", []),
        "intensity_before": derived.get("intensity_before"),
        "intensity_after": derived.get("intensity_after"),
    }


def together(labels: Sequence[str]) -> str:
    """Several labels on one line: set apart by commas, or by semicolons when a label has
    a comma of its own."""
    return ("; " if any("," in label for label in labels) else ", ").join(labels)
