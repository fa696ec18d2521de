"""A static SVG world map shading countries by number of cases, with a text alternative.

The geometry is ``data/world-110m.json`` (Natural Earth 1:110m, public domain), made once by
``scripts/make_worldmap.py``: SVG path strings per ISO alpha-2 code, already projected.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from html import escape
from importlib import resources
from typing import Any

from .taxonomy import country_name

#: Replaced by the map wherever it appears in a page's Markdown (the countries index, the explorer).
MAP_MARKER = "<!-- casebook:world-map -->"

#: Fill colours from few to many cases (light to dark), and for countries without cases.
SHADES = ("#9ecae1", "#4292c6", "#2171b5", "#08306b")
EMPTY = "#e6e6e6"


@lru_cache(maxsize=1)
def geometry() -> dict[str, Any]:
    text = resources.files("casebook").joinpath("data/world-110m.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _shade(count: int, most: int) -> str:
    if most <= 1:
        return SHADES[-1]
    # Even steps over 1..most, so the darkest shade always means "the most cases".
    step = min(len(SHADES) - 1, (count - 1) * len(SHADES) // most)
    return SHADES[step]


def _cases(count: int) -> str:
    return f"{count} case" + ("" if count == 1 else "s")


def world_map_svg(counts: dict[str, int], href: Callable[[str], str], *, label: str = "Cases by country") -> str:
    """An inline ``<svg>``: every country with cases is shaded and links to ``href(code)``.

    ``counts`` maps ISO alpha-2 codes to case counts; codes without a shape (small islands) are
    still listed by :func:`map_table`, the map's text alternative.
    """
    data = geometry()
    shapes: dict[str, str] = data["countries"]
    most = max(counts.values(), default=0)
    parts = [
        f'<svg class="cb-map" viewBox="{data["viewBox"]}" role="group" aria-label="{escape(label)}" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    for code in sorted(shapes):
        count = counts.get(code, 0)
        if count <= 0:
            parts.append(f'<path d="{shapes[code]}" fill="{EMPTY}" aria-hidden="true"/>')
    for code in sorted(c for c in counts if c in shapes and counts[c] > 0):
        count = counts[code]
        name = f"{country_name(code)}: {_cases(count)}"
        parts.append(
            f'<a href="{escape(href(code))}" aria-label="{escape(name)}" data-country="{escape(code)}">'
            f"<title>{escape(name)}</title>"
            f'<path d="{shapes[code]}" fill="{_shade(count, most)}"/></a>'
        )
    parts.append("</svg>")
    return "".join(parts)


def map_table(counts: dict[str, int], href: Callable[[str], str]) -> str:
    """The map's text alternative: an HTML table of countries and counts, most cases first."""
    rows = sorted(((n, c) for c, n in counts.items() if n > 0), key=lambda item: (-item[0], country_name(item[1])))
    body = "".join(
        f'<tr><td><a href="{escape(href(code))}">{escape(country_name(code))}</a></td><td>{count}</td></tr>'
        for count, code in rows
    )
    return (
        '<table class="cb-map-table"><caption>Cases by country</caption>'
        f'<thead><tr><th scope="col">Country</th><th scope="col">Cases</th></tr></thead><tbody>{body}</tbody></table>'
    )


def map_block(counts: dict[str, int], href: Callable[[str], str]) -> str:
    """Map, attribution and text alternative as one HTML block for a Markdown page."""
    data = geometry()
    return (
        '<figure class="cb-map-figure">'
        + world_map_svg(counts, href)
        + f'<figcaption>Shading: number of published cases. {escape(data["attribution"])}</figcaption>'
        + "</figure>\n<details class=\"cb-map-alt\"><summary>The map as a table</summary>\n"
        + map_table(counts, href)
        + "\n</details>\n"
    )


def case_counts(country_lists: list[list[str]]) -> dict[str, int]:
    """Number of cases per country code, given each case's countries."""
    counts: dict[str, int] = {}
    for codes in country_lists:
        for code in set(codes):
            counts[code] = counts.get(code, 0) + 1
    return dict(sorted(counts.items()))
