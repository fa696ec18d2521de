"""Related cases: other cases ranked by the mechanisms and policy areas they share with a case."""

from __future__ import annotations

import collections
import heapq
from collections.abc import Iterable, Sequence

from casebook.core.model import Case

#: How many related cases a case page lists.
RELATED = 5


class TermIndex:
    """The cases that use each mechanism and each policy area, as slugs in the order given.

    Ranking a case's related cases then looks only at the cases that share a term with it, instead of
    comparing every pair of cases (quadratic in the size of the catalogue).
    """

    def __init__(self, cases: Iterable[Case]) -> None:
        self.by_slug: dict[str, Case] = {}
        self.mechanisms: dict[str, list[str]] = {}
        self.policy_areas: dict[str, list[str]] = {}
        for case in cases:
            self.by_slug[case.slug] = case
            for term in dict.fromkeys(case.mechanisms):
                self.mechanisms.setdefault(term, []).append(case.slug)
            for term in dict.fromkeys(case.policy_areas):
                self.policy_areas.setdefault(term, []).append(case.slug)


def related_cases(
    case: Case, cases: Sequence[Case], limit: int = RELATED, index: TermIndex | None = None
) -> list[tuple[Case, list[str], list[str]]]:
    """Other cases ranked by how many mechanisms and policy areas they share with ``case``.

    Ties go to the case sharing more mechanisms, then to the slug that sorts first. ``index`` must
    be built from ``cases``; it is built here when not given.
    """
    index = index if index is not None else TermIndex(cases)
    mechanisms, areas = set(case.mechanisms), set(case.policy_areas)
    shared: collections.Counter[str] = collections.Counter()  # shared terms per other case, counted in C
    for term in mechanisms:
        shared.update(index.mechanisms.get(term, ()))
    for term in areas:
        shared.update(index.policy_areas.get(term, ()))
    shared.pop(case.slug, None)
    if not shared or limit <= 0:
        return []
    # Only cases sharing at least as many terms as the limit-th best can be among the best.
    threshold = heapq.nlargest(limit, shared.values())[-1]
    ranked = []
    for slug, count in shared.items():
        if count >= threshold:
            other = index.by_slug[slug]
            common = mechanisms.intersection(other.mechanisms)
            ranked.append((-count, -len(common), slug, sorted(common), sorted(areas.intersection(other.policy_areas))))
    ranked.sort()
    return [(index.by_slug[slug], common, areas_shared) for _, _, slug, common, areas_shared in ranked[:limit]]
