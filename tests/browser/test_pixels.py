"""The visual tests' image comparison (``support/pixels.py``): PNG decoding of every filter and colour type, and
counting the pixels that differ. No browser: these run in the fast loop."""

from __future__ import annotations

import random
import struct
import zlib

import pytest

from support.pixels import SIGNATURE, Image, compare, read_png, write_png
from support.visual import REFERENCES


def encode(rows: list[bytes], width: int, channels: int, colour: int, filters: list[int]) -> bytes:
    """A PNG whose scanlines use the given filter types (what Chromium's encoder may choose per line)."""
    def paeth(a: int, b: int, c: int) -> int:
        p = a + b - c
        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
        return a if pa <= pb and pa <= pc else b if pb <= pc else c

    raw = bytearray()
    previous = bytes(len(rows[0]))
    for row, kind in zip(rows, filters, strict=True):
        out = bytearray()
        for i, value in enumerate(row):
            left = row[i - channels] if i >= channels else 0
            up = previous[i]
            upper_left = previous[i - channels] if i >= channels else 0
            predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upper_left)][kind]
            out.append((value - predictor) & 0xFF)
        raw += bytes([kind]) + out
        previous = row

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, len(rows), 8, colour, 0, 0, 0)
    return SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b"")


@pytest.mark.parametrize(("colour", "channels"), [(2, 3), (6, 4), (0, 1), (4, 2)])
def test_every_filter_type_decodes_to_the_pixels_encoded(colour: int, channels: int) -> None:
    rng = random.Random(colour)
    width, height = 7, 10
    rows = [bytes(rng.randrange(256) for _ in range(width * channels)) for _ in range(height)]
    image = read_png(encode(rows, width, channels, colour, [y % 5 for y in range(height)]))
    assert (image.width, image.height) == (width, height)
    for y, row in enumerate(rows):
        for x in range(width):
            pixel = row[x * channels:(x + 1) * channels]
            rgb = tuple(pixel[:3]) if channels >= 3 else (pixel[0],) * 3
            assert image.pixel(x, y) == rgb
    assert read_png(write_png(image)) == image


def flat(width: int, height: int, rgb: bytes = b"\xff\xff\xff") -> Image:
    return Image(width, height, tuple(rgb * width for _ in range(height)))


def test_small_shade_changes_pass_and_moved_boxes_do_not() -> None:
    base = flat(10, 10)
    shaded = Image(10, 10, (b"\xf0\xf0\xf0" + base.rows[0][3:],) + base.rows[1:])
    assert compare(base, shaded, threshold=32).differing == 0  # 15 of 255: anti-aliasing
    moved = Image(10, 10, tuple(b"\x00\x00\x00" * 3 + row[9:] for row in base.rows))
    difference = compare(base, moved, threshold=32)
    assert difference.differing == 30 and difference.ratio == 0.3
    assert difference.picture.pixel(0, 0) == (255, 0, 0) and difference.picture.pixel(5, 5) == (255, 255, 255)


def test_images_of_different_sizes_differ_by_what_only_one_covers() -> None:
    difference = compare(flat(10, 10), flat(10, 12))
    assert not difference.same_size and difference.differing == 20 and difference.total == 120
    assert (difference.picture.width, difference.picture.height) == (10, 12)
    assert compare(flat(10, 10), flat(12, 10)).differing == 20


def test_the_stored_references_are_images_this_module_reads() -> None:
    references = sorted(REFERENCES.glob("*.png"))
    assert {p.stem for p in references} == {
        "case-card-desktop", "case-card-phone", "explorer-desktop", "explorer-phone", "explorer-phone-filters"}
    for path in references:
        image = read_png(path.read_bytes())
        assert image.width in (390, 1100) and image.height > 300
