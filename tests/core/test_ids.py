"""Ids in generated pages: the BibTeX key grammar, and heading ids kept clear of the theme's and the plugin's."""

from __future__ import annotations

import pytest
from markdown import Markdown
from markdown.extensions.toc import slugify

from casebook.citations.inline import parse_citation
from casebook.core.ids import PLUGIN_IDS, guarded_slugify, key_problem, suggest_key


@pytest.mark.parametrize(
    "key",
    ["benavides2012", "traction-guatemala-mfr", "doe:2020.a", "Smith_2010", "2020report", "a", "x_"],
)
def test_keys_in_the_grammar_are_accepted_and_can_be_cited(key: str) -> None:
    assert key_problem(key) is None
    assert parse_citation(f"@{key}, p. 3") is not None and parse_citation(f"@{key}")[0].key == key  # type: ignore[index]


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [
        ("__config", "config"), ("__search", "search"), ("_drawer", "drawer"), ("case-title", "ref-case-title"),
        ("bibliography", "ref-bibliography"), ('odd"key', "odd-key"), ("Müller 2020", "Muller-2020"),
        ("doe2020.", "doe2020"), ("-x", "x"), ("a/b", "a-b"), ("a+b", "a-b"), ("é", "e"), ("日本", "ref-1"),
        ("cb-compare", "ref-cb-compare"), ("cb-ex-filters", "ref-cb-ex-filters"),
    ],
)
def test_keys_outside_the_grammar_or_reserved_are_refused_with_a_valid_suggestion(key: str, suggestion: str) -> None:
    assert key_problem(key) is not None
    assert suggest_key(key) == suggestion and key_problem(suggestion) is None


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        # Ordinary headings keep the id they always had.
        ("Why it emerged", "why-it-emerged"), ("Lessons", "lessons"), ("A __config b", "a-__config-b"), ("", ""),
        # Ids the theme's scripts read, and the plugin's own, are not given to a heading.
        ("__config", "h-config"), ("__search", "h-search"), ("_", "h"), ("__", "h"),
        ("_private", "h-private"), ("Case title", "h-case-title"), ("CB explore", "h-cb-explore"),
        ("Key messages", "h-key-messages"), ("CB compare", "h-cb-compare"),
    ],
)
def test_the_guarded_slugify_changes_only_reserved_ids(heading: str, expected: str) -> None:
    guarded = guarded_slugify(slugify)
    assert guarded(heading, "-") == expected
    assert guarded_slugify(guarded) is guarded  # wrapped once, however often on_config runs


def test_markdown_headings_never_take_a_reserved_id() -> None:
    md = Markdown(extensions=["toc"], extension_configs={"toc": {"slugify": guarded_slugify(slugify)}})
    html = md.convert("## \\_\\_config\n\n## Case title\n\n## _\n\n## _\n\n## Lessons\n")
    ids = [token["id"] for token in md.toc_tokens]  # type: ignore[attr-defined]
    assert ids == ["h-config", "h-case-title", "h", "h_1", "lessons"]
    assert not any(i.startswith("_") or i in PLUGIN_IDS for i in ids)
    assert 'id="h-config"' in html
