"""The benchmark corpus generator: valid cases, a parseable bibliography, the same bytes for the same seed."""

from __future__ import annotations

from pathlib import Path

import pybtex.database
import yaml

from casebook.catalogue import Settings, load_catalogue
from casebook.core.validate import SECTIONS
from support import REPO
from support.corpus import make_corpus


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_corpus_is_valid_synthetic_and_reproducible(tmp_path: Path) -> None:
    first = make_corpus.write_site(tmp_path / "a", 5, 40, seed=7)
    second = make_corpus.write_site(tmp_path / "b", 5, 40, seed=7)
    assert files(first) == files(second)
    assert files(first) != files(make_corpus.write_site(tmp_path / "c", 5, 40, seed=8))

    catalogue = load_catalogue(Settings(root=first))
    assert [p.format_text() for p in catalogue.problems] == []
    assert len(catalogue.published) == 5
    bib = pybtex.database.parse_file(str(first / "bibliography.bib"))
    keys = set(bib.entries)
    assert len(keys) == 40
    for case in catalogue.cases:
        assert "synthetic" in case.summary.lower()
        words = len(case.body.split())
        assert 2500 <= words <= 3500, (case.slug, words)
        titles = [line[3:] for line in case.body.split("\n") if line.startswith("## ")]
        assert titles == list(SECTIONS)
        assert "\n### " in case.body and "\n| " in case.body and "\n- " in case.body and "\n1. " in case.body
        cited = {part.split(",")[0].strip().lstrip("@") for chunk in case.body.split("[@")[1:]
                 for part in ("@" + chunk.split("]")[0]).split(";")}
        assert cited and cited <= keys, cited - keys
    assert len({c.countries[0] for c in catalogue.cases}) > 1


def test_plain_variant_has_the_same_body_and_no_casebook_plugin(tmp_path: Path) -> None:
    plugin = make_corpus.write_site(tmp_path / "plugin", 3, 20, seed=3)
    plain = make_corpus.write_site(tmp_path / "plain", 3, 20, seed=3, variant="plain")
    def plugins(path: Path) -> list[str]:
        block = make_corpus._block(path.read_text("utf-8"), "plugins")
        items = yaml.safe_load("\n".join(block or ["plugins: []"]))["plugins"] or []
        return [item if isinstance(item, str) else next(iter(item)) for item in items]

    assert "casebook" in plugins(plugin / "mkdocs.yml")
    assert plugins(plain / "mkdocs.yml") == [p for p in plugins(REPO / "mkdocs.yml") if p != "casebook"]
    assert "name: material" in (plain / "mkdocs.yml").read_text("utf-8")
    for case in sorted((plugin / "cases").glob("*.md")):
        body = case.read_text("utf-8").split("\n---\n", 1)[1]
        page = (plain / "docs" / "cases" / case.name).read_text("utf-8")
        assert page.startswith("# ") and page.endswith(body.lstrip("\n"))
    assert not (plain / "cases").exists()


def test_refuses_to_write_into_the_repository() -> None:
    try:
        make_corpus.write_site(REPO / "cases" / "synthetic", 1)
    except SystemExit as exc:
        assert "refusing" in str(exc)
    else:
        raise AssertionError("wrote into the repository")
    assert not (REPO / "cases" / "synthetic").exists()
