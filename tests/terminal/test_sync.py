"""Conflict copies that Syncthing, Dropbox or Nextcloud leave beside the journal are merged
in when any command opens it, with a backup first and one line said; a copy that cannot
be read is named and left alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reflect import cli
from reflect.journal import backups
from reflect.journal.store import Journal

from conftest import journal_data, said, save_quick

PASSPHRASE = "one passphrase on both computers"
SCHEMES = {
    "Syncthing": "journal.sync-conflict-20261205-101500-ABCDEFG.json",
    "Dropbox": "journal (conflicted copy 2026-12-05).json",
    "Dropbox with a name": "journal (Sam's conflicted copy 2026-12-05).json",
    "Nextcloud": "journal (conflicted copy 2026-12-05 101500).json",
    "Nextcloud, older": "journal_conflict-20261205-101500.json",
}
runner = CliRunner()


@pytest.fixture
def quick(shipped_packs):
    return shipped_packs["hearing-no-quick"]


@pytest.fixture
def apart(journal_file: Path, quick, tmp_path: Path):
    """A journal and a conflict copy of it, each changed on its own computer: both start
    with one reflection; here one is added and the first deleted, there two are added."""

    def make(name: str, passphrase: str | None = None,
             copy_passphrase: str | None = None) -> tuple[Journal, Path]:
        journal = Journal(journal_file, passphrase=lambda: passphrase or "")
        save_quick(journal, quick, "Before the two computers went apart")
        if passphrase:
            journal.encrypt(passphrase)
        there_file = tmp_path / "there" / journal_file.name
        there_file.parent.mkdir()
        shutil.copy(journal_file, there_file)
        there = Journal(there_file, passphrase=lambda: passphrase or "")
        if copy_passphrase:
            there.decrypt()
            there.encrypt(copy_passphrase)
            there = Journal(there_file, passphrase=lambda: copy_passphrase)
        save_quick(there, quick, "Saved on the desktop")
        save_quick(there, quick, "Also saved on the desktop")
        first = journal.entries()[0]
        save_quick(journal, quick, "Saved on the laptop")
        journal.delete(first.id)
        copy = journal_file.with_name(name)
        shutil.move(there_file, copy)
        return journal, copy

    return make


def words_in(journal: Journal) -> list[str]:
    return [entry.answers["what_happened"] for entry in journal.entries()]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_conflict_copy_is_merged_when_the_journal_is_opened(apart, scheme, fast_scrypt):
    """Any command that opens the journal merges the copy in: both computers' reflections,
    not the one deleted here; the copy is kept as one of the journal's backups, after a backup
    of the journal."""
    journal, copy = apart(SCHEMES[scheme])
    copy_before = copy.read_bytes()
    result = runner.invoke(cli.app, ["list"])
    assert result.exit_code == 0, result.output
    assert f"2 reflections from {copy.name} merged (kept in backups/)." in said(
        result.output)
    assert sorted(words_in(journal)) == ["Also saved on the desktop", "Saved on the desktop",
                                         "Saved on the laptop"]
    assert not copy.exists()
    [kept] = [b for b in journal.backups() if b.reason == backups.TAKEN_IN]
    assert kept.path.read_bytes() == copy_before
    assert kept.what == "a conflict copy, taken in"
    assert "before-merge" in [kept.reason for kept in journal.backups()]
    numbers = [entry.number for entry in journal.entries()]
    assert len(set(numbers)) == len(numbers) == 3


def test_an_encrypted_journal_takes_in_a_copy_with_the_same_passphrase(apart, fast_scrypt):
    """With the same passphrase on both computers, the copy is merged and the journal stays
    encrypted."""
    journal, copy = apart(SCHEMES["Syncthing"], passphrase=PASSPHRASE)
    result = runner.invoke(cli.app, ["list"], env={"REFLECT_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 0, result.output
    assert f"2 reflections from {copy.name} merged" in said(result.output)
    assert journal.path.read_bytes().startswith(b"reflect-encrypted 1\n")
    assert len(Journal(journal.path, passphrase=lambda: PASSPHRASE).entries()) == 3


def test_a_plain_copy_taken_into_an_encrypted_journal_is_kept_encrypted(
        journal_file, quick, tmp_path, fast_scrypt):
    """A copy saved before the journal was encrypted is merged, and kept among the backups
    encrypted like the journal: no plain copy of the reflections is left behind."""
    there_file = tmp_path / "there" / journal_file.name
    there = Journal(there_file)
    save_quick(there, quick, "Saved on the desktop, before encrypting")
    journal = Journal(journal_file, passphrase=lambda: PASSPHRASE)
    save_quick(journal, quick, "Saved on the laptop")
    journal.encrypt(PASSPHRASE)
    copy = journal_file.with_name(SCHEMES["Syncthing"])
    shutil.move(there_file, copy)
    result = runner.invoke(cli.app, ["list"], env={"REFLECT_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 0, result.output
    assert f"1 reflection from {copy.name} merged" in said(result.output)
    assert not copy.exists()
    [kept] = [b for b in journal.backups() if b.reason == backups.TAKEN_IN]
    assert kept.path.read_bytes().startswith(b"reflect-encrypted 1\n")
    assert b"before encrypting" not in kept.path.read_bytes()
    assert Journal(journal.path, passphrase=lambda: PASSPHRASE).count_in(kept.path) == 1


def test_a_copy_locked_with_another_passphrase_is_named_and_left(apart, fast_scrypt):
    """A copy the journal's passphrase does not open stays where it is, named in one line,
    and the journal is not changed."""
    journal, copy = apart(SCHEMES["Dropbox"], passphrase=PASSPHRASE,
                          copy_passphrase="another passphrase altogether")
    before, copy_before = journal.path.read_bytes(), copy.read_bytes()
    result = runner.invoke(cli.app, ["list"], env={"REFLECT_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 0, result.output
    assert f"Not merged, left where it is: That passphrase does not open the copy {copy}" in \
        said(result.output)
    assert journal.path.read_bytes() == before
    assert copy.read_bytes() == copy_before


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"entries": {"1": {"id": 3}}}',
                                    b"reflect-encrypted 1\ncut short"])
def test_a_damaged_copy_is_named_and_nothing_changes(apart, damage):
    """A copy that cannot be read is left where it is, named in one line; the journal and
    the copy are as they were, and the command still runs."""
    journal, copy = apart(SCHEMES["Nextcloud"])
    copy.write_bytes(damage)
    before = journal.path.read_bytes()
    result = runner.invoke(cli.app, ["list"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "Not merged" in line]
    assert len(lines) == 1
    assert copy.name in said(result.output)
    assert journal.path.read_bytes() == before
    assert copy.read_bytes() == damage
    assert "Saved on the laptop" in result.output


def test_a_good_copy_is_merged_beside_a_damaged_one(apart):
    """One readable copy and one damaged: the readable one is merged and moved, the damaged
    one is named and stays."""
    journal, copy = apart(SCHEMES["Syncthing"])
    damaged = journal.path.with_name(SCHEMES["Dropbox"])
    damaged.write_text("{")
    result = runner.invoke(cli.app, ["list"])
    assert result.exit_code == 0, result.output
    assert f"2 reflections from {copy.name} merged" in said(result.output)
    assert f"Not merged, left where it is: The copy {damaged}" in said(result.output)
    assert damaged.exists()
    assert not copy.exists()


def test_a_copy_with_nothing_new_is_moved_aside_quietly_and_changes_nothing(
        journal_file, quick):
    """A copy holding only what the journal has is moved to backups/, and the journal is
    not rewritten."""
    journal = Journal(journal_file)
    save_quick(journal, quick, "One reflection")
    copy = journal_file.with_name(SCHEMES["Syncthing"])
    shutil.copy(journal_file, copy)
    before = journal_file.read_bytes()
    result = runner.invoke(cli.app, ["list"])
    assert f"Nothing new in {copy.name} (kept in backups/)." in said(result.output)
    assert journal_file.read_bytes() == before
    assert not copy.exists()


def test_a_deletion_there_is_a_deletion_here(journal_file, quick, tmp_path):
    """A reflection deleted on the other computer is deleted here too, and it is said."""
    journal = Journal(journal_file)
    keep, gone = save_quick(journal, quick, "Kept"), save_quick(journal, quick, "Deleted there")
    copy = journal_file.with_name(SCHEMES["Syncthing"])
    shutil.copy(journal_file, copy)
    Journal(copy).delete(gone)
    result = runner.invoke(cli.app, ["list"])
    assert "1 deleted there is deleted here too" in said(result.output)
    assert [entry.id for entry in journal.entries()] == [keep]
    assert [doc["id"] for doc in journal_data(journal_file)["deleted"].values()] == [gone]


def test_no_journal_yet_leaves_a_copy_alone(journal_file, quick, tmp_path):
    """Without a journal there is nothing to merge into: the copy is left as it is."""
    journal_file.parent.mkdir(parents=True)
    copy = journal_file.with_name(SCHEMES["Syncthing"])
    copy.write_text("{}")
    result = runner.invoke(cli.app, ["list"])
    assert "merged" not in result.output
    assert copy.read_text() == "{}"


def test_a_damaged_journal_is_reported_by_the_command_not_by_the_intake(
        journal_file, quick):
    """With a damaged journal, the copy is left and the command says what is wrong, once."""
    journal_file.parent.mkdir(parents=True)
    journal_file.write_text("{")
    copy = journal_file.with_name(SCHEMES["Syncthing"])
    copy.write_text("{}")
    result = runner.invoke(cli.app, ["list"])
    assert result.exit_code == 1
    assert said(result.output).count("is damaged") == 1
    assert copy.exists()


def test_an_encrypted_copy_beside_a_plain_journal_is_named_and_left(apart, fast_scrypt):
    """A copy encrypted on the other computer, beside a plain journal, is not opened by
    asking here: it is named, with `reflect merge` as the way to take it in."""
    journal, copy = apart(SCHEMES["Syncthing"])
    Journal(copy, passphrase=lambda: PASSPHRASE).encrypt(PASSPHRASE)
    before = journal.path.read_bytes()
    result = runner.invoke(cli.app, ["list"])
    assert result.exit_code == 0, result.output
    assert "is encrypted and the journal is not; `reflect merge` can take it in" in said(
        result.output)
    assert journal.path.read_bytes() == before
    assert copy.exists()
