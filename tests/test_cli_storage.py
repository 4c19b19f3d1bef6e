"""The storage commands as a person meets them: `where` lists backups, `restore` puts one
back (and is offered when the journal is damaged), `encrypt` and `decrypt`."""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reflect import cli
from reflect.engine.drafts import Drafts
from reflect.engine.new_reflection import reflect_new
from reflect.journal import backups
from reflect.journal.entry import now
from reflect.journal.store import Journal

from conftest import STOP, said

PASSPHRASE = "correct horse battery staple"
ANSWERS = {"what_happened": "They said not tonight.", "intensity": 6, "need": ["closeness"],
           "reframe": "one-moment"}
runner = CliRunner()


def invoke(*args: str, passphrase: str | None = None, input: str = ""):
    env = {"REFLECT_PASSPHRASE": passphrase} if passphrase else {}
    return runner.invoke(cli.app, list(args), env=env, input=input)


@pytest.fixture(autouse=True)
def quick_keys(fast_scrypt):
    """Every test here encrypts with scrypt's cheapest accepted setting."""


@pytest.fixture
def journal_with_backups(reflect_home, shipped_packs, monkeypatch) -> Path:
    """A journal saved on three days, 1 to 3 March: backups from the 2nd (1 entry) and the
    3rd (2 entries); the clock stays on the 3rd, so no other backup is due."""
    day = [datetime(2026, 3, 1, 21, 30)]
    monkeypatch.setattr(backups, "local_now", lambda: day[0])
    journal = Journal(reflect_home / "journal.json")
    for number in range(3):
        day[0] = datetime(2026, 3, 1, 21, 30) + timedelta(days=number)
        journal.add(shipped_packs["hearing-no-quick"], ANSWERS, str(uuid.uuid4()), now())
    assert len(journal.backups()) == 2
    return journal.path


