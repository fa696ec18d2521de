"""The Atom feed (``/feed.xml``) of cases and briefs: newest first, stable ids, no build time in it."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

from casebook.core.model import Brief, Case

ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class FeedItem:
    """One entry: ``url`` is relative to the site root (e.g. ``cases/mx-oportunidades/``)."""

    url: str
    title: str
    summary: str
    updated: str | None  # "YYYY-MM-DD"
    authors: tuple[str, ...] = ()
    category: str = "case"


def case_item(case: Case) -> FeedItem:
    return FeedItem(
        url=case.url, title=case.title, summary=case.summary, updated=case.updated,
        authors=tuple(case.authors), category="case",
    )


def brief_item(brief: Brief) -> FeedItem:
    return FeedItem(
        url=brief.url, title=brief.title, summary=brief.summary, updated=brief.date,
        authors=tuple(brief.authors), category="brief",
    )


def _timestamp(day: str) -> str:
    return f"{day}T00:00:00Z"


def _epoch_day(epoch: int | None) -> str:
    stamp = datetime.datetime.fromtimestamp(epoch or 0, tz=datetime.UTC)
    return stamp.date().isoformat()


def atom_feed(
    items: Iterable[FeedItem], *, site_url: str, title: str, source_date_epoch: int | None = None,
    rights: str | None = None,
) -> str:
    """Atom XML. Entries sort newest ``updated`` first, then by URL; undated entries use the fallback day.

    The feed's own ``updated`` is the newest entry's date, or ``SOURCE_DATE_EPOCH`` when no entry is dated,
    so two builds of the same commit give the same bytes. Ids are the entries' absolute URLs. ``rights``, if
    given, is the content licence statement (``<rights>``).
    """
    base = site_url if site_url.endswith("/") else site_url + "/"
    fallback = _epoch_day(source_date_epoch)
    entries = sorted(items, key=lambda i: i.url)
    entries.sort(key=lambda i: i.updated or fallback, reverse=True)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = urljoin(base, "feed.xml")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    if rights:
        ET.SubElement(feed, f"{{{ATOM}}}rights").text = rights
    newest = max((i.updated for i in entries if i.updated), default=fallback)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _timestamp(newest)
    ET.SubElement(feed, f"{{{ATOM}}}link", href=urljoin(base, "feed.xml"), rel="self", type="application/atom+xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", href=base, rel="alternate", type="text/html")
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = title
    for item in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        url = urljoin(base, item.url)
        ET.SubElement(entry, f"{{{ATOM}}}id").text = url
        ET.SubElement(entry, f"{{{ATOM}}}title").text = item.title
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _timestamp(item.updated or fallback)
        ET.SubElement(entry, f"{{{ATOM}}}link", href=url, rel="alternate", type="text/html")
        for name in item.authors:
            ET.SubElement(ET.SubElement(entry, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = name
        ET.SubElement(entry, f"{{{ATOM}}}category", term=item.category)
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = item.summary
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
