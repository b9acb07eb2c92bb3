"""Image chapter: reading and writing images, creation, access, type conversion,
geometry (zoom, crop, mirror, rotate), channels, domains, filters, arithmetic
and gray-value statistics.

Conventions (docs/semantics.md, "Iconic objects"): results of integer pixel
types are rounded half up and clipped to the type's range (convert_image_type
truncates toward zero, as a C cast would); pixels outside an image's domain
are computed too but are undefined in HALCON: do not rely on them.
"""

from __future__ import annotations

import io
import os

import numpy as np

from hdl import args
from hdl import errorcodes as ec
from hdl import iconic as ic
from hdl import values as v
from hdl.atomic import atomic_write_bytes
from hdl.errors import HdlRuntimeError, file_error
from hdl.iconic import Image, Region, combine
from hdl.registry import operator

# ---- helpers ----------------------------------------------------------------------

READ_EXTENSIONS = (".tif", ".tiff", ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".ppm", ".pgm",
                   ".pbm", ".pnm", ".jp2", ".webp")


def _round_to(data: np.ndarray, ptype: str) -> np.ndarray:
    """Float results as pixel type ptype: rounded half up, clipped."""
    if ptype == "real" or data.dtype.kind != "f":
        return ic.to_type(data, ptype)
    return ic.to_type(np.floor(data + 0.5), ptype)


#: HALCON pixel types hdl has no storage for
UNSUPPORTED_TYPES = ("complex", "vector_field", "vector_field_relative", "vector_field_absolute")


def _pixel_type(value, param: int) -> str:
    """A pixel type name; HALCON's types hdl cannot store are told apart from unknown ones."""
    ptype = args.string(value, param)
    if ptype in UNSUPPORTED_TYPES:
        raise args.wrong_value(param, f"pixel type {ptype!r} is not supported by hdl")
    if ptype not in ic.DTYPES:
        raise args.wrong_value(param, f"unknown pixel type {ptype!r}; valid: "
                               + ", ".join(ic.DTYPES))
    return ptype


def _result(images: list[Image]) -> v.ObjectTuple:
    return v.ObjectTuple(images)


def _same_size(a: Image, b: Image) -> None:
    if (a.width, a.height) != (b.width, b.height):
        raise HdlRuntimeError(ec.IMAGE_SIZE, f"images of different sizes ({a.width}x{a.height} "
                              f"and {b.width}x{b.height})")


def _pairs(images1, images2) -> list[tuple[Image, Image]]:
    a = args.images(images1)
    b = args.images(images2)
    if len(b) == 1 and len(a) > 1:
        b = b * len(a)
    if len(a) != len(b):
        raise HdlRuntimeError(ec.ICONIC_EXPECTED, f"{len(a)} and {len(b)} images cannot be paired")
    return list(zip(a, b))


def _common_domain(a: Image, b: Image) -> Region | None:
    if a.full and b.full:
        return None
    return combine([a.domain(), b.domain()], "intersection")


# ---- file I/O --------------------------------------------------------------------------

def _find_image_file(name: str) -> str | None:
    candidates = [name]
    dirs = [""]
    if not os.path.isabs(name):
        env = os.environ.get("HALCONIMAGES", "")
        dirs += [d for d in env.replace(";", os.pathsep).split(os.pathsep) if d]
    for directory in dirs:
        base = os.path.join(directory, name) if directory else name
        candidates = [base]
        if not os.path.splitext(name)[1].lower() in READ_EXTENSIONS:
            candidates += [base + ext for ext in READ_EXTENSIONS]
        for path in candidates:
            if os.path.isfile(path):
                return path
    return None


def image_from_pil(picture) -> Image:
    """A pillow image as an HALCON image (one channel per band)."""
    mode = picture.mode
    if mode == "P":
        picture = picture.convert("RGBA" if "transparency" in picture.info else "RGB")
        mode = picture.mode
    if mode in ("CMYK", "YCbCr", "LAB", "HSV"):
        picture = picture.convert("RGB")
        mode = "RGB"
    if mode == "1":
        picture = picture.convert("L")
        mode = "L"
    if mode in ("L", "RGB", "RGBA", "LA", "RGBX"):
        array = np.asarray(picture, dtype=np.uint8)
        if array.ndim == 2:
            return ic.new_image([array.copy()], "byte")
        return ic.new_image([array[:, :, i].copy() for i in range(array.shape[2])], "byte")
    if mode.startswith("I;16"):
        return ic.new_image([np.asarray(picture).astype(np.uint16)], "uint2")
    if mode == "I":
        array = np.asarray(picture)
        if array.size and array.min() >= 0 and array.max() <= 65535:
            return ic.new_image([array.astype(np.uint16)], "uint2")
        return ic.new_image([array.astype(np.int32)], "int4")
    if mode == "F":
        return ic.new_image([np.asarray(picture, dtype=np.float32).copy()], "real")
    raise HdlRuntimeError(ec.FILE_FORMAT, f"image mode {mode!r} is not supported")


