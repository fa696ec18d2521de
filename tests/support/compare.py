"""A synthetic corpus for the comparison view and "Cite this selection": the fixture site's cases, the readers'
extra cases, a case with a hostile title, and cases that share organisations and sources, with values a
spreadsheet would run as formulas and a title that is hostile to BibTeX. Every case here is made up for tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support import make_site
from support.content import CASES, synthetic
from support.readers import EXTRA_CASES

#: Cited by two of the cases below: one source in common, one not.
BIB = (
    "@book{doe2020, title={A Book on Pooled Budgets}, author={Doe, Jane}, year={2020}}\n"
    "@article{roe2019, title={An Article}, author={Roe, Richard}, journal={Synthetic Journal}, year={2019}}\n"
)

#: A title that is hostile to HTML, to BibTeX (braces, a backslash, a quote) and to spreadsheets (``;=``).
FORMULA_TITLE = 'Budget pooling;=2*21;in Norway {with} braces, \\emph{x} and "quotes"'

COMPARE_CASES: dict[str, str] = {
    **EXTRA_CASES,
    "se-hostile-title.md": CASES["se-hostile-title.md"],
    "no-formula-values.md": synthetic(
        FORMULA_TITLE, ["NO"], ["one-stop-shop", "coordination-post"], ["employment-services"], 2010,
        summary='Synthetic fixture: =HYPERLINK("http://evil.example","x") then\t+1+1 and; -2+3.',
        author="Bo Berg;=4*5",
        lessons=["=1+1 first", "ok; - fine", "<img src=x onerror=alert(3)> lesson"],
        organisations=[
            {"name": "Agentur für Arbeit", "acronym": "BA", "role": "Synthetic role shared with the German case"},
            {"name": "@SUM(1)", "role": "=cmd|' /C calc'!A0"},
        ],
        references=["doe2020", "roe2019"],
        coordination={"direction": ["vertical"], "modes": ["network"], "levels": ["national"]},
        updated="2026-04-01",
    ),
    "dk-shared-source.md": synthetic(
        "A synthetic job-centre merger", ["DK"], ["one-stop-shop"], ["employment-services"], 2007,
        lessons=["Synthetic lesson: merge the front offices first."],
        organisations=[{"name": "Agentur für Arbeit", "acronym": "BA", "role": "Synthetic role"}],
        references=["doe2020"],
        coordination={"direction": ["vertical"], "modes": ["hierarchy"], "levels": ["national", "local"]},
    ),
}



def compare_site(dest: Path) -> Path:
    """The fixture site with :data:`COMPARE_CASES` and :data:`BIB`, not yet built."""
    site = make_site(dest, COMPARE_CASES)
    (site / "bibliography.bib").write_text(BIB, encoding="utf-8")
    return site


def serious_violations(page: Any) -> list[tuple[str, str, list[Any]]]:
    """axe-core's serious and critical violations on ``page`` (axe-core comes with axe-playwright-python)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        (v["id"], v["impact"], [(n["target"], n.get("failureSummary", "")[:160]) for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
