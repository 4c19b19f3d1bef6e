"""`reflect resources`: the crisis lines as dated data, for the country a person is in."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from reflect.packs.load import discover
from reflect.settings import resources
from reflect.settings.config import SettingsError, load_settings
from reflect.settings.countries import locale_country
from reflect.settings.resources import Directory, Guide, Line, ResourcesError, Section

from test_cli import invoke

COUNTRIES = ("US", "CA", "GB", "IE", "AU", "NZ")


@pytest.fixture(autouse=True)
def no_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no locale, so the machine's own never picks the country."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


def shown(*args: str, **kwargs) -> str:
    """`reflect resources ARGS` succeeds; its output with the wrapping undone."""
    result = invoke("resources", *args, **kwargs)
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.split())


def test_the_shipped_file_loads_with_lines_for_each_country():
    """The shipped data file loads, and every country in it has lines and an emergency
    number; the EU's 112 and the directories for everyone are there too."""
    directory = resources.load()
    assert tuple(directory.countries) == COUNTRIES
    for code in (*COUNTRIES, "EU", "INTL"):
        assert directory.of(code), code
    for code in (*COUNTRIES, "EU"):
        assert any("emergency" in line.purposes for line in directory.of(code)), code
    assert {line.name for line in directory.of("INTL")} == {"Find A Helpline",
                                                            "Befrienders Worldwide"}


def stale(lines: tuple[Line, ...], today: date) -> list[str]:
    """The lines checked more than 12 months before today, each named."""
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return [f"{line.country}: {line.name} (checked {line.checked})" for line in lines
            if line.checked < year_ago]


def test_every_line_was_checked_within_the_last_12_months():
    """No shipped line is more than a year old: a line past that fails here, by name, until
    someone checks it against its source again and updates `checked`."""
    old = stale(resources.load().lines, date.today())
    assert not old, "Check these lines against their source again: " + "; ".join(old)


def test_a_line_older_than_12_months_is_named():
    """The check names a line checked 13 months ago, and passes one checked 11 months ago."""
    line = Line("GB", "Samaritans", ("call 116 123",), "24/7", ("crisis",),
                "https://www.samaritans.org", date(2025, 11, 1))
    assert stale((line,), date(2026, 12, 5)) == ["GB: Samaritans (checked 2025-11-01)"]
    assert stale((line,), date(2026, 10, 1)) == []


def test_no_checked_date_is_in_the_future():
    """A line cannot have been checked on a day that has not come yet."""
    assert all(line.checked <= date.today() for line in resources.load().lines)


def test_the_data_file_is_gender_neutral():
    """No sentence of the data file names a gender; the lines are for everyone."""
    text = resources.shipped_file().read_text(encoding="utf-8").lower()
    words = {"man", "men", "woman", "women", "wife", "husband", "girlfriend", "boyfriend",
             "he", "she", "him", "her", "his", "hers", "male", "female"}
    found = words & set(re.findall(r"[a-z]+", text))
    assert not found


def test_pack_discovery_does_not_see_the_crisis_lines():
    """The data file sits in a folder of its own, so it is never taken for a pack."""
    packs, problems = discover(None)
    assert problems == []
    assert "crisis-lines" not in {pack.id for pack in packs}


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("US", ["988 Suicide & Crisis Lifeline", "call 988", "text HOME to 741741",
                "call 800-799-7233", "call 911"]),
        ("CA", ["988 Suicide Crisis Helpline", "call 988, text 988", "call 911"]),
        ("GB", ["Samaritans", "call 116 123", "text SHOUT to 85258", "Respect Phoneline",
                "call 999"]),
        ("IE", ["Samaritans Ireland", "call 116 123", "text TALK to 50808",
                "call 1800 77 88 88", "call 112, call 999"]),
        ("AU", ["Lifeline", "call 13 11 14", "1800RESPECT", "QLife", "call 000"]),
        ("NZ", ["1737 Need to talk?", "call 1737, text 1737", "Safe to talk", "call 111"]),
    ],
)
def test_country_shows_its_lines_hours_and_purposes(country, expected):
    """`--country XX` shows that country's lines with how to reach them, their hours and
    what they are for, then the directories for everyone and the date they were checked."""
    text = shown("--country", country)
    for words in expected:
        assert words in text, words
    assert "24/7" in text
    assert "for crisis" in text
    assert "findahelpline.com" in text
    assert "befrienders.org" in text
    assert "When to reach out" in text
    assert re.search(r"offline data, part of reflect, checked on \d{4}-\d\d-\d\d", text)
    others = [code for code in COUNTRIES if code != country]
    assert not any(f"({code})" in text for code in others)