def read_one(name: str) -> Image:
    from PIL import Image as PILImage, UnidentifiedImageError
    path = _find_image_file(name)
    if path is None:
        raise HdlRuntimeError(ec.FILE_NOT_FOUND, f"image file {name!r} not found (also tried "
                              "the usual extensions and $HALCONIMAGES)")
    try:
        with PILImage.open(path) as picture:
            picture.load()
            return image_from_pil(picture)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise HdlRuntimeError(ec.FILE_FORMAT, f"cannot read image {path!r}: {exc}") from None


@operator("read_image ( : Image : FileName : )")
def read_image(file_name):
    """Read png/jpeg/bmp/tiff (8 and 16 bit)/gif/pnm with pillow.  A name without an
    extension is tried with the usual image extensions; relative names are also looked up in
    the directories of $HALCONIMAGES.  Several names give one image each."""
    return _result([read_one(n) for n in args.strings(file_name, 1)])


WRITE_FORMATS = {"png": ("PNG", ".png"), "tiff": ("TIFF", ".tif"), "jpeg": ("JPEG", ".jpg"),
                 "jpg": ("JPEG", ".jpg"), "bmp": ("BMP", ".bmp"), "jp2": ("JPEG2000", ".jp2")}


def pil_from_image(image: Image, fill):
    from PIL import Image as PILImage
    data = image.data
    mask = image.domain_mask()
    if mask is not None:
        fills = fill if isinstance(fill, list) else [fill]
        data = [np.where(mask, d, np.asarray(fills[min(i, len(fills) - 1)]).astype(d.dtype))
                for i, d in enumerate(data)]
    if image.ptype in ("byte", "direction", "cyclic"):
        if len(data) == 1:
            return PILImage.fromarray(data[0])
        if len(data) in (3, 4):
            return PILImage.fromarray(np.dstack(data))
        if len(data) == 2:
            return PILImage.fromarray(np.dstack(data))
    elif len(data) == 1:
        if image.ptype == "uint2":
            return PILImage.fromarray(data[0].astype(np.uint16))
        if image.ptype == "real":
            return PILImage.fromarray(data[0].astype(np.float32))
        if image.ptype in ("int1", "int2", "int4"):
            return PILImage.fromarray(data[0].astype(np.int32))
    raise HdlRuntimeError(ec.IMAGE_TYPE, f"writing {image.channels}-channel images of type "
                          f"{image.ptype!r} is not supported")


@operator("write_image ( Image : : Format, FillColor, FileName : )")
def write_image(image, format_, fill_color, file_name):
    """Formats 'png' (optionally 'png best'/'png fastest'/'png none'), 'tiff'
    ('tiff deflate' …: compression is chosen by pillow), 'jpeg' (optionally 'jpeg 80': quality),
    'bmp', 'jp2'.  The format's extension is appended when FileName has none.  Pixels outside
    the domain are written with FillColor.  uint2 images are written as 16-bit png/tiff,
    real and intN images as tiff only."""
    fmt = args.string(format_, 1)
    parts = fmt.split()
    kind = parts[0] if parts else ""
    if kind not in WRITE_FORMATS:
        raise args.wrong_value(1, f"image format {fmt!r} is not supported; valid: "
                               + ", ".join(sorted(WRITE_FORMATS)))
    pil_format, ext = WRITE_FORMATS[kind]
    fill = [x for x in args.control(fill_color, 2) if type(x) in (int, float)] or [0]
    names = args.strings(file_name, 3)
    imgs = args.images(image)
    if len(names) != len(imgs):
        raise args.wrong_number(3, f"{len(imgs)} images but {len(names)} file names")
    options = {}
    if kind in ("jpeg", "jpg") and len(parts) > 1:
        try:
            options["quality"] = int(parts[1])
        except ValueError:
            raise args.wrong_value(1, f"bad jpeg quality in {fmt!r}") from None
    if kind == "png" and len(parts) > 1:
        options["compress_level"] = {"best": 9, "fastest": 1, "none": 0}.get(parts[1], 6)
    for img, fname in zip(imgs, names):
        if not os.path.splitext(fname)[1]:
            fname = fname + ext
        picture = pil_from_image(img, fill if len(fill) > 1 else fill[0])
        if kind in ("jpeg", "jpg", "bmp") and picture.mode not in ("L", "RGB"):
            if picture.mode == "RGBA" and kind == "bmp":
                pass
            else:
                raise HdlRuntimeError(ec.IMAGE_TYPE, f"{kind} cannot store "
                                      f"{img.channels}-channel {img.ptype} images")
        if kind == "png" and picture.mode in ("F", "I"):
            raise HdlRuntimeError(ec.IMAGE_TYPE, f"png cannot store {img.ptype} images: use 'tiff'")
        buffer = io.BytesIO()
        try:
            picture.save(buffer, pil_format, **options)
        except (OSError, ValueError, KeyError) as exc:
            raise HdlRuntimeError(ec.FILE_WRITE,
                                  f"cannot encode {fname!r} as {kind}: {exc}") from None
        try:
            atomic_write_bytes(fname, buffer.getvalue())
        except OSError as exc:
            raise file_error(exc, fname, "write", ec.FILE_WRITE) from None


