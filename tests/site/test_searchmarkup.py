"""Search markup the site writes: folded spellings of a page's own words, and the parts Pagefind leaves out.

``tests/browser/test_search_spelling.py`` builds a site, runs Pagefind and searches it in Chromium.
"""

from __future__ import annotations

from casebook.adapter.pagefind import pagefind_command
from casebook.site.searchmarkup import (
    ALIASES_END,
    EXCLUDE_SELECTORS,
    aliases,
    fold,
    indexed_text,
    page_markup,
    search_aliases,
)


def test_folding_writes_names_as_readers_type_them() -> None:
    assert fold("Lægreid") == "laegreid"
    assert fold("Søren") == "soren" and fold("Søren", spelled=True) == "soeren"
    assert fold("Müller") == "muller" and fold("Müller", spelled=True) == "mueller"
    assert fold("Straße") == "strasse" and fold("Łódź") == "lodz" and fold("Þórður") == "thordur"
    assert fold("Ålesund", spelled=True) == "aalesund" and fold("OSLO") == "oslo"
    assert fold("Pe\u0301rez") == "perez"  # a decomposed accent too


def test_aliases_are_only_the_forms_pagefind_would_miss_as_often_as_their_words() -> None:
    # "Pôle" needs none: Pagefind drops accents itself. "Lægreid" twice gives "laegreid" twice (ranking).
    assert aliases(["Pôle", "emploi", "Lægreid", "Lægreid", "Søren", "Oslo", "2019"]) == [
        "laegreid", "laegreid", "soeren", "soren"]
    assert aliases(["Müller"]) == ["mueller"]  # "muller": Pagefind's own
    assert aliases(["Oslo", "coordination"]) == []


def test_the_aliases_element_is_hidden_weighted_and_ends_with_its_marker() -> None:
    markup = search_aliases("<p>Per Lægreid and Lise Rykkja, and Søren.</p>")
    assert markup == (f'<span data-pagefind-weight="0.5" hidden>laegreid soeren soren {ALIASES_END}</span>')
    assert search_aliases("<p>Only ASCII here, and Pôle emploi.</p>") == ""


def test_aliases_come_only_from_what_pagefind_indexes() -> None:
    html = (
        '<h2 id="x">Ærø<a class="headerlink" href="#x">¶</a></h2>'
        '<dl class="cb-card"><dt data-pagefind-ignore>Countries</dt><dd data-pagefind-ignore><a href="c/">Færøerne</a>'
        "</dd><dt data-pagefind-ignore>Organisations</dt><dd><ul><li>Næringsdepartementet</li></ul></dd></dl>"
        '<ul class="cb-list"><li><a href="x/">Related: Sørlandet</a></li></ul>'
        '<div class="cb-references"><p>Lægreid, P. 2010.</p></div>'
        "<script>var å = 'ø';</script><p>Tromsø<br>end</p>"
    )
    text = indexed_text(html)
    assert "Ærø" in text and "Næringsdepartementet" in text and "Tromsø" in text
    for left_out in ("¶", "Countries", "Færøerne", "Organisations", "Sørlandet", "Lægreid", "var"):
        assert left_out not in text, left_out
    assert aliases(text.split()) == ["aero", "aeroe", "naeringsdepartementet", "tromso", "tromsoe"]


def test_contributed_text_cannot_break_out_of_the_aliases() -> None:
    # Only folded ASCII letters and digits are ever written; markup in the page's text is text, never markup.
    markup = search_aliases("<p>&lt;/span&gt;&lt;script&gt;Æ&quot;onload=x</p>")
    assert markup.count("<") == 2 and "script" not in markup.replace("</span>", "")
    assert markup == f'<span data-pagefind-weight="0.5" hidden>ae {ALIASES_END}</span>'


def test_pagefind_leaves_out_the_permalink_symbols() -> None:
    assert ".headerlink" in EXCLUDE_SELECTORS
    command = pagefind_command(__import__("pathlib").Path("site"))
    assert command[command.index(".headerlink") - 1] == "--exclude-selectors"


def test_a_draft_is_marked_in_its_search_results() -> None:
    assert 'data-pagefind-meta="draft:DRAFT"' in page_markup("brief", draft=True)
    assert "draft" not in page_markup("brief")
