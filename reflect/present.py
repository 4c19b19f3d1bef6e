"""How an entry reads for a person: questions as headings, choices by their labels, dates
in words. Shared by `show`, `search`, `list` and the exports; terminal-free.

An entry may outlive its pack (a pack of one's own that was removed, or an import from
another machine): then the step ids stand in for the questions and the stored values for
the labels, so nothing is ever hidden.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reflect.entry import Entry
from reflect.packs import Choice, Pack, Step


@dataclass(frozen=True)
class Answer:
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
    """Reads entries with the packs that wrote them."""

    def __init__(self, packs: Iterable[Pack]) -> None:
        self.packs = {pack.id: pack for pack in packs}

    def pack_of(self, entry: Entry) -> Pack | None:
        return self.packs.get(entry.pack_id)

    def _step(self, entry: Entry, step_id: str) -> Step | None:
        pack = self.pack_of(entry)
        if pack is None:
            return None
        try:
            return pack.step(step_id)
        except KeyError:
            return None

    def role_step(self, entry: Entry, role: str) -> Step | None:
        """The step a derived field (needs, intensity_before...) was taken from."""
        pack = self.pack_of(entry)
        step_id = pack.derive.get(role) if pack else None
        return self._step(entry, step_id) if step_id else None

    def label(self, entry: Entry, role: str, value: str) -> str:
        """The label a person saw for a derived value (a need, an emotion, a kind)."""
        step = self.role_step(entry, role)
        return _choice_words(step, value, hint=False) if step else value

    def choice(self, entry: Entry, step_id: str, value: str) -> Choice | None:
        """The pack's choice behind a stored value; None for words of one's own, or when
        the pack (or the step) is not here to tell."""
        step = self._step(entry, step_id)
        if step is None:
            return None
        return next((c for c in step.all_choices() if c.value == value), None)

    def knows_step(self, entry: Entry, step_id: str) -> bool:
        return self._step(entry, step_id) is not None

    def labels(self, entry: Entry, role: str) -> list[str]:
        value = entry.derived.get(role)
        values = value if isinstance(value, list) else [] if value in (None, "") else [value]
        return [self.label(entry, role, str(item)) for item in values]

    def answers(self, entry: Entry) -> list[Answer]:
        """Every answer, in the order the pack asks them; unknown steps last."""
        pack = self.pack_of(entry)
        order = [step.id for step in pack.steps] if pack else []
        ids = [s for s in order if s in entry.answers]
        ids += [s for s in entry.answers if s not in order]
        return [self.answer(entry, step_id) for step_id in ids
                if entry.answers[step_id] not in (None, "", [])]

    def answer(self, entry: Entry, step_id: str) -> Answer:
        step = self._step(entry, step_id)
        value = entry.answers.get(step_id)
        if step is None:
            return Answer(step_id, step_id.replace("_", " ").capitalize(), "unknown",
                          tuple(_plain_lines(value)))
        return Answer(step_id, step.question, step.kind, tuple(_lines(step, value)))

    def followups(self, entry: Entry) -> list[tuple[str, str]]:
        """(alternative as a person saw it, how it went) for each one asked about later."""
        from reflect.followup import DISMISSED, OUTCOME_WORDS

        return [(self.label(entry, "alternatives", key),
                 OUTCOME_WORDS.get(record.get("outcome", ""), "?"))
                for key, record in entry.followups.items()
                if record.get("outcome") != DISMISSED]

    def answer_text(self, entry: Entry, step_id: str) -> str:
        """The answer on one line: choices joined by '; ', text with its spaces evened."""
        return "; ".join(" ".join(line.split()) for line in self.answer(entry, step_id).lines)


def _choice_words(step: Step, value: str, hint: bool = True) -> str:
    choice: Choice | None = next((c for c in step.all_choices() if c.value == value), None)
    if choice is None:
        return value  # written in the person's own words ("other")
    return f"{choice.label} ({choice.hint})" if hint and choice.hint else choice.label


def _lines(step: Step, value: Any) -> list[str]:
    if step.kind in ("select", "checkbox"):
        values = value if isinstance(value, list) else [value]
        return [_choice_words(step, str(item)) for item in values]
    if step.kind == "scale" and isinstance(value, int):
        return [f"{value} out of {step.max}"]
    if step.kind == "confirm" and isinstance(value, bool):
        return ["Yes" if value else "No"]
    return _plain_lines(value)


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
    """'Sunday 2 November 2026, 21:14'."""
    moment = when(created)
    if moment is None:
        return created
    return f"{moment:%A} {moment.day} {moment:%B %Y, %H:%M}"


def short_date(created: str, today: date | None = None) -> str:
    """How long ago, in words, for recent entries; the date itself for older ones."""
    moment = when(created)
    if moment is None:
        return created
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
