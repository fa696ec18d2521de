"""Write new reference images for the visual regression tests (``tests/browser/test_visual.py``).

Run it only when a change to the look of the case header card or the explorer is wanted:

    .venv/bin/python scripts/update_visual_references.py

It runs the visual tests with ``CASEBOOK_UPDATE_VISUAL=1``, which makes them write their screenshots into
``tests/browser/visual/`` instead of comparing them, then lists the images that changed. Look at each one
(any image viewer, or the pull request's "Files changed" tab) before committing it. Make them on the machine CI
uses (Debian's chromium and fonts-dejavu-core): another browser version may draw text a few pixels apart.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REFERENCES = REPO / "tests" / "browser" / "visual"
TESTS = "tests/browser/test_visual.py"


def main() -> int:
    before = {p.name: p.read_bytes() for p in REFERENCES.glob("*.png")}
    env = dict(os.environ, CASEBOOK_UPDATE_VISUAL="1")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", TESTS], cwd=REPO,
                            env=env, check=False)
    if result.returncode != 0:
        print("the visual tests failed before writing every reference; nothing to commit", file=sys.stderr)
        return result.returncode
    after = {p.name: p.read_bytes() for p in REFERENCES.glob("*.png")}
    changed = sorted(name for name in after if before.get(name) != after[name])
    for name in changed:
        print(f"{'changed' if name in before else 'new'}: {(REFERENCES / name).relative_to(REPO)}")
    if not changed:
        print("no reference image changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
