"""Write a synthetic Casebook site of N cases and M bibliography entries, for benchmarks.

Every case and every bibliography entry is invented: each case's summary says so. The output is a
complete site in a folder of its own (a temporary folder unless ``--out`` is given), never the
repository's ``cases/``:

- ``plugin`` variant: ``mkdocs.yml`` (the repository's, with its theme, plugins, nav and Markdown
  extensions; only the site name is replaced), ``docs/`` (a synthetic home page, and a stub for each
  hand-written page of the nav), ``cases/<slug>.md``,
  ``taxonomy/`` (a copy of the real vocabularies), ``briefs/`` (empty) and ``bibliography.bib``;
- ``plain`` variant (the baseline): the same case Markdown as plain ``docs/cases/<slug>.md`` pages
  (front-matter replaced by the title as a heading and the summary), the same theme, Markdown
  extensions and hand-written pages, the same plugins minus ``casebook``, the nav without the pages
  the plugin writes; the cases are not in the nav.

The same seed gives byte-identical files. Entry ``j`` depends only on the seed and its index; case
``i`` too, except for the entries it lists under ``references`` so that every entry is cited.

    python scripts/make_corpus.py --cases 100 --entries 300 --out /tmp/corpus
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pycountry
import yaml

from casebook.core.taxonomy import load_taxonomy
from casebook.core.validate import SECTIONS

REPO = Path(__file__).resolve().parents[1]
SYNTHETIC_NOTE = "Synthetic case generated for benchmarking; it describes no real practice, country or organisation."
TARGET_WORDS = (2800, 3200)

# --- Word lists -------------------------------------------------------------------------------

GIVEN = [
    "María José", "José Luis", "Ana Sofía", "Guillermina", "Joaquín", "Inés", "Raúl", "Lucía", "Sebastián",
    "Verónica", "João", "Conceição", "Antônio", "Fernanda", "Gonçalo", "Mônica", "Luís", "Beatriz",
    "Søren", "Åse", "Bjørn", "Kjersti", "Märta", "Jürgen", "Käthe", "Björn", "Zoë", "Renée", "François",
    "Hélène", "Agnès", "Jérôme", "Małgorzata", "Łukasz", "Zdeněk", "Tõnu", "Kadri", "Piret", "Eszter",
    "Gergő", "Mihai", "Ştefan", "Dorothée", "Niamh", "Siobhán", "Aoife", "Pedro", "Camila", "Tomás",
]
SURNAMES = [
    "Benavides Rincón", "Fernández", "García Márquez", "Núñez", "Peña", "Ibáñez", "Muñoz", "Gómez", "Álvarez",
    "Domínguez", "Sánchez Cerén", "da Silva", "dos Santos", "Gonçalves", "Magalhães", "Araújo", "Conceição",
    "Brandão", "de Oliveira", "Østergaard", "Sørensen", "Løvaas", "Æsøy", "Müller", "Schröder", "Weiß",
    "Günther", "Lefèvre", "Béranger", "Dubé", "Łukasiewicz", "Wójcik", "Dvořák", "Novák", "Tamm",
    "Põld", "Kõiv", "Szabó", "Kovács", "Ionescu", "Ó Briain", "Mac Giolla", "van der Berg", "de la Cruz",
    "Le Gall", "Christensen", "Lægreid", "Verhoest", "Bouckaert", "Peters",
]
CORPORATE = [
    "Banco Interamericano de Desarrollo", "Comisión Económica para América Latina y el Caribe",
    "Organisation for Economic Co-operation and Development", "World Bank", "Tribunal de Contas da União",
    "Instituto de Pesquisa Econômica Aplicada", "Consejo Nacional de Evaluación de la Política de Desarrollo Social",
    "Secretaría de Hacienda y Crédito Público", "Riksrevisionen", "Cour des comptes", "European Commission",
    "Centro Latinoamericano de Administración para el Desarrollo", "Ministério da Economia",
    "Statens vegvesen", "National Audit Office",
]
JOURNALS = [
    "Public Administration Review", "Revista del CLAD Reforma y Democracia", "Revista de Administração Pública",
    "Gestión y Política Pública", "Governance", "Public Management Review", "International Review of "
    "Administrative Sciences", "Revista de Gestión Pública", "Cadernos Gestão Pública e Cidadania",
    "Journal of Public Administration Research and Theory", "Policy and Society", "Administration & Society",
]
PUBLISHERS = [
    ("Fondo de Cultura Económica", "Ciudad de México"), ("Editora FGV", "Rio de Janeiro"),
    ("Palgrave Macmillan", "Basingstoke"), ("Oxford University Press", "Oxford"), ("Routledge", "London"),
    ("Edward Elgar", "Cheltenham"), ("Universitetsforlaget", "Oslo"), ("Siglo XXI Editores", "Madrid"),
    ("Edições 70", "Lisboa"), ("Presses de Sciences Po", "Paris"),
]
TITLES_EN = [
    "Coordinating across ministries: {x}", "Joined-up government and {x}", "The politics of {x}",
    "Lead agencies and {x}", "Whole-of-government reform and {x}", "Networks, hierarchies and {x}",
    "Performance budgeting and {x}", "Central steering and {x}",
]
TOPICS_EN = [
    "social cohesion", "conditional cash transfers", "one-stop shops", "regional development",
    "employment services", "health reform", "results-based management", "intergovernmental relations",
]
TITLES_ES = [
    "Coordinación interinstitucional en la política social de {p}", "La gestión por resultados en {p}: "
    "balance de una década", "Gobernanza multinivel y programas de transferencias en {p}",
    "Ventanillas únicas y atención ciudadana en {p}", "El presupuesto por resultados en {p}: lecciones y desafíos",
    "Evaluación de la coordinación intersectorial en {p}",
]
TITLES_PT = [
    "Coordenação governamental e políticas sociais no {p}", "Gestão por resultados no setor público: o caso do {p}",
    "Articulação federativa e implementação de programas no {p}", "Balcões únicos e integração de serviços no {p}",
    "Orçamento, planejamento e coordenação no {p}",
]
PLACES = ["México", "Brasil", "Chile", "Colombia", "Perú", "Guatemala", "Uruguay", "Paraguai", "Costa Rica"]

ORG_NAMES = [
    "Ministerio de Desarrollo Social", "Secretaría de Planificación y Programación", "Ministerio de Hacienda",
    "Instituto Nacional de Estadística", "Ministério do Desenvolvimento Social", "Secretaria de Gestão Pública",
    "Caixa Econômica Federal", "Ministère de l'Économie et des Finances", "Direction interministérielle de la "
    "transformation publique", "Bundesministerium für Arbeit und Soziales", "Bundesagentur für Arbeit",
    "Arbeids- og velferdsetaten", "Socialstyrelsen", "Försäkringskassan", "Valtiovarainministeriö",
    "Rahandusministeerium", "Ministerstwo Rodziny i Polityki Społecznej", "Consejo Nacional de Coordinación",
    "Oficina Nacional de Presupuesto", "Agência de Desenvolvimento Regional", "Comisión Interministerial",
    "Kommunenes Sentralforbund", "Prime Minister's Delivery Unit", "Cabinet Office", "Department of Health",
]
ROLES = [
    "chairs the coordination committee", "holds the shared budget line", "runs the joint information system",
    "delivers the service at local level", "evaluates the programme", "sets the common objectives",
    "hosts the secretariat", "represents the regional governments", "audits the joint accounts",
]
LESSONS = [
    "Agree the common objectives in writing before the organisations start to work together.",
    "A coordinating unit needs a budget of its own or it will be ignored by the line ministries.",
    "Shared information systems work only when each partner gains something from feeding them.",
    "Front-line staff must be trained in the new procedures, and kept in post long enough to use them.",
    "Hierarchy remains the fallback when negotiation between formally equal partners stalls.",
    "Vertical coordination with regions and municipalities needs its own forum and its own rules.",
    "Monitoring budget execution is not the same as monitoring the quality of services.",
]

SUBJECTS = [
    "The inter-ministerial committee", "The finance ministry", "The lead agency", "Regional authorities",
    "The planning secretariat", "Municipal offices", "The steering group", "Line ministries",
    "The delivery unit", "Programme managers", "The national statistics office", "Local health districts",
    "The social development ministry", "Frontline staff", "The joint working group", "Evaluators",
]
VERBS = [
    "negotiated", "reviewed", "adopted", "coordinated", "monitored", "redesigned", "financed", "reported on",
    "aligned", "shared", "contested", "supervised", "simplified", "documented", "postponed", "expanded",
]
OBJECTS = [
    "the operating rules of the programme", "a common set of indicators", "the annual budget ceilings",
    "the single registry of beneficiaries", "the division of tasks between levels of government",
    "the procedures for joint procurement", "the targets agreed with the regions", "the shared case files",
    "the timetable for the reform", "the protocols for information exchange", "the terms of the partnership",
    "the reporting cycle", "the allocation of staff", "the criteria for selecting municipalities",
]
QUALIFIERS = [
    "after two years of negotiation", "under pressure from the presidency", "with support from donors",
    "despite resistance from some agencies", "within the limits of the existing law", "in the pilot regions",
    "before the elections", "once the new government took office", "as the evaluations recommended",
    "without additional funding", "through a series of technical meetings", "on the basis of a formal agreement",
]
CONNECTIVES = ["However,", "In practice,", "At the same time,", "As a result,", "By contrast,", "Later,",
               "In the first phase,", "According to the interviews,", "Over time,", "In several regions,"]
H3_TITLES = [
    "Institutional setting", "Actors and their roles", "Instruments in use", "Early implementation",
    "Political context", "Resources and capacity", "Legal framework", "Information flows",
    "Accountability arrangements", "Outcomes for users", "Unintended effects", "Transferability",
    "Timeline", "Funding", "Staff and skills", "Relations with regions",
]


_TRANSLIT = str.maketrans({"Ø": "O", "ø": "o", "Æ": "AE", "æ": "ae", "ß": "ss", "Ł": "L", "ł": "l", "Đ": "D", "đ": "d"})


def ascii_slug(text: str) -> str:
    text = text.translate(_TRANSLIT)
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in plain).split())


def _acronym(name: str) -> str:
    words = [w for w in name.replace("'", " ").split() if w[:1].isupper()]
    return "".join(unicodedata.normalize("NFKD", w[0]).encode("ascii", "ignore").decode("ascii") for w in words)


# --- Bibliography ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    key: str
    text: str


def _person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)}, {rng.choice(GIVEN)}"


def _title(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.35:
        return "{" + rng.choice(TITLES_ES).format(p=rng.choice(PLACES)) + "}"
    if roll < 0.6:
        return "{" + rng.choice(TITLES_PT).format(p=rng.choice(["Brasil", "Ceará", "Paraná", "Pará"])) + "}"
    return rng.choice(TITLES_EN).format(x=rng.choice(TOPICS_EN))


def make_entry(seed: int, index: int) -> Entry:
    """The ``index``-th synthetic bibliography entry; its key is unique because it ends with the index."""
    rng = random.Random(f"bib:{seed}:{index}")
    year = rng.randint(1985, 2024)
    corporate = rng.random() < 0.15
    if corporate:
        org = rng.choice(CORPORATE)
        author = "{{" + org + "}}"
        stem = ascii_slug(org).split("-")[0]
    else:
        people = [_person(rng) for _ in range(rng.choice([1, 1, 1, 2, 2, 3]))]
        author = " and ".join(people) + (" and others" if rng.random() < 0.05 else "")
        stem = ascii_slug(people[0].split(",")[0]).replace("-", "")
    key = f"{stem}{year}-{index:05d}"
    kind = rng.choice(["article", "article", "article", "book", "incollection", "inproceedings", "techreport",
                       "phdthesis", "misc", "report"])
    if kind == "report":  # biblatex type; the house style reads BibTeX, so write it as a techreport
        kind = "techreport"
    fields: list[tuple[str, str]] = [("author", author), ("title", _title(rng)), ("year", str(year))]
    if kind == "article":
        fields += [("journal", rng.choice(JOURNALS)), ("volume", str(rng.randint(1, 80))),
                   ("number", str(rng.randint(1, 6))),
                   ("pages", f"{(p := rng.randint(1, 600))}--{p + rng.randint(8, 40)}")]
    elif kind in ("book", "incollection"):
        publisher, address = rng.choice(PUBLISHERS)
        if kind == "incollection":
            fields += [("booktitle", _title(rng).strip("{}")), ("editor", _person(rng)),
                       ("pages", f"{(p := rng.randint(1, 300))}--{p + rng.randint(10, 30)}")]
        fields += [("publisher", publisher), ("address", address)]
    elif kind == "inproceedings":
        fields += [("booktitle", f"Anais do {rng.randint(1, 30)}º Congresso de Administração Pública"),
                   ("address", rng.choice(["Brasília", "Santiago de Chile", "Lisboa", "Bogotá"]))]
    elif kind == "techreport":
        fields += [("institution", rng.choice(CORPORATE)), ("type", rng.choice(["Working paper", "Informe técnico",
                                                                                  "Nota técnica"])),
                   ("number", f"{rng.randint(1, 99)}/{year}")]
    elif kind == "phdthesis":
        fields += [("school", rng.choice(["Universidad de Chile", "Universidade de São Paulo",
                                          "Universitetet i Bergen", "Tallinna Tehnikaülikool"]))]
    else:
        fields += [("howpublished", "Web page"), ("note", "Synthetic entry for benchmarking.")]
    if rng.random() < 0.45:
        fields.append(("doi", f"10.{rng.randint(1000, 9999)}/{ascii_slug(stem)}.{year}.{index}"))
    if rng.random() < 0.4 or kind == "misc":
        host = rng.choice(["www.gob.mx", "www.ipea.gov.br", "repositorio.cepal.org", "www.oecd-ilibrary.org",
                           "publications.iadb.org", "www.regjeringen.no"])
        fields.append(("url", f"https://{host}/es/documentos/{ascii_slug(stem)}-{year}-{index}"))
        fields.append(("urldate", f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return Entry(key, f"@{kind}{{{key},\n{body}\n}}\n")


def make_bibliography(seed: int, count: int) -> list[Entry]:
    return [make_entry(seed, j) for j in range(count)]


def bibliography_text(entries: Sequence[Entry]) -> str:
    header = "% Synthetic bibliography generated for benchmarking: every entry is invented.\n\n"
    return header + "\n".join(e.text for e in entries)


# --- Cases -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Vocabulary:
    countries: list[str]
    mechanisms: list[str]
    policy_areas: list[str]
    labels: dict[str, str]


def load_vocabulary(taxonomy_dir: Path) -> Vocabulary:
    taxonomy, problems = load_taxonomy(taxonomy_dir)
    if any(p.is_error for p in problems):
        raise SystemExit("\n".join(p.format_text() for p in problems))
    countries = sorted(c.alpha_2 for c in pycountry.countries)
    labels = {key: term.label for key, term in taxonomy.mechanisms.items()}
    return Vocabulary(countries, sorted(taxonomy.mechanisms), sorted(taxonomy.policy_areas), labels)


class _Writer:
    def __init__(self, rng: random.Random, keys: Sequence[str]) -> None:
        self.rng = rng
        self.keys = keys

    def citation(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.4:
            return f"[@{rng.choice(self.keys)}, p. {rng.randint(1, 400)}]"
        if roll < 0.7:
            return f"[@{rng.choice(self.keys)}]"
        if roll < 0.85:
            a, b = rng.sample(list(self.keys), 2) if len(self.keys) > 1 else (self.keys[0], self.keys[0])
            return f"[@{a}; @{b}]" if a != b else f"[@{a}]"
        return f"[@{rng.choice(self.keys)}, pp. {(p := rng.randint(1, 300))}-{p + rng.randint(1, 20)}]"

    def sentence(self, cite: bool = False) -> str:
        rng = self.rng
        start = f"{rng.choice(CONNECTIVES)} {rng.choice(SUBJECTS).lower()}" if rng.random() < 0.3 \
            else rng.choice(SUBJECTS)
        text = f"{start} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(QUALIFIERS)}"
        if rng.random() < 0.25:
            text += f", and {rng.choice(SUBJECTS).lower()} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        if rng.random() < 0.1:
            text += f" (**{rng.choice(OBJECTS)}**)"
        elif rng.random() < 0.1:
            text += f", the so-called *{rng.choice(H3_TITLES).lower()}*"
        return text + (f" {self.citation()}." if cite else ".")

    def paragraph(self) -> str:
        count = self.rng.randint(4, 7)
        cite_at = self.rng.randrange(count)
        return " ".join(self.sentence(cite=i == cite_at or self.rng.random() < 0.08) for i in range(count))

    def bullets(self, ordered: bool) -> str:
        items = [self.sentence(cite=self.rng.random() < 0.3) for _ in range(self.rng.randint(3, 6))]
        return "\n".join(f"{i + 1}. {t}" if ordered else f"- {t}" for i, t in enumerate(items))

    def table(self, start: int) -> str:
        rng = self.rng
        rows = ["| Year | Instrument | Organisations involved | Budget (million) |", "|---|---|---:|---:|"]
        for year in range(start, start + rng.randint(4, 7)):
            rows.append(f"| {year} | {rng.choice(H3_TITLES)} | {rng.randint(2, 14)} | {rng.randint(5, 900):,} |")
        return "\n".join(rows)


def _words(text: str) -> int:
    return len(text.split())


def case_parts(
    seed: int, index: int, vocab: Vocabulary, keys: Sequence[str], cases: int
) -> tuple[str, dict[str, object], str]:
    """(slug, front-matter values, body) of the ``index``-th synthetic case."""
    rng = random.Random(f"case:{seed}:{index}")
    countries = rng.sample(vocab.countries, rng.choice([1, 1, 1, 1, 2, 3]))
    mechanisms = sorted(rng.sample(vocab.mechanisms, rng.randint(1, 4)))
    areas = sorted(rng.sample(vocab.policy_areas, rng.randint(1, 3)))
    start = rng.randint(1975, 2022)
    period: dict[str, int] = {"start": start}
    if rng.random() < 0.6:
        period["end"] = rng.randint(start, 2025)
    country = pycountry.countries.get(alpha_2=countries[0])
    country_name = str(getattr(country, "common_name", None) or country.name)
    topic = rng.choice(TOPICS_EN)
    slug = f"{countries[0].lower()}-synthetic-{ascii_slug(topic)}-{index:05d}"
    mechanism_label = vocab.labels[mechanisms[0]].lower()
    title = f"{mechanism_label.capitalize()} for {topic} in {country_name} (synthetic case {index})"
    summary = (
        f"{SYNTHETIC_NOTE} It imitates a {mechanism_label} case on {topic} in {country_name}, "
        f"from {start}, so that builds can be timed at scale."
    )
    cited = [keys[rng.randrange(len(keys))] for _ in range(24)]
    writer = _Writer(rng, sorted(set(cited)))
    meta: dict[str, object] = {
        "title": title,
        "summary": summary,
        "type": "profile" if rng.random() < 0.1 else "practice",
        "status": "published",
        "countries": countries,
        "policy_areas": areas,
        "mechanisms": mechanisms,
    }
    if rng.random() < 0.85:
        meta["coordination"] = {
            "direction": sorted(rng.sample(["horizontal", "vertical"], rng.randint(1, 2))),
            "modes": sorted(rng.sample(["hierarchy", "market", "network"], rng.randint(1, 3))),
            "levels": [lv for lv in ("supranational", "national", "regional", "local") if rng.random() < 0.5]
            or ["national"],
        }
    meta["period"] = period
    orgs = []
    for name in rng.sample(ORG_NAMES, rng.randint(1, 5)):
        org = {"name": name}
        if rng.random() < 0.7:
            org["acronym"] = _acronym(name) or "ORG"
        if rng.random() < 0.8:
            org["role"] = rng.choice(ROLES).capitalize()
        orgs.append(org)
    meta["organisations"] = orgs
    meta["authors"] = [f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}" for _ in range(rng.randint(1, 3))]
    # Besides a few random ones, case i lists entries i, i + N, i + 2N...: every entry is cited somewhere.
    extra = sorted({keys[rng.randrange(len(keys))] for _ in range(rng.randint(0, 3))} | set(keys[index::cases]))
    if extra:
        meta["references"] = extra
    meta["lessons"] = rng.sample(LESSONS, rng.randint(1, 4))
    meta["updated"] = f"{rng.randint(2015, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"

    # Body: an introduction, then each template section with H3 subsections.
    blocks_by_section: list[list[str]] = []
    table_at = rng.randrange(len(SECTIONS))
    list_at = rng.sample(range(len(SECTIONS)), 2)
    for s, _section in enumerate(SECTIONS):
        blocks = [writer.paragraph()]
        for sub in rng.sample(H3_TITLES, 2):
            blocks += [f"### {sub}", writer.paragraph(), writer.paragraph()]
        if s == table_at:
            blocks += [f"Table {s + 1}. Main steps (invented figures).", writer.table(start)]
        if s in list_at:
            blocks.append(writer.bullets(ordered=s == list_at[0]))
        blocks_by_section.append(blocks)
    intro = [f"*{SYNTHETIC_NOTE}*", writer.paragraph()]

    def render() -> str:
        out = list(intro)
        for section, blocks in zip(SECTIONS, blocks_by_section, strict=True):
            out.append(f"## {section}")
            out += blocks
        return "\n\n".join(out) + "\n"

    body = render()
    low, high = TARGET_WORDS
    turn = 0
    while _words(body) < low:  # pad round-robin over the sections, a paragraph at a time
        blocks_by_section[turn % len(SECTIONS)].append(writer.paragraph())
        turn += 1
        body = render()
    while _words(body) > high:
        longest = max(blocks_by_section, key=len)
        drop = next(i for i in range(len(longest) - 1, 0, -1) if longest[i][0].isalpha() and longest[i][:6] != "Table ")
        del longest[drop]
        body = render()
    return slug, meta, body


def _yaml_item(key: str, value: object, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(value, dict):
        return [f"{pad}{key}:", *(line for k, v in value.items() for line in _yaml_item(k, v, indent + 2))]
    if isinstance(value, list) and value and isinstance(value[0], dict):
        lines = [f"{pad}{key}:"]
        for item in value:
            first = True
            for k, v in item.items():
                lead = "- " if first else "  "
                lines.append(f"{pad}  {lead}{k}: {json.dumps(v, ensure_ascii=False)}")
                first = False
        return lines
    if isinstance(value, list) and any(len(json.dumps(v, ensure_ascii=False)) > 60 for v in value):
        return [f"{pad}{key}:", *(f"{pad}  - {json.dumps(v, ensure_ascii=False)}" for v in value)]
    if isinstance(value, int):
        return [f"{pad}{key}: {value}"]
    return [f"{pad}{key}: {json.dumps(value, ensure_ascii=False)}"]


def front_matter(meta: dict[str, object]) -> str:
    return "\n".join(["---", *(line for k, v in meta.items() for line in _yaml_item(k, v, 0)), "---", ""])


def case_file(meta: dict[str, object], body: str) -> str:
    return front_matter(meta) + "\n" + body


def plain_page(meta: dict[str, object], body: str) -> str:
    """The baseline page: the same Markdown body under the title and summary, no front-matter."""
    return f"# {meta['title']}\n\n{meta['summary']}\n\n{body}"


# --- Site --------------------------------------------------------------------------------------

def _replace_block(text: str, key: str, new: list[str]) -> str:
    """Replace the top-level ``key:`` block of a YAML file given as text (keeps tags and comments elsewhere)."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    found = False
    while i < len(lines):
        if lines[i].startswith(f"{key}:"):
            found = True
            i += 1
            while i < len(lines) and (not lines[i] or lines[i][0] in " #-"):
                i += 1
            out += new
            continue
        out.append(lines[i])
        i += 1
    if not found:
        out += new
    return "\n".join(out)


