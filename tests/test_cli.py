"""The command line: help, version, paths, packs, resources, and clear errors."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from reflect import __version__
from reflect.cli import app
from reflect.review.filters import find

runner = CliRunner()


def invoke(*args: str, **kwargs):
    return runner.invoke(app, list(args), catch_exceptions=False, **kwargs)


def test_version():
    """--version prints the version and exits 0."""
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"reflect {__version__}"


def test_help_teaches_the_commands():
    """--help says what reflect is for and lists every command."""
    result = invoke("--help")
    assert result.exit_code == 0
    assert "hearing no" in result.stdout
    for name in ("new", "packs", "where", "resources"):
        assert name in result.stdout
    new_help = invoke("new", "--help").stdout
    for words in ("--quick", "--resume", "--pack", "Shift+Tab"):
        assert words in new_help


def test_a_reflection_needs_a_terminal(reflect_home):
    """Without a terminal, reflect says why and exits 2, touching nothing."""
    for args in ([], ["new"], ["new", "--quick"]):
        result = invoke(*args, input="")
        assert result.exit_code == 2
        assert "needs an interactive terminal" in result.stderr
        assert "Traceback" not in result.output
    assert not reflect_home.exists()


def test_wrong_flags_are_usage_errors():
    """An unknown option is a short usage error with exit code 2."""
    result = invoke("new", "--nope")
    assert result.exit_code == 2
    assert "No such option" in result.output


def test_where_shows_the_paths_in_use(reflect_home, tmp_path):
    """`where` lists the journal, draft and packs folders; --journal changes the journal."""
    result = invoke("where")
    assert result.exit_code == 0
    assert str(reflect_home / "journal.json") in result.stdout
    assert "not created yet" in result.stdout
    other = tmp_path / "other.json"
    result = invoke("--journal", str(other), "where")
    assert str(other) in result.stdout
    assert str(tmp_path / "other.drafts") in result.stdout


def test_packs_lists_shipped_and_own_packs(reflect_home):
    """`packs` shows the shipped packs, a person's own, and a broken one as left out."""
    packs_dir = reflect_home / "packs"
    packs_dir.mkdir(parents=True)
    (packs_dir / "broken.toml").write_text("[pack")
    result = invoke("packs")
    assert result.exit_code == 0
    assert "hearing-no (default)" in result.stdout
    assert "hearing-no-quick" in result.stdout
    assert "broken.toml" in result.stderr


def test_unknown_pack_is_a_clear_error(monkeypatch, capsys):
    """Asking for a pack that does not exist names the packs there are, exit 1."""
    import sys

    monkeypatch.setattr(sys, "stdin", _Tty())
    monkeypatch.setattr(sys, "stdout", _Tty(sys.stdout))
    with pytest.raises(SystemExit) as caught:
        app(["new", "--pack", "nope"], prog_name="reflect")
    assert caught.value.code == 1
    said = " ".join(capsys.readouterr().err.split())
    assert "There is no pack called 'nope'" in said
    assert "hearing-no, hearing-no-quick" in said
    assert "Traceback" not in said


class _Tty:
    def __init__(self, stream=None):
        self.stream = stream

    def isatty(self):
        return True

    def __getattr__(self, name):
        return getattr(self.stream, name)


def test_resources_are_offline_and_name_the_lines():
    """`resources --country US` lists the US crisis lines, the directories for everyone
    else, and when to reach out."""
    result = invoke("resources", "--country", "US")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "988" in text
    assert "text HOME to 741741" in text
    assert "findahelpline.com" in text
    assert "When to reach out" in text


def test_no_color_is_honoured(monkeypatch):
    """With NO_COLOR set, nothing reflect prints carries colour codes."""
    monkeypatch.setenv("NO_COLOR", "1")
    result = invoke("resources", color=True)
    assert "\x1b[" not in result.stdout


def test_delete_in_plain_mode_asks_in_a_typed_line(filled, reflect_home):
    """`reflect --plain delete N` asks yes or no as a numbered line; n keeps it, y deletes."""
    kept = invoke("--plain", "delete", "2", input="n\n")
    assert kept.exit_code == 0
    assert "1. Yes\n2. No\n" in kept.stdout
    assert "Kept it. Nothing was deleted." in kept.stdout
    assert [e.number for e in filled.entries()] == [1, 2, 3, 4, 5, 6]
    gone = invoke("--plain", "delete", "2", input="y\n")
    assert gone.exit_code == 0
    assert [e.number for e in filled.entries()] == [1, 3, 4, 5, 6]


def test_followup_in_plain_mode_reads_typed_answers(filled, reflect_home):
    """`reflect --plain followup` lists the outcomes numbered and takes the typed number."""
    result = invoke("--plain", "followup", input="1\n")
    assert result.exit_code == 0
    assert "1. I tried it, and it helped" in result.stdout
    assert "Chose: I tried it, and it helped" in result.stdout
    first = find(filled.entries(), "1")
    assert [v["outcome"] for v in first.followups.values()][:1] == ["helped"]
