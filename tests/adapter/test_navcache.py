"""The nav drawer and tabs of pages outside the nav are rendered once and reused (navcache.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support import build
from support.corpus import corpus, site_bytes

pytestmark = pytest.mark.build

#: A hook on page_context (that changes nothing): with it the plugin is not alone on templates, so
#: every page's nav is rendered by Material's own partials, as without the plugin's cache.
HOOK = "def on_page_context(context, page, config, nav):\n    return context\n"


def test_the_cached_nav_is_byte_for_byte_the_nav_material_renders(tmp_path: Path) -> None:
    cached = corpus(tmp_path / "cached", 0)
    result = build(cached, "--verbose")
    assert result.returncode == 0, result.stderr[-2000:]
    counts = re.search(r"casebook: nav and tabs rendered (\d+) time\(s\) for (\d+) page\(s\)", result.stderr)
    assert counts is not None
    rendered, asked = int(counts.group(1)), int(counts.group(2))
    assert asked > 100 and rendered < asked / 4  # each case page reuses the first one's markup

    uncached = corpus(tmp_path / "uncached", 0)
    (uncached / "hooks.py").write_text(HOOK, encoding="utf-8")
    config = uncached / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + "\nhooks:\n  - hooks.py\n", encoding="utf-8")
    result = build(uncached, "--verbose")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "casebook: nav and tabs rendered" not in result.stderr
    built, expected = site_bytes(cached / "site"), site_bytes(uncached / "site")
    assert built.keys() == expected.keys()
    assert [name for name in built if built[name] != expected[name]] == []


def test_links_to_bibliography_entries_are_checked_though_the_list_skips_markdown(tmp_path: Path) -> None:
    # /bibliography/'s list of entries is a generated block (no Markdown parsing, blockstash.py); MkDocs
    # still knows each entry's anchor, so a link to an entry passes --strict and a link to no entry fails it.
    site = corpus(tmp_path / "site", 0)
    key = re.search(r"^@\w+\{([^,]+),", (site / "bibliography.bib").read_text("utf-8"), re.M)
    assert key is not None
    (site / "docs" / "links.md").write_text(
        f"# Links\n\n[An entry](bibliography.md#{key.group(1)}) and [no entry](bibliography.md#no-such-entry).\n",
        encoding="utf-8")
    result = build(site)
    assert result.returncode == 1
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1 and "#no-such-entry" in warnings[0], warnings
    html = (site / "site" / "bibliography" / "index.html").read_text("utf-8")
    assert f'<li id="{key.group(1)}" class="cb-bib-entry">' in html and "CASEBOOK-BLOCK" not in html
