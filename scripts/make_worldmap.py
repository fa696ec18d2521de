"""Convert Natural Earth 110m country shapes (world-atlas TopoJSON) into the map data the site ships.

Run once when the geometry should change:

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/make_worldmap.py package/countries-110m.json src/casebook/data/world-110m.json

The output maps ISO 3166-1 alpha-2 codes to SVG path strings in an Equal Earth projection, so the
build draws the map without reading TopoJSON or projecting anything. Shapes without an ISO numeric
code in the source (e.g. Kosovo, Northern Cyprus, Somaliland) and Antarctica are left out.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pycountry

WIDTH = 1000.0
ATTRIBUTION = (
    "Country shapes: Natural Earth 1:110m Admin 0 countries (public domain, naturalearthdata.com), "
    "as TopoJSON from the world-atlas package 2.0.2 (ISC licence, Copyright 2013-2019 Michael Bostock); "
    "Equal Earth projection."
)

A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


XMAX = equal_earth(180, 0)[0]
YMAX = equal_earth(0, 90)[1]
SCALE = WIDTH / (2 * XMAX)


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(ring: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def unwrap(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Rings cut at the antimeridian (Russia, Fiji) mix -180 and 180: put them all on the ring's side."""
    if not any(abs(a[0] - b[0]) > 180 for a, b in zip(points, points[1:], strict=False)):
        return points
    east = sum(lon > 0 for lon, _ in points) * 2 >= len(points)
    return [((180.0 if east else -180.0) if (lon < 0) == east else lon, lat) for lon, lat in points]


def ring_path(points: list[tuple[float, float]]) -> str:
    points = unwrap(points)
    out: list[str] = []
    last: tuple[int, int] | None = None
    for lon, lat in points:
        x, y = equal_earth(lon, lat)
        px = round((x + XMAX) * SCALE * 10)
        py = round((YMAX - y) * SCALE * 10)
        if last is None:
            out.append(f"M{px / 10:g} {py / 10:g}")
        elif (px, py) != last:
            dx, dy = (px - last[0]) / 10, (py - last[1]) / 10
            out.append(f"l{dx:g} {dy:g}")
        last = (px, py)
    return "".join(out) + "z" if len(out) > 2 else ""


def main(source: Path, target: Path) -> None:
    topology = json.loads(source.read_text("utf-8"))
    arcs = decode_arcs(topology)
    shapes: dict[str, str] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric = geometry.get("id")
        country = pycountry.countries.get(numeric=numeric) if numeric else None
        if country is None or country.alpha_2 == "AQ":
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        path = "".join(ring_path(ring_points(ring, arcs)) for polygon in polygons for ring in polygon)
        shapes[country.alpha_2] = shapes.get(country.alpha_2, "") + path
    height = round((YMAX - equal_earth(0, -60)[1]) * SCALE)  # Antarctica left out: crop at 60°S
    data = {
        "attribution": ATTRIBUTION,
        "viewBox": f"0 0 {WIDTH:g} {height}",
        "countries": dict(sorted(shapes.items())),
    }
    target.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
