"""Citations against the bibliography: keys cited but not defined, and entries nothing cites."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from casebook.bibliography.database import Bibliography
from casebook.core.ids import key_problem
from casebook.core.problems import Problem, error, warning
from casebook.core.taxonomy import suggest

#: An entry nothing cites: a warning from ``casebook validate --uncited``; in the build, information unless the
#: plugin's ``uncited: warn`` is set. The project's bibliography keeps its sources' reference lists whole.
UNCITED = "W301"


def check_citations(bib: Bibliography, cited: Mapping[str, list[Any]], *, uncited: bool = True) -> list[Problem]:
    """Unknown keys (errors, with "did you mean" and a valid key) and, if ``uncited``, entries nothing cites
    (warnings).

    ``cited`` maps a file (as shown in messages) to its citations, objects with ``key`` and ``line``.
    """
    problems: list[Problem] = []
    known = bib.keys
    if bib.data is None:
        return problems
    # A key the site refuses (E306) is never offered: the citation would fail again once the entry is renamed.
    valid = [key for key in known if key_problem(key) is None]
    used: set[str] = set()
    hints: dict[str, str] = {}  # one suggestion per unknown key, however often it is cited
    for path in sorted(cited):
        for citation in cited[path]:
            if citation.key in bib.lines:
                used.add(citation.key)
            else:
                if citation.key not in hints:
                    hints[citation.key] = suggest(citation.key, valid)
                problems.append(error(
                    path, citation.line, "E305",
                    f"unknown citation key '{citation.key}': not in {bib.path}" + hints[citation.key],
                ))
    if uncited:
        for key in known:
            if key not in used:
                problems.append(warning(
                    bib.path, bib.line_of(key), UNCITED,
                    f"entry '{key}' is not cited by any case, brief or page",
                ))
    return problems
