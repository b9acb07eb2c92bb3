"""Region chapter: segmentation (threshold …), creation, set operations,
morphology, connection, features, selection and sorting.

Regions follow HALCON's pixel conventions (hdl/iconic.py): pixel centres at
integer coordinates, rectangles of type 1 include both corners, the
foreground is 8-connected (connection) and the background 4-connected
(fill_up).  Morphology and labelling use scipy.ndimage.
"""

from __future__ import annotations

import math

import numpy as np

from hdl import args
from hdl import errorcodes as ec
from hdl import iconic as ic
from hdl import values as v
from hdl.errors import HdlRuntimeError
from hdl.iconic import Image, Region, combine
from hdl.registry import operator

#: foreground neighbourhood of connection (HALCON's set_system('neighborhood') default: 8)
NEIGHBORHOOD = 8

EPS = 1e-9


def _out(regions) -> v.ObjectTuple:
    return v.ObjectTuple(regions)


def _structure(neighborhood: int) -> np.ndarray:
    if neighborhood == 8:
        return np.ones((3, 3), bool)
    return np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], bool)


# ---- segmentation -------------------------------------------------------------------

def _in_domain(img: Image, mask: np.ndarray) -> Region:
    dom = img.domain_mask()
    if dom is not None:
        mask &= dom
    return Region(mask)


@operator("threshold ( Image : Region : MinGray, MaxGray : )")
def threshold(image, min_gray, max_gray):
    """The pixels of the domain with MinGray <= g <= MaxGray (first channel); one region per image
    (MinGray/MaxGray may hold one value per image)."""
    imgs = args.images(image)
    lo = args.numbers(min_gray, 1)
    hi = args.numbers(max_gray, 2)
    n = args.common_length([lo, hi], [1, 2])
    if imgs and n not in (1, len(imgs)):
        raise args.wrong_number(1, "one MinGray/MaxGray or one per image")
    out = []
    for k, img in enumerate(imgs):
        a, b = lo[min(k, len(lo) - 1)], hi[min(k, len(hi) - 1)]
        d = img.data[0]
        out.append(_in_domain(img, (d >= a) & (d <= b)))
    return _out(out)


def _otsu(hist: np.ndarray) -> int:
    total = hist.sum()
    if total == 0:
        return 0
    levels = np.arange(hist.size, dtype=np.float64)
    w0 = np.cumsum(hist)
    m0 = np.cumsum(hist * levels)
    w1 = total - w0
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (m0[-1] * w0 / total - m0) ** 2 / (w0 * w1)
    between[~np.isfinite(between)] = -1
    return int(np.argmax(between))


def _smooth_histo(hist: np.ndarray) -> int:
    from scipy import ndimage
    h = hist.astype(np.float64)
    for sigma in np.arange(1.0, 64.0, 1.0):
        s = ndimage.gaussian_filter1d(h, sigma, mode="nearest")
        peaks = [i for i in range(1, s.size - 1) if s[i] > s[i - 1] and s[i] >= s[i + 1]]
        if len(peaks) <= 2:
            if len(peaks) == 2:
                a, b = peaks
                return int(a + np.argmin(s[a:b + 1]))
            return _otsu(hist)
    return _otsu(hist)


@operator("binary_threshold ( Image : Region : Method, LightDark : UsedThreshold )")
def binary_threshold(image, method, light_dark):
    """Automatic threshold of byte/uint2 images: 'max_separability' (Otsu's method) or
    'smooth_histo' (the minimum between the two peaks of the smoothed histogram).  'dark' selects
    g <= UsedThreshold, 'light' g > UsedThreshold."""
    m = args.choice(method, 1, ("max_separability", "smooth_histo"))
    ld = args.choice(light_dark, 2, ("dark", "light"))
    regions, used = [], []
    for img in args.images(image):
        if img.ptype not in ("byte", "uint2"):
            raise HdlRuntimeError(ec.IMAGE_TYPE,
                                  f"byte or uint2 images expected, got {img.ptype!r}")
        d = img.data[0]
        dom = img.domain_mask()
        values = d if dom is None else d[dom]
        hist = np.bincount(values.reshape(-1).astype(np.int64),
                           minlength=256 if img.ptype == "byte" else 65536)
        t = _otsu(hist) if m == "max_separability" else _smooth_histo(hist)
        used.append(t)
        regions.append(_in_domain(img, d <= t if ld == "dark" else d > t))
    return _out(regions), v.canonical(used)


