"""Whatever is typed on the command line or set in the environment, reflect answers with one
clear line and a non-zero exit, never a traceback, and the journal stays as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reflect.cli import app

from conftest import said

runner = CliRunner()
DIGITS_5000 = "9" * 5000
"""More digits than Python's int() reads from a string (4,300)."""


def reflect(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed command as a person runs it, without a terminal."""
    return subprocess.run([sys.executable, "-m", "reflect", *args], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL,
                          env={**os.environ, "COLUMNS": "100", **env})


def one_line(text: str) -> str:
    """The one message line of an error, checked to be the only one."""
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


# --journal ------------------------------------------------------------------------------

def journal_cases(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """(what --journal is given, what the message says) for paths no journal can be at."""
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    return {
        "empty": ("", "--journal needs the path of a journal file"),
        "spaces": ("  ", "--journal needs the path of a journal file"),
        "root": ("/", "--journal / names a folder; give the journal file in it, like "
                      "/journal.json"),
        "dot": (".", "--journal . names a folder"),
        "dot dot": ("..", "--journal .. names a folder"),
        "a folder": (str(tmp_path), f"--journal {tmp_path} names a folder; give the journal "
                                    f"file in it, like {tmp_path / 'journal.json'}"),
        "a closing slash": (f"{tmp_path}/new/", "names a folder"),
        "under a file": (f"{a_file}/journal.json",
                         f"{a_file} is a file, not a folder, so no journal can be kept there"),
        "deep under a file": (f"{a_file}/x/y/journal.json", f"{a_file} is a file, not a folder"),
        "no such user": ("~no-such-user-here/journal.json",
                         "cannot tell which home folder ~no-such-user-here means"),
        "an option": ("--version", "not '--version'; for a file whose name starts with -, "
                                   "write ./--version"),
        "a name too long": (str(tmp_path / ("a" * 300)), "File name too long"),
    }


CASES = list(journal_cases(Path("/tmp")))


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("command", [["list"], ["where"], ["show", "1"], ["new"]])
def test_a_journal_path_that_cannot_be_one_is_refused_by_typer(case, command, tmp_path,
                                                               filled):
    """`--journal` naming nothing, a folder (`/` included), a path through a file, an unknown
    ~user or an option: one line, exit 2, before anything is read or made."""
    given, words = journal_cases(tmp_path)[case]
    before = sorted(tmp_path.rglob("*"))
    journal_before = filled.path.read_bytes()
    result = runner.invoke(app, ["--journal", given, *command])
    assert result.exit_code == 2, result.output
    assert words in said(one_line(result.stderr))
    assert "Traceback" not in result.output
    assert sorted(tmp_path.rglob("*")) == before  # no lock file, no folder made
    assert filled.path.read_bytes() == journal_before


@pytest.mark.parametrize("given", ["", "/", "-x"])
def test_a_bare_reflect_refuses_such_a_journal_before_typer(given):
    """`reflect --journal PATH` on its own (which starts before typer loads) refuses the same
    paths with the same line and exit 2, whether or not a terminal is there."""
    done = reflect("--journal", given)
    assert done.returncode == 2
    assert "--journal" in one_line(done.stderr)
    assert "Traceback" not in done.stderr


@pytest.mark.timeout(30)
def test_a_bare_reflect_at_a_terminal_refuses_the_root_folder(tmp_path):
    """At a real terminal, `reflect --journal /` says it names a folder, exit 2."""
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(sys.executable, ["-m", "reflect", "--journal", "/"], timeout=20,
                          encoding="utf-8", env={**os.environ, "TERM": "dumb"})
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "--journal / names a folder" in said(child.before)
    assert "Traceback" not in child.before


@pytest.mark.parametrize(("value", "words"), [
    ("relative/home", "REFLECT_HOME is 'relative/home', which is not a full path"),
    ("~no-such-user-here", "cannot tell which home folder ~no-such-user-here means"),
])
def test_a_reflect_home_that_cannot_be_one_is_refused(value, words, monkeypatch, tmp_path):
    """REFLECT_HOME that is relative (a different journal in every folder) or names an
    unknown ~user: one line, exit 2, nothing made."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFLECT_HOME", value)
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 2
    assert words in said(one_line(result.stderr))
    assert list(tmp_path.iterdir()) == []


