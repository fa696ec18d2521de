"""Generated HTML blocks kept out of the Markdown parser (blockstash.py): put back once, never forged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casebook.core.blockstash import PREFIX, BlockStash
from support import make_site, run_mkdocs

BIB = r"""% Synthetic bibliography for tests: no entry describes a real work.
@book{synthetic:2001,
  author = {Synthetic, Author},
  title = {A Synthetic Book about CASEBOOK-BLOCK-0},
  publisher = {Synthetic Press},
  year = {2001}
}
"""

HEAD = """---
title: "Synthetic placeholder case"
summary: "Synthetic fixture: CASEBOOK-BLOCK-0 in a summary."
type: "profile"
status: "published"
countries: ["MX"]
policy_areas: ["social-policy"]
mechanisms: ["cross-sectoral-programme"]
period:
  start: 2001
authors: ["Test Author"]
---
"""


#: The key of a build whose case had no forged placeholders: the best guess a contributor has.
GUESS = BlockStash(["Synthetic fixture text that cites [@synthetic:2001].\n"]).key


def forged_body(key: str) -> str:
    """Every way a contributor might write a placeholder: bare, as a paragraph, as raw HTML, escaped."""
    tokens = [f"{PREFIX}{n}" for n in range(3)] + [f"{PREFIX}{key}-{n}" for n in range(3)]
    lines = ["Synthetic fixture text that cites [@synthetic:2001].", ""]
    for token in tokens:
        lines += [token, "", f"<p>{token}</p>", "", token.replace("-", "\\-"), ""]
    return "\n".join(lines) + "\n"


def test_each_block_is_put_back_once() -> None:
    stash = BlockStash(["a contributor's text"])
    markdown = "# Title\n" + stash("<div>one</div>") + "Body.\n" + stash("<ul><li>two</li></ul>")
    html = "".join(f"<p>{part.strip()}</p>" if part.strip().startswith(PREFIX) else part
                   for part in re.split(r"(\n\n.*?\n\n)", markdown))
    restored = stash.restore(html)
    assert "<div>one</div>" in restored and "<ul><li>two</li></ul>" in restored
    assert PREFIX not in restored
    # A second occurrence of a placeholder is not filled: each block is used once.
    assert stash.restore(html) == html


def test_the_key_depends_on_every_contributed_text() -> None:
    assert BlockStash(["a"]).key != BlockStash(["b"]).key
    assert BlockStash(["a", "b"]).key != BlockStash(["ab"]).key
    assert BlockStash(["a"]).key == BlockStash(["a"]).key


def test_a_placeholder_with_another_key_is_left_as_text() -> None:
    stash = BlockStash(["x"])
    stash("<div>secret</div>")
    other = BlockStash(["y"])
    forged = f"<p>{PREFIX}{other.key}-0</p>"
    assert stash.restore(forged) == forged


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = make_site(tmp_path_factory.mktemp("blocks") / "site", keep_fixture_cases=False)
    (site / "bibliography.bib").write_text(BIB, encoding="utf-8")
    (site / "cases" / "mx-placeholders.md").write_text(HEAD + "\n" + forged_body(GUESS), encoding="utf-8")
    (site / "cases" / "mx-other.md").write_text(
        HEAD.replace("Synthetic placeholder case", "Synthetic other case") + "\nSynthetic text [@synthetic:2001].\n",
        encoding="utf-8")
    result = run_mkdocs(site, "build")  # not --strict: the forged placeholders are warned about, rightly
    assert result.returncode == 0, result.stderr
    return site / "site"


@pytest.mark.build
def test_a_contributor_cannot_inject_or_duplicate_a_block(built: Path) -> None:
    page = (built / "cases" / "mx-placeholders" / "index.html").read_text("utf-8")
    article = page.split("<article", 1)[1].split("</article>", 1)[0]
    # One header card, one references list, one "cite this case", one related-cases list: no more.
    assert article.count('class="cb-card"') == 1
    assert article.count('<h1 id="case-title"') == 1
    assert article.count('class="cb-cite-case"') == 1
    assert article.count('class="cb-list"') == 1
    assert article.count("A Synthetic Book about") == 1
    # The forged placeholders stay as the text the contributor wrote, in the order they wrote it.
    assert article.count(f"<p>{PREFIX}0</p>") == 3  # as text, as raw HTML, and backslash-escaped
    assert article.count(f"<p>{PREFIX}{GUESS}-0</p>") == 3
    # The header card comes first, the generated sections last, after the contributor's text.
    assert article.index('class="cb-card"') < article.index("Synthetic fixture text that cites")
    assert article.rindex(f"<p>{PREFIX}") < article.index('id="references"') < article.index('class="cb-cite-case"')


@pytest.mark.build
def test_no_placeholder_of_the_build_reaches_the_site(built: Path) -> None:
    real_keys = set()
    for path in sorted(built.rglob("*.html")):
        for found in re.findall(r"CASEBOOK-BLOCK-([0-9a-f]{24})-\d+", path.read_text("utf-8")):
            real_keys.add(found)
    # Only the contributor's guessed key appears (as their text); the build's own key never does.
    assert len(real_keys) == 1


@pytest.mark.build
def test_generated_headings_stay_in_the_table_of_contents(built: Path) -> None:
    page = (built / "cases" / "mx-placeholders" / "index.html").read_text("utf-8")
    toc = page.split('class="md-nav md-nav--secondary"', 1)[1].split("</nav>", 1)[0]
    for anchor in ("#references", "#cite-this-case", "#related-cases"):
        assert f'href="{anchor}"' in toc


def test_restore_swaps_wrapped_bare_and_unknown_placeholders() -> None:
    stash = BlockStash(["synthetic"])
    tokens = [stash(f"<div>{i}</div>").strip() for i in range(5)]
    marker = PREFIX + stash.key
    html = (f"<p>a</p><p>{tokens[0]}</p><p>{tokens[1]}</p>{tokens[2]}<p>{tokens[3]} tail</p>"
            f"<p>{marker}-99</p>{marker}")
    assert stash.restore(html) == (
        f"<p>a</p><div>0</div><div>1</div><div>2</div><div>3</div> tail</p><p>{marker}-99</p>{marker}"
    )
    # Each block is used once: a second copy of a placeholder stays as it is.
    assert stash.restore(f"<p>{tokens[0]}</p><p>{tokens[4]}</p>") == f"<p>{tokens[0]}</p><div>4</div>"
