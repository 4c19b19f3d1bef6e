"""The `reflect` command as a person runs it: exit codes and messages, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from reflect import __version__


def reflect(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "80"}
    return subprocess.run([sys.executable, "-m", "reflect", *args], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL, env=env)


def test_version_prints_the_version():
    """`reflect --version` prints the version and exits 0."""
    done = reflect("--version")
    assert (done.returncode, done.stdout) == (0, f"reflect {__version__}\n")


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_lists_the_commands(flag):
    """`reflect --help` shows typer's help with every command, and exits 0."""
    done = reflect(flag)
    assert done.returncode == 0
    for name in ("new", "list", "show", "search", "export", "stats", "where"):
        assert f"  {name} " in done.stdout


@pytest.mark.parametrize("args", [["--bogus"], ["list", "--bogus"], ["list", "--limit", "0"],
                                  ["export", "--format", "doc"], ["--journal"]])
def test_a_bad_command_line_is_a_clear_error(args):
    """A mistyped option or value is one error line from typer, exit 2, no traceback."""
    done = reflect(*args)
    assert done.returncode == 2
    assert "Error" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("args", [[], ["--journal", "mine.json"], ["new", "--quick"],
                                  ["--quick"], ["--resume"], ["--pack", "hearing-no"],
                                  ["--journal", "mine.json", "--quick", "--pack", "hearing-no"],
                                  ["-q"], ["-p", "hearing-no", "--quick"]])
def test_without_a_terminal_a_reflection_says_why(args, tmp_path):
    """With no terminal, a reflection (bare or through typer) says why, and exits 2."""
    done = reflect(*args)
    assert done.returncode == 2
    assert "needs an interactive terminal" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("args", [["list"], ["show", "1"], ["search", "the"], ["stats"]])
def test_piped_views_are_plain_text_that_fits(args, filled):
    """Piped, rich writes each view without escape codes, within the width COLUMNS gives."""
    done = reflect(*args)
    assert done.returncode == 0
    assert done.stdout.strip()
    assert "\x1b" not in done.stdout
    assert all(len(line) <= 80 for line in done.stdout.splitlines())


LOOK = """
import sys
import reflect.terminal.reflection as reflection
reflection.reflection = lambda *args: print(repr(args[1:])) or 0
from reflect.__main__ import main
sys.argv = ["reflect", *sys.argv[1:]]
code = main()
print("typer loaded" if "typer" in sys.modules else "typer not loaded", code)
"""


@pytest.mark.parametrize(("args", "called"), [
    (["--quick"], "(None, True, False)"),
    (["--resume"], "(None, False, True)"),
    (["--pack", "mine"], "('mine', False, False)"),
    (["--pack", "mine", "--quick"], "('mine', True, False)"),
    (["--journal", "j.json", "--resume", "--quick"], "(None, True, True)"),
])
def test_the_reflection_flags_start_a_reflection_before_typer_loads(args, called):
    """`reflect --quick`, `--resume` and `--pack NAME` go straight to the reflection, as
    `reflect new` with them would, without loading typer."""
    done = subprocess.run([sys.executable, "-c", LOOK, *args], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL, check=False)
    assert done.stdout.splitlines() == [called, "typer not loaded 0"], done.stderr


FIRST_QUESTION = """
import sys
from reflect.terminal import plain_asker
def ask(self, prompt):
    print("rich loaded" if "rich" in sys.modules else "rich not loaded", flush=True)
    raise SystemExit(0)
plain_asker.PlainAsker.ask = ask
from reflect.__main__ import main
sys.argv = ["reflect", "--plain"]
main()
"""


def test_a_first_reflection_says_it_is_not_therapy_before_rich_loads(tmp_path):
    """On the very first run, the note that reflect is a coach and not a therapist comes
    before the first question, said by the asker: rich is not loaded on the way there."""
    env = {**os.environ, "REFLECT_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", FIRST_QUESTION], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL, env=env,
                          check=False)
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stdout.split())
    assert "not a therapist" in said
    assert said.endswith("rich not loaded")


@pytest.mark.parametrize("args", [["-q"], ["--quick", "--quick"], ["--pack"], ["--quick", "x"],
                                  ["--quick", "--journal", "j.json"]])