def test_the_code_may_be_any_case_and_uk_means_gb():
    """`--country uk`, `--country UK` and `--country gb` all show the United Kingdom."""
    for given in ("uk", "UK", "gb", "Gb"):
        assert "United Kingdom (GB)" in shown("--country", given)


@pytest.mark.parametrize(("locale", "expected"), [("en_CA.UTF-8", "988 Suicide Crisis Helpline"),
                                                  ("en_GB.UTF-8", "Samaritans")])
def test_the_locale_picks_the_country(monkeypatch, locale, expected):
    """With LANG=en_CA.UTF-8 (or en_GB.UTF-8) and nothing else, that country's lines show,
    with a note saying the locale chose it."""
    monkeypatch.setenv("LANG", locale)
    text = shown()
    assert expected in text
    assert f"(from your locale, LANG={locale})" in text


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "en_CA.UTF-8"}, "CA"),
        ({"LANG": "fr_CA"}, "CA"),
        ({"LANG": "en_IE.UTF-8@euro"}, "IE"),
        ({"LANG": "en_gb.utf8"}, "GB"),
        ({"LC_ALL": "en_NZ.UTF-8", "LANG": "en_US.UTF-8"}, "NZ"),
        ({"LC_MESSAGES": "en_AU.UTF-8", "LANG": "en_US.UTF-8"}, "AU"),
        ({"LC_ALL": "", "LC_MESSAGES": "", "LANG": "en_IE.UTF-8"}, "IE"),
        ({"LC_ALL": "C", "LANG": "en_US.UTF-8"}, None),
        ({"LANG": "C.UTF-8"}, None),
        ({"LANG": "POSIX"}, None),
        ({"LANG": "en"}, None),
        ({"LANG": "es_419.UTF-8"}, None),
        ({"LANG": "xx_ZZ.UTF-8"}, None),
        ({}, None),
    ],
)
def test_the_locale_region_is_read_as_posix_orders_the_variables(environ, expected):
    """LC_ALL, then LC_MESSAGES, then LANG: the first set decides; C, POSIX, a locale
    without a region or with one that is no country give none."""
    assert locale_country(environ) == expected


def test_config_toml_picks_the_country(reflect_home, monkeypatch):
    """`[resources] country = "ie"` in config.toml shows Ireland's lines, before the
    locale, and --country comes before both."""
    reflect_home.mkdir(parents=True)
    (reflect_home / "config.toml").write_text('[resources]\ncountry = "ie"\n')
    monkeypatch.setenv("LANG", "en_AU.UTF-8")
    text = shown()
    assert "Samaritans Ireland" in text
    assert "(from resources.country in config.toml)" in text
    assert "Lifeline" not in text
    text = shown("--country", "NZ")
    assert "New Zealand (NZ)" in text
    assert "Ireland (IE)" not in text


