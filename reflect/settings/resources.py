"""Where to turn when reflecting alone is not enough: offline text, and the crisis lines.

The lines are data (prompts/resources/crisis-lines.toml, shipped inside the package), each
with its country, the page it was checked against and the day it was checked. This module
reads and checks that file and picks what to show: the lines of one country (given with
--country, else set in config.toml, else the region of the locale), the EU-wide 112 where
it applies, and the directories that cover everyone else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from reflect.base import toml
from reflect.base.errors import ReflectError
from reflect.packs.load import builtin_packs_dir
from reflect.settings.countries import (
    EU_MEMBERS,
    ISO_3166,
    LOCALE_VARIABLES,
    country_code,
    locale_country,
)

COACH_NOT_THERAPIST = (
    "reflect is a coach for thinking a hard moment through, not a therapist or a crisis "
    "service. If things feel like too much, `reflect resources` lists people to talk to."
)

WHEN_TO_REACH_OUT = (
    "Reach out to a person, not a program, if you are thinking about hurting yourself or "
    "someone else, if you feel unsafe, or if the hurt has stayed heavy for weeks and is "
    "getting in the way of sleep, work or the people around you. Reaching out is a strong "
    "thing to do, and you do not need to be in crisis to deserve support."
)

STILL_HEAVY = (
    "It sounds like this is still heavy. You don't have to carry it alone: "
    "`reflect resources` lists people you can talk to, tonight or any time."
)
"""Said once a reflection is saved, when the feeling is still strong at the end: a fixed
line chosen by the numbers the person gave, never by anything they wrote."""

TALK_TO = (
    "A counsellor or therapist can help with patterns that keep coming back. A trusted "
    "friend can help tonight."
)

IN_DANGER = ("If you or someone else is in danger right now, call your local emergency "
             "number.")

HOW_TO_CHOOSE = ("To see the lines for your country, add --country and its two-letter code "
                 "(reflect resources --country GB), or set it once in config.toml "
                 "(`reflect where` shows it): [resources] country = \"GB\".")

EU = "EU"
EVERYONE = "INTL"
PURPOSES = ("crisis", "sexual violence", "partner abuse", "LGBTQ+", "emergency")
WAYS = re.compile(r"(call|text|chat|web) \S")
"""How a line is reached: each way starts with one of these words."""

class ResourcesError(ReflectError):
    """The crisis lines file has a mistake, or a country code is not one."""


class Line(NamedTuple):
    """One place to turn, as the data file gives it."""

    country: str
    name: str
    reach: tuple[str, ...]
    hours: str
    purposes: tuple[str, ...]
    source: str
    checked: date
    who: str = ""


class Directory(NamedTuple):
    """Every line in the data file, and the names of the countries they are for."""

    lines: tuple[Line, ...]
    countries: Mapping[str, str]

    def of(self, country: str) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.country == country)


class Section(NamedTuple):
    """Lines shown together under one heading."""

    title: str
    lines: tuple[Line, ...]


class Guide(NamedTuple):
    """What `reflect resources` shows: notes on the country, then the lines by section."""

    notes: tuple[str, ...]
    sections: tuple[Section, ...]

    @property
    def checked(self) -> date | None:
        """The oldest day any line shown was checked."""
        days = [line.checked for section in self.sections for line in section.lines]
        return min(days) if days else None


def shipped_file() -> Path:

    return builtin_packs_dir() / "resources" / "crisis-lines.toml"


def load(path: Path | None = None) -> Directory:
    """The lines in this file (the shipped one unless told), each checked; any mistake is a
    ResourcesError naming the file and the line."""
    path = path or shipped_file()

    def wrong(problem: str) -> ResourcesError:
        return ResourcesError(
            f"The crisis lines file {path} {problem}. Meanwhile, findahelpline.com lists "
            "free, confidential lines for most countries.")

    try:
        data: dict[str, Any] = toml.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise wrong(f"cannot be read ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise wrong("is not UTF-8 text") from None
    except toml.TOMLDecodeError as error:
        raise wrong(f"is not valid TOML ({error})") from None
    unknown = sorted(set(data) - {"countries", "line"})
    if unknown:
        raise wrong(f"has a table it should not: {unknown[0]} (only [countries] and [[line]])")
    countries = data.get("countries", {})
    if not isinstance(countries, dict):
        raise wrong("has countries that is not a table")
    for code, name in countries.items():
        if code not in ISO_3166 or not isinstance(name, str) or not name:
            raise wrong(f"names a country wrongly: {code} = {name!r} (a two-letter ISO code "
                        "and its name)")
    entries = data.get("line", [])
    if not isinstance(entries, list) or not entries:
        raise wrong("has no [[line]] entries")
    return Directory(tuple(_line(entry, number, countries, wrong)
                           for number, entry in enumerate(entries, 1)), countries)


def _line(entry: Any, number: int, countries: Mapping[str, str],
          wrong: Callable[[str], ResourcesError]) -> Line:
    """One [[line]] entry, checked field by field."""
    label = f"line {number}"
    if isinstance(entry, dict) and isinstance(entry.get("name"), str) and entry["name"]:
        label = f"line {number} ({entry['name']})"

    def bad(problem: str) -> ResourcesError:
        return wrong(f"has a mistake in {label}: {problem}")

    if not isinstance(entry, dict):
        raise bad("it is not a table")
    needed = {"country", "name", "reach", "hours", "for", "source", "checked"}
    missing = sorted(needed - set(entry))
    if missing:
        raise bad(f"it has no {missing[0]}")
    unknown = sorted(set(entry) - needed - {"who"})
    if unknown:
        raise bad(f"it has a field reflect does not know: {unknown[0]}")
    for key in ("country", "name", "hours", "source", "who"):
        if key in entry and (not isinstance(entry[key], str) or not entry[key].strip()):
            raise bad(f"{key} must be some text")
    country = entry["country"]
    if country not in countries and country not in (EU, EVERYONE):
        raise bad(f"country {country!r} is not in [countries], nor {EU} or {EVERYONE}")
    reach = entry["reach"]
    if (not isinstance(reach, list) or not reach
            or not all(isinstance(way, str) and WAYS.match(way) for way in reach)):
        raise bad("reach must list ways to reach it, each starting with call, text, chat or "
                  "web")
    purposes = entry["for"]
    if (not isinstance(purposes, list) or not purposes
            or not all(purpose in PURPOSES for purpose in purposes)):
        raise bad(f"for must list one or more of: {', '.join(PURPOSES)}")
    if not entry["source"].startswith("https://"):
        raise bad("source must be the https:// address of the page it was checked against")
    checked = entry["checked"]
    if type(checked) is not date:
        raise bad("checked must be a date, like 2026-12-05")
    return Line(country=country, name=entry["name"], reach=tuple(reach),
                hours=entry["hours"], purposes=tuple(purposes), source=entry["source"],
                checked=checked, who=entry.get("who", ""))


def guide(directory: Directory, given: str | None, every: bool, configured: str | None,
          environ: Mapping[str, str]) -> Guide:
    """What to show: every country's lines (every), or one country's, picked from --country
    (given), then config.toml's resources.country (configured), then the locale."""
    how = ""
    if given is not None:
        code = country_code(given)
        if code is None:
            raise ResourcesError(
                f"{given!r} is not a country code. Give two letters, like US, CA, GB, IE, "
                "AU or NZ (reflect resources --all shows every country reflect has lines "
                "for).", exit_code=2)
        if every:
            raise ResourcesError("Give --country or --all, not both: --all shows every "
                                 "country.", exit_code=2)
    elif every:
        sections = [Section(_title(directory, code), directory.of(code))
                    for code in directory.countries]
        sections.append(Section("Across the European Union", directory.of(EU)))
        sections.append(Section("For every country", directory.of(EVERYONE)))
        return Guide((), tuple(sections))
    elif configured is not None:
        code, how = configured, "resources.country in config.toml"
    else:
        code = locale_country(environ)
        variable = next((name for name in LOCALE_VARIABLES if environ.get(name)), "")
        how = f"your locale, {variable}={environ.get(variable, '')}"
    everyone = Section("For every country", directory.of(EVERYONE))
    if code is None:
        return Guide(("reflect does not know which country you are in. " + HOW_TO_CHOOSE,
                      IN_DANGER), (everyone,))
    own = directory.of(code)
    sections = []
    notes = []
    if own:
        sections.append(Section(_title(directory, code), own))
        if how:
            notes.append(f"Lines for {directory.countries[code]} (from {how}). Another "
                         "country: --country XX; every country: --all.")
    else:
        notes.append(f"reflect has no lines of its own for {code}"
                     + (f" (from {how})" if how else "") + " yet; the ones below cover it "
                     "too.")
    if code in EU_MEMBERS and not any("emergency" in line.purposes for line in own):
        sections.append(Section("Across the European Union", directory.of(EU)))
    elif not own:
        notes.append(IN_DANGER)
    sections.append(everyone)
    return Guide(tuple(notes), tuple(sections))


def _title(directory: Directory, code: str) -> str:
    return f"{directory.countries[code]} ({code})"
