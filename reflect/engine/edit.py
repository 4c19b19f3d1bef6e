"""Answering a step of a saved reflection again. Terminal-free: questions go through an Asker.

Changing one answer can change what follows from it: a different need offers different
alternatives, and "I asked again" opens a step that "I respected it" does not. So after the
chosen step, any step that now needs an answer (or whose answer no longer fits) is asked
too, and a step that no longer applies is let go, and named, so nothing vanishes unseen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reflect.base.errors import ReflectError
from reflect.base.safe_text import echoed
from reflect.engine.session import (
    BACK,
    SKIP,
    Asker,
    Interrupted,
    Prompt,
    check_answer,
    prompt_for,
    visible,
)
from reflect.journal.entry import Entry
from reflect.packs.model import Choice, Pack, Step

PICK = "_step"
DROP = "_drop"
LET_GO = "let-go"
AS_IT_WAS = "as-it-was"
PREVIEW = 50
WRITTEN = ("text", "long_text")
"""The kinds of step a person answers in their own words: such an answer is let go only
after asking."""


class EditCancelled(ReflectError):
    def __init__(self) -> None:
        super().__init__("Stopped. The reflection was not changed.", exit_code=130,
                         calm=True)


@dataclass
class Edit:
    """The answers after an edit, and the questions whose answers were let go."""

    answers: dict[str, Any]
    dropped: list[str] = field(default_factory=list)


def _preview(step: Step, value: Any) -> str:
    """The answer as the person gave it, on one line and short: choices by the words they
    picked (their own words as written), a rating out of its most."""
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif step.kind == "scale" and isinstance(value, int):
        text = f"{value} out of {step.max}"
    else:
        words: dict[str, str] = {}
        for choice in step.all_choices():
            words.setdefault(choice.value, choice.label)
        items = value if isinstance(value, list) else [value]
        text = ", ".join(words.get(str(item), str(item)) for item in items)
    text = " ".join(text.split())
    return text if len(text) <= PREVIEW else text[: PREVIEW - 1].rstrip() + "…"


def steps_to_edit(pack: Pack, entry: Entry) -> list[Step]:
    """The steps that were part of this reflection (those whose condition holds)."""
    return [step for step in pack.steps if visible(step, entry.answers)]


def choose_step(pack: Pack, entry: Entry, asker: Asker, step_id: str | None) -> Step:
    steps = steps_to_edit(pack, entry)
    if step_id is not None:
        for step in steps:
            if step.id == step_id:
                return step
        names = ", ".join(step.id for step in steps)
        raise ReflectError(f"Reflection #{entry.number} has no step {echoed(step_id)} to change. "
                           f"Its steps are: {names}.", exit_code=2)
    choices = tuple(
        Choice(value=step.id, label=step.question,
               hint=_preview(step, entry.answers[step.id]) if step.id in entry.answers
               else "not answered")
        for step in steps)
    try:
        picked = asker.ask(Prompt(key=PICK, kind="select",
                                  question="Which answer would you like to change?",
                                  choices=choices))
    except Interrupted:
        raise EditCancelled from None
    if picked is BACK or picked is SKIP:
        raise EditCancelled
    return pack.step(str(picked))


def edit_answers(pack: Pack, entry: Entry, asker: Asker, step: Step) -> Edit:
    """Ask the step again (its current answer offered first), then whatever follows.

    A later answer in the person's own words that no longer applies is let go only once
    they say so; they may keep the reflection as it was instead (the answers unchanged)."""
    answers = dict(entry.answers)
    shown_before = {s.id for s in pack.steps if visible(s, entry.answers)}
    _ask(pack, step, answers, asker)
    dropped: list[str] = []
    for later in pack.steps:
        if later.id == step.id:
            continue
        if not visible(later, answers):
            if later.id in answers:
                if later.kind in WRITTEN and not _let_go(later, answers[later.id], asker):
                    return Edit(dict(entry.answers))
                answers.pop(later.id)
                dropped.append(later.question)
            continue
        if later.id in answers:
            if not _fits(later, answers, entry.answers):
                answers.pop(later.id)
                _ask(pack, later, answers, asker)
        elif not later.optional or later.id not in shown_before:
            _ask(pack, later, answers, asker)
    return Edit(answers, dropped)


def _let_go(step: Step, value: Any, asker: Asker) -> bool:
    """Whether the person lets go of their written answer to a step that no longer applies."""
    prompt = Prompt(
        key=DROP, kind="select",
        question=f"After this change, “{step.question}” no longer applies. Your answer "
                 f"there was: “{_preview(step, value)}”. Let it go?",
        choices=(Choice(LET_GO, "Let it go, and keep my change"),
                 Choice(AS_IT_WAS, "Keep the reflection as it was")),
        default=AS_IT_WAS)
    try:
        return bool(asker.ask(prompt) == LET_GO)
    except Interrupted:
        raise EditCancelled from None


def _fits(step: Step, answers: dict[str, Any], before: Mapping[str, Any]) -> bool:
    """Whether the answer still fits the step, given the answers it depends on.

    A choice offered only for another need (or moment) does not fit, even on a step that
    also takes a person's own words: those are the words that match no choice at all. A
    retired choice still fits while the answer it followed from is unchanged: it is what
    the person chose when the pack offered it."""
    offered = step.choices_for(answers)
    try:
        check_answer(step, offered, answers[step.id])
    except (TypeError, ValueError):
        return False
    value = answers[step.id]
    picked = value if isinstance(value, list) else [value]
    source = step.choices_from
    unchanged = source is None or answers.get(source) == before.get(source)
    retired = {c.value for c in step.retired} if unchanged else set()
    elsewhere = {c.value for c in step.all_choices()} - retired - {c.value for c in offered}
    return not any(item in elsewhere for item in picked)


def _ask(pack: Pack, step: Step, answers: dict[str, Any], asker: Asker) -> None:
    while True:
        try:
            value = asker.ask(prompt_for(pack, step, answers))
        except Interrupted:
            raise EditCancelled from None
        if value is BACK:
            continue
        if value is SKIP:
            if step.optional:
                answers.pop(step.id, None)
                return
            continue
        answers[step.id] = check_answer(step, step.choices_for(answers), value)
        return
