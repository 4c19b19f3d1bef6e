"""Where reflect keeps things. Read at call time so REFLECT_HOME can change under tests."""

from __future__ import annotations

import os
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
    import platformdirs

    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def config_dir() -> Path:
    """The folder for the person's own packs: REFLECT_HOME, or the platform's config folder."""
    override = home_override()
    if override is not None:
        return override
    import platformdirs

    return Path(platformdirs.user_config_dir(APP, appauthor=False))


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


def draft_path(journal: Path) -> Path:
    """The unfinished reflection kept beside its journal."""
    return journal.with_name(f"{journal.stem}.draft.json")