@operator("dyn_threshold ( OrigImage, ThresholdImage : RegionDynThresh : Offset, LightDark : )")
def dyn_threshold(orig_image, threshold_image, offset, light_dark):
    """Compare with a (smoothed) threshold image: 'light' g_o >= g_t + Offset, 'dark'
    g_o <= g_t - Offset, 'equal' |g_o - g_t| <= Offset, 'not_equal' |g_o - g_t| > Offset."""
    off = args.real(offset, 1)
    ld = args.choice(light_dark, 2, ("light", "dark", "equal", "not_equal"))
    a_list = args.images(orig_image)
    b_list = args.images(threshold_image)
    if len(a_list) != len(b_list):
        raise HdlRuntimeError(ec.ICONIC_EXPECTED, "as many threshold images as images needed")
    out = []
    for a, b in zip(a_list, b_list):
        if (a.width, a.height) != (b.width, b.height):
            raise HdlRuntimeError(ec.IMAGE_SIZE, "images of different sizes")
        x = a.data[0].astype(np.float64)
        y = b.data[0].astype(np.float64)
        if ld == "light":
            mask = x >= y + off
        elif ld == "dark":
            mask = x <= y - off
        elif ld == "equal":
            mask = np.abs(x - y) <= off
        else:
            mask = np.abs(x - y) > off
        dom = combine([a.domain(), b.domain()], "intersection").canvas(a.height, a.width)
        out.append(Region(mask & dom))
    return _out(out)


# ---- creation ------------------------------------------------------------------------------

def _per_object(*values) -> tuple[list[list], int]:
    """The number tuples of control inputs 1, 2 …, one value per region (length 1 repeats),
    and the number of regions they make."""
    lists = [args.numbers(x, i) for i, x in enumerate(values, 1)]
    return lists, args.common_length(lists, list(range(1, len(lists) + 1)))


@operator("gen_empty_region ( : EmptyRegion : : )")
def gen_empty_region():
    """One region without pixels (|R| = 1, area 0)."""
    return _out([Region.empty()])


@operator("gen_rectangle1 ( : Rectangle : Row1, Column1, Row2, Column2 : )")
def gen_rectangle1(row1, column1, row2, column2):
    """Axis-parallel rectangles, both corners included (coordinates rounded); tuples give
    several."""
    lists, n = _per_object(row1, column1, row2, column2)
    out = []
    for k in range(n):
        r1, c1, r2, c2 = (int(math.floor(lst[min(k, len(lst) - 1)] + 0.5)) for lst in lists)
        if r2 < r1 or c2 < c1:
            raise args.wrong_value(3 if r2 < r1 else 4,
                                   "Row2/Column2 must not be smaller than Row1/Column1")
        out.append(Region.rectangle(r1, c1, r2, c2))
    return _out(out)


def _raster(r1: float, c1: float, r2: float, c2: float, inside) -> Region:
    """The pixels of the box whose centres satisfy inside(rows, cols)."""
    a1, b1 = int(math.floor(r1)), int(math.floor(c1))
    a2, b2 = int(math.ceil(r2)), int(math.ceil(c2))
    rows = np.arange(a1, a2 + 1, dtype=np.float64)[:, None]
    cols = np.arange(b1, b2 + 1, dtype=np.float64)[None, :]
    return Region(inside(rows, cols), a1, b1)


def rectangle2(row, col, phi, l1, l2) -> Region:
    cos, sin = math.cos(phi), math.sin(phi)
    ext = abs(l1 * cos) + abs(l2 * sin), abs(l1 * sin) + abs(l2 * cos)

    def inside(r, c):
        dr, dc = r - row, c - col
        u = dc * cos - dr * sin
        w = dc * sin + dr * cos
        return (np.abs(u) <= l1 + EPS) & (np.abs(w) <= l2 + EPS)
    return _raster(row - ext[1], col - ext[0], row + ext[1], col + ext[0], inside)


def ellipse(row, col, phi, ra, rb) -> Region:
    cos, sin = math.cos(phi), math.sin(phi)
    ext = max(ra, rb)
    if ra <= 0 or rb <= 0:
        return Region.from_points([int(round(row))], [int(round(col))])

    def inside(r, c):
        dr, dc = r - row, c - col
        u = dc * cos - dr * sin
        w = dc * sin + dr * cos
        return (u / ra) ** 2 + (w / rb) ** 2 <= 1 + EPS
    return _raster(row - ext, col - ext, row + ext, col + ext, inside)


def circle(row, col, radius) -> Region:
    def inside(r, c):
        return (r - row) ** 2 + (c - col) ** 2 <= radius * radius + EPS
    return _raster(row - radius, col - radius, row + radius, col + radius, inside)


@operator("gen_rectangle2 ( : Rectangle : Row, Column, Phi, Length1, Length2 : )")
def gen_rectangle2(row, column, phi, length1, length2):
    """Rectangles of any orientation: the pixels whose centres lie within Length1 along the
    direction Phi (radians, counter-clockwise from the column axis) and Length2 across it."""
    lists, n = _per_object(row, column, phi, length1, length2)
    out = []
    for k in range(n):
        r, c, p, a, b = (float(lst[min(k, len(lst) - 1)]) for lst in lists)
        if a < 0 or b < 0:
            raise args.wrong_value(4 if a < 0 else 5, "lengths must be >= 0")
        out.append(rectangle2(r, c, p, a, b))
    return _out(out)


