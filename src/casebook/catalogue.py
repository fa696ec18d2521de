"""The pipeline shared by the ``casebook`` command and the MkDocs plugin: load everything, validate everything."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from casebook.bibliography import UNCITED, Bibliography, check_citations, load_bibliography
from casebook.citations.inline import Citation, CitationExtension, scan_citations
from casebook.core.briefs import validate_brief
from casebook.core.frontmatter import Document, read_document
from casebook.core.linkcheck import BodyLinks, LinkLevels
from casebook.core.loader import check_given_path, discover, path_problem, read_case_file, read_regular_file, walk_files
from casebook.core.markdownsetup import MarkdownSetup, named_entries, read_project_file
from casebook.core.model import Brief, Case
from casebook.core.problems import Problem, sort_problems
from casebook.core.taxonomy import Taxonomy, load_taxonomy
from casebook.core.validate import check_collection, validate_document


@dataclass
class Settings:
    """Where a project keeps its content, relative to ``root``."""

    root: Path
    cases_dir: str = "cases"
    taxonomy_dir: str = "taxonomy"
    bibliography: str = "bibliography.bib"
    briefs_dir: str = "briefs"
    docs_dir: str = "docs"
    #: The Markdown extensions the site renders with: bodies are checked as they will be parsed.
    markdown: MarkdownSetup = field(default_factory=MarkdownSetup)
    #: The plugin's ``uncited`` option: "warn" makes entries nothing cites fail the strict build.
    uncited: str = "info"
    #: ``validation:`` for links: which broken links fail the strict build.
    links: LinkLevels = field(default_factory=LinkLevels)

    @classmethod
    def of_project(cls, root: Path) -> Settings:
        """What ``root/mkdocs.yml`` sets for the site (the casebook plugin's options, ``docs_dir``, the Markdown
        extensions), read without MkDocs: the commands check the folders and the parse the build will use.

        Values of the wrong kind are left at their defaults; the build itself reports them.
        """
        data = read_project_file(root)
        if data is None:
            return cls(root=root)  # the project's defaults (MarkdownSetup's); the build reports a broken file
        options = _plugin_options(data.get("plugins"))
        texts = {name: value for name in ("cases_dir", "taxonomy_dir", "bibliography", "briefs_dir")
                 if isinstance(value := options.get(name), str) and value.strip()}
        docs = data.get("docs_dir")
        if isinstance(docs, str) and docs.strip() and not Path(docs).is_absolute():
            texts["docs_dir"] = Path(docs).as_posix()
        uncited = options.get("uncited")
        return cls(root=root, **texts, markdown=MarkdownSetup.from_list(data.get("markdown_extensions", [])),
                   uncited=uncited if uncited in ("info", "warn") else "info",
                   links=LinkLevels.from_config(data.get("validation")))


def _plugin_options(plugins: object) -> dict[str, object]:
    """The casebook plugin's options in ``mkdocs.yml``'s ``plugins`` (a list of names and one-key mappings, or a
    mapping), or none."""
    for name, options in named_entries(plugins):
        if name == "casebook":
            return options if isinstance(options, dict) else {}
    return {}


@dataclass
class Catalogue:
    settings: Settings
    taxonomy: Taxonomy
    cases: list[Case] = field(default_factory=list)
    briefs: list[Brief] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: ``bibliography.bib`` when the project has one.
    bibliography: Bibliography | None = None
    #: Citations per file as shown in messages ("cases/x.md", "briefs/y.md", "docs/about/index.md").
    citations: dict[str, list[Citation]] = field(default_factory=dict)
    #: The title of each citing file, for "Cited by" links.
    titles: dict[str, str] = field(default_factory=dict)
    #: The case and brief files whose front-matter says ``status: "draft"``, valid or not, named as in problems.
    draft_files: set[str] = field(default_factory=set)
    #: The links and images of each case and brief body that has any (files named as in problems), valid or not:
    #: ``site/sitelinks.py`` checks them against the site's pages.
    links: dict[str, BodyLinks] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def published(self) -> list[Case]:
        return [c for c in self.cases if not c.is_draft]

    @property
    def published_briefs(self) -> list[Brief]:
        return [b for b in self.briefs if not b.is_draft]

    @property
    def drafts(self) -> frozenset[str]:
        """The files of draft cases and briefs, named as in problems: a build leaves them out."""
        return frozenset(self.draft_files)

    def fails_build(self, problem: Problem) -> bool:
        """Whether ``mkdocs build --strict`` fails on ``problem``, so that ``casebook validate`` fails on it too.

        Every error does, and every warning but those of drafts (a build leaves drafts out, and the plugin reports
        their warnings as information) and W301 (information, unless the plugin's ``uncited`` option says "warn").
        """
        if problem.code == UNCITED:
            return self.settings.uncited == "warn"
        return problem.is_error or problem.path not in self.drafts


def is_bibliography(path: Path, settings: Settings) -> bool:
    """Whether ``path``, as given on the command line, is the project's bibliography file."""
    given = path.absolute()
    wanted = settings.root.absolute() / settings.bibliography
    return given == wanted or given.parent.resolve() / given.name == wanted.parent.resolve() / wanted.name


#: What ``casebook validate`` checks a path given on the command line as (:func:`path_kind`).
PathKind = Literal["project", "cases", "briefs", "case", "brief", "bibliography", "other"]


def _located(path: Path) -> Path:
    """Where ``path`` is: resolved, but a symbolic link is where it is, not what it points to."""
    given = path.absolute()
    return given.parent.resolve() / given.name if given.is_symlink() else given.resolve()


def path_kind(path: Path, settings: Settings) -> PathKind:
    """What ``path`` (given on the command line, from the current folder) is to ``casebook validate``.

    The project's folder is everything ("project"); the cases and briefs folders are their files ("cases",
    "briefs"); anything under them a case or a brief, to be checked as one (a sub-folder is refused there); the
    bibliography file is the bibliography. A path that does not exist is a case, reported as missing (E005).
    Anything else ("other": ``README.md``, ``docs/``, ``taxonomy/``) is nothing validate checks.
    """
    if is_bibliography(path, settings):
        return "bibliography"
    where = _located(path)
    root = settings.root.resolve()
    if where == root:
        return "project"
    for folder, whole, item in ((settings.cases_dir, "cases", "case"), (settings.briefs_dir, "briefs", "brief")):
        base = (root / folder).resolve()
        if where == base:
            return "cases" if whole == "cases" else "briefs"
        if where.is_relative_to(base):
            return "case" if item == "case" else "brief"
    if not path.exists() and not path.is_symlink():
        return "case"
    return "other"


def what_validate_checks(settings: Settings) -> str:
    """The files ``casebook validate`` checks, as ``mkdocs.yml`` names them, for a message."""
    return f"'{settings.cases_dir}/', '{settings.briefs_dir}/' and '{settings.bibliography}'"


def load_catalogue(settings: Settings, paths: list[Path] | None = None) -> Catalogue:
    """Read and validate every case and brief (or only ``paths``); problems are collected, never raised.

    Each given path is checked as :func:`path_kind` says: the project's folder as everything, the cases or briefs
    folder as every file in it, a path under the briefs folder as a brief, under the cases folder as a case; the
    project's bibliography file is checked with the citations of every case, brief and page (a changed entry may
    break a citation anywhere). A path of kind "other" is the caller's to refuse (``ValueError`` here).
    """
    refused = [p for p in paths or [] if path_kind(p, settings) == "other"]
    if refused:
        raise ValueError(f"not a case, brief or the bibliography: {', '.join(map(str, refused))}")
    if paths is not None and any(path_kind(p, settings) == "project" for p in paths):
        paths = None
    taxonomy, problems = load_taxonomy(settings.root / settings.taxonomy_dir, settings.root)
    # Bodies are parsed as the build parses them: with its citation processor after the site's extensions.
    setup = settings.markdown if settings.markdown.added else replace(settings.markdown, added=(CitationExtension(),))
    catalogue = Catalogue(settings=settings, taxonomy=taxonomy)
    targets: list[tuple[Path, str]] = []
    brief_targets: list[tuple[Path, str]] = []
    case_files: list[Path] = []
    every_citation = paths is None
    if paths is None:
        case_files, found = discover(settings.root, settings.cases_dir)
        problems += found
        targets = [(f, f"{settings.cases_dir}/{f.name}") for f in case_files]
        # The briefs folder is optional: a catalogue may have no briefs yet (a link named like it is refused).
        briefs = settings.root / settings.briefs_dir
        if briefs.is_dir() or briefs.is_symlink():
            brief_files, found = discover(settings.root, settings.briefs_dir)
            problems += found
            brief_targets = [(f, f"{settings.briefs_dir}/{f.name}") for f in brief_files]
    else:
        targets, brief_targets, found, every_citation = _given_targets(paths, settings)
        problems += found
    # Files whose front-matter parsed but failed validation: their citations are still checked, so that one run
    # reports every problem of a file.
    unbuilt: dict[str, list[Citation]] = {}
    cases, found = _load_cases(targets, taxonomy, unbuilt, setup, catalogue.draft_files, catalogue.links)
    problems += found
    catalogue.cases = cases
    if brief_targets:
        if paths is not None:
            # Briefs are checked against every case, even when only some files were named.
            case_files, _ = discover(settings.root, settings.cases_dir)
            known, _ = _load_cases(
                [(f, f"{settings.cases_dir}/{f.name}") for f in case_files], taxonomy, setup=setup
            )
        else:
            known = catalogue.cases
        by_slug = {c.slug: c for c in known}
        case_slugs = {f.stem for f in case_files}
        for path, display in brief_targets:
            doc = read_case_file(path, display)
            if doc.meta.get("status") == "draft":
                catalogue.draft_files.add(display)
            brief, found = validate_brief(doc, path.stem, by_slug, case_slugs, settings.cases_dir, setup,
                                          catalogue.links)
            problems += found
            if brief is not None:
                catalogue.briefs.append(brief)
            elif not doc.problems:
                unbuilt[display] = _document_citations(doc)
        clashes = check_collection(catalogue.briefs)
        problems += clashes
        rejected = {p.path for p in clashes}
        catalogue.briefs = sorted((b for b in catalogue.briefs if b.path not in rejected), key=lambda b: b.slug)
    problems += _check_bibliography(
        catalogue, whole_project=every_citation, unbuilt=unbuilt, unread=every_citation and paths is not None
    )
    catalogue.problems = sort_problems(problems)
    return catalogue


def _given_targets(
    paths: list[Path], settings: Settings,
) -> tuple[list[tuple[Path, str]], list[tuple[Path, str]], list[Problem], bool]:
    """(cases, briefs, problems, whether the bibliography was named) for the paths given, each file once."""
    cases: dict[str, Path] = {}
    briefs: dict[str, Path] = {}
    problems: list[Problem] = []
    bibliography = False
    for path in paths:
        kind = path_kind(path, settings)
        if kind == "bibliography":
            bibliography = True
        elif kind in ("cases", "briefs"):
            folder = settings.cases_dir if kind == "cases" else settings.briefs_dir
            files, found = discover(settings.root, folder)
            problems += found
            (cases if kind == "cases" else briefs).update((f"{folder}/{f.name}", f) for f in files)
        else:
            folder = settings.cases_dir if kind == "case" else settings.briefs_dir
            display, problem = check_given_path(path, settings.root, folder)
            if problem is not None:
                problems.append(problem)
            else:
                (cases if kind == "case" else briefs)[display] = path
    unique = list(dict.fromkeys(problems))
    return ([(p, d) for d, p in sorted(cases.items())], [(p, d) for d, p in sorted(briefs.items())], unique,
            bibliography)


def case_citations(item: Case | Brief) -> list[Citation]:
    """The citations of a case or brief: inline ones with their lines, then front-matter ``references``."""
    found = scan_citations(item.body, item.body_line)
    for i, key in enumerate(item.references):
        line = item.lines.get(("references", i)) or item.lines.get(("references",)) or 1
        found.append(Citation(str(key), line))
    return found


def _document_citations(doc: Document) -> list[Citation]:
    """The citations of a parsed file that failed validation (inline ones, then ``references`` given as text)."""
    found = scan_citations(doc.body, doc.body_line)
    references = doc.meta.get("references")
    if isinstance(references, str):  # E103 asks for a list; the key is checked all the same
        references = [references]
    if isinstance(references, list):
        for i, key in enumerate(references):
            if isinstance(key, str):
                found.append(Citation(key, doc.lines.get(("references", i)) or doc.lines.get(("references",)) or 1))
    return found


def document_citations(path: Path, display: str) -> tuple[list[Citation], str | None]:
    """Citations in a hand-written page under ``docs/``, and its title if it has one."""
    try:
        data = read_regular_file(path)
    except OSError:
        return [], None
    if data.startswith(b"---"):
        doc = read_document(data, display)
        if doc.problems:
            return [], None
        title = doc.meta.get("title")
        return scan_citations(doc.body, doc.body_line), title if isinstance(title, str) else None
    text = data.decode("utf-8", errors="replace")
    title = next((line[2:].strip() for line in text.split("\n") if line.startswith("# ")), None)
    return scan_citations(text, 1), title


def _check_bibliography(
    catalogue: Catalogue, *, whole_project: bool, unbuilt: dict[str, list[Citation]] | None = None,
    unread: bool = False,
) -> list[Problem]:
    """Collect every citation (cases, briefs, hand-written pages) and check it against the bibliography.

    ``unbuilt`` holds the citations of files that failed validation: checked, but kept out of
    ``catalogue.citations`` (no page of theirs is built to be "cited by"). Entries nothing cites are only reported
    when the whole project was read. With ``unread`` (only some files were named, the bibliography among them), the
    citations of the other case and brief files are read and checked too.
    """
    settings = catalogue.settings
    items: list[Case | Brief] = [*catalogue.cases, *catalogue.briefs]
    for item in items:
        catalogue.citations[item.path] = case_citations(item)
        catalogue.titles[item.path] = item.title
    problems: list[Problem] = []
    if whole_project:
        # The hand-written pages: MkDocs would follow a link in docs/ and publish what it points to.
        docs, problems = walk_files(settings.root, settings.docs_dir)
        for path in docs:
            if path.suffix != ".md":
                continue
            display = path.relative_to(settings.root).as_posix()
            found, title = document_citations(path, display)
            if found:
                catalogue.citations[display] = found
                catalogue.titles[display] = title or display
    others = _other_citations(catalogue, {**(unbuilt or {}), **catalogue.citations}) if unread else {}
    bib_path = settings.root / settings.bibliography
    if not bib_path.is_file() and not bib_path.is_symlink():
        return problems
    refused = path_problem(settings.root, bib_path)
    if refused is not None:
        return [*problems, refused]  # never read: the site would publish the file it points to
    bib = load_bibliography(bib_path, settings.bibliography)
    catalogue.bibliography = bib
    return [*problems, *bib.problems,
            *check_citations(bib, {**others, **(unbuilt or {}), **catalogue.citations}, uncited=whole_project)]


def _other_citations(catalogue: Catalogue, seen: dict[str, list[Citation]]) -> dict[str, list[Citation]]:
    """The citations of the case and brief files not in ``seen``: files not named on the command line."""
    settings = catalogue.settings
    found: dict[str, list[Citation]] = {}
    for folder in (settings.cases_dir, settings.briefs_dir):
        if not (settings.root / folder).is_dir():
            continue
        files, _ = discover(settings.root, folder)  # a bad name is reported when that file is checked
        for path in files:
            display = f"{folder}/{path.name}"
            if display not in seen:
                doc = read_case_file(path, display)
                if not doc.problems:
                    found[display] = _document_citations(doc)
    return found


def _load_cases(
    targets: list[tuple[Path, str]], taxonomy: Taxonomy, unbuilt: dict[str, list[Citation]] | None = None,
    setup: MarkdownSetup | None = None, drafts: set[str] | None = None, links: dict[str, BodyLinks] | None = None,
) -> tuple[list[Case], list[Problem]]:
    """Read and validate case files; the files that say ``status: "draft"`` are added to ``drafts``, their
    bodies' links to ``links``."""
    problems: list[Problem] = []
    cases: list[Case] = []
    for path, display in targets:
        doc = read_case_file(path, display)
        if drafts is not None and doc.meta.get("status") == "draft":
            drafts.add(display)
        case, found = validate_document(doc, path.stem, taxonomy, setup, links)
        problems += found
        if case is not None:
            cases.append(case)
        elif unbuilt is not None and not doc.problems:
            unbuilt[display] = _document_citations(doc)
    clashes = check_collection(cases)
    problems += clashes
    rejected = {p.path for p in clashes}
    cases = sorted((c for c in cases if c.path not in rejected), key=lambda c: c.slug)
    return cases, problems
