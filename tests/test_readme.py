"""The README tells the truth: its example pack loads, CI runs its test line, and the
commands, options, filters, JSON shapes and journal tables it names are the real ones."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from reflect.cli import app
from reflect.packs.load import load_pack
from reflect.packs.validate import _STEP_KEYS

from conftest import REPO
from test_e2e import EXE


def readme() -> str:
    path = REPO / "README.md"
    if not path.exists():
        pytest.skip("no README beside the tests")
    return path.read_text(encoding="utf-8")


def test_the_example_pack_in_the_readme_is_valid(tmp_path):
    """The pack shown in the README loads without a single error."""
    [example] = re.findall(r"```toml\n(.*?)```", readme(), flags=re.S)
    path = tmp_path / "example.toml"
    path.write_text(example, encoding="utf-8")
    pack = load_pack(path)
    assert pack.id == "after-a-date"
    assert [step.kind for step in pack.steps] == [
        "long_text", "scale", "checkbox", "select", "checkbox", "confirm", "text"]
    ideas = pack.step("ideas")
    assert [c.value for c in ideas.choices_for({"need": ["fun"], "who": "partner"})] == [
        "play", "plan"]
    assert [c.value for c in ideas.choices_for({"need": ["fun"], "who": "date"})] == ["plan"]


def test_the_example_pack_shows_every_field_a_step_can_have():
    """The README says its example pack has "every field there is": each field a step
    may have appears in it."""
    [example] = re.findall(r"```toml\n(.*?)```", readme(), flags=re.S)
    # A field is shown when it is set (`id = ...`, `[steps.choices_by]`) or named in a
    # comment beside a set one (`note_when = "after"`).
    used = set(re.findall(r"\b(\w+) =", example)) | set(re.findall(r"\[steps\.(\w+)\]", example))
    assert used >= _STEP_KEYS
    assert "every field there is" in readme()


def test_ci_runs_the_readme_test_line():
    """The test line a newcomer copies from the README is the one CI runs."""
    lines = [line for line in readme().splitlines() if "pytest" in line and "pip" in line]
    assert len(lines) == 1
    assert lines[0] in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_every_command_the_readme_names_exists_and_every_command_is_named():
    """The README's command table and `reflect --help` list the same commands."""
    named = set(re.findall(r"^\| `reflect (\w[\w-]*)", readme(), flags=re.M))
    commands = {name for name, command in get_command(app).commands.items()  # type: ignore[attr-defined]
                if not command.hidden}
    assert commands <= named | {"new"}
    assert named - {"new"} <= commands


def test_the_readme_examples_of_finding_run(filled, shipped_packs, tmp_path, monkeypatch):
    """Each example in "Finding your reflections again" runs, as written, on a journal of 12."""
    from reflect.journal.entry import new_id

    for day in range(6):
        filled.add(shipped_packs["hearing-no-quick"], {
            "what_happened": f"Extra {day}", "intensity": 3, "need": ["rest"],
            "reframe": "one-moment"}, new_id(), f"2026-01-0{day + 1}T10:00:00+00:00")
    monkeypatch.chdir(tmp_path)
    block = re.search(r"```sh\nreflect list --since.*?```", readme(), flags=re.S)
    assert block is not None
    lines = block.group(0).splitlines()[1:-1]
    assert len(lines) >= 6
    for line in lines:
        args = shlex.split(line.split("#")[0])
        assert args[0] == "reflect"
        result = CliRunner().invoke(app, args[1:], catch_exceptions=False)
        assert result.exit_code == 0, (line, result.output)
    assert (tmp_path / "reflect-backup.json").exists()


def command_table() -> list[tuple[list[str], str]]:
    """The rows of the README's command table: the words after `reflect`, and the row."""
    rows = re.findall(r"^\| `reflect([^`]*)` \|(.*)\|$", readme(), flags=re.M)
    return [(cell.split(), row) for cell, row in rows]


def options_of(command: Any) -> set[str]:
    """Every option name a command (as typer builds it) takes."""
    return {name for param in command.params for name in getattr(param, "opts", [])}


def test_every_packs_subcommand_the_readme_names_exists_and_every_one_is_named():
    """The README's command table and `reflect packs --help` list the same subcommands."""
    named = {words[1] for words, _ in command_table()
             if words[:1] == ["packs"] and len(words) > 1}
    packs = get_command(app).commands["packs"]  # type: ignore[attr-defined]
    assert named == set(packs.commands)


