"""The ``casebook`` command: validate, scaffold, print the schema, export the data and the site as plain Markdown."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from casebook import __version__
from casebook.bibliography import UNCITED
from casebook.catalogue import Settings, is_bibliography, load_catalogue, path_kind, what_validate_checks
from casebook.core.countries import country_hint
from casebook.core.loader import slug_problem
from casebook.core.markdownsetup import read_project_file
from casebook.core.problems import Problem, format_github, format_json, safe_text, sort_problems
from casebook.core.taxonomy import country_codes, load_taxonomy, suggest
from casebook.core.validate import WORD_RANGES, published_schema
from casebook.scaffold import (
    COORDINATION_FIELDS,
    VOCABULARIES,
    Scaffold,
    coordination_choices,
    skeleton,
    vocabulary_listing,
)

#: The folder of ``casebook export``'s output that holds the site as plain Markdown.
SITE_SRC = "site-src"


#: The examples at the end of 'casebook new --help'.
NEW_EXAMPLES = """examples:
  a practice case (the COCOPS template, 2,500-3,500 words):
    casebook new no-welfare-one-stop-shops --type practice --country NO --mechanism one-stop-shop \\
      --policy-area employment-services --start 2010 --title "One-stop shops for welfare services"
  a profile written from limited sources, with its coordination given:
    casebook new no-nav-reform --type profile --country NO --mechanism one-stop-shop \\
      --mechanism new-or-restructured-body --policy-area employment-services --start 2006 \\
      --direction horizontal --direction vertical --mode hierarchy --mode network --level national --level local
  the ids to choose from:
    casebook vocab