@operator("gen_circle ( : Circle : Row, Column, Radius : )")
def gen_circle(row, column, radius):
    """Discs: the pixels whose centres are at most Radius from (Row, Column)."""
    lists, n = _per_object(row, column, radius)
    out = []
    for k in range(n):
        r, c, rad = (float(lst[min(k, len(lst) - 1)]) for lst in lists)
        if rad < 0:
            raise args.wrong_value(3, "Radius must be >= 0")
        out.append(circle(r, c, rad))
    return _out(out)


@operator("gen_ellipse ( : Ellipse : Row, Column, Phi, Radius1, Radius2 : )")
def gen_ellipse(row, column, phi, radius1, radius2):
    """Ellipses with main axis Radius1 in direction Phi and Radius2 across it."""
    lists, n = _per_object(row, column, phi, radius1, radius2)
    return _out([ellipse(*(float(lst[min(k, len(lst) - 1)]) for lst in lists)) for k in range(n)])


@operator("gen_region_points ( : Region : Rows, Columns : )")
def gen_region_points(rows, columns):
    """One region made of the given pixels."""
    r = args.integers(rows, 1)
    c = args.integers(columns, 2)
    if len(r) != len(c):
        raise args.wrong_number(2, "Rows and Columns must have the same length")
    return _out([Region.from_points(r, c)])


@operator("get_region_points ( Region : : : Rows, Columns )")
def get_region_points(region):
    """The pixels of one region, sorted by row, then column."""
    regs = args.regions(region)
    if len(regs) != 1:
        raise HdlRuntimeError(ec.ICONIC_EXPECTED, "exactly one region expected")
    r, c = regs[0].points()
    return v.canonical(r.astype(np.int64)), v.canonical(c.astype(np.int64))


@operator("region_to_bin ( Region : BinImage : ForegroundGray, BackgroundGray, Width, Height : )")
def region_to_bin(region, foreground, background, width, height):
    """A byte image of Width×Height: ForegroundGray in the region, BackgroundGray elsewhere."""
    fg = args.integer(foreground, 1)
    bg = args.integer(background, 2)
    w = args.integer(width, 3, low=1)
    h = args.integer(height, 4, low=1)
    out = []
    for r in args.regions(region):
        data = np.where(r.canvas(h, w), np.uint8(max(0, min(fg, 255))),
                        np.uint8(max(0, min(bg, 255))))
        out.append(Image([data.astype(np.uint8)], "byte"))
    return _out(out)


@operator("paint_region ( Region, Image : ImageResult : Grayval, Type : )")
def paint_region(region, image, grayval, type_):
    """Paint the regions into a copy of the image with Grayval (one value, or one per channel);
    Type 'fill' paints the pixels, 'margin' only the inner boundary."""
    img = args.image(image)
    values = args.numbers(grayval, 1)
    mode = args.choice(type_, 2, ("fill", "margin"))
    for r in args.regions(region):
        if mode == "margin" and not r.is_empty:
            r = boundary_inner(r)
        mask = r.canvas(img.height, img.width)
        data = []
        for k, d in enumerate(img.data):
            value = values[min(k, len(values) - 1)]
            d = d.copy()
            d[mask] = ic.to_type(np.floor(np.array([value], np.float64) + 0.5)
                                 if img.ptype != "real" else np.array([value]), img.ptype)[0]
            data.append(d)
        img = Image(data, img.ptype, img.domain_region)
    return _out([img])


def boundary_inner(r: Region) -> Region:
    from scipy import ndimage
    m = r.mask
    return Region(m & ~ndimage.binary_erosion(m, _structure(4), border_value=0), r.r0, r.c0)


# ---- features ----------------------------------------------------------------------------

def _moments(r: Region):
    rows, cols = r.points()
    a = rows.size
    if a == 0:
        return 0, 0.0, 0.0, 0.0, 0.0, 0.0
    rc, cc = rows.mean(), cols.mean()
    dr, dc = rows - rc, cols - cc
    return a, float(rc), float(cc), float((dr * dr).mean()), float((dr * dc).mean()), \
        float((dc * dc).mean())


def elliptic_axis(r: Region):
    a, _, _, m20, m11, m02 = _moments(r)
    if a == 0:
        return 0.0, 0.0, 0.0
    root = math.sqrt((m20 - m02) ** 2 + 4 * m11 * m11)
    ra = math.sqrt(max(0.0, 8 * (m20 + m02 + root))) / 2
    rb = math.sqrt(max(0.0, 8 * (m20 + m02 - root))) / 2
    phi = -0.5 * math.atan2(2 * m11, m02 - m20) + 0.0
    return ra, rb, phi


def _boundary_points(r: Region) -> np.ndarray:
    """(row, col) of the pixels with a 4-neighbour outside the region (N×2 float)."""
    from scipy import ndimage
    inner = r.mask & ~ndimage.binary_erosion(r.mask, _structure(4), border_value=0)
    rr, cc = np.nonzero(inner)
    return np.stack([rr + r.r0, cc + r.c0], axis=1).astype(np.float64)


