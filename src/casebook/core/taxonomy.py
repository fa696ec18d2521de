"""Controlled vocabularies: mechanisms and policy areas from ``taxonomy/``, countries from pycountry."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycountry

from casebook.core.frontmatter import Document, decode, parse_yaml
from casebook.core.loader import path_problem, read_regular_file
from casebook.core.problems import Problem, error


@dataclass(frozen=True)
class Term:
    """One entry of a vocabulary."""

    id: str
    label: str
    definition: str
    wp5_item: int | None = None
    source: str = ""
    cocops: bool = False


@dataclass
class Taxonomy:
    mechanisms: dict[str, Term]
    policy_areas: dict[str, Term]


FILES = {"mechanisms": "mechanisms.yml", "policy_areas": "policy-areas.yml"}


def _load_terms(path: Path, key: str, problems: list[Problem], root: Path) -> dict[str, Term]:
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
    refused = path_problem(root, path)
    if refused is not None:
        problems.append(refused)
        return {}
    try:
        data = read_regular_file(path)
    except OSError as exc:
        problems.append(error(name, 1, "E030", f"cannot read vocabulary: {exc.strerror}"))
        return {}
    text, decode_problems = decode(data, name)
    if text is None:
        problems.extend(decode_problems)
        return {}
    value, lines, yaml_problems = parse_yaml(text, name)
    if yaml_problems:
        problems.extend(yaml_problems)
        return {}
    doc = Document(path=name, lines=lines)
    if not isinstance(value, dict) or not isinstance(value.get(key), list):
        problems.append(error(name, 1, "E031", f"expected a top-level '{key}:' list"))
        return {}
    terms: dict[str, Term] = {}
    for i, item in enumerate(value[key]):
        line = doc.line_of((key, i))
        if not isinstance(item, dict) or not all(isinstance(item.get(f), str) for f in ("id", "label", "definition")):
            problems.append(error(name, line, "E031", "each entry needs string 'id', 'label' and 'definition'"))
            continue
        if item["id"] in terms:
            problems.append(error(name, line, "E032", f"duplicate id '{item['id']}'"))
            continue
        wp5 = item.get("wp5_item")
        terms[item["id"]] = Term(
            id=item["id"],
            label=item["label"],
            definition=item["definition"],
            wp5_item=wp5 if isinstance(wp5, int) else None,
            source=str(item.get("source", "")),
            cocops=item.get("cocops") is True,
        )
    return terms


def load_taxonomy(folder: Path, root: Path | None = None) -> tuple[Taxonomy, list[Problem]]:
    """The vocabularies in ``folder``, a folder of the project at ``root`` (default: the folder's parent).

    A vocabulary file or folder that is a symbolic link or lies outside ``root`` is refused (E006) and not read;
    problems name files relative to ``root``.
    """
    root = folder.parent if root is None else root
    problems: list[Problem] = []
    refused = path_problem(root, folder)
    if refused is not None:
        return Taxonomy(mechanisms={}, policy_areas={}), [refused]
    mechanisms = _load_terms(folder / FILES["mechanisms"], "mechanisms", problems, root)
    policy_areas = _load_terms(folder / FILES["policy_areas"], "policy_areas", problems, root)
    return Taxonomy(mechanisms=mechanisms, policy_areas=policy_areas), problems


@cache
def country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def term_label(terms: Mapping[str, Term], term_id: str) -> str:
    """The label of ``term_id`` in ``terms``, else the id itself (for a term the vocabulary does not have)."""
    term = terms.get(term_id)
    return term.label if term is not None else term_id


@cache
def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def suggestion(word: str, choices: Iterable[str]) -> str | None:
    """The choice ``word`` most likely stands for (another case, a close spelling, a longer id), or ``None``."""
    candidates = list(choices)
    lowered = {c.lower(): c for c in candidates}
    if word.lower() in lowered and lowered[word.lower()] != word:
        return lowered[word.lower()]
    near = closest(word, candidates, 0.6)
    if near is not None:
        return near
    return next((c for c in candidates if word and (c.startswith(word) or word in c)), None)


def suggest(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean ...?)' suffix, or ''."""
    near = suggestion(word, choices)
    return f" (did you mean '{near}'?)" if near is not None else ""


def closest(word: str, candidates: list[str], cutoff: float) -> str | None:
    """``difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)``, the answer, not a list.

    The same score, tie-break and cutoff, but ``ratio()`` (the costly comparison) is skipped for a candidate
    whose cheap upper bounds cannot beat the best match so far: suggesting keys from a bibliography of
    thousands for every unknown citation stays fast.
    """
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    best: tuple[float, str] | None = None
    for candidate in candidates:
        matcher.set_seq1(candidate)
        floor = cutoff if best is None else best[0]
        if matcher.real_quick_ratio() >= floor and matcher.quick_ratio() >= floor:
            score = matcher.ratio()
            if score >= cutoff and (best is None or (score, candidate) > best):
                best = (score, candidate)
    return None if best is None else best[1]