# ---- creation and access ------------------------------------------------------------------

@operator("gen_image_const ( : Image : Type, Width, Height : )")
def gen_image_const(type_, width, height):
    """An image of the given type and size with all gray values 0."""
    ptype = _pixel_type(type_, 1)
    w = args.integer(width, 2, low=1)
    h = args.integer(height, 3, low=1)
    return ic.new_image([np.zeros((h, w), ic.DTYPES[ptype])], ptype)


@operator("gen_image_proto ( Image : ImageCleared : Grayval : )")
def gen_image_proto(image, grayval):
    """An image like Image (size, type, channels, domain) with every gray value Grayval."""
    value = args.real(grayval, 1)
    out = []
    for img in args.images(image):
        filled = _round_to(np.full((img.height, img.width), value, np.float64), img.ptype)
        out.append(img.with_data([filled.copy() for _ in img.data]))
    return _result(out)


@operator("gen_image1 ( : Image : Type, Width, Height, PixelPointer : )")
def gen_image1(type_, width, height, pixel_pointer):
    """Not supported: hdl has no memory pointers (use gen_image_const and set_grayval)."""
    raise args.wrong_value(4, "hdl has no pixel pointers; use gen_image_const and set_grayval")


@operator("get_image_pointer1 ( Image : : : Pointer, Type, Width, Height )")
def get_image_pointer1(image):
    """Not supported: hdl has no memory pointers (use get_grayval / get_region_points)."""
    raise HdlRuntimeError(ec.IMAGE_TYPE, "hdl has no pixel pointers; use get_grayval")


@operator("get_image_size ( Image : : : Width, Height )")
def get_image_size(image):
    """Width and height of each image."""
    imgs = args.images(image)
    return v.canonical([i.width for i in imgs]), v.canonical([i.height for i in imgs])


@operator("get_image_type ( Image : : : Type )")
def get_image_type(image):
    """The pixel type of each image ('byte', 'uint2', 'real' …)."""
    return v.canonical([i.ptype for i in args.images(image)])


@operator("count_channels ( MultiChannelImage : : : Channels )")
def count_channels(image):
    """Number of channels of each image."""
    return v.canonical([i.channels for i in args.images(image)])


def _points(row, column, image: Image) -> tuple[np.ndarray, np.ndarray]:
    rows = args.integers(row, 1)
    cols = args.integers(column, 2)
    if len(rows) != len(cols):
        raise args.wrong_number(2, "Row and Column must have the same length")
    r = np.asarray(rows, np.int64)
    c = np.asarray(cols, np.int64)
    bad = (r < 0) | (r >= image.height) | (c < 0) | (c >= image.width)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise args.wrong_value(1, f"point ({rows[i]}, {cols[i]}) is outside the "
                               f"{image.width}x{image.height} image")
    return r, c


def _pixel_values(array: np.ndarray, ptype: str) -> list:
    if ptype == "real":
        return [float(x) for x in array.tolist()]
    return [int(x) for x in array.tolist()]


@operator("get_grayval ( Image : : Row, Column : Grayval )")
def get_grayval(image, row, column):
    """Gray values at the points (Row, Column); with several channels, all channels of the
    first point, then of the second …  Integers for integer types, reals for 'real'."""
    img = args.image(image)
    r, c = _points(row, column, img)
    if img.channels == 1:
        return v.canonical(_pixel_values(img.data[0][r, c], img.ptype))
    stacked = np.stack([d[r, c] for d in img.data], axis=1).reshape(-1)
    return v.canonical(_pixel_values(stacked, img.ptype))


@operator("set_grayval ( Image : : Row, Column, Grayval : )")
def set_grayval(image, row, column, grayval):
    """Set gray values in place (as HALCON: every variable sharing this image sees them).
    One Grayval for all points or one per point (per channel: channel values per point)."""
    img = args.image(image)
    r, c = _points(row, column, img)
    values = args.numbers(grayval, 3)
    n = len(r)
    if len(values) == 1:
        values = values * (n * img.channels)
    elif len(values) == n and img.channels > 1:
        values = [x for x in values for _ in range(img.channels)]
    if len(values) != n * img.channels:
        raise args.wrong_number(3, f"{len(values)} gray values for {n} points")
    array = np.asarray(values, np.float64).reshape(n, img.channels)
    for k, data in enumerate(img.data):
        data[r, c] = _round_to(array[:, k], img.ptype)


