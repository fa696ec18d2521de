"""A static SVG world map shading countries by number of cases, with a text alternative.

The geometry is ``data/world-110m.json`` (Natural Earth 1:110m, public domain), made once by
``scripts/make_worldmap.py``: SVG path strings per ISO alpha-2 code, already projected.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import Any

from casebook.core.escape import html_attr
from casebook.core.regions import region_of
from casebook.core.taxonomy import country_name

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


def _cases(count: int, drafts: int = 0) -> str:
    text = f"{count} case" + ("" if count == 1 else "s")
    if drafts:
        text += f" ({drafts} draft{'' if drafts == 1 else 's'})"
    return text


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in the map's projected coordinates


def _ring_boxes(path: str) -> list[Box]:
    """The bounding box of each ring of a path made of ``M x y``, relative ``l dx dy`` and ``z``."""
    boxes: list[Box] = []
    numbers: list[float] = []
    command = ""

    def close_ring() -> None:
        if len(numbers) >= 2:
            x, y = numbers[0], numbers[1]
            xs, ys = [x], [y]
            for i in range(2, len(numbers) - 1, 2):
                x, y = x + numbers[i], y + numbers[i + 1]
                xs.append(x)
                ys.append(y)
            boxes.append((min(xs), min(ys), max(xs), max(ys)))
        numbers.clear()

    for token in path.replace("M", " M ").replace("l", " l ").replace("z", " z ").split():
        if token == "M":
            close_ring()
            command = token
        elif token in ("l", "z"):
            command = token
        elif command in ("M", "l"):
            numbers.extend(float(n) for n in token.split(","))
    close_ring()
    return boxes


def _main_box(path: str) -> Box:
    """The box of a country's largest ring: its mainland, not its overseas territories."""
    return max(_ring_boxes(path), key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))


def europe_view(counts: dict[str, int]) -> Box | None:
    """The part of the map that shows the European countries with cases, when most cases are European.

    The box spans the mainlands of those countries, padded, and never less than a region of a few countries
    across, so that one country still shows its neighbours. ``None`` when half the cases or more are elsewhere.
    """
    shapes: dict[str, str] = geometry()["countries"]
    european = [c for c, n in counts.items() if n > 0 and region_of(c).region == "Europe" and c in shapes]
    total = sum(n for n in counts.values() if n > 0)
    if not european or 2 * sum(counts[c] for c in european) <= total:
        return None
    boxes = [_main_box(shapes[c]) for c in european]
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    width, height = max(x1 - x0, 40.0) * 1.15, max(y1 - y0, 30.0) * 1.15
    width = max(width, height * 1.3)  # about the shape of the world view, so both read alike
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (round(cx - width / 2, 1), round(cy - height / 2, 1), round(cx + width / 2, 1), round(cy + height / 2, 1))


def _intersects(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def world_map_svg(
    counts: dict[str, int], href: Callable[[str], str], *, label: str = "Cases by country", view: Box | None = None,
    drafts: dict[str, int] | None = None,
) -> str:
    """An inline ``<svg>``: every country with cases is shaded and links to ``href(code)``.

    ``counts`` maps ISO alpha-2 codes to case counts; codes without a shape (small islands) are
    still listed by :func:`map_table`, the map's text alternative. ``view`` shows only that part of the
    map (and carries only the countries that reach into it). ``drafts`` (a preview only) says how many of
    each country's cases are drafts: their names say so, and their outlines are marked (``cb-map__draft``).
    """
    drafts = drafts or {}
    data = geometry()
    shapes: dict[str, str] = data["countries"]
    if view is not None:
        shapes = {c: p for c, p in shapes.items() if any(_intersects(view, b) for b in _ring_boxes(p))}
    most = max(counts.values(), default=0)
    box = data["viewBox"] if view is None else f"{view[0]} {view[1]} {round(view[2] - view[0], 1)} " \
        f"{round(view[3] - view[1], 1)}"
    modifier = "" if view is None else " cb-map--region"
    parts = [
        f'<svg class="cb-map{modifier}" viewBox="{box}" role="group" aria-label="{html_attr(label)}" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    for code in sorted(shapes):
        count = counts.get(code, 0)
        if count <= 0:
            parts.append(f'<path d="{shapes[code]}" fill="{EMPTY}" aria-hidden="true"/>')
    for code in sorted(c for c in counts if c in shapes and counts[c] > 0):
        count = counts[code]
        name = f"{country_name(code)}: {_cases(count, drafts.get(code, 0))}"
        draft = ' class="cb-map__draft"' if drafts.get(code) else ""
        parts.append(
            f'<a href="{html_attr(href(code))}"{draft} aria-label="{html_attr(name)}" data-country="{html_attr(code)}">'
            f"<title>{html_attr(name)}</title>"
            f'<path d="{shapes[code]}" fill="{_shade(count, most)}"/></a>'
        )
    parts.append("</svg>")
    return "".join(parts)


def map_table(counts: dict[str, int], href: Callable[[str], str], *, drafts: dict[str, int] | None = None) -> str:
    """The map's text alternative: an HTML table of countries and counts, most cases first."""
    drafts = drafts or {}
    rows = sorted(((n, c) for c, n in counts.items() if n > 0), key=lambda item: (-item[0], country_name(item[1])))
    body = "".join(
        f'<tr><td><a href="{html_attr(href(code))}">{html_attr(country_name(code))}</a></td>'
        f"<td>{_count_cell(count, drafts.get(code, 0))}</td></tr>"
        for count, code in rows
    )
    return (
        '<table class="cb-map-table"><caption>Cases by country</caption>'
        f'<thead><tr><th scope="col">Country</th><th scope="col">Cases</th></tr></thead><tbody>{body}</tbody></table>'
    )


def _count_cell(count: int, drafts: int) -> str:
    if not drafts:
        return str(count)
    return f'{count} <span class="cb-badge">{drafts} DRAFT{"" if drafts == 1 else "S"}</span>'


def map_block(counts: dict[str, int], href: Callable[[str], str], *, drafts: dict[str, int] | None = None) -> str:
    """Map, attribution and text alternative as one HTML block for a Markdown page.

    When most cases are European, a map of Europe comes first (Europe is small on a world map) and the
    world map follows it. ``drafts`` (a preview only; see :func:`world_map_svg`) counts the drafts among
    ``counts``; with any, the caption says that the shading counts them.
    """
    data = geometry()
    view = europe_view(counts)
    europe = "" if view is None else (
        '<figure class="cb-map-figure cb-map-figure--region">'
        + world_map_svg(counts, href, label="Cases by country in Europe", view=view, drafts=drafts)
        + "<figcaption>Europe</figcaption></figure>\n"
    )
    world = "The whole world. " if view is not None else ""
    shading = "number of published cases"
    if drafts:
        shading = "number of cases, drafts included (this preview shows drafts; a built site never does)"
    return (
        europe
        + '<figure class="cb-map-figure">'
        + world_map_svg(counts, href, drafts=drafts)
        + f'<figcaption>{world}Shading: {shading}. {html_attr(data["attribution"])}</figcaption>'
        + "</figure>\n<details class=\"cb-map-alt\"><summary>The map as a table</summary>\n"
        + map_table(counts, href, drafts=drafts)
        + "\n</details>\n"
    )


def case_counts(country_lists: list[list[str]]) -> dict[str, int]:
    """Number of cases per country code, given each case's countries."""
    counts: dict[str, int] = {}
    for codes in country_lists:
        for code in set(codes):
            counts[code] = counts.get(code, 0) + 1
    return dict(sorted(counts.items()))
