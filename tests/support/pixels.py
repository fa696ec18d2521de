"""PNG images as pixels, and how far two of them differ: the visual regression tests' comparison.

Pure Python (``zlib`` and ``struct``), for the PNGs Chromium writes: 8 bits per channel, greyscale, RGB or RGBA,
with or without alpha, not interlaced. :func:`write_png` writes the difference images a failing test leaves behind.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Channels per pixel of each PNG colour type this module reads (0 grey, 2 RGB, 4 grey + alpha, 6 RGBA).
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


@dataclass(frozen=True)
class Image:
    """An image as rows of RGB bytes (``width * 3`` bytes each)."""

    width: int
    height: int
    rows: tuple[bytes, ...]

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        row = self.rows[y]
        return row[3 * x], row[3 * x + 1], row[3 * x + 2]


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(kind: int, line: bytearray, previous: bytes, step: int) -> None:
    """Undo one scanline's filter in place (PNG specification, section 9)."""
    n = len(line)
    if kind == 0:
        return
    if kind == 1:
        for i in range(step, n):
            line[i] = (line[i] + line[i - step]) & 0xFF
    elif kind == 2:
        for i in range(n):
            line[i] = (line[i] + previous[i]) & 0xFF
    elif kind == 3:
        for i in range(n):
            left = line[i - step] if i >= step else 0
            line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
    elif kind == 4:
        for i in range(n):
            left = line[i - step] if i >= step else 0
            upper_left = previous[i - step] if i >= step else 0
            line[i] = (line[i] + _paeth(left, previous[i], upper_left)) & 0xFF
    else:
        raise ValueError(f"unknown PNG filter type {kind}")


def read_png(data: bytes) -> Image:
    """Decode a PNG into RGB rows (alpha dropped: the screenshots are opaque)."""
    if not data.startswith(SIGNATURE):
        raise ValueError("not a PNG file")
    pos = len(SIGNATURE)
    header: tuple[int, ...] | None = None
    compressed = bytearray()
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed += body
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("PNG without a header")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in CHANNELS or interlace:
        raise ValueError(f"unsupported PNG (bit depth {depth}, colour type {colour}, interlace {interlace})")
    channels = CHANNELS[colour]
    stride = width * channels
    raw = zlib.decompress(bytes(compressed))
    rows = []
    previous = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        line = bytearray(raw[start + 1:start + 1 + stride])
        _unfilter(raw[start], line, previous, channels)
        previous = bytes(line)
        rows.append(_to_rgb(previous, channels))
    return Image(width, height, tuple(rows))


def _to_rgb(line: bytes, channels: int) -> bytes:
    if channels == 3:
        return line
    if channels == 4:
        out = bytearray(len(line) // 4 * 3)
        out[0::3], out[1::3], out[2::3] = line[0::4], line[1::4], line[2::4]
        return bytes(out)
    grey = line[0::channels]
    out = bytearray(len(grey) * 3)
    out[0::3] = out[1::3] = out[2::3] = grey
    return bytes(out)


def write_png(image: Image) -> bytes:
    """``image`` as an RGB PNG (no filtering: for the files a failing test leaves to look at)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    raw = b"".join(b"\x00" + row for row in image.rows)
    header = struct.pack(">IIBBBBB", image.width, image.height, 8, 2, 0, 0, 0)
    return SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")


@dataclass(frozen=True)
class Difference:
    """How two images differ: how many pixels differ by more than the threshold, and where."""

    same_size: bool
    differing: int
    total: int
    #: The reference with each differing pixel in red, as large as the larger image (what only one image covers
    #: counts as differing).
    picture: Image

    @property
    def ratio(self) -> float:
        return self.differing / max(self.total, 1)


RED = b"\xff\x00\x00"


def compare(expected: Image, actual: Image, *, threshold: int = 32) -> Difference:
    """Count the pixels where any channel differs by more than ``threshold`` (of 255): anti-aliasing and font
    hinting move a few pixels' shades, a changed rule moves whole boxes. Images of different sizes are compared
    over the area they share, and every pixel outside it differs."""
    width, height = max(expected.width, actual.width), max(expected.height, actual.height)
    shared = min(expected.width, actual.width) * 3
    differing = 0
    rows = []
    for y in range(height):
        a = expected.rows[y] if y < expected.height else b""
        b = actual.rows[y] if y < actual.height else b""
        if a == b and len(a) == width * 3:
            rows.append(a)
            continue
        out = bytearray(a.ljust(width * 3, b"\x00"))
        span = shared if a and b else 0
        for i in range(0, span, 3):
            if (abs(a[i] - b[i]) > threshold or abs(a[i + 1] - b[i + 1]) > threshold
                    or abs(a[i + 2] - b[i + 2]) > threshold):
                differing += 1
                out[i:i + 3] = RED
        outside = width - span // 3
        differing += outside
        out[span:] = RED * outside
        rows.append(bytes(out))
    same_size = (expected.width, expected.height) == (actual.width, actual.height)
    return Difference(same_size, differing, width * height, Image(width, height, tuple(rows)))
