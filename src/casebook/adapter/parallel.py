"""Pages rendered in forked worker processes while MkDocs renders the others.

MkDocs turns pages from Markdown into HTML one after another, in one process, and then puts them
into the theme's template one after another, so a build uses one core however many the machine has.
Converting a page is a pure function of the page's Markdown, the configuration and the list of
files, all of which are known once the nav is built; so just before MkDocs starts reading pages,
the plugin forks workers that inherit that state (``workers.py`` is the MkDocs side; putting pages
into the template works the same way, from ``on_env``). MkDocs goes through
the pages from the first; the workers take pages from the last. Each page is claimed once, in a
shared array under a lock: whoever reaches a page first renders it. When MkDocs reaches a page a
worker has claimed, it waits for that worker's result and uses it instead of converting the page
again; the two ends meet in the middle.

A worker's result is everything ``Page.render`` and the plugin's ``on_page_content`` leave behind
(the HTML, the table of contents, the anchors, the title found in the text) and every log record
emitted meanwhile (a broken link's warning), which the main process logs again when it reaches the
page, so ``--strict`` counts it and the log reads as in a serial build. Any failure in a worker (an
exception, a crash, a worker killed) only means the main process renders that page itself, the
usual way; the result is byte-for-byte the same either way (tested).

Workers are used where forking exists (Linux, macOS; not Windows) and no other plugin has a hook on
pages (it would run in a worker, unseen). Under ``mkdocs serve`` a rebuild forks beside the server's
threads: a worker touches nothing those threads may hold (it logs into a list, sends through its own
queue and leaves with ``os._exit``), and one that sends nothing for a minute (or the plugin's
``page_timeout``, if shorter) is stopped and its page rendered by the main process, where the build
watchdog (``watchdog.py``) times it.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.queues
import os
import queue
import signal
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

#: A claim on a page: nobody yet, the main process, worker ``n`` (``WORKER + n``).
FREE, MAIN, WORKER = 0, 1, 2
#: How long the main process waits for a claimed page's result before checking its workers are alive.
POLL_SECONDS = 0.5
#: A worker that sends nothing for this long is taken to be stuck (a page renders in milliseconds).
STALL_SECONDS = 60.0


def default_workers() -> int:
    """One worker per usable core beyond the main process's own, at most three."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(0, min(cores, 4) - 1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


class _Capture(logging.Handler):
    """Keeps every record a worker emits, once, with its message made final (so it pickles)."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []
        self._seen: set[int] = set()

    def emit(self, record: logging.LogRecord) -> None:
        if id(record) in self._seen:  # the same record reaches every logger with handlers on its way up
            return
        self._seen.add(id(record))
        record.msg = record.getMessage()
        record.args = None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_info = None
        self.records.append(record)

    def take(self) -> list[logging.LogRecord]:
        records, self.records = self.records, []
        self._seen.clear()
        return records


def _capture_logging() -> _Capture:
    """In a worker: every logger that has handlers hands its records to one capture instead."""
    capture = _Capture()
    loggers = [logging.getLogger()] + [
        item for item in logging.Logger.manager.loggerDict.values() if isinstance(item, logging.Logger)
    ]
    for logger in loggers:
        if logger.handlers:
            logger.handlers = [capture]
    return capture


def replay(records: Sequence[logging.LogRecord]) -> None:
    """Log a worker's records in this process, through the loggers they were emitted on."""
    for record in records:
        logger = logging.getLogger(record.name)
        if not logger.disabled:
            logger.handle(record)


