"""A real ``mkdocs serve`` for the tests that watch it rebuild: a free port of 127.0.0.1, its log in a file."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class MkDocsServer:
    """``mkdocs serve`` of ``site`` (with ``extra`` arguments), writing its log to ``log_path``."""

    def __init__(self, site: Path, log_path: Path, *extra: str) -> None:
        self.port = free_port()
        self.log_path = log_path
        env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", NO_MKDOCS_2_WARNING="1")
        with log_path.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "serve", *extra, "--dev-addr", f"127.0.0.1:{self.port}"],
                cwd=site, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
            )

    @property
    def base(self) -> str:
        """The address the server says it serves on (under the path of the site's site_url)."""
        line = next(line for line in self.log().splitlines() if "Serving on " in line)
        return line.split("Serving on ", 1)[1].strip()

    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace")

    def wait_for(self, text: str, count: int = 1, timeout: float = 240) -> str:
        """The log once ``text`` is in it ``count`` times; fails if the server stops or ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        while (log := self.log()).count(text) < count:
            assert self.process.poll() is None, log[-3000:]
            assert time.monotonic() < deadline, f"no {text!r} x{count} in:\n{log[-3000:]}"
            time.sleep(0.2)
        return log

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