def _hull(points: np.ndarray) -> np.ndarray:
    """Vertices of the convex hull (Andrew's monotone chain), counter-clockwise in (col, row)."""
    pts = sorted(set(map(tuple, points.tolist())))
    if len(pts) <= 2:
        return np.array(pts, dtype=np.float64).reshape(-1, 2)

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
    lower, upper = [], []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return np.array(lower[:-1] + upper[:-1], dtype=np.float64)


def smallest_rect2(r: Region):
    """(row, col, phi, len1, len2) of the smallest enclosing rectangle of the pixel centres."""
    if r.is_empty:
        return 0.0, 0.0, 0.0, 0.0, 0.0
    hull = _hull(_boundary_points(r))
    if len(hull) == 1:
        return float(hull[0, 0]), float(hull[0, 1]), 0.0, 0.0, 0.0
    best = None
    n = len(hull)
    for i in range(n):
        p, q = hull[i], hull[(i + 1) % n]
        d = q - p
        theta = math.atan2(d[0], d[1])  # edge angle, rows/cols
        cos, sin = math.cos(theta), math.sin(theta)
        u = hull[:, 1] * cos + hull[:, 0] * sin
        w = -hull[:, 1] * sin + hull[:, 0] * cos
        area = (u.max() - u.min()) * (w.max() - w.min())
        if best is None or area < best[0] - 1e-9:
            best = (area, theta, u.min(), u.max(), w.min(), w.max())
    _, theta, u0, u1, w0, w1 = best
    cos, sin = math.cos(theta), math.sin(theta)
    uc, wc = (u0 + u1) / 2, (w0 + w1) / 2
    col = uc * cos - wc * sin
    row = uc * sin + wc * cos
    l1, l2 = (u1 - u0) / 2, (w1 - w0) / 2
    phi = -theta  # rows point down: HALCON's angles are counter-clockwise on screen
    if l2 > l1:
        l1, l2 = l2, l1
        phi += math.pi / 2
    while phi > math.pi / 2 + 1e-12:
        phi -= math.pi
    while phi <= -math.pi / 2 + 1e-12:
        phi += math.pi
    if abs(phi) < 1e-12:
        phi = 0.0
    # snap the rounding noise of the rotation (pixel centres give multiples of 0.5 when
    # axis-parallel)
    return tuple(round(float(x), 10) + 0.0 for x in (row, col, phi, l1, l2))


def contour_length(r: Region) -> float:
    """Length of the outer 8-connected contour through the pixel centres (diagonal steps √2)."""
    if r.is_empty:
        return 0.0
    mask = np.pad(r.mask, 1)
    rows, cols = np.nonzero(mask)
    start = (int(rows[0]), int(cols[0]))
    dirs = [(0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1), (-1, 0), (-1, 1)]
    p = start
    d = 7  # as if arrived moving up-right: the search starts west-ish
    length = 0.0
    first = None
    for _ in range(4 * mask.size + 8):
        for k in range(8):
            nd = (d + 6 + k) % 8
            q = (p[0] + dirs[nd][0], p[1] + dirs[nd][1])
            if mask[q]:
                break
        else:
            return 0.0  # a single pixel
        if first is None:
            first = (p, nd)
        elif (p, nd) == first:
            break
        length += 1.0 if nd % 2 == 0 else math.sqrt(2.0)
        p, d = q, nd
    return length


def _convex_region(r: Region) -> Region:
    if r.is_empty:
        return r
    hull = _hull(_boundary_points(r))
    if len(hull) < 3:
        return Region.from_points(*(np.round(hull).astype(np.int64).T)) if len(hull) < 2 else \
            _segment(hull[0], hull[1])
    r1, c1, r2, c2 = r.bbox
    rows = np.arange(r1, r2 + 1, dtype=np.float64)[:, None]
    cols = np.arange(c1, c2 + 1, dtype=np.float64)[None, :]
    inside = np.ones((r2 - r1 + 1, c2 - c1 + 1), bool)
    n = len(hull)
    for i in range(n):
        (pr, pc), (qr, qc) = hull[i], hull[(i + 1) % n]
        # points sorted as (row, col) tuples: the chain runs counter-clockwise in (row, col)
        crossv = (qr - pr) * (cols - pc) - (qc - pc) * (rows - pr)
        inside &= crossv <= EPS
    reg = Region(inside, r1, c1)
    if reg.area < r.area:  # orientation the other way round
        inside = np.ones_like(inside)
        for i in range(n):
            (pr, pc), (qr, qc) = hull[i], hull[(i + 1) % n]
            inside &= (qr - pr) * (cols - pc) - (qc - pc) * (rows - pr) >= -EPS
        reg = Region(inside, r1, c1)
    return reg


