"""A small pyramidal tiled TIFF, written without libvips.

Whole-slide scanners write SVS or pyramidal TIFF; the tests and the demo
need one they make themselves. OpenSlide reads a "generic tiled TIFF": every
level a tiled directory, each half the size of the one before. Pillow cannot
write tiled TIFF, so the few tags are written here; tiles are compressed with
Deflate (zlib), which libtiff reads.
"""

import io
import struct
import zlib

from PIL import Image
from PIL import ImageDraw
from PIL import ImageFilter

TILE = 256
# TIFF tag ids and field types
SHORT, LONG, RATIONAL, ASCII = 3, 4, 5, 2


def _level_tiles(image: Image.Image, tile: int) -> list[bytes]:
    width, height = image.size
    tiles = []
    for top in range(0, height, tile):
        for left in range(0, width, tile):
            piece = Image.new("RGB", (tile, tile), (255, 255, 255))
            piece.paste(image.crop((left, top, left + tile, top + tile)), (0, 0))
            tiles.append(zlib.compress(piece.tobytes(), 6))
    return tiles


def write_pyramidal_tiff(image: Image.Image, tile: int = TILE, levels=None) -> bytes:
    """``image`` as a tiled TIFF with levels down to one tile (or ``levels``)."""
    image = image.convert("RGB")
    pyramid = [image]
    while max(pyramid[-1].size) > tile and (levels is None or len(pyramid) < levels):
        previous = pyramid[-1]
        pyramid.append(
            previous.resize(
                (max(1, previous.width // 2), max(1, previous.height // 2)),
                Image.Resampling.LANCZOS,
            )
        )
    out = io.BytesIO()
    out.write(b"II*\x00" + struct.pack("<I", 0))  # first IFD offset set below
    previous_next = 4  # where the offset of the next IFD is written
    for index, level in enumerate(pyramid):
        tiles = _level_tiles(level, tile)
        offsets = []
        for data in tiles:
            offsets.append(out.tell())
            out.write(data)
        if out.tell() % 2:
            out.write(b"\x00")
        # Out-of-line values: bits per sample, tile offsets and byte counts.
        bits_at = out.tell()
        out.write(struct.pack("<3H", 8, 8, 8))
        offsets_at = out.tell()
        out.write(struct.pack(f"<{len(offsets)}I", *offsets))
        counts_at = out.tell()
        out.write(struct.pack(f"<{len(tiles)}I", *(len(t) for t in tiles)))
        resolution_at = out.tell()
        out.write(struct.pack("<2I", 72, 1))
        entries = [
            (254, LONG, 1, 1 if index else 0),  # NewSubfileType: reduced image
            (256, LONG, 1, level.width),  # ImageWidth
            (257, LONG, 1, level.height),  # ImageLength
            (258, SHORT, 3, bits_at),  # BitsPerSample
            (259, SHORT, 1, 8),  # Compression: Deflate
            (262, SHORT, 1, 2),  # Photometric: RGB
            (277, SHORT, 1, 3),  # SamplesPerPixel
            (282, RATIONAL, 1, resolution_at),  # XResolution
            (283, RATIONAL, 1, resolution_at),  # YResolution
            (284, SHORT, 1, 1),  # PlanarConfiguration: contiguous
            (322, LONG, 1, tile),  # TileWidth
            (323, LONG, 1, tile),  # TileLength
            (324, LONG, len(offsets), offsets_at if len(offsets) > 1 else offsets[0]),
            (325, LONG, len(tiles), counts_at if len(tiles) > 1 else len(tiles[0])),
        ]
        ifd_at = out.tell()
        out.seek(previous_next)
        out.write(struct.pack("<I", ifd_at))
        out.seek(ifd_at)
        out.write(struct.pack("<H", len(entries)))
        for tag, kind, count, value in entries:
            if kind == SHORT and count == 1:
                out.write(struct.pack("<HHIHH", tag, kind, count, value, 0))
            else:
                out.write(struct.pack("<HHII", tag, kind, count, value))
        previous_next = out.tell()
        out.write(struct.pack("<I", 0))
    return out.getvalue()


def tissue(width: int = 2048, height: int = 1536, seed: int = 7) -> Image.Image:
    """A made-up stained tissue section: pink stroma, purple nuclei, a gap.

    Nothing of a patient: drawn from a fixed seed, for the demo and tests.
    """
    import random

    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (246, 242, 244))
    draw = ImageDraw.Draw(image)
    # The section: a large irregular blob of eosin pink.
    cx, cy = width / 2, height / 2
    points = []
    for step in range(48):
        angle = step / 48 * 6.283
        radius = min(width, height) * (0.38 + 0.08 * rng.random())
        import math

        points.append(
            (cx + radius * 1.3 * math.cos(angle), cy + radius * math.sin(angle))
        )
    draw.polygon(points, fill=(232, 170, 200))
    # Glands: pale lumens with a rim of nuclei.
    for _ in range(14):
        x, y = rng.uniform(0.25, 0.75) * width, rng.uniform(0.25, 0.75) * height
        r = rng.uniform(40, 110)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(214, 120, 170))
        draw.ellipse(
            (x - r * 0.6, y - r * 0.6, x + r * 0.6, y + r * 0.6), fill=(250, 240, 245)
        )
    # Nuclei everywhere in the section: small dark purple dots.
    for _ in range(2600):
        x, y = rng.uniform(0.12, 0.88) * width, rng.uniform(0.12, 0.88) * height
        r = rng.uniform(2.5, 6)
        shade = rng.randint(60, 110)
        draw.ellipse(
            (x - r, y - r * 0.8, x + r, y + r * 0.8), fill=(shade, 40, shade + 70)
        )
    return image.filter(ImageFilter.GaussianBlur(0.8))


def sample_slide(width: int = 2048, height: int = 1536) -> bytes:
    """A demo / test slide: the made-up tissue as a pyramidal TIFF."""
    return write_pyramidal_tiff(tissue(width, height))
