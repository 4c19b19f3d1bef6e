"""End to end, the rough edges a newcomer met: the restore question, passphrase tries, two
windows each with its own draft, and the reflection flags on a bare `reflect`. The
installed `reflect`, in a pseudo-terminal (helpers from test_e2e)."""

from __future__ import annotations

import signal
import uuid
from datetime import datetime, timedelta

from reflect.engine.drafts import DraftStore
from reflect.journal import backups
from reflect.journal.entry import now
from reflect.journal.store import Journal

from test_e2e import (
    CTRL_C,
    DOWN,
    ENTER,
    FULL,
    PAUSE_QUESTION,
    QUICK,
    QUICK_KEYS,
    drafts_of,
    entries,
    env,
    journal_of,
    pytestmark,
    question,
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


def test_two_windows_each_keep_their_own_draft(start, reflect_home):
    """A second `reflect` while the first waits at a question: it is not offered the
    first's draft, cannot resume it, and letting its own answers go leaves the first's;
    once the first pauses, the next `reflect` offers it."""
    first = start()
    first.walk(FULL, {1: "Window one words" + ENTER, 2: ENTER})
    first.expect(question(FULL, 3))
    [kept] = drafts_of(reflect_home).glob("*.json")

    second = start()
    second.answer(question(FULL, 1), "Window two words" + ENTER)
    second.answer(question(FULL, 2), CTRL_C)
    second.answer(words(PAUSE_QUESTION), DOWN + ENTER)  # let them go
    assert second.end() == 130
    assert "unfinished reflection" not in second.screen
    assert [path.name for path in drafts_of(reflect_home).glob("*.json")] == [kept.name]

    third = start("new", "--resume")
    third.expect(words("still open in another window"))
    assert third.end() == 1

    first.send(CTRL_C)
    first.answer(words(PAUSE_QUESTION), ENTER)  # keep them
    assert first.end() == 130

    fourth = start()
    fourth.expect(words("You have an unfinished reflection"))
    fourth.expect(words("(2 answers). Pick it up?"))
    fourth.send(ENTER)
    fourth.expect(question(FULL, 3))
    fourth.send(CTRL_C)
    fourth.answer(words(PAUSE_QUESTION), ENTER)
    assert fourth.end() == 130
    assert "Window one words" in DraftStore(kept).load().answers["what_happened"]


def test_the_draft_of_a_reflect_that_was_killed_is_offered(start, reflect_home):
    """A window closed mid-reflection (its reflect killed) leaves a draft the next offers."""
    first = start()
    first.walk(FULL, {1: "Cut off mid-way" + ENTER})
    first.expect(question(FULL, 2))
    first.child.kill(signal.SIGKILL)
    first.child.wait()
    again = start()
    again.expect(words("You have an unfinished reflection"))
    again.answer(words("(1 answer). Pick it up?"), ENTER)
    again.expect(question(FULL, 2))
    again.send(CTRL_C)
    again.answer(words(PAUSE_QUESTION), DOWN + ENTER)  # let them go
    assert again.end() == 130
    assert list(drafts_of(reflect_home).glob("*.json")) == []


def test_a_bare_reflect_takes_quick_resume_and_pack(start, reflect_home):
    """`reflect --quick` runs the quick pack; paused, `reflect --resume` picks it up where it
    stopped; `reflect --pack hearing-no-quick` is the same pack by name."""
    terminal = start("--quick")
    terminal.walk(QUICK, {1: "Quick from the top" + ENTER})
    terminal.answer(question(QUICK, 2), CTRL_C)
    terminal.answer(words(PAUSE_QUESTION), ENTER)
    assert terminal.end() == 130

    resumed = start("--resume")
    resumed.walk(QUICK, {number: QUICK_KEYS[number] for number in range(2, 7)})
    assert resumed.end() == 0
    assert "You have an unfinished reflection" not in resumed.screen

    named = start("--pack", "hearing-no-quick")
    named.walk(QUICK, QUICK_KEYS)
    assert named.end() == 0
    saved = entries(reflect_home)
    assert [entry["pack"]["id"] for entry in saved] == ["hearing-no-quick"] * 2
    assert saved[0]["answers"]["what_happened"] == "Quick from the top"


PASSPHRASE = "a passphrase typed at the terminal"


def encrypted_journal(home, packs) -> Journal:
    journal = Journal(journal_of(home))
    journal.add(packs["hearing-no-quick"], QUICK_ANSWERS, str(uuid.uuid4()), now())
    journal.encrypt(PASSPHRASE)
    return journal


def test_a_wrong_passphrase_gets_two_more_tries(start, reflect_home, shipped_packs,
                                                fast_scrypt):
    """Two wrong passphrases, each followed by a word and another try; the third, right,
    opens the journal."""
    encrypted_journal(reflect_home, shipped_packs)
    terminal = start("list")
    terminal.answer("Passphrase for your journal: ", "not it\r")
    terminal.expect(words("That passphrase does not open the journal. Try again (2 tries "
                          "left)."))
    terminal.answer("Passphrase for your journal: ", "nor this\r")
    terminal.expect(words("Try again (1 try left)."))
    terminal.answer("Passphrase for your journal: ", PASSPHRASE + "\r")
    terminal.expect(words("They said not tonight."))
    assert terminal.end() == 0
    assert PASSPHRASE not in terminal.raw


def test_three_wrong_passphrases_are_refused(start, reflect_home, shipped_packs, fast_scrypt):
    """After the third wrong try: one line, exit 1, the journal as it was."""
    journal = encrypted_journal(reflect_home, shipped_packs)
    before = journal.path.read_bytes()
    terminal = start("list")
    for _ in range(3):
        terminal.answer("Passphrase for your journal: ", "not it\r")
    assert terminal.end() == 1
    assert "That passphrase does not open the journal" in terminal.screen
    assert terminal.screen.count("Passphrase for your journal:") == 3
    assert journal.path.read_bytes() == before


def test_ctrl_c_at_the_passphrase_is_a_calm_stop(start, reflect_home, shipped_packs,
                                                 fast_scrypt):
    """Ctrl-C while typing the passphrase: a calm line, not an error; exit 130."""
    journal = encrypted_journal(reflect_home, shipped_packs)
    before = journal.path.read_bytes()
    for args in ((), ("list",)):
        terminal = start(*args)
        terminal.answer("Passphrase for your journal: ", "half" + CTRL_C)
        terminal.expect(words("Stopped. Nothing was opened or changed."))
        assert terminal.end() == 130
        assert "Error" not in terminal.screen
        assert "Traceback" not in terminal.screen
    assert journal.path.read_bytes() == before