# ---- type conversion and scaling ------------------------------------------------------------

@operator("convert_image_type ( Image : ImageConverted : NewType : )")
def convert_image_type(image, new_type):
    """Values out of the new type's range are clipped; reals become integers by truncation
    toward zero."""
    ptype = _pixel_type(new_type, 1)
    out = []
    for img in args.images(image):
        out.append(img.with_data([ic.to_type(d, ptype, rounding=False).copy()
                                  if ic.DTYPES[ptype] != d.dtype else d for d in img.data], ptype))
    return _result(out)


@operator("scale_image ( Image : ImageScaled : Mult, Add : )")
def scale_image(image, mult, add):
    """g' = g * Mult + Add, rounded and clipped to the pixel type (real stays real)."""
    m = args.real(mult, 1)
    a = args.real(add, 2)
    out = []
    for img in args.images(image):
        if img.ptype == "real":
            data = [(d * np.float32(m) + np.float32(a)).astype(np.float32) for d in img.data]
        else:
            data = []
            for d in img.data:
                f = d.astype(np.float32 if img.ptype in ("byte", "int1") else np.float64)
                f *= m
                f += a + 0.5
                np.floor(f, out=f)
                data.append(ic.to_type(f, img.ptype))
        out.append(img.with_data(data))
    return _result(out)


@operator("scale_image_max ( Image : ImageScaleMax : : )")
def scale_image_max(image):
    """Spread the gray values of the domain linearly to 0…255 (the type is kept)."""
    out = []
    for img in args.images(image):
        mask = img.domain_mask()
        data = []
        for d in img.data:
            values = d if mask is None else d[mask]
            lo = float(values.min()) if values.size else 0.0
            hi = float(values.max()) if values.size else 0.0
            factor = 255.0 / (hi - lo) if hi > lo else 1.0
            data.append(_round_to((d.astype(np.float64) - lo) * factor, img.ptype))
        out.append(img.with_data(data))
    return _result(out)


# ---- geometry -----------------------------------------------------------------------------

INTERPOLATIONS = ("nearest_neighbor", "bilinear", "constant", "weighted", "bicubic")


def resize_channel(data: np.ndarray, ptype: str, w: int, h: int, interpolation: str) -> np.ndarray:
    """Resize with pillow: 'nearest_neighbor' NEAREST; 'bilinear' pure bilinear interpolation
    (an affine transform, no smoothing when shrinking); 'constant' BOX (the mean of the source
    pixels each output pixel covers); 'weighted' BILINEAR resize (triangle-weighted mean when
    shrinking); 'bicubic' BICUBIC.  Pixel centres map to pixel centres."""
    from PIL import Image as PILImage
    ih, iw = data.shape
    if ptype in ("byte", "direction", "cyclic"):
        picture = PILImage.fromarray(data)
    else:
        picture = PILImage.fromarray(data.astype(np.float32))
    if interpolation == "nearest_neighbor":
        result = picture.resize((w, h), PILImage.Resampling.NEAREST)
    elif interpolation == "bilinear":
        if w >= iw and h >= ih:
            result = picture.resize((w, h), PILImage.Resampling.BILINEAR)
        else:
            result = picture.transform((w, h), PILImage.Transform.AFFINE,
                                       (iw / w, 0, 0, 0, ih / h, 0), PILImage.Resampling.BILINEAR)
    elif interpolation == "constant":
        result = picture.resize((w, h), PILImage.Resampling.BOX)
    elif interpolation == "weighted":
        result = picture.resize((w, h), PILImage.Resampling.BILINEAR)
    else:
        result = picture.resize((w, h), PILImage.Resampling.BICUBIC)
    array = np.asarray(result)
    if ptype in ("byte", "direction", "cyclic"):
        return array.copy() if not array.flags.writeable else array
    return _round_to(array, ptype) if ptype != "real" else array.astype(np.float32)


def _zoom(img: Image, w: int, h: int, interpolation: str) -> Image:
    data = [resize_channel(d, img.ptype, w, h, interpolation) for d in img.data]
    domain = None
    if not img.full:
        from PIL import Image as PILImage
        mask = PILImage.fromarray(img.domain_mask().astype(np.uint8) * 255)
        scaled = np.asarray(mask.resize((w, h), PILImage.Resampling.NEAREST)) > 127
        domain = Region(scaled)
    return Image(data, img.ptype, domain)


@operator("zoom_image_size ( Image : ImageZoom : Width, Height, Interpolation : )")
def zoom_image_size(image, width, height, interpolation):
    """Scale to Width×Height; see resize_channel for what each interpolation means."""
    w = args.integer(width, 1, low=1)
    h = args.integer(height, 2, low=1)
    interp = args.choice(interpolation, 3, INTERPOLATIONS)
    return _result([_zoom(img, w, h, interp) for img in args.images(image)])


