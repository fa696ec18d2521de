"""Benchmarks: the casebook build against a plain Material build of the same Markdown, and more.

For each N (default 100, 1,000 and 2,000) it writes a synthetic corpus twice (``make_corpus.py``):
a Casebook site built with the casebook plugin and all its pages, and the same case Markdown as
plain pages with the same theme and no casebook plugin. It runs four builds, several times each:

- (a) the casebook build, its Pagefind search index included;
- (a') the same with ``search_index: false`` (no Pagefind step);
- (a1) the casebook build with ``workers: 0``: every page rendered in MkDocs' own process, as MkDocs
  alone would (at N = 1,000 only, once: it shows what the worker processes save);
- (b) plain Material with its default ``search`` plugin (what MkDocs runs when ``plugins`` is absent):
  the primary baseline;
- (b0) plain Material with ``plugins: []``: no search at all.

Each build is a fresh ``python -m mkdocs build`` subprocess whose wall time and peak memory (``wait4``,
the indexer subprocess included) are measured. (b) runs right after (a) in each repetition (the order
is reversed every other one). It reports (a)/(b) from the best times, the median times and the median
of each repetition's pair (a shared machine's speed drifts over minutes; a pair sees the same
conditions), and also (a)/(b0), (a')/(b0) and (a')/(b), seconds per case, peak memory, the size of
``site/`` and the HTML bytes per case page. (b0) runs up to N = 1,000.
It also times ``casebook validate`` on N cases, bibliography formatting at M = 1,000 and 5,000
entries, and a ``mkdocs serve``-style rebuild after editing one case, with a profile
showing whether any time goes to pybtex.

    make bench                        # the whole run (about 12 minutes on 2 cores)
    python scripts/bench.py --sizes 1000 --reps 1 --only-builds            # the four builds, once
    python scripts/bench.py --sizes 1000 --variants plugin,plain_search    # (a) against (b) only
    python scripts/bench.py --quick   # small sizes, to check the harness
    python scripts/bench.py --profile 1000   # cProfile of one plugin build, top entries

Results: a table on stdout and ``bench-results/bench.json``.
"""

from __future__ import annotations

import argparse
import collections
import functools
import importlib
import inspect
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_corpus  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench-results"
EPOCH = "1700000000"

TARGETS = {
    "ratio_1000": 1.15,
    "growth_2000_over_1000": 2.1,
    "validate_1000_s": 2.0,
    "peak_rss_2000_mb": 1536,
}


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(SOURCE_DATE_EPOCH=EPOCH, NO_MKDOCS_2_WARNING="1", PYTHONWARNINGS="ignore::DeprecationWarning")
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


@dataclass
class Run:
    wall: float
    user: float
    sys: float
    peak_rss_mb: float
    returncode: int
    warnings: int
    stderr_tail: str


