"""Policy briefs: checking ``briefs/<slug>.md`` against the brief schema and the catalogue's cases."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from casebook.core.frontmatter import Document
from casebook.core.linkcheck import BodyLinks
from casebook.core.markdownsetup import MarkdownSetup
from casebook.core.model import Brief, Case
from casebook.core.problems import Problem, error, warning
from casebook.core.taxonomy import suggest
from casebook.core.validate import PLACEHOLDER, accepted, date_problems, markup_problems, schema_problems


def _case_problems(
    doc: Document, cases: Mapping[str, Case], case_files: Collection[str], cases_dir: str
) -> list[Problem]:
    """Each slug under ``cases`` names a case that exists, is valid and, for a published brief, is published."""
    values = doc.meta.get("cases")
    if isinstance(values, str):  # E103 asks for a list; the slug is checked all the same
        values = [values]
    if not isinstance(values, list):
        return []
    problems: list[Problem] = []
    published = doc.meta.get("status") == "published"
    for i, slug in enumerate(values):
        if not isinstance(slug, str):
            continue  # the schema reports it
        line = doc.line_of(("cases", i))
        case = cases.get(slug)
        if case is None and slug in case_files:
            problems.append(
                error(doc.path, line, "E132", f"case '{slug}' ({cases_dir}/{slug}.md) has errors; fix them first")
            )
        elif case is None:
            hint = suggest(slug, sorted(set(case_files) | set(cases)))
            problems.append(error(doc.path, line, "E130", f"unknown case '{slug}'{hint}"))
        elif case.is_draft and published:
            problems.append(
                error(
                    doc.path, line, "E131",
                    f"case '{slug}' is a draft; a published brief can only draw on published cases",
                )
            )
    return problems


def _placeholder_problems(doc: Document) -> list[Problem]:
    problems: list[Problem] = []
    for index, line in enumerate(doc.body.split("\n")):
        if PLACEHOLDER in line:
            problems.append(warning(doc.path, doc.body_line + index, "W202", "placeholder left to fill in"))
    for key, value in doc.meta.items():
        texts = value if isinstance(value, list) else [value]
        for i, item in enumerate(texts):
            if isinstance(item, str) and PLACEHOLDER in item:
                path = (key, i) if isinstance(value, list) else (key,)
                problems.append(warning(doc.path, doc.line_of(path), "W202", f"placeholder left to fill in '{key}'"))
    return problems


def validate_brief(
    doc: Document,
    slug: str,
    cases: Mapping[str, Case],
    case_files: Collection[str],
    cases_dir: str = "cases",
    setup: MarkdownSetup | None = None,
    links: dict[str, BodyLinks] | None = None,
) -> tuple[Brief | None, list[Problem]]:
    """Check one parsed brief; ``cases`` are the valid cases by slug, ``case_files`` every case file's slug.

    A :class:`Brief` is returned only when there are no errors.
    """
    if doc.problems:
        return None, list(doc.problems)
    known = {"cases": {*case_files, *cases}}
    problems = schema_problems(doc, "brief", checked_elsewhere=("cases",), vocabularies=known)
    problems += date_problems(doc, "date")
    problems += _case_problems(doc, cases, case_files, cases_dir) + _placeholder_problems(doc)
    problems += markup_problems(doc, setup, links)
    return accepted(Brief, doc, slug, problems)


def newest_first(briefs: list[Brief]) -> list[Brief]:
    """Briefs by date, newest first; briefs of the same date by slug."""
    by_slug = sorted(briefs, key=lambda b: b.slug)
    return sorted(by_slug, key=lambda b: b.date, reverse=True)
