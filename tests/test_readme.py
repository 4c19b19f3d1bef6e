"""The README tells the truth: its example pack loads and CI runs its test line."""

from __future__ import annotations

import re

import pytest

from reflect.packs.load import load_pack

from conftest import REPO


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


def test_ci_runs_the_readme_test_line():
    """The test line a newcomer copies from the README is the one CI runs."""
    lines = [line for line in readme().splitlines() if "pytest" in line and "pip" in line]
    assert len(lines) == 1
    assert lines[0] in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_every_command_the_readme_names_exists_and_every_command_is_named():
    """The README's command table and `reflect --help` list the same commands."""
    from typer.main import get_command

    from reflect.cli import app

    named = set(re.findall(r"^\| `reflect (\w[\w-]*)", readme(), flags=re.M))
    commands = {name for name, command in get_command(app).commands.items()  # type: ignore[attr-defined]
                if not command.hidden}
    assert commands <= named | {"new"}
    assert named - {"new"} <= commands


def test_the_readme_examples_of_finding_run(filled, shipped_packs, tmp_path, monkeypatch):
    """Each example in "Finding your reflections again" runs, as written, on a journal of 12."""
    import shlex

    from typer.testing import CliRunner

    from reflect.cli import app
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