def measure(cmd: list[str], cwd: Path) -> Run:
    """Run ``cmd`` and return its wall time, CPU time and peak resident memory (this child alone)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=child_env(), stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    warnings = sum(1 for line in text.splitlines() if line.startswith("WARNING"))
    return Run(wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, warnings,
               "\n".join(text.splitlines()[-8:]))


def site_stats(site: Path) -> dict[str, Any]:
    total = files = 0
    for path in site.rglob("*"):
        if path.is_file():
            total += path.stat().st_size
            files += 1
    pages = sorted(site.glob("cases/*/index.html"))
    sizes = [p.stat().st_size for p in pages]
    search = sum(p.stat().st_size for p in (site / "search").rglob("*") if p.is_file()) if (site / "search").is_dir() \
        else 0
    pagefind = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file()) \
        if (site / "pagefind").is_dir() else 0
    return {
        "site_mb": total / 1e6,
        "files": files,
        "case_pages": len(pages),
        "html_per_case_kb": statistics.fmean(sizes) / 1e3 if sizes else 0.0,
        "search_index_mb": search / 1e6,
        "pagefind_mb": pagefind / 1e6,
    }


@dataclass
class SizeResult:
    n: int
    entries: int
    plugin: list[Run] = field(default_factory=list)
    plugin_nopf: list[Run] = field(default_factory=list)
    plugin_serial: list[Run] = field(default_factory=list)
    plain: list[Run] = field(default_factory=list)
    plain_search: list[Run] = field(default_factory=list)
    plugin_site: dict[str, Any] = field(default_factory=dict)
    plain_site: dict[str, Any] = field(default_factory=dict)
    validate: list[Run] = field(default_factory=list)

    def best(self, variant: str) -> float:
        return min(r.wall for r in getattr(self, variant))

    def median(self, variant: str) -> float:
        return statistics.median(r.wall for r in getattr(self, variant))

    def peak(self, variant: str) -> float:
        return max(r.peak_rss_mb for r in getattr(self, variant))

    def cpu(self, variant: str) -> float:
        return min(r.user + r.sys for r in getattr(self, variant))

    def paired(self, a: str, b: str) -> float | None:
        """The median over repetitions of ``a``'s time over ``b``'s in the same repetition (run one after the other)."""
        runs_a, runs_b = getattr(self, a), getattr(self, b)
        if not runs_a or len(runs_a) != len(runs_b):
            return None
        return round(statistics.median(x.wall / y.wall for x, y in zip(runs_a, runs_b, strict=True)), 3)

    def ratio(self, a: str, b: str, how: str = "best") -> float | None:
        if not getattr(self, a) or not getattr(self, b):
            return None
        if how == "cpu":
            return round(self.cpu(a) / self.cpu(b), 3)
        return round(getattr(self, how)(a) / getattr(self, how)(b), 3)

    def summary(self) -> dict[str, Any]:
        runs = {v: getattr(self, v) for v in VARIANTS}
        return {
            "n": self.n,
            "entries": self.entries,
            **{f"{v}_s": [round(r.wall, 2) for r in rs] for v, rs in runs.items()},
            **{f"{v}_cpu_s": [round(r.user + r.sys, 2) for r in rs] for v, rs in runs.items()},
            **{f"{v}_peak_mb": round(max(r.peak_rss_mb for r in rs), 1) for v, rs in runs.items() if rs},
            # The primary ratio: (a) the casebook build, Pagefind included, against (b) a plain Material
            # build with Material's default ``search`` plugin (what MkDocs runs when ``plugins`` is absent).
            "ratio_best": self.ratio("plugin", "plain_search"),
            "ratio_median": self.ratio("plugin", "plain_search", "median"),
            "ratio_cpu": self.ratio("plugin", "plain_search", "cpu"),
            "ratio_paired": self.paired("plugin", "plain_search"),
            # The same build against (b0), plain Material with no search at all.
            "ratio_best_vs_nosearch": self.ratio("plugin", "plain"),
            "ratio_median_vs_nosearch": self.ratio("plugin", "plain", "median"),
            # Every page rendered in MkDocs' own process (``workers: 0``) against (b).
            "ratio_serial_vs_search": self.ratio("plugin_serial", "plain_search"),
            # Without the Pagefind step (``search_index: false``) against (b0): rendering alone.
            "ratio_nopf_vs_nosearch": self.ratio("plugin_nopf", "plain"),
            "ratio_nopf_vs_search": self.ratio("plugin_nopf", "plain_search"),
            "plugin_s_per_case": round(self.best("plugin") / self.n, 4),
            "plain_s_per_case": round(self.best("plain") / self.n, 4) if self.plain else None,
            "plugin_peak_mb": round(self.peak("plugin"), 1),
            "plugin_site": self.plugin_site,
            "plain_site": self.plain_site,
            "warnings": {v: max(r.warnings for r in rs) for v, rs in runs.items() if rs},
            "validate_s": [round(r.wall, 3) for r in self.validate],
            "validate_cpu_s": [round(r.user + r.sys, 3) for r in self.validate],
        }


def log(message: str) -> None:
    load = os.getloadavg()[0]
    print(f"[{time.strftime('%H:%M:%S')} load {load:.1f}] {message}", file=sys.stderr, flush=True)


#: The builds compared, in the order they run (every other repetition in reverse): (a) ``plugin`` the
#: casebook build with its Pagefind index; (b) ``plain_search`` plain Material with its default
#: ``search`` plugin (the primary baseline), run right after (a) so that each repetition gives a pair
#: measured under the same conditions of a shared machine; (a') ``plugin_nopf`` the casebook build
#: with ``search_index: false``; (a1) ``plugin_serial`` with ``workers: 0``; (b0) ``plain`` plain
#: Material with ``plugins: []`` (no search at all).
VARIANTS = ("plugin", "plain_search", "plugin_nopf", "plugin_serial", "plain")
#: (a1) runs at these sizes only, once.
SERIAL_AT = (1000,)
#: (b0) runs up to this size: above it no target uses it, and the time goes to a second repetition.
PLAIN_UP_TO = 1000
LABELS = {
    "plugin": "(a) casebook + Pagefind",
    "plugin_serial": "(a1) casebook + Pagefind, workers: 0",
    "plugin_nopf": "(a') casebook, search_index: false",
    "plain_search": "(b) plain Material + search plugin",
    "plain": "(b0) plain Material, no search",
}
CONFIGS = {"plugin": "mkdocs.yml", "plugin_nopf": "mkdocs.nopf.yml", "plugin_serial": "mkdocs.serial.yml",
           "plain_search": "mkdocs.search.yml", "plain": "mkdocs.yml"}


def write_variant_configs(plugin_root: Path, plain_root: Path) -> None:
    """Beside each corpus's ``mkdocs.yml``: the casebook config without Pagefind, the plain config with search."""
    text = (plugin_root / "mkdocs.yml").read_text("utf-8")
    block = make_corpus._block(text, "plugins") or []
    if [line.strip() for line in block if line.strip()] != ["plugins:", "- casebook"]:
        raise SystemExit(f"unexpected plugins block in the corpus config: {block}")
    write_casebook_config(plugin_root, "plugin_nopf", "search_index: false")
    write_casebook_config(plugin_root, "plugin_serial", "workers: 0")
    plain = (plain_root / "mkdocs.yml").read_text("utf-8")
    (plain_root / CONFIGS["plain_search"]).write_text(
        make_corpus._replace_block(plain, "plugins", ["plugins:", "  - search", ""]), encoding="utf-8")


