"""What a contributor starts a case with: the skeleton ``casebook new`` writes, and the ids ``casebook vocab`` lists.

In the skeleton every value is given on the command line or marked ``TODO:``, never invented: the front-matter
holds the values the contributor gave, and everything else is a ``TODO:`` placeholder, which the validator reports
(W202) until it is filled in. Where a placeholder value would not even be valid (the ``coordination`` lists take
fixed words), the field is written as a commented-out example under a ``# TODO:`` comment, which the validator
reports the same way. The text has the sections of the case's type: the template's six for every type, and for a
profile an opening paragraph and a closing "Sources and limits" section.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from casebook.core.problems import safe_text
from casebook.core.taxonomy import FILES, Taxonomy, country_codes, country_name
from casebook.core.validate import SECTIONS, WORD_RANGES, base_schema

#: The section a profile ends with: what its sources are, and what they leave open (``docs/contribute.md``).
LIMITS_SECTION = "Sources and limits"

#: What each section of the template is for, as the placeholder under its heading says.
SECTION_HINTS = {
    "Country background": "the country's administrative system and the situation before the practice",
    "The coordination practice": "what was set up, who takes part and how it works",
    "Why it emerged": "the problem it answered, and who pushed for it",
    "Enabling and constraining factors": "what helped the practice and what held it back",
    "Effects": "what changed, and how the sources know (measured, or reported by participants)",
    "Lessons": "what others can learn from it, in a few sentences",
}

COORDINATION_FIELDS = ("direction", "modes", "levels")


def coordination_choices() -> dict[str, list[str]]:
    """The allowed words of each ``coordination`` list, from the case schema."""
    properties = base_schema()["properties"]["coordination"]["properties"]
    return {name: list(properties[name]["items"]["enum"]) for name in COORDINATION_FIELDS}


@dataclass
class Scaffold:
    """What the contributor gave ``casebook new``."""

    type: str
    countries: Sequence[str]
    mechanisms: Sequence[str]
    policy_areas: Sequence[str]
    start: int
    title: str | None = None
    author: str | None = None
    #: Given ``coordination`` lists by name (``direction``, ``modes``, ``levels``); the others are left to fill in.
    coordination: dict[str, Sequence[str]] = field(default_factory=dict)


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _listing(values: Sequence[str]) -> str:
    return "[" + ", ".join(_text(v) for v in values) + "]"


def _coordination(given: dict[str, Sequence[str]]) -> list[str]:
    """The ``coordination`` lines: the lists given, and the others commented out under a ``# TODO:`` comment."""
    choices = coordination_choices()
    missing = [name for name in COORDINATION_FIELDS if not given.get(name)]
    lines: list[str] = []
    if missing:
        lines.append(
            f"# TODO: coordination ({', '.join(missing)}): in the commented line(s) below, keep the words your "
            "sources support and remove the '# ' in front; or delete them if the sources do not say."
        )
    if len(missing) == len(COORDINATION_FIELDS):
        return [*lines, "# coordination:", *(f"#   {name}: {_listing(choices[name])}" for name in COORDINATION_FIELDS)]
    lines.append("coordination:")
    for name in COORDINATION_FIELDS:
        lines.append(f"  {name}: {_listing(given[name])}" if given.get(name) else
                     f"  # {name}: {_listing(choices[name])}")
    return lines


def front_matter(options: Scaffold) -> list[str]:
    """The front-matter lines, between and including the two ``---`` lines."""
    return [
        "---",
        f"title: {_text(options.title or 'TODO: the case title')}",
        'summary: "TODO: one paragraph of plain text (at most 600 characters) saying what the case is about."',
        f"type: {_text(options.type)}",
        'status: "draft"',
        f"countries: {_listing(options.countries)}",
        f"policy_areas: {_listing(options.policy_areas)}",
        f"mechanisms: {_listing(options.mechanisms)}",
        *_coordination(options.coordination),
        "period:",
        f"  start: {options.start}",
        "organisations:",
        '  - name: "TODO: name in the original language"',
        '    acronym: "TODO: acronym, or delete"',
        '    role: "TODO: what it does in the practice"',
        f"authors: [{_text(options.author or 'TODO: your name')}]",
        "references: []",
        "lessons:",
        '  - "TODO: one short lesson"',
        "---",
    ]


def body(kind: str) -> list[str]:
    """The text of a case of type ``kind``: its sections, each with a placeholder saying what goes in it."""
    low, high = WORD_RANGES[kind]
    cite = "cite sources as `[@key, p. 12]`."
    lines = [""]
    if kind == "profile":
        lines += [
            f"TODO: an opening paragraph: what the practice is, and which sources this profile rests on. A profile "
            f"has {low:,}–{high:,} words in all; write what the sources support and say where they stop.",
            "",
        ]
    else:
        lines += [
            f"TODO: delete this line. A{'n' if kind == 'in-depth' else ''} {kind} case has {low:,}–{high:,} words "
            "in all, in these sections, in this order.",
            "",
        ]
    for section in SECTIONS:
        lines += [f"## {section}", "", f"TODO: {SECTION_HINTS[section]}; {cite}", ""]
    if kind == "profile":
        lines += [
            f"## {LIMITS_SECTION}",
            "",
            "- **Read:** TODO: the sources this profile rests on, and how much of each (the whole text, an "
            "abstract, an opening page).",
            "- **Not read:** TODO: what could not be read, and what this profile therefore cannot say.",
            "- **Disagreements:** TODO: where the sources differ, and which account the profile follows; or delete "
            "this line.",
            "",
        ]
    return lines


def skeleton(options: Scaffold) -> str:
    """The whole file."""
    return "\n".join(front_matter(options) + body(options.type))


#: What ``casebook vocab`` can list, in the order it lists them; mechanisms and policy areas by default.
VOCABULARIES = ("mechanisms", "policy-areas", "countries", "coordination")


def vocabulary_listing(taxonomy: Taxonomy, which: Sequence[str], taxonomy_dir: str = "taxonomy") -> list[str]:
    """One block of text per vocabulary in ``which``: each id with its label, in the order of the vocabulary file
    (countries by code)."""
    blocks: list[str] = []
    for name in [v for v in VOCABULARIES if v in (which or VOCABULARIES[:2])]:
        if name in ("mechanisms", "policy-areas"):
            terms = taxonomy.mechanisms if name == "mechanisms" else taxonomy.policy_areas
            option = "--mechanism" if name == "mechanisms" else "--policy-area"
            field_name = name.replace("-", "_")
            rows = [(term.id, term.label) for term in terms.values()]
            heading = f"{name.capitalize().replace('-', ' ')} ({taxonomy_dir}/{FILES[field_name]}): the ids for " \
                f"'{field_name}:' and 'casebook new {option}'"
        elif name == "countries":
            rows = [(code, country_name(code)) for code in sorted(country_codes())]
            heading = "Countries (ISO 3166-1 alpha-2 codes): the codes for 'countries:' and 'casebook new --country'"
        else:
            rows = [(key, ", ".join(words)) for key, words in coordination_choices().items()]
            heading = "Coordination (the case schema): the words each list under 'coordination:' may hold"
        width = max(len(key) for key, _ in rows) if rows else 0
        lines = [f"  {safe_text(key).ljust(width)}  {safe_text(label)}" for key, label in rows]
        blocks.append("\n".join([heading, *lines]))
    return blocks
