"""Iconic objects: images and regions (HALCON's pixel conventions).

* **Pixel grid**: pixel (r, c) is the unit square centred at integer
  coordinates (r, c); row 0 / column 0 is the upper left pixel.  Rectangles
  of type 1 include both corners.
* **Region**: a set of pixels, stored as a boolean mask of its tight bounding
  box plus the box's upper left corner (`r0`, `c0`).  Coordinates may be
  negative or beyond any image: a region is not tied to an image.  The empty
  region has a 0×0 mask.  Regions are immutable; operators build new ones.
  Why a bounding-box mask and not HALCON's run-length encoding: see
  docs/semantics.md, "Iconic objects" (threshold, connection and the
  morphology of scipy.ndimage work on masks directly; runs would be converted
  back and forth on every operator).
* **Image**: one or more channels of the same size and pixel type (2-D numpy
  arrays, row-major) and a domain (a Region; None means the full image).
  Pixel types and their numpy storage: byte uint8, int1 int8, int2 int16,
  uint2 uint16, int4 int32, int8 int64, real float32; direction and cyclic
  are stored as uint8.  complex and vector_field are not supported.
"""

from __future__ import annotations

import numpy as np

from .registry import process_state
from .values import IconicObject

DTYPES = {
    "byte": np.uint8, "int1": np.int8, "int2": np.int16, "uint2": np.uint16,
    "int4": np.int32, "int8": np.int64, "real": np.float32,
    "direction": np.uint8, "cyclic": np.uint8,
}
RANGES = {
    "byte": (0, 255), "int1": (-128, 127), "int2": (-32768, 32767), "uint2": (0, 65535),
    "int4": (-2 ** 31, 2 ** 31 - 1), "int8": (-2 ** 63, 2 ** 63 - 1), "direction": (0, 255),
    "cyclic": (0, 255),
}
#: the size complement clips to (HALCON's system 'width'/'height'): the largest image
#: created so far, at least 512×512
SYSTEM_SIZE = [512, 512]


@process_state
def reset_system_size() -> None:
    """HALCON's default system image size, as a new process starts."""
    SYSTEM_SIZE[:] = [512, 512]


def to_type(data: np.ndarray, ptype: str, rounding: bool = True) -> np.ndarray:
    """Values as pixel type `ptype`: clipped to its range; integers rounded (or truncated)."""
    dtype = DTYPES[ptype]
    if ptype == "real":
        return data.astype(np.float32, copy=False)
    if data.dtype == dtype:
        return data
    lo, hi = RANGES[ptype]
    if data.dtype.kind == "f":
        data = np.rint(data) if rounding else np.trunc(data)
        data = np.clip(data, lo, hi)
        if ptype == "int8":  # float64 cannot hold 2**63-1: clip again after the cast
            return np.nan_to_num(data).astype(np.int64)
        return data.astype(dtype)
    info = np.iinfo(data.dtype)
    if info.min >= lo and info.max <= hi:
        return data.astype(dtype)
    return np.clip(data, max(lo, info.min), min(hi, info.max)).astype(dtype)


# ---- regions ------------------------------------------------------------------

