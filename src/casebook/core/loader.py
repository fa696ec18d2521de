"""Finding case files on disk and reading them, refusing unsafe names and symlinks.

Every file the build or ``casebook validate`` reads comes from inside the project: a symbolic link on the
way to it, or a path that leads out of the project, is refused with E006 (E113 for case files), before
anything is read. A link in a pull request could otherwise publish any file of the machine that builds it.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import unicodedata
from pathlib import Path

from casebook.core.frontmatter import MAX_FILE_BYTES, Document, read_document
from casebook.core.problems import Problem, error

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 80

#: Names the site itself uses at the top level or under /cases/: a case may not take them.
RESERVED_SLUGS = frozenset(
    {
        "index", "cases", "countries", "mechanisms", "policy-areas", "explore", "briefs", "bibliography",
        "data", "feed", "about", "contribute", "search", "assets", "stylesheets", "javascripts", "pagefind",
        "matrix", "compare", "sitemap", "404", "readme", "new", "draft", "drafts", "all", "tags",
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "lpt1", "lpt2", "lpt3",
    }
)


#: A project file or folder the build will not read: a symbolic link, or outside the project.
OUTSIDE = "E006"
LINK = "symbolic link"
OUTSIDE_ROOT = "outside the project"


def unsafe_path(root: Path, path: Path) -> tuple[str, str] | None:
    """Why ``path`` may not be read: ``(the path to report, reason)``, or ``None`` if it may.

    Each component of ``path`` below ``root`` is checked without following it, so a linked folder on the way
    is found as well as a linked file; ``..`` or a path that is not under ``root`` leads outside the project.
    ``path`` need not exist.
    """
    for base in (root, root.resolve()):
        try:
            parts = path.relative_to(base).parts  # lexical: no link is followed to get here
        except ValueError:
            continue
        current = base
        for part in parts:
            if part == "..":
                return path.relative_to(base).as_posix(), OUTSIDE_ROOT
            current = current / part
            if current.is_symlink():
                return current.relative_to(base).as_posix(), LINK
        return None
    return path.as_posix(), OUTSIDE_ROOT


def path_problem(root: Path, path: Path) -> Problem | None:
    """An E006 error naming the offending file or folder if the build may not read ``path``."""
    found = unsafe_path(root, path)
    if found is None:
        return None
    display, reason = found
    fix = "replace the link with the file itself" if reason == LINK else "move it into the project"
    return error(display, 1, OUTSIDE, f"{reason}: the site reads only real files inside the project; {fix}")


def walk_files(root: Path, folder: str) -> tuple[list[Path], list[Problem]]:
    """Every regular file under ``root/folder`` (sorted), and an E006 for each symbolic link (not followed).

    Names starting with '.' are skipped, as MkDocs skips them (editors' lock files ``.#name.md`` are links).
    """
    base = root / folder
    refused = path_problem(root, base)
    if refused is not None:
        return [], [refused]
    if not base.is_dir():
        return [], []
    found: list[Path] = []
    problems: list[Problem] = []
    stack = [base]
    while stack:
        current = stack.pop()
        for entry in current.iterdir():
            if entry.name.startswith("."):
                continue
            if entry.is_symlink():
                problem = path_problem(root, entry)
                if problem is not None:
                    problems.append(problem)
            elif entry.is_dir():
                stack.append(entry)
            elif entry.is_file():
                found.append(entry)
    return sorted(found), sorted(problems, key=lambda p: p.path)


def read_regular_file(path: Path, limit: int | None = None) -> bytes:
    """The bytes of ``path`` (at most ``limit``), never following a symbolic link nor blocking on a FIFO.

    Raises ``OSError``: ``ELOOP`` for a link, ``EINVAL`` for anything that is not a regular file.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        return handle.read() if limit is None else handle.read(limit)


def slug_problem(name: str, display: str) -> Problem | None:
    """Why the file name ``name`` (with its extension) is not a valid case file name, if it is not."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        return error(display, 1, "E114", "a case file name must end in '.md'")
    if ext != "md":
        if ext.lower() == "md":
            return error(display, 1, "E114", f"rename to '{stem}.md': MkDocs ignores '.{ext}' files")
        return error(display, 1, "E114", "only '.md' case files belong in this folder")
    if len(stem) > MAX_SLUG:
        return error(display, 1, "E110", f"file name is {len(stem)} characters long; the limit is {MAX_SLUG}")
    foreign = next((ch for ch in stem if not ch.isascii()), None)
    if foreign is not None:
        label = unicodedata.name(foreign, "").lower() or "a non-ASCII character"
        return error(
            display, 1, "E110",
            f"file name contains '{foreign}' (U+{ord(foreign):04X}, {label}); use lowercase ASCII letters, "
            "digits and single hyphens",
        )
    if not SLUG.fullmatch(stem):
        hint = _slugify(stem)
        fix = f"; rename it to '{hint}.md'" if hint and hint != stem else ""
        return error(
            display, 1, "E110",
            f"file name '{name}' must use lowercase ASCII letters, digits and single hyphens{fix}",
        )
    if stem in RESERVED_SLUGS:
        return error(display, 1, "E111", f"'{stem}' is a name the site itself uses; choose another file name")
    return None


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))[:MAX_SLUG]


def discover(root: Path, folder: str) -> tuple[list[Path], list[Problem]]:
    """The case files in ``root/folder``, sorted; bad names and symlinks become problems."""
    base = root / folder
    problems: list[Problem] = []
    found: list[Path] = []
    if base.is_symlink() or not base.resolve().is_relative_to(root.resolve()):
        return [], [error(folder, 1, "E113", f"folder '{folder}' must be a real folder inside the project")]
    if not base.is_dir():
        return [], [error(folder, 1, "E005", f"folder '{folder}' does not exist")]
    for entry in sorted(base.iterdir(), key=lambda p: p.name):
        display = f"{folder}/{entry.name}"
        if entry.is_symlink():
            if not entry.name.startswith("."):  # editors' lock files (.#name.md) are symlinks
                problems.append(error(display, 1, "E113", f"symbolic links are not allowed in the '{folder}' folder"))
            continue
        if entry.is_dir():
            if not entry.name.startswith("."):
                problems.append(error(display, 1, "E115", f"sub-folders are not allowed in the '{folder}' folder"))
            continue
        if not entry.is_file():
            problems.append(error(display, 1, "E115", f"only regular files belong in the '{folder}' folder"))
            continue
        if entry.name.startswith("."):
            if entry.name.lower().endswith(".md"):
                problems.append(error(display, 1, "E110", "a case file name may not start with '.' (hidden file)"))
            continue  # .gitkeep, .DS_Store and the like
        problem = slug_problem(entry.name, display)
        if problem is not None:
            problems.append(problem)
            continue
        found.append(entry)
    return found, problems


def check_given_path(path: Path, root: Path, folder: str) -> tuple[str, Problem | None]:
    """Display name of a path given on the command line as a file of ``folder`` (the cases or briefs folder), and
    why it cannot be one, if so."""
    try:
        display = path.resolve(strict=False).relative_to(root.resolve()).as_posix() if not path.is_symlink() else None
    except ValueError:
        display = None
    display = display or path.as_posix()
    if path.is_symlink():
        return display, error(display, 1, "E113", "symbolic links are not allowed as case files")
    nested = path.exists() and Path(display).parent.as_posix() != folder
    if path.is_dir() or nested:
        return display, error(display, 1, "E115", f"sub-folders are not allowed in the '{folder}' folder: put the "
                              f"files directly in '{folder}/'")
    if not path.is_file():
        return display, error(display, 1, "E005", "no such file")
    return display, slug_problem(path.name, display)


def read_case_file(path: Path, display: str) -> Document:
    """Read a case file without following a symlink or blocking on a FIFO, and parse it."""
    try:
        # One byte past the limit, so that decode() can report the size.
        data = read_regular_file(path, MAX_FILE_BYTES + 1)
    except OSError as exc:
        doc = Document(path=display)
        reason = exc.strerror or str(exc)
        if exc.errno == errno.ELOOP:
            reason = "it is a symbolic link"
        doc.problems = [error(display, 1, "E004", f"cannot read file: {reason}")]
        return doc
    return read_document(data, display)