@operator("zoom_image_factor ( Image : ImageZoomed : ScaleWidth, ScaleHeight, Interpolation : )")
def zoom_image_factor(image, scale_width, scale_height, interpolation):
    """Scale by factors; the new size is the old one times the factor, rounded."""
    sw = args.real(scale_width, 1, low=0, low_open=True)
    sh = args.real(scale_height, 2, low=0, low_open=True)
    interp = args.choice(interpolation, 3, INTERPOLATIONS)
    out = []
    for img in args.images(image):
        w = max(1, int(np.floor(img.width * sw + 0.5)))
        h = max(1, int(np.floor(img.height * sh + 0.5)))
        out.append(_zoom(img, w, h, interp))
    return _result(out)


def _crop(img: Image, r1: int, c1: int, r2: int, c2: int) -> Image:
    r1, c1 = max(r1, 0), max(c1, 0)
    r2, c2 = min(r2, img.height - 1), min(c2, img.width - 1)
    if r1 > r2 or c1 > c2:
        raise args.wrong_value(1, "the rectangle lies outside the image")
    return Image([d[r1:r2 + 1, c1:c2 + 1].copy() for d in img.data], img.ptype, None)


@operator("crop_part ( Image : ImagePart : Row, Column, Width, Height : )")
def crop_part(image, row, column, width, height):
    """The Width×Height part at (Row, Column) (clipped to the image) with a full domain."""
    r, c = args.integer(row, 1), args.integer(column, 2)
    w, h = args.integer(width, 3, low=1), args.integer(height, 4, low=1)
    return _result([_crop(img, r, c, r + h - 1, c + w - 1) for img in args.images(image)])


@operator("crop_rectangle1 ( Image : ImagePart : Row1, Column1, Row2, Column2 : )")
def crop_rectangle1(image, row1, column1, row2, column2):
    """The part (Row1, Column1)–(Row2, Column2), corners included, with a full domain."""
    r1, c1 = args.integer(row1, 1), args.integer(column1, 2)
    r2, c2 = args.integer(row2, 3), args.integer(column2, 4)
    if r2 < r1 or c2 < c1:
        raise args.wrong_value(3 if r2 < r1 else 4,
                               "Row2/Column2 must not be smaller than Row1/Column1")
    return _result([_crop(img, r1, c1, r2, c2) for img in args.images(image)])


@operator("crop_domain ( Image : ImagePart : : )")
def crop_domain(image):
    """The smallest rectangle enclosing the domain, as an image with a full domain."""
    out = []
    for img in args.images(image):
        dom = img.domain().clip(img.height, img.width)
        if dom.is_empty:
            raise args.wrong_value(1, "the image has an empty domain")
        out.append(_crop(img, *dom.bbox))
    return _result(out)


@operator("mirror_image ( Image : ImageMirror : Mode : )")
def mirror_image(image, mode):
    """'row': upside down; 'column': left–right; 'diagonal': transposed (at the main diagonal)."""
    m = args.choice(mode, 1, ("row", "column", "diagonal"))
    fn = {"row": np.flipud, "column": np.fliplr, "diagonal": np.transpose}[m]
    out = []
    for img in args.images(image):
        domain = None if img.full else Region(fn(img.domain_mask()))
        out.append(Image([np.ascontiguousarray(fn(d)) for d in img.data], img.ptype, domain))
    return _result(out)


@operator("rotate_image ( Image : ImageRotate : Phi, Interpolation : )")
def rotate_image(image, phi, interpolation):
    """Rotate counter-clockwise by Phi degrees about the image centre.  Multiples of 90° are
    exact (90 and 270 swap width and height); other angles keep the size and leave the
    corners that come from outside the image out of the domain."""
    angle = args.real(phi, 1) % 360.0
    interp = args.choice(interpolation, 2, INTERPOLATIONS)
    out = []
    for img in args.images(image):
        quarter = angle / 90.0
        if abs(quarter - round(quarter)) < 1e-9:
            k = int(round(quarter)) % 4
            domain = None if img.full else Region(np.rot90(img.domain_mask(), k))
            out.append(Image([np.ascontiguousarray(np.rot90(d, k)) for d in img.data], img.ptype,
                             domain))
            continue
        from scipy import ndimage
        order = 0 if interp == "nearest_neighbor" else (3 if interp == "bicubic" else 1)
        data = [_round_to(ndimage.rotate(d.astype(np.float64), angle, reshape=False, order=order,
                                         mode="constant"), img.ptype) for d in img.data]
        base = img.domain_mask()
        base = np.ones((img.height, img.width), bool) if base is None else base
        dom = ndimage.rotate(base.astype(np.uint8), angle, reshape=False, order=0) > 0
        out.append(Image(data, img.ptype, Region(dom)))
    return _result(out)


# ---- channels ------------------------------------------------------------------------------