class Region(IconicObject):
    """A set of pixels: a tight bounding-box mask at (r0, c0)."""

    __slots__ = ("r0", "c0", "mask", "_area")
    type_name = "region"

    def __init__(self, mask: np.ndarray, r0: int = 0, c0: int = 0, tight: bool = False):
        mask = np.asarray(mask, dtype=bool)
        if not tight:
            rows = np.flatnonzero(mask.any(axis=1))
            if rows.size == 0:
                mask, r0, c0 = np.zeros((0, 0), bool), 0, 0
            else:
                cols = np.flatnonzero(mask.any(axis=0))
                mask = mask[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
                r0, c0 = r0 + int(rows[0]), c0 + int(cols[0])
        self.mask = mask
        self.r0 = int(r0)
        self.c0 = int(c0)
        self._area = None

    # -- .hdict files (hdl/hdict.py)
    def to_state(self) -> dict:
        return {"r0": self.r0, "c0": self.c0, "mask": self.mask}

    @classmethod
    def from_state(cls, state: dict) -> "Region":
        mask = np.asarray(state["mask"], dtype=bool)
        if mask.ndim != 2:
            raise ValueError("a region mask must be 2-D")
        return cls(mask, int(state["r0"]), int(state["c0"]))

    # -- constructors
    @classmethod
    def empty(cls) -> "Region":
        return cls(np.zeros((0, 0), bool), 0, 0, tight=True)

    @classmethod
    def rectangle(cls, r1: int, c1: int, r2: int, c2: int) -> "Region":
        if r2 < r1 or c2 < c1:
            return cls.empty()
        return cls(np.ones((r2 - r1 + 1, c2 - c1 + 1), bool), r1, c1, tight=True)

    @classmethod
    def from_points(cls, rows, cols) -> "Region":
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        if rows.size == 0:
            return cls.empty()
        r0, c0 = int(rows.min()), int(cols.min())
        mask = np.zeros((int(rows.max()) - r0 + 1, int(cols.max()) - c0 + 1), bool)
        mask[rows - r0, cols - c0] = True
        return cls(mask, r0, c0, tight=True)

    # -- properties
    @property
    def is_empty(self) -> bool:
        return self.mask.size == 0

    @property
    def area(self) -> int:
        if self._area is None:
            self._area = int(np.count_nonzero(self.mask))
        return self._area

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        """(row1, col1, row2, col2), inclusive; (0, 0, 0, 0) for the empty region."""
        if self.is_empty:
            return 0, 0, 0, 0
        h, w = self.mask.shape
        return self.r0, self.c0, self.r0 + h - 1, self.c0 + w - 1

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """Rows and columns of the pixels, sorted by row then column (HALCON's run order)."""
        rr, cc = np.nonzero(self.mask)
        return rr + self.r0, cc + self.c0

    def canvas(self, height: int, width: int) -> np.ndarray:
        """The region as a height×width mask (parts outside are cut off)."""
        out = np.zeros((height, width), bool)
        if self.is_empty:
            return out
        r1, c1, r2, c2 = self.bbox
        a1, b1 = max(r1, 0), max(c1, 0)
        a2, b2 = min(r2, height - 1), min(c2, width - 1)
        if a1 <= a2 and b1 <= b2:
            out[a1:a2 + 1, b1:b2 + 1] = self.mask[a1 - r1:a2 - r1 + 1, b1 - c1:b2 - c1 + 1]
        return out

    def clip(self, height: int, width: int) -> "Region":
        """The part inside 0..height-1 × 0..width-1."""
        if self.is_empty:
            return self
        r1, c1, r2, c2 = self.bbox
        if r1 >= 0 and c1 >= 0 and r2 < height and c2 < width:
            return self
        a1, b1 = max(r1, 0), max(c1, 0)
        a2, b2 = min(r2, height - 1), min(c2, width - 1)
        if a1 > a2 or b1 > b2:
            return Region.empty()
        return Region(self.mask[a1 - r1:a2 - r1 + 1, b1 - c1:b2 - c1 + 1], a1, b1)

    def in_box(self, r1: int, c1: int, r2: int, c2: int) -> np.ndarray:
        """The region's mask over the box (r1, c1)–(r2, c2), inclusive."""
        out = np.zeros((r2 - r1 + 1, c2 - c1 + 1), bool)
        if self.is_empty:
            return out
        a1, b1, a2, b2 = self.bbox
        i1, j1 = max(a1, r1), max(b1, c1)
        i2, j2 = min(a2, r2), min(b2, c2)
        if i1 <= i2 and j1 <= j2:
            out[i1 - r1:i2 - r1 + 1, j1 - c1:j2 - c1 + 1] = \
                self.mask[i1 - a1:i2 - a1 + 1, j1 - b1:j2 - b1 + 1]
        return out

    def same(self, other: "Region") -> bool:
        if self.is_empty or other.is_empty:
            return self.is_empty and other.is_empty
        return (self.r0, self.c0) == (other.r0, other.c0) and self.mask.shape == other.mask.shape \
            and bool(np.array_equal(self.mask, other.mask))

    # -- to_json
    @property
    def width(self):
        return None

    height = width
    channels = width

    def __repr__(self) -> str:
        return f"Region(area={self.area}, bbox={self.bbox})"


def combine(regions: list[Region], how: str) -> Region:
    """Union / intersection / difference of regions (aligned on their common box)."""
    nonempty = [r for r in regions if not r.is_empty]
    if how == "union":
        if not nonempty:
            return Region.empty()
        if len(nonempty) == 1:
            return nonempty[0]
        r1 = min(r.bbox[0] for r in nonempty)
        c1 = min(r.bbox[1] for r in nonempty)
        r2 = max(r.bbox[2] for r in nonempty)
        c2 = max(r.bbox[3] for r in nonempty)
        out = np.zeros((r2 - r1 + 1, c2 - c1 + 1), bool)
        for r in nonempty:
            h, w = r.mask.shape
            out[r.r0 - r1:r.r0 - r1 + h, r.c0 - c1:r.c0 - c1 + w] |= r.mask
        return Region(out, r1, c1)
    a, b = regions
    if how == "intersection":
        if a.is_empty or b.is_empty:
            return Region.empty()
        r1, c1 = max(a.bbox[0], b.bbox[0]), max(a.bbox[1], b.bbox[1])
        r2, c2 = min(a.bbox[2], b.bbox[2]), min(a.bbox[3], b.bbox[3])
        if r1 > r2 or c1 > c2:
            return Region.empty()
        return Region(a.in_box(r1, c1, r2, c2) & b.in_box(r1, c1, r2, c2), r1, c1)
    # difference
    if a.is_empty or b.is_empty:
        return a
    r1, c1, r2, c2 = a.bbox
    return Region(a.mask & ~b.in_box(r1, c1, r2, c2), r1, c1)


# ---- images ---------------------------------------------------------------------

class Image(IconicObject):
    """Channels (2-D arrays of one pixel type and size) and a domain (None: the full image)."""

    __slots__ = ("data", "ptype", "domain_region")
    type_name = "image"

    def __init__(self, data: list[np.ndarray], ptype: str, domain: Region | None = None):
        self.data = data
        self.ptype = ptype
        self.domain_region = domain
        h, w = data[0].shape
        if h > SYSTEM_SIZE[0] or w > SYSTEM_SIZE[1]:
            SYSTEM_SIZE[0], SYSTEM_SIZE[1] = max(h, SYSTEM_SIZE[0]), max(w, SYSTEM_SIZE[1])

    # -- .hdict files (hdl/hdict.py)
    def to_state(self) -> dict:
        domain = None if self.domain_region is None else self.domain_region.to_state()
        return {"ptype": self.ptype, "channels": list(self.data), "domain": domain}

    @classmethod
    def from_state(cls, state: dict) -> "Image":
        ptype = state["ptype"]
        if ptype not in DTYPES:
            raise ValueError(f"unknown pixel type {ptype!r}")
        channels = [np.asarray(c, dtype=DTYPES[ptype]) for c in state["channels"]]
        if not channels or any(c.ndim != 2 or c.shape != channels[0].shape for c in channels):
            raise ValueError("channels must be 2-D arrays of one size")
        domain = None if state["domain"] is None else Region.from_state(state["domain"])
        return cls(channels, ptype, domain)

    @property
    def height(self) -> int:
        return int(self.data[0].shape[0])

    @property
    def width(self) -> int:
        return int(self.data[0].shape[1])

    @property
    def channels(self) -> int:
        return len(self.data)

    @property
    def full(self) -> bool:
        return self.domain_region is None

    def domain(self) -> Region:
        if self.domain_region is None:
            return Region.rectangle(0, 0, self.height - 1, self.width - 1)
        return self.domain_region

    def domain_mask(self) -> np.ndarray | None:
        """A height×width mask of the domain, or None for the full domain."""
        if self.domain_region is None:
            return None
        return self.domain_region.canvas(self.height, self.width)

    def with_data(self, data: list[np.ndarray], ptype: str | None = None) -> "Image":
        return Image(data, ptype or self.ptype, self.domain_region)

    def __repr__(self) -> str:
        return f"Image({self.ptype}, {self.width}x{self.height}x{self.channels})"


def new_image(data, ptype: str, domain: Region | None = None) -> Image:
    if isinstance(data, np.ndarray):
        data = [data]
    return Image(list(data), ptype, domain)
