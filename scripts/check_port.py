"""Say in one line why the local preview cannot listen on a port: ``make serve`` runs this before ``mkdocs serve``.

``mkdocs serve`` on a port that another preview holds ends in a Python traceback. This script tries the address the
way MkDocs' server will (``SO_REUSEADDR``, as ``http.server`` sets it) and exits with 1 and one line naming the port
and what to do, or with 0 if the address is free:

    python scripts/check_port.py 8000 [127.0.0.1]
"""

from __future__ import annotations

import errno
import socket
import sys


def problem(port_text: str, host: str = "127.0.0.1") -> str | None:
    """Why ``mkdocs serve --dev-addr HOST:PORT`` could not listen, or ``None`` if it could."""
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        return f"PORT={port_text!r} is not a port number (1 to 65535); e.g. make serve PORT=8001"
    port = int(port_text)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            other = port + 1 if port < 65535 else 8001
            if exc.errno == errno.EADDRINUSE:
                return (f"port {port} on {host} is in use (another 'make serve' or 'mkdocs serve'?): stop it, "
                        f"or choose another port: make serve PORT={other}")
            return f"cannot listen on {host}:{port} ({exc.strerror}): choose another port, e.g. make serve PORT={other}"
    return None


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print("usage: check_port.py PORT [HOST]", file=sys.stderr)
        return 2
    found = problem(*argv[1:])
    if found is not None:
        print(f"make serve: {found}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