def write_casebook_config(root: Path, variant: str, option: str) -> None:
    """Beside the corpus's ``mkdocs.yml``, the config of ``variant``: the same with one casebook plugin option."""
    text = (root / "mkdocs.yml").read_text("utf-8")
    (root / CONFIGS[variant]).write_text(
        make_corpus._replace_block(text, "plugins", ["plugins:", "  - casebook:", f"      {option}", ""]),
        encoding="utf-8")


def build_cmd(site_dir: Path, config: str = "mkdocs.yml") -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "-f", config, "-d", str(site_dir)]


def check(run: Run, what: str) -> None:
    if run.returncode != 0:
        raise SystemExit(f"{what} failed (exit {run.returncode}):\n{run.stderr_tail}")


def bench_size(n: int, reps: int, work: Path, seed: int, variants: tuple[str, ...] = VARIANTS,
               validate: bool = True) -> SizeResult:
    entries = max(n, 50)
    result = SizeResult(n, entries)
    log(f"N={n}: writing the corpus ({entries} bibliography entries)")
    plugin = make_corpus.write_site(work / f"plugin-{n}", n, entries, seed=seed)
    plain = make_corpus.write_site(work / f"plain-{n}", n, entries, seed=seed, variant="plain")
    write_variant_configs(plugin, plain)
    roots = {"plugin": plugin, "plugin_nopf": plugin, "plugin_serial": plugin, "plain_search": plain, "plain": plain}
    for rep in range(reps):
        order = list(variants) if rep % 2 == 0 else list(reversed(variants))
        for variant in order:
            if variant == "plugin_serial" and (rep > 0 or n not in SERIAL_AT):
                continue
            if variant == "plain" and n > PLAIN_UP_TO and "plain_search" in variants:
                continue
            out = work / f"site-{variant}-{n}"
            shutil.rmtree(out, ignore_errors=True)
            run = measure(build_cmd(out, CONFIGS[variant]), roots[variant])
            check(run, f"{variant} build at N={n}")
            getattr(result, variant).append(run)
            log(f"N={n} rep {rep + 1}/{reps} {LABELS[variant]}: {run.wall:.1f} s, {run.peak_rss_mb:.0f} MB, "
                f"{run.warnings} warning(s)")
    result.plugin_site = site_stats(work / f"site-plugin-{n}")
    plain_variant = next((v for v in ("plain_search", "plain") if v in variants), None)
    result.plain_site = site_stats(work / f"site-{plain_variant}-{n}") if plain_variant else {}
    for variant in variants:
        if not getattr(result, variant):
            continue
        found = site_stats(work / f"site-{variant}-{n}")["case_pages"]
        if found != n:
            raise SystemExit(f"expected {n} case pages, {variant} has {found}")
    for _ in range(3 if validate else 0):
        run = measure([sys.executable, "-m", "casebook.cli", "validate"], plugin)
        check(run, f"casebook validate at N={n}")
        result.validate.append(run)
    if result.validate:
        log(f"N={n}: validate best {min(r.wall for r in result.validate):.2f} s")
    for variant in variants:
        shutil.rmtree(work / f"site-{variant}-{n}", ignore_errors=True)
    return result


