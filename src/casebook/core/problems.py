"""Problems found in input files, and how they are reported.

Every check in the engine returns :class:`Problem` values instead of raising or
printing, so that one run reports everything that is wrong, compiler-style.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in one file."""

    path: str
    line: int
    code: str
    message: str
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format_text(self) -> str:
        kind = "" if self.is_error else "warning: "
        return f"{safe_path(self.path)}:{self.line}: {self.code} {kind}{safe_text(self.message, MAX_MESSAGE)}"


def error(path: str, line: int, code: str, message: str) -> Problem:
    return Problem(path, max(line, 1), code, message, Severity.ERROR)


def warning(path: str, line: int, code: str, message: str) -> Problem:
    return Problem(path, max(line, 1), code, message, Severity.WARNING)


_INVISIBLE = ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn")

#: Messages longer than this (they may echo a whole front-matter value) are cut short in logs.
MAX_MESSAGE = 500


def safe_text(text: str, limit: int | None = None) -> str:
    """Make contributor text safe to print on one line of a terminal or CI log.

    Control characters (newlines, ESC, NUL, bidi overrides...) are shown as
    ``\\xNN``/``\\uNNNN`` escapes, so a message can neither start a new log line
    (and forge a workflow command) nor send terminal escape sequences.
    """
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    out = []
    for ch in text:
        if ch == "\t":
            out.append("\\t")
        elif unicodedata.category(ch) in _INVISIBLE:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


def safe_path(path: str) -> str:
    """A file name made safe like :func:`safe_text`, and never read as a workflow command.

    The Actions runner treats any output line whose trimmed text starts with ``::`` or
    ``##[`` as a command; a line of ours starts with the path, so the path never may.
    """
    text = safe_text(path)
    if not text[:1].isalnum() and not text.startswith(("./", "/")):
        text = "./" + text
    return text


def _github_escape_data(text: str, limit: int | None = None) -> str:
    # GitHub's own escaping for workflow command data (actions/toolkit).
    return safe_text(text, limit).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_escape_property(text: str) -> str:
    return _github_escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problem: Problem, *, failing: bool | None = None) -> str:
    """A GitHub Actions annotation (``::error file=...,line=...::message``).

    ``failing`` says whether the problem fails the check (default: if it is an error). A warning that fails it (outside
    a draft, where the site's strict build fails on it) is annotated as an error, saying why.
    """
    level = problem.severity.value if failing is None or failing == problem.is_error else \
        "error" if failing else "warning"
    message = problem.message
    if failing and not problem.is_error:
        message = safe_text(message, MAX_MESSAGE) + " (a warning outside a draft: the site's strict build fails on it)"
    return (
        f"::{level} file={_github_escape_property(problem.path)},"
        f"line={problem.line},title={_github_escape_property(problem.code)}::"
        f"{_github_escape_data(message, MAX_MESSAGE + 100)}"
    )


def format_json(problems: Iterable[Problem]) -> str:
    """A JSON array of problems; invisible and control characters are written as ``\\uXXXX`` escapes."""
    rows = []
    for p in problems:
        row = asdict(p)
        row["severity"] = p.severity.value
        rows.append(row)
    text = json.dumps(rows, indent=2, ensure_ascii=False)
    # Outside strings the JSON text holds only newlines and spaces, so this escapes string content only.
    return "".join(
        json.dumps(ch)[1:-1] if ch not in "\n " and unicodedata.category(ch) in _INVISIBLE else ch for ch in text
    )


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.path, p.line, p.code, p.message))
