"""`reflect merge FILE` by hand (with --dry-run), `reflect git-setup`, and the hidden
`reflect merge-driver` that git runs: the same merge, clear errors, nothing half-done."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reflect import cli
from reflect.journal.store import Journal

from conftest import REPO, journal_data, said, save_quick

runner = CliRunner()
GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")
PASSPHRASE = "one passphrase on both computers"


@pytest.fixture
def two(journal_file: Path, shipped_packs, tmp_path: Path) -> tuple[Journal, Path]:
    """The journal, and another copy of it elsewhere: both hold 'Before'; the journal then
    saved 'Here', the other 'There 1' and 'There 2'."""
    quick = shipped_packs["hearing-no-quick"]
    journal = Journal(journal_file)
    save_quick(journal, quick, "Before")
    other = tmp_path / "elsewhere" / "journal.json"
    other.parent.mkdir()
    shutil.copy(journal_file, other)
    save_quick(journal, quick, "Here")
    there = Journal(other)
    save_quick(there, quick, "There 1")
    save_quick(there, quick, "There 2")
    return journal, other


def words_in(path: Path) -> list[str]:
    return sorted(e.answers["what_happened"] for e in Journal(path).entries())


def test_merge_takes_in_another_copy_and_says_what_came(two):
    """Each new reflection is listed with its number here (and there, when it changed), and
    one line sums it up; a backup is taken first."""
    journal, other = two
    result = runner.invoke(cli.app, ["merge", str(other)])
    assert result.exit_code == 0, result.output
    text = said(result.output)
    assert "+ #3" in text
    assert "There 1 (new; #2 there)" in text
    assert "+ #4" in text
    assert "There 2 (new; #3 there)" in text
    assert "2 reflections from journal.json merged." in text
    assert words_in(journal.path) == ["Before", "Here", "There 1", "There 2"]
    assert [kept.reason for kept in journal.backups()][-1] == "before-merge"
    assert other.exists()


def test_a_dry_run_shows_the_change_and_changes_nothing(two):
    """--dry-run lists what would come and says nothing was changed; no file is touched."""
    journal, other = two
    before, other_before = journal.path.read_bytes(), other.read_bytes()
    kept = len(journal.backups())
    result = runner.invoke(cli.app, ["merge", "--dry-run", str(other)])
    assert result.exit_code == 0, result.output
    text = said(result.output)
    assert "There 1" in text
    assert "There 2" in text
    assert "Merging journal.json would bring in 2 reflections. Nothing was changed" in text
    assert journal.path.read_bytes() == before
    assert other.read_bytes() == other_before
    assert len(journal.backups()) == kept


def test_merging_twice_adds_nothing(two):
    """The second merge of the same file says there was nothing to merge, and exits 0."""
    journal, other = two
    runner.invoke(cli.app, ["merge", str(other)])
    before = journal.path.read_bytes()
    result = runner.invoke(cli.app, ["merge", str(other)])
    assert result.exit_code == 0
    assert "Nothing to merge" in said(result.output)
    assert journal.path.read_bytes() == before


def test_a_json_export_merges_like_a_journal(two, tmp_path):
    """An export from `reflect export --format json` is merged the same way."""
    journal, other = two
    export = tmp_path / "there.json"
    done = runner.invoke(cli.app, ["--journal", str(other), "export", "-o", str(export)])
    assert done.exit_code == 0, done.output
    result = runner.invoke(cli.app, ["merge", str(export)])
    assert result.exit_code == 0, result.output
    assert words_in(journal.path) == ["Before", "Here", "There 1", "There 2"]


@pytest.mark.parametrize("version", [0, 1, 2, 3])
def test_every_older_journal_layout_merges(journal_file, shipped_packs, tmp_path, version):
    """A journal file kept by an older reflect (any schema, the one-line-per-reflection
    layout too) is brought up to date in memory and merged; the file is not changed."""
    old = tmp_path / "old.json"
    shutil.copy(REPO / "tests" / "fixtures" / f"journal-v{version}.json", old)
    before = old.read_bytes()
    save_quick(Journal(journal_file), shipped_packs["hearing-no-quick"], "Here")
    result = runner.invoke(cli.app, ["merge", str(old)])
    assert result.exit_code == 0, result.output
    assert old.read_bytes() == before
    probe = tmp_path / "probe" / "journal.json"
    probe.parent.mkdir()
    shutil.copy(old, probe)
    held = len(Journal(probe).entries())
    assert f"{held} reflections from old.json merged" in said(result.output)
    assert len(Journal(journal_file).entries()) == held + 1


def test_an_encrypted_copy_merges_with_the_journals_passphrase(two, fast_scrypt):
    """Both encrypted with the same passphrase: merged, and the journal stays encrypted."""
    journal, other = two
    Journal(journal.path).encrypt(PASSPHRASE)
    Journal(other).encrypt(PASSPHRASE)
    result = runner.invoke(cli.app, ["merge", str(other)],
                           env={"REFLECT_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 0, result.output
    assert journal.path.read_bytes().startswith(b"reflect-encrypted 1\n")
    assert len(Journal(journal.path, passphrase=lambda: PASSPHRASE).entries()) == 4


@pytest.mark.parametrize(("content", "code", "message"), [
    (None, 1, "There is no file"),
    (b"{", 1, "is damaged: it is not valid JSON"),
    (b'{"format": "reflect-export", "schema": 1, "entries": [{"id": 1}]}', 1,
     "Cannot merge"),
    (b'{"entries": {"1": {"id": "x", "number": "one"}}}', 1, "is not an entry"),
    (b'{"meta": {"1": {"schema": 99}}, "entries": {}}', 1, "newer reflect"),
    (b"reflect-encrypted 1\n{}\n", 1, "is damaged"),
])
def test_a_missing_damaged_or_hostile_file_is_refused_and_nothing_changes(
        two, tmp_path, content, code, message):
    """A file that is missing, damaged or not a journal gets one clear line and a non-zero
    exit; the journal is as it was."""
    journal, _ = two
    file = tmp_path / "given.json"
    if content is not None:
        file.write_bytes(content)
    before = journal.path.read_bytes()
    result = runner.invoke(cli.app, ["merge", str(file)])
    assert result.exit_code == code
    assert message in said(result.output)
    assert "Traceback" not in result.output
    assert journal.path.read_bytes() == before


@pytest.mark.usefixtures("two")
def test_a_folder_or_a_pipe_is_refused_by_name(tmp_path):
    """A folder is refused with exit 2, a pipe with its name; neither is read or waited on."""
    assert runner.invoke(cli.app, ["merge", str(tmp_path)]).exit_code == 2
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)
    result = runner.invoke(cli.app, ["merge", str(pipe)])
    assert result.exit_code == 1
    assert "pipe" in said(result.output)


# git ---------------------------------------------------------------------------------------


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                          check=True, timeout=30).stdout


@needs_git
def test_git_setup_writes_the_attribute_and_the_driver(two, tmp_path):
    """In a repository, git-setup adds `journal.json merge=reflect` to .gitattributes and
    sets the driver in the repository's config; run again, it adds nothing twice."""
    journal, _ = two
    folder = journal.path.parent
    git(folder, "init", "-q")
    (folder / ".gitattributes").write_text("*.md text")
    result = runner.invoke(cli.app, ["git-setup"])
    assert result.exit_code == 0, result.output
    assert (folder / ".gitattributes").read_text() == "*.md text\njournal.json merge=reflect\n"
    assert git(folder, "config", "merge.reflect.driver").strip().endswith(
        "merge-driver %O %A %B")
    again = runner.invoke(cli.app, ["git-setup", str(folder)])
    assert again.exit_code == 0
    assert "already has: journal.json merge=reflect" in said(again.output)
    assert (folder / ".gitattributes").read_text().count("merge=reflect") == 1


