"""End to end, the rough edges a newcomer met: the restore question, passphrase tries, two
windows each with its own draft, and the reflection flags on a bare `reflect`. The
installed `reflect`, in a pseudo-terminal (helpers from test_e2e)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from reflect import backups
from reflect.entry import now
from reflect.journal import Journal

from test_e2e import (
    env,
    journal_of,
    pytestmark,
    start,
    words,
)

QUICK_ANSWERS = {"what_happened": "They said not tonight.", "intensity": 6,
                 "need": ["closeness"], "reframe": "one-moment"}


def journal_over_two_days(home, packs, monkeypatch, first: int, then: int) -> Journal:
    """`first` reflections on 1 March, then `then` more on 2 March: the backup taken before
    the first change of the 2nd holds `first`."""
    day = [datetime(2026, 3, 1, 21, 30)]
    monkeypatch.setattr(backups, "local_now", lambda: day[0])
    journal = Journal(journal_of(home))
    for number in range(first + then):
        if number == first:
            day[0] += timedelta(days=1)
        journal.add(packs["hearing-no-quick"], QUICK_ANSWERS, str(uuid.uuid4()), now())
    return journal


def test_restore_names_both_counts_before_it_replaces_anything(start, reflect_home,
                                                               shipped_packs, monkeypatch):
    """The question says the backup's date and count and the journal's count; no changes
    nothing, and yes puts the backup back."""
    journal = journal_over_two_days(reflect_home, shipped_packs, monkeypatch, 5, 45)
    before = journal.path.read_bytes()
    terminal = start("restore")
    terminal.expect(words("Put back the backup from 2026-03-02 21:30 (daily copy), which "
                          "holds 5 reflections? The journal now in its place, which holds "
                          "50 reflections, is kept beside it."))
    terminal.send("n\r")
    terminal.expect(words("Nothing was changed."))
    assert terminal.end() == 0
    assert journal.path.read_bytes() == before

    terminal = start("restore")
    terminal.expect(words("which holds 5 reflections?"))
    terminal.send("y\r")
    terminal.expect(words("Put back the backup from 2026-03-02 21:30 (daily copy)"))
    assert terminal.end() == 0
    assert len(journal.entries()) == 5
    [aside] = reflect_home.glob("journal.replaced-*.json")
    assert aside.read_bytes() == before
