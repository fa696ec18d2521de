"""The catalogue's data model: case studies from ``cases/<slug>.md`` and policy briefs from ``briefs/<slug>.md``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from casebook.core.frontmatter import KeyPath
from casebook.core.problems import Problem


@dataclass
class Record:
    """A content file whose front-matter passed validation (``problems`` holds warnings only)."""

    slug: str
    path: str  # as shown in messages and edit links, e.g. "cases/mx-oportunidades.md"
    meta: dict[str, Any]
    body: str
    body_line: int = 1
    lines: dict[KeyPath, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    #: The site folder the record's page lives in.
    section = ""

    @property
    def title(self) -> str:
        return str(self.meta["title"])

    @property
    def lede(self) -> str:
        """The summary's first sentence, for short listings (see :func:`first_sentence`)."""
        return first_sentence(self.summary)

    @property
    def summary(self) -> str:
        return str(self.meta["summary"])

    @property
    def status(self) -> str:
        return str(self.meta["status"])

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def authors(self) -> list[str]:
        return list(self.meta["authors"])

    @property
    def references(self) -> list[str]:
        return list(self.meta.get("references") or [])

    @property
    def url(self) -> str:
        return f"{self.section}/{self.slug}/"

    def line_of(self, *path: str | int) -> int:
        key: KeyPath = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return 1


@dataclass
class Case(Record):
    """A case study of a coordination practice."""

    section = "cases"

    @property
    def type(self) -> str:
        return str(self.meta["type"])

    @property
    def countries(self) -> list[str]:
        return list(self.meta["countries"])

    @property
    def policy_areas(self) -> list[str]:
        return list(self.meta["policy_areas"])

    @property
    def mechanisms(self) -> list[str]:
        return list(self.meta["mechanisms"])

    @property
    def coordination(self) -> dict[str, list[str]]:
        return dict(self.meta.get("coordination") or {})

    @property
    def start(self) -> int:
        return int(self.meta["period"]["start"])

    @property
    def end(self) -> int | None:
        end = self.meta["period"].get("end")
        return int(end) if end is not None else None

    @property
    def period_label(self) -> str:
        return f"{self.start}–{self.end}" if self.end is not None else f"{self.start}–present"

    @property
    def organisations(self) -> list[dict[str, str]]:
        return list(self.meta.get("organisations") or [])

    @property
    def updated(self) -> str | None:
        value = self.meta.get("updated")
        return str(value) if value is not None else None

    @property
    def lessons(self) -> list[str]:
        return [str(lesson) for lesson in self.meta.get("lessons") or []]


def organisation_name(org: dict[str, str]) -> str:
    """An organisation as readers see it: ``name (acronym)``, or the name alone when the acronym adds nothing
    (none given, or the same as the name, as with "Aetat")."""
    name = org["name"]
    acronym = (org.get("acronym") or "").strip()
    if not acronym or acronym.casefold() == name.strip().casefold():
        return name
    return f"{name} ({acronym})"


@dataclass
class Brief(Record):
    """A policy brief that draws on cases."""

    section = "briefs"

    @property
    def audience(self) -> list[str]:
        return list(self.meta["audience"])

    @property
    def cases(self) -> list[str]:
        return list(self.meta["cases"])

    @property
    def key_messages(self) -> list[str]:
        return list(self.meta["key_messages"])

    @property
    def date(self) -> str:
        return str(self.meta["date"])


def first_sentence(summary: str, limit: int = 240) -> str:
    """The summary's first sentence (for short listings), or the whole summary if that is short already.

    A sentence ends at ". " followed by a capital letter; a first sentence over ``limit`` characters is cut at
    a word and ends with "…".
    """
    ends = (i + 1 for i in range(len(summary) - 2) if summary[i:i + 2] == ". " and summary[i + 2].isupper())
    end = next(ends, len(summary))
    sentence = summary[:end]
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