def _segment(p, q) -> Region:
    n = int(max(abs(q[0] - p[0]), abs(q[1] - p[1]))) + 1
    t = np.linspace(0, 1, n)
    return Region.from_points(np.round(p[0] + t * (q[0] - p[0])).astype(np.int64),
                              np.round(p[1] + t * (q[1] - p[1])).astype(np.int64))


def smallest_circle(r: Region):
    """(row, col, radius) of the smallest circle around the pixel centres (Welzl, on the hull)."""
    if r.is_empty:
        return 0.0, 0.0, 0.0
    pts = [tuple(p) for p in _hull(_boundary_points(r)).tolist()]
    import random
    rng = random.Random(0)
    rng.shuffle(pts)

    def circle2(a, b):
        cr, cc = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
        return cr, cc, math.hypot(a[0] - cr, a[1] - cc)

    def circle3(a, b, c):
        ax, ay, bx, by, cx, cy = a[1], a[0], b[1], b[0], c[1], c[0]
        d = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by))
        if abs(d) < 1e-12:
            far = max((circle2(a, b), circle2(a, c), circle2(b, c)), key=lambda t: t[2])
            return far
        ux = ((ax * ax + ay * ay) * (by - cy) + (bx * bx + by * by) * (cy - ay)
              + (cx * cx + cy * cy) * (ay - by)) / d
        uy = ((ax * ax + ay * ay) * (cx - bx) + (bx * bx + by * by) * (ax - cx)
              + (cx * cx + cy * cy) * (bx - ax)) / d
        return uy, ux, math.hypot(ax - ux, ay - uy)

    def inside(c, p):
        return math.hypot(p[0] - c[0], p[1] - c[1]) <= c[2] + 1e-7

    c = (pts[0][0], pts[0][1], 0.0)
    for i, p in enumerate(pts):
        if inside(c, p):
            continue
        c = (p[0], p[1], 0.0)
        for j in range(i):
            q = pts[j]
            if inside(c, q):
                continue
            c = circle2(p, q)
            for k in range(j):
                s = pts[k]
                if not inside(c, s):
                    c = circle3(p, q, s)
    return float(c[0]), float(c[1]), float(c[2])


def _holes(r: Region) -> int:
    from scipy import ndimage
    if r.is_empty:
        return 0
    background = ~np.pad(r.mask, 1)
    _, n = ndimage.label(background, _structure(4))
    return n - 1


def _connect_num(r: Region) -> int:
    from scipy import ndimage
    if r.is_empty:
        return 0
    return int(ndimage.label(r.mask, _structure(NEIGHBORHOOD))[1])


def feature(r: Region, name: str):
    a = r.area
    if name == "area":
        return a
    if name in ("row", "column"):
        _, rc, cc, *_ = _moments(r)
        return rc if name == "row" else cc
    r1, c1, r2, c2 = r.bbox
    simple = {"row1": r1, "column1": c1, "row2": r2, "column2": c2,
              "width": (c2 - c1 + 1) if a else 0, "height": (r2 - r1 + 1) if a else 0}
    if name in simple:
        return simple[name]
    if name in ("ra", "rb", "phi", "anisometry", "bulkiness", "struct_factor", "orientation"):
        ra, rb, phi = elliptic_axis(r)
        if name == "ra":
            return ra
        if name == "rb":
            return rb
        if name == "phi":
            return phi
        if name == "orientation":
            return phi
        if name == "anisometry":
            return ra / rb if rb > 0 else 0.0
        if name == "bulkiness":
            return math.pi * ra * rb / a if a else 0.0
        return (ra / rb if rb > 0 else 0.0) * (math.pi * ra * rb / a if a else 0.0) - 1.0
    if name == "circularity":
        if a == 0:
            return 0.0
        _, rc, cc, *_ = _moments(r)
        pts = _boundary_points(r)
        dmax = float(np.max(np.hypot(pts[:, 0] - rc, pts[:, 1] - cc)))
        return 1.0 if dmax == 0 else min(1.0, a / (dmax * dmax * math.pi))
    if name == "contlength":
        return contour_length(r)
    if name == "compactness":
        if a == 0:
            return 0.0
        length = contour_length(r)
        return max(1.0, length * length / (4 * math.pi * a)) if a > 1 else 1.0
    if name == "convexity":
        return a / _convex_region(r).area if a else 0.0
    if name == "rectangularity":
        if a == 0:
            return 0.0
        ra, rb, phi = elliptic_axis(r)
        _, rc, cc, m20, m11, m02 = _moments(r)
        root = math.sqrt((m20 - m02) ** 2 + 4 * m11 * m11)
        l1 = math.sqrt(3 * max(0.0, (m20 + m02 + root) / 2))
        l2 = math.sqrt(3 * max(0.0, (m20 + m02 - root) / 2))
        rect = rectangle2(rc, cc, phi, l1, l2)
        outside = combine([r, rect], "difference").area + combine([rect, r], "difference").area
        return max(0.0, 1.0 - outside / a)
    if name in ("rect2_phi", "rect2_len1", "rect2_len2"):
        _, _, phi, l1, l2 = smallest_rect2(r)
        return {"rect2_phi": phi, "rect2_len1": l1, "rect2_len2": l2}[name]
    if name in ("outer_radius",):
        return smallest_circle(r)[2]
    if name == "inner_radius":
        from scipy import ndimage
        if a == 0:
            return 0.0
        dist = ndimage.distance_transform_edt(np.pad(r.mask, 1))
        return float(dist.max() - 1.0)
    if name == "max_diameter":
        if a == 0:
            return 0.0
        hull = _hull(_boundary_points(r))
        diff = hull[:, None, :] - hull[None, :, :]
        return float(np.sqrt((diff ** 2).sum(axis=2)).max())
    if name == "holes_num":
        return _holes(r)
    if name == "connect_num":
        return _connect_num(r)
    if name == "euler_number":
        return _connect_num(r) - _holes(r)
    if name == "area_holes":
        return fill_region(r).area - a
    raise args.wrong_value(1, f"region feature {name!r} is not supported; valid: "
                           + ", ".join(FEATURES))