# --- Bibliography formatting ----------------------------------------------------------------------

BIB_CHILD = r'''
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
path = Path(sys.argv[1])
try:
    from casebook.bibliography import load_bibliography
except ImportError:
    load_bibliography = None
t1 = time.perf_counter()
problems = None
if load_bibliography is None:
    import pybtex.database
    from pybtex.plugin import find_plugin
    data = pybtex.database.parse_file(str(path))
    t2 = time.perf_counter()
    style = find_plugin("pybtex.style.formatting", "unsrt")()
    backend = find_plugin("pybtex.backends", "html")()
    count = len([entry.text.render(backend) for entry in style.format_entries(data.entries.values())])
    t3 = time.perf_counter()
    again = 0.0
    api = "pybtex unsrt + html backend"
else:
    bib = load_bibliography(path, "bibliography.bib")
    t2 = time.perf_counter()
    count = len(bib.formatted())
    t3 = time.perf_counter()
    load_bibliography(path, "bibliography.bib").formatted()
    again = time.perf_counter() - t3
    problems = len(bib.problems)
    api = "casebook.bibliography (house style)"
print(json.dumps({"api": api, "import_s": t1 - t0, "parse_s": t2 - t1, "format_s": t3 - t2, "total_s": t3 - t1,
                  "unchanged_reload_s": again, "entries": count, "problems": problems}))
'''


def bench_bibliography(sizes: list[int], work: Path, seed: int) -> list[dict[str, Any]]:
    results = []
    for m in sizes:
        folder = work / f"bib-{m}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "bibliography.bib"
        path.write_text(make_corpus.bibliography_text(make_corpus.make_bibliography(seed, m)), encoding="utf-8")
        with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
            handle.write(BIB_CHILD)
        out = folder / "out.json"
        cmd = [sys.executable, "-c", f"import runpy,sys; sys.argv=['x', {str(path)!r}]; "
               f"sys.stdout=open({str(out)!r}, 'w'); runpy.run_path({handle.name!r})"]
        run = measure(cmd, folder)
        os.unlink(handle.name)
        check(run, f"bibliography formatting at M={m}")
        detail = json.loads(out.read_text())
        results.append({"m": m, "wall_s": round(run.wall, 2), "peak_mb": round(run.peak_rss_mb, 1), **detail})
        log(f"bibliography M={m}: {detail['total_s']:.2f} s ({detail['api']})")
    return results


# --- Serve-style rebuild ---------------------------------------------------------------------------

PYBTEX_MODULES = [
    "pybtex.database", "pybtex.database.input", "pybtex.database.input.bibtex", "pybtex.style",
    "pybtex.style.formatting",
    "pybtex.style.formatting.unsrt", "pybtex.style.names", "pybtex.style.names.plain", "pybtex.style.labels",
    "pybtex.style.sorting", "pybtex.richtext", "pybtex.backends", "pybtex.backends.html", "pybtex.backends.plaintext",
    "pybtex.markup", "pybtex.scanner", "pybtex.textutils", "pybtex.errors",
]