def _compose(*images_in) -> v.ObjectTuple:
    lists = [args.images(x) for x in images_in]
    n = len(lists[0])
    if any(len(x) != n for x in lists):
        raise HdlRuntimeError(ec.ICONIC_EXPECTED,
                              "all inputs must hold the same number of images")
    out = []
    for group in zip(*lists):
        first = group[0]
        for other in group[1:]:
            _same_size(first, other)
            if other.ptype != first.ptype:
                raise HdlRuntimeError(ec.IMAGE_TYPE, f"channels of different types "
                                      f"({first.ptype}, {other.ptype})")
        out.append(Image([g.data[0] for g in group], first.ptype, first.domain_region))
    return _result(out)


def _decompose(count: int, image) -> tuple:
    results = [[] for _ in range(count)]
    for img in args.images(image):
        if img.channels < count:
            raise HdlRuntimeError(ec.ICONIC_EXPECTED, f"the image has {img.channels} channels, "
                                  f"{count} needed")
        for k in range(count):
            results[k].append(Image([img.data[k]], img.ptype, img.domain_region))
    return tuple(_result(r) for r in results)


def _make_compose(n: int):
    params = ", ".join(f"Image{i}" for i in range(1, n + 1))

    def compose(*images):
        return _compose(*images)
    compose.__doc__ = f"A {n}-channel image from {n} one-channel images of equal size and type."
    operator(f"compose{n} ( {params} : MultiChannelImage : : )")(compose)

    def decompose(image):
        return _decompose(n, image)
    decompose.__doc__ = f"The first {n} channels as separate one-channel images."
    operator(f"decompose{n} ( MultiChannelImage : {params} : : )")(decompose)


for _n in range(2, 8):
    _make_compose(_n)


@operator("access_channel ( MultiChannelImage : Image : Channel : )")
def access_channel(image, channel):
    """Channel number Channel (1-based) as a one-channel image."""
    k = args.integer(channel, 1)
    out = []
    for img in args.images(image):
        if k < 1 or k > img.channels:
            raise args.wrong_value(1, f"channel {k} out of range 1..{img.channels}")
        out.append(Image([img.data[k - 1]], img.ptype, img.domain_region))
    return _result(out)


@operator("append_channel ( MultiChannelImage, Image : ImageExtended : : )")
def append_channel(multi, image):
    """The channels of Image appended to those of MultiChannelImage (same size and type)."""
    out = []
    for a, b in _pairs(multi, image):
        _same_size(a, b)
        if a.ptype != b.ptype:
            raise HdlRuntimeError(ec.IMAGE_TYPE,
                                  f"channels of different types ({a.ptype}, {b.ptype})")
        out.append(Image(a.data + b.data, a.ptype, a.domain_region))
    return _result(out)


@operator("channels_to_image ( Images : MultiChannelImage : : )")
def channels_to_image(images):
    """One image whose channels are the (first channels of the) given images."""
    imgs = args.images(images)
    if not imgs:
        raise HdlRuntimeError(ec.ICONIC_EXPECTED, "no images given")
    return _compose(*[v.ObjectTuple([i]) for i in imgs])


@operator("image_to_channels ( MultiChannelImage : Images : : )")
def image_to_channels(image):
    """Each channel as a one-channel image."""
    out = []
    for img in args.images(image):
        out.extend(Image([d], img.ptype, img.domain_region) for d in img.data)
    return _result(out)


def _gray(r, g, b, ptype):
    f = 0.299 * r.astype(np.float64) + 0.587 * g + 0.114 * b
    return _round_to(f, ptype)


@operator("rgb1_to_gray ( RGBImage : GrayImage : : )")
def rgb1_to_gray(image):
    """0.299 R + 0.587 G + 0.114 B, rounded; a one-channel image is returned unchanged."""
    out = []
    for img in args.images(image):
        if img.channels < 3:
            out.append(Image([img.data[0]], img.ptype, img.domain_region))
        else:
            out.append(Image([_gray(*img.data[:3], img.ptype)], img.ptype, img.domain_region))
    return _result(out)


@operator("rgb3_to_gray ( ImageRed, ImageGreen, ImageBlue : ImageGray : : )")
def rgb3_to_gray(red, green, blue):
    """rgb1_to_gray for three one-channel images."""
    composed = _compose(red, green, blue)
    return rgb1_to_gray(composed)


# ---- domains -------------------------------------------------------------------------------

@operator("get_domain ( Image : Domain : : )")
def get_domain(image):
    """The domain of each image as a region."""
    return _result([img.domain() for img in args.images(image)])


@operator("full_domain ( Image : ImageFull : : )")
def full_domain(image):
    """The image with its domain enlarged to the whole image."""
    return _result([Image(img.data, img.ptype, None) for img in args.images(image)])


def _set_domain(img: Image, region: Region) -> Image:
    region = region.clip(img.height, img.width)
    if region.area == img.width * img.height:
        return Image(img.data, img.ptype, None)
    return Image(img.data, img.ptype, region)


