"""Visual regression: the case header card (badges, organisations, period) and the explorer, on a phone and a
desktop, against the reference images in ``tests/browser/visual/`` (``support/visual.py`` says how they compare
and how to update them on purpose)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support import make_site, without_repository_link
from support.browser import CHROMIUM, built_and_served
from support.readers import EXTRA_CASES
from support.visual import ARGS, DESKTOP, PHONE, check_screenshot, new_context, settle

pytestmark = pytest.mark.browser

#: Three criteria badges (a COCOPS policy area, a European country, started within ten years of its revision),
#: organisations with roles (one whose acronym is its name), a period with an end.
CARD_CASE = """---
title: "Synthetic welfare offices shared by state and municipalities"
summary: "Synthetic fixture: a reform that merged two agencies and opened shared local offices."
type: "profile"
status: "published"
countries: ["NO"]
policy_areas: ["employment-services", "social-policy"]
mechanisms: ["one-stop-shop", "new-or-restructured-body"]
coordination:
  direction: ["horizontal", "vertical"]
  modes: ["hierarchy", "network"]
  levels: ["national", "local"]
period:
  start: 2006
  end: 2015
organisations:
  - name: "Arbeids- og velferdsforvaltningen"
    acronym: "NAV"
    role: "The merged state agency and its local offices"
  - name: "Aetat"
    acronym: "Aetat"
    role: "National Employment Service; merged in 2006"
  - name: "Trygdeetaten"
authors: ["Test Author"]
updated: "2016-01-15"
---

Synthetic fixture text for tests only, repeated to give the body some length.
""" + "Synthetic sentence about shared offices for the long-term unemployed. " * 40


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = make_site(tmp_path_factory.mktemp("visual") / "site", {**EXTRA_CASES, "no-visual-card.md": CARD_CASE})
    without_repository_link(site)
    yield from built_and_served(site)


@pytest.fixture(scope="module")
def chromium(browser: Any) -> Iterator[Any]:
    """Chromium with the flags that make text render the same on every run (``support/visual.py``), launched by
    the session's Playwright (one Playwright per process)."""
    instance = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
    yield instance
    instance.close()


#: The explorer is drawn once its cases have their "Compare" boxes (explore-select.js adds them after explore.js).
EXPLORER_READY = ".cb-ex__case .cb-exsel__tick"


def open_page(chromium: Any, viewport: dict[str, int], url: str, ready: str) -> tuple[Any, Any]:
    context = new_context(chromium, viewport)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(ready)
    settle(page)
    return context, page


def card_png(page: Any) -> bytes:
    box = page.locator(".cb-card").bounding_box()
    clip = {"x": 0, "y": box["y"] - 4, "width": page.viewport_size["width"], "height": box["height"] + 8}
    return bytes(page.screenshot(clip=clip, full_page=True, animations="disabled", caret="hide"))


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_case_header_card_looks_as_it_did(chromium: Any, served: str, device: str, tmp_path: Path) -> None:
    context, page = open_page(chromium, PHONE if device == "phone" else DESKTOP,
                              served + "cases/no-visual-card/", ".cb-card")
    try:
        check_screenshot(card_png(page), f"case-card-{device}", tmp_path)
        badges = page.locator(".cb-criteria > li")
        assert badges.count() == 3
        # Small tags side by side (on a phone the third wraps to a second line), each one line high, far narrower
        # than the card, without bullets.
        boxes = [badges.nth(i).bounding_box() for i in range(3)]
        assert round(boxes[0]["y"]) == round(boxes[1]["y"]) and boxes[1]["x"] > boxes[0]["x"] + boxes[0]["width"]
        assert len({round(b["y"]) for b in boxes}) == (1 if device == "desktop" else 2), boxes
        card = page.locator(".cb-card").bounding_box()
        assert all(b["width"] < card["width"] * 0.6 and b["height"] < 30 for b in boxes), (card, boxes)
        assert page.evaluate("getComputedStyle(document.querySelector('.cb-criterion')).listStyleType") == "none"
    finally:
        context.close()


def test_the_explorer_on_a_phone_looks_as_it_did(chromium: Any, served: str, tmp_path: Path) -> None:
    context, page = open_page(chromium, PHONE, served + "explore/", EXPLORER_READY)
    try:
        check_screenshot(bytes(page.screenshot(animations="disabled", caret="hide")), "explorer-phone", tmp_path)
        page.focus(".cb-ex__toggle")
        page.keyboard.press("Enter")  # the keyboard, not the mouse: a pointer over the button would style it
        page.evaluate("document.activeElement.blur()")
        check_screenshot(bytes(page.screenshot(animations="disabled", caret="hide")), "explorer-phone-filters",
                         tmp_path)
    finally:
        context.close()


def test_the_explorer_on_a_desktop_looks_as_it_did(chromium: Any, served: str, tmp_path: Path) -> None:
    context, page = open_page(chromium, DESKTOP, served + "explore/", EXPLORER_READY)
    try:
        check_screenshot(bytes(page.screenshot(animations="disabled", caret="hide")), "explorer-desktop", tmp_path)
    finally:
        context.close()
