"""Starting reflect: the quick paths answer exactly as typer would, without loading it."""

from __future__ import annotations

import gc
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reflect import __version__, launch, paths
from reflect.cli import app
from reflect.resources import COACH_NOT_THERAPIST

from conftest import journal_data, write_journal_data

HEAVY = {"typer", "rich", "pydantic", "tinydb", "questionary", "prompt_toolkit"}
REFRESH_HELP = ("COLUMNS=80 python -c \"from reflect.cli import app; "
                "app(['--help'], prog_name='reflect')\" > reflect/help.txt")


def reflect(*args: str, columns: int | None = None, more: dict[str, str] | None = None,
            **kwargs) -> subprocess.CompletedProcess[str]:
    """`python -m reflect ARGS`, with the modules it imports listed on stderr; `more`
    sets more of the environment."""
    env = dict(os.environ)
    env.pop("COLUMNS", None)
    if columns is not None:
        env["COLUMNS"] = str(columns)
    env.update(more or {})
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "reflect", *args],
                          capture_output=True, text=True, env=env, timeout=30, **kwargs)


def imported(importtime: str) -> set[str]:
    """The top-level packages named in -X importtime output."""
    names = {line.split("|")[-1].strip() for line in importtime.splitlines()
             if line.startswith("import time:")}
    assert "reflect.launch" in names, "no import times to read"
    return {name.split(".")[0] for name in names}


def typer_help(columns: int) -> str:
    """`reflect --help` as typer itself renders it at this width."""
    env = dict(os.environ, COLUMNS=str(columns))
    return subprocess.run(
        [sys.executable, "-c", "from reflect.cli import app; app(['--help'], prog_name='reflect')"],
        capture_output=True, text=True, env=env, timeout=30, check=True).stdout


def test_version_loads_none_of_the_heavy_libraries():
    """`reflect --version` prints the version without importing typer, rich, tinydb or
    questionary."""
    done = reflect("--version")
    assert done.returncode == 0
    assert done.stdout == f"reflect {__version__}\n"
    assert not imported(done.stderr) & HEAVY


@pytest.mark.parametrize("flag", ["--help", "-h"])
@pytest.mark.parametrize("columns", [80, 132])
def test_help_is_what_typer_shows_without_loading_typer(flag, columns):
    """`reflect --help` reads exactly as typer renders it, and loads none of the heavy
    libraries. (If this fails after a change to the commands, refresh the text with the
    line in the assertion message.)"""
    done = reflect(flag, columns=columns)
    assert done.returncode == 0
    assert done.stdout == typer_help(columns), f"refresh it: {REFRESH_HELP}"
    assert not imported(done.stderr) & HEAVY


def test_help_in_a_narrow_terminal_is_typers_own():
    """Narrower than 80 columns, typer renders the help itself, wrapped to fit."""
    done = reflect("--help", columns=60)
    assert done.returncode == 0
    assert done.stdout == typer_help(60)
    assert max(len(line) for line in done.stdout.splitlines()) <= 60
    assert "typer" in imported(done.stderr)


