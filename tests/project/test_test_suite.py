"""The test suite's own rules: folders that mirror the package, helpers only from ``support``, and a fast loop
that a forgotten marker cannot slow down (``conftest.py`` fails an unmarked test that runs MkDocs)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from support import REPO, TESTS

TEST_MODULES = sorted(TESTS.rglob("test_*.py"))


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_every_test_module_sits_in_a_folder_named_after_what_it_tests() -> None:
    folders = {path.parent.name for path in TEST_MODULES}
    stages = {p.name for p in (REPO / "src" / "casebook").iterdir() if (p / "__init__.py").is_file()}
    assert folders - stages <= {"cli", "whole_site", "browser", "project"}, folders - stages
    assert not [path for path in TEST_MODULES if path.parent == TESTS]
    # Without __init__.py files pytest imports each module by its name alone: the names must be unique.
    assert len({path.name for path in TEST_MODULES}) == len(TEST_MODULES)


def test_no_test_module_imports_another_or_conftest() -> None:
    test_names = {path.stem for path in TEST_MODULES} | {"conftest"}
    offenders = {path.relative_to(TESTS).as_posix(): sorted(imported_modules(path) & test_names)
                 for path in [*TEST_MODULES, *(TESTS / "support").glob("*.py")]}
    assert {name: found for name, found in offenders.items() if found} == {}


GUARDED = '''
import subprocess
import sys

import pytest


def test_unmarked_build_in_a_subprocess(tmp_path):
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tmp_path)


def test_unmarked_serve_in_a_subprocess(tmp_path):
    subprocess.Popen([sys.executable, "-m", "mkdocs", "serve"], cwd=tmp_path)


def test_unmarked_properdocs_build(tmp_path):
    subprocess.run([sys.executable, "-m", "properdocs", "build", "-f", "mkdocs.yml"], cwd=tmp_path)


def test_unmarked_zensical_build(tmp_path):
    subprocess.run(["zensical", "build"], cwd=tmp_path)


def test_unmarked_build_in_this_process():
    from mkdocs.commands.build import build

    build(None)


@pytest.fixture
def built(tmp_path):
    subprocess.run(["mkdocs", "build"], cwd=tmp_path)


def test_unmarked_test_of_a_fixture_that_builds(built):
    pass


def test_unmarked_help_and_other_commands(tmp_path):
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--help"], capture_output=True, check=True)
    subprocess.run([sys.executable, "-c", "print('build')"], capture_output=True, check=True)


@pytest.mark.build
def test_marked_build_runs():
    from mkdocs.commands.build import build

    with pytest.raises(AttributeError):  # got past the guard, into MkDocs
        build(None)
'''


def test_the_fast_loop_fails_an_unmarked_test_that_runs_mkdocs(tmp_path: Path) -> None:
    shutil.copy(TESTS / "conftest.py", tmp_path / "conftest.py")
    shutil.copytree(TESTS / "support", tmp_path / "support", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "test_guarded.py").write_text(textwrap.dedent(GUARDED), encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    build: b\n    browser: b\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA", "test_guarded.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    outcomes = {line.split()[1].split("::")[1]: line.split()[0] for line in result.stdout.splitlines()
                if line.startswith(("PASSED ", "FAILED ", "ERROR "))}
    assert outcomes == {
        "test_unmarked_build_in_a_subprocess": "FAILED",
        "test_unmarked_serve_in_a_subprocess": "FAILED",
        "test_unmarked_properdocs_build": "FAILED",
        "test_unmarked_zensical_build": "FAILED",
        "test_unmarked_build_in_this_process": "FAILED",
        "test_unmarked_test_of_a_fixture_that_builds": "ERROR",
        "test_unmarked_help_and_other_commands": "PASSED",
        "test_marked_build_runs": "PASSED",
    }, result.stdout
    # The short summary repeats each message, cut to the terminal's width (or not, if COLUMNS is wide):
    # count the reports above it, which pytest prints whole.
    reports = result.stdout.split("short test summary info")[0]
    assert reports.count("is marked neither 'build' nor 'browser'") == 6, result.stdout