def count_pybtex_calls() -> collections.Counter[str]:
    """Wrap every function and method defined in pybtex with a call counter (before anything imports them).

    ``pybtex.utils`` (the dictionaries that cached entries live in) is left out: reading a cached
    bibliography goes through them, and that is not parsing or formatting.
    """
    counts: collections.Counter[str] = collections.Counter()

    def wrap(function: Any, name: str) -> Any:
        @functools.wraps(function)
        def counted(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            return function(*args, **kwargs)
        return counted

    for module_name in PYBTEX_MODULES:
        try:
            importlib.import_module(module_name)
        except ImportError:
            continue
    for module_name, module in sorted(sys.modules.items()):
        if not module_name.startswith("pybtex") or module_name == "pybtex.utils" or module is None:
            continue
        for attr, value in list(vars(module).items()):
            if inspect.isfunction(value) and value.__module__ == module_name:
                setattr(module, attr, wrap(value, f"{module_name}.{attr}"))
            elif inspect.isclass(value) and value.__module__ == module_name:
                for method_name, method in list(vars(value).items()):
                    if inspect.isfunction(method):
                        setattr(value, method_name, wrap(method, f"{module_name}.{value.__name__}.{method_name}"))
    return counts


def serve_child(root: Path) -> dict[str, Any]:
    """Build like ``mkdocs serve`` does (config reloaded each time, plugins kept), editing one case between builds.

    pybtex's functions are wrapped with counters first, so the result says how many pybtex calls
    each build made: many in the first, none in a rebuild with an unchanged bibliography.
    """
    counts = count_pybtex_calls()
    os.chdir(root)
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site_dir = tempfile.mkdtemp(prefix="casebook-serve-")

    def get_config():  # type: ignore[no-untyped-def]
        return load_config(config_file=str(root / "mkdocs.yml"), site_dir=site_dir)

    def builder() -> None:
        config = get_config()
        config.site_url = "http://127.0.0.1:8000/"
        build(config, serve_url="http://127.0.0.1:8000/", dirty=False)

    def calls() -> dict[str, Any]:
        found = dict(counts)
        counts.clear()
        top = dict(sorted(found.items(), key=lambda kv: -kv[1])[:6])
        return {"pybtex_calls": sum(found.values()), "pybtex_functions": top}

    config = get_config()
    config.plugins.on_startup(command="serve", dirty=False)
    plugins_before = {name: id(p) for name, p in config.plugins.items()}
    case = sorted((root / "cases").glob("*.md"))[0]
    original = case.read_text("utf-8")
    result: dict[str, Any] = {}
    def search_ready(start: float) -> float | None:
        """Under serve the search index is built after the pages, in the background: wait for it."""
        background = getattr(get_config().plugins.get("casebook"), "background", None)
        if background is None:
            return None
        background.wait()
        return round(time.perf_counter() - start, 2)

    start = time.perf_counter()
    build(config, serve_url="http://127.0.0.1:8000/", dirty=False)
    result["first_build_s"] = round(time.perf_counter() - start, 2)
    result["first_search_ready_s"] = search_ready(start)
    result["first_build"] = calls()
    case.write_text(original + "\nOne more synthetic sentence, added to time a rebuild.\n", encoding="utf-8")
    start = time.perf_counter()
    builder()
    result["rebuild_s"] = round(time.perf_counter() - start, 2)
    result["rebuild_search_ready_s"] = search_ready(start)
    result["rebuild"] = calls()
    config = get_config()
    result["plugins_kept"] = all(id(config.plugins[name]) == ident for name, ident in plugins_before.items()
                                 if name in config.plugins)
    config.plugins.on_shutdown()
    case.write_text(original, encoding="utf-8")
    shutil.rmtree(site_dir, ignore_errors=True)
    return result


def bench_serve(n: int, work: Path, seed: int) -> dict[str, Any]:
    root = work / f"plugin-{n}"
    if not root.exists():
        make_corpus.write_site(root, n, max(n, 50), seed=seed)
    out = work / f"serve-{n}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--serve-child", str(root), "--serve-out", str(out)]
    run = measure(cmd, root)
    check(run, f"serve-style rebuild at N={n}")
    detail = json.loads(out.read_text())
    detail.update(n=n, peak_mb=round(run.peak_rss_mb, 1))
    log(f"serve rebuild N={n}: pages {detail['rebuild_s']} s, search {detail.get('rebuild_search_ready_s')} s; "
        "pybtex calls cold "
        f"{detail['first_build']['pybtex_calls']}, rebuild {detail['rebuild']['pybtex_calls']}")
    return detail


# --- Profile ---------------------------------------------------------------------------------------