@pytest.mark.parametrize("args", [["new", "--quick"], ["--journal", "j.json"]], ids=" ".join)
def test_without_a_terminal_a_reflection_says_why_as_typer_would(args):
    """With no terminal, the quick path answers with typer's words and exit code (2)."""
    quick = subprocess.run([sys.executable, "-m", "reflect", *args], capture_output=True,
                           text=True, stdin=subprocess.DEVNULL, timeout=30)
    through_typer = subprocess.run(
        [sys.executable, "-c",
         f"from reflect.cli import app; app({args!r}, prog_name='reflect')"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=30)
    assert quick.returncode == through_typer.returncode == 2
    assert "Error: A reflection needs an interactive terminal" in quick.stderr
    assert (quick.stdout, quick.stderr) == (through_typer.stdout, through_typer.stderr)


def test_other_commands_still_go_through_typer(reflect_home):
    """A command launch does not serve, or a mistyped option, is typer's to answer."""
    done = reflect("where")
    assert done.returncode == 0
    assert str(reflect_home / "journal.json") in done.stdout
    assert "typer" in imported(done.stderr)
    done = reflect("new", "--nope")
    assert done.returncode == 2
    assert "No such option" in done.stderr


READ_THE_SAME = [
    [],
    ["new"],
    ["new", "--quick"],
    ["new", "-q", "--resume"],
    ["new", "--pack", "hearing-no"],
    ["new", "--pack=hearing-no", "--quick"],
    ["new", "-p", "mine", "--resume"],
    ["new", "--pack", "first", "--pack", "second"],
    ["--journal", "elsewhere.json"],
    ["--journal=~/private/journal.json", "new", "-q"],
    ["--journal", "a.json", "--journal", "b.json", "new", "--resume"],
]


@pytest.mark.parametrize("args", READ_THE_SAME, ids=" ".join)
def test_launch_reads_a_reflection_the_way_typer_does(args, monkeypatch):
    """Every way of starting a reflection that launch reads itself, typer reads the same."""
    seen: list[tuple[object, ...]] = []

    def reflection(*given: object) -> int:
        seen.append(given)
        return 0

    monkeypatch.setattr(launch, "reflection", reflection)
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0
    wanted = launch._reflection_options(args)
    assert wanted is not None
    journal, pack, quick, resume = wanted
    assert seen == [(paths.journal_path(journal), pack, quick, resume)]


@pytest.mark.parametrize("args", [
    ["new", "--help"], ["where"], ["new", "-qp", "mine"], ["new", "-pmine"],
    ["--journal"], ["--journal="], ["new", "--pack"], ["new", "--pack", "-q"],
    ["new", "--pack="], ["new", "extra"], ["--version", "new"], ["new", "--"],
    ["--journal", "j.json", "--version"], ["-h", "new"],
], ids=" ".join)
def test_anything_else_is_left_to_typer(args):
    """Spellings launch does not read itself (even valid ones) go to typer untouched."""
    assert launch._reflection_options(args) is None


def test_the_collector_is_back_on_for_the_questions(monkeypatch, scripted, tmp_path):
    """Garbage collection, paused while reflect starts, is on again when questions come."""
    collecting: list[bool] = []

    class Asker(scripted):
        def ask(self, prompt):
            collecting.append(gc.isenabled())
            raise KeyboardInterrupt

    import reflect.ask

    monkeypatch.setattr(reflect.ask, "QuestionaryAsker", lambda: Asker({}))
    monkeypatch.setattr(sys, "stdin", _Tty(sys.stdin))
    monkeypatch.setattr(sys, "stdout", _Tty(sys.stdout))
    try:
        with pytest.raises(KeyboardInterrupt):
            launch.reflection(tmp_path / "journal.json", None, True, False)
    finally:
        gc.unfreeze()
    assert collecting == [True]
    assert gc.isenabled()


class _Tty:
    def __init__(self, stream):
        self.stream = stream

    def isatty(self):
        return True

    def __getattr__(self, name):
        return getattr(self.stream, name)


ESCAPES = re.compile(r"\x1b\[[0-9;]*m")


@pytest.mark.parametrize(("columns", "width"), [(200, 88), (60, 60)])
def test_the_first_run_note_is_dim_text_that_fits(columns, width, monkeypatch, capsys):
    """The coach-not-therapist note wraps to the terminal (88 at most) and is dim."""
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("TERM", "xterm-256color")
    launch._first_run_note()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 1
    assert all(line.startswith("\x1b[2m") and line.endswith("\x1b[0m") for line in lines)
    plain = [ESCAPES.sub("", line) for line in lines]
    assert max(len(line) for line in plain) <= width
    assert " ".join(plain) == COACH_NOT_THERAPIST


def test_the_first_run_note_is_plain_on_a_dumb_terminal(monkeypatch, capsys):
    """Where rich would not style (TERM=dumb), the note has no escape codes at all."""
    monkeypatch.setenv("TERM", "dumb")
    launch._first_run_note()
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert " ".join(out.split()) == COACH_NOT_THERAPIST


@pytest.mark.e2e
@pytest.mark.timeout(60)
@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals need a POSIX system")
def test_the_first_question_comes_without_typer_or_rich(reflect_home: Path):
    """Up to the first question, a reflection loads neither typer, rich nor pydantic."""
    pexpect = pytest.importorskip("pexpect")
    env = dict(os.environ, TERM="xterm-256color", NO_COLOR="1")
    child = pexpect.spawn(sys.executable, ["-X", "importtime", "-m", "reflect"], env=env,
                          encoding="utf-8", dimensions=(40, 120), timeout=20)
    child.delaybeforesend = None
    shown = ""
    while True:
        index = child.expect([r"\x1b\[6n", r"(?<![\d/])1/1\d\b"])
        shown += child.before + child.after
        if index == 1:
            break
        child.send("\x1b[40;1R")  # the cursor position a terminal would report
    before_the_question = imported(shown.replace("\r\n", "\n"))
    assert "questionary" in before_the_question
    assert not before_the_question & {"typer", "rich", "pydantic"}
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()


# The read commands -----------------------------------------------------------------------

READ_COMMANDS_THE_SAME = [
    ["list"],
    ["list", "--json"],
    ["list", "-n", "5"],
    ["list", "--limit", "3", "--all"],
    ["list", "--limit=7", "--json", "-a"],
    ["--journal", "elsewhere.json", "list"],
    ["show", "12"],
    ["show", "#3", "--json"],
    ["show", "--json", "ab12"],
    ["search", "tired"],
    ["search", "early", "start"],
    ["search", "--json", "hug"],
    ["search", "hug", "--json", "(with"],
    ["--journal=a.json", "search", "Straße"],
    ["export"],
    ["export", "--format", "json"],
    ["export", "-f", "csv", "-o", "out.csv"],
    ["export", "--format=html", "--output=notes.html", "--force"],
    ["export", "--force", "-o", "~/notes.txt", "-f", "txt"],
    ["--journal", "elsewhere.json", "export", "-o", "a b.md"],
    ["stats"],
    ["stats", "--json"],
    ["--journal=a.json", "stats"],
]


@pytest.mark.parametrize("args", READ_COMMANDS_THE_SAME, ids=" ".join)
def test_launch_reads_the_read_commands_the_way_typer_does(args, monkeypatch):
    """Each plain form of list, show, search, export and stats that launch serves itself
    reaches the same function in reading.py with the same arguments as through typer."""
    from reflect import reading

    seen: list[tuple[str, tuple[object, ...]]] = []
    for name in ("list_entries", "show", "search", "export", "stats"):
        def record(*given: object, name: str = name) -> None:
            seen.append((name, given))

        monkeypatch.setattr(reading, name, record)
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    wanted = launch._read_options(args)
    assert wanted is not None
    journal, name, *given = wanted
    through_launch = (name, (paths.journal_path(journal), *given))
    through_typer = seen[0]
    # typer passes the filters too, none of them set; launch leaves them out.
    if len(through_typer[1]) > len(through_launch[1]):
        assert not through_typer[1][-1].active
        through_typer = (through_typer[0], through_typer[1][:-1])
    assert through_launch == through_typer


def test_the_quick_export_takes_the_formats_typer_takes_and_the_same_default():
    """launch keeps its own list of formats (to start without typer): the same ones, in
    the same order, the first being typer's default."""
    from reflect.cli import Format

    assert tuple(fmt.value for fmt in Format) == launch.EXPORT_FORMATS
    assert launch._read_options(["export"])[2] == Format.md.value


@pytest.mark.parametrize("args", [
    ["list", "--since", "2w"], ["list", "--need", "closeness"], ["list", "-n", "0"],
    ["list", "-n", "x"], ["list", "-n"], ["list", "-n5"], ["list", "-n", "-1"],
    ["list", "--json", "--json"], ["list", "-n", "2", "--limit", "3"], ["list", "extra"],
    ["list", "--help"], ["show"], ["show", "1", "2"], ["show", "--help"], ["show", "-1"],
    ["search"], ["search", "--kind", "asked-out", "hug"], ["search", "-", "x"],
    ["search", "a", "--", "-b"], ["list", "-n", "٣"], ["--journal", "list"],
    ["export", "--format", "MD"], ["export", "--format", "pdf"], ["export", "-f"],
    ["export", "-fmd"], ["export", "-f", "md", "-f", "json"], ["export", "--json"],
    ["export", "-o", "-"], ["export", "-o"], ["export", "--output="], ["export", "x"],
    ["export", "--force", "--force"], ["export", "--since", "2w"], ["export", "--help"],
    ["stats", "--json", "--json"], ["stats", "--need", "rest"], ["stats", "x"],
    ["stats", "--help"], ["stats", "-a"],
], ids=" ".join)
def test_other_read_command_lines_are_left_to_typer(args):
    """Filters, repeated options and anything typer might read otherwise go to typer."""
    assert launch._read_options(args) is None


def test_list_show_and_search_load_neither_typer_nor_rich_when_piped(filled):
    """The plain read commands answer without typer; a piped list needs no rich either,
    and a plain journal is read without what decrypting one needs."""
    # Nor what only encryption needs, for a plain journal.
    for args, quick_without in ((["list"], {"typer", "rich", "pydantic", "hashlib",
                                            "base64", "cryptography"}),
                                (["show", "2"], {"typer", "rich", "pydantic"}),
                                (["search", "partner"], {"typer", "rich", "pydantic"})):
        done = reflect(*args)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip()
        assert not imported(done.stderr) & quick_without, args


def test_a_reader_that_stops_early_ends_the_list_quietly(filled):
    """`reflect list --all | head -1`: exit code 1, as under typer, and no traceback."""
    data = journal_data(filled.path)
    first = data["entries"]["1"]
    for number in range(7, 1500):  # more lines than a pipe holds before its reader goes
        data["entries"][str(number)] = {**first, "id": f"{number:08}-copy", "number": number}
    write_journal_data(filled.path, data)
    process = subprocess.Popen([sys.executable, "-m", "reflect", "list", "--all"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    assert process.stderr is not None
    assert process.stdout.readline().split()[:2] == [b"#", b"When"]
    process.stdout.close()
    assert process.wait(timeout=30) == 1
    assert process.stderr.read() == b""


def test_a_piped_export_loads_neither_typer_nor_rich(filled):
    """rich lays out a terminal; an export to a pipe or a file needs none of it (the
    patterns of an HTML export need insights, the others not), and no export needs typer."""
    for fmt in ("md", "json", "csv", "txt"):
        done = reflect("export", "--format", fmt)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip()
        if fmt == "json":  # all of it written out before the process ends at once
            assert json.loads(done.stdout)["count"] == len(filled.entries())
        assert not imported(done.stderr) & {"typer", "pydantic", "rich"}, fmt
        assert "reflect.insights" not in done.stderr, fmt
    done = reflect("export", "--format", "html")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("<!DOCTYPE html>")
    assert not imported(done.stderr) & {"typer", "pydantic"}


def test_a_read_command_ends_at_once_with_everything_written(filled, tmp_path):
    """The read commands end without Python's long clean-up (launch.leave_at_once), yet
    each writes all it has: to a pipe, to a file on its way out, and a long list whose
    reader stops early still ends with code 1 and nothing on stderr."""
    done = reflect("list", "--all", "--json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == len(filled.entries())
    target = tmp_path / "notes.md"
    done = reflect("export", "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8").count("\n## ") == len(filled.entries())
    done = reflect("export", "-o", str(target))  # exists: an error, said in full
    assert done.returncode == 2
    assert "already exists" in done.stderr


def test_stats_load_no_typer_and_piped_no_rich(filled):
    """`reflect stats` needs no typer, and on a pipe no rich (plain.py writes it, as it
    writes `stats --json`); on a terminal, rich draws it."""
    done = reflect("stats", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["count"] == len(filled.entries())
    assert not imported(done.stderr) & {"typer", "pydantic", "rich"}
    done = reflect("stats", columns=80)
    assert done.returncode == 0, done.stderr
    assert "How often you reflected" in done.stdout
    assert not imported(done.stderr) & {"typer", "pydantic", "rich"}
    done = reflect("stats", columns=80,
                   more={"FORCE_COLOR": "1", "TERM": "xterm-256color", "LINES": "5000"})
    assert done.returncode == 0, done.stderr
    assert "How often you reflected" in done.stdout
    assert "\x1b[" in done.stdout
    assert not imported(done.stderr) & {"typer", "pydantic"}
    # Every cell fits its line here, so no rich Table (nor the fractions it loads).
    modules = {line.split("|")[-1].strip() for line in done.stderr.splitlines()}
    assert "reflect.render" in modules
    assert not modules & {"rich.table", "fractions"}
