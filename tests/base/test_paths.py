"""Where reflect keeps things: REFLECT_HOME when set, else the platform's folders."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reflect.base import paths


@pytest.fixture
def unset(monkeypatch, tmp_path):
    """No REFLECT_HOME, no XDG variables, HOME in a temporary folder."""
    for name in ("REFLECT_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def test_reflect_home_holds_journal_config_and_packs(monkeypatch, tmp_path):
    """With REFLECT_HOME set, the journal, config.toml and packs all live in it."""
    monkeypatch.setenv("REFLECT_HOME", str(tmp_path / "here"))
    assert paths.journal_path() == tmp_path / "here" / "journal.json"
    assert paths.config_file() == tmp_path / "here" / "config.toml"
    assert paths.user_packs_dir() == tmp_path / "here" / "packs"


def test_a_blank_reflect_home_is_as_if_unset(monkeypatch, unset):
    """REFLECT_HOME of only spaces does not put the journal in the current folder."""
    monkeypatch.setenv("REFLECT_HOME", "   ")
    assert paths.home_override() is None
    assert paths.journal_path().is_absolute()


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG folders are Linux's")
def test_on_linux_the_journal_is_in_the_xdg_data_folder(unset):
    """Without XDG variables: ~/.local/share/reflect and ~/.config/reflect."""
    assert paths.journal_path() == unset / ".local/share/reflect/journal.json"
    assert paths.user_packs_dir() == unset / ".config/reflect/packs"


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG folders are Linux's")
def test_xdg_variables_move_the_folders(monkeypatch, unset):
    """XDG_DATA_HOME and XDG_CONFIG_HOME are followed."""
    monkeypatch.setenv("XDG_DATA_HOME", str(unset / "d"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(unset / "c"))
    assert paths.data_dir() == unset / "d" / "reflect"
    assert paths.config_dir() == unset / "c" / "reflect"


def test_journal_flag_expands_the_home_folder(unset):
    """`--journal ~/j.json` means the file in the home folder."""
    assert paths.journal_path(Path("~/j.json")) == unset / "j.json"


def test_the_draft_sits_beside_its_journal(tmp_path):
    """A journal's unfinished reflection is kept next to it, named after it."""
    assert paths.draft_path(tmp_path / "work.json") == tmp_path / "work.draft.json"