def _with_regions(image, region):
    """(image, region) pairs: one region for all images, or one region per image."""
    imgs = args.images(image)
    regs = args.regions(region)
    if len(regs) == 1:
        regs = regs * len(imgs)
    if len(regs) != len(imgs):
        raise HdlRuntimeError(ec.ICONIC_EXPECTED, f"{len(imgs)} images but {len(regs)} regions")
    return zip(imgs, regs)


@operator("reduce_domain ( Image, Region : ImageReduced : : )")
def reduce_domain(image, region):
    """The domain becomes the intersection of the old domain with Region."""
    return _result([_set_domain(img, combine([img.domain(), r], "intersection"))
                    for img, r in _with_regions(image, region)])


@operator("change_domain ( Image, NewDomain : ImageNew : : )")
def change_domain(image, new_domain):
    """The domain becomes NewDomain (clipped to the image; the old domain does not matter)."""
    return _result([_set_domain(img, r) for img, r in _with_regions(image, new_domain)])


# ---- filters -------------------------------------------------------------------------------

def _filter(image, fn) -> v.ObjectTuple:
    out = []
    for img in args.images(image):
        out.append(img.with_data([_round_to(fn(d.astype(np.float64)), img.ptype)
                                  for d in img.data]))
    return _result(out)


@operator("mean_image ( Image : ImageMean : MaskWidth, MaskHeight : )")
def mean_image(image, mask_width, mask_height):
    """Mean over a MaskWidth×MaskHeight rectangle; gray values mirrored at the border."""
    from scipy import ndimage
    w = args.integer(mask_width, 1, low=1)
    h = args.integer(mask_height, 2, low=1)
    return _filter(image, lambda d: ndimage.uniform_filter(d, (h, w), mode="mirror"))


@operator("gauss_filter ( Image : ImageGauss : Size : )")
def gauss_filter(image, size):
    """Gaussian smoothing with a binomial Size×Size mask (Size 3, 5, 7, 9 or 11)."""
    from scipy import ndimage
    s = args.integer(size, 1)
    if s not in (3, 5, 7, 9, 11):
        raise args.wrong_value(1, f"Size {s} not supported; valid: 3, 5, 7, 9, 11")
    from math import comb
    kernel = np.array([comb(s - 1, k) for k in range(s)], np.float64)
    kernel /= kernel.sum()

    def smooth(d):
        d = ndimage.convolve1d(d, kernel, axis=0, mode="mirror")
        return ndimage.convolve1d(d, kernel, axis=1, mode="mirror")
    return _filter(image, smooth)


@operator("emphasize ( Image : ImageEmphasize : MaskWidth, MaskHeight, Factor : )")
def emphasize(image, mask_width, mask_height, factor):
    """Contrast enhancement: g' = (g - mean) * Factor + g, mean over MaskWidth×MaskHeight."""
    from scipy import ndimage
    w = args.integer(mask_width, 1, low=1)
    h = args.integer(mask_height, 2, low=1)
    f = args.real(factor, 3)
    return _filter(image,
                   lambda d: (d - ndimage.uniform_filter(d, (h, w), mode="mirror")) * f + d)


# ---- arithmetic ----------------------------------------------------------------------------

def _arith(images1, images2, mult, add, fn) -> v.ObjectTuple:
    m = args.real(mult, 1)
    a = args.real(add, 2)
    out = []
    for x, y in _pairs(images1, images2):
        _same_size(x, y)
        if x.ptype != y.ptype or x.channels != y.channels:
            raise HdlRuntimeError(ec.IMAGE_TYPE, f"images of different types or channel counts "
                                  f"({x.ptype}/{x.channels}, {y.ptype}/{y.channels})")
        data = [_round_to(fn(p.astype(np.float64), q.astype(np.float64)) * m + a, x.ptype)
                for p, q in zip(x.data, y.data)]
        out.append(Image(data, x.ptype, _common_domain(x, y)))
    return _result(out)


@operator("add_image ( Image1, Image2 : ImageResult : Mult, Add : )")
def add_image(image1, image2, mult, add):
    """g' = (g1 + g2) * Mult + Add; the domain is the intersection of both domains."""
    return _arith(image1, image2, mult, add, np.add)


@operator("sub_image ( ImageMinuend, ImageSubtrahend : ImageSub : Mult, Add : )")
def sub_image(image1, image2, mult, add):
    """g' = (g1 - g2) * Mult + Add."""
    return _arith(image1, image2, mult, add, np.subtract)


@operator("mult_image ( Image1, Image2 : ImageResult : Mult, Add : )")
def mult_image(image1, image2, mult, add):
    """g' = g1 * g2 * Mult + Add."""
    return _arith(image1, image2, mult, add, np.multiply)


def _divide(p, q):
    """g1 / g2 with 0 where g2 is 0 (HALCON leaves such pixels at the result's zero)."""
    out = np.zeros_like(p)
    np.divide(p, q, out=out, where=q != 0)
    return out


