"""Messages for names, dates and years: they say what the field expects, and a fix they offer passes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from casebook.catalogue import Settings, load_catalogue
from casebook.core.countries import country_hint, guess_country
from casebook.core.problems import Problem
from casebook.core.schemamessages import date_fix
from support import FIXTURES, make_site

CASE = "no-coordination-minister.md"
BASE = (FIXTURES / "site" / "cases" / CASE).read_text(encoding="utf-8")


def problems_with(tmp_path: Path, line: str) -> list[Problem]:
    """The problems of the fixture's published profile with the front-matter line of ``line``'s key replaced."""
    key = line.split(":", 1)[0]
    text, count = re.subn(rf"^{re.escape(key)}:.*$", line, BASE, count=1, flags=re.M)
    assert count == 1, key
    site = tmp_path / "s"
    if not site.exists():
        make_site(site)
    (site / "cases" / CASE).write_text(text, encoding="utf-8")
    return [p for p in load_catalogue(Settings(root=site)).problems if p.path == f"cases/{CASE}"]


def fixes(message: str) -> list[str]:
    """Every value a message tells the contributor to write."""
    if "write" not in message:
        return []
    tail = message[message.index("write"):]
    return re.findall(r'\[[^\]]*\]|"[0-9]{4}-[0-9]{2}-[0-9]{2}"', tail) + re.findall(r"write ([0-9]{4})\b", tail)


@pytest.mark.parametrize(("value", "code"), [
    ("Norway", "NO"), ("norway", "NO"), ("NOR", "NO"), ("nor", "NO"), ("no", "NO"), ("Norge", "NO"), ("UK", "GB"),
    ("United Kingdom", "GB"), ("England", "GB"), ("EL", "GR"), ("Holland", "NL"), ("México", "MX"),
    ("Guatamala", "GT"), ("U.S.A.", "US"), ("DEU", "DE"), ("Czech Republic", "CZ"),
])
def test_a_country_name_alpha3_code_or_alias_is_answered_with_its_code(value: str, code: str) -> None:
    assert guess_country(value) == code
    assert country_hint(value).startswith(f" (did you mean '{code}'?")


@pytest.mark.parametrize("value", ["Narnia", "XX", "Europe", "EU", "Nordic", "", "N" * 500])
def test_a_word_that_is_no_country_gets_no_guess(value: str) -> None:
    assert guess_country(value) is None
    assert "did you mean" not in country_hint(value) and "'casebook vocab countries'" in country_hint(value)


@pytest.mark.parametrize(("line", "code", "says"), [
    ('countries: ["Norway"]', "E106", "unknown country code 'Norway' (did you mean 'NO'?"),
    ('countries: ["NOR"]', "E106", "unknown country code 'NOR' (did you mean 'NO'?"),
    ('countries: ["UK"]', "E106", "unknown country code 'UK' (did you mean 'GB'?"),
    ('countries: ["no"]', "E106", "(did you mean 'NO'? Codes are written in capitals)"),
    ('countries: "Norway"', "E103", 'countries must be a list, not text (write ["NO"])'),
    ('countries: "NO"', "E103", 'countries must be a list, not text (write ["NO"])'),
    ('mechanisms: "one-stop"', "E103", 'mechanisms must be a list, not text (write ["one-stop-shop"])'),
    ('policy_areas: "helth"', "E103", 'policy_areas must be a list, not text (write ["health"])'),
    ('authors: "Test Author"', "E103", 'authors must be a list, not text (write ["Test Author"])'),
    ('updated: "07/13/2026"', "E103", "updated: '07/13/2026' is not a date in the form \"YYYY-MM-DD\" "
                                      '(write "2026-07-13")'),
    ('updated: "13.07.2026"', "E103", '(write "2026-07-13")'),
    ('updated: "2026/7/3"', "E103", '(write "2026-07-03")'),
    ('updated: "07/12/2026"', "E103", 'write the year first: "2026-12-07" for 7 December 2026 or "2026-07-12" for '
                                      "12 July 2026"),
    ("updated: 20260712", "E103", 'updated must be a date in double quotes, in the form "YYYY-MM-DD", not a number'),
    ('updated: "7 December 2026"', "E103", '(write "2026-12-07")'),
    ('updated: "July 2026"', "E103", 'is not a date in the form "YYYY-MM-DD" (for example "2026-03-01"'),
    ("  start: 2006-07-01", "E103", "period.start must be a four-digit year, not '2006-07-01': write 2006"),
    ('  start: "2006"', "E103", "period.start must be a year written without quotes: write 2006"),
    ("  start: 06", "E103", "period.start must be a four-digit year such as 2006, not '06'"),
    ("  start: 206", "E103", "period.start: 206 is not a plausible year (a four-digit year from 1800 to 2100)"),
])
def test_the_message_names_the_expected_form_and_its_fix_passes(
    tmp_path: Path, line: str, code: str, says: str,
) -> None:
    found = [p for p in problems_with(tmp_path, line) if p.is_error]
    assert len(found) == 1, found
    problem = found[0]
    assert problem.code == code and says in problem.message, problem.message
    # A value the user wrote without quotes is never told to drop its quotes.
    if '"' not in line.split(":", 1)[1]:
        assert "quotes" not in problem.message.replace("in double quotes", "")
    key = line.split(":", 1)[0]
    for fix in fixes(problem.message):
        fixed = [p for p in problems_with(tmp_path, f"{key}: {fix}") if p.is_error or p.code == "W202"]
        assert fixed == [], (fix, fixed)


@pytest.mark.parametrize("line", ['countries: "Narnia"', 'authors: "x"', 'mechanisms: "zzzz-qqqq"'])
def test_no_fix_is_offered_when_none_would_pass(tmp_path: Path, line: str) -> None:
    found = [p for p in problems_with(tmp_path, line) if p.code == "E103"]
    assert len(found) == 1
    assert fixes(found[0].message) == [], found[0].message
    assert "square brackets" in found[0].message


def test_date_fix_reads_only_what_is_certain() -> None:
    assert date_fix("2026-7-3") == 'write "2026-07-03"'
    assert date_fix("31/12/2026") == 'write "2026-12-31"'
    assert date_fix("12/31/2026") == 'write "2026-12-31"'
    assert date_fix("05/05/2026") == 'write "2026-05-05"'  # both readings are the same day
    assert date_fix("31/02/2026").startswith("for example")  # no such day either way
    assert date_fix("next week").startswith("for example")
    assert date_fix("1 March 2026") == date_fix("March 1, 2026") == date_fix("1. Mar 2026") == 'write "2026-03-01"'
    assert date_fix("3 Foo 2026").startswith("for example")  # not a month
    assert date_fix("Ma 1 2026").startswith("for example")  # March or May
    for text in ("07/12/2026", "1.2.2020"):
        readings = re.findall(r'"([0-9-]+)"', date_fix(text))
        assert len(readings) == 2 and all(json.loads(f'"{r}"') for r in readings)