def _block(text: str, key: str) -> list[str] | None:
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
    if start is None:
        return None
    end = start + 1
    while end < len(lines) and (not lines[end] or lines[end][0] in " #-"):
        end += 1
    return lines[start:end]


def _plugins_without(text: str, name: str) -> str:
    """The ``plugins:`` block with the plugin ``name`` (and its options) removed."""
    lines = text.split("\n")
    out: list[str] = []
    in_plugins = False
    skip_indent: int | None = None
    for line in lines:
        if line and line[0] not in " #-":
            in_plugins = line.startswith("plugins:")
            skip_indent = None
        if in_plugins and line.strip():
            indent = len(line) - len(line.lstrip())
            if skip_indent is not None and indent > skip_indent:
                continue
            skip_indent = None
            item = line.strip()
            if item.startswith("- ") and item[2:].split(":")[0].strip() == name:
                skip_indent = indent
                continue
        out.append(line)
    return "\n".join(out)


def _nav_block(text: str) -> str:
    return "\n".join(_block(text, "nav") or [])


def _nav_files(nav: object) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [f for item in nav for f in _nav_files(item)]
    if isinstance(nav, dict):
        return [f for value in nav.values() for f in _nav_files(value)]
    return []


def _filter_nav(nav: object, keep: set[str]) -> object:
    if isinstance(nav, str):
        return nav if nav in keep else None
    if isinstance(nav, list):
        items = [x for x in (_filter_nav(item, keep) for item in nav) if x is not None]
        return items or None
    if isinstance(nav, dict):
        kept = {k: v for k, v in ((k, _filter_nav(v, keep)) for k, v in nav.items()) if v is not None}
        return kept or None
    return None


