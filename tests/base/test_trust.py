"""Private folders whatever the umask, and no settings or packs that another user could have
written: such a file is refused with why and the chmod that puts it right."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reflect.cli import app
from reflect.engine.drafts import Draft, DraftStore
from reflect.journal.entry import new_id, now
from reflect.journal.store import Journal

runner = CliRunner()
SETTINGS = "[backups]\nkeep = 3\n"


def said(text: str) -> str:
    return " ".join(text.split())


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def bare_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder with none of reflect's folders yet, and no REFLECT_HOME."""
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    monkeypatch.delenv("REFLECT_HOME")
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def no_umask():
    """Run with umask 000, under which a plain mkdir makes a folder anyone can write to."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_every_folder_reflect_makes_is_private_under_umask_000(bare_home, shipped_packs,
                                                                 no_umask):
    """Under umask 000 the config and data folders, the XDG folders above them that reflect
    makes (~/.config, ~/.local, ~/.local/share), backups/ and the draft's folder are 0700,
    and every file reflect writes is 0600."""
    result = runner.invoke(app, ["packs", "new", "mine"])
    assert result.exit_code == 0, result.output
    from reflect.base import paths

    journal = Journal(paths.journal_path())
    for _ in range(2):  # the second change takes the day's backup
        journal.add(shipped_packs["hearing-no-quick"],
                    {"what_happened": "x", "emotions": ["sad"], "intensity": 4,
                     "need": ["rest"], "reframe": "one-moment", "intensity_now": 3},
                    new_id(), now())
    DraftStore(paths.draft_path(journal.path)).save(
        Draft("hearing-no", 1, new_id(), now(), {"what_happened": "half"}))
    made = [path for path in bare_home.rglob("*")]
    folders = [path for path in made if path.is_dir()]
    assert {bare_home / ".config", bare_home / ".local", bare_home / ".local" / "share",
            bare_home / ".config" / "reflect" / "packs",
            bare_home / ".local" / "share" / "reflect" / "backups"} <= set(folders)
    assert {str(path): oct(mode(path)) for path in folders} == {
        str(path): oct(0o700) for path in folders}
    files = [path for path in made if path.is_file()]
    assert len(files) >= 5  # pack, journal, its lock, a backup, the draft
    assert {str(path): oct(mode(path)) for path in files} == {
        str(path): oct(0o600) for path in files}


@pytest.mark.parametrize(("where", "chmod"), [
    ("file", 0o666), ("file", 0o620), ("folder", 0o777), ("folder", 0o770)])
def test_settings_others_could_write_are_refused_with_the_chmod(reflect_home, filled,
                                                                where, chmod):
    """A config.toml that the group or others may write (or that sits in a folder they may
    write) is not loaded: one line says why and which chmod puts it right, exit 1, and the
    journal is left as it was."""
    settings = reflect_home / "config.toml"
    settings.write_text(SETTINGS)
    target = settings if where == "file" else reflect_home
    target.chmod(chmod)
    before = filled.path.read_bytes()
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 1
    message = said(result.stderr)
    assert f"The settings file {settings} is not loaded" in message
    assert f"`chmod go-w {target}`" in message
    assert "Traceback" not in result.output
    assert filled.path.read_bytes() == before


def test_the_crisis_lines_still_show_beside_settings_others_could_write(reflect_home):
    """`reflect resources` warns about such a settings file and still shows the lines."""
    reflect_home.mkdir()
    settings = reflect_home / "config.toml"
    settings.write_text('[resources]\ncountry = "GB"\n')
    settings.chmod(0o646)
    result = runner.invoke(app, ["resources"])
    assert result.exit_code == 0
    assert "can be changed by other users" in said(result.stderr)
    assert "When to reach out" in result.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_settings_belonging_to_another_user_are_refused(reflect_home):
    """A config.toml owned by another user is refused, even when only they may write it."""
    reflect_home.mkdir()
    settings = reflect_home / "config.toml"
    settings.write_text(SETTINGS)
    settings.chmod(0o600)
    os.chown(settings, 4242, 4242)
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 1
    assert "belongs to another user of this computer" in said(result.stderr)


PACK = """\
[pack]
id = "{id}"
version = 1
title = "Mine"

[[steps]]
id = "what"
kind = "text"
question = "What happened?"
"""


def own_pack(reflect_home: Path, pack_id: str) -> Path:
    folder = reflect_home / "packs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{pack_id}.toml"
    path.write_text(PACK.format(id=pack_id))
    path.chmod(0o600)
    return path


def test_a_pack_others_could_write_is_left_out_with_the_chmod(reflect_home):
    """A pack file the group may write is left out with a warning naming the chmod; the
    person's other packs are still there."""
    own_pack(reflect_home, "kept")
    loose = own_pack(reflect_home, "loose")
    loose.chmod(0o660)
    result = runner.invoke(app, ["packs"])
    assert result.exit_code == 0
    assert "kept" in result.stdout
    assert "loose" not in result.stdout
    assert (f"Left out: {loose}: it is not loaded, since it can be changed by your group; "
            f"make it yours alone with `chmod go-w {loose}`") in said(result.stderr)


@pytest.mark.parametrize("which", ["packs", "above"])
def test_a_packs_folder_others_could_write_leaves_every_pack_out(reflect_home, which):
    """When others may write the packs folder (or the config folder above it), none of its
    packs is loaded, and one warning says which folder and the chmod; the shipped packs
    stay."""
    own_pack(reflect_home, "mine")
    folder = reflect_home / "packs" if which == "packs" else reflect_home
    folder.chmod(0o777)
    result = runner.invoke(app, ["packs"])
    assert result.exit_code == 0
    assert "mine" not in result.stdout
    assert "hearing-no" in result.stdout
    assert "none of the packs here is loaded" in said(result.stderr)
    assert f"`chmod go-w {folder}`" in said(result.stderr)
