"""Countries grouped by UN M49 region (Africa, Americas, Asia, Europe, Oceania), for the explorer.

Source: United Nations Statistics Division, "Standard country or area codes for statistical use
(M49)", region level. pycountry names the countries; this module only groups their codes.
"""

from __future__ import annotations

from functools import lru_cache

#: M49 regions in the order the explorer lists them, each with its ISO 3166-1 alpha-2 codes.
M49_REGIONS: dict[str, str] = {
    "Africa": (
        "DZ EG LY MA SD TN EH IO BI KM DJ ER ET KE MG MW MU YT MZ RE RW SC SO SS TZ UG ZM ZW AO CM CF TD CG CD "
        "GQ GA ST BW SZ LS NA ZA BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG TF"
    ),
    "Americas": (
        "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI BZ CR SV GT HN MX "
        "NI PA AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE BM CA GL PM US"
    ),
    "Asia": (
        "KZ KG TJ TM UZ CN HK MO KP JP MN KR BN KH ID LA MY MM PH SG TH TL VN AF BD BT IN IR MV NP PK LK AM AZ "
        "BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE TW"
    ),
    "Europe": (
        "BY BG CZ HU PL MD RO RU SK UA AX DK EE FO FI GG IS IE IM IT JE LV LT NO SJ SE GB AL AD BA HR GI GR VA "
        "MT ME MK PT SM RS SI ES AT BE FR DE LI LU MC NL CH"
    ),
    "Oceania": "AU NZ HM NF CC CX UM FJ NC PG SB VU GU KI MH FM NR MP PW AS CK PF NU PN WS TK TO TV WF",
}

OTHER = "Other"


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    return {code: region for region, codes in M49_REGIONS.items() for code in codes.split()}


def region_of(code: str) -> str:
    """The M49 region of an alpha-2 code; ``Other`` for codes outside M49's regions (e.g. AQ)."""
    return _lookup().get(code, OTHER)


def region_order() -> list[str]:
    return [*M49_REGIONS, OTHER]