def test_config_toml_takes_uk_for_gb(tmp_path):
    """config.toml may say UK, in any case; the settings hold GB."""
    path = tmp_path / "config.toml"
    path.write_text('[resources]\ncountry = "uk"\n')
    assert load_settings(path).country == "GB"
    assert load_settings(tmp_path / "none.toml").country is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[resources]\ncountry = "ZZ"\n', "resources.country = 'ZZ'"),
        ('[resources]\ncountry = 44\n', "resources.country = 44"),
        ('[resources]\ncountry = "United Kingdom"\n', "two-letter country code"),
        ('[resources]\ncountri = "GB"\n', "resources.countri"),
        ('resources = "GB"\n', "not a section"),
        ('[resource]\ncountry = "GB"\n', "[resource]"),
    ],
)
def test_a_wrong_country_in_config_toml_names_the_file_and_setting(tmp_path, text, problem):
    """A country setting that is not a country is an error naming the file and the
    setting, never ignored."""
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert str(path) in caught.value.message
    assert problem in caught.value.message


def test_a_mistake_in_config_toml_does_not_hide_the_lines(reflect_home):
    """Even with a broken config.toml, `resources --country GB` shows the lines, after a
    warning that names the file."""
    reflect_home.mkdir(parents=True)
    (reflect_home / "config.toml").write_text('[resources]\ncountry = "ZZ"\n')
    result = invoke("resources", "--country", "GB")
    assert result.exit_code == 0
    assert "call 116 123" in result.stdout
    assert "config.toml" in result.stderr


def test_all_shows_every_country_grouped():
    """`--all` shows every country's lines under its own heading, then the EU's 112 and
    the directories for everyone."""
    text = shown("--all")
    directory = resources.load()
    headings = [f"{name} ({code})" for code, name in directory.countries.items()]
    headings += ["Across the European Union", "For every country"]
    places = [text.index(heading) for heading in headings]
    assert places == sorted(places)
    for line in directory.lines:
        assert line.name in text
    assert "does not know which country" not in text


@pytest.mark.parametrize("code", ["ZZ", "123", "U", "USA", "", "E1"])
def test_an_unknown_country_code_is_a_clear_error(code):
    """`--country ZZ` (or 123, or three letters) is one line saying what to give, exit 2,
    with no traceback and no lines shown."""
    result = invoke("resources", "--country", code)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert f"Error: {code!r} is not a country code. Give two letters" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_country_and_all_together_is_an_error():
    """--country with --all is a usage mistake: one line, exit 2."""
    result = invoke("resources", "--country", "GB", "--all")
    assert result.exit_code == 2
    assert "not both" in result.stderr


def test_an_eu_country_without_lines_gets_112_and_the_directories():
    """For France, which reflect has no lines of its own for, one line says so, then the
    EU-wide 112 and the directories follow."""
    text = shown("--country", "fr")
    assert "reflect has no lines of its own for FR yet" in text
    assert "call 112" in text
    assert "findahelpline.com" in text
    assert "United Kingdom" not in text


def test_a_country_outside_the_eu_without_lines_gets_the_directories_and_guidance():
    """For Japan, no 112 (it is not in the EU): the directories, and the advice to call the
    local emergency number."""
    text = shown("--country", "JP")
    assert "reflect has no lines of its own for JP yet" in text
    assert "call 112" not in text
    assert "call your local emergency number" in text
    assert "befrienders.org" in text


def test_an_eu_country_with_its_own_emergency_number_is_not_told_112_twice():
    """Ireland's own lines carry 112 and 999, so the EU section is not repeated."""
    text = shown("--country", "IE")
    assert "Across the European Union" not in text


def test_with_no_country_known_it_says_how_to_choose(monkeypatch):
    """With no --country, no setting and a C locale: how to choose a country, the
    directories for everyone, and what to do in danger."""
    monkeypatch.setenv("LANG", "C.UTF-8")
    text = shown()
    assert "reflect does not know which country you are in" in text
    assert "--country" in text
    assert '[resources] country = "GB"' in text
    assert "findahelpline.com" in text
    assert "call your local emergency number" in text
    assert "Samaritans" not in text


