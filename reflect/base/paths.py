"""Where reflect keeps things. Read at call time so REFLECT_HOME can change under tests."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from reflect.base.errors import ReflectError
from reflect.base.files import describe

APP = "reflect"
JOURNAL_NAME = "journal.json"
CONFIG_NAME = "config.toml"


class PathError(ReflectError):
    """--journal or REFLECT_HOME names no place a journal can be: exit 2, as a wrong flag."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=2)


def home_override() -> Path | None:
    """REFLECT_HOME as a folder: a full path (one relative to wherever reflect happens to
    be started would be a different journal in every folder), and not a file."""
    value = os.environ.get("REFLECT_HOME", "").strip()
    if not value:
        return None
    home = _expanded(value, "REFLECT_HOME")
    if not home.is_absolute():
        raise PathError(f"REFLECT_HOME is {value!r}, which is not a full path, so the journal "
                        "would move with the folder reflect is started in. Give a full "
                        "path, like ~/private/reflect.")
    _through_folders(home, "REFLECT_HOME", value)
    return home


def data_dir() -> Path:
    """The folder for the journal and drafts: REFLECT_HOME, or the platform's data folder."""
    override = home_override()
    if override is not None:
        return override
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def config_dir() -> Path:
    """The folder for the person's own packs: REFLECT_HOME, or the platform's config folder."""
    override = home_override()
    if override is not None:
        return override
    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def config_file() -> Path:
    """The person's settings (see reflect.settings.config)."""
    return config_dir() / CONFIG_NAME


def user_packs_dir() -> Path:
    return config_dir() / "packs"


def journal_path(override: Path | str | None = None) -> Path:
    """The journal file: --journal when given (checked as a file path), else journal.json
    in the data folder."""
    if override is not None:
        return _given_journal(str(override))
    return data_dir() / JOURNAL_NAME


def _given_journal(text: str) -> Path:
    """The journal file `--journal text` names; PathError when it names no file reflect
    could keep a journal in: nothing, an option, a folder, or a path through a file."""
    if not text.strip():
        raise PathError("--journal needs the path of a journal file, like "
                        "~/private/journal.json.")
    if text.startswith("-"):
        raise PathError(f"--journal needs the path of a journal file, not {text!r}; for a "
                        f"file whose name starts with -, write ./{text}.")
    path = _expanded(text, "--journal")
    if text.endswith(("/", os.sep)) or path.name in ("", ".", "..") or _is_folder(
            path, "--journal"):
        raise PathError(f"--journal {text} names a folder; give the journal file in it, like "
                        f"{path / JOURNAL_NAME}.")
    _through_folders(path.parent, "--journal", text)
    return path


def _expanded(text: str, given: str) -> Path:
    try:
        return Path(text).expanduser()
    except RuntimeError:  # ~name of no user, or no home folder to be found
        raise PathError(f"{given} {text}: cannot tell which home folder "
                        f"{text.split('/')[0]} means.") from None


def _is_folder(path: Path, given: str) -> bool:
    try:
        return path.is_dir()
    except OSError as error:  # a name too long, a loop of links
        raise PathError(f"{given} {path}: {describe(error)}.") from None


def _through_folders(folder: Path, given: str, text: str) -> None:
    """Refuse a folder path that runs into a file: the nearest part of it that is there
    must be a folder, or nothing could ever be made inside it."""
    for place in (folder, *folder.parents):
        if os.path.lexists(place):
            if not _is_folder(place, given):
                raise PathError(f"{given} {text}: {place} is a file, not a folder, so no "
                                "journal can be kept there.")
            return


def drafts_dir(journal: Path) -> Path:
    """The folder of unfinished reflections kept beside their journal, one file each."""
    return journal.with_name(f"{journal.stem}.drafts")


def draft_path(journal: Path) -> Path:
    """Where the single unfinished reflection was kept before each had its own file: one
    found there is moved into drafts_dir."""
    return journal.with_name(f"{journal.stem}.draft.json")
