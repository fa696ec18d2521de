"""Entries as CSL-JSON items: names, dates, types, decoded TeX, and no unsafe address passed on."""

from __future__ import annotations

import json

from casebook.bibliography import csl_items, parse_bibliography
from casebook.bibliography.csl import TYPES, csl_item
from casebook.site.datafiles import json_file

BIB = r"""
@article{doe2020,
  author = {Doe, Jane and van der Berg, Jan and Smith, Jr., John and {World Bank}},
  title = {Caf\'e {Coordination} in \emph{Practice}},
  journal = {Journal of \"Ubung},
  volume = {12}, number = {3}, pages = {45--67},
  year = {2020}, month = mar,
  doi = {https://doi.org/10.1000/xyz},
  url = {https://example.org/a_b},
  urldate = {2026-01-05},
  language = {spanish},
}
@book{parent, title = {The Handbook}, editor = {Roe, Richard}, publisher = {Press}, address = {Oslo}, year = {2019}}
@incollection{child, author = {Poe, Ann}, title = {A Chapter}, crossref = {parent}, pages = {1--2}}
@phdthesis{thesis, author = {Ng, Li}, title = {On Joined-Up Government}, school = {University of Bergen}, year = {2012}}
@techreport{report, author = {{OECD}}, title = {Report}, institution = {OECD}, type = {Working Paper}, number = {7},
  year = {forthcoming}}
@misc{bad, author = {X, Y}, title = {</script><script>alert(1)</script>}, url = {javascript:alert(1)},
  howpublished = {Web page}, date = {2021-07}}
@misc{nodate, title = {Undated}, howpublished = {https://example.org/page}}
@online{web, title = {A Site}, url = {http://example.com/x}}
@standard{odd, title = {A Standard}}
@weird{weird, title = {Weird Type}}
"""


def items() -> dict[str, dict[str, object]]:
    bib = parse_bibliography(BIB.encode(), "bibliography.bib")
    assert bib.data is not None
    return {item["id"]: item for item in csl_items(list(bib.data.entries.keys()), bib.data)}  # type: ignore[misc]


def test_an_article_becomes_a_journal_article_with_decoded_text() -> None:
    item = items()["doe2020"]
    assert item == {
        "id": "doe2020",
        "citation-key": "doe2020",
        "type": "article-journal",
        "author": [
            {"family": "Doe", "given": "Jane"},
            {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"},
            {"family": "Smith", "given": "John", "suffix": "Jr."},
            {"literal": "World Bank"},
        ],
        "title": "Café Coordination in Practice",
        "container-title": "Journal of Übung",
        "volume": "12",
        "issue": "3",
        "page": "45-67",
        "issued": {"date-parts": [[2020, 3]]},
        "accessed": {"date-parts": [[2026, 1, 5]]},
        "DOI": "10.1000/xyz",
        "URL": "https://example.org/a_b",
        "language": "es",
    }


def test_crossref_theses_and_reports_map_to_their_csl_fields() -> None:
    found = items()
    assert found["child"]["type"] == "chapter"
    assert found["child"]["container-title"] == "The Handbook"  # inherited from the crossref parent
    assert found["child"]["publisher"] == "Press" and found["child"]["publisher-place"] == "Oslo"
    assert found["child"]["editor"] == [{"family": "Roe", "given": "Richard"}]
    assert found["thesis"]["type"] == "thesis" and found["thesis"]["genre"] == "PhD thesis"
    assert found["thesis"]["publisher"] == "University of Bergen"
    report = found["report"]
    assert (report["type"], report["genre"], report["number"], report["publisher"]) == (
        "report", "Working Paper", "7", "OECD")
    assert report["issued"] == {"literal": "forthcoming"}
    assert found["web"]["type"] == "webpage" and found["web"]["URL"] == "http://example.com/x"
    assert found["odd"]["type"] == "standard"
    assert found["weird"]["type"] == "document"  # an unknown type is a misc entry


def test_no_address_but_http_is_passed_on_and_text_stays_text() -> None:
    found = items()
    bad = found["bad"]
    assert "URL" not in bad  # javascript: never reaches a reader's tool
    assert bad["title"] == "</script><script>alert(1)</script>"  # text, as written
    assert bad["publisher"] == "Web page"
    assert bad["issued"] == {"date-parts": [[2021, 7]]}
    published = json_file(bad)
    assert "<" not in published and ">" not in published
    assert json.loads(published)["title"] == bad["title"]
    # A bare address under howpublished is the address, not a publisher; an undated work has no issued date.
    assert found["nodate"]["URL"] == "https://example.org/page"
    assert "publisher" not in found["nodate"] and "issued" not in found["nodate"]


def test_every_type_given_is_one_the_schema_allows() -> None:
    assert {str(item["type"]) for item in items().values()} <= TYPES


def test_keys_the_bibliography_lacks_are_left_out_and_order_is_kept() -> None:
    bib = parse_bibliography(BIB.encode(), "bibliography.bib")
    assert bib.data is not None
    assert [i["id"] for i in csl_items(["thesis", "missing", "doe2020"], bib.data)] == ["thesis", "doe2020"]
    assert csl_item("web", bib.data.entries["web"], bib.data)["title"] == "A Site"
