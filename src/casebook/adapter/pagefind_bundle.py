"""Make Pagefind's bundle reproducible: the same site gives the same bytes.

Pagefind 1.5 writes page fragments and word-index chunks deterministically, but lists filter values
(and the filters in its metadata file) in hash-map order, so filter chunk names, the metadata file
and the entry point change from one run to the next (upstream issue Pagefind/pagefind#638). This
module rewrites those files in sorted order and renames them by their new content hash.

The files are gzip'd ``pagefind_dcd`` + CBOR; a small CBOR codec for the types Pagefind writes
(unsigned and negative integers, byte and text strings, arrays, maps) is enough.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from pathlib import Path
from typing import Any

SIGNATURE = b"pagefind_dcd"


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        chunk = self.data[self.pos:self.pos + n]
        if len(chunk) != n:
            raise ValueError("truncated CBOR")
        self.pos += n
        return chunk

    def argument(self, info: int) -> int:
        if info < 24:
            return info
        size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
        if size is None:
            raise ValueError(f"unsupported CBOR length {info}")
        return int.from_bytes(self.take(size), "big")

    def item(self) -> Any:
        head = self.take(1)[0]
        major, info = head >> 5, head & 0x1F
        if major == 7:
            if info == 20:
                return False
            if info == 21:
                return True
            if info == 22:
                return None
            if info == 27:
                return struct.unpack(">d", self.take(8))[0]
            raise ValueError(f"unsupported CBOR simple value {info}")
        n = self.argument(info)
        if major == 0:
            return n
        if major == 1:
            return -1 - n
        if major == 2:
            return self.take(n)
        if major == 3:
            return self.take(n).decode("utf-8")
        if major == 4:
            return [self.item() for _ in range(n)]
        if major == 5:
            return {self.item(): self.item() for _ in range(n)}
        raise ValueError(f"unsupported CBOR major type {major}")


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([(major << 5) | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([(major << 5) | info]) + n.to_bytes(size, "big")
    raise ValueError("integer too large for CBOR")


def encode(value: Any) -> bytes:
    if value is False:
        return b"\xf4"
    if value is True:
        return b"\xf5"
    if value is None:
        return b"\xf6"
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(encode(v) for v in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(encode(k) + encode(v) for k, v in value.items())
    raise TypeError(f"cannot encode {type(value).__name__} as CBOR")


def read(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path.name}: not a Pagefind data file")
    reader = _Reader(data[len(SIGNATURE):])
    return reader.item()


def packed(value: Any) -> bytes:
    return gzip.compress(SIGNATURE + encode(value), compresslevel=9, mtime=0)


def normalise(bundle: Path) -> None:
    """Sort filter values and filters in ``bundle`` (a Pagefind output folder) and rename by content."""
    entry_path = bundle / "pagefind-entry.json"
    entry_text = entry_path.read_text("utf-8")
    entry = json.loads(entry_text)
    for language, info in sorted(entry["languages"].items()):
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = read(meta_path)
        # meta: [version, pages, index chunks, filters [[name, hash]], sorts, ...]
        renamed: dict[str, str] = {}
        for pair in meta[3]:
            old = pair[1]
            path = bundle / "filter" / f"{old}.pf_filter"
            name, values = read(path)
            values = sorted(([value, sorted(pages)] for value, pages in values), key=lambda v: v[0])
            data = packed([name, values])
            new = f"{language}_{hashlib.sha256(data).hexdigest()[:7]}"
            path.unlink()
            (bundle / "filter" / f"{new}.pf_filter").write_bytes(data)
            renamed[old] = new
            pair[1] = new
        meta[3] = sorted(meta[3], key=lambda pair: pair[0])
        data = packed(meta)
        new_hash = f"{language}_{hashlib.sha256(data).hexdigest()[:10]}"
        meta_path.unlink()
        (bundle / f"pagefind.{new_hash}.pf_meta").write_bytes(data)
        entry_text = entry_text.replace(f'"{info["hash"]}"', f'"{new_hash}"')
    entry_path.write_text(entry_text, encoding="utf-8")
