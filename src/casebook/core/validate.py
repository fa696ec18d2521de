"""Validation of case front-matter and bodies against the schema, the vocabularies and each other."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeVar

import fastjsonschema

from casebook.core.countries import country_hint
from casebook.core.frontmatter import Document, KeyPath
from casebook.core.linkcheck import BodyLinks
from casebook.core.markdownsetup import MarkdownSetup
from casebook.core.markup import ADMONITION_TYPES, UNREADABLE_DECLARATION, inspect_body, unreadable_declarations
from casebook.core.model import Case, Record
from casebook.core.problems import Problem, error, warning
from casebook.core.schemamessages import Vocabularies, schema_message
from casebook.core.taxonomy import Taxonomy, country_codes, suggest

if TYPE_CHECKING:  # jsonschema is imported when a file fails the compiled schema: most runs never need it
    import jsonschema

#: A kind of record (a case, a brief) that :func:`accepted` makes.
R = TypeVar("R", bound=Record)

#: Required H2 sections of 'practice' and 'in-depth' cases, in order.
SECTIONS = (
    "Country background",
    "The coordination practice",
    "Why it emerged",
    "Enabling and constraining factors",
    "Effects",
    "Lessons",
)

#: Word counts outside these ranges give a warning.
WORD_RANGES = {"practice": (2500, 3500), "in-depth": (6000, 10000), "profile": (300, 3500)}

PLACEHOLDER = "TODO:"

VOCABULARY_FIELDS = ("countries", "policy_areas", "mechanisms")


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The packaged JSON Schema ``schema/<name>.schema.json`` ('case', 'brief', or an API file's, 'api-v1-...')."""
    text = resources.files("casebook").joinpath(f"schema/{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def base_schema() -> dict[str, Any]:
    return load_schema("case")


def published_schema(taxonomy: Taxonomy) -> dict[str, Any]:
    """The schema with the vocabularies filled in, as editors and the codebook see it."""
    schema = json.loads(json.dumps(base_schema()))
    props = schema["properties"]
    props["countries"]["items"] = {"enum": sorted(country_codes())}
    props["policy_areas"]["items"] = {"enum": sorted(taxonomy.policy_areas)}
    props["mechanisms"]["items"] = {"enum": sorted(taxonomy.mechanisms)}
    result: dict[str, Any] = schema
    return result


@cache
def reference_validator(name: str = "case") -> jsonschema.protocols.Validator:
    """The schema as jsonschema checks it: the slow twin of :func:`fast_validator`, which words every problem."""
    import jsonschema

    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@cache
def fast_validator(name: str = "case") -> Any:
    """Fast twin of :func:`reference_validator`: the same schema compiled to Python code, a fast test of a pass.

    Only a pass is taken from it; a file it fails is checked again by jsonschema, which words
    every problem. ``tests/core/test_fast_paths.py`` checks that the two agree on pass or fail.
    """
    return fastjsonschema.compile(load_schema(name))


def schema_passes(meta: Any, schema: str = "case") -> bool:
    try:
        fast_validator(schema)(meta)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def schema_problems(
    doc: Document, schema: str = "case", checked_elsewhere: tuple[str, ...] = VOCABULARY_FIELDS,
    vocabularies: Vocabularies | None = None,
) -> list[Problem]:
    """Problems of ``doc``'s front-matter against the packaged schema ``schema``, in contributor's terms.

    Pattern errors under the fields in ``checked_elsewhere`` are left to a check that can suggest a fix; a fix
    suggested for a field in ``vocabularies`` is one of its ids.
    """
    problems: list[Problem] = []
    if schema_passes(doc.meta, schema):
        return problems
    errors = reference_validator(schema).iter_errors(doc.meta)
    for err in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
        path = tuple(err.absolute_path)
        if err.validator == "additionalProperties":
            allowed = list(err.schema.get("properties", {}))
            extras = [k for k in err.instance if k not in allowed]
            for key in extras:
                line = doc.line_of(path + (key,))
                hint = suggest(str(key), allowed)
                if path == () and key in ("template", "hide", "search", "tags", "icon", "status_icon"):
                    hint = f" ('{key}' would change how the site renders the page; it is not part of the front-matter)"
                scope = "" if not path else f" in {'.'.join(str(p) for p in path)}"
                problems.append(error(doc.path, line, "E102", f"unknown field '{key}'{scope}{hint}"))
            continue
        if err.validator == "pattern" and path and path[0] in checked_elsewhere:
            continue  # reported with a suggestion by the vocabulary check
        code, message = schema_message(err, vocabularies)
        problems.append(error(doc.path, doc.line_of(path), code, message))
    return problems


def _vocabulary_problems(doc: Document, taxonomy: Taxonomy) -> list[Problem]:
    problems: list[Problem] = []
    checks: list[tuple[str, str, Iterable[str], str]] = [
        ("countries", "E106", country_codes(), "country code"),
        ("policy_areas", "E105", taxonomy.policy_areas, "policy area"),
        ("mechanisms", "E104", taxonomy.mechanisms, "mechanism"),
    ]
    for field, code, vocabulary, noun in checks:
        values = doc.meta.get(field)
        if not isinstance(values, list):
            continue
        # The vocabularies are sets or mappings already: a set is made for suggestions only.
        known = vocabulary if isinstance(vocabulary, (frozenset, dict)) else set(vocabulary)
        for i, value in enumerate(values):
            if not isinstance(value, str) or value in known:
                continue
            if field == "countries":
                hint = country_hint(value)
            else:
                hint = suggest(value, set(vocabulary))
            problems.append(error(doc.path, doc.line_of((field, i)), code, f"unknown {noun} '{value}'{hint}"))
    return problems


def date_problems(doc: Document, key: str) -> list[Problem]:
    """E108 when the "YYYY-MM-DD" string under ``key`` is not a real date (the schema checks the form)."""
    value = doc.meta.get(key)
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return [error(doc.path, doc.line_of((key,)), "E108", f"'{value}' is not a real date (YYYY-MM-DD)")]
    return []


def _period_problems(doc: Document) -> list[Problem]:
    problems: list[Problem] = []
    period = doc.meta.get("period")
    if isinstance(period, dict):
        start, end = period.get("start"), period.get("end")
        if isinstance(start, int) and isinstance(end, int) and not isinstance(end, bool) and start > end:
            line = doc.line_of(("period", "end"))
            problems.append(error(doc.path, line, "E107", f"period ends ({end}) before it starts ({start})"))
    return problems + date_problems(doc, "updated")


#: An ATX heading line of each level, with the line break before it (a regex that starts with a character is
#: searched for far faster than one anchored with '^').
_HEADING_LINES = {level: re.compile(rf"\n {{0,3}}{'#' * level} ([^\n]*)") for level in range(1, 7)}


def headings(body: str, level: int = 2) -> list[tuple[int, str]]:
    """(body line index, text) of ATX headings of ``level``, skipping fenced code blocks."""
    found: list[tuple[int, str]] = []
    fence: str | None = None
    marker = "#" * level + " "
    # ('`' not in body or ...): a one-character test is a fast memchr; a longer one is not.
    if ("`" not in body or "```" not in body) and ("~" not in body or "~~~" not in body) and level in _HEADING_LINES:
        # No fence can open: the heading lines are found by a regex instead of a loop over every line.
        text = "\n" + body  # each line, the first too, follows a line break
        index = 0
        counted = 0
        for match in _HEADING_LINES[level].finditer(text):
            index += text.count("\n", counted, match.start())
            counted = match.start()
            found.append((index, match.group(1).strip().rstrip("#").strip()))
        return found
    for index, line in enumerate(body.split("\n")):
        stripped = line.lstrip(" ")
        if len(line) - len(stripped) > 3:
            continue
        if fence is not None:
            if stripped.startswith(fence) and not stripped[len(fence):].strip(fence[0]).strip():
                fence = None
            continue
        if stripped.startswith(("```", "~~~")):
            char = stripped[0]
            fence = char * (len(stripped) - len(stripped.lstrip(char)))
            continue
        if stripped.startswith(marker):
            found.append((index, stripped[len(marker):].strip().rstrip("#").strip()))
    return found


def _body_problems(
    doc: Document, setup: MarkdownSetup | None = None, links: dict[str, BodyLinks] | None = None
) -> list[Problem]:
    problems: list[Problem] = []
    kind = doc.meta.get("type")
    if kind in ("practice", "in-depth"):
        present = [text.casefold() for _, text in headings(doc.body)]
        position = -1
        for section in SECTIONS:
            wanted = section.casefold()
            if wanted not in present:
                problems.append(
                    error(doc.path, doc.body_line, "E120",
                          f"missing section '## {section}' (required for {kind} cases)")
                )
                continue
            found = present.index(wanted)
            if found < position:
                problems.append(
                    warning(doc.path, doc.body_line, "W121", f"section '## {section}' is out of the template's order")
                )
            position = max(position, found)
    if isinstance(kind, str) and kind in WORD_RANGES:
        words = word_count(doc.body)
        low, high = WORD_RANGES[kind]
        if not low <= words <= high:
            problems.append(
                warning(
                    doc.path, doc.body_line, "W201",
                    f"{words:,} words; a {kind} case has {low:,}–{high:,}",
                )
            )
    problems += markup_problems(doc, setup, links)
    for index, line in enumerate(doc.body.split("\n") if PLACEHOLDER in doc.body else ()):
        if PLACEHOLDER in line:
            problems.append(warning(doc.path, doc.body_line + index, "W202", "placeholder left to fill in"))
    for comment_line, comment in doc.comments:
        if PLACEHOLDER in comment:
            message = "placeholder left in a front-matter comment: do what it says, then delete the comment"
            problems.append(warning(doc.path, comment_line, "W202", message))
    for path in _placeholder_paths(doc.meta, (), []):
        where = ".".join(str(p) for p in path)
        problems.append(warning(doc.path, doc.line_of(path), "W202", f"placeholder left to fill in '{where}'"))
    return problems


#: Each byte of UTF-8 text marked: b" " for str.split()'s ASCII whitespace, b"?" for the lead bytes of its other
#: whitespace characters (U+0085, U+00A0, U+1680, U+2000–U+205F, U+3000), b"x" for anything else.
_WORD_MARKS = bytes(
    0x20 if byte < 0x80 and chr(byte).isspace() else 0x3F if byte in b"\xc2\xe1\xe2\xe3" else 0x78
    for byte in range(256)
)


def word_count(text: str) -> int:
    """``len(text.split())``, without building the list of words (a case body has thousands).

    A word is a run of non-whitespace, so the words are the runs of b"x" in the marked bytes: one at the start,
    and one after each b" " followed by b"x". Text with a lead byte of non-ASCII whitespace is split as before.
    """
    marks = text.encode("utf-8", "surrogatepass").translate(_WORD_MARKS)
    if b"?" in marks:
        return len(text.split())
    return marks.count(b" x") + marks.startswith(b"x")


def markup_problems(
    doc: Document, setup: MarkdownSetup | None = None, links: dict[str, BodyLinks] | None = None
) -> list[Problem]:
    """Raw HTML, images from other sites and admonition types outside the allow-list, in a case or brief body.

    The links and images the body makes are put in ``links`` (by file), for the check of the site's links
    (``linkcheck.py``), which needs every page of the site.
    """
    problems: list[Problem] = []
    reported: set[int] = set()
    findings = inspect_body(doc.body, setup)
    if links is not None and findings.links:
        links[doc.path] = BodyLinks(doc.body_line, tuple(findings.links), findings.ids,
                                    None if findings.exact_links else doc.body)
    if findings.too_dense is not None:
        problems.append(
            error(
                doc.path, doc.body_line + findings.too_dense.line - 1, "E122",
                "this text would take minutes to render: Python-Markdown writes a paragraph out again after each "
                "emphasis, link, tag, citation or escaped character in it, and its paragraphs hold too many for "
                f"their length (the longest, {findings.too_dense.length:,} characters, starts here); "
                "split them with blank lines",
            )
        )
    for line in unreadable_declarations(doc.body):
        problems.append(
            error(doc.path, doc.body_line + line - 1, "E123", UNREADABLE_DECLARATION)
        )
    for kind in findings.unknown_types:
        problems.append(
            error(
                doc.path, doc.body_line + kind.line - 1, "E121",
                f"unknown admonition type '{kind.fragment}': use one of {', '.join(sorted(ADMONITION_TYPES))} "
                "(other words would borrow the theme's own styles)",
            )
        )
    for image in findings.external_images:
        problems.append(
            warning(
                doc.path, doc.body_line + image.line - 1, "W204",
                f"image '{image.fragment}' is on another site: it is not shown, because readers' browsers would "
                "contact that site",
            )
        )
    for raw in findings.raw_html:
        if raw.line in reported or raw.fragment.startswith("</"):
            continue
        reported.add(raw.line)
        fragment = raw.fragment.strip().split("\n", 1)[0]
        shown = fragment if len(fragment) <= 60 else fragment[:57] + "..."
        problems.append(
            warning(
                doc.path, doc.body_line + raw.line - 1, "W203",
                f"raw HTML '{shown}': the site keeps only plain formatting tags and removes scripts, styles, "
                "frames, forms and event handlers; write Markdown instead",
            )
        )
    return problems


def _placeholder_paths(value: Any, path: KeyPath, found: list[KeyPath]) -> list[KeyPath]:
    """The key path of every string in a front-matter value that holds the placeholder, in order.

    Depth is bounded by the loader. A path is built only for a container or a string that has the placeholder:
    this runs over every value of every file.
    """
    if isinstance(value, str):
        if PLACEHOLDER in value:
            found.append(path)
        return found
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(item, str):
            if PLACEHOLDER in item:
                found.append((*path, key))
        elif isinstance(item, (dict, list)):
            _placeholder_paths(item, (*path, key), found)
    return found


def validate_document(
    doc: Document, slug: str, taxonomy: Taxonomy, setup: MarkdownSetup | None = None,
    links: dict[str, BodyLinks] | None = None,
) -> tuple[Case | None, list[Problem]]:
    """Check one parsed file; a :class:`Case` is returned only when it has no errors.

    ``setup`` is the site's Markdown extensions (``mkdocs.yml``): the body is parsed as the build parses it. The
    body's links go into ``links``, to be checked against the whole site (``linkcheck.py``).
    """
    if doc.problems:
        return None, list(doc.problems)
    vocabularies = {"mechanisms": taxonomy.mechanisms, "policy_areas": taxonomy.policy_areas}
    problems = schema_problems(doc, vocabularies=vocabularies) + _vocabulary_problems(doc, taxonomy)
    problems += _period_problems(doc)
    problems += _body_problems(doc, setup, links)
    return accepted(Case, doc, slug, problems)


def accepted(kind: type[R], doc: Document, slug: str, problems: list[Problem]) -> tuple[R | None, list[Problem]]:
    """The record a checked file makes, with its warnings, or None when any of ``problems`` is an error."""
    if any(p.is_error for p in problems):
        return None, problems
    record = kind(
        slug=slug, path=doc.path, meta=doc.meta, body=doc.body, body_line=doc.body_line,
        lines=doc.lines, problems=problems,
    )
    return record, problems


def check_collection(records: Sequence[Record]) -> list[Problem]:
    """Checks across files of one kind: slugs unique, also ignoring case."""
    problems: list[Problem] = []
    seen: dict[str, Record] = {}
    for record in sorted(records, key=lambda r: r.path):
        key = record.slug.casefold()
        if key in seen:
            message = f"slug '{record.slug}' clashes with {seen[key].path} (names must differ by more than case)"
            problems.append(error(record.path, 1, "E112", message))
        else:
            seen[key] = record
    return problems
