"""The session engine: walks a pack's steps through an Asker and collects the answers.

It knows nothing of terminals. An Asker (questionary in the program, a script in tests)
puts each Prompt to the person and hands back the answer, or BACK, or SKIP.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, Protocol

from reflect.packs.model import Choice, Pack, Step


class _Signal:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


BACK = _Signal("BACK")
"""An answer meaning: go back to the step before."""
SKIP = _Signal("SKIP")
"""An answer meaning: leave this optional step unanswered."""


class Interrupted(Exception):
    """Raised by an Asker when the person presses Ctrl-C or Ctrl-D at a question.

    `partial` is text typed into the question but not yet submitted, worth keeping."""

    def __init__(self, partial: str = "") -> None:
        super().__init__(partial)
        self.partial = partial


class Paused(Exception):
    """The reflection stopped part-way; carries what is needed to pick it up again."""

    def __init__(self, answers: dict[str, Any], next_step: str) -> None:
        super().__init__(next_step)
        self.answers = answers
        self.next_step = next_step


class Prompt(NamedTuple):
    """One question as an Asker sees it, with everything needed to put it."""

    key: str
    kind: str
    question: str
    choices: tuple[Choice, ...] = ()
    optional: bool = False
    default: Any = None
    other: str = ""
    other_question: str = ""
    min: int = 0
    max: int = 10
    min_label: str = ""
    max_label: str = ""
    position: int = 0
    total: int = 0
    can_go_back: bool = False


class Asker(Protocol):
    def say(self, text: str) -> None:
        """Show a coach note or a message."""

    def ask(self, prompt: Prompt) -> Any:
        """Put the prompt to the person; return the answer, BACK or SKIP.

        Raises Interrupted when the person stops (Ctrl-C, Ctrl-D)."""


OnAnswer = Callable[[dict[str, Any], str | None], None]


def visible(step: Step, answers: Mapping[str, Any]) -> bool:
    return step.when is None or step.when.holds(answers)


def run_reflection(pack: Pack, asker: Asker, answers: Mapping[str, Any] | None = None,
                   start_at: str | None = None, on_answer: OnAnswer | None = None
                   ) -> dict[str, Any]:
    """Ask every step of the pack whose condition holds; return the answers by step id.

    `answers` and `start_at` resume an earlier, unfinished reflection. After each answer
    `on_answer(answers, next_step_id)` is called, so the caller can keep a draft. When the
    person stops, Paused is raised with the answers so far.
    """
    collected = _still_fitting(pack, answers or {})
    steps = pack.steps
    index = _index_of(pack, start_at) if start_at else 0
    history = [i for i in range(index) if visible(steps[i], collected)]
    while index < len(steps):
        step = steps[index]
        if not visible(step, collected):
            collected.pop(step.id, None)
            index += 1
            continue
        choices = step.choices_for(collected)
        prompt = _prompt_for(step, choices, collected, history, pack)
        if step.note and step.note_when == "before":
            asker.say(step.note)
        try:
            value = asker.ask(prompt)
        except Interrupted as stop:
            if stop.partial.strip() and step.kind in ("text", "long_text"):
                collected[step.id] = stop.partial
            raise Paused(collected, step.id) from None
        if value is BACK:
            if history:
                index = history.pop()
            continue
        if value is SKIP:
            if not step.optional:
                raise ValueError(f"step {step.id!r} is not optional and cannot be skipped")
            collected.pop(step.id, None)
        else:
            collected[step.id] = check_answer(step, choices, value)
            for note in step.notes_for(value, choices):
                asker.say(note)
        if step.note and step.note_when == "after":
            asker.say(step.note)
        history.append(index)
        index += 1
        if on_answer is not None:
            on_answer(collected, _next_visible(pack, index, collected))
    return collected


def _still_fitting(pack: Pack, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Earlier answers (from a draft) that still fit their steps; others are dropped."""
    kept: dict[str, Any] = {}
    for step in pack.steps:
        if step.id not in answers:
            continue
        try:
            kept[step.id] = check_answer(step, step.choices_for(kept), answers[step.id])
        except (TypeError, ValueError):
            continue
    return kept


def _index_of(pack: Pack, step_id: str) -> int:
    for index, step in enumerate(pack.steps):
        if step.id == step_id:
            return index
    return 0


def _next_visible(pack: Pack, index: int, answers: Mapping[str, Any]) -> str | None:
    for step in pack.steps[index:]:
        if visible(step, answers):
            return step.id
    return None


def prompt_for(pack: Pack, step: Step, answers: Mapping[str, Any]) -> Prompt:
    """The prompt for one step on its own (to answer it again), its current answer first."""
    return _prompt_for(step, step.choices_for(answers), answers, [], pack)


def _prompt_for(step: Step, choices: tuple[Choice, ...], answers: Mapping[str, Any],
                history: list[int], pack: Pack) -> Prompt:
    """The prompt for a step, its earlier answer (or the pack's default) filled in. The
    rating at the end starts at the rating at the start, so that Enter alone means "no
    different" rather than 0."""
    shown = [s for s in pack.steps if visible(s, answers) or s.id == step.id]
    position = next(i for i, s in enumerate(shown, start=1) if s.id == step.id)
    default = answers.get(step.id, step.default)
    if default is None and step.id == pack.derive.get("intensity_after"):
        default = answers.get(pack.derive.get("intensity_before", ""))
    return Prompt(key=step.id, kind=step.kind, question=step.question, choices=choices,
                  optional=step.optional, default=default, other=step.other,
                  other_question=step.other_question, min=step.min, max=step.max,
                  min_label=step.min_label, max_label=step.max_label, position=position,
                  total=len(shown), can_go_back=bool(history))


def check_answer(step: Step, choices: tuple[Choice, ...], value: Any) -> Any:
    """The answer in the shape its step keeps; a wrong shape is a bug in the Asker."""
    values = {choice.value for choice in choices}
    kind = step.kind
    if kind in ("text", "long_text"):
        if not isinstance(value, str):
            raise TypeError(f"step {step.id!r} wants text, got {value!r}")
        if not value.strip() and not step.optional:
            raise ValueError(f"step {step.id!r} needs an answer")
        return value
    if kind == "select":
        if not isinstance(value, str) or (value not in values and not step.other):
            raise ValueError(f"step {step.id!r}: {value!r} is not one of its choices")
        return value
    if kind == "checkbox":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise TypeError(f"step {step.id!r} wants a list of choices, got {value!r}")
        unknown = [v for v in value if v not in values]
        if unknown and not step.other:
            raise ValueError(f"step {step.id!r}: {unknown!r} are not among its choices")
        if not value and not step.optional:
            raise ValueError(f"step {step.id!r} needs at least one choice")
        return list(dict.fromkeys(value))
    if kind == "scale":
        if not isinstance(value, int) or isinstance(value, bool) or not (
                step.min <= value <= step.max):
            raise ValueError(f"step {step.id!r} wants a number {step.min}-{step.max}")
        return value
    if not isinstance(value, bool):
        raise TypeError(f"step {step.id!r} wants yes or no, got {value!r}")
    return value
