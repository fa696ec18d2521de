"""The pipeline shared by the ``casebook`` command and the MkDocs plugin: load everything, validate everything."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .loader import check_given_path, discover, read_case_file
from .model import Case
from .problems import Problem, sort_problems
from .taxonomy import Taxonomy, load_taxonomy
from .validate import check_collection, validate_document


@dataclass
class Settings:
    """Where a project keeps its content, relative to ``root``."""

    root: Path
    cases_dir: str = "cases"
    taxonomy_dir: str = "taxonomy"
    bibliography: str = "bibliography.bib"
    briefs_dir: str = "briefs"


@dataclass
class Catalogue:
    settings: Settings
    taxonomy: Taxonomy
    cases: list[Case] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def published(self) -> list[Case]:
        return [c for c in self.cases if not c.is_draft]


def load_catalogue(settings: Settings, paths: list[Path] | None = None) -> Catalogue:
    """Read and validate every case (or only ``paths``); problems are collected, never raised."""
    taxonomy, problems = load_taxonomy(settings.root / settings.taxonomy_dir)
    catalogue = Catalogue(settings=settings, taxonomy=taxonomy)
    targets: list[tuple[Path, str]] = []
    if paths is None:
        files, found = discover(settings.root, settings.cases_dir)
        problems += found
        targets = [(f, f"{settings.cases_dir}/{f.name}") for f in files]
    else:
        for path in paths:
            display, problem = check_given_path(path, settings.root, settings.cases_dir)
            if problem is not None:
                problems.append(problem)
            else:
                targets.append((path, display))
    for path, display in targets:
        doc = read_case_file(path, display)
        case, found = validate_document(doc, path.stem, taxonomy)
        problems += found
        if case is not None:
            catalogue.cases.append(case)
    clashes = check_collection(catalogue.cases)
    problems += clashes
    rejected = {p.path for p in clashes}
    catalogue.cases = [c for c in catalogue.cases if c.path not in rejected]
    catalogue.cases.sort(key=lambda c: c.slug)
    catalogue.problems = sort_problems(problems)
    return catalogue
