"""Index pages with Pagefind while the site is written, instead of reading the finished site afterwards.

:class:`PageIndexer` runs Pagefind's Python API (``pagefind.index``: the ``pagefind --service`` process
behind an asyncio client) on an event loop in a background thread. Each page's final HTML is handed
over as it is written (:meth:`PageIndexer.add`, which returns at once); Pagefind parses it in its own
process, on the other core, while the next pages are rendered. :meth:`PageIndexer.finish` then adds
the HTML files of the site no page went through (404.html, copied or unchanged files), has Pagefind
build and write the bundle into ``site_dir/pagefind`` and makes it reproducible, as
:func:`casebook.searchindex.run_pagefind` does for a finished site. The index is the same: the same
files, indexing options and rules; only the page numbering follows the order pages were added in
(the command line's follows the order the file system lists them in).

Nothing here raises: failures and time-outs become E401/E402 problems, and the service process is
always ended (:meth:`PageIndexer.abort` when the build fails).
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import json
import os
import threading
from pathlib import Path
from typing import Any

from pagefind.index import IndexConfig, PagefindIndex
from pagefind.service import PagefindService

from .problems import Problem, error
from .searchindex import BUNDLE, EXCLUDE_SELECTORS, normalised

#: Longest wait for Pagefind to index what is left and write the bundle, as for the command line.
FINISH_TIMEOUT = 900.0
#: Longest wait for the background thread and the service process to stop.
STOP_TIMEOUT = 10.0


class _Service(PagefindService):
    """The API's service client, reading each response as soon as it arrives.

    pagefind 1.5's reader sleeps 0.1 s before reading each response, which limits indexing to ten
    pages a second. This one also fails the requests still waiting, and any sent later, once the
    process has gone, where the stock reader would leave them waiting forever.
    """

    gone: str | None = None

    async def send(self, payload: Any) -> Any:
        if self.gone is not None:
            raise RuntimeError(self.gone)
        return await super().send(payload)

    async def _wait_for_responses(self) -> None:
        try:
            stdout = self._backend.stdout
            assert stdout is not None
            while True:
                self._resolve(await stdout.readuntil(b","))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the process ended (EOF), or wrote something that is not a response
            self.gone = "the Pagefind process ended" if isinstance(exc, asyncio.IncompleteReadError) else str(exc)
            for future in self._responses.values():
                if not future.done():
                    future.set_exception(RuntimeError(self.gone))

    def _resolve(self, output: bytes) -> None:
        response = json.loads(base64.b64decode(output[:-1]))
        payload = response.get("payload") or {}
        message_id = response.get("message_id")
        if message_id is None and isinstance(payload.get("original_message"), str):
            # A message the service could not read comes back without its id, but with its text.
            try:
                message_id = json.loads(payload["original_message"]).get("message_id")
            except (ValueError, AttributeError):
                return
        future = self._responses.pop(message_id, None) if isinstance(message_id, int) else None
        if future is None or future.done():
            return
        if payload.get("type") == "Error":
            future.set_exception(RuntimeError(str(payload.get("message") or "Pagefind reported an error")))
        else:
            future.set_result(payload)  # type: ignore[arg-type]  # checked by the API method that sent it


class PageIndexer:
    """A Pagefind index of ``site_dir`` fed page by page from another thread; see the module docstring."""

    def __init__(self, site_dir: Path, *, finish_timeout: float = FINISH_TIMEOUT) -> None:
        self.site_dir = Path(site_dir)
        self.finish_timeout = finish_timeout
        #: Pages handed over so far (paths relative to site_dir, as in the site).
        self.seen: set[str] = set()
        self._queue: asyncio.Queue[tuple[str, str] | None] = asyncio.Queue()
        self._loop = asyncio.new_event_loop()
        self._process: asyncio.subprocess.Process | None = None
        self._task = self._loop.create_task(self._run())
        self._done: concurrent.futures.Future[list[Problem]] = concurrent.futures.Future()
        self._thread = threading.Thread(target=self._serve, name="casebook-pagefind", daemon=True)
        self._thread.start()
        self._closed = False

    # --- the caller's side (the build's thread) ---

    def add(self, dest_path: str, html: str) -> None:
        """Queue a page's final HTML; ``dest_path`` is where it is written, relative to ``site_dir``."""
        if self._closed or not dest_path.endswith(".html"):
            return
        self.seen.add(dest_path)
        self._loop.call_soon_threadsafe(self._queue.put_nowait, (dest_path, html))

    def finish(self) -> list[Problem]:
        """Add the site's other HTML files, write the bundle and make it reproducible; problems if that fails."""
        if self._closed:
            return [error("pagefind", 1, "E401", "search index not built: the indexer was already closed")]
        try:
            for path in self._unseen():
                self.add(path, (self.site_dir / path).read_text("utf-8", errors="replace"))
        except OSError as exc:
            self.abort()
            return [error("pagefind", 1, "E401", f"search index not built: {exc}")]
        self._closed = True
        self._loop.call_soon_threadsafe(self._queue.put_nowait, None)
        try:
            problems = self._done.result(timeout=self.finish_timeout)
        except TimeoutError:
            self._stop()
            return [error("pagefind", 1, "E401",
                          f"search index not built: Pagefind did not finish within {self.finish_timeout:g} s")]
        self._thread.join(STOP_TIMEOUT)
        return problems or normalised(self.site_dir)

    def abort(self) -> None:
        """Stop without writing anything: end the service process and the thread. Safe to call twice."""
        self._closed = True
        self._stop()

    def _stop(self) -> None:
        if self._thread.is_alive():
            try:
                self._loop.call_soon_threadsafe(self._task.cancel)
            except RuntimeError:  # the loop has just closed
                pass
            self._thread.join(STOP_TIMEOUT)
        if self._thread.is_alive() and self._process is not None and self._process.returncode is None:
            self._process.kill()  # the loop is stuck: end the process from here

    def _unseen(self) -> list[str]:
        """HTML files in the site that no :meth:`add` call covered, in a fixed order (not the bundle's own)."""
        found = []
        for folder, dirs, files in os.walk(self.site_dir):
            relative = Path(folder).relative_to(self.site_dir)
            if relative == Path("."):
                dirs[:] = [d for d in dirs if d != BUNDLE]
            dirs.sort()
            for name in sorted(files):
                path = (relative / name).as_posix()
                if name.endswith(".html") and path not in self.seen:
                    found.append(path)
        return found

    # --- the background thread ---

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            result = self._loop.run_until_complete(self._task)
        except BaseException as exc:  # cancelled by abort(), or a bug: never left unanswered
            result = [error("pagefind", 1, "E401", f"search index not built: {exc or type(exc).__name__}")]
        finally:
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()
        self._done.set_result(result)

    async def _run(self) -> list[Problem]:
        service: _Service | None = None
        try:
            service = _Service()
            await service.launch()
            self._process = service._backend
            config: IndexConfig = {"exclude_selectors": list(EXCLUDE_SELECTORS)}
            index = await service.create_index(config)
            pending: list[asyncio.Task[str | None]] = []
            while (item := await self._queue.get()) is not None:
                # Requests are written in the order the tasks start, which is the order pages came in.
                pending.append(asyncio.ensure_future(self._add(index, *item)))
            failures = [f for f in await asyncio.gather(*pending) if f is not None]
            if failures:
                more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
                return [error("pagefind", 1, "E401", f"search index not built: {failures[0]}{more}")]
            await index.write_files(output_path=str((self.site_dir / BUNDLE).resolve()))
            return []
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # no binary, a refused config, a failed write...
            reason = str(exc) or type(exc).__name__
            hint = " (install the pinned 'pagefind[extended]' package)" if isinstance(exc, FileNotFoundError) else ""
            return [error("pagefind", 1, "E401", f"search index not built: {reason}{hint}")]
        finally:
            if service is not None:
                await _shut_down(service)

    @staticmethod
    async def _add(index: PagefindIndex, path: str, html: str) -> str | None:
        try:
            await index.add_html_file(content=html, source_path=path)
        except Exception as exc:
            return f"{path}: {exc}"
        return None


async def _shut_down(service: _Service) -> None:
    """End the service process: it exits when its input closes; killed if it does not within STOP_TIMEOUT."""
    poll: asyncio.Task[None] | None = getattr(service, "_poll_task", None)
    process: asyncio.subprocess.Process | None = getattr(service, "_backend", None)
    if poll is not None:
        poll.cancel()
    if process is None:
        return
    try:
        if process.stdin is not None:
            process.stdin.close()
        await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
    except (TimeoutError, asyncio.CancelledError, OSError):
        if process.returncode is None:
            process.kill()
            await process.wait()
