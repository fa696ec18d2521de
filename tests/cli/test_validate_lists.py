"""``casebook validate`` on a list written as one text (E103): the fix it suggests keeps every value written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support import casebook, make_site

CASE = "cases/no-coordination-minister.md"


def with_line(site: Path, line: str) -> None:
    """The fixture's published profile with the front-matter field of ``line``'s key (and its indented lines)
    replaced by ``line``."""
    key = line.split(":", 1)[0]
    path = site / CASE
    text, count = re.subn(rf"^{re.escape(key)}:.*(?:\n .*)*", line, path.read_text(encoding="utf-8"), count=1,
                          flags=re.M)
    assert count == 1, key
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("line", "says", "fix"), [
    ('policy_areas: "health, education"', '(write ["health", "education"])', '["health", "education"]'),
    ('mechanisms: "network, one-stop-shop"', '(write ["network", "one-stop-shop"])', '["network", "one-stop-shop"]'),
    ('authors: "Ann Smith and Bob Jones"', '(write ["Ann Smith", "Bob Jones"])', '["Ann Smith", "Bob Jones"]'),
    ('authors: "Ann Smith; Bob Jones, Carl Berg, and Dee Lund"',
     '(write ["Ann Smith", "Bob Jones", "Carl Berg", "Dee Lund"])',
     '["Ann Smith", "Bob Jones", "Carl Berg", "Dee Lund"]'),
    ('authors: "Smith, Ann"', '(write ["Smith, Ann"])', '["Smith, Ann"]'),  # one name, surname first
    ('countries: "Norway; Swden"', '(write ["NO", "SE"])', '["NO", "SE"]'),  # each item is matched
    ('policy_areas: "helth; education"', '(write ["health", "education"])', '["health", "education"]'),
    ('countries: "Norway, NO"', '(write ["NO"])', '["NO"]'),  # one country twice
])
def test_each_item_of_a_list_written_as_text_is_kept_and_the_fix_passes(
    tmp_path: Path, line: str, says: str, fix: str,
) -> None:
    site = make_site(tmp_path / "s")
    key = line.split(":", 1)[0]
    with_line(site, line)
    result = casebook("validate", CASE, cwd=site)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{CASE}:{result.stdout.split(':')[1]}: E103 {key} must be a list, "
                                          f"not text {says}"], result.stdout
    with_line(site, f"{key}: {fix}")
    fixed = casebook("validate", CASE, cwd=site)
    assert fixed.returncode == 0, fixed.stdout
    assert "1 file(s) checked: 0 error(s), 0 warning(s)" in fixed.stderr


@pytest.mark.parametrize(("line", "says"), [
    ('mechanisms: "network, zzzz-qqqq"', "'zzzz-qqqq' is not a mechanism id"),
    ('countries: "Norway; Narnia, Atlantis"', "'Narnia' and 'Atlantis' are not country codes"),
    ('policy_areas: "health, qqqq-zzzz"', "'qqqq-zzzz' is not a policy area id"),
    ('authors: "Ann Smith and B"', "'B' is not a name of at least two characters"),
    ('organisations: "Aetat, NAV"', "'Aetat, NAV' is not a valid item"),  # no list of words: not split
])
def test_an_item_that_cannot_be_matched_is_named_and_no_list_drops_it(tmp_path: Path, line: str, says: str) -> None:
    site = make_site(tmp_path / "s")
    with_line(site, line)
    result = casebook("validate", CASE, cwd=site)
    assert result.returncode == 1
    (message,) = [m for m in result.stdout.splitlines() if "E103" in m]
    assert message.endswith(f"(write a list in square brackets; {says})"), message
    assert '["' not in message  # no list that would leave a value out
