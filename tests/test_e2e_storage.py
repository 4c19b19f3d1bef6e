"""End to end, storage: an encrypted journal asks for its passphrase, hidden, and a reflection
is saved into it; a damaged journal offers its newest backup. The installed `reflect`, in a
pseudo-terminal (helpers from test_e2e)."""

from __future__ import annotations

from datetime import datetime, timedelta

from reflect.journal import backups
from reflect.journal.store import Journal
from reflect.review.filters import find

from test_e2e import (
    QUICK,
    QUICK_KEYS,
    env,
    journal_of,
    pytestmark,
    quick_entry,
    start,
    words,
)

PASSPHRASE = "a passphrase typed at the terminal"


def test_an_encrypted_journal_asks_for_its_passphrase(start, reflect_home, fast_scrypt):
    """Before the first question, the passphrase is asked without echo; the reflection is
    saved into the journal, which stays encrypted."""
    quick_entry(start, reflect_home)
    Journal(journal_of(reflect_home)).encrypt(PASSPHRASE)
    terminal = start("new", "--quick")
    terminal.expect("Passphrase for your journal: ")
    terminal.send(PASSPHRASE + "\r")
    terminal.walk(QUICK, QUICK_KEYS)
    assert terminal.end() == 0
    assert PASSPHRASE not in terminal.raw
    assert "Reflection #2" in terminal.screen
    raw = journal_of(reflect_home).read_bytes()
    assert raw.startswith(b"reflect-encrypted 1\n")
    entries = Journal(journal_of(reflect_home), passphrase=lambda: PASSPHRASE).entries()
    assert [e.answers["what_happened"] for e in entries] == ["Short and quick"] * 2


def test_a_wrong_passphrase_at_the_terminal_stops_before_any_question(
        start, reflect_home, fast_scrypt):
    """Three mistyped passphrases: one clear line and exit 1; nothing is asked or changed."""
    quick_entry(start, reflect_home)
    Journal(journal_of(reflect_home)).encrypt(PASSPHRASE)
    before = journal_of(reflect_home).read_bytes()
    terminal = start("new", "--quick")
    for _ in range(3):
        terminal.expect("Passphrase for your journal: ")
        terminal.send("not it\r")
    assert terminal.end() == 1
    assert "That passphrase does not open the journal" in terminal.screen
    assert f"1/{len(QUICK)}" not in terminal.screen
    assert journal_of(reflect_home).read_bytes() == before


def test_a_damaged_journal_offers_the_newest_backup(start, reflect_home, monkeypatch):
    """Typing y at the offer puts the newest backup back and keeps the damaged file."""
    day = [datetime(2026, 3, 1, 21, 30)]
    monkeypatch.setattr(backups, "local_now", lambda: day[0])
    quick_entry(start, reflect_home)
    journal = Journal(journal_of(reflect_home))
    good = journal.path.read_bytes()
    journal.verify()
    backups.take(journal.path, good, backups.DAILY, 10, day[0] - timedelta(days=1))
    journal.path.write_bytes(good[:30])  # cut inside its first line
    terminal = start()
    terminal.expect(words("Put the newest backup back now?"))
    terminal.send("y\r")
    terminal.expect(words("Run your command again."))
    assert terminal.end() == 1
    assert journal.path.read_bytes() == good
    [aside] = reflect_home.glob("journal.damaged-*.json")
    assert aside.read_bytes() == good[:30]
    assert f"The damaged journal is kept as {aside}" in terminal.screen


def test_editing_an_encrypted_journal_never_puts_a_plain_copy_in_the_editor(
        start, env, reflect_home, fast_scrypt, tmp_path, filled):
    """$EDITOR would need the words in a plain file: with an encrypted journal, a long
    answer is changed in the terminal instead, and the editor is never started."""
    marker = tmp_path / "editor-ran"
    env["EDITOR"] = f"touch {marker}"
    Journal(journal_of(reflect_home)).encrypt(PASSPHRASE)
    env["REFLECT_PASSPHRASE"] = PASSPHRASE
    terminal = start("edit", "1", "--step", "story")  # a long-text step
    terminal.expect(words("Your journal is encrypted, so long answers are changed here"))
    terminal.answer(words("What did the no seem to say about you?"),
                    "\x15" + "Changed in place\r")
    terminal.expect(words("Saved your change to reflection #1."))
    assert terminal.end() == 0
    assert not marker.exists()
    assert not list(reflect_home.glob(".edit-*"))
    entry = find(Journal(journal_of(reflect_home), passphrase=lambda: PASSPHRASE).entries(), "1")
    assert entry.answers["story"] == "Changed in place"