@needs_git
def test_git_setup_outside_a_repository_changes_nothing(two):
    """Outside a git repository: one line saying to run git init first, exit 1, no file."""
    journal, _ = two
    result = runner.invoke(cli.app, ["git-setup"])
    assert result.exit_code == 1
    assert "is not in a git repository" in said(result.output)
    assert not (journal.path.parent / ".gitattributes").exists()


def test_the_merge_driver_merges_theirs_into_ours(two, tmp_path):
    """`reflect merge-driver BASE OURS THEIRS` leaves the merge in OURS and exits 0."""
    journal, other = two
    base = tmp_path / "base"
    base.write_bytes(b"")
    result = runner.invoke(cli.app, ["merge-driver", str(base), str(journal.path), str(other)])
    assert result.exit_code == 0, result.output
    assert words_in(journal.path) == ["Before", "Here", "There 1", "There 2"]


@pytest.mark.parametrize("theirs", [b"<<<<<<< HEAD\n", b"", b'{"entries": 3}'])
def test_the_merge_driver_that_cannot_merge_leaves_ours_and_exits_1(two, tmp_path, theirs):
    """A version it cannot read: one line, exit 1 (git reports a conflict), OURS untouched."""
    journal, _ = two
    other = tmp_path / "theirs"
    other.write_bytes(theirs)
    before = journal.path.read_bytes()
    result = runner.invoke(cli.app, ["merge-driver", str(other), str(journal.path),
                                     str(other)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert journal.path.read_bytes() == before


def test_the_merge_driver_is_hidden_from_help():
    """`reflect --help` lists merge and git-setup, not the command only git runs."""
    result = runner.invoke(cli.app, ["--help"])
    assert "merge" in result.output
    assert "git-setup" in result.output
    assert "merge-driver" not in result.output


def test_json_of_the_merged_journal_is_stock_tinydb(two):
    """After a merge the journal is still TinyDB's JSON, with the deletions table."""
    journal, other = two
    runner.invoke(cli.app, ["merge", str(other)])
    data = journal_data(journal.path)
    assert set(data) == {"entries", "meta", "deleted"}
    assert json.loads(journal.path.read_text())["meta"]["1"]["schema"] == 4


def test_a_renumbered_arrival_is_found_by_its_new_number_and_its_id(two):
    """A reflection that got a new number here is shown by that number, and by its id."""
    journal, other = two
    arriving = next(e for e in Journal(other).entries() if e.answers["what_happened"] ==
                    "There 1")
    runner.invoke(cli.app, ["merge", str(other)])
    here = next(e for e in journal.entries() if e.id == arriving.id)
    assert (arriving.number, here.number) == (2, 3)
    for ref in (str(here.number), arriving.id[:8]):
        shown = runner.invoke(cli.app, ["show", ref, "--json"])
        assert shown.exit_code == 0, shown.output
        assert json.loads(shown.output)["id"] == arriving.id


def test_the_merge_driver_opens_encrypted_journals_with_the_passphrase(two, tmp_path,
                                                                       fast_scrypt):
    """Both of git's versions encrypted with one passphrase (given in the environment): the
    merge is written into OURS, still encrypted."""
    journal, other = two
    Journal(journal.path).encrypt(PASSPHRASE)
    Journal(other).encrypt(PASSPHRASE)
    result = runner.invoke(cli.app, ["merge-driver", str(other), str(journal.path),
                                     str(other)], env={"REFLECT_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 0, result.output
    assert journal.path.read_bytes().startswith(b"reflect-encrypted 1\n")
    assert len(Journal(journal.path, passphrase=lambda: PASSPHRASE).entries()) == 4
