"""Where reflect keeps things. Read at call time so REFLECT_HOME can change under tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "reflect"
JOURNAL_NAME = "journal.json"
CONFIG_NAME = "config.toml"


def home_override() -> Path | None:
    value = os.environ.get("REFLECT_HOME", "").strip()
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """The folder for the journal and drafts: REFLECT_HOME, or the platform's data folder."""
    override = home_override()
    if override is not None:
        return override
    plain = _plain_linux("XDG_DATA_HOME", ".local/share")
    if plain is not None:
        return plain
    import platformdirs

    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def config_dir() -> Path:
    """The folder for the person's own packs: REFLECT_HOME, or the platform's config folder."""
    override = home_override()
    if override is not None:
        return override
    plain = _plain_linux("XDG_CONFIG_HOME", ".config")
    if plain is not None:
        return plain
    import platformdirs

    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def _plain_linux(variable: str, under_home: str) -> Path | None:
    """platformdirs' folder in the case most people on Linux have, worked out without
    loading it: loading platformdirs takes 10 to 20 ms (it loads typing and tempfile),
    more than `reflect list` of a thousand reflections spends on everything else but
    starting Python. The case: Linux, not Android, the XDG variable unset or empty, and
    HOME an absolute path; the folder is then HOME/under_home/reflect, as platformdirs
    makes it (the tests check that it agrees). Anything else is platformdirs' to say."""
    if (sys.platform != "linux" or os.environ.get(variable)
            or hasattr(sys, "getandroidapilevel") or "ANDROID_DATA" in os.environ):
        return None
    home = os.environ.get("HOME", "")
    if not home.startswith("/"):
        return None
    return Path(home, under_home, APP)


def config_file() -> Path:
    """The person's settings (see reflect.config)."""
    return config_dir() / CONFIG_NAME


def user_packs_dir() -> Path:
    return config_dir() / "packs"


def journal_path(override: Path | None = None) -> Path:
    """The journal file: --journal when given, else journal.json in the data folder."""
    if override is not None:
        return override.expanduser()
    return data_dir() / JOURNAL_NAME


def drafts_dir(journal: Path) -> Path:
    """The folder of unfinished reflections kept beside their journal, one file each."""
    return journal.with_name(f"{journal.stem}.drafts")


def draft_path(journal: Path) -> Path:
    """Where the single unfinished reflection was kept before each had its own file: one
    found there is moved into drafts_dir."""
    return journal.with_name(f"{journal.stem}.draft.json")
