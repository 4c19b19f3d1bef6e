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

from pathlib import Path
from typing import Any, NamedTuple

from reflect.base import toml
from reflect.base.errors import ReflectError
from reflect.base.files import ReadError, read_if_present
from reflect.base.safe_text import cut
from reflect.base.trust import doubt
from reflect.journal.backups import DEFAULT_KEEP, MAX_KEEP
from reflect.settings.countries import country_code

MAX_SETTINGS_BYTES = 64 * 1024
"""The largest settings file read: a few lines are all there is to set."""


class Settings(NamedTuple):
    keep_backups: int = DEFAULT_KEEP
    country: str | None = None
    """An ISO 3166 alpha-2 code, already checked (UK given is GB here)."""


class SettingsError(ReflectError):
    """config.toml has a mistake; nothing has been changed."""


def load_settings(path: Path) -> Settings:
    """The settings in this file, or the defaults when there is no file."""
    try:
        raw = read_if_present(path, "the settings", MAX_SETTINGS_BYTES)
    except ReadError as error:  # a SettingsError, so `resources` still shows its lines
        raise SettingsError(error.message) from None
    if raw is None:
        return Settings()
    reason = doubt(path.parent, f"its folder {path.parent}") or doubt(path, "it")
    if reason is not None:
        raise SettingsError(f"The settings file {path} is not loaded, since {reason}.")
    def wrong(problem: str) -> SettingsError:
        return SettingsError(f"The settings file {path} {problem}. Fix it, or move it aside "
                             "to use the defaults.")

    try:
        data: dict[str, Any] = toml.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise wrong("is not UTF-8 text") from None
    except toml.TOMLDecodeError as error:
        raise wrong(f"is not valid TOML ({error})") from None
    except ValueError:  # from int(): a number of more than 4,300 digits
        raise wrong("holds a number too long to be a setting") from None
    except RecursionError:
        raise wrong("is nested too deeply to be settings") from None
    unknown = sorted(set(data) - {"backups", "resources"})
    if unknown:
        raise wrong(f"has a section reflect does not know: [{cut(unknown[0])}] (it knows "
                    "[backups] and [resources])")

    def section(name: str, known: str) -> dict[str, Any]:
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise wrong(f"has {name} that is not a section; write it as [{name}]")
        unknown = sorted(set(table) - {known})
        if unknown:
            raise wrong(f"has a setting reflect does not know: {name}.{cut(unknown[0])} (it "
                        f"knows {name}.{known})")
        return table

    keep = section("backups", "keep").get("keep", DEFAULT_KEEP)
    if type(keep) is not int or not 1 <= keep <= MAX_KEEP:
        raise wrong(f"says backups.keep = {cut(repr(keep))}; it must be a whole number from "
                    f"1 to {MAX_KEEP}")
    given = section("resources", "country").get("country")
    country = country_code(given) if isinstance(given, str) else None
    if given is not None and country is None:
        raise wrong(f"says resources.country = {cut(repr(given))}; it must be a two-letter "
                    "country code, like \"GB\" or \"CA\"")
    return Settings(keep_backups=keep, country=country)
