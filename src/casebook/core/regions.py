"""UN M49 geographic regions of countries, read from the data file shipped with the package.

pycountry knows names and codes but not regions; ``data/m49.csv`` maps every ISO 3166-1 alpha-2 code
(except Antarctica, which M49 places in no region) to its M49 region and sub-region.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "m49.csv"


@dataclass(frozen=True)
class Region:
    region_code: str
    region: str
    sub_region_code: str
    sub_region: str
    intermediate_region_code: str = ""
    intermediate_region: str = ""


#: Where a code without an M49 region is listed.
UNASSIGNED = Region("999", "Other", "999", "Other")


@lru_cache(maxsize=1)
def regions() -> dict[str, Region]:
    """Every alpha-2 code with an M49 region."""
    lines = [line for line in DATA.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    table: dict[str, Region] = {}
    for row in csv.DictReader(lines):
        table[row["alpha2"]] = Region(
            region_code=row["region_code"],
            region=row["region"],
            sub_region_code=row["sub_region_code"],
            sub_region=row["sub_region"],
            intermediate_region_code=row["intermediate_region_code"],
            intermediate_region=row["intermediate_region"],
        )
    return table


def region_of(code: str) -> Region:
    return regions().get(code, UNASSIGNED)