def hand_written_pages(source: Path = REPO / "mkdocs.yml") -> list[str]:
    """The pages of the repository's nav that exist in its ``docs/`` (the rest the plugin writes)."""
    nav = yaml.safe_load(_nav_block(source.read_text(encoding="utf-8")) or "nav: []")["nav"] or []
    docs = source.parent / "docs"
    return sorted({f for f in _nav_files(nav) if "://" not in f and (docs / f).is_file()} | {"index.md"})


def site_config(variant: str, source: Path = REPO / "mkdocs.yml") -> str:
    """The repository's config with another site name; the plain variant loses the casebook plugin and
    the nav entries of the pages the plugin writes."""
    text = source.read_text(encoding="utf-8")
    text = _replace_block(text, "site_name", [f"site_name: Casebook synthetic corpus ({variant})"])
    if variant == "plain":
        text = _plugins_without(text, "casebook")
        block = _block(text, "plugins")
        if block is not None and not any(line.strip().startswith("-") for line in block[1:]):
            text = _replace_block(text, "plugins", ["plugins: []", ""])  # not null: MkDocs would refuse it
        nav = yaml.safe_load(_nav_block(text) or "nav: []")["nav"] or []
        kept = _filter_nav(nav, set(hand_written_pages(source))) or ["index.md"]
        dumped = yaml.safe_dump({"nav": kept}, allow_unicode=True, sort_keys=False, default_flow_style=False)
        text = _replace_block(text, "nav", dumped.rstrip("\n").split("\n"))
    return text