FEATURES = ("area", "row", "column", "width", "height", "row1", "column1", "row2", "column2",
            "circularity", "compactness", "contlength", "convexity", "rectangularity", "ra", "rb",
            "phi", "anisometry", "bulkiness", "struct_factor", "outer_radius", "inner_radius",
            "max_diameter", "orientation", "rect2_phi", "rect2_len1", "rect2_len2", "holes_num",
            "connect_num", "euler_number", "area_holes")


@operator("region_features ( Regions : : Features : Value )")
def region_features(regions, features):
    """The features of each region: all features of the first region, then of the second …
    Areas, coordinates of rectangle1 and counts are integers, the others reals."""
    names = args.control(features, 1)
    out = []
    for r in args.regions(regions):
        for f in names:
            out.append(feature(r, f))
    return v.canonical(out)


@operator("select_shape ( Regions : SelectedRegions : Features, Operation, Min, Max : )")
def select_shape(regions, features, operation, min_, max_):
    """The regions whose features lie in [Min, Max] (for all features with 'and', for at least
    one with 'or').  'min'/'max' as bound mean no bound."""
    names = args.control(features, 1)
    op = args.choice(operation, 2, ("and", "or"))
    lows = args.control(min_, 3)
    highs = args.control(max_, 4)
    if len(lows) != len(names) or len(highs) != len(names):
        raise args.wrong_number(3 if len(lows) != len(names) else 4,
                                "one Min and one Max per feature")
    for bounds, param, word in ((lows, 3, "min"), (highs, 4, "max")):
        for bound in bounds:
            if bound != word and type(bound) not in (int, float):
                raise args.type_error(param, bound, f"a number or '{word}'")
    out = []
    for r in args.regions(regions):
        hits = []
        for f, lo, hi in zip(names, lows, highs):
            val = feature(r, f)
            ok_lo = lo == "min" or val >= lo
            ok_hi = hi == "max" or val <= hi
            hits.append(ok_lo and ok_hi)
        if (all(hits) if op == "and" else any(hits)):
            out.append(r)
    return _out(out)


@operator("area_center ( Regions : : : Area, Row, Column )")
def area_center(regions):
    """Area (integer) and centre of gravity (reals) of each region; 0, 0.0, 0.0 when empty."""
    areas, rows, cols = [], [], []
    for r in args.regions(regions):
        a, rc, cc, *_ = _moments(r)
        areas.append(a)
        rows.append(rc)
        cols.append(cc)
    return v.canonical(areas), v.canonical(rows), v.canonical(cols)


@operator("smallest_rectangle1 ( Regions : : : Row1, Column1, Row2, Column2 )")
def smallest_rectangle1(regions):
    """The enclosing axis-parallel rectangle, corners included (0, 0, 0, 0 when empty)."""
    boxes = [r.bbox for r in args.regions(regions)]
    return tuple(v.canonical([b[k] for b in boxes]) for k in range(4))


@operator("smallest_rectangle2 ( Regions : : : Row, Column, Phi, Length1, Length2 )")
def smallest_rectangle2(regions):
    """The smallest enclosing rectangle of any orientation around the pixel centres;
    Length1 >= Length2, Phi in (-pi/2, pi/2]."""
    rects = [smallest_rect2(r) for r in args.regions(regions)]
    return tuple(v.canonical([b[k] for b in rects]) for k in range(5))


@operator("smallest_circle ( Regions : : : Row, Column, Radius )")
def smallest_circle_op(regions):
    """The smallest circle around the pixel centres of each region."""
    circles = [smallest_circle(r) for r in args.regions(regions)]
    return tuple(v.canonical([b[k] for b in circles]) for k in range(3))