@operator("div_image ( Image1, Image2 : ImageResult : Mult, Add : )")
def div_image(image1, image2, mult, add):
    """g' = g1 / g2 * Mult + Add; pixels where g2 is 0 become Add."""
    return _arith(image1, image2, mult, add, _divide)


@operator("lut_trans ( Image : ImageResult : Lut : )")
def lut_trans(image, lut):
    """Replace each gray value g by Lut[g]: 256 entries for byte images, 65536 for uint2/int2."""
    table = args.numbers(lut, 1)
    out = []
    for img in args.images(image):
        size = {"byte": 256, "uint2": 65536, "int2": 65536}.get(img.ptype)
        if size is None:
            raise HdlRuntimeError(ec.IMAGE_TYPE,
                                  f"byte, uint2 or int2 images expected, got {img.ptype}")
        if len(table) != size:
            raise args.wrong_number(1, f"a {img.ptype} image needs a table of {size} values, "
                                    f"not {len(table)}")
        values = _round_to(np.asarray(table, dtype=np.float64), img.ptype)
        offset = 32768 if img.ptype == "int2" else 0
        out.append(img.with_data([values[d.astype(np.int64) + offset] for d in img.data]))
    return _result(out)


@operator("abs_image ( Image : ImageAbs : : )")
def abs_image(image):
    """Absolute gray values (unsigned types are returned unchanged)."""
    return _filter(image, np.abs)


@operator("invert_image ( Image : ImageInvert : : )")
def invert_image(image):
    """byte: 255 - g; uint2: 65535 - g; signed and real types: -g (clipped)."""
    out = []
    for img in args.images(image):
        if img.ptype in ("byte", "direction", "cyclic"):
            data = [255 - d for d in img.data]
        elif img.ptype == "uint2":
            data = [(65535 - d.astype(np.int64)).astype(np.uint16) for d in img.data]
        else:
            data = [_round_to(-d.astype(np.float64), img.ptype) if img.ptype != "real" else -d
                    for d in img.data]
        out.append(img.with_data(data))
    return _result(out)


# ---- gray-value statistics -------------------------------------------------------------------

def _values_in(region: Region, img: Image) -> np.ndarray:
    """The first channel's gray values of the pixels of region ∩ image (float64)."""
    mask = region.canvas(img.height, img.width)
    return img.data[0][mask].astype(np.float64)


@operator("min_max_gray ( Regions, Image : : Percent : Min, Max, Range )")
def min_max_gray(regions, image, percent):
    """Minimum, maximum and range of the gray values in each region; Percent > 0 ignores
    that percentage of the pixels at each end of the histogram.  Reals."""
    p = args.real(percent, 1, low=0, high=50)
    regs, img = args.regions(regions), args.image(image)
    mins, maxs, ranges = [], [], []
    for r in regs:
        values = _values_in(r, img)
        if values.size == 0:
            lo = hi = 0.0
        else:
            values = np.sort(values)
            cut = int(values.size * p / 100.0)
            lo, hi = float(values[cut]), float(values[values.size - 1 - cut])
            if hi < lo:
                lo = hi = float(values[values.size // 2])
        mins.append(lo)
        maxs.append(hi)
        ranges.append(hi - lo)
    return v.canonical(mins), v.canonical(maxs), v.canonical(ranges)


@operator("intensity ( Regions, Image : : : Mean, Deviation )")
def intensity(regions, image):
    """Mean and standard deviation (over all pixels, not n-1) of the gray values per region."""
    regs, img = args.regions(regions), args.image(image)
    means, devs = [], []
    for r in regs:
        values = _values_in(r, img)
        if values.size == 0:
            means.append(0.0)
            devs.append(0.0)
        else:
            means.append(float(values.mean()))
            devs.append(float(values.std()))
    return v.canonical(means), v.canonical(devs)


@operator("gray_histo ( Regions, Image : : : AbsoluteHisto, RelativeHisto )")
def gray_histo(regions, image):
    """256-bin histogram of a byte (or int1: bins from -128) image inside one region."""
    regs, img = args.regions(regions), args.image(image)
    if len(regs) != 1:
        raise HdlRuntimeError(ec.ICONIC_EXPECTED, f"exactly one region expected, got {len(regs)}")
    if img.ptype not in ("byte", "int1", "direction", "cyclic"):
        raise HdlRuntimeError(ec.IMAGE_TYPE, f"byte or int1 images expected, got {img.ptype!r}")
    values = _values_in(regs[0], img).astype(np.int64)
    if img.ptype == "int1":
        values = values + 128
    counts = np.bincount(values, minlength=256)[:256]
    total = counts.sum()
    relative = counts / total if total else np.zeros(256)
    return v.canonical(counts.astype(np.int64)), v.canonical(relative.astype(np.float64))