"""


def _year(text: str) -> int:
    """A four-digit year given on the command line (argparse words the error)."""
    if not (len(text) == 4 and text.isdigit()):
        raise argparse.ArgumentTypeError(f"'{text}' is not a four-digit year such as 2006")
    return int(text)


def _vocabulary(text: str) -> str:
    if text not in VOCABULARIES:
        raise argparse.ArgumentTypeError(f"'{text}' is not one of {', '.join(VOCABULARIES)}")
    return text


def _find_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / "mkdocs.yml").is_file() or (folder / "taxonomy").is_dir():
            return folder
    return start


def _cmd_validate(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve() if args.root else _find_root(Path.cwd())
    settings = Settings.of_project(root)
    paths = [Path(p) for p in args.paths] if args.paths else None
    refused = [p for p in paths or [] if path_kind(p, settings) == "other"]
    for path in refused:
        print(f"casebook validate: '{safe_text(str(path))}' is not a case, a brief or the bibliography; validate "
              f"checks {what_validate_checks(settings)} (with no path, all of them)", file=sys.stderr)
    if refused:
        return 2
    catalogue = load_catalogue(settings, paths)
    if catalogue.links:
        # Links are checked against the whole site: every case and brief, when only some files were named.
        from casebook.site.sitelinks import check_links

        whole = None if paths is None else (lambda: load_catalogue(settings))
        catalogue.problems = sort_problems([*catalogue.problems, *check_links(catalogue, whole=whole)])
    problems = catalogue.problems
    # Bibliography entries nothing cites are legitimate (a reference list kept whole); report them on request, or
    # always when the plugin's 'uncited: warn' makes them fail the site's strict build.
    uncited = [p for p in problems if p.code == UNCITED]
    if not (args.uncited or settings.uncited == "warn"):
        problems = [p for p in problems if p.code != UNCITED]
    # One rule with the site's strict build: it fails on every warning outside a draft, so this check does too.
    failing = [p for p in problems if args.strict or catalogue.fails_build(p)]
    out = sys.stdout
    if args.format == "json":
        out.write(format_json(problems) + "\n")
    elif args.format == "github":
        fails = set(failing)
        for problem in problems:
            out.write(format_github(problem, failing=problem in fails) + "\n")
    else:
        for problem in problems:
            out.write(problem.format_text() + "\n")
        errors = sum(p.is_error for p in problems)
        warnings = len(problems) - errors
        named = {settings.bibliography} if paths is not None and any(is_bibliography(p, settings) for p in paths) \
            else set()
        checked = len(
            {p.path for p in problems} | {c.path for c in catalogue.cases} | {b.path for b in catalogue.briefs} | named
        )
        summary = f"{checked} file(s) checked: {errors} error(s), {warnings} warning(s)"
        if args.strict and warnings:
            summary += " (warnings count as errors with --strict)"
        else:
            summary += _blocking_warnings(failing, settings.bibliography)
        print(summary, file=sys.stderr)
        if uncited and not (args.uncited or settings.uncited == "warn"):
            print(f"note: {len(uncited)} bibliography entries are not cited by any case, brief or page; "
                  "list them with --uncited", file=sys.stderr)
    return 1 if failing else 0


def _blocking_warnings(failing: list[Problem], bibliography: str) -> str:
    """The summary's account of the warnings that fail the check: a case or brief may stay a draft instead of
    being fixed, the bibliography may not."""
    in_bib = sum(not p.is_error and p.path == bibliography for p in failing)
    in_files = sum(not p.is_error and p.path != bibliography for p in failing)
    why = "fail the check, as they fail the site's strict build"
    draft = "keep the case or brief a draft (status: \"draft\") while you write"
    if in_files and in_bib:
        return (f"; {in_bib + in_files} warning(s) {why}: fix the {in_bib} in {bibliography}; fix the {in_files} in "
                f"cases and briefs, or {draft}")
    if in_bib:
        return f"; {in_bib} warning(s) in {bibliography} {why}: fix them"
    if in_files:
        return f"; {in_files} warning(s) outside drafts {why}: fix them, or {draft}"
    return ""


def _cmd_new(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve() if args.root else _find_root(Path.cwd())
    settings = Settings.of_project(root)
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
            problems.append(f"unknown country code '{code}'" + country_hint(code))
    for term in args.mechanism:
        if term not in taxonomy.mechanisms:
            problems.append(f"unknown mechanism '{term}'" + suggest(term, taxonomy.mechanisms)
                            + "; 'casebook vocab mechanisms' lists them")
    for term in args.policy_area:
        if term not in taxonomy.policy_areas:
            problems.append(f"unknown policy area '{term}'" + suggest(term, taxonomy.policy_areas)
                            + "; 'casebook vocab policy-areas' lists them")
    if target.exists() or target.is_symlink():
        problems.append(f"{display} already exists; choose another slug or edit it")
    if problems:
        for message in problems:
            print(f"casebook new: {safe_text(message)}", file=sys.stderr)
        return 1
    options = Scaffold(
        type=args.type, countries=_unique(args.country), mechanisms=_unique(args.mechanism),
        policy_areas=_unique(args.policy_area), start=args.start, title=args.title, author=args.author,
        coordination={name: _unique(getattr(args, name) or []) for name in COORDINATION_FIELDS},
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(skeleton(options), encoding="utf-8")
    print(f"wrote {display}: a {args.type} draft; fill in every 'TODO:', then run 'casebook validate {display}'")
    return 0


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _cmd_vocab(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve() if args.root else _find_root(Path.cwd())
    settings = Settings.of_project(root)
    taxonomy, problems = load_taxonomy(root / settings.taxonomy_dir, root)
    for problem in problems:
        print(problem.format_text(), file=sys.stderr)
    if any(p.is_error for p in problems):
        return 1
    print("\n\n".join(vocabulary_listing(taxonomy, args.which, settings.taxonomy_dir)))
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve() if args.root else _find_root(Path.cwd())
    taxonomy, problems = load_taxonomy(root / Settings.of_project(root).taxonomy_dir, root)
    for problem in problems:
        print(problem.format_text(), file=sys.stderr)
    if any(p.is_error for p in problems):
        return 1
    print(json.dumps(published_schema(taxonomy), indent=2, ensure_ascii=False))
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
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
    catalogue = load_catalogue(Settings.of_project(root))
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
    site_url = (read_project_file(root) or {}).get("site_url")
    files = data_files(catalogue.published, catalogue.taxonomy, catalogue.bibliography,
                       site_url=site_url if isinstance(site_url, str) else "")
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
        description="Check case and policy brief files (default: every file in cases/ and briefs/, and "
        "bibliography.bib) and report every problem as FILE:LINE: CODE message. Files in briefs/ are checked as "
        "briefs; bibliography.bib is checked with every citation of the project. Exits with 1 on an error, and on a "
        "warning in a published case or brief (the site's strict build fails on it); a draft may keep warnings. "
        "A path that is none of these (README.md, docs/, taxonomy/) is refused, with exit status 2.",
    )
    validate.add_argument(
        "paths", nargs="*",
        help="files in cases/ or briefs/, those folders, bibliography.bib, or the project folder (everything), to "
        "check (default: everything)"
    )
    validate.add_argument("--format", choices=["text", "github", "json"], default="text",
                          help="text (default), github (workflow annotations) or json")
    validate.add_argument("--strict", action="store_true", help="treat every warning as an error, in drafts too")
    validate.add_argument("--uncited", action="store_true",
                          help="also warn about each bibliography entry that nothing cites (W301)")
    validate.set_defaults(func=_cmd_validate)

    new = commands.add_parser(
        "new", help="write the skeleton of a new case",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write cases/SLUG.md: the front-matter with the values given here, and the sections of the case's "
        "type, each with a 'TODO:' placeholder to fill in. Nothing else is filled in for you: the values not given "
        "here are placeholders too. The case is a draft, and 'casebook validate' flags every placeholder until it is "
        "filled in. 'casebook vocab' lists the ids.",
        epilog=NEW_EXAMPLES,
    )
    new.add_argument("slug", help="file name without .md: lowercase letters, digits and hyphens, e.g. no-nav-reform")
    new.add_argument("--type", required=True, choices=list(WORD_RANGES),
                     help="the kind of case, which decides its sections and length: practice (a coordination "
                     "practice on the COCOPS template, 2,500-3,500 words), in-depth (an academic case study, "
                     "6,000-10,000 words) or profile (a shorter record from limited sources, 300-3,500 words, ending "
                     "with a 'Sources and limits' section)")
    new.add_argument("--country", action="append", required=True, metavar="XX",
                     help="ISO 3166-1 alpha-2 code in capitals, e.g. NO for Norway (repeat for several)")
    new.add_argument("--mechanism", action="append", required=True, metavar="ID",
                     help="mechanism id from taxonomy/mechanisms.yml, e.g. one-stop-shop (repeat for several; "
                     "'casebook vocab mechanisms' lists them)")
    new.add_argument("--policy-area", action="append", required=True, metavar="ID",
                     help="policy area id from taxonomy/policy-areas.yml, e.g. employment-services (repeat for "
                     "several; 'casebook vocab policy-areas' lists them)")
    new.add_argument("--start", type=_year, required=True, metavar="YEAR",
                     help="the year the practice began, four digits")
    new.add_argument("--title", help="the case's title (default: a placeholder)")
    new.add_argument("--author", help="your name as it should appear on the case (default: a placeholder)")
    choices = coordination_choices()
    for name, option, what in (("direction", "--direction", "direction"), ("modes", "--mode", "mode"),
                               ("levels", "--level", "level of government")):
        new.add_argument(option, dest=name, action="append", choices=choices[name],
                         help=f"coordination {what}: {', '.join(choices[name])} (repeat for several; default: a "
                         "placeholder to fill in)")
    new.set_defaults(func=_cmd_new)

    vocab = commands.add_parser(
        "vocab", help="list the ids of mechanisms, policy areas, countries and coordination words",
        description="List the ids a case may use, each with its label: by default the mechanisms and the policy "
        "areas (from taxonomy/), or the vocabularies named.",
    )
    vocab.add_argument("which", nargs="*", type=_vocabulary, metavar="VOCABULARY",
                       help=f"any of {', '.join(VOCABULARIES)} (default: mechanisms policy-areas)")
    vocab.set_defaults(func=_cmd_vocab)

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
    try:
        result: int = args.func(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped reading ('casebook vocab countries | head'): nothing more to say, and no traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return result


if __name__ == "__main__":
    raise SystemExit(main())
