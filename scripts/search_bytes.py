"""Measure the search data a reader downloads, on a site of 1,000 synthetic cases of ~3,000 words.

    python scripts/search_bytes.py [--cases 1000] [--words 3000] [--keep DIR]

Builds the site in a temporary folder (synthetic cases from a deterministic generator: they describe
nothing real), serves it on 127.0.0.1, opens it in Chromium with Playwright, records every response
and reports the bytes fetched from the Pagefind bundle (``pagefind/``) and from the explorer's data
file: on the first page load, when the search box gets focus, and for a first query. Prints JSON.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

SECTIONS = (
    "Country background", "The coordination practice", "Why it emerged",
    "Enabling and constraining factors", "Effects", "Lessons",
)
COUNTRIES = ["NO", "MX", "GT", "DE", "FR", "GB", "NL", "DK", "SE", "FI", "EE", "IT", "ES", "PT", "CA", "AU", "NZ",
             "CL", "CO", "BR", "KE", "ZA", "IN", "JP", "KR"]


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    consonants, vowels = "bcdfghklmnprstvz", "aeiou"
    words = set()
    while len(words) < size:
        n = rng.randint(2, 4)
        words.add("".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(n)))
    return sorted(words)


def synthetic_case(index: int, rng: random.Random, vocab: list[str], mechanisms: list[str], areas: list[str],
                   words: int) -> str:
    countries = sorted(set(rng.sample(COUNTRIES, rng.randint(1, 2))))
    start = rng.randint(1980, 2015)
    lines = [
        "---",
        f'title: "Synthetic case {index:04d}: {" ".join(rng.sample(vocab, 4))}"',
        f'summary: "Synthetic benchmark case {index}; it describes nothing real. {" ".join(rng.sample(vocab, 20))}."',
        'type: "practice"',
        'status: "published"',
        "countries: [" + ", ".join(f'"{c}"' for c in countries) + "]",
        "policy_areas: [" + ", ".join(f'"{a}"' for a in sorted(rng.sample(areas, 2))) + "]",
        "mechanisms: [" + ", ".join(f'"{m}"' for m in sorted(rng.sample(mechanisms, 2))) + "]",
        "coordination:",
        f'  direction: ["{rng.choice(["horizontal", "vertical"])}"]',
        f'  modes: ["{rng.choice(["hierarchy", "market", "network"])}"]',
        f'  levels: ["{rng.choice(["national", "regional", "local"])}"]',
        "period:",
        f"  start: {start}",
        f"  end: {start + rng.randint(1, 10)}",
        'authors: ["Synthetic Author"]',
        f'updated: "2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"',
        "---",
        "",
    ]
    per_section = words // len(SECTIONS)
    for number, section in enumerate(SECTIONS):
        lines += [f"## {section}", ""]
        body = [rng.choice(vocab) for _ in range(per_section)]
        if number == 2:
            body[10] = f"uniqmarker{index:04d}"  # a word only this case contains
        for start_at in range(0, len(body), 80):
            lines += [" ".join(body[start_at:start_at + 80]) + ".", ""]
    return "\n".join(lines)


def make_site(dest: Path, count: int, words: int) -> Path:
    import yaml

    shutil.copytree(REPO / "tests/fixtures/site", dest)
    shutil.copytree(REPO / "taxonomy", dest / "taxonomy")
    for path in (dest / "cases").glob("*.md"):
        path.unlink()
    mechanisms = [m["id"] for m in yaml.safe_load((REPO / "taxonomy/mechanisms.yml").read_text())["mechanisms"]]
    areas = [a["id"] for a in yaml.safe_load((REPO / "taxonomy/policy-areas.yml").read_text())["policy_areas"]]
    rng = random.Random(20261126)
    vocab = vocabulary(rng)
    for i in range(count):
        (dest / "cases" / f"synthetic-{i:04d}.md").write_text(
            synthetic_case(i, rng, vocab, mechanisms, areas, words), encoding="utf-8"
        )
    return dest


def measure(site_dir: Path, case_page: str, query: str) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM, CHROMIUM_ARGS, serve_directory

    base, shutdown = serve_directory(site_dir)
    responses: list[tuple[str, int, int]] = []

    def record(response) -> None:  # type: ignore[no-untyped-def]
        try:
            body = response.body()
        except Exception:  # redirects and aborted responses have no body
            body = b""
        # The test server sends files as they are; a host that gzips text would send about this much.
        responses.append((response.url, len(body), len(gzip.compress(body, mtime=0))))

    def search_bytes(since: int) -> dict[str, object]:
        hits = [r for r in responses[since:] if "/pagefind/" in r[0]]
        return {"requests": len(hits), "bytes": sum(r[1] for r in hits),
                "bytes_if_gzipped": sum(min(r[1], r[2]) for r in hits),
                "files": {r[0].split("/pagefind/", 1)[1].split("?")[0]: r[1] for r in hits}}

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.on("response", record)
            page.goto(base + case_page, wait_until="networkidle")
            load = search_bytes(0)
            all_load = sum(r[1] for r in responses)
            third = [r[0] for r in responses if not r[0].startswith(base)]
            mark = len(responses)
            page.click("#cb-search-input")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(1500)
            focus = search_bytes(mark)
            mark = len(responses)
            page.fill("#cb-search-input", query)
            page.wait_for_selector(".cb-search__list li", timeout=60000)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(1500)
            first_query = search_bytes(mark)
            found = page.locator(".cb-search__list li a").first.inner_text()
            browser.close()
    finally:
        shutdown()
    bundle = sum(f.stat().st_size for f in (site_dir / "pagefind").rglob("*") if f.is_file())
    return {
        "page_load_search": load,
        "page_load_all_bytes": all_load,
        "third_party_requests": third,
        "focus_search_box": focus,
        "first_query": first_query,
        "first_query_text": query,
        "first_result": found,
        "pagefind_bundle_bytes_on_disk": bundle,
        "explorer_data_bytes": (site_dir / "explore/cases.json").stat().st_size,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--words", type=int, default=3000)
    parser.add_argument("--keep", help="build in this folder and keep it")
    args = parser.parse_args()
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="casebook-search-"))
    try:
        site = make_site(tmp / "site", args.cases, args.words)
        env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", NO_MKDOCS_2_WARNING="1")
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=site, env=env,
                                capture_output=True, text=True)
        if result.returncode != 0:
            sys.stderr.write(result.stderr[-4000:])
            return 1
        report = {"cases": args.cases, "words_per_case": args.words,
                  "build_seconds": round(time.perf_counter() - started, 1)}
        middle = args.cases // 2
        report.update(measure(site / "site", f"cases/synthetic-{middle:04d}/", f"uniqmarker{middle:04d}"))
        print(json.dumps(report, indent=2))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
