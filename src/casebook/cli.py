"""The ``casebook`` command: validate, scaffold, print the schema, export the data and the site as plain Markdown."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from casebook import __version__
from casebook.bibliography import UNCITED
from casebook.catalogue import Settings, load_catalogue
from casebook.core.loader import slug_problem
from casebook.core.markdownsetup import read_markdown_setup
from casebook.core.problems import format_github, format_json, safe_text
from casebook.core.taxonomy import country_codes, load_taxonomy, suggest
from casebook.core.validate import SECTIONS, published_schema

#: The folder of ``casebook export``'s output that holds the site as plain Markdown.
SITE_SRC = "site-src"


def _find_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / "mkdocs.yml").is_file() or (folder / "taxonomy").is_dir():
            return folder
    return start


def _cmd_validate(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve() if args.root else _find_root(Path.cwd())
    settings = Settings(root=root, markdown=read_markdown_setup(root))
    paths = [Path(p) for p in args.paths] if args.paths else None
    if paths is not None:
        expanded: list[Path] = []
        for p in paths:
            expanded.extend(sorted(p.glob("*.md")) if p.is_dir() and not p.is_symlink() else [p])
        paths = expanded
    catalogue = load_catalogue(settings, paths)
    problems = catalogue.problems
    # Bibliography entries nothing cites are legitimate (a reference list kept whole); report them on request.
    uncited = [p for p in problems if p.code == UNCITED]
    if not args.uncited:
        problems = [p for p in problems if p.code != UNCITED]
    failed = any(p.is_error or args.strict for p in problems)
    out = sys.stdout
    if args.format == "json":
        out.write(format_json(problems) + "\n")
    elif args.format == "github":
        for problem in problems:
            out.write(format_github(problem) + "\n")
    else:
        for problem in problems:
            out.write(problem.format_text() + "\n")
        errors = sum(p.is_error for p in problems)
        warnings = len(problems) - errors
        checked = len(
            {p.path for p in problems} | {c.path for c in catalogue.cases} | {b.path for b in catalogue.briefs}
        )
        summary = f"{checked} file(s) checked: {errors} error(s), {warnings} warning(s)"
        if args.strict and warnings:
            summary += " (warnings count as errors with --strict)"
        print(summary, file=sys.stderr)
        if uncited and not args.uncited:
            print(f"note: {len(uncited)} bibliography entries are not cited by any case, brief or page; "
                  "list them with --uncited", file=sys.stderr)
    return 1 if failed else 0


def _skeleton(slug: str, args: argparse.Namespace) -> str:
    def listing(values: list[str]) -> str:
        return "[" + ", ".join(json.dumps(v) for v in values) + "]"

    title = args.title or "TODO: the case's title"
    lines = [
        "---",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        'summary: "TODO: one paragraph of plain text (at most 600 characters) saying what the case is about."',
        f'type: "{args.type}"',
        'status: "draft"',
        f"countries: {listing(args.country)}",
        f"policy_areas: {listing(args.policy_area)}",
        f"mechanisms: {listing(args.mechanism)}",
        "coordination:",
        '  direction: ["horizontal"]',
        '  modes: ["hierarchy"]',
        '  levels: ["national"]',
        "period:",
        f"  start: {args.start}",
        "organisations:",
        '  - name: "TODO: name in the original language"',
        '    acronym: "TODO: acronym"',
        '    role: "TODO: what it does in the practice"',
        f"authors: [{json.dumps(args.author or 'TODO: your name', ensure_ascii=False)}]",
        "references: []",
        "lessons:",
        '  - "TODO: one short lesson"',
        "---",
        "",
    ]
    for section in SECTIONS:
        lines += [f"## {section}", "", "TODO: write this section; cite sources as `[@key, p. 12]`.", ""]
    return "\n".join(lines)


def _cmd_new(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve() if args.root else _find_root(Path.cwd())
    settings = Settings(root=root, markdown=read_markdown_setup(root))
    target = root / settings.cases_dir / f"{args.slug}.md"
    display = f"{settings.cases_dir}/{args.slug}.md"
    problems: list[str] = []
    bad_name = slug_problem(f"{args.slug}.md", display)
    if bad_name is not None:
        problems.append(bad_name.message)
    taxonomy, tax_problems = load_taxonomy(root / settings.taxonomy_dir, root)
    problems += [p.format_text() for p in tax_problems]
    for code in args.country:
        if code not in country_codes():
            problems.append(f"unknown country code '{code}'" + suggest(code.upper(), country_codes()))
    for term in args.mechanism:
        if term not in taxonomy.mechanisms:
            problems.append(f"unknown mechanism '{term}'" + suggest(term, taxonomy.mechanisms))
    for term in args.policy_area:
        if term not in taxonomy.policy_areas:
            problems.append(f"unknown policy area '{term}'" + suggest(term, taxonomy.policy_areas))
    if target.exists() or target.is_symlink():
        problems.append(f"{display} already exists; choose another slug or edit it")
    if problems:
        for message in problems:
            print(f"casebook new: {safe_text(message)}", file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_skeleton(args.slug, args), encoding="utf-8")
    print(f"wrote {display}: fill in every 'TODO:', then run 'casebook validate {display}'")
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve() if args.root else _find_root(Path.cwd())
    taxonomy, problems = load_taxonomy(root / "taxonomy", root)
    for problem in problems:
        print(problem.format_text(), file=sys.stderr)
    if any(p.is_error for p in problems):
        return 1
    print(json.dumps(published_schema(taxonomy), indent=2, ensure_ascii=False))
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    import os
    import shutil

    from casebook.export.portable import MARKER, PortableError, portable_files, write_files
    from casebook.site.datafiles import data_files, write_export

    root = Path(args.root).resolve() if args.root else _find_root(Path.cwd())
    out = Path(args.out)
    site_src = out / SITE_SRC
    if site_src.is_symlink() or (
        site_src.exists() and (not site_src.is_dir() or (any(site_src.iterdir()) and not (site_src / MARKER).is_file()))
    ):
        print(f"casebook export: {safe_text(str(site_src))} exists and was not written by 'casebook export'; "
              "move it away or give another --out folder", file=sys.stderr)
        return 1
    catalogue = load_catalogue(Settings(root=root, markdown=read_markdown_setup(root)))
    # As in 'validate': entries nothing cites are legitimate, and listed only by 'validate --uncited'.
    for problem in catalogue.problems:
        if problem.code != UNCITED:
            print(problem.format_text(), file=sys.stderr)
    if catalogue.errors:
        print("casebook export: nothing written; fix the errors above first", file=sys.stderr)
        return 1
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    try:
        site = portable_files(catalogue, source_date_epoch=int(epoch) if epoch.isdigit() else None)
    except PortableError as error:
        print(f"casebook export: nothing written; {safe_text(str(error))}", file=sys.stderr)
        return 1
    files = data_files(catalogue.published, catalogue.taxonomy, catalogue.bibliography)
    for path in write_export(out, files):
        print(f"wrote {safe_text(str(path))}")
    if site_src.exists():
        shutil.rmtree(site_src)  # an earlier export (it has the marker): replaced whole, so no page lingers
    write_files(site_src, site)
    print(f"wrote {len(site)} file(s) to {safe_text(str(site_src))}: the site as plain Markdown; build it there "
          "with 'mkdocs build' (no casebook plugin needed)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casebook", description="Validate and scaffold case studies of coordination practices."
    )
    parser.add_argument("--version", action="version", version=f"casebook {__version__}")
    parser.add_argument("--root", help="project folder (default: the nearest folder with mkdocs.yml)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate", help="check case and brief files and report every problem",
        description="Check case and policy brief files (default: every file in cases/ and briefs/) and report "
        "every problem as FILE:LINE: CODE message. Files in briefs/ are checked as briefs.",
    )
    validate.add_argument(
        "paths", nargs="*", help="case or brief files or folders to check (default: cases/ and briefs/)"
    )
    validate.add_argument("--format", choices=["text", "github", "json"], default="text",
                          help="text (default), github (workflow annotations) or json")
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors")
    validate.add_argument("--uncited", action="store_true",
                          help="also warn about each bibliography entry that nothing cites (W301)")
    validate.set_defaults(func=_cmd_validate)

    new = commands.add_parser(
        "new", help="write the skeleton of a new case",
        description="Write cases/SLUG.md with the front-matter and sections to fill in. The skeleton is a draft; "
        "'casebook validate' flags every placeholder until it is filled in.",
    )
    new.add_argument("slug", help="file name without .md: lowercase letters, digits and hyphens, e.g. no-nav-reform")
    new.add_argument("--country", action="append", required=True, metavar="XX",
                     help="ISO 3166-1 alpha-2 code, e.g. NO (repeat for several)")
    new.add_argument("--mechanism", action="append", required=True, metavar="ID",
                     help="mechanism id from taxonomy/mechanisms.yml (repeat for several)")
    new.add_argument("--policy-area", action="append", default=None, metavar="ID",
                     help="policy area id from taxonomy/policy-areas.yml (default: central-government)")
    new.add_argument("--type", choices=["practice", "in-depth", "profile"], default="practice")
    new.add_argument("--title", help="the case's title")
    new.add_argument("--author", help="your name as it should appear on the case")
    new.add_argument("--start", type=int, required=True, metavar="YEAR", help="the year the practice began")
    new.set_defaults(func=_cmd_new)

    schema = commands.add_parser("schema", help="print the case JSON Schema with the vocabularies filled in")
    schema.set_defaults(func=_cmd_schema)

    export = commands.add_parser(
        "export", help="write the data files and the whole site as plain Markdown",
        description="Write the published cases as cases.json and cases.csv, with bibliography.bib, the published "
        f"case.schema.json and LICENSE.txt, into DIR: the same files as the site's /data/ page. Also write "
        f"DIR/{SITE_SRC}/: a mkdocs.yml that needs no casebook plugin and a docs/ folder with every page the plugin "
        "generates as plain Markdown, so that any MkDocs-compatible engine can build the site. Drafts are left out.",
    )
    export.add_argument("--out", required=True, metavar="DIR", help="folder to write into (created if missing)")
    export.set_defaults(func=_cmd_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "policy_area", "unset") is None:
        args.policy_area = ["central-government"]
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