def profile_build(n: int, work: Path, seed: int, top: int) -> dict[str, Any]:
    root = work / f"plugin-{n}"
    if not root.exists():
        make_corpus.write_site(root, n, max(n, 50), seed=seed)
    # Serially (workers: 0): cProfile sees one process, and the profile then shows all the work.
    write_casebook_config(root, "plugin_serial", "workers: 0")
    RESULTS.mkdir(exist_ok=True)
    prof = RESULTS / f"build-{n}.prof"
    site = work / f"site-profile-{n}"
    run = measure([sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "mkdocs", "build", "-f",
                   CONFIGS["plugin_serial"], "-d", str(site)], root)
    check(run, f"profiled build at N={n}")
    stats = pstats.Stats(str(prof))
    rows = []
    for order in ("tottime", "cumulative"):
        entries = sorted(stats.stats.items(), key=lambda kv: kv[1][2 if order == "tottime" else 3],  # type: ignore[attr-defined]
                         reverse=True)
        for (filename, line, name), (_cc, nc, tt, ct, _callers) in entries[:top]:
            rows.append({"order": order, "function": f"{_short(filename)}:{line}({name})", "calls": nc,
                         "tottime": round(tt, 3), "cumtime": round(ct, 3)})
    casebook = [
        {"function": f"{_short(f)}:{line}({name})", "calls": nc, "tottime": round(tt, 3), "cumtime": round(ct, 3)}
        for (f, line, name), (_cc, nc, tt, ct, _c) in sorted(stats.stats.items(), key=lambda kv: -kv[1][3])  # type: ignore[attr-defined]
        if f"{os.sep}casebook{os.sep}" in f
    ][:top]
    shutil.rmtree(site, ignore_errors=True)
    return {"n": n, "wall_s": round(run.wall, 2), "profile": str(prof), "top": rows, "casebook": casebook}


def _short(filename: str) -> str:
    for marker in ("site-packages/", "src/", "lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


# --- Report ----------------------------------------------------------------------------------------

def table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for k, row in enumerate(rows):
        lines.append("  ".join(cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths,
                                                                                                       strict=True))))
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def report(data: dict[str, Any]) -> str:
    out = []
    sizes = data.get("sizes", [])
    if sizes:
        def fmt(x: float | None) -> str:
            return "-" if x is None else f"{x:.2f}"

        rows = [["N", "build", "wall s per rep", "cpu s", "peak MB", "site MB", "HTML/case KB", "search MB"]]
        for s in sizes:
            for v in VARIANTS:
                if not s.get(f"{v}_s"):
                    continue
                site = s["plugin_site"] if v.startswith("plugin") else s["plain_site"]
                rows.append([f"{s['n']:,}", LABELS[v], "/".join(f"{x:.1f}" for x in s[f"{v}_s"]),
                             f"{min(s[f'{v}_cpu_s']):.1f}", f"{s[f'{v}_peak_mb']:.0f}",
                             f"{site['site_mb']:.1f}" if v in ("plugin", "plain_search") and site else "-",
                             f"{site['html_per_case_kb']:.1f}" if v in ("plugin", "plain_search") and site else "-",
                             f"{site['search_index_mb'] + site['pagefind_mb']:.1f}"
                             if v in ("plugin", "plain_search") and site else "-"])
        out += ["Builds of the same corpus (wall seconds per rep; cpu = user+sys of the best rep; site/search "
                "sizes of (a) and (b))", "", table(rows), ""]
        rows = [["N", "(a)/(b) best", "(a)/(b) median", "(a)/(b) pairs", "(a)/(b) cpu", "(a1)/(b)", "(a)/(b0) best",
                 "(a')/(b0) best", "(a')/(b) best", "s/case (a)", "validate s"]]
        for s in sizes:
            rows.append([f"{s['n']:,}", fmt(s["ratio_best"]), fmt(s["ratio_median"]), fmt(s.get("ratio_paired")),
                         fmt(s["ratio_cpu"]),
                         fmt(s.get("ratio_serial_vs_search")), fmt(s["ratio_best_vs_nosearch"]),
                         fmt(s["ratio_nopf_vs_nosearch"]), fmt(s["ratio_nopf_vs_search"]),
                         f"{s['plugin_s_per_case']:.4f}",
                         f"{min(s['validate_s']):.2f}" if s["validate_s"] else "-"])
        out += ["Ratios. (a) casebook build with Pagefind; (a1) the same with workers: 0 (one process); "
                "(a') (a) with search_index: false; "
                "(b) plain Material WITH its default search plugin (primary baseline); (b0) plain Material "
                "with plugins: [] (no search)", "", table(rows), ""]
    if data.get("bibliography"):
        rows = [["M", "wall s", "parse s", "format s", "unchanged reload s", "peak MB", "how"]]
        for b in data["bibliography"]:
            rows.append([f"{b['m']:,}", f"{b['wall_s']:.2f}", f"{b['parse_s']:.2f}", f"{b['format_s']:.2f}",
                         f"{b['unchanged_reload_s']:.3f}", f"{b['peak_mb']:.0f}", b["api"]])
        out += ["Bibliography formatting", "", table(rows), ""]
    if data.get("serve"):
        s = data["serve"]
        ready = s.get("rebuild_search_ready_s")
        out += [f"Serve-style rebuild at N={s['n']:,} after editing one case: pages served after {s['rebuild_s']:.2f} s"
                + (f", search index ready after {ready:.2f} s" if ready is not None else "")
                + f" (first build {s['first_build_s']:.2f} s; plugins kept: {s['plugins_kept']}); calls into pybtex: "
                f"first build {s['first_build']['pybtex_calls']:,}, rebuild {s['rebuild']['pybtex_calls']:,} "
                f"{s['rebuild']['pybtex_functions'] or ''}", ""]
    if data.get("targets"):
        rows = [["target", "limit", "measured", "met"]]
        for t in data["targets"]:
            met = "-" if t["met"] is None else "yes" if t["met"] else "NO"
            rows.append([t["target"], t["limit"], t["measured"], met])
        out += ["Targets", "", table(rows), ""]
    if data.get("profile"):
        p = data["profile"]
        rows = [["function", "calls", "tottime", "cumtime"]]
        rows += [[r["function"][:90], str(r["calls"]), f"{r['tottime']:.2f}", f"{r['cumtime']:.2f}"]
                 for r in p["top"] if r["order"] == "cumulative"]
        out += [f"Profile of one plugin build at N={p['n']:,} (cProfile, {p['wall_s']} s), by cumulative time", "",
                table(rows), ""]
        rows = [["function", "calls", "tottime", "cumtime"]]
        rows += [[r["function"][:90], str(r["calls"]), f"{r['tottime']:.2f}", f"{r['cumtime']:.2f}"]
                 for r in p["top"] if r["order"] == "tottime"]
        out += ["by own time", "", table(rows), ""]
        rows = [["casebook function", "calls", "tottime", "cumtime"]]
        rows += [[r["function"][:90], str(r["calls"]), f"{r['tottime']:.2f}", f"{r['cumtime']:.2f}"]
                 for r in p["casebook"]]
        out += ["casebook's own functions", "", table(rows), ""]
    return "\n".join(out)


