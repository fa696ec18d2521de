"""The pages a reader browses, generated from the validated catalogue.

Index pages by country, mechanism and policy area (the last two with their cases' lessons, ``lessons.py``), the
sortable catalogue, the comparison matrix, the generated part of the home page, and case pages with their
related cases. Everything from front-matter lands in HTML blocks escaped with ``html.escape``; the project's
own words (headings, link text from the taxonomy and pycountry) are Markdown, escaped for Markdown, and link
with relative ``.md`` links that MkDocs validates. Every collection is sorted by an explicit key, so the same
catalogue gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from casebook.catalogue import Catalogue
from casebook.core.blockstash import identity
from casebook.core.escape import html_attr, html_text, markdown_text
from casebook.core.model import Case
from casebook.core.regions import region_of
from casebook.core.taxonomy import Taxonomy, Term, country_name, term_label
from casebook.site.casecard import case_markdown
from casebook.site.lessons import LESSONS_ANCHOR, lessons_section
from casebook.site.page import SitePage
from casebook.site.related import TermIndex, related_cases
from casebook.site.urls import (
    CATALOGUE,
    COMPARE,
    COUNTRIES,
    HOME,
    MATRIX,
    MECHANISMS,
    POLICY_AREAS,
    Links,
    case_src,
    country_src,
    mechanism_src,
    policy_area_src,
)
from casebook.site.worldmap import MAP_MARKER

#: How many cases the home page lists as newest.
NEWEST = 5


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def draft_badge(case: Case) -> str:
    """The mark of a draft wherever a preview lists it (a build never holds one)."""
    return ' <span class="cb-badge">DRAFT</span>' if case.is_draft else ""


def by_title(cases: Iterable[Case]) -> list[Case]:
    return sorted(cases, key=lambda c: (c.title.casefold(), c.slug))


def newest(cases: Iterable[Case], limit: int = NEWEST) -> list[Case]:
    """Most recently updated first (cases without ``updated`` after those with), then latest start year."""
    ordered = sorted(cases, key=lambda c: c.slug)
    ordered.sort(key=lambda c: (c.updated or "", c.start), reverse=True)  # stable: slug breaks ties
    return ordered[:limit]


class SiteBuilder:
    """Writes every generated page of one build."""

    def __init__(self, catalogue: Catalogue, *, include_drafts: bool, directory_urls: bool = True) -> None:
        self.taxonomy: Taxonomy = catalogue.taxonomy
        self.cases = by_title(catalogue.cases if include_drafts else catalogue.published)
        self.countries = sorted({c for case in self.cases for c in case.countries}, key=self.country_sort_key)
        known = {HOME, CATALOGUE, COUNTRIES, MECHANISMS, POLICY_AREAS, MATRIX, COMPARE}
        known |= {case_src(c.slug) for c in self.cases}
        known |= {country_src(c) for c in self.countries}
        known |= {mechanism_src(m) for m in self.taxonomy.mechanisms}
        known |= {policy_area_src(p) for p in self.taxonomy.policy_areas}
        self.links = Links(known, directory_urls=directory_urls)
        self.related_index = TermIndex(self.cases)
        #: Turns a generated HTML block into the Markdown that stands for it (see ``blockstash.py``).
        self.block: Callable[[str], str] = identity
        self._by_field: dict[str, dict[str, list[Case]]] = {}

    # --- small helpers ---

    def country_sort_key(self, code: str) -> tuple[str, str]:
        return (country_name(code).casefold(), code)

    def mechanism_label(self, term_id: str) -> str:
        return term_label(self.taxonomy.mechanisms, term_id)

    def area_label(self, term_id: str) -> str:
        return term_label(self.taxonomy.policy_areas, term_id)

    def a(self, from_src: str, to_src: str, label: str, *, cls: str = "") -> str:
        """An HTML link; ``label`` is plain text."""
        klass = f' class="{html_attr(cls)}"' if cls else ""
        return f'<a{klass} href="{html_attr(self.links.href(from_src, to_src))}">{html_text(label)}</a>'

    def entry(
        self, from_src: str, case: Case, note: str = "", *, summary: bool = True, tags: str = "", short: bool = False
    ) -> str:
        """One case in a listing: linked title, countries, period, summary (unless ``summary`` is false; only its
        first sentence if ``short``), then ``tags`` (HTML)."""
        draft = draft_badge(case)
        countries = ", ".join(country_name(c) for c in case.countries)
        extra = f'<p class="cb-entry__note">{html_text(note)}</p>' if note else ""
        return (
            f'<li class="cb-entry">{self.a(from_src, case_src(case.slug), case.title, cls="cb-entry__title")}{draft}'
            f'<p class="cb-entry__meta">{html_text(countries)} · {html_text(case.period_label)}</p>'
            + (f'<p class="cb-entry__summary">{html_text(case.lede if short else case.summary)}</p>'
               if summary else "")
            + f"{extra}{tags}</li>"
        )

    def listing(
        self, from_src: str, cases: Iterable[Case], notes: dict[str, str] | None = None, *, short: bool = False
    ) -> str:
        items = [self.entry(from_src, case, (notes or {}).get(case.slug, ""), short=short) for case in cases]
        if not items:
            return '<p class="cb-empty">No published case yet.</p>\n'
        return self.block('<ul class="cb-list">\n' + "\n".join(items) + "\n</ul>\n")

    def cases_with(self, field: str, value: str) -> list[Case]:
        """The cases (in listing order) whose ``field`` lists ``value``; one pass over the cases per field."""
        index = self._by_field.get(field)
        if index is None:
            index = {}
            for case in self.cases:
                for item in dict.fromkeys(getattr(case, field)):
                    index.setdefault(item, []).append(case)
            self._by_field[field] = index
        return list(index.get(value, ()))

    # --- pages ---

    def pages(self) -> list[SitePage]:
        pages = [self.case_page(case) for case in self.cases]
        pages.append(self.catalogue_page())
        pages.append(self.countries_page())
        pages += [self.country_page(code) for code in self.countries]
        pages.append(self.terms_page("mechanisms"))
        pages += [self.term_page("mechanisms", t) for t in self.taxonomy.mechanisms.values()]
        pages.append(self.terms_page("policy_areas"))
        pages += [self.term_page("policy_areas", t) for t in self.taxonomy.policy_areas.values()]
        pages.append(self.matrix_page())
        return sorted(pages, key=lambda p: p.src_uri)

    def case_page(self, case: Case) -> SitePage:
        src = case_src(case.slug)
        related = related_cases(case, self.cases, index=self.related_index)
        section = ""
        if related:
            notes = {}
            for other, mechanisms, areas in related:
                shared = [self.mechanism_label(m) for m in mechanisms] + [self.area_label(p) for p in areas]
                notes[other.slug] = "Shares: " + "; ".join(shared)
            section = "## Related cases\n\n" + self.listing(src, [r[0] for r in related], notes, short=True)
        return SitePage(
            src,
            case.title,
            case_markdown(case, self.taxonomy, link=lambda to: self.links.href(src, to), related=section,
                          block=self.block),
            edit_path=case.path,
        )

    def catalogue_page(self) -> SitePage:
        src = CATALOGUE
        rows = []
        for case in self.cases:
            countries = ", ".join(self.a(src, country_src(c), country_name(c)) for c in case.countries)
            mechanisms = ", ".join(
                self.a(src, mechanism_src(m), self.mechanism_label(m)) for m in case.mechanisms
            )
            areas = ", ".join(self.a(src, policy_area_src(p), self.area_label(p)) for p in case.policy_areas)
            draft = draft_badge(case)
            period_key = f"{case.start:04d}-{case.end if case.end is not None else 9999:04d}"
            cells = [
                (case.title.casefold(), self.a(src, case_src(case.slug), case.title) + draft),
                (", ".join(country_name(c) for c in case.countries).casefold(), countries),
                (", ".join(self.mechanism_label(m) for m in case.mechanisms).casefold(), mechanisms),
                (", ".join(self.area_label(p) for p in case.policy_areas).casefold(), areas),
                (period_key, html_text(case.period_label)),
                (case.type, html_text(case.type)),
            ]
            row = "".join(f'<td data-sort="{html_attr(key)}">{cell}</td>' for key, cell in cells)
            rows.append(f"<tr>{row}</tr>")
        head = "".join(
            f'<th scope="col">{label}</th>'
            for label in ("Title", "Countries", "Mechanisms", "Policy areas", "Period", "Type")
        )
        table = (
            '<div class="cb-sortable">\n<table>\n'
            f"<caption>{plural(len(self.cases), 'case')}</caption>\n"
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n</div>\n"
        )
        intro = (
            f"Every case in the catalogue: {plural(len(self.cases), 'case')}. Select a column heading to sort "
            "the table by that column. To browse by facet, go to the [countries](../countries/index.md), "
            "[mechanisms](../mechanisms/index.md) or [policy areas](../policy-areas/index.md), or compare "
            "countries and mechanisms in the [matrix](../matrix.md)."
        )
        return SitePage(src, "Cases", f"# Cases\n\n{intro}\n\n{self.block(table)}", in_nav=True)

    def countries_page(self) -> SitePage:
        src = COUNTRIES
        groups: dict[tuple[str, str], dict[tuple[str, str], list[str]]] = {}
        for code in self.countries:
            region = region_of(code)
            groups.setdefault((region.region, region.region_code), {}).setdefault(
                (region.sub_region, region.sub_region_code), []
            ).append(code)
        parts = [
            "# Countries\n",
            f"{plural(len(self.countries), 'country', 'countries')} with at least one case, grouped by the "
            "regions of the UN M49 standard. See the [matrix](../matrix.md) to compare the mechanisms they use.\n",
        ]
        for (region_name, _), subs in sorted(groups.items()):
            parts.append(f"## {markdown_text(region_name)}\n")
            for (sub, _), codes in sorted(subs.items()):
                parts.append(f"### {markdown_text(sub)}\n")
                items = [
                    f'<li>{self.a(src, country_src(code), country_name(code))} '
                    f'<span class="cb-count">{plural(len(self.cases_with("countries", code)), "case")}</span></li>'
                    for code in codes
                ]
                parts.append(self.block('<ul class="cb-terms">\n' + "\n".join(items) + "\n</ul>\n"))
        parts.append("## On the map\n\n" + MAP_MARKER + "\n")  # filled by the plugin (worldmap.py)
        return SitePage(src, "Countries", "\n".join(parts), in_nav=True)

    def country_page(self, code: str) -> SitePage:
        """A flat list of the country's cases (by start year, then title), each with its mechanisms as tags;
        with more than one case, a "by mechanism" table first (mechanism, number of cases)."""
        src = country_src(code)
        name = country_name(code)
        cases = sorted(self.cases_with("countries", code), key=lambda c: (c.start, c.title.casefold(), c.slug))
        region = region_of(code)
        where = region.sub_region if region.sub_region == region.region else f"{region.sub_region}, {region.region}"
        parts = [
            f"# {markdown_text(name)}\n",
            f"{plural(len(cases), 'case')} from {markdown_text(name)} ({markdown_text(where)}), oldest first; "
            "each lists the "
            "coordination mechanisms it uses. "
            "[All countries](index.md) · [Compare countries](../matrix.md)\n",
        ]
        if len(cases) > 1:
            counts = [
                (term, sum(term.id in c.mechanisms for c in cases)) for term in self.taxonomy.mechanisms.values()
            ]
            counts = sorted((tc for tc in counts if tc[1]), key=lambda tc: (-tc[1], tc[0].label.casefold(), tc[0].id))
            rows = "\n".join(
                f"<tr><td>{self.a(src, mechanism_src(term.id), term.label)}</td>"
                f'<td data-sort="{count:06d}">{count}</td></tr>'
                for term, count in counts
            )
            parts.append(
                "## By mechanism\n\n"
                + self.block(
                    '<div class="cb-terms-table cb-by-mechanism">\n<table>\n'
                    f"<caption>{html_text(name)}: cases per coordination mechanism</caption>\n"
                    '<thead><tr><th scope="col">Mechanism</th><th scope="col">Cases</th></tr></thead>\n'
                    f"<tbody>\n{rows}\n</tbody>\n</table>\n</div>\n"
                )
            )
        parts.append("## Cases\n")
        items = [self.entry(src, c, tags=self.mechanism_tags(src, c)) for c in cases]
        parts.append(self.block('<ul class="cb-list">\n' + "\n".join(items) + "\n</ul>\n"))
        return SitePage(src, name, "\n".join(parts))

    def mechanism_tags(self, from_src: str, case: Case) -> str:
        """The case's mechanisms as links to their pages, in vocabulary order."""
        terms = [t for t in self.taxonomy.mechanisms.values() if t.id in case.mechanisms]
        links = "".join(f"<li>{self.a(from_src, mechanism_src(t.id), t.label, cls='cb-tag')}</li>" for t in terms)
        return f'<ul class="cb-tags" aria-label="Mechanisms">{links}</ul>' if links else ""

    def _terms(self, kind: str) -> tuple[dict[str, Term], str, str, str]:
        if kind == "mechanisms":
            return self.taxonomy.mechanisms, MECHANISMS, "Mechanisms", "mechanisms"
        return self.taxonomy.policy_areas, POLICY_AREAS, "Policy areas", "policy_areas"

    def _term_src(self, kind: str, term_id: str) -> str:
        return mechanism_src(term_id) if kind == "mechanisms" else policy_area_src(term_id)

    def terms_page(self, kind: str) -> SitePage:
        terms, src, title, field = self._terms(kind)
        noun = "coordination mechanism" if kind == "mechanisms" else "policy area"
        rows = []
        for term in terms.values():
            count = len(self.cases_with(field, term.id))
            rows.append(
                f"<tr><td>{self.a(src, self._term_src(kind, term.id), term.label)}</td>"
                f'<td>{html_text(term.definition)}</td><td data-sort="{count:06d}">{count}</td></tr>'
            )
        table = (
            '<div class="cb-terms-table">\n<table>\n'
            f'<thead><tr><th scope="col">{html_text(title[:-1] if kind == "mechanisms" else "Policy area")}</th>'
            '<th scope="col">Definition</th><th scope="col">Cases</th></tr></thead>\n<tbody>\n'
            + "\n".join(rows) + "\n</tbody>\n</table>\n</div>\n"
        )
        intro = (
            f"Every {noun} in the catalogue's vocabulary, with its definition and the number of cases that "
            "use it, including those with no case yet."
        )
        return SitePage(src, title, f"# {title}\n\n{intro}\n\n{table}", in_nav=True)

    def term_page(self, kind: str, term: Term) -> SitePage:
        _, index, title, field = self._terms(kind)
        src = self._term_src(kind, term.id)
        cases = self.cases_with(field, term.id)
        parts = [
            f"# {markdown_text(term.label)}\n",
            f'<p class="cb-definition">{html_text(term.definition)}</p>\n',
            f"{plural(len(cases), 'case')}, grouped by country"
            + (f", then [their lessons](#{LESSONS_ANCHOR})" if cases else "")
            + f". [All {title.lower()}](index.md)\n",
        ]
        if not cases:
            parts.append(self.listing(src, []))
        by_country: dict[str, list[Case]] = {}
        for case in cases:
            for code in dict.fromkeys(case.countries):
                by_country.setdefault(code, []).append(case)
        listed: dict[str, Case] = {}  # the cases in the order the page lists them, each once
        for code in sorted(by_country, key=self.country_sort_key):
            parts.append(f"## [{markdown_text(country_name(code))}](../countries/{code.lower()}.md)\n")
            parts.append(self.listing(src, by_country[code]))
            listed.update((case.slug, case) for case in by_country[code] if case.slug not in listed)
        lessons = lessons_section(list(listed.values()), lambda case: self.links.href(src, case_src(case.slug)),
                                  block=self.block)
        if lessons:
            parts.append(lessons)
        return SitePage(src, term.label, "\n".join(parts))

    def matrix_page(self) -> SitePage:
        """Countries against the mechanisms their cases use; the longer list runs down the rows, so that the
        table stays as narrow as it can (more mechanisms than countries: a row per mechanism)."""
        src = MATRIX
        used = [t for t in self.taxonomy.mechanisms.values() if self.cases_with("mechanisms", t.id)]
        # Cells carry each case's number in the key below the table, so the table stays narrow.
        number = {case.slug: i for i, case in enumerate(self.cases, start=1)}
        transposed = len(used) > len(self.countries)

        def cell(code: str, term: Term) -> str:
            hits = [c for c in self.cases_with("countries", code) if term.id in c.mechanisms]
            names = {c.slug: c.title + (" (draft)" if c.is_draft else "") for c in hits}
            links = " ".join(
                f'<a href="{html_attr(self.links.href(src, case_src(c.slug)))}" title="{html_attr(names[c.slug])}" '
                f'aria-label="{html_attr(names[c.slug])}">{number[c.slug]}</a>'
                for c in hits
            )
            return f"<td>{links}</td>"

        def country(code: str) -> str:
            return self.a(src, country_src(code), country_name(code))

        def mechanism(term: Term) -> str:
            return self.a(src, mechanism_src(term.id), term.label)

        rows = []
        if transposed:
            head = '<th scope="col">Mechanism</th>' + "".join(
                f'<th scope="col">{country(c)}</th>' for c in self.countries
            )
            for term in used:
                cells = "".join(cell(code, term) for code in self.countries)
                rows.append(f'<tr><th scope="row">{mechanism(term)}</th>{cells}</tr>')
            layout = "a row per mechanism, a column per country"
            along = "across the rows"
        else:
            head = '<th scope="col">Country</th>' + "".join(f'<th scope="col">{mechanism(t)}</th>' for t in used)
            for code in self.countries:
                cells = "".join(cell(code, term) for term in used)
                rows.append(f'<tr><th scope="row">{country(code)}</th>{cells}</tr>')
            layout = "a row per country, a column per mechanism"
            along = "along the columns"
        unused = len(self.taxonomy.mechanisms) - len(used)
        intro = (
            f"Which coordination mechanisms each country's cases use: {layout}, and in each cell the numbers "
            "of the cases that combine the two (the key below the table names them). The differences and "
            f"similarities between countries show {along}."
        )
        if unused:
            intro += (
                f" {plural(unused, 'mechanism')} of the vocabulary that no case uses yet "
                f"{'is' if unused == 1 else 'are'} left out; the [mechanisms](mechanisms/index.md) page lists them all."
            )
        table = (
            '<div class="cb-matrix" role="region" aria-label="Countries and mechanisms (scrolls sideways)" '
            'tabindex="0">\n<table class="cb-matrix__table">\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n</div>\n"
            '<p class="cb-scroll-hint">The first column stays in place: scroll the table sideways to see '
            "every column.</p>\n"
        )
        key = (
            '<ol class="cb-key">\n'
            + "\n".join(
                f"<li>{self.a(src, case_src(c.slug), c.title)}{draft_badge(c)} "
                f'<span class="cb-count">{html_text(", ".join(country_name(x) for x in c.countries))} · '
                f"{html_text(c.period_label)}</span></li>"
                for c in self.cases
            )
            + "\n</ol>\n"
        )
        title = "Compare countries and mechanisms"
        return SitePage(src, title, f"# {title}\n\n{intro}\n\n{self.block(table)}\n## Cases\n\n{self.block(key)}")

    def home_sections(self) -> str:
        """The generated part of the home page (``index.md``): counts, newest cases, entry points."""
        src = HOME
        used_mechanisms = {m for c in self.cases for m in c.mechanisms}
        used_areas = {p for c in self.cases for p in c.policy_areas}
        counts = (
            f'<p class="cb-counts">{plural(len(self.cases), "case")} from '
            f"{plural(len(self.countries), 'country', 'countries')}, covering "
            f"{len(used_mechanisms)} of {len(self.taxonomy.mechanisms)} coordination mechanisms and "
            f"{len(used_areas)} of {len(self.taxonomy.policy_areas)} policy areas.</p>\n"
        )
        return (
            "## The catalogue\n\n" + counts + "\n"
            "## Newest cases\n\n" + self.listing(src, newest(self.cases), short=True) + "\n"
            "## Browse\n\n"
            "- [All cases](cases/index.md): a table to sort by title, country, mechanism, period or type\n"
            "- [By country](countries/index.md), grouped by region\n"
            "- [By coordination mechanism](mechanisms/index.md), with definitions\n"
            "- [By policy area](policy-areas/index.md)\n"
            "- [Compare countries and mechanisms](matrix.md) in one table\n"
            "- [Compare cases side by side](compare/index.md), two to four at a time\n"
        )
