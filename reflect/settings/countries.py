"""Country codes: which two letters name a country, which countries are in the EU, and the
country of the locale. Kept apart from the crisis lines so that reading config.toml, which
every command does, loads only this."""

from __future__ import annotations

import re
from collections.abc import Mapping

_ISO_CODES = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
VN VU WF WS YE YT ZA ZM ZW
"""
ISO_3166 = frozenset(_ISO_CODES.split())
"""Every officially assigned ISO 3166-1 alpha-2 code: a country we have no lines for is
still a country, and anything else given with --country is a mistake."""

_EU_CODES = """
AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK
"""
EU_MEMBERS = frozenset(_EU_CODES.split())
"""The 27 member states of the European Union, where 112 reaches the emergency services."""

ALIASES = {"UK": "GB"}
"""Codes people use that ISO spells otherwise."""

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
"""Where the locale comes from, in the order POSIX gives them: the first that is set wins."""


def country_code(given: str) -> str | None:
    """The ISO code for what someone typed (any case; UK for GB), or None if it is none."""
    code = given.strip().upper()
    code = ALIASES.get(code, code)
    return code if code in ISO_3166 else None


def locale_country(environ: Mapping[str, str]) -> str | None:
    """The region of the locale (en_CA.UTF-8 -> CA), from the first of LC_ALL, LC_MESSAGES
    and LANG that is set; None for C, POSIX, or a locale without a region."""
    value = next((environ[name] for name in LOCALE_VARIABLES if environ.get(name)), "")
    language = re.split(r"[.@]", value, maxsplit=1)[0]
    _, underscore, region = language.partition("_")
    if not underscore or len(region) != 2:
        return None
    return country_code(region)