def targets(data: dict[str, Any]) -> list[dict[str, Any]]:
    found = {s["n"]: s for s in data.get("sizes", [])}
    rows: list[dict[str, Any]] = []
    if 1000 in found:
        s = found[1000]
        if s["ratio_best"] is not None:
            rows.append({"target": "build ratio (a)/(b) at N=1,000, (b) = plain Material + search "
                                   "(best; median; median of pairs)",
                         "limit": "<= 1.15",
                         "measured": f"{s['ratio_best']:.2f}; {s['ratio_median']:.2f}; {s['ratio_paired']:.2f}",
                         "met": s["ratio_best"] <= TARGETS["ratio_1000"]})
        if s.get("ratio_serial_vs_search") is not None:
            rows.append({"target": "(a1)/(b) at N=1,000: the same with workers: 0, one process (one rep)",
                         "limit": "(shown)", "measured": f"{s['ratio_serial_vs_search']:.2f}", "met": None})
        if s["ratio_best_vs_nosearch"] is not None:
            rows.append({"target": "build ratio (a)/(b0) at N=1,000, (b0) = plain Material, no search (best)",
                         "limit": "<= 1.15", "measured": f"{s['ratio_best_vs_nosearch']:.2f}",
                         "met": s["ratio_best_vs_nosearch"] <= TARGETS["ratio_1000"]})
        if s["validate_s"]:
            v = min(s["validate_s"])
            rows.append({"target": "casebook validate, 1,000 cases (wall; cpu)", "limit": "< 2 s",
                         "measured": f"{v:.2f} s; {min(s['validate_cpu_s']):.2f} s",
                         "met": v < TARGETS["validate_1000_s"]})
    if 1000 in found and 2000 in found:
        a, b = found[1000], found[2000]
        growth = b["plugin_s"] and min(b["plugin_s"]) / min(a["plugin_s"])
        rows.append({"target": "build time N=2,000 / N=1,000 (plugin)", "limit": "<= 2.1",
                     "measured": f"{growth:.2f}", "met": growth <= TARGETS["growth_2000_over_1000"]})
        rows.append({"target": "peak memory of the plugin build at N=2,000", "limit": "< 1,536 MB",
                     "measured": f"{b['plugin_peak_mb']:.0f} MB",
                     "met": b["plugin_peak_mb"] < TARGETS["peak_rss_2000_mb"]})
    if len(found) >= 2:
        html = [found[n]["plugin_site"]["html_per_case_kb"] for n in sorted(found)]
        grows = max(html) > min(html) * 1.02
        rows.append({"target": "HTML per case page does not grow with N", "limit": "flat (within 2%)",
                     "measured": " / ".join(f"{h:.1f} KB" for h in html), "met": not grows})
    if data.get("serve"):
        s = data["serve"]
        rows.append({"target": "rebuild with unchanged bibliography spends no time in pybtex",
                     "limit": "0 pybtex calls",
                     "measured": f"{s['rebuild']['pybtex_calls']} calls ({s['first_build']['pybtex_calls']:,} in the "
                                 "first build)",
                     "met": s["rebuild"]["pybtex_calls"] == 0 and s["first_build"]["pybtex_calls"] > 0})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,2000", help="numbers of cases (default 100,1000,2000)")
    parser.add_argument("--reps", default="2,3,2", help="repetitions for each size (default 2,3,2)")
    parser.add_argument("--bib-sizes", default="1000,5000", help="bibliography entries to format (default 1000,5000)")
    parser.add_argument("--serve-n", type=int, default=1000,
                        help="cases for the serve-style rebuild (default 1000; 0: skip)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="also profile one plugin build at N")
    parser.add_argument("--only-profile", action="store_true", help="only the profile")
    parser.add_argument("--top", type=int, default=25, help="profile entries to show")
    parser.add_argument("--quick", action="store_true", help="small sizes to check the harness")
    parser.add_argument("--variants", default=",".join(VARIANTS),
                        help=f"builds to run, among {','.join(VARIANTS)} (default all)")
    parser.add_argument("--no-validate", action="store_true", help="skip timing casebook validate")
    parser.add_argument("--only-builds", action="store_true",
                        help="only the builds (no bibliography, serve or validate timing)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS / "bench.json")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpora")
    parser.add_argument("--serve-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--serve-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.serve_child:
        args.serve_out.write_text(json.dumps(serve_child(args.serve_child)))
        return 0
    if args.quick:
        args.sizes, args.reps, args.bib_sizes, args.serve_n = "20,60", "2,1", "100,300", 20
        args.profile = args.profile and 20
    sizes = [int(x) for x in args.sizes.split(",") if x]
    reps = [int(x) for x in args.reps.split(",") if x]
    reps += [reps[-1]] * (len(sizes) - len(reps))
    work = Path(tempfile.mkdtemp(prefix="casebook-bench-"))
    started = time.perf_counter()
    data: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "load_before": os.getloadavg(),
    }
    try:
        if not args.only_profile:
            variants = tuple(v for v in VARIANTS if v in args.variants.split(","))
            if "plugin" not in variants:
                raise SystemExit("--variants must include plugin")
            data["sizes"] = [bench_size(n, r, work, args.seed, variants,
                                        not (args.no_validate or args.only_builds)).summary()
                             for n, r in zip(sizes, reps, strict=True)]
        if not args.only_profile and not args.only_builds:
            data["bibliography"] = bench_bibliography([int(x) for x in args.bib_sizes.split(",") if x], work,
                                                      args.seed)
            if args.serve_n:
                data["serve"] = bench_serve(args.serve_n, work, args.seed)
        if args.profile or args.only_profile:
            data["profile"] = profile_build(args.profile or 1000, work, args.seed, args.top)
    finally:
        if args.keep:
            log(f"corpora kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    data["targets"] = targets(data)
    data["elapsed_s"] = round(time.perf_counter() - started, 1)
    data["load_after"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(report(data))
    print(f"elapsed {data['elapsed_s']:.0f} s; results in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