def test_the_help_teaches_with_examples():
    """`resources --help` says how the country is chosen and shows examples."""
    result = invoke("resources", "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for words in ("--country", "--all", "config.toml", "LANG", "reflect resources --country gb"):
        assert words in text


LINE = """
[[line]]
country = "GB"
name = "Good line"
reach = ["call 116 123"]
hours = "24/7"
for = ["crisis"]
source = "https://example.org"
checked = 2026-12-05
"""


def write(tmp_path: Path, broken: str) -> Path:
    path = tmp_path / "lines.toml"
    path.write_text('[countries]\nGB = "United Kingdom"\n' + LINE + broken)
    return path


def test_a_good_file_loads_into_lines(tmp_path):
    """A small well-formed file loads into Line records, fields as written."""
    directory = resources.load(write(tmp_path, ""))
    assert directory == Directory((Line("GB", "Good line", ("call 116 123",), "24/7",
                                        ("crisis",), "https://example.org",
                                        date(2026, 12, 5)),), {"GB": "United Kingdom"})


BROKEN = """
[[line]]
country = "GB"
name = "Broken line"
reach = ["call 123"]
hours = "24/7"
for = ["crisis"]
source = "https://example.org"
checked = 2026-12-05
"""


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (('checked = 2026-12-05', ''), "it has no checked"),
        (('checked = 2026-12-05', 'checked = "2026-12-05"'), "checked must be a date"),
        (('checked = 2026-12-05', 'checked = 2026-12-05T10:00:00'), "checked must be a date"),
        (('reach = ["call 123"]', 'reach = ["phone 123"]'), "reach must list ways"),
        (('reach = ["call 123"]', 'reach = []'), "reach must list ways"),
        (('for = ["crisis"]', 'for = ["sadness"]'), "for must list one or more of"),
        (('country = "GB"', 'country = "FR"'), "country 'FR' is not in [countries]"),
        (('hours = "24/7"', 'hours = ""'), "hours must be some text"),
        (('source = "https://example.org"', 'source = "example.org"'), "source must be"),
        (('hours = "24/7"', 'hours = "24/7"\nphone = "123"'), "does not know: phone"),
    ],
)
def test_a_malformed_entry_is_refused_with_its_name(tmp_path, change, problem):
    """A mistake in one entry is an error naming the file, the entry by number and name,
    and what is wrong."""
    path = write(tmp_path, BROKEN.replace(*change))
    with pytest.raises(ResourcesError) as caught:
        resources.load(path)
    message = caught.value.message
    assert str(path) in message
    assert "line 2 (Broken line)" in message
    assert problem in message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[[line]\n", "is not valid TOML"),
        ('[countries]\nGB = "United Kingdom"\n', "has no [[line]] entries"),
        ('[countries]\nXX = "Nowhere"\n' + LINE, "names a country wrongly: XX"),
        ('[extra]\n' + LINE, "only [countries] and [[line]]"),
        ('line = ["not a table"]\n', "line 1: it is not a table"),
    ],
)
def test_a_malformed_file_is_refused_plainly(tmp_path, text, problem):
    """A file that is not valid TOML, or not shaped as the crisis lines are, is named
    with what is wrong."""
    path = tmp_path / "lines.toml"
    path.write_text(text)
    with pytest.raises(ResourcesError) as caught:
        resources.load(path)
    assert str(path) in caught.value.message
    assert problem in caught.value.message


def test_the_lines_are_shown_as_data_never_as_markup(capsys):
    """A line's words are shown exactly, even ones that look like rich markup or carry
    control codes."""
    from reflect.terminal import render

    line = Line("GB", "[bold red]Loud[/bold red]\x1b[2J", ("call [link]1[/link]",), "24/7",
                ("crisis",), "https://example.org", date(2026, 12, 5), who="[i]x[/i]")
    render.resources(Guide((), (Section("[b]Title[/b]", (line,)),)))
    out = capsys.readouterr().out
    assert "[bold red]Loud[/bold red]" in out
    assert "call [link]1[/link]" in out
    assert "[i]x[/i]" in out
    assert "[b]Title[/b]" in out
    assert "\x1b[2J" not in out
    assert "checked on 2026-12-05" in " ".join(out.split())
