"""Fingerprint the built site, to show that a change to the engine leaves the output byte-identical.

Builds two sites with the code as it is now: the repository's own content (its tracked files, copied
to a temporary folder) and a synthetic corpus of 300 cases from ``scripts/make_corpus.py``, each with
``mkdocs build --strict`` and a fixed ``SOURCE_DATE_EPOCH``, without the search index (Pagefind's
output is its own). Writes one SHA-256 per built file into ``OUT/real.json`` and ``OUT/corpus.json``.
Run it before and after a change, then compare:

    python scripts/site_digest.py --out /tmp/before
    ... change the engine ...
    python scripts/site_digest.py --out /tmp/after
    python scripts/site_digest.py --compare /tmp/before /tmp/after

The comparison lists every file added, removed or changed, and exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EPOCH = "1700000000"
CORPUS_CASES = 300


def _digest(site: Path) -> dict[str, str]:
    return {
        path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def _without_search(project: Path) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("plugins:\n  - casebook\n", "plugins:\n  - casebook:\n      search_index: false\n", 1)
    config.write_text(text, encoding="utf-8")


def _build(project: Path) -> dict[str, str]:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, NO_MKDOCS_2_WARNING="1")
    site = project / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
        cwd=project, env=env, capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"build of {project} failed:\n{result.stderr[-3000:]}")
    return _digest(site)


def _real_content(work: Path) -> Path:
    project = work / "real"
    project.mkdir()
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode("utf-8").split("\0")):
        source = REPO / name
        if source.is_file():
            target = project / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    _without_search(project)
    return project


def _corpus(work: Path) -> Path:
    project = work / "corpus"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_corpus.py"), "--cases", str(CORPUS_CASES), "--out", str(project)],
        check=True, capture_output=True,
    )
    _without_search(project)
    return project


def write_digests(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="casebook-digest-") as tmp:
        work = Path(tmp)
        for name, make in (("real", _real_content), ("corpus", _corpus)):
            digest = _build(make(work))
            (out / f"{name}.json").write_text(json.dumps(digest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
            print(f"{name}: {len(digest)} files")


def compare(before: Path, after: Path) -> int:
    differences = 0
    for name in ("real", "corpus"):
        old = json.loads((before / f"{name}.json").read_text(encoding="utf-8"))
        new = json.loads((after / f"{name}.json").read_text(encoding="utf-8"))
        added = sorted(set(new) - set(old))
        removed = sorted(set(old) - set(new))
        changed = sorted(k for k in set(old) & set(new) if old[k] != new[k])
        for label, items in (("added", added), ("removed", removed), ("changed", changed)):
            for item in items:
                print(f"{name}: {label} {item}")
        differences += len(added) + len(removed) + len(changed)
        print(f"{name}: {len(new)} files, {len(added) + len(removed) + len(changed)} differ")
    return 1 if differences else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write the digests of a fresh build into this folder")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"), help="compare two digests")
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare)
    if args.out:
        write_digests(args.out)
        return 0
    parser.error("give --out or --compare")
    return 2


if __name__ == "__main__":
    sys.exit(main())