def test_the_crisis_lines_show_whatever_reflect_home_holds(monkeypatch, tmp_path):
    """`reflect resources` warns about a REFLECT_HOME it cannot use and shows the lines."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFLECT_HOME", "relative/home")
    result = runner.invoke(app, ["resources"])
    assert result.exit_code == 0
    assert "not a full path" in said(result.stderr)
    assert "When to reach out" in result.stdout


def test_a_reflect_home_that_is_a_file_is_refused(monkeypatch, tmp_path):
    """REFLECT_HOME naming a file says that it is a file, not a folder, exit 2."""
    home = tmp_path / "home"
    home.write_text("x")
    monkeypatch.setenv("REFLECT_HOME", str(home))
    result = runner.invoke(app, ["where"])
    assert result.exit_code == 2
    assert f"{home} is a file, not a folder" in said(result.stderr)


# Numbers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [["show"], ["edit"], ["delete", "--yes"]])
@pytest.mark.parametrize("number", [DIGITS_5000, "²"])
def test_a_number_of_any_length_is_no_reflection(filled, command, number):
    """A reference of 5,000 digits (past int()'s limit) or a digit int() cannot read (²):
    one short line, a non-zero exit, the journal unchanged."""
    before = filled.path.read_bytes()
    result = runner.invoke(app, [command[0], number, *command[1:]])
    assert result.exit_code in (1, 2), result.output
    line = one_line(result.stderr)
    assert "There is no reflection" in line or "is not a reflection number" in line
    assert len(line) < 200
    assert "Traceback" not in result.output
    assert filled.path.read_bytes() == before


@pytest.mark.parametrize("chosen", [DIGITS_5000, "²"])
def test_restore_refuses_a_backup_number_of_any_length(filled, chosen):
    """`reflect restore` with a 5,000-digit number, or one int() cannot read, says there is
    no such backup, exit 1, and changes nothing."""
    before = filled.path.read_bytes()
    result = runner.invoke(app, ["restore", chosen, "--yes"])
    assert result.exit_code == 1
    assert "There is no backup" in one_line(result.stderr)
    assert len(result.stderr) < 200
    assert filled.path.read_bytes() == before


def test_a_limit_of_any_length_is_read_or_refused_in_one_short_line(filled):
    """`--limit` of 5,000 digits shows every reflection; 5,000 letters is one short line,
    exit 2 (typer repeated the whole value back, 5,000 characters)."""
    every = runner.invoke(app, ["list", "--json", "--limit", DIGITS_5000])
    assert every.exit_code == 0
    assert every.stdout.count('"number"') == 6
    wrong = runner.invoke(app, ["list", "--limit", "x" * 5000])
    assert wrong.exit_code == 2
    assert "is not a whole number of 1 or more" in said(wrong.stderr)
    assert len(wrong.stderr) < 400


@pytest.mark.parametrize("when", ["9999y", "9999 years ago", "5000 years ago"])
@pytest.mark.parametrize("option", ["--since", "--until"])
def test_a_date_further_back_than_the_calendar_is_refused(filled, when, option):
    """A relative date before the year 1 (`--since 9999y`) is one line, exit 2."""
    result = runner.invoke(app, ["list", option, when])
    assert result.exit_code == 2
    assert "further back than any calendar date" in one_line(result.stderr)


def test_a_long_argument_is_cut_short_in_the_message(filled):
    """Something long typed where a number belongs is repeated back cut short."""
    result = runner.invoke(app, ["show", "x" * 5000])
    assert result.exit_code == 2
    assert len(one_line(result.stderr)) < 200
    assert "…" in result.stderr


# The environment -------------------------------------------------------------------------

SIZES = [("COLUMNS", "0", command) for command in ("list", "show", "stats", "where")] + [
    ("COLUMNS", "99999999999", "list"), ("COLUMNS", DIGITS_5000, "list"),
    ("COLUMNS", "²", "where"), ("LINES", DIGITS_5000, "list"), ("LINES", "²", "stats")]


@pytest.mark.parametrize(("variable", "value", "command"), SIZES)
def test_a_terminal_size_that_cannot_be_used_is_let_go(filled, variable, value, command):
    """COLUMNS of 0 (every view came out blank) or billions (memory ran out), COLUMNS or
    LINES of 5,000 digits or ² (tracebacks): the view is drawn at the terminal's size."""
    done = reflect(command, *(["1"] if command == "show" else []), **{variable: value})
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.strip()


def test_a_passphrase_that_is_not_utf8_encrypts_and_opens(reflect_home, filled, fast_scrypt):
    """REFLECT_PASSPHRASE holding bytes that are not UTF-8 encrypts the journal and opens it
    again (it was a traceback); another passphrase still does not."""
    secret = os.fsdecode(b"\xff\xfe correct horse battery")
    result = runner.invoke(app, ["encrypt"], env={"REFLECT_PASSPHRASE": secret})
    assert result.exit_code == 0, result.output
    opened = runner.invoke(app, ["list", "--json"], env={"REFLECT_PASSPHRASE": secret})
    assert opened.exit_code == 0
    other = os.fsdecode(b"\xfe\xfe correct horse battery")
    refused = runner.invoke(app, ["list"], env={"REFLECT_PASSPHRASE": other})
    assert refused.exit_code == 1
    assert "does not open the journal" in said(refused.stderr)
