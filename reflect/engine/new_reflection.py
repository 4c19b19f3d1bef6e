"""A new reflection from start to saved entry: resume or start, keep a draft, save.

Terminal-free: questions go through an Asker, so tests drive it with a script.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reflect.base.errors import ReflectError
from reflect.engine.drafts import Draft, Drafts, DraftStore
from reflect.engine.session import Asker, Interrupted, Paused, Prompt, run_reflection
from reflect.journal.entry import Entry, new_id, now
from reflect.journal.store import Journal
from reflect.packs.model import Choice, Pack

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
                drafts: Drafts, resume: bool | None = None) -> Outcome:
    """Run a reflection and save it to the journal, keeping its own draft as it goes.

    Only drafts that no other reflect has open are offered or picked up (see Drafts):
    resume=True picks up the one saved last (an error if there is none); None offers
    each in turn, the one saved last first; False starts afresh and leaves every draft
    where it is.
    """
    waiting, elsewhere = ([], 0) if resume is False else drafts.waiting()
    chosen: tuple[DraftStore, Draft] | None = None
    try:
        if resume and not waiting:
            raise ReflectError(_nothing_to_resume(elsewhere))
        if resume:
            chosen = waiting[0]
        elif resume is None:
            for store, waiting_draft in waiting:
                if _offer_draft(asker, waiting_draft, store):
                    chosen = (store, waiting_draft)
                    break
    finally:
        for store, _ in waiting:
            if chosen is None or store is not chosen[0]:
                store.release()
    if chosen is not None:
        store, draft = chosen
    else:
        draft = Draft(pack_id=pack.id, pack_version=pack.version, entry_id=new_id(),
                      created=now())
        store = drafts.start(draft.entry_id)
    try:
        if chosen is not None:
            pack = _pack_of(packs, draft)

        def keep(answers: dict[str, Any], next_step: str | None) -> None:
            draft.answers = answers
            draft.next_step = next_step
            store.save(draft)

        try:
            answers = run_reflection(pack, asker, draft.answers, draft.next_step,
                                     on_answer=keep)
        except Paused as paused:
            draft.answers = paused.answers
            draft.next_step = paused.next_step
            return _pause(asker, draft, store)
        entry = journal.add(pack, answers, draft.entry_id, draft.created)
        store.discard()
        return Outcome(entry=entry)
    finally:
        store.release()


def _nothing_to_resume(elsewhere: int) -> str:
    if elsewhere:
        many = "one is" if elsewhere == 1 else f"{elsewhere} are"
        return ("There is no unfinished reflection to pick up here: "
                f"{many} still open in another window, to finish there. Start a new one "
                "with: reflect new")
    return "There is no unfinished reflection to pick up. Start a new one with: reflect new"


def _pack_of(packs: Iterable[Pack], draft: Draft) -> Pack:
    for pack in packs:
        if pack.id == draft.pack_id:
            return pack
    raise ReflectError(f"The unfinished reflection used the pack {draft.pack_id!r}, which is "
                       "no longer available. Put the pack back to pick it up.")


def _offer_draft(asker: Asker, draft: Draft, drafts: DraftStore) -> bool:
    """Whether to pick this draft up; one let go is removed."""
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
        choices=(Choice(KEEP, "Keep them as a draft, to finish later"),
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