@operator("elliptic_axis ( Regions : : : Ra, Rb, Phi )")
def elliptic_axis_op(regions):
    """Radii and orientation of the ellipse with the same second moments."""
    vals = [elliptic_axis(r) for r in args.regions(regions)]
    return tuple(v.canonical([b[k] for b in vals]) for k in range(3))


@operator("circularity ( Regions : : : Circularity )")
def circularity(regions):
    """Area / (pi * maximal distance from the centre to the border²), at most 1."""
    return v.canonical([feature(r, "circularity") for r in args.regions(regions)])


@operator("compactness ( Regions : : : Compactness )")
def compactness(regions):
    """Contour length² / (4 pi area), at least 1."""
    return v.canonical([feature(r, "compactness") for r in args.regions(regions)])


@operator("convexity ( Regions : : : Convexity )")
def convexity(regions):
    """Area / area of the convex hull."""
    return v.canonical([feature(r, "convexity") for r in args.regions(regions)])


@operator("contlength ( Regions : : : ContLength )")
def contlength(regions):
    """Length of the outer contour through the border pixel centres."""
    return v.canonical([contour_length(r) for r in args.regions(regions)])


# ---- sorting ------------------------------------------------------------------------------

@operator("sort_region ( Regions : SortedRegions : SortMode, Order, RowOrCol : )")
def sort_region(regions, sort_mode, order, row_or_col):
    """Sort by a reference point: 'first_point', 'last_point' (of the runs), 'upper_left',
    'upper_right', 'lower_left', 'lower_right' (of the enclosing rectangle) or 'character'
    (upper left, rows of characters); 'row' sorts by row then column, 'column' the other way;
    Order 'true' ascending, 'false' descending."""
    mode = args.choice(sort_mode, 1, ("first_point", "last_point", "upper_left", "upper_right",
                                      "lower_left", "lower_right", "character"))
    ascending = args.choice(order, 2, ("true", "false", 1, 0)) in ("true", 1)
    axis = args.choice(row_or_col, 3, ("row", "column"))
    regs = args.regions(regions)

    def key(r: Region):
        if r.is_empty:
            return (0, 0)
        r1, c1, r2, c2 = r.bbox
        if mode == "first_point":
            cols = np.flatnonzero(r.mask[0])
            p = (r1, c1 + int(cols[0]))
        elif mode == "last_point":
            cols = np.flatnonzero(r.mask[-1])
            p = (r2, c1 + int(cols[-1]))
        elif mode in ("upper_left", "character"):
            p = (r1, c1)
        elif mode == "upper_right":
            p = (r1, c2)
        elif mode == "lower_left":
            p = (r2, c1)
        else:
            p = (r2, c2)
        return p if axis == "row" else (p[1], p[0])
    return _out(sorted(regs, key=key, reverse=not ascending))


# ---- set operations -------------------------------------------------------------------------

@operator("union1 ( Region : RegionUnion : : )")
def union1(region):
    """The union of all regions (one region; empty for no regions)."""
    return _out([combine(args.regions(region), "union")])


@operator("union2 ( Region1, Region2 : RegionUnion : : )")
def union2(region1, region2):
    """Each region of Region1 united with all regions of Region2."""
    other = combine(args.regions(region2), "union")
    return _out([combine([r, other], "union") for r in args.regions(region1)])


@operator("intersection ( Region1, Region2 : RegionIntersection : : )")
def intersection(region1, region2):
    """Each region of Region1 intersected with all regions of Region2."""
    others = args.regions(region2)
    out = []
    for r in args.regions(region1):
        for o in others:
            r = combine([r, o], "intersection")
        out.append(r)
    return _out(out)


@operator("difference ( Region, Sub : RegionDifference : : )")
def difference(region, sub):
    """Each region minus all regions of Sub."""
    other = combine(args.regions(sub), "union")
    return _out([combine([r, other], "difference") for r in args.regions(region)])


@operator("complement ( Region : RegionComplement : : )")
def complement(region):
    """The pixels of 0…H-1 × 0…W-1 not in the region, H×W being the largest image size seen in
    this run (at least 512×512; HALCON's system 'width'/'height' with clip_region true)."""
    h, w = ic.SYSTEM_SIZE
    return _out([Region(~r.canvas(h, w)) for r in args.regions(region)])


def fill_region(r: Region) -> Region:
    from scipy import ndimage
    if r.is_empty:
        return r
    return Region(ndimage.binary_fill_holes(r.mask, _structure(4)), r.r0, r.c0)


@operator("fill_up ( Region : RegionFillUp : : )")
def fill_up(region):
    """Fill the holes (background parts not 4-connected to the outside)."""
    return _out([fill_region(r) for r in args.regions(region)])


