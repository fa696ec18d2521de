"""Countries as contributors write them: the ISO 3166-1 alpha-2 code a name, an alpha-3 code or an alias stands for.

Cases name countries by their two-letter code (``NO``), but a newcomer writes ``Norway``, ``NOR``, ``UK`` or
``Norge``. Such a value is still refused; this module finds the code it stands for, so that the message can say
"did you mean 'NO'?". Names come from pycountry (``name``, ``official_name``, ``common_name``) and a short list of
aliases it does not have (the EU's ``UK`` and ``EL``, English short names, the countries' own names for themselves),
compared without case or accents.
"""

from __future__ import annotations

from functools import cache

import pycountry

from casebook.core.ids import ascii_fold
from casebook.core.taxonomy import closest, country_codes, country_name

#: Names and codes pycountry does not know, written folded (see :func:`_fold`), with the code each stands for.
ALIASES = {
    "uk": "GB", "united kingdom": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "el": "GR", "hellas": "GR", "ellada": "GR", "holland": "NL",
    "the netherlands": "NL", "nederland": "NL", "usa": "US", "united states": "US", "america": "US",
    "russia": "RU", "turkey": "TR", "deutschland": "DE", "norge": "NO", "noreg": "NO", "sverige": "SE",
    "danmark": "DK", "suomi": "FI", "espana": "ES", "italia": "IT", "osterreich": "AT", "schweiz": "CH",
    "suisse": "CH", "svizzera": "CH", "belgie": "BE", "belgique": "BE", "magyarorszag": "HU", "eesti": "EE",
    "latvija": "LV", "lietuva": "LT", "polska": "PL", "cesko": "CZ", "czech republic": "CZ", "slovensko": "SK",
    "slovenija": "SI", "hrvatska": "HR", "eire": "IE", "ireland": "IE", "island": "IS", "brasil": "BR",
    "ivory coast": "CI", "macedonia": "MK", "burma": "MM", "swaziland": "SZ", "cape verde": "CV",
    "north korea": "KP", "south korea": "KR", "korea": "KR", "vatican": "VA", "laos": "LA", "syria": "SY",
}


def _fold(text: str) -> str:
    """``text`` compared as a name: ASCII, lower case, one space between words, no dots (``U.S.A.`` is ``usa``)."""
    return " ".join(ascii_fold(text).casefold().replace(".", "").split())


@cache
def _names() -> dict[str, str]:
    """Every folded name and alpha-3 code of a country, with its alpha-2 code; the aliases last, so names win."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        code = str(country.alpha_2)
        names[_fold(str(country.alpha_3))] = code
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                names.setdefault(_fold(str(value)), code)
    for alias, code in ALIASES.items():
        names.setdefault(alias, code)
    return names


def guess_country(value: str) -> str | None:
    """The alpha-2 code ``value`` stands for (a code in any case, a name, an alpha-3 code, an alias), or ``None``.

    A name misspelled by a letter or two (``Norwya``) is found too; a word that resembles no country is not.
    """
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        return None
    codes = country_codes()
    if value.strip().upper() in codes and len(value.strip()) == 2:
        return value.strip().upper()
    folded = _fold(value)
    names = _names()
    if folded in names:
        return names[folded]
    if len(folded) < 4:  # a short code that is not one: any guess would be noise
        return None
    near = closest(folded, [name for name in names if len(name) > 3], 0.8)
    return names[near] if near is not None else None


def country_hint(value: str) -> str:
    """A ' (did you mean 'NO', Norway? ...)' suffix for an unknown country code, or ''."""
    code = guess_country(value)
    if code is None:
        return " (write the two-letter ISO 3166-1 code, e.g. 'MX' for Mexico; 'casebook vocab countries' lists them)"
    if code == value.upper():
        return f" (did you mean '{code}'? Codes are written in capitals)"
    name = country_name(code)
    return f" (did you mean '{code}'? Countries are written as two-letter ISO 3166-1 codes: '{code}' is {name})"
