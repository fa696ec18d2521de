"""The benchmark corpus of ``scripts/make_corpus.py``: loaded once, and written as the adapter tests build it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from support import REPO

_spec = importlib.util.spec_from_file_location("make_corpus", REPO / "scripts" / "make_corpus.py")
assert _spec is not None and _spec.loader is not None
make_corpus = importlib.util.module_from_spec(_spec)
sys.modules["make_corpus"] = make_corpus
_spec.loader.exec_module(make_corpus)


def corpus(root: Path, workers: int, broken_links: bool = False) -> Path:
    site = make_corpus.write_site(root, 40, 150, seed=3)
    text = (site / "mkdocs.yml").read_text("utf-8")
    (site / "mkdocs.yml").write_text(
        make_corpus._replace_block(text, "plugins", ["plugins:", "  - casebook:", f"      workers: {workers}", ""]),
        encoding="utf-8")
    if broken_links:
        for path in sorted((site / "cases").glob("*.md"))[::3]:
            path.write_text(path.read_text("utf-8") + "\nSee [elsewhere](nowhere.md).\n", encoding="utf-8")
    return site


def site_bytes(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