class RenderPool:
    """Workers that render the pages named by ``keys`` from the end, while the caller goes from the start.

    ``render(key)`` runs in a worker and returns a picklable result; the caller asks for each key with
    :meth:`claim` and, for a key a worker took, gets the result with :meth:`result` (``None`` if the
    worker failed: the caller then renders the page itself).
    """

    def __init__(self, keys: Sequence[str], render: Callable[[str], Any], workers: int,
                 stall_at_most: float | None = None) -> None:
        self.keys = list(keys)
        #: How long the main process waits without hearing from any worker before it gives up on them:
        #: ``STALL_SECONDS``, or less if the caller says so.
        self.stall_seconds = min(STALL_SECONDS, stall_at_most) if stall_at_most else STALL_SECONDS
        self.index = {key: i for i, key in enumerate(self.keys)}
        context = multiprocessing.get_context("fork")
        self.claims = context.Array("i", len(self.keys), lock=True)
        self.stop = context.Event()
        self.results: multiprocessing.queues.Queue[Any] = context.Queue()
        self.received: dict[str, tuple[list[logging.LogRecord], Any] | None] = {}
        self.processes = [
            context.Process(target=self._work, args=(render, n), daemon=True, name=f"casebook-render-{n}")
            for n in range(workers)
        ]
        with warnings.catch_warnings():
            # Python 3.12+ warns when a process with threads forks (``mkdocs serve`` has its server's threads):
            # a worker only renders pages and reports through its queue; it never takes a lock those threads
            # hold (logging's locks are renewed in a forked child), and a stuck worker is given up on.
            warnings.simplefilter("ignore", DeprecationWarning)
            for process in self.processes:
                process.start()

    # --- In a worker ---------------------------------------------------------------------------

    def _work(self, render: Callable[[str], Any], number: int) -> None:
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the main process, which ends us
            capture = _capture_logging()
            for i in range(len(self.keys) - 1, -1, -1):
                if self.stop.is_set():
                    break
                with self.claims.get_lock():
                    if self.claims[i] != FREE:
                        continue
                    self.claims[i] = WORKER + number
                key = self.keys[i]
                try:
                    result = render(key)
                except BaseException:  # noqa: BLE001 - the main process renders it and reports the error
                    capture.take()
                    self.results.put((key, None))
                    continue
                self.results.put((key, (capture.take(), result)))
        except BaseException:  # noqa: BLE001 - the page in hand is rendered by the main process, see result()
            pass
        finally:
            self.results.close()
            self.results.join_thread()  # every result is in the pipe
            os._exit(0)  # nothing else of the parent's to run or flush here

    # --- In the main process -------------------------------------------------------------------

    def claim(self, key: str) -> bool:
        """Claim ``key`` for the caller; False if a worker has it (then call :meth:`result`)."""
        i = self.index.get(key)
        if i is None:
            return True
        with self.claims.get_lock():
            if self.claims[i] == FREE:
                self.claims[i] = MAIN
                return True
            return bool(self.claims[i] == MAIN)

    def result(self, key: str) -> tuple[list[logging.LogRecord], Any] | None:
        """The worker's log records and result for ``key``; ``None`` if no worker could render it.

        If the worker that claimed ``key`` died, or no worker sent anything for ``stall_seconds`` (stuck),
        the caller renders the page itself (after a stall, every worker is stopped).
        """
        waited = 0.0
        owner = self.processes[self.claims[self.index[key]] - WORKER]
        while key not in self.received:
            alive = owner.is_alive()
            try:
                got, value = self.results.get(timeout=POLL_SECONDS if alive else 0.05)
            except queue.Empty:
                if not alive:
                    return None
                waited += POLL_SECONDS
                if waited >= self.stall_seconds:
                    self._terminate()
                    return None
                continue
            waited = 0.0
            self.received[got] = value
        return self.received.pop(key)

    def _terminate(self) -> None:
        self.stop.set()
        for process in self.processes:
            if process.is_alive():
                process.terminate()
            process.join(timeout=5)

    def close(self) -> int:
        """Stop the workers (they are done by now in a normal build) and reap them; how many pages they took.

        Results nobody asked for are read and dropped, so that no worker waits on a full pipe.
        """
        self.stop.set()
        with self.claims.get_lock():
            taken = sum(1 for i in range(len(self.keys)) if self.claims[i] >= WORKER)
        deadline = time.monotonic() + 5
        while any(process.is_alive() for process in self.processes) and time.monotonic() < deadline:
            try:
                self.results.get(timeout=0.05)
            except queue.Empty:
                pass
        self._terminate()
        self.received.clear()
        self.results.close()
        self.results.cancel_join_thread()
        return taken