def test_any_other_words_go_to_typer(args):
    """What the look does not know is left to typer, which reads the same flags."""
    done = subprocess.run([sys.executable, "-c", LOOK, *args], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL, check=False)
    assert "typer not loaded" not in done.stdout
    assert "Traceback" not in done.stderr


def test_the_reflection_flags_with_a_command_are_a_clear_error():
    """`reflect --quick list` says --quick goes without a command, exit 2."""
    done = reflect("--quick", "list")
    assert done.returncode == 2
    assert "--quick starts a reflection, so it goes without a command" in done.stderr
    assert "Traceback" not in done.stderr


def test_help_offers_shell_completion():
    """`reflect --help` names typer's --install-completion and --show-completion."""
    done = reflect("--help")
    assert "--install-completion" in done.stdout
    assert "--show-completion" in done.stdout


@pytest.mark.parametrize(("shell", "line"), [
    ("bash", "complete -o default -F _reflect_completion reflect"),
    ("zsh", "compdef _reflect_completion reflect"),
    ("fish", "complete --command reflect"),
])
def test_show_completion_prints_a_script_for_the_shell(shell, line):
    """`reflect --show-completion` prints the script the shell sources. typer detects the
    shell reflect runs in; here its own switch for tests names the shell instead, so the
    test does not depend on the shell pytest was started from."""
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    done = subprocess.run([sys.executable, "-m", "reflect", "--show-completion", shell],
                          capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert f"_REFLECT_COMPLETE=complete_{shell}" in done.stdout
    assert line in done.stdout


def test_the_shell_completes_a_command_and_never_starts_a_reflection():
    """With the completion script's variables set, a bare `reflect` completes the word
    being typed (li -> list) instead of starting a reflection."""
    env = {**os.environ, "_REFLECT_COMPLETE": "complete_bash", "COMP_WORDS": "reflect li",
           "COMP_CWORD": "1"}
    done = subprocess.run([sys.executable, "-m", "reflect"], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL, env=env, check=False)
    assert done.returncode == 0
    assert done.stdout.split() == ["list"]
    assert "interactive terminal" not in done.stderr


@pytest.mark.parametrize(("words", "expected"), [
    ("reflect list --kind as", ["asked-out"]),
    ("reflect search tired --need clo", ["closeness"]),
    ("reflect export --emotion hu", ["hurt"]),
    ("reflect stats --pack hearing", ["hearing-no", "hearing-no-quick"]),
    ("reflect new --pack prep", ["preparing-to-ask"]),
    ("reflect --pack hearing-no-q", ["hearing-no-quick"]),
])
def test_the_shell_completes_filter_values_from_the_packs(words, expected, tmp_path):
    """A filter's value completes from the packs' choices, and the journal is never opened
    for it (a damaged one beside it changes nothing and is left as it was)."""
    journal = tmp_path / "journal.json"
    journal.write_bytes(b"{damaged")
    env = {**os.environ, "_REFLECT_COMPLETE": "complete_bash", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - 1), "REFLECT_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "reflect"], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL, env=env, check=False)
    assert done.returncode == 0
    assert sorted(done.stdout.split()) == expected
    assert done.stderr == ""
    assert journal.read_bytes() == b"{damaged"


@pytest.mark.parametrize("args", [["--plain"], ["--plain", "--journal", "mine.json"],
                                  ["--journal", "mine.json", "--plain"], ["new", "--plain"],
                                  ["--plain", "new"]])
def test_plain_mode_with_no_input_says_so_and_saves_nothing(args, tmp_path, monkeypatch):
    """`--plain` reads answers from any input; with none, it says so, exits 1, saves nothing."""
    monkeypatch.chdir(tmp_path)
    done = reflect(*args)
    assert done.returncode == 1
    assert ("The input ended before the last question. Nothing was saved."
            in " ".join(done.stderr.split()))
    assert "Question 1 of 16" in done.stdout
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "mine.json").exists()


@pytest.mark.parametrize("args", [["--help"], ["new", "--help"]])
def test_help_names_plain_mode(args):
    """`reflect --help` and `reflect new --help` say what --plain does."""
    done = reflect(*args)
    assert done.returncode == 0
    said = " ".join(done.stdout.split())
    assert "--plain" in said
    assert "screen readers" in said