def stub_page(path: Path) -> str:
    """A synthetic page in place of a hand-written one: its title, and a sentence saying it is synthetic."""
    first = path.read_text(encoding="utf-8").split("\n", 1)[0] if path.is_file() else ""
    title = first if first.startswith("# ") else f"# {path.stem.replace('-', ' ').capitalize()}"
    return f"{title}\n\nThis page stands in for the real one in a synthetic corpus generated for benchmarking.\n"


HOME = (
    "# Synthetic corpus\n\nThis site is generated for benchmarking. Every case in it is synthetic: it describes no "
    "real practice, country or organisation.\n"
)


def write_site(
    out: Path, cases: int, entries: int | None = None, *, seed: int = 1, variant: str = "plugin",
    config_source: Path = REPO / "mkdocs.yml",
) -> Path:
    """Write the site into ``out`` (which must not exist or be empty); returns ``out``."""
    if variant not in ("plugin", "plain"):
        raise ValueError(f"unknown variant {variant!r}")
    entries = entries if entries is not None else max(cases, 50)
    out = out.resolve()
    if out == REPO or REPO in out.parents and not str(out.relative_to(REPO)).startswith("bench-results"):
        raise SystemExit(f"refusing to write a synthetic corpus inside the repository: {out}")
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} is not empty")
    vocab = load_vocabulary(REPO / "taxonomy")
    bib = make_bibliography(seed, entries)
    keys = [e.key for e in bib]
    (out / "docs").mkdir(parents=True, exist_ok=True)
    write = _writer()
    write(out / "mkdocs.yml", site_config(variant, config_source))
    write(out / "docs" / "index.md", HOME)
    for page in hand_written_pages(config_source):
        if page != "index.md":
            (out / "docs" / page).parent.mkdir(parents=True, exist_ok=True)
            write(out / "docs" / page, stub_page(config_source.parent / "docs" / page))
    write(out / "bibliography.bib", bibliography_text(bib))
    if variant == "plugin":
        shutil.copytree(REPO / "taxonomy", out / "taxonomy")
        (out / "briefs").mkdir()
        (out / "cases").mkdir()
    else:
        (out / "docs" / "cases").mkdir()
    for i in range(cases):
        slug, meta, body = case_parts(seed, i, vocab, keys, cases)
        if variant == "plugin":
            write(out / "cases" / f"{slug}.md", case_file(meta, body))
        else:
            write(out / "docs" / "cases" / f"{slug}.md", plain_page(meta, body))
    return out


def _writer():  # type: ignore[no-untyped-def]
    def write(path: Path, text: str) -> None:
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    return write


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", "-n", type=int, default=100, help="number of cases (default 100)")
    parser.add_argument("--entries", "-m", type=int, default=None, help="bibliography entries (default max(N, 50))")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--variant", choices=["plugin", "plain"], default="plugin")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: a new temporary folder)")
    parser.add_argument("--bib-only", action="store_true", help="write only bibliography.bib with M entries")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="casebook-corpus-"))
    if args.bib_only:
        out.mkdir(parents=True, exist_ok=True)
        path = out / "bibliography.bib"
        _writer()(path, bibliography_text(make_bibliography(args.seed, args.entries or 1000)))
        print(path)
        return 0
    print(write_site(out, args.cases, args.entries, seed=args.seed, variant=args.variant))
    return 0


if __name__ == "__main__":
    sys.exit(main())
