"""A new reflection from start to saved entry: resume or start, keep a draft, save.

Terminal-free: questions go through an Asker, so tests drive it with a script.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reflect.drafts import Draft, DraftStore
from reflect.entry import Entry, new_id, now
from reflect.errors import ReflectError
from reflect.journal import Journal
from reflect.packs import Choice, Pack
from reflect.session import Asker, Interrupted, Paused, Prompt, run_reflection

KEEP = "keep"
DISCARD = "discard"
CONTINUE = "continue"
FRESH = "fresh"


STILL_STRONG = 8
"""At the end of a reflection, a feeling this strong (out of 10) or more is still heavy."""


def still_heavy(entry: Entry) -> bool:
    """Whether the feeling was still strong at the end: rated STILL_STRONG or more, or
    stronger than at the start. Only the two ratings decide; no answer is read."""
    before = entry.derived.get("intensity_before")
    after = entry.derived.get("intensity_after")
    if not isinstance(after, int) or isinstance(after, bool):
        return False
    rose = isinstance(before, int) and not isinstance(before, bool) and after > before
    return after >= STILL_STRONG or rose


@dataclass
class Outcome:
    """How a reflection ended: saved (entry set), kept as a draft, or let go."""

    entry: Entry | None = None
    kept_draft: bool = False


def reflect_new(packs: Iterable[Pack], pack: Pack, asker: Asker, journal: Journal,
                drafts: DraftStore, resume: bool | None = None) -> Outcome:
    """Run a reflection and save it to the journal.

    resume=True picks up the waiting draft (an error if there is none); None offers it
    when one is waiting; False starts afresh and leaves any draft where it is.
    """
    draft = drafts.load()
    if resume and draft is None:
        raise ReflectError("There is no unfinished reflection to pick up. "
                           "Start a new one with: reflect new")
    if draft is not None and resume is None:
        resume = _offer_draft(asker, draft, drafts)
    if draft is not None and resume:
        pack = _pack_of(packs, draft)
    else:
        draft = Draft(pack_id=pack.id, pack_version=pack.version, entry_id=new_id(),
                      created=now())

    def keep(answers: dict[str, Any], next_step: str | None) -> None:
        draft.answers = answers
        draft.next_step = next_step
        drafts.save(draft)

    try:
        answers = run_reflection(pack, asker, draft.answers, draft.next_step, on_answer=keep)
    except Paused as paused:
        draft.answers = paused.answers
        draft.next_step = paused.next_step
        return _pause(asker, draft, drafts)
    entry = journal.add(pack, answers, draft.entry_id, draft.created)
    drafts.discard()
    return Outcome(entry=entry)


def _pack_of(packs: Iterable[Pack], draft: Draft) -> Pack:
    for pack in packs:
        if pack.id == draft.pack_id:
            return pack
    raise ReflectError(f"The unfinished reflection used the pack {draft.pack_id!r}, which is "
                       "no longer available. Put the pack back to pick it up.")


def _offer_draft(asker: Asker, draft: Draft, drafts: DraftStore) -> bool:
    started = _when(draft.created)
    answered = len(draft.answers)
    prompt = Prompt(
        key="_resume", kind="select",
        question=f"You have an unfinished reflection from {started} "
                 f"({answered} {'answer' if answered == 1 else 'answers'}). Pick it up?",
        choices=(Choice(CONTINUE, "Yes, carry on where I left off"),
                 Choice(FRESH, "No, let it go and start a new one")),
        default=CONTINUE)
    try:
        choice = asker.ask(prompt)
    except Interrupted:
        raise ReflectError("Stopped. Your unfinished reflection is still there.",
                           exit_code=130, calm=True) from None
    if choice == FRESH:
        drafts.discard()
        return False
    return True


def _pause(asker: Asker, draft: Draft, drafts: DraftStore) -> Outcome:
    """Ask whether to keep the answers so far. A second Ctrl-C keeps them."""
    if not draft.answers:
        drafts.discard()
        return Outcome()
    prompt = Prompt(
        key="_pause", kind="select",
        question="Paused. Keep your answers so far to finish later?",
        choices=(Choice(KEEP, "Keep them as a draft (reflect new --resume)"),
                 Choice(DISCARD, "Let them go")),
        default=KEEP)
    try:
        choice = asker.ask(prompt)
    except Interrupted:
        choice = KEEP
    if choice == DISCARD:
        drafts.discard()
        return Outcome()
    drafts.save(draft)
    return Outcome(kept_draft=True)


def _when(iso: str) -> str:
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return moment.strftime("%a %d %b, %H:%M")
