"""Benchmark: parse and format a synthetic 5,000-entry bibliography with the house style.

The entries are synthetic (generated here, describing no real works) but shaped like real exports:
Zotero/JabRef/Google Scholar types and fields, biblatex names (journaltitle, date, location,
@online, @report, @thesis), @string macros, crossref, LaTeX accents and commands, corporate authors,
URLs and DOIs. Prints the seconds for parsing, formatting, and a second (cached) load.

    python scripts/bench_bibliography.py [N]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from casebook.bibliography import load_bibliography, references_html

SURNAMES = ["Garc{\\'\\i}a", "M{\\\"u}ller", "Pe{\\~n}a", "Lægreid", "Bouckaert", "O'Reilly", "van der Berg",
            "Benavides Rinc{\\'o}n", "Nørgaard", "Smith", "Çelik", "Dvořák", "Ng", "de la Fuente"]
GIVEN = ["Ana", "J.", "Per", "Guillermina", "B. Guy", "Kim", "Jos{\\'e} Luis", "Zo{\\\"e}", "T."]
CORPORATE = ["{{Secretaría de Desarrollo Social}}", "{{OECD}}", "{{Banco Interamericano de Desarrollo}}",
             "{{Ministério da Saúde}}", "{{World Bank}}"]
WORDS = ["Coordination", "of", "Public", "Sector", "Organizations", "in", "{M}{\\'e}xico", "and", "{S}ão {P}aulo",
         "\\emph{joined-up}", "Government", "Networks", "la", "política", "social", "{NAV}", "Reform", "Agencies"]


def person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)}, {rng.choice(GIVEN)}"


def entry(i: int, rng: random.Random) -> str:
    kind = rng.choice(["article", "article", "book", "incollection", "inproceedings", "online", "report",
                       "phdthesis", "misc", "techreport", "thesis"])
    authors = " and ".join(person(rng) for _ in range(rng.randint(1, 4)))
    if rng.random() < 0.1:
        authors = rng.choice(CORPORATE)
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14)))
    fields = [f"author = {{{authors}}}", f"title = {{{title}}}"]
    year = rng.randint(1960, 2025)
    if rng.random() < 0.3:
        fields.append(f"date = {{{year}-{rng.randint(1, 12):02d}}}")
    elif rng.random() < 0.95:
        fields.append(f"year = {year}")
    if kind == "article":
        fields.append(rng.choice(["journal = jpart", "journaltitle = {Gestión y Política Pública}",
                                  "journal = {Public Administration}"]))
        fields += [f"volume = {rng.randint(1, 90)}", f"number = {rng.randint(1, 6)}",
                   f"pages = {{{rng.randint(1, 300)}--{rng.randint(301, 600)}}}"]
    elif kind in ("book", "incollection"):
        fields += ["publisher = {Palgrave Macmillan}", "location = {Basingstoke}"]
        if kind == "incollection":
            fields.append("booktitle = {The Coordination of Public Sector Organizations}")
            fields.append(f"editor = {{{person(rng)} and {person(rng)}}}")
    elif kind == "inproceedings":
        fields.append(f"crossref = {{proc{i % 10}}}")
    elif kind in ("report", "techreport"):
        fields += ["institution = {{Instituto Nacional de Salud P{\\'u}blica}}", f"number = {{{i}}}"]
    elif kind in ("phdthesis", "thesis"):
        fields += ["school = {Universidad Aut{\\'o}noma de Nuevo Le{\\'o}n}", "type = {phdthesis}"]
    if rng.random() < 0.4:
        fields.append(f"doi = {{10.{1000 + i}/synthetic.{i}}}")
    if rng.random() < 0.4 or kind == "online":
        fields.append(f"url = {{https://example.org/synthetic/{i}?q=a\\_b\\%20c}}")
        fields.append("urldate = {2024-01-15}")
    if rng.random() < 0.2:
        fields.append("note = {Synthetic entry for benchmarking, \\url{https://example.org/note}.}")
    body = ",\n  ".join(fields)
    return f"@{kind}{{synthetic{i},\n  {body}\n}}\n"


def corpus(n: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    head = ['% Synthetic bibliography for benchmarking: no entry describes a real work.\n',
            '@string{jpart = "Journal of Public Administration Research and Theory"}\n']
    procs = [f"@proceedings{{proc{k},\n  title = {{Proceedings of the Synthetic Conference {k}}},\n"
             f"  year = {{2010}},\n  publisher = {{Synthetic Press}},\n  address = {{Bergen}}\n}}\n" for k in range(10)]
    return "".join(head + procs + [entry(i, rng) for i in range(n - len(procs))])


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    text = corpus(n)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bibliography.bib"
        path.write_text(text, encoding="utf-8")
        cpu = time.process_time()
        start = time.perf_counter()
        bib = load_bibliography(path, "bibliography.bib")
        parsed = time.perf_counter()
        formatted = bib.formatted()
        done = time.perf_counter()
        cpu_used = time.process_time() - cpu
        html = references_html(list(formatted)[:50], bib)
        again = time.perf_counter()
        load_bibliography(path, "bibliography.bib").formatted()
        cached = time.perf_counter()
    errors = [p for p in bib.problems if p.is_error]
    print(f"{len(formatted):,} entries ({len(text) / 1e6:.1f} MB): parse {parsed - start:.2f} s, "
          f"format {done - parsed:.2f} s, total {done - start:.2f} s wall ({cpu_used:.2f} s CPU); "
          f"unchanged reload {cached - again:.4f} s; {len(errors)} error(s), "
          f"{len(bib.problems) - len(errors)} warning(s); sample {len(html):,} bytes of HTML")
    for problem in bib.problems[:5]:
        print("  " + problem.format_text())
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