@operator("connection ( Region : ConnectedRegions : : )")
def connection(region):
    """The 8-connected components of each region, in the order of their first pixel
    (row by row)."""
    from scipy import ndimage
    structure = _structure(NEIGHBORHOOD)
    out = []
    for r in args.regions(region):
        if r.is_empty:
            continue
        labels, n = ndimage.label(r.mask, structure)
        for k, sl in enumerate(ndimage.find_objects(labels), start=1):
            out.append(Region(labels[sl] == k, r.r0 + sl[0].start, r.c0 + sl[1].start, tight=True))
    return _out(out)


@operator("boundary ( Region : RegionBorder : BoundaryType : )")
def boundary(region, boundary_type):
    """'inner': the region's pixels with a 4-neighbour outside it; 'inner_filled': the same after
    filling the holes; 'outer': the pixels outside with a 4-neighbour inside."""
    from scipy import ndimage
    mode = args.choice(boundary_type, 1, ("inner", "inner_filled", "outer"))
    cross = _structure(4)
    out = []
    for r in args.regions(region):
        if r.is_empty:
            out.append(r)
            continue
        if mode == "outer":
            padded = np.pad(r.mask, 1)
            out.append(Region(ndimage.binary_dilation(padded, cross) & ~padded, r.r0 - 1, r.c0 - 1))
            continue
        base = fill_region(r) if mode == "inner_filled" else r
        m = base.mask
        out.append(Region(m & ~ndimage.binary_erosion(m, cross, border_value=0), base.r0, base.c0))
    return _out(out)


@operator("shape_trans ( Region : RegionTrans : Type : )")
def shape_trans(region, type_):
    """'convex' (convex hull), 'rectangle1', 'rectangle2' (smallest_rectangle2), 'outer_circle'
    (smallest_circle), 'ellipse' (same moments), 'inner_center' (the pixel deepest inside)."""
    mode = args.choice(type_, 1, ("convex", "rectangle1", "rectangle2", "outer_circle",
                                  "ellipse", "inner_center"))
    out = []
    for r in args.regions(region):
        if r.is_empty:
            out.append(r)
        elif mode == "convex":
            out.append(_convex_region(r))
        elif mode == "rectangle1":
            out.append(Region.rectangle(*r.bbox))
        elif mode == "rectangle2":
            out.append(rectangle2(*smallest_rect2(r)))
        elif mode == "outer_circle":
            out.append(circle(*smallest_circle(r)))
        elif mode == "ellipse":
            _, rc, cc, *_ = _moments(r)
            ra, rb, phi = elliptic_axis(r)
            out.append(ellipse(rc, cc, phi, ra, rb))
        else:
            from scipy import ndimage
            dist = ndimage.distance_transform_edt(np.pad(r.mask, 1))[1:-1, 1:-1]
            i, j = np.unravel_index(int(np.argmax(dist)), dist.shape)
            out.append(Region.from_points([r.r0 + i], [r.c0 + j]))
    return _out(out)


# ---- morphology -----------------------------------------------------------------------------

def _circle_element(radius) -> np.ndarray:
    return circle(0.0, 0.0, args.real(radius, 1, low=0.5, high=511.5)).mask


def _rect_element(width, height) -> np.ndarray:
    w = args.integer(width, 1, low=1)
    h = args.integer(height, 2, low=1)
    return np.ones((h, w), bool)


def dilate(r: Region, element: np.ndarray) -> Region:
    from scipy import ndimage
    if r.is_empty:
        return r
    ph, pw = element.shape[0] // 2 + 1, element.shape[1] // 2 + 1
    padded = np.pad(r.mask, ((ph, ph), (pw, pw)))
    return Region(ndimage.binary_dilation(padded, element), r.r0 - ph, r.c0 - pw)


def erode(r: Region, element: np.ndarray) -> Region:
    from scipy import ndimage
    if r.is_empty:
        return r
    return Region(ndimage.binary_erosion(r.mask, element, border_value=0), r.r0, r.c0)


def _morph(region, element, steps) -> v.ObjectTuple:
    out = []
    for r in args.regions(region):
        for step in steps:
            r = step(r, element)
        out.append(r)
    return _out(out)


def _register_morphology():
    for op, steps, doc in (("dilation", (dilate,), "Minkowski addition with"),
                           ("erosion", (erode,), "Minkowski subtraction with"),
                           ("opening", (erode, dilate), "Erosion then dilation with"),
                           ("closing", (dilate, erode), "Dilation then erosion with")):
        def with_circle(region, radius, _steps=steps):
            return _morph(region, _circle_element(radius), _steps)
        with_circle.__doc__ = f"{doc} a disc of the given radius (0.5…511.5)."
        operator(f"{op}_circle ( Region : Region{op.capitalize()} : Radius : )")(with_circle)

        def with_rect(region, width, height, _steps=steps):
            return _morph(region, _rect_element(width, height), _steps)
        with_rect.__doc__ = f"{doc} a Width×Height rectangle."
        operator(f"{op}_rectangle1 ( Region : Region{op.capitalize()} : Width, Height : )")(
            with_rect)


_register_morphology()
