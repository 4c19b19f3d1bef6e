"""Settings a person may change, in `config.toml` in the config folder (`reflect where`).

    [backups]
    keep = 10      # how many rolling copies of the journal to keep, 1 to 1000

    [resources]
    country = "GB" # whose crisis lines `reflect resources` shows: a two-letter code
                   # (UK is taken as GB); without it, the region of the locale

A file that is missing means every setting has its default. A mistake (a name reflect does
not know, a value of the wrong kind) is an error naming the file and the setting, so a typo
is never silently ignored. A file that another user of the computer could have written (it,
or its folder, is writable by the group or others) is refused, as ssh refuses such files,
with the chmod that puts it right.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NamedTuple

from reflect.backups import DEFAULT_KEEP, MAX_KEEP
from reflect.countries import country_code
from reflect.errors import ReflectError
from reflect.files import read_if_present
from reflect.trust import doubt


class Settings(NamedTuple):
    keep_backups: int = DEFAULT_KEEP
    country: str | None = None
    """An ISO 3166 alpha-2 code, already checked (UK given is GB here)."""


class SettingsError(ReflectError):
    """config.toml has a mistake; nothing has been changed."""


def load_settings(path: Path) -> Settings:
    """The settings in this file, or the defaults when there is no file."""
    raw = read_if_present(path, "the settings")
    if raw is None:
        return Settings()
    reason = doubt(path.parent, f"its folder {path.parent}") or doubt(path, "it")
    if reason is not None:
        raise SettingsError(f"The settings file {path} is not loaded, since {reason}.")
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    def wrong(problem: str) -> SettingsError:
        return SettingsError(f"The settings file {path} {problem}. Fix it, or move it aside "
                             "to use the defaults.")

    try:
        data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise wrong("is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise wrong(f"is not valid TOML ({error})") from None
    unknown = sorted(set(data) - {"backups", "resources"})
    if unknown:
        raise wrong(f"has a section reflect does not know: [{unknown[0]}] (it knows "
                    "[backups] and [resources])")

    def section(name: str, known: str) -> dict[str, Any]:
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise wrong(f"has {name} that is not a section; write it as [{name}]")
        unknown = sorted(set(table) - {known})
        if unknown:
            raise wrong(f"has a setting reflect does not know: {name}.{unknown[0]} (it knows "
                        f"{name}.{known})")
        return table

    keep = section("backups", "keep").get("keep", DEFAULT_KEEP)
    if type(keep) is not int or not 1 <= keep <= MAX_KEEP:
        raise wrong(f"says backups.keep = {keep!r}; it must be a whole number from 1 to "
                    f"{MAX_KEEP}")
    given = section("resources", "country").get("country")
    country = country_code(given) if isinstance(given, str) else None
    if given is not None and country is None:
        raise wrong(f"says resources.country = {given!r}; it must be a two-letter country "
                    "code, like \"GB\" or \"CA\"")
    return Settings(keep_backups=keep, country=country)
