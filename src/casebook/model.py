"""The catalogue's data model: a case study as read from ``cases/<slug>.md``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .frontmatter import Path as KeyPath
from .problems import Problem


@dataclass
class Case:
    """A case file whose front-matter passed validation (``problems`` holds warnings only)."""

    slug: str
    path: str  # as shown in messages and edit links, e.g. "cases/mx-oportunidades.md"
    meta: dict[str, Any]
    body: str
    body_line: int = 1
    lines: dict[KeyPath, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(self.meta["title"])

    @property
    def summary(self) -> str:
        return str(self.meta["summary"])

    @property
    def type(self) -> str:
        return str(self.meta["type"])

    @property
    def status(self) -> str:
        return str(self.meta["status"])

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

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
    def authors(self) -> list[str]:
        return list(self.meta["authors"])

    @property
    def references(self) -> list[str]:
        return list(self.meta.get("references") or [])

    @property
    def lessons(self) -> list[str]:
        return list(self.meta.get("lessons") or [])

    @property
    def updated(self) -> str | None:
        value = self.meta.get("updated")
        return str(value) if value is not None else None

    @property
    def url(self) -> str:
        return f"cases/{self.slug}/"

    def line_of(self, *path: str | int) -> int:
        key: KeyPath = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return 1


@dataclass
class Brief:
    """A policy brief from ``briefs/<slug>.md`` whose front-matter passed validation."""

    slug: str
    path: str  # as shown in messages and edit links, e.g. "briefs/coordinating-social-programmes.md"
    meta: dict[str, Any]
    body: str
    body_line: int = 1
    lines: dict[KeyPath, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(self.meta["title"])

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
    def audience(self) -> list[str]:
        return list(self.meta["audience"])

    @property
    def cases(self) -> list[str]:
        return list(self.meta["cases"])

    @property
    def key_messages(self) -> list[str]:
        return list(self.meta["key_messages"])

    @property
    def authors(self) -> list[str]:
        return list(self.meta["authors"])

    @property
    def date(self) -> str:
        return str(self.meta["date"])

    @property
    def references(self) -> list[str]:
        return list(self.meta.get("references") or [])

    @property
    def url(self) -> str:
        return f"briefs/{self.slug}/"
