"""What a prompt pack is: its steps, their kinds, choices and conditions.

A pack is a TOML file. The code knows the shape of a pack and nothing of what its steps
are about, so a new pack needs no code change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from reflect.base.errors import ReflectError

KINDS = ("text", "long_text", "select", "checkbox", "scale", "confirm")

CHOICE_KINDS = ("select", "checkbox")

NOTE_PLACES = ("before", "after")

DERIVED_ROLES = (
    "title",
    "kind",
    "emotions",
    "needs",
    "intensity_before",
    "intensity_after",
    "alternatives",
    "reframe",
    "remember",
)

CONDITION_OPERATORS = (
    "equals",
    "not_equals",
    "in",
    "not_in",
    "includes",
    "at_least",
    "at_most",
    "answered",
)

MAX_TEXT = 2000

SCALE_LIMIT = 1_000_000
"""The furthest from 0 a scale may reach, and a stored rating be."""

MAX_PACK_BYTES = 1024 * 1024
"""The largest pack file read: the biggest shipped pack is a few kilobytes."""

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,63}\Z")  # \Z: $ would let a final newline in

class PackError(ReflectError):
    """A pack file that cannot be used, with where the problem is."""

    def __init__(self, path: Path | str, problem: str, step: str | None = None,
                 field: str | None = None) -> None:
        self.path = str(path)
        self.step = step
        self.field = field
        self.problem = problem
        where = [self.path]
        if step is not None:
            where.append(f"step {step}")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(f"{', '.join(where)}: {problem}")

# The records of a pack are NamedTuples, not dataclasses: every command defines them, and
# a dataclass takes a millisecond or more to define (it writes and compiles its methods).
class Choice(NamedTuple):
    """One answer a step offers. `when` shows it only for some earlier answers; `note` is
    said after a person picks it."""

    value: str
    label: str
    hint: str = ""
    when: Condition | None = None
    note: str = ""

class Condition(NamedTuple):
    step: str
    operator: str
    operand: Any

    def holds(self, answers: Mapping[str, Any]) -> bool:
        """Whether the condition is true of the answers given so far."""
        answer = answers.get(self.step)
        if self.operator == "answered":
            return (answer not in (None, "", [])) == bool(self.operand)
        if answer is None:
            return False
        if self.operator == "equals":
            return bool(answer == self.operand)
        if self.operator == "not_equals":
            return bool(answer != self.operand)
        if self.operator == "in":
            return answer in self.operand
        if self.operator == "not_in":
            return answer not in self.operand
        if self.operator == "includes":
            chosen = answer if isinstance(answer, list) else [answer]
            wanted = self.operand if isinstance(self.operand, list) else [self.operand]
            return any(value in chosen for value in wanted)
        if not isinstance(answer, int) or isinstance(answer, bool):
            return False
        if self.operator == "at_least":
            return bool(answer >= self.operand)
        return bool(answer <= self.operand)  # at_most

class Step(NamedTuple):
    id: str
    kind: str
    question: str
    note: str = ""
    note_when: str = "before"
    optional: bool = False
    when: Condition | None = None
    choices: tuple[Choice, ...] = ()
    choices_from: str | None = None
    choices_by: Mapping[str, tuple[Choice, ...]] = MappingProxyType({})
    retired: tuple[Choice, ...] = ()
    other: str = ""
    other_question: str = ""
    min: int = 0
    max: int = 10
    min_label: str = ""
    max_label: str = ""
    default: Any = None

    def choices_for(self, answers: Mapping[str, Any]) -> tuple[Choice, ...]:
        """The choices to offer: those of the groups the earlier answer picks (with
        choices_from), then the step's own, each only where its condition holds."""
        offered: list[Choice] = []
        if self.choices_from is not None:
            picked = answers.get(self.choices_from)
            keys = [str(k) for k in (picked if isinstance(picked, list) else [picked])]
            groups = [key for key in keys if key in self.choices_by] or ["default"]
            for key in groups:
                offered += self.choices_by.get(key, ())
        offered += self.choices
        shown: dict[str, Choice] = {}
        for choice in offered:
            if choice.value not in shown and (choice.when is None or choice.when.holds(answers)):
                shown[choice.value] = choice
        return tuple(shown.values())

    def all_choices(self) -> Iterable[Choice]:
        """Every choice the step has ever had, retired ones last, for reading old answers."""
        yield from self.choices
        for group in self.choices_by.values():
            yield from group
        yield from self.retired

    def notes_for(self, value: Any, choices: Iterable[Choice]) -> list[str]:
        """The notes of the choices picked in this answer, in the order they are offered."""
        picked = set(value) if isinstance(value, list) else {value}
        notes = [choice.note for choice in choices if choice.note and choice.value in picked]
        return list(dict.fromkeys(notes))

class Pack(NamedTuple):
    id: str
    version: int
    title: str
    description: str
    steps: tuple[Step, ...]
    derive: Mapping[str, str]
    quick: str | None = None
    path: Path | None = None
    builtin: bool = True

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)
