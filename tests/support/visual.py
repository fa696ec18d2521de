"""Visual regression: screenshots in headless Chromium compared with stored reference images.

A theme rule that silently restyles a page (Material's list rules once turned the criteria badges into full-width
boxes with bullets) changes many pixels; anti-aliasing that differs a little between runs changes a few. So a
screenshot matches its reference when at most :data:`TOLERANCE` of its pixels differ by more than
:data:`THRESHOLD` in a colour channel, and the two are the same size.

The references are in ``tests/browser/visual/``. They change only on purpose: with ``CASEBOOK_UPDATE_VISUAL=1``
(what ``scripts/update_visual_references.py`` sets) the tests write the screenshots there instead of comparing
them; look at each image before committing it. The screenshots are made deterministic: a fixed viewport and
device scale, no animations or transitions, no caret, every element in DejaVu Sans (Debian's fonts-dejavu-core,
which CI installs), and Chromium flags that turn off font hinting and LCD anti-aliasing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from support import TESTS
from support.browser import CHROMIUM_ARGS
from support.pixels import compare, read_png, write_png

REFERENCES = TESTS / "browser" / "visual"
#: Set to 1 to write the screenshots as the new references instead of comparing them.
UPDATE = "CASEBOOK_UPDATE_VISUAL"
#: A pixel differs when one of its channels differs by more than this (of 255).
THRESHOLD = 40
#: The share of differing pixels a screenshot may have and still match.
TOLERANCE = 0.004

ARGS = [*CHROMIUM_ARGS, "--font-render-hinting=none", "--disable-lcd-text", "--disable-font-subpixel-positioning",
        "--force-color-profile=srgb", "--hide-scrollbars"]

#: Injected into every page before its screenshot.
STABLE_CSS = """
*, *::before, *::after { animation: none !important; transition: none !important;
  caret-color: transparent !important; font-family: "DejaVu Sans", sans-serif !important; }
code, kbd, pre, code *, pre * { font-family: "DejaVu Sans Mono", monospace !important; }
"""

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1100, "height": 900}


def new_context(browser: Any, viewport: dict[str, int]) -> Any:
    """A browser context made for screenshots: fixed viewport and scale, light scheme, reduced motion."""
    return browser.new_context(viewport=viewport, device_scale_factor=1, color_scheme="light",
                               reduced_motion="reduce", locale="en-GB", timezone_id="UTC")


def settle(page: Any) -> None:
    """Make ``page`` ready to photograph: the stable style in, fonts loaded, nothing focused."""
    page.add_style_tag(content=STABLE_CSS)
    page.evaluate("document.fonts.ready.then(() => undefined)")
    page.evaluate("document.activeElement && document.activeElement.blur()")


def check_screenshot(png: bytes, name: str, out: Path) -> None:
    """Compare ``png`` with the reference ``name``.png (or write it as the reference, under ``UPDATE``).

    On a mismatch the screenshot and a copy of the reference with the differing pixels in red are written to
    ``out``, and the assertion names them.
    """
    reference = REFERENCES / f"{name}.png"
    if os.environ.get(UPDATE) == "1":
        REFERENCES.mkdir(parents=True, exist_ok=True)
        reference.write_bytes(png)
        return
    assert reference.is_file(), (
        f"no reference image {reference.relative_to(TESTS.parent)}: make it with "
        "'python scripts/update_visual_references.py' and look at it before committing it")
    expected, actual = read_png(reference.read_bytes()), read_png(png)
    difference = compare(expected, actual, threshold=THRESHOLD)
    if difference.same_size and difference.ratio <= TOLERANCE:
        return
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.actual.png").write_bytes(png)
    (out / f"{name}.diff.png").write_bytes(write_png(difference.picture))
    size = "" if difference.same_size else (
        f"it is {actual.width}x{actual.height} where the reference is {expected.width}x{expected.height}; ")
    raise AssertionError(
        f"screenshot '{name}' does not match {reference.relative_to(TESTS.parent)}: {size}"
        f"{difference.differing} of {difference.total} pixels ({difference.ratio:.2%}) differ, "
        f"{TOLERANCE:.2%} may. "
        f"Screenshot and difference (in red) in {out}. If the change is wanted, update the references "
        "on purpose: python scripts/update_visual_references.py")
