"""The pipeline shared by the ``casebook`` command and the MkDocs plugin: load everything, validate everything."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .bibliography import Bibliography, check_citations, load_bibliography
from .citations import Citation, scan_citations
from .frontmatter import read_document
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
    docs_dir: str = "docs"


@dataclass
class Catalogue:
    settings: Settings
    taxonomy: Taxonomy
    cases: list[Case] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: ``bibliography.bib`` when the project has one.
    bibliography: Bibliography | None = None
    #: Citations per file as shown in messages ("cases/x.md", "briefs/y.md", "docs/about/index.md").
    citations: dict[str, list[Citation]] = field(default_factory=dict)
    #: The title of each citing file, for "Cited by" links.
    titles: dict[str, str] = field(default_factory=dict)

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
    problems += _check_bibliography(catalogue, whole_project=paths is None)
    catalogue.problems = sort_problems(problems)
    return catalogue


def case_citations(case: Case) -> list[Citation]:
    """A case's citations: inline ones with their lines, then front-matter ``references``."""
    found = scan_citations(case.body, case.body_line)
    found += [Citation(str(key), case.line_of("references", i)) for i, key in enumerate(case.references)]
    return found


def document_citations(path: Path, display: str) -> tuple[list[Citation], str | None]:
    """Citations in any Markdown file (a brief, a hand-written page), and its title if it has one."""
    try:
        data = path.read_bytes()
    except OSError:
        return [], None
    if data.startswith(b"---"):
        doc = read_document(data, display)
        if doc.problems:
            return [], None
        refs = doc.meta.get("references")
        found = scan_citations(doc.body, doc.body_line)
        if isinstance(refs, list):
            found += [
                Citation(k, doc.line_of(("references", i))) for i, k in enumerate(refs) if isinstance(k, str)
            ]
        title = doc.meta.get("title")
        return found, title if isinstance(title, str) else None
    text = data.decode("utf-8", errors="replace")
    title = next((line[2:].strip() for line in text.split("\n") if line.startswith("# ")), None)
    return scan_citations(text, 1), title


def _check_bibliography(catalogue: Catalogue, *, whole_project: bool) -> list[Problem]:
    settings = catalogue.settings
    bib_path = settings.root / settings.bibliography
    for case in catalogue.cases:
        catalogue.citations[case.path] = case_citations(case)
        catalogue.titles[case.path] = case.title
    if whole_project:
        for folder in (settings.briefs_dir, settings.docs_dir):
            base = settings.root / folder
            if not base.is_dir():
                continue
            for path in sorted(base.rglob("*.md")):
                if path.is_symlink() or not path.is_file():
                    continue
                display = path.relative_to(settings.root).as_posix()
                found, title = document_citations(path, display)
                if found:
                    catalogue.citations[display] = found
                    catalogue.titles[display] = title or display
    if not bib_path.is_file():
        return []
    bib = load_bibliography(bib_path, settings.bibliography)
    catalogue.bibliography = bib
    return list(bib.problems) + check_citations(bib, catalogue.citations, uncited=whole_project)
