"""Preparing to ask, and reading a later reflection beside its preparation.

A preparation is an entry made with the `preparing-to-ask` pack. When a reflection is saved
within a week after one that nothing links to yet, reflect asks whether it is about that
ask; if so the reflection keeps a link, and `show` puts the two together. Terminal-free.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from reflect.entry import Entry
from reflect.present import long_date
from reflect.session import Asker, Interrupted, Prompt

PREPARE_PACK = "preparing-to-ask"
LINK = "preparation"
WITHIN = timedelta(days=7)


def is_preparation(entry: Entry) -> bool:
    return entry.is_from(PREPARE_PACK)


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


def related(entries: Iterable[Entry], entry: Entry) -> list[tuple[str, Entry]]:
    """Entries that belong with this one: its preparation, or the reflection that followed."""
    by_id = {e.id: e for e in entries}
    found = []
    prepared = by_id.get(entry.links.get(LINK, ""))
    if prepared is not None:
        found.append(("Prepared beforehand", prepared))
    for other in by_id.values():
        if not other.has_no_links() and other.links.get(LINK) == entry.id:
            found.append(("The reflection that followed", other))
    return found