def test_every_option_in_the_command_table_is_one_its_command_takes():
    """Each option a row of the command table names (`--all`, `-o`) is taken by that row's
    command, or by `reflect` itself (as `--quick`, `--pack` and `--resume` are)."""
    root = get_command(app)
    checked = 0
    for words, row in command_table():
        name = next((word for word in words if not word.startswith("-")), None)
        command = root.commands[name] if name else root  # type: ignore[attr-defined]
        given = options_of(command) | options_of(root)
        for option in re.findall(r"(?<![\w-])--?[a-z][\w-]*", " ".join(words) + row):
            assert option in given, (words, option)
            checked += 1
    assert checked >= 15


@pytest.mark.parametrize("command", ["list", "search", "export", "stats"])
def test_the_filters_the_readme_lists_are_taken_by_each_read_command(command):
    """Every filter in the README's filter table works on list, search, export and stats."""
    section = readme().split("### Finding your reflections again")[1].split("```")[0]
    filters = set(re.findall(r"^\| `(--[\w-]+)", section, flags=re.M))
    filters |= set(re.findall(r"`--[\w-]+ WHEN`, `(--[\w-]+)", section))
    assert {"--since", "--until", "--need", "--emotion", "--kind", "--pack"} <= filters
    assert filters <= options_of(get_command(app).commands[command])  # type: ignore[attr-defined]


def test_the_commands_the_readme_says_take_json_do():
    """`list`, `show`, `search` and `stats` take --json, as "JSON for scripts" says."""
    line = re.search(r"^(.*) take `--json`", readme(), flags=re.M)
    assert line is not None
    named = re.findall(r"`(\w+)`", line.group(1))
    assert named == ["list", "show", "search", "stats"]
    for name in named:
        assert "--json" in options_of(get_command(app).commands[name])  # type: ignore[attr-defined]


def test_the_quick_reflection_has_as_many_steps_as_the_readme_and_help_say(shipped_packs):
    """The README's "six-step version" and `reflect new --help` count the quick pack's steps."""
    words = {4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}
    count = words[len(shipped_packs["hearing-no-quick"].steps)]
    assert f"The {count}-step version" in readme()
    result = CliRunner().invoke(app, ["new", "--help"], terminal_width=200)
    assert f"{count} steps" in result.output


def json_keys(text: str) -> list[str]:
    """The quoted names in a README line like `{"id", "number", ...}`."""
    return re.findall(r'"(\w+)"', text)


def invoke_json(args: list[str]) -> Any:
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_json_shapes_in_the_readme_are_the_ones_printed(filled):
    """`list --json`, `search --json` and `stats --json` give exactly the keys the README
    lists for them."""
    text = readme().split("### JSON for scripts")[1].split("### While reflecting")[0]
    listed = re.search(r"`reflect list --json`: a list, newest first, of\s+`(\{.*?\})`",
                       text, flags=re.S)
    hits = re.search(r"`reflect search TEXT --json`: a list of hits, newest first, of `(\{.*?\})`",
                     text, flags=re.S)
    assert listed is not None
    assert hits is not None
    [first, *_] = invoke_json(["list", "--json"])
    assert list(first) == json_keys(listed.group(1))
    [hit, *_] = invoke_json(["search", "a", "--json"])
    assert list(hit) == json_keys(hits.group(1))
    stats = invoke_json(["stats", "--json"])
    bullets = [line.split(":")[0] for line in text.splitlines() if line.startswith('  - `"')]
    assert {name for line in bullets for name in json_keys(line)} == set(stats)


def test_the_tables_the_readme_names_are_the_journal_s_tables(filled, journal_file):
    """After a delete, the journal holds exactly the TinyDB tables the README describes."""
    section = readme().split("- The journal is TinyDB's own JSON:")[1].split("Any JSON tool")[0]
    named = set(re.findall(r"a table `(\w+)`", section))
    result = CliRunner().invoke(app, ["delete", "1", "--yes"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert set(json.loads(journal_file.read_text(encoding="utf-8"))) == named


def test_the_plain_mode_pipe_example_saves_a_reflection(reflect_home):
    """The README's `printf ... | reflect --plain new --quick` line, run by a shell with the
    installed reflect, saves one reflection and exits 0."""
    if not EXE.exists():
        pytest.skip("no installed reflect beside the test's Python")
    [line] = [line for line in readme().splitlines()
              if line.startswith("printf ") and "reflect --plain" in line]
    # The README's own line, through a shell, as a person would paste it.
    done = subprocess.run(
        line, shell=True, capture_output=True, text=True, timeout=30, check=False,
        env={"PATH": f"{EXE.parent}:/usr/bin:/bin", "REFLECT_HOME": str(reflect_home),
             "TERM": "xterm-256color"}, executable="/bin/sh")
    assert done.returncode == 0, done.stderr
    assert "Reflection #1 is saved." in done.stdout
