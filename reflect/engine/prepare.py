"""Preparing to ask, and reading a later reflection beside its preparation.

A preparation is an entry made with the `preparing-to-ask` pack. When a reflection is saved
within a week after one that nothing links to yet, reflect asks whether it is about that
ask; if so the reflection keeps a link, and `show` puts the two together. Terminal-free.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from reflect.engine.session import Asker, Interrupted, Prompt
from reflect.journal.entry import LINK, Entry, is_preparation
from reflect.review.entry_text import long_date

WITHIN = timedelta(days=7)


def _moment(entry: Entry) -> datetime | None:
    try:
        moment = datetime.fromisoformat(entry.created)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.astimezone()


def recent_preparation(entries: Iterable[Entry], reflection: Entry) -> Entry | None:
    """The newest preparation from the week before the reflection that nothing links to."""
    entries = list(entries)
    taken = {e.links.get(LINK) for e in entries}
    after = _moment(reflection)
    if after is None or is_preparation(reflection):
        return None
    found = None
    for entry in entries:
        before = _moment(entry)
        if (is_preparation(entry) and entry.id not in taken and before is not None
                and timedelta(0) <= after - before <= WITHIN
                and (found is None or entry.created > found.created)):
            found = entry
    return found


def ask_to_link(preparation: Entry, asker: Asker) -> bool:
    title = preparation.derived.get("title") or ""
    day = long_date(preparation.created).rsplit(",", 1)[0]
    try:
        answer = asker.ask(Prompt(
            key="_link", kind="confirm", default=True,
            question=(f"On {day} you prepared to ask for something (#{preparation.number}: "
                      f"{title}). Is this reflection about that ask?")))
    except Interrupted:
        return False
    return answer is True


def related(entries: Sequence[Entry], entry: Entry) -> list[tuple[str, Entry]]:
    """Entries that belong with this one: its preparation, or the reflections that followed.

    reflect links a reflection only to a preparation, so only a preparation's showing
    looks through every entry's links (which, in a large journal, is most of the time
    `show` takes)."""
    found = []
    prepared = entry.links.get(LINK)
    if prepared:
        for other in entries:
            if other.id == prepared:
                found.append(("Prepared beforehand", other))
                break
    if is_preparation(entry):
        found += [("The reflection that followed", other) for other in entries
                  if other.links.get(LINK) == entry.id]
    return found
