"""The README tells the truth: its example pack loads and CI runs its test line."""

from __future__ import annotations

import re

import pytest

from reflect.packs import load_pack

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
        "long_text", "scale", "checkbox", "checkbox", "confirm", "text"]


def test_ci_runs_the_readme_test_line():
    """The test line a newcomer copies from the README is the one CI runs."""
    lines = [line for line in readme().splitlines() if "pytest" in line and "pip" in line]
    assert len(lines) == 1
    assert lines[0] in (REPO / ".ci" / "run").read_text(encoding="utf-8")
