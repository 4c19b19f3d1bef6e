"""Where reflect keeps things when REFLECT_HOME is not set: the platform's folders, as
platformdirs names them, worked out without loading it in the common case on Linux."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

from reflect import paths

CASES = {
    "plain": {},
    "xdg set": {"XDG_DATA_HOME": "/srv/data", "XDG_CONFIG_HOME": "/srv/config"},
    "xdg empty": {"XDG_DATA_HOME": "", "XDG_CONFIG_HOME": ""},
    "xdg relative": {"XDG_DATA_HOME": "data", "XDG_CONFIG_HOME": "conf"},
    "xdg with ~": {"XDG_DATA_HOME": "~/d", "XDG_CONFIG_HOME": "~/c"},
    "home with a trailing slash": {"HOME": "/home/someone/"},
    "home is the root": {"HOME": "/"},
    "home relative": {"HOME": "someone"},
    "home empty": {"HOME": ""},
    "home unset": {"HOME": None},
    "home with spaces and accents": {"HOME": "/home/Zoë Ann"},
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_the_folders_are_the_ones_platformdirs_names(case, monkeypatch):
    monkeypatch.delenv("REFLECT_HOME", raising=False)
    monkeypatch.setenv("HOME", "/home/someone")
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "ANDROID_DATA", "ANDROID_ROOT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in CASES[case].items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    try:
        data = Path(platformdirs.user_data_dir(paths.APP, appauthor=False))
        config = Path(platformdirs.user_config_dir(paths.APP, appauthor=False))
    except RuntimeError:  # platformdirs cannot tell: then neither may reflect's own path
        assert paths._plain_linux("XDG_DATA_HOME", ".local/share") is None
        return
    assert paths.data_dir() == data
    assert paths.config_dir() == config
    assert paths.journal_path() == data / paths.JOURNAL_NAME


@pytest.mark.skipif(sys.platform != "linux", reason="the quick way is for Linux alone")
@pytest.mark.parametrize(("env", "loaded"), [
    ({}, False), ({"XDG_DATA_HOME": "/srv/data"}, True), ({"HOME": "relative"}, True)],
    ids=["plain", "xdg set", "home relative"])
def test_a_plain_linux_home_does_not_load_platformdirs(env, loaded, tmp_path):
    """In the common case the folders are worked out without loading platformdirs;
    anything else asks it."""
    home = {k: v for k, v in os.environ.items()
            if k not in ("REFLECT_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME")}
    home.update({"HOME": str(tmp_path)}, **env)
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from reflect import paths; "
         "print(paths.journal_path(), paths.user_packs_dir()); "
         "print('platformdirs' in sys.modules)"],
        env=home, capture_output=True, text=True, timeout=30, check=True)
    journal, packs, found = done.stdout.split()
    assert found == str(loaded)
    if not env:
        assert journal == str(tmp_path / ".local/share/reflect/journal.json")
        assert packs == str(tmp_path / ".config/reflect/packs")
