"""Closing the loop: asking, some time later, how the other ways to meet a need went.

A reflection may pick alternatives ("a hug, if they want to", "a walk on my own"). Later,
reflect asks once about each: it helped, it didn't, they said no and that was okay, or not
yet. Never nagging: after a reflection it asks about one earlier entry at most, only
about alternatives it has never asked about, and "don't ask about this again" is always
an answer. Terminal-free: questions go through an Asker.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from reflect.engine.session import BACK, SKIP, Asker, Interrupted, Prompt
from reflect.journal.entry import NOT_YET, OUTCOME_WORDS, OUTCOMES, Entry, now
from reflect.review.entry_text import Reader

WAIT = timedelta(hours=12)
"""How old a reflection must be before its alternatives are asked about."""


class Open(NamedTuple):
    """One alternative of one entry that has no outcome yet."""

    entry: Entry
    alternative: str


def open_items(entries: Iterable[Entry], at: datetime | None = None,
               again: bool = False) -> list[Open]:
    """Alternatives with no outcome, oldest entry first; `again` includes "not yet" ones."""
    at = at or datetime.now().astimezone()
    items = []
    for entry in sorted(entries, key=lambda e: e.created):
        try:
            created = datetime.fromisoformat(entry.created)
            if created.tzinfo is None:
                created = created.astimezone()
        except ValueError:
            continue
        if at - created < WAIT:
            continue
        chosen = entry.derived.get("alternatives") or []
        for alternative in chosen if isinstance(chosen, list) else [chosen]:
            outcome = entry.followups.get(str(alternative), {}).get("outcome")
            if outcome is None or (again and outcome == NOT_YET):
                items.append(Open(entry, str(alternative)))
    return items


def next_ready(entries: Iterable[Entry], at: datetime | None = None
               ) -> tuple[Entry, datetime] | None:
    """The entry whose other ways are the next to be ready to ask about (WAIT after it was
    written), and when; None when no entry is waiting to be."""
    at = at or datetime.now().astimezone()
    soonest: tuple[Entry, datetime] | None = None
    for entry in entries:
        try:
            created = datetime.fromisoformat(entry.created)
        except ValueError:
            continue
        if created.tzinfo is None:
            created = created.astimezone()
        ready = created + WAIT
        if ready <= at or (soonest is not None and ready >= soonest[1]):
            continue
        chosen = entry.derived.get("alternatives") or []
        if any(entry.followups.get(str(item), {}).get("outcome") in (None, NOT_YET)
               for item in (chosen if isinstance(chosen, list) else [chosen])):
            soonest = (entry, ready)
    return soonest


def ready_words(ready: datetime, at: datetime) -> str:
    """When, in words, as the person's clock reads: 'today from 21:15', 'tomorrow from
    09:15', or 'on Tue 8 Dec from 09:15'."""
    local, now_local = ready.astimezone(), at.astimezone()
    days = (local.date() - now_local.date()).days
    day = ("today" if days == 0 else "tomorrow" if days == 1
           else f"on {local:%a} {local.day} {local:%b}")
    return f"{day} from {local:%H:%M}"


def one_entry(items: list[Open]) -> list[Open]:
    """The open alternatives of the oldest entry only: what a plain `reflect` asks."""
    if not items:
        return []
    first = items[0].entry.id
    return [item for item in items if item.entry.id == first]


def ask(items: list[Open], reader: Reader, asker: Asker) -> dict[str, dict[str, dict[str, str]]]:
    """Ask about each open alternative; returns {entry id: {alternative: outcome record}}.

    Ctrl-C stops asking and keeps the answers already given."""
    answers: dict[str, dict[str, dict[str, str]]] = {}
    for item in items:
        label = reader.label(item.entry, "alternatives", item.alternative)
        title = item.entry.derived.get("title") or ""
        question = (f"After reflection #{item.entry.number} ({title}), one other way you "
                    f"thought of was: {label}. How did it go?")
        try:
            value: Any = asker.ask(Prompt(key="_followup", kind="select", question=question,
                                          choices=OUTCOMES, default=NOT_YET))
        except Interrupted:
            break
        if value is BACK or value is SKIP or value not in OUTCOME_WORDS:
            continue
        answers.setdefault(item.entry.id, {})[item.alternative] = {
            "outcome": str(value), "at": now()}
    return answers
