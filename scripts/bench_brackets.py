"""How the cost of a case grows with its body when the body is a pathological run of brackets.

Python-Markdown finds the end of a link by scanning forward from each ``[``; unmatched, every opener
is scanned to the end of its paragraph and a paragraph costs time quadratic in its length (8 KB of
``[`` took 9 s). ``core/linearinline.py`` replaces those scans. This script shows the result for each
family of the issue (unmatched ``[``, ``![``, ``[^``, ``[@``, ``](``, ``][``, and nesting), and for runs
of backticks that close no code span, at each size (default 25 KB and 1 MB):

- **convert**: the body's Markdown conversion alone, in this process, with the site's extensions and
  the citation extension (what grows with the body);
- **validate**: ``casebook validate`` of a small site holding that case (a subprocess, as the
  pull-request check runs it), wall time and CPU time;
- **build**: ``mkdocs build --strict`` of that site (a subprocess, search index off), wall and CPU time
  (without ``--strict`` for the dense families below, whose words and tags are warnings).

The conversion is timed in CPU seconds: on a shared machine the load changes wall times more than the
work does. The bar of 60 s is on wall time.

The site is ``make_corpus.py``'s with one synthetic case, plus the pathological case: valid
front-matter, a paragraph of 400 ordinary words, then the family's paragraph (at "1000 KB", as much of
it as a case file may hold: 1,000,000 bytes in all). It prints a table and
each family's ratio of the largest size's cost to the smallest's; it exits 1 if a step takes longer
than 60 s, if validate or build costs more than 40 times as much at the largest size, or if the
conversion grows more than a quarter faster than the size.
``--upstream`` adds the conversion with Python-Markdown's own processors (up to 32 KB: it is quadratic).
``--dense`` adds paragraphs dense with other elements (``*a*``, citations, tags, escapes): Python-Markdown's
own inline loop is quadratic in them, and ``casebook validate`` refuses them at 1 MB (E122).

    python scripts/bench_brackets.py                       # every family, 25 KB and 1 MB
    python scripts/bench_brackets.py --sizes 32,256 --families "[,]("  --convert-only
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import markdown

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_corpus  # noqa: E402
from casebook.citations.inline import CitationExtension, CitationState  # noqa: E402
from casebook.core.frontmatter import MAX_FILE_BYTES  # noqa: E402
from casebook.core.linearinline import LinearInlineExtension  # noqa: E402
from casebook.core.markdownsetup import read_markdown_setup  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
EPOCH = "1700000000"
#: The issue's bar: every step of every size under this many seconds, and 1 MB at most 40 times 25 KB.
LIMIT_SECONDS = 60.0
MAX_GROWTH = 40.0
#: Each family's paragraph: the unit repeated up to the size. "nest" puts every opener inside the others;
#: "deep" is one bracket nested as deep as the size allows ("[[[...]]]"); "ticks" is runs of 1, 2, 3...
#: backticks, no two alike, so that none closes a code span (Python-Markdown scanned on from each).
FAMILIES: dict[str, str] = {
    "[": "[",
    "![": "![",
    "[^": "[^",
    "[@": "[@",
    "](": "](",
    "][": "][",
    "nest": "[![[^[@](][",
    "[x](": "[x](",
    "deep": "",
    "ticks": "",
}
#: Not brackets: paragraphs dense with elements, quadratic in Python-Markdown's own inline loop, which
#: ``casebook validate`` refuses (E122) at 1 MB (``--dense``).
DENSE: dict[str, str] = {"*a*": "*a* ", "[@key]": "[@KEY] ", "<b>": "<b>x</b> ", "\\*": "\\*"}
SLUG = "zz-pathological"


def paragraph(family: str, size: int) -> str:
    """``size`` bytes of the family's pathological paragraph."""
    if family == "deep":
        return "[" * (size // 2) + "]" * (size - size // 2)
    if family == "ticks":
        parts, length, total = [], 1, 0
        while total + length + 3 <= size:
            parts.append("`" * length + " x ")
            total += length + 3
            length += 1
        return "".join(parts) + "x" * (size - total)
    unit = FAMILIES.get(family) or DENSE[family].replace("KEY", make_corpus.make_bibliography(1, 1)[0].key)
    return (unit * (size // len(unit) + 1))[:size]


def case_text(body: str) -> str:
    words = " ".join(["coordination"] * 400)
    return (
        "---\n"
        'title: "A pathological body (synthetic)"\n'
        'summary: "Synthetic case generated for benchmarking: its body is a run of brackets."\n'
        'type: "profile"\n'
        'status: "published"\n'
        'countries: ["MX"]\n'
        'policy_areas: ["central-government"]\n'
        'mechanisms: ["one-stop-shop"]\n'
        "period:\n"
        "  start: 2001\n"
        'authors: ["Test Author"]\n'
        "---\n\n"
        f"{words}\n\n{body}\n"
    )


def converter(upstream: bool = False) -> markdown.Markdown:
    """A Markdown parser as the build makes one: the site's extensions, citations, the linear processors."""
    setup = read_markdown_setup(REPO)
    extensions: list[object] = [*setup.extensions, CitationExtension(CitationState())]
    if not upstream:
        extensions.append(LinearInlineExtension())
    return markdown.Markdown(extensions=extensions, extension_configs=setup.configs)


def time_convert(text: str, upstream: bool = False) -> float:
    """CPU seconds of this process (a shared machine's load changes wall time more than the work)."""
    md = converter(upstream)
    start = time.process_time()
    md.convert(text)
    return time.process_time() - start


def child_env() -> dict[str, str]:
    return dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, NO_MKDOCS_2_WARNING="1",
                PYTHONWARNINGS="ignore::DeprecationWarning")


def timed(cmd: list[str], cwd: Path) -> tuple[float, float, int, str, str]:
    """Wall seconds, CPU seconds (the command and its own subprocesses), exit code, stdout and the end of stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, cwd=cwd, env=child_env(), capture_output=True, text=True,
                              timeout=LIMIT_SECONDS * 5)
        code, out, err = done.returncode, done.stdout, done.stderr[-600:]
    except subprocess.TimeoutExpired:
        code, out, err = -1, "", "timed out"
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, code, out, err


def site_with(work: Path, body: str) -> Path:
    site = make_corpus.write_site(work, 1, 50, seed=1)
    config = (site / "mkdocs.yml").read_text("utf-8")
    (site / "mkdocs.yml").write_text(
        make_corpus._replace_block(config, "plugins", ["plugins:", "  - casebook:", "      search_index: false", ""]),
        encoding="utf-8")
    (site / "cases" / f"{SLUG}.md").write_text(case_text(body), encoding="utf-8")
    return site


def measure(family: str, size: int, *, convert_only: bool, upstream: bool) -> dict[str, object]:
    # A case file may hold at most MAX_FILE_BYTES: the largest body is what fits beside the rest of the case.
    size = min(size, MAX_FILE_BYTES - len(case_text("").encode("utf-8")))
    body = paragraph(family, size)
    row: dict[str, object] = {"family": family, "bytes": size}
    if family not in DENSE:  # (a dense megabyte takes minutes to convert: what matters is that validate refuses it)
        # The best of three: what the conversion costs, without what other processes cost it.
        row["convert"] = min(time_convert(body) for _ in range(3))
    if upstream and size <= 32 * 1024:
        row["upstream"] = time_convert(body, upstream=True)
    if convert_only:
        return row
    with tempfile.TemporaryDirectory(prefix="casebook-brackets-") as tmp:
        site = site_with(Path(tmp) / "site", body)
        for step, cmd in (("validate", [sys.executable, "-m", "casebook.cli", "validate"]),
                          # The dense families carry warnings (too many words, raw HTML): --strict would stop at them.
                          ("build", [sys.executable, "-m", "mkdocs", "build",
                                     *([] if family in DENSE else ["--strict"])])):
            seconds, cpu, code, out, err = timed(cmd, site)
            row[step] = seconds
            row[f"{step}_cpu"] = cpu
            if step == "validate":
                # The case's own errors (FILE:LINE: CODE message): a refused case names itself.
                row["refused"] = sorted({line.split(": ", 2)[1].split()[0] for line in out.splitlines()
                                         if line.startswith(f"cases/{SLUG}.md:") and ": E" in line})
            if code != 0 and not row.get("refused"):
                row[f"{step}_error"] = err
        page = site / "site" / "cases" / SLUG / "index.html"
        row["published"] = page.is_file()
    return row


def table(rows: list[dict[str, object]], steps: list[str]) -> str:
    head = ["family", "size"] + steps + ["outcome"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [f"`{row['family']}`", f"{row['bytes']:,} bytes"]
        cells += [f"{row[s]:.3f} s" if isinstance(row.get(s), float) else "-" for s in steps]
        refused = row.get("refused")
        cells.append(f"refused ({', '.join(refused)})" if refused  # type: ignore[arg-type]
                     else "published" if row.get("published") else "-")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="25,1000", help="body sizes in KB (1 KB = 1,000 bytes), comma-separated")
    parser.add_argument("--families", default=",".join(FAMILIES), help="comma-separated, from: " + " ".join(FAMILIES))
    parser.add_argument("--dense", action="store_true", help="add the dense families, which validate refuses: "
                        + " ".join(DENSE))
    parser.add_argument("--convert-only", action="store_true", help="time the conversion only, no subprocesses")
    parser.add_argument("--upstream", action="store_true", help="also convert with Python-Markdown's processors")
    parser.add_argument("--json", type=Path, default=None, help="write the measurements here too")
    args = parser.parse_args(argv)
    sizes = [int(s) * 1000 for s in args.sizes.split(",")]
    families = [f for f in args.families.split(",") if f] + (list(DENSE) if args.dense else [])
    unknown = [f for f in families if f not in FAMILIES and f not in DENSE]
    if unknown:
        parser.error(f"unknown families: {unknown}")
    steps = ["convert"] + (["upstream"] if args.upstream else []) + (
        [] if args.convert_only else ["validate", "validate_cpu", "build", "build_cpu"])
    rows = []
    for family in families:
        for size in sizes:
            row = measure(family, size, convert_only=args.convert_only, upstream=args.upstream)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    print(table(rows, steps))
    failed = False
    print()
    for family in families:
        mine = [r for r in rows if r["family"] == family]
        small, large = mine[0], mine[-1]
        growth = float(large["bytes"]) / float(small["bytes"])  # type: ignore[arg-type]
        ratios = {s: float(large[s]) / float(small[s]) for s in steps if s != "upstream"  # type: ignore[arg-type]
                  and isinstance(large.get(s), float) and isinstance(small.get(s), float)}
        print(f"`{family}`: {large['bytes']:,} bytes over {small['bytes']:,} ({growth:.1f}x) costs "
              + ", ".join(f"{s} {r:.1f}x" for s, r in ratios.items()))
        # The bar for the bracket families: validate and build of the largest size cost at most 40 times
        # the smallest's (at 1 MB over 25 KB); and the conversion grows with the size (a quarter over it is cache
        # effects and noise; quadratic growth would be 40 times over). The dense families are refused instead.
        if len(sizes) > 1 and family not in DENSE:
            failed |= any(r > MAX_GROWTH for s, r in ratios.items() if s != "convert")
            failed |= ratios.get("convert", 0) > 1.25 * growth
    for row in rows:
        slow = [s for s in steps if isinstance(row.get(s), float) and float(row[s]) > LIMIT_SECONDS]  # type: ignore[arg-type]
        errors = [s for s in ("validate", "build") if f"{s}_error" in row]
        if row.get("refused"):
            print(f"`{row['family']}` {row['bytes']:,} bytes: refused by casebook validate "
                  f"({', '.join(row['refused'])})")  # type: ignore[arg-type]
        if slow or errors or (row.get("published") is False and not row.get("refused")):
            failed = True
            print(f"`{row['family']}` {row['bytes']} bytes: over {LIMIT_SECONDS:.0f} s: {slow}; failed: {errors}; "
                  f"published: {row.get('published')}")
            for step in errors:
                print(row[f"{step}_error"])
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
