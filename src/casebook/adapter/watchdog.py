"""The build watchdog: a page that takes longer than ``page_timeout`` seconds fails the build, naming its file.

Rendering is linear in the size of a page (``core/linearinline.py``), but a page may still be slow in a way
nobody has measured yet, and a build that hangs names nothing: the pull-request job dies at its timeout and
``mkdocs serve`` stops answering. So the plugin tells a :class:`PageWatchdog` when a page's work starts and
ends, in the thread that runs the build (MkDocs builds in its main thread, under ``mkdocs serve`` too): from
``on_page_markdown`` to ``on_page_content`` (the page turned into HTML) and from ``on_page_context`` to
``on_post_page`` (the page put into the theme's template). One thread of the watchdog's own waits for each
page's deadline.

A page a worker process renders (``parallel.py``) is not timed while the main process waits for it: the main
process gives up on workers that have sent nothing for ``page_timeout`` seconds and renders the page itself,
under the watchdog. A slow page is then named after at most twice ``page_timeout``, and a worker stuck for
another reason (one that deadlocked after forking beside ``mkdocs serve``'s threads) never gets an innocent
page named.

When a page passes its deadline, the watchdog raises :class:`PageTimeout` in the build's thread, with the
message ``FILE:1: E501 ...`` naming the page's source file. MkDocs treats it as any plugin error: the build
stops and says why (``on_build_error`` closes the worker processes), and ``mkdocs serve`` keeps serving the
last good build. With ``CASEBOOK_ANNOTATIONS=github`` (the pull-request workflow sets it) the watchdog also
prints the problem as a GitHub annotation on the file.

Python delivers that exception between two steps of Python code; a thread blocked in one long call of C code
does not see it. If the build has not left the page ``GRACE_SECONDS`` later, the watchdog logs the problem,
stops the worker processes and ends the process with exit status 1: the build fails instead of hanging.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from mkdocs.exceptions import PluginError

from casebook.core.problems import Problem, error, format_github

log = logging.getLogger("mkdocs.plugins.casebook")

#: The problem code of a page that held the build too long (listed in CONTRIBUTING.md).
PAGE_TIMEOUT = "E501"
#: How long the build's thread has, once interrupted, to leave the page before the process is ended.
GRACE_SECONDS = 10.0
#: Set to ``github`` to have a timeout printed as a GitHub Actions annotation as well.
ANNOTATIONS_ENV = "CASEBOOK_ANNOTATIONS"


class PageTimeout(PluginError):
    """A page took longer than the plugin's ``page_timeout``; the message names its source file."""


def page_source(page: Any) -> tuple[str, bool]:
    """The file a page is made from, as ``casebook validate`` names files (``cases/x.md``, ``docs/about.md``),
    and whether the page is one the plugin generates from the catalogue (named by its path in the site then)."""
    file = page.file
    return (str(file.edit_uri), False) if file.edit_uri else (str(file.src_uri), True)


def timeout_problem(source: str, limit: float, generated: bool = False) -> Problem:
    which = "this page (one the plugin generates from the catalogue)" if generated else "this page"
    return error(
        source, 1, PAGE_TIMEOUT,
        f"{which} took longer than {limit:g} s to render (the casebook plugin's page_timeout), so the build "
        "was stopped; look for what makes it slow (a very long paragraph, a table or list of thousands of rows), "
        "or raise page_timeout in mkdocs.yml",
    )


def _raise_in(thread_id: int, exception: type[BaseException]) -> bool:
    """Raise ``exception`` in the thread ``thread_id`` at its next step of Python code."""
    done = ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exception))
    return bool(done == 1)


class PageWatchdog:
    """Fails a build whose current page has been worked on for more than ``limit`` seconds (``None``: never)."""

    def __init__(self, limit: float | None, *, grace: float | None = None,
                 abandon: Callable[[], None] | None = None) -> None:
        self.limit = limit if limit and limit > 0 else None
        self.grace = GRACE_SECONDS if grace is None else grace
        #: Called before the process is ended (the worker processes are stopped).
        self.abandon = abandon
        self._cond = threading.Condition()
        #: The page being worked on: (its number, its source and whether it is generated, the build's thread,
        #: its deadline).
        self._current: tuple[int, tuple[str, bool], int, float] | None = None
        self._count = 0
        self._closed = False
        self._thread: threading.Thread | None = None
        #: Worker processes (forked) run the plugin's page hooks too: there the watchdog does nothing.
        self._pid = os.getpid()

    def start(self, page: Any) -> None:
        """The build's thread starts work on ``page``."""
        if self.limit is None or os.getpid() != self._pid:
            return
        with self._cond:
            self._count += 1
            self._current = (self._count, page_source(page), threading.get_ident(), time.monotonic() + self.limit)
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="casebook-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()

    def stop(self) -> None:
        """The build's thread is done with the page it started."""
        if self._current is None or os.getpid() != self._pid:
            return
        with self._cond:
            self._current = None
            self._cond.notify()

    def close(self) -> None:
        """The build is over: the watchdog's thread ends."""
        with self._cond:
            self._closed = True
            self._current = None
            self._cond.notify()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=1)

    # --- In the watchdog's thread ----------------------------------------------------------------------

    def _watch(self) -> None:
        with self._cond:
            while not self._closed:
                current = self._current
                if current is None:
                    self._cond.wait()
                    continue
                left = current[3] - time.monotonic()
                if left > 0:
                    self._cond.wait(left)
                    continue
                self._fire(current)

    def _fire(self, current: tuple[int, tuple[str, bool], int, float]) -> None:
        """Stop the build stuck on the current page (the condition's lock is held)."""
        number, (source, generated), thread_id, _ = current
        assert self.limit is not None
        problem = timeout_problem(source, self.limit, generated)
        message = problem.format_text()
        if os.environ.get(ANNOTATIONS_ENV, "").lower() == "github":
            sys.stdout.write(format_github(problem) + "\n")
            sys.stdout.flush()

        class Timeout(PageTimeout):
            def __init__(self) -> None:  # Python makes it with no arguments in the build's thread
                super().__init__(message)

        _raise_in(thread_id, Timeout)
        deadline = time.monotonic() + self.grace
        while self._current is not None and self._current[0] == number and not self._closed:
            left = deadline - time.monotonic()
            if left <= 0:
                self._abandon(message)
            self._cond.wait(left)
        if self._current is not None and self._current[0] == number:
            self._current = None  # the build was closed meanwhile

    def _abandon(self, message: str) -> None:
        """The build's thread did not stop (it is inside one long call of C code): end the process."""
        log.error(f"{message} (the page did not stop within {self.grace:g} s of being interrupted; exiting)")
        for handler in logging.getLogger().handlers + log.handlers:
            handler.flush()
        try:
            if self.abandon is not None:
                self.abandon()
        finally:
            os._exit(1)