class Tty(io.StringIO):
    """Standard input or output that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def at_terminal(monkeypatch, capsys, *args: str, typed: str = "") -> tuple[int, str]:
    """Run reflect as if at a terminal where `typed` is what the person types."""
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stdin", Tty(typed))
        patch.setattr(sys, "stdout", Tty())
        with pytest.raises(SystemExit) as caught:
            cli.app(list(args), prog_name="reflect")
        shown = sys.stdout.getvalue()
    return caught.value.code, said(shown + capsys.readouterr().err)


def test_where_lists_the_backups(journal_with_backups, reflect_home):
    """`where` shows the backups folder, how many copies there are and the newest."""
    result = invoke("where")
    assert result.exit_code == 0
    assert f"Backups: {reflect_home / 'backups'} (2 kept, the newest from 2026-03-03 21:30)" \
        in said(result.stdout)
    assert f"Settings: {reflect_home / 'config.toml'} (not created yet)" in said(result.stdout)


def test_where_says_when_the_journal_is_encrypted(journal_with_backups):
    """`where` tells an encrypted journal from the first bytes, without the passphrase."""
    assert invoke("encrypt", passphrase=PASSPHRASE).exit_code == 0
    result = invoke("where")
    assert result.exit_code == 0
    assert f"Journal: {journal_with_backups} (encrypted)" in said(result.stdout)


def test_restore_list_numbers_the_backups_newest_first(journal_with_backups):
    """`restore --list` shows each copy with its number, time, how many reflections it
    holds and why, and changes nothing."""
    before = journal_with_backups.read_bytes()
    result = invoke("restore", "--list")
    assert result.exit_code == 0
    assert said(result.stdout.splitlines()[0]) == "# Taken Reflections Why File"
    lines = [said(line) for line in result.stdout.splitlines() if "daily" in line]
    assert lines == [
        "1 2026-03-03 21:30 2 daily copy journal.2026-03-03_21-30-00.daily.json",
        "2 2026-03-02 21:30 1 daily copy journal.2026-03-02_21-30-00.daily.json",
    ]
    assert journal_with_backups.read_bytes() == before


def test_restore_list_marks_a_backup_that_cannot_be_read(journal_with_backups):
    """A damaged backup is listed with ? for its count, and a line says why."""
    backups.newest(journal_with_backups).path.write_bytes(b'{"entries": 1}')
    result = invoke("restore", "--list")
    assert result.exit_code == 0
    lines = [said(line) for line in result.stdout.splitlines() if "daily" in line]
    assert lines[0].startswith("1 2026-03-03 21:30 ? daily copy")
    assert lines[1].startswith("2 2026-03-02 21:30 1 daily copy")
    assert "that backup cannot be read" in said(result.stdout)


def test_restore_asks_with_both_counts_before_replacing(journal_with_backups, monkeypatch,
                                                       capsys):
    """The question names the backup's date and count and the journal's count; no keeps all."""
    before = journal_with_backups.read_bytes()
    code, shown = at_terminal(monkeypatch, capsys, "restore", "2", typed="n\n")
    assert code == 0
    assert ("Put back the backup from 2026-03-02 21:30 (daily copy), which holds 1 "
            "reflection? The journal now in its place, which holds 3 reflections, is kept "
            "beside it. [y/N]") in shown
    assert "Nothing was changed." in shown
    assert journal_with_backups.read_bytes() == before
    assert not list(journal_with_backups.parent.glob("journal.replaced-*"))


def test_restore_refuses_an_unreadable_backup_before_asking(journal_with_backups,
                                                            monkeypatch, capsys):
    """A backup that cannot be put back is refused before the question, not after yes."""
    newest = backups.newest(journal_with_backups)
    newest.path.write_bytes(b'{"entries": 1}')
    before = journal_with_backups.read_bytes()
    code, shown = at_terminal(monkeypatch, capsys, "restore", typed="y\n")
    assert code == 1
    assert f"The backup {newest.path} cannot be used" in shown
    assert "[y/N]" not in shown
    assert journal_with_backups.read_bytes() == before


def test_a_damaged_journal_names_the_file_and_the_command(journal_with_backups):
    """Without a terminal, a damaged journal is refused and the message says what to run."""
    journal_with_backups.write_bytes(b'{"entries": {"1": {"id": "x", "num')
    result = invoke("encrypt", passphrase=PASSPHRASE)
    assert result.exit_code == 1
    assert f"The journal {journal_with_backups} is damaged" in said(result.stderr)
    assert ("Its newest backup is from 2026-03-03 21:30 (daily copy). `reflect restore` puts "
            "it back and keeps the damaged file beside it.") in said(result.stdout)
    assert journal_with_backups.read_bytes() == b'{"entries": {"1": {"id": "x", "num'


def test_the_command_named_keeps_the_journal_option(journal_with_backups, reflect_home):
    """For a journal given with --journal, the command named carries the same --journal."""
    other = reflect_home / "other" / "journal.json"
    other.parent.mkdir()
    shutil.copytree(reflect_home / "backups", other.parent / "backups")
    other.write_bytes(b"")
    result = invoke("--journal", str(other), "encrypt", passphrase=PASSPHRASE)
    assert result.exit_code == 1
    assert f"`reflect --journal {other} restore` puts it back" in said(result.stdout)


def test_with_no_backup_the_message_says_to_keep_a_copy(reflect_home):
    """A damaged journal with no backup yet: keep a copy of it before anything else."""
    reflect_home.mkdir()
    (reflect_home / "journal.json").write_bytes(b"[]")
    result = invoke("encrypt", passphrase=PASSPHRASE)
    assert result.exit_code == 1
    assert "There is no backup of it yet. Keep a copy" in said(result.stdout)


def test_at_a_terminal_the_newest_backup_is_offered(journal_with_backups, monkeypatch,
                                                    capsys):
    """On a terminal, reflect offers the newest backup; yes puts it back, the damaged file
    is kept beside it, and the person is told to run their command again."""
    damaged = b"\x00\x00\x00 not a journal"
    journal_with_backups.write_bytes(damaged)
    newest = backups.newest(journal_with_backups)
    code, shown = at_terminal(monkeypatch, capsys, "new", typed="y\n")
    assert code == 1
    assert "Put the newest backup back now? It holds 2 reflections. [y/N]" in shown
    assert "Put back the backup from 2026-03-03 21:30 (daily copy), with 2 reflections." in shown
    assert "Run your command again." in shown
    assert journal_with_backups.read_bytes() == newest.path.read_bytes()
    [aside] = journal_with_backups.parent.glob("journal.damaged-*.json")
    assert aside.read_bytes() == damaged
    assert f"The damaged journal is kept as {aside}" in shown
    assert len(Journal(journal_with_backups).entries()) == 2


def test_at_a_terminal_no_changes_nothing(journal_with_backups, monkeypatch, capsys):
    """Answering no (or just Enter) to the offer leaves every file as it was."""
    journal_with_backups.write_bytes(b"{")
    code, shown = at_terminal(monkeypatch, capsys, "new", typed="\n")
    assert code == 1
    assert "Nothing was changed." in shown
    assert journal_with_backups.read_bytes() == b"{"
    assert not list(journal_with_backups.parent.glob("journal.damaged-*"))


def test_restore_yes_puts_the_newest_back_and_keeps_the_damaged_file(journal_with_backups):
    """`restore --yes` restores the newest backup, keeps the damaged file and says so."""
    journal_with_backups.write_bytes(b"")
    newest = backups.newest(journal_with_backups)
    result = invoke("restore", "--yes")
    assert result.exit_code == 0, result.output
    [aside] = journal_with_backups.parent.glob("journal.damaged-*.json")
    assert aside.read_bytes() == b""
    assert journal_with_backups.read_bytes() == newest.path.read_bytes()
    assert said(result.stdout) == (
        "Put back the backup from 2026-03-03 21:30 (daily copy), with 2 reflections. "
        f"The damaged journal is kept as {aside}")
    assert newest.path.exists()


def test_restore_a_chosen_backup_keeps_the_healthy_journal_too(journal_with_backups):
    """Restoring over a journal that is fine keeps it aside as well: nothing is lost."""
    before = journal_with_backups.read_bytes()
    result = invoke("restore", "--yes", "2")
    assert result.exit_code == 0, result.output
    assert len(Journal(journal_with_backups).entries()) == 1
    [aside] = journal_with_backups.parent.glob("journal.replaced-*.json")
    assert aside.read_bytes() == before
    assert "The journal that was in its place is kept as" in said(result.stdout)
    by_name = invoke("restore", "--yes", "journal.2026-03-03_21-30-00.daily.json")
    assert by_name.exit_code == 0
    assert len(Journal(journal_with_backups).entries()) == 2
    assert len(list(journal_with_backups.parent.glob("journal.replaced-*.json"))) == 2


def test_restore_refuses_a_damaged_backup(journal_with_backups):
    """A damaged backup is not put back: the journal and every file stay as they were."""
    newest = backups.newest(journal_with_backups)
    newest.path.write_bytes(b'{"entries": 1}')
    before = journal_with_backups.read_bytes()
    result = invoke("restore", "--yes")
    assert result.exit_code == 1
    assert f"The backup {newest.path} cannot be used" in said(result.stderr)
    assert "Its newest backup" not in result.stdout
    assert journal_with_backups.read_bytes() == before
    assert not list(journal_with_backups.parent.glob("journal.*-2*.json"))


@pytest.mark.parametrize(("args", "problem", "code"), [
    (["restore"], "add --yes to restore without a terminal", 2),
    (["restore", "--yes", "7"], "There is no backup number 7", 1),
    (["restore", "--yes", "nope.json"], "There is no backup called nope.json", 1),
])
def test_restore_mistakes_change_nothing(journal_with_backups, args, problem, code):
    """No terminal and no --yes, or a backup that is not there: a clear error, no change."""
    before = journal_with_backups.read_bytes()
    result = invoke(*args)
    assert result.exit_code == code
    assert problem in said(result.stderr)
    assert journal_with_backups.read_bytes() == before


def test_restore_with_no_backups_says_where_they_would_be(reflect_home):
    """With no backups yet, restore says so and names the folder."""
    result = invoke("restore", "--yes")
    assert result.exit_code == 1
    assert f"There are no backups of the journal {reflect_home / 'journal.json'} yet" in \
        said(result.stderr)


def test_encrypt_then_decrypt_round_trip(journal_with_backups, reflect_home):
    """encrypt warns, encrypts the journal, drafts and backups; decrypt writes all plain."""
    entries = [e.to_record() for e in Journal(journal_with_backups).entries()]
    (reflect_home / "journal.drafts").mkdir()
    draft = reflect_home / "journal.drafts" / "d.json"
    draft.write_text(json.dumps({"pack_id": "hearing-no", "pack_version": 1,
                                 "entry_id": "d", "created": now(),
                                 "answers": {"what_happened": "half a thought"}}))
    result = invoke("encrypt", passphrase=PASSPHRASE)
    assert result.exit_code == 0, result.output
    shown = said(result.stdout)
    assert "If you forget it, the journal cannot be read by anyone" in shown
    assert "There is no reset." in shown
    assert (f"Encrypted the journal {journal_with_backups} (3 reflections), and the unfinished "
            "reflection and 2 backups.") in shown
    files = [journal_with_backups, draft, *(c.path for c in backups.listing(
        journal_with_backups))]
    for path in files:
        assert path.read_bytes().startswith(b"reflect-encrypted 1\n"), path
        assert b"not tonight" not in path.read_bytes()
        assert b"half a thought" not in path.read_bytes()
    assert invoke("encrypt", passphrase=PASSPHRASE).exit_code == 1

    result = invoke("decrypt", passphrase=PASSPHRASE)
    assert result.exit_code == 0, result.output
    assert (f"Decrypted the journal {journal_with_backups} (3 reflections), and the unfinished "
            "reflection and 2 backups.") in said(result.stdout)
    assert "It is plain again" in said(result.stdout)
    for path in files:
        assert not path.read_bytes().startswith(b"reflect-encrypted"), path
    assert [e.to_record() for e in Journal(journal_with_backups).entries()] == entries
    assert "half a thought" in draft.read_text()
    assert invoke("decrypt", passphrase=PASSPHRASE).exit_code == 1


def test_every_draft_follows_the_journal_into_encryption(journal_with_backups, reflect_home):
    """Two drafts, and one still where reflect kept its single draft: all three encrypted."""
    folder = reflect_home / "journal.drafts"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.json").write_text(json.dumps({
            "pack_id": "hearing-no", "pack_version": 1, "entry_id": name, "created": now(),
            "answers": {"what_happened": f"draft {name}"}}))
    (reflect_home / "journal.draft.json").write_text(json.dumps({
        "pack_id": "hearing-no", "pack_version": 1, "entry_id": "c", "created": now(),
        "answers": {"what_happened": "draft c"}}))
    result = invoke("encrypt", passphrase=PASSPHRASE)
    assert result.exit_code == 0, result.output
    assert "and the 3 unfinished reflections and 2 backups." in said(result.stdout)
    kept = list(folder.glob("*.json"))
    assert len(kept) == 3
    assert all(path.read_bytes().startswith(b"reflect-encrypted 1\n") for path in kept)
    assert not (reflect_home / "journal.draft.json").exists()


def test_a_wrong_passphrase_changes_nothing(journal_with_backups):
    """decrypt with the wrong passphrase: a clear error, exit 1, every file unchanged."""
    assert invoke("encrypt", passphrase=PASSPHRASE).exit_code == 0
    folder = journal_with_backups.parent
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    result = invoke("decrypt", passphrase="not the passphrase at all")
    assert result.exit_code == 1
    assert said(result.stderr) == (f"Error: That passphrase does not open the journal "
                                   f"{journal_with_backups}. Nothing was changed.")
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_no_terminal_and_no_variable_is_exit_2(journal_with_backups):
    """An encrypted journal with no way to ask for the passphrase: say how, exit 2."""
    assert invoke("encrypt", passphrase=PASSPHRASE).exit_code == 0
    before = journal_with_backups.read_bytes()
    result = invoke("decrypt")
    assert result.exit_code == 2
    assert ("is encrypted. Run reflect in a terminal to type its passphrase, or set "
            "REFLECT_PASSPHRASE.") in said(result.stderr)
    assert journal_with_backups.read_bytes() == before
    result = invoke("encrypt")
    assert result.exit_code == 1
    assert "encrypted already" in said(result.stderr)


def test_encrypt_needs_a_terminal_or_the_variable(reflect_home):
    """Without a terminal to type the new passphrase in, nothing is encrypted: exit 2."""
    result = invoke("encrypt")
    assert result.exit_code == 2
    assert "needs a terminal" in said(result.stderr)
    assert not reflect_home.exists()


def test_at_a_terminal_the_passphrase_is_typed_twice_hidden(journal_with_backups,
                                                            monkeypatch, capsys):
    """encrypt asks twice with getpass; two different answers change nothing."""
    import getpass

    typed = iter(["a good long passphrase", "a good long passphrase!"])
    prompts: list[str] = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt: prompts.append(prompt) or
                        next(typed))
    before = journal_with_backups.read_bytes()
    code, shown = at_terminal(monkeypatch, capsys, "encrypt")
    assert code == 1
    assert prompts == ["New passphrase: ", "The same passphrase again: "]
    assert "The two passphrases are not the same. Nothing was changed." in shown
    assert journal_with_backups.read_bytes() == before

    typed = iter(["a good long passphrase", "a good long passphrase",
                  "a good long passphrase"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt: prompts.append(prompt) or
                        next(typed))
    code, shown = at_terminal(monkeypatch, capsys, "encrypt")
    assert code == 0
    assert Journal(journal_with_backups).is_encrypted()
    monkeypatch.setattr(getpass, "getpass", lambda prompt: prompts.append(prompt) or
                        next(typed))
    code, shown = at_terminal(monkeypatch, capsys, "decrypt")
    assert code == 0
    assert prompts[-1] == "Passphrase for your journal: "


def test_ctrl_c_at_a_new_passphrase_is_a_calm_stop(journal_with_backups, monkeypatch,
                                                   capsys):
    """Ctrl-C at "New passphrase:" stops with a calm line (no "Error"), exit 130, no change."""
    import getpass

    def interrupted(prompt: str) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(getpass, "getpass", interrupted)
    before = journal_with_backups.read_bytes()
    code, shown = at_terminal(monkeypatch, capsys, "encrypt")
    assert code == 130
    assert "Stopped. Nothing was opened or changed." in shown
    assert "Error" not in shown
    assert journal_with_backups.read_bytes() == before


def test_a_short_passphrase_is_refused(reflect_home):
    """A passphrase under eight characters is refused before anything is written."""
    result = invoke("encrypt", passphrase="short")
    assert result.exit_code == 1
    assert "at least 8 characters" in said(result.stderr)
    assert not (reflect_home / "journal.json").exists()


def test_encrypting_before_the_first_reflection(reflect_home):
    """A person can start encrypted: an empty encrypted journal is made."""
    result = invoke("encrypt", passphrase=PASSPHRASE)
    assert result.exit_code == 0, result.output
    journal = Journal(reflect_home / "journal.json", passphrase=lambda: PASSPHRASE)
    assert journal.is_encrypted()
    assert journal.entries() == []


def test_a_reflection_saves_into_an_encrypted_journal(journal_with_backups, shipped_packs,
                                                      scripted):
    """Asked for once, the passphrase opens the journal; the paused draft is encrypted too,
    and the finished entry is saved encrypted."""
    assert invoke("encrypt", passphrase=PASSPHRASE).exit_code == 0
    asked: list[int] = []

    def passphrase() -> str:
        asked.append(1)
        return PASSPHRASE

    packs = list(shipped_packs.values())
    journal = Journal(journal_with_backups, passphrase=passphrase)
    drafts = Drafts(journal_with_backups.with_name("journal.drafts"), journal)
    journal.verify()
    paused = reflect_new(packs, shipped_packs["hearing-no-quick"], scripted(
        {"what_happened": "Words nobody else should read", "emotions": STOP,
         "_pause": "keep"}), journal, drafts)
    assert paused.kept_draft
    [kept] = drafts.folder.glob("*.json")
    assert kept.read_bytes().startswith(b"reflect-encrypted 1\n")
    assert b"nobody else" not in kept.read_bytes()
    done = reflect_new(packs, shipped_packs["hearing-no-quick"], scripted(
        {"emotions": ["sad"], "intensity": 5, "need": ["closeness"], "reframe": "one-moment",
         "intensity_now": 3}), journal, drafts,
        resume=True)
    assert done.entry is not None
    assert asked == [1]
    assert not kept.exists()
    assert journal_with_backups.read_bytes().startswith(b"reflect-encrypted 1\n")
    again = Journal(journal_with_backups, passphrase=lambda: PASSPHRASE).entries()
    assert again[-1].answers["what_happened"] == "Words nobody else should read"
    assert len(again) == 4


def test_a_mistake_in_the_settings_shows_before_anything_happens(reflect_home):
    """A wrong config.toml is named before the journal is opened, and nothing changes."""
    reflect_home.mkdir()
    (reflect_home / "config.toml").write_text("[backups]\nkeep = -1\n")
    result = invoke("encrypt", passphrase=PASSPHRASE)
    assert result.exit_code == 1
    assert f"The settings file {reflect_home / 'config.toml'} says backups.keep = -1" in \
        said(result.stderr)
    assert not (reflect_home / "journal.json").exists()


def test_restoring_across_encryption_says_what_the_journal_now_is(journal_with_backups):
    """A plain backup put back over an encrypted journal leaves it plain, and says so."""
    plain_copy = backups.newest(journal_with_backups).path.read_bytes()
    assert invoke("encrypt", passphrase=PASSPHRASE).exit_code == 0
    outside = journal_with_backups.parent / "kept-by-hand.json"
    outside.write_bytes(plain_copy)
    result = invoke("restore", "--yes", str(outside), passphrase=PASSPHRASE)
    assert result.exit_code == 0, result.output
    assert "taken before the journal was encrypted, so the journal is plain now" in \
        said(result.stderr)
    assert journal_with_backups.read_bytes() == plain_copy
    result = invoke("restore", "--yes", "1", passphrase=PASSPHRASE)
    assert result.exit_code == 0, result.output
    assert "That backup is encrypted, so the journal is encrypted again." in \
        said(result.stdout)
    assert Journal(journal_with_backups).is_encrypted()


@pytest.mark.timeout(20)
@pytest.mark.parametrize("args", [["where"], ["list"], ["stats"], ["show", "1"],
                                  ["delete", "1"]])
def test_a_pipe_at_the_journal_path_is_named_not_waited_on(reflect_home, args):
    """A named pipe where the journal belongs gets a one-line message and exit 1 from every
    command, `where` included, instead of a wait for a writer that never comes."""
    reflect_home.mkdir()
    os.mkfifo(reflect_home / "journal.json")
    result = invoke(*args)
    assert result.exit_code == 1
    assert "is a named pipe, not an ordinary file" in said(result.output)
    assert "Traceback" not in result.output


@pytest.mark.timeout(20)
@pytest.mark.parametrize("make", ["fifo", "device", "folder-link"])
def test_import_refuses_what_is_not_an_ordinary_file(reflect_home, tmp_path, make):
    """`reflect import` of a pipe nobody writes to, or of an endless device, says what the
    path is and exits non-zero at once; nothing is written."""
    source = tmp_path / "export.json"
    if make == "fifo":
        os.mkfifo(source)
    elif make == "device":
        source.symlink_to("/dev/zero")
    else:
        source.symlink_to(tmp_path)
    result = invoke("import", str(source))
    assert result.exit_code != 0
    assert "not an ordinary file" in said(result.output) or "is a folder" in result.output
    assert "Traceback" not in result.output
    assert not (reflect_home / "journal.json").exists()
