"""Deep Zoom tiles of a whole-slide image, made when asked for and cached.

OpenSlide reads the file straight from its ZODB blob (a path on disk; SVS and
pyramidal TIFF are read level by level, never whole), ``DeepZoomGenerator``
cuts the tile a viewer asks for. Two caches, both in the Zope process's
memory and nowhere else (no tile is written to disk, no shared or public
cache may keep one: the views answer ``Cache-Control: private, no-store``):

- open slides: the last ``SLIDES`` OpenSlide handles with their generators;
- tiles: JPEG bytes up to ``TILE_CACHE_BYTES`` in all, least recently used
  dropped first.

Both are keyed by the file's UID and its blob's path. A new version of the
file is a new blob (a new path), so its tiles are new; when a file is changed
or removed (deleted, erased) its entries are dropped at once
(``forget``, subscribed in ``configure.zcml``). Another Zope process of a
cluster keeps what it cached until it ages out, but it serves a tile only
after traversing to the file with the reader's permission checked.
"""

import io
import threading
from collections import OrderedDict

import openslide
from openslide.deepzoom import DeepZoomGenerator

TILE_SIZE = 254
OVERLAP = 1
FORMAT = "jpeg"
QUALITY = 85
SLIDES = 8
TILE_CACHE_BYTES = 64 * 1024 * 1024


class NotASlide(ValueError):
    """OpenSlide cannot read the file."""


def blob_path(value) -> str:
    """The file on disk of a NamedBlobFile (uncommitted while it is added)."""
    blob = value._blob
    uncommitted = getattr(blob, "_p_blob_uncommitted", None)
    return uncommitted or blob.committed()


def is_slide(path: str) -> bool:
    return openslide.OpenSlide.detect_format(path) is not None and _opens(path)


def _opens(path: str) -> bool:
    try:
        openslide.OpenSlide(path).close()
    except (openslide.OpenSlideError, OSError):
        return False
    return True


def thumbnail_png(path: str, size=(400, 300)) -> bytes:
    with openslide.OpenSlide(path) as slide:
        image = slide.get_thumbnail(size)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG")
    return out.getvalue()


class _LRU:
    def __init__(self, limit, weigh=lambda value: 1, on_drop=None):
        self.limit, self.weigh, self.on_drop = limit, weigh, on_drop
        self.items = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value):
        dropped = []
        with self.lock:
            if key in self.items:
                return self.items[key]
            self.items[key] = value
            self.size += self.weigh(value)
            while self.size > self.limit and len(self.items) > 1:
                _, old = self.items.popitem(last=False)
                self.size -= self.weigh(old)
                dropped.append(old)
        for old in dropped:
            if self.on_drop:
                self.on_drop(old)
        return value

    def drop(self, uid):
        with self.lock:
            keys = [key for key in self.items if key[0] == uid]
            dropped = [self.items.pop(key) for key in keys]
            for old in dropped:
                self.size -= self.weigh(old)
        for old in dropped:
            if self.on_drop:
                self.on_drop(old)
        return len(dropped)

    def clear(self):
        with self.lock:
            dropped = list(self.items.values())
            self.items.clear()
            self.size = 0
        for old in dropped:
            if self.on_drop:
                self.on_drop(old)


def _close(entry):
    slide, _generator = entry
    slide.close()


SLIDE_CACHE = _LRU(SLIDES, on_drop=_close)
TILE_CACHE = _LRU(TILE_CACHE_BYTES, weigh=len)


def generator(uid: str, path: str) -> DeepZoomGenerator:
    entry = SLIDE_CACHE.get((uid, path))
    if entry is None:
        try:
            slide = openslide.OpenSlide(path)
        except (openslide.OpenSlideError, OSError) as error:
            raise NotASlide(str(error)) from None
        entry = SLIDE_CACHE.put(
            (uid, path),
            (slide, DeepZoomGenerator(slide, TILE_SIZE, OVERLAP, limit_bounds=True)),
        )
    return entry[1]


def dzi(uid: str, path: str) -> str:
    return generator(uid, path).get_dzi(FORMAT)


def tile(uid: str, path: str, level: int, column: int, row: int) -> bytes:
    """The JPEG of one tile; ValueError when there is no such tile."""
    key = (uid, path, level, column, row)
    data = TILE_CACHE.get(key)
    if data is not None:
        return data
    deepzoom = generator(uid, path)
    if not 0 <= level < deepzoom.level_count:
        raise ValueError(f"There is no level {level}.")
    columns, rows = deepzoom.level_tiles[level]
    if not (0 <= column < columns and 0 <= row < rows):
        raise ValueError(f"There is no tile {column}_{row} at level {level}.")
    image = deepzoom.get_tile(level, (column, row))
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=QUALITY)
    return TILE_CACHE.put(key, out.getvalue())


def forget(uid: str) -> None:
    """Drop what is cached of a file (changed, removed or erased)."""
    TILE_CACHE.drop(uid)
    SLIDE_CACHE.drop(uid)
