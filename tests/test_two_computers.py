"""One journal on two computers, end to end: a real git round trip through reflect's merge
driver, kill -9 in the middle of taking in a conflict copy, and the line a bare `reflect`
says when it took one in (the installed `reflect`, in a pseudo-terminal)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reflect.journal import backups
from reflect.journal.entry import new_id, now
from reflect.journal.store import Journal
from reflect.terminal.reflection import open_journal

import test_e2e
from conftest import QUICK_ANSWERS
from test_e2e import EXE

env = test_e2e.env  # the end-to-end tests' fixtures
start = test_e2e.start

pytestmark = pytest.mark.timeout(120)
GIT = shutil.which("git")
WAIT = 60
QUICK_LINES = ["{words}", "1,11", "6", "rest", "1", ""]
"""Plain-mode answers to the quick reflection (as in the README), the first one given."""
COPY_NAME = "journal.sync-conflict-20261205-101500-ABCDEFG.json"


def reflect_env(home: Path, tmp_path: Path) -> dict[str, str]:
    """reflect and git as a person would run them: this journal, no settings of their own."""
    variables = dict(os.environ)
    variables.update(REFLECT_HOME=str(home), HOME=str(tmp_path / "user"), TERM="dumb",
                     GIT_CONFIG_NOSYSTEM="1", GIT_AUTHOR_NAME="Sam",
                     GIT_AUTHOR_EMAIL="sam@example.org", GIT_COMMITTER_NAME="Sam",
                     GIT_COMMITTER_EMAIL="sam@example.org",
                     PATH=f"{EXE.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    variables.pop("REFLECT_PASSPHRASE", None)
    return variables


def run(args: list[str], variables: dict[str, str], cwd: Path, input: str = "") -> str:
    done = subprocess.run(args, env=variables, cwd=cwd, input=input, capture_output=True,
                          text=True, timeout=WAIT)
    assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
    return done.stdout + done.stderr


def reflect_in(clone: Path, tmp_path: Path, *args: str, input: str = "") -> str:
    return run([str(EXE), *args], reflect_env(clone, tmp_path), clone, input)


def save_in(clone: Path, tmp_path: Path, words: str) -> None:
    """Save a quick reflection through the real `reflect`, answered in plain lines."""
    lines = [line.format(words=words) for line in QUICK_LINES]
    reflect_in(clone, tmp_path, "--plain", "new", "--quick", input="\n".join(lines) + "\n")


def git_in(clone: Path, tmp_path: Path, *args: str) -> str:
    return run(["git", *args], reflect_env(clone, tmp_path), clone)


def titles(journal: Path) -> list[str]:
    return sorted(entry.answers["what_happened"] for entry in Journal(journal).entries())


@pytest.mark.skipif(GIT is None, reason="git is not installed")
@pytest.mark.skipif(not EXE.exists(), reason="reflect is not installed beside this Python")
def test_git_pull_merges_the_journal_by_reflection(tmp_path):
    """Two clones each save a reflection (one also deletes one), commit, and pull: no
    conflict markers, every reflection of both, the deleted one gone, on both computers."""
    origin, laptop, desktop = tmp_path / "origin.git", tmp_path / "laptop", tmp_path / "desktop"
    (tmp_path / "user").mkdir()
    run(["git", "init", "-q", "--bare", str(origin)], reflect_env(laptop, tmp_path), tmp_path)
    git_in(tmp_path, tmp_path, "clone", "-q", str(origin), str(laptop))
    reflect_in(laptop, tmp_path, "git-setup")
    (laptop / ".gitignore").write_text("backups/\njournal.drafts/\n*.lock\n")
    save_in(laptop, tmp_path, "Before the two went apart")
    save_in(laptop, tmp_path, "Also before")
    git_in(laptop, tmp_path, "add", "-A")
    git_in(laptop, tmp_path, "commit", "-qm", "start")
    git_in(laptop, tmp_path, "push", "-q", "origin", "HEAD")

    git_in(tmp_path, tmp_path, "clone", "-q", str(origin), str(desktop))
    reflect_in(desktop, tmp_path, "git-setup")  # git's config is each clone's own
    save_in(desktop, tmp_path, "Saved on the desktop")
    git_in(desktop, tmp_path, "commit", "-qam", "desktop")

    save_in(laptop, tmp_path, "Saved on the laptop")
    reflect_in(laptop, tmp_path, "delete", "2", "--yes")
    git_in(laptop, tmp_path, "commit", "-qam", "laptop")
    git_in(laptop, tmp_path, "push", "-q", "origin", "HEAD")

    pulled = git_in(desktop, tmp_path, "pull", "--no-rebase", "--no-edit", "origin", "HEAD")
    assert "CONFLICT" not in pulled
    raw = (desktop / "journal.json").read_text()
    assert "<<<<<<<" not in raw
    assert ">>>>>>>" not in raw
    expected = ["Before the two went apart", "Saved on the desktop", "Saved on the laptop"]
    assert titles(desktop / "journal.json") == expected
    numbers = [e.number for e in Journal(desktop / "journal.json").entries()]
    assert len(set(numbers)) == len(numbers)

    git_in(desktop, tmp_path, "push", "-q", "origin", "HEAD")
    git_in(laptop, tmp_path, "pull", "-q", "--no-rebase", "--no-edit", "origin", "HEAD")
    assert titles(laptop / "journal.json") == expected
    assert git_in(laptop, tmp_path, "status", "--porcelain") == ""


HELPER = r'''
"""Run by tests/test_two_computers.py: take in the conflict copies, stopping at one point."""
import os
import sys
import time
from pathlib import Path

from reflect.journal import backups
from reflect.terminal.reflection import open_journal

journal, ready, point = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]


def stop():
    ready.touch()
    time.sleep(600)


real_replace, real_backup = os.replace, backups.write_private


def replace(source, target, *args, **kwargs):
    if point == "journal" and Path(target) == journal:
        stop()  # the merged journal is written and flushed, not yet renamed into place
    return real_replace(source, target, *args, **kwargs)


def backup(path, data):
    if point == "backup" and "before-merge" in Path(path).name:
        stop()
    if point == "move" and "taken-in" in Path(path).name:
        stop()  # the journal is replaced; the copy is not yet kept among the backups
    return real_backup(path, data)


os.replace = replace
backups.write_private = backup
open_journal(journal)
'''


@pytest.fixture
def apart_here(journal_file, shipped_packs, tmp_path):
    """A journal with one reflection and a Syncthing copy holding that one and two more."""
    quick = shipped_packs["hearing-no-quick"]
    journal = Journal(journal_file)
    journal.add(quick, QUICK_ANSWERS, new_id(), now())
    copy = journal_file.with_name(COPY_NAME)
    shutil.copy(journal_file, copy)
    for words in ("There 1", "There 2"):
        Journal(copy).add(quick, {**QUICK_ANSWERS, "what_happened": words}, new_id(), now())
    journal.add(quick, {**QUICK_ANSWERS, "what_happened": "Here"}, new_id(), now())
    return journal, copy


def kill_at(point: str, journal: Path, tmp_path: Path) -> None:
    """Run the intake in another process until it reaches `point`, then SIGKILL it."""
    helper = tmp_path / "helper.py"
    helper.write_text(HELPER)
    ready = tmp_path / f"ready-{point}"
    proc = subprocess.Popen([sys.executable, str(helper), str(journal), str(ready), point],
                            env={**os.environ}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        for _ in range(WAIT * 100):
            if ready.exists() or proc.poll() is not None:
                break
            time.sleep(0.01)
        assert ready.exists(), proc.communicate(timeout=WAIT)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=WAIT)
        assert proc.returncode == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=WAIT)


@pytest.mark.parametrize("point", ["backup", "journal"])
def test_kill_9_during_a_merge_leaves_the_journal_and_the_copy_as_they_were(
        apart_here, tmp_path, point):
    """SIGKILL while the backup or the merged journal is being written: the journal and the
    copy are byte for byte as they were; the next open merges them as if nothing happened."""
    journal, copy = apart_here
    before, copy_before = journal.path.read_bytes(), copy.read_bytes()
    kill_at(point, journal.path, tmp_path)
    assert journal.path.read_bytes() == before
    assert copy.read_bytes() == copy_before
    assert sorted(e.answers["what_happened"] for e in open_journal(journal.path).entries()
                  ) == sorted(["Here", "There 1", "There 2", QUICK_ANSWERS["what_happened"]])
    assert not copy.exists()
    assert not list(journal.path.parent.glob(".journal.json.*.tmp"))


def test_kill_9_after_the_journal_is_written_takes_the_copy_in_once(apart_here, tmp_path):
    """SIGKILL after the merged journal is in place but before the copy is moved: the next
    open finds nothing new in the copy, moves it, and no reflection is there twice."""
    journal, copy = apart_here
    copy_before = copy.read_bytes()
    kill_at("move", journal.path, tmp_path)
    assert copy.exists()
    assert len(Journal(journal.path).entries()) == 4
    entries = open_journal(journal.path).entries()
    assert len({e.id for e in entries}) == len(entries) == 4
    assert not copy.exists()
    kept = [b for b in backups.listing(journal.path) if b.reason == backups.TAKEN_IN]
    assert len(kept) == 1
    assert kept[0].path.read_bytes() == copy_before


def test_a_bare_reflect_says_what_it_took_in_before_the_first_question(start, apart_here):
    """A bare `reflect` with a conflict copy beside the journal says, in one line, that it
    merged two reflections from it, then asks its first question."""
    journal, copy = apart_here
    terminal = start()
    terminal.expect(f"2 reflections from {COPY_NAME} merged")
    terminal.expect("What happened")
    assert not copy.exists()
    assert len(Journal(journal.path).entries()) == 4
