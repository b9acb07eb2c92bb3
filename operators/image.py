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

from hdl import errorcodes as ec
from hdl import iconic as ic
from hdl import values as v
from hdl.atomic import atomic_write_bytes
from hdl.iconic import Image, Region
from hdl.registry import operator

# ---- helpers ----------------------------------------------------------------------

READ_EXTENSIONS = (".tif", ".tiff", ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".ppm", ".pgm",
                   ".pbm", ".pnm", ".jp2", ".webp")


def _round_to(data: np.ndarray, ptype: str) -> np.ndarray:
    """Float results as pixel type ptype: rounded half up, clipped."""
    if ptype == "real" or data.dtype.kind != "f":
        return ic.to_type(data, ptype)
    return ic.to_type(np.floor(data + 0.5), ptype)


def _result(images: list[Image]) -> v.ObjectTuple:
    return v.ObjectTuple(images)


def _same_size(a: Image, b: Image, name: str) -> None:
    if (a.width, a.height) != (b.width, b.height):
        raise ic.error(ic.IMAGE_SIZE, f"images of different sizes ({a.width}x{a.height} and "
                       f"{b.width}x{b.height})", name)


def _pairs(images1, images2, name: str) -> list[tuple[Image, Image]]:
    a = ic.images(images1, name)
    b = ic.images(images2, name)
    if len(b) == 1 and len(a) > 1:
        b = b * len(a)
    if len(a) != len(b):
        raise ic.error(ec.ICONIC_EXPECTED, f"{len(a)} and {len(b)} images cannot be paired", name)
    return list(zip(a, b))


def _common_domain(a: Image, b: Image) -> Region | None:
    if a.full and b.full:
        return None
    from hdl.iconic import combine
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
    raise ic.error(ic.FILE_FORMAT, f"image mode {mode!r} is not supported", "read_image")


def read_one(name: str) -> Image:
    from PIL import Image as PILImage, UnidentifiedImageError
    path = _find_image_file(name)
    if path is None:
        raise ic.error(ic.FILE_NOT_FOUND, f"image file {name!r} not found (also tried the usual "
                       "extensions and $HALCONIMAGES)", "read_image")
    try:
        with PILImage.open(path) as picture:
            picture.load()
            return image_from_pil(picture)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ic.error(ic.FILE_FORMAT, f"cannot read image {path!r}: {exc}", "read_image") from None


@operator("read_image ( : Image : FileName : )")
def read_image(file_name):
    """Read png/jpeg/bmp/tiff (8 and 16 bit)/gif/pnm with pillow.  A name without an
    extension is tried with the usual image extensions; relative names are also looked up in
    the directories of $HALCONIMAGES.  Several names give one image each."""
    names = v.as_list(file_name)
    for n in names:
        if type(n) is not str:
            raise ic.error(ec.wrong_type(1), f"file name expected, got {n!r}", "read_image")
    return _result([read_one(n) for n in names])


WRITE_FORMATS = {"png": ("PNG", ".png"), "tiff": ("TIFF", ".tif"), "jpeg": ("JPEG", ".jpg"),
                 "jpg": ("JPEG", ".jpg"), "bmp": ("BMP", ".bmp"), "jp2": ("JPEG2000", ".jp2")}


def pil_from_image(image: Image, fill, name: str = "write_image"):
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
    raise ic.error(ic.IMAGE_TYPE, f"writing {image.channels}-channel images of type "
                   f"{image.ptype!r} is not supported", name)


@operator("write_image ( Image : : Format, FillColor, FileName : )")
def write_image(image, format_, fill_color, file_name):
    """Formats 'png' (optionally 'png best'/'png fastest'/'png none'), 'tiff'
    ('tiff deflate' …: compression is chosen by pillow), 'jpeg' (optionally 'jpeg 80': quality),
    'bmp', 'jp2'.  The format's extension is appended when FileName has none.  Pixels outside
    the domain are written with FillColor.  uint2 images are written as 16-bit png/tiff,
    real and intN images as tiff only."""
    name = "write_image"
    fmt = ic.one_str(format_, 1, name)
    parts = fmt.split()
    kind = parts[0] if parts else ""
    if kind not in WRITE_FORMATS:
        raise ic.error(ec.wrong_value(1), f"image format {fmt!r} is not supported; valid: "
                       + ", ".join(sorted(WRITE_FORMATS)), name)
    pil_format, ext = WRITE_FORMATS[kind]
    fill = v.as_list(fill_color)
    fill = [x for x in fill if type(x) in (int, float)] or [0]
    names = v.as_list(file_name)
    imgs = ic.images(image, name)
    if len(names) != len(imgs):
        raise ic.error(ec.wrong_number(3), f"{len(imgs)} images but {len(names)} file names", name)
    options = {}
    if kind in ("jpeg", "jpg") and len(parts) > 1:
        try:
            options["quality"] = int(parts[1])
        except ValueError:
            raise ic.error(ec.wrong_value(1), f"bad jpeg quality in {fmt!r}", name) from None
    if kind == "png" and len(parts) > 1:
        options["compress_level"] = {"best": 9, "fastest": 1, "none": 0}.get(parts[1], 6)
    for img, fname in zip(imgs, names):
        if type(fname) is not str:
            raise ic.error(ec.wrong_type(3), "file name expected", name)
        if not os.path.splitext(fname)[1]:
            fname = fname + ext
        picture = pil_from_image(img, fill if len(fill) > 1 else fill[0], name)
        if kind in ("jpeg", "jpg", "bmp") and picture.mode not in ("L", "RGB"):
            if picture.mode == "RGBA" and kind == "bmp":
                pass
            else:
                raise ic.error(ic.IMAGE_TYPE, f"{kind} cannot store {img.channels}-channel "
                               f"{img.ptype} images", name)
        if kind == "png" and picture.mode in ("F", "I"):
            raise ic.error(ic.IMAGE_TYPE, f"png cannot store {img.ptype} images: use 'tiff'", name)
        buffer = io.BytesIO()
        try:
            picture.save(buffer, pil_format, **options)
        except (OSError, ValueError, KeyError) as exc:
            raise ic.error(ic.FILE_WRITE, f"cannot encode {fname!r} as {kind}: {exc}", name) from None
        try:
            atomic_write_bytes(fname, buffer.getvalue())
        except OSError as exc:
            raise ic.error(ic.FILE_WRITE, f"cannot write {fname!r}: {exc.strerror or exc}",
                           name) from None


# ---- creation and access ------------------------------------------------------------------

@operator("gen_image_const ( : Image : Type, Width, Height : )")
def gen_image_const(type_, width, height):
    """An image of the given type and size with all gray values 0."""
    name = "gen_image_const"
    ptype = ic.check_type(ic.one_str(type_, 1, name), 1, name)
    w = ic.one_int(width, 2, name)
    h = ic.one_int(height, 3, name)
    if w < 1:
        raise ic.error(ec.wrong_value(2), "Width must be >= 1", name)
    if h < 1:
        raise ic.error(ec.wrong_value(3), "Height must be >= 1", name)
    return ic.new_image([np.zeros((h, w), ic.DTYPES[ptype])], ptype)


@operator("gen_image_proto ( Image : ImageCleared : Grayval : )")
def gen_image_proto(image, grayval):
    """An image like Image (size, type, channels, domain) with every gray value Grayval."""
    value = ic.one_num(grayval, 1, "gen_image_proto")
    out = []
    for img in ic.images(image, "gen_image_proto"):
        filled = _round_to(np.full((img.height, img.width), value, np.float64), img.ptype)
        out.append(img.with_data([filled.copy() for _ in img.data]))
    return _result(out)


@operator("gen_image1 ( : Image : Type, Width, Height, PixelPointer : )")
def gen_image1(type_, width, height, pixel_pointer):
    """Not supported: hdl has no memory pointers (use gen_image_const and set_grayval)."""
    raise ic.error(ec.wrong_value(4), "gen_image1 needs a memory pointer, which hdl does not "
                   "support; use gen_image_const and set_grayval", "gen_image1")


@operator("get_image_pointer1 ( Image : : : Pointer, Type, Width, Height )")
def get_image_pointer1(image):
    """Not supported: hdl has no memory pointers (use get_grayval / get_region_points)."""
    raise ic.error(ic.IMAGE_TYPE, "get_image_pointer1 returns a memory pointer, which hdl does "
                   "not support; use get_grayval", "get_image_pointer1")


@operator("get_image_size ( Image : : : Width, Height )")
def get_image_size(image):
    """Width and height of each image."""
    imgs = ic.images(image, "get_image_size")
    return v.canonical([i.width for i in imgs]), v.canonical([i.height for i in imgs])


@operator("get_image_type ( Image : : : Type )")
def get_image_type(image):
    """The pixel type of each image ('byte', 'uint2', 'real' …)."""
    return v.canonical([i.ptype for i in ic.images(image, "get_image_type")])


@operator("count_channels ( MultiChannelImage : : : Channels )")
def count_channels(image):
    """Number of channels of each image."""
    return v.canonical([i.channels for i in ic.images(image, "count_channels")])


def _points(row, column, name: str, image: Image) -> tuple[np.ndarray, np.ndarray]:
    rows = ic.ints(row, 1, name, "integer row")
    cols = ic.ints(column, 2, name, "integer column")
    if len(rows) != len(cols):
        raise ic.error(ec.wrong_number(2), "Row and Column must have the same length", name)
    r = np.asarray(rows, np.int64)
    c = np.asarray(cols, np.int64)
    bad = (r < 0) | (r >= image.height) | (c < 0) | (c >= image.width)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ic.error(ec.wrong_value(1), f"point ({rows[i]}, {cols[i]}) is outside the "
                       f"{image.width}x{image.height} image", name)
    return r, c


def _pixel_values(array: np.ndarray, ptype: str) -> list:
    if ptype == "real":
        return [float(x) for x in array.tolist()]
    return [int(x) for x in array.tolist()]


@operator("get_grayval ( Image : : Row, Column : Grayval )")
def get_grayval(image, row, column):
    """Gray values at the points (Row, Column); with several channels, all channels of the
    first point, then of the second …  Integers for integer types, reals for 'real'."""
    img = ic.one_image(image, "get_grayval")
    r, c = _points(row, column, "get_grayval", img)
    if img.channels == 1:
        return v.canonical(_pixel_values(img.data[0][r, c], img.ptype))
    stacked = np.stack([d[r, c] for d in img.data], axis=1).reshape(-1)
    return v.canonical(_pixel_values(stacked, img.ptype))


@operator("set_grayval ( Image : : Row, Column, Grayval : )")
def set_grayval(image, row, column, grayval):
    """Set gray values in place (as HALCON: every variable sharing this image sees them).
    One Grayval for all points or one per point (per channel: channel values per point)."""
    name = "set_grayval"
    img = ic.one_image(image, name)
    r, c = _points(row, column, name, img)
    values = ic.nums(grayval, 3, name)
    n = len(r)
    if len(values) == 1:
        values = values * (n * img.channels)
    elif len(values) == n and img.channels > 1:
        values = [x for x in values for _ in range(img.channels)]
    if len(values) != n * img.channels:
        raise ic.error(ec.wrong_number(3), f"{len(values)} gray values for {n} points", name)
    array = np.asarray(values, np.float64).reshape(n, img.channels)
    for k, data in enumerate(img.data):
        data[r, c] = _round_to(array[:, k], img.ptype)


# ---- type conversion and scaling ------------------------------------------------------------

@operator("convert_image_type ( Image : ImageConverted : NewType : )")
def convert_image_type(image, new_type):
    """Values out of the new type's range are clipped; reals become integers by truncation
    toward zero."""
    name = "convert_image_type"
    ptype = ic.check_type(ic.one_str(new_type, 1, name), 1, name)
    out = []
    for img in ic.images(image, name):
        out.append(img.with_data([ic.to_type(d, ptype, rounding=False).copy()
                                  if ic.DTYPES[ptype] != d.dtype else d for d in img.data], ptype))
    return _result(out)


@operator("scale_image ( Image : ImageScaled : Mult, Add : )")
def scale_image(image, mult, add):
    """g' = g * Mult + Add, rounded and clipped to the pixel type (real stays real)."""
    name = "scale_image"
    m = ic.one_num(mult, 1, name)
    a = ic.one_num(add, 2, name)
    out = []
    for img in ic.images(image, name):
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
    for img in ic.images(image, "scale_image_max"):
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
    name = "zoom_image_size"
    w = ic.one_int(width, 1, name)
    h = ic.one_int(height, 2, name)
    if w < 1 or h < 1:
        raise ic.error(ec.wrong_value(1 if w < 1 else 2), "the size must be at least 1", name)
    interp = ic.choice(interpolation, 3, name, INTERPOLATIONS)
    return _result([_zoom(img, w, h, interp) for img in ic.images(image, name)])


@operator("zoom_image_factor ( Image : ImageZoomed : ScaleWidth, ScaleHeight, Interpolation : )")
def zoom_image_factor(image, scale_width, scale_height, interpolation):
    """Scale by factors; the new size is the old one times the factor, rounded."""
    name = "zoom_image_factor"
    sw = ic.one_num(scale_width, 1, name)
    sh = ic.one_num(scale_height, 2, name)
    if sw <= 0 or sh <= 0:
        raise ic.error(ec.wrong_value(1 if sw <= 0 else 2), "scale factors must be > 0", name)
    interp = ic.choice(interpolation, 3, name, INTERPOLATIONS)
    out = []
    for img in ic.images(image, name):
        w = max(1, int(np.floor(img.width * sw + 0.5)))
        h = max(1, int(np.floor(img.height * sh + 0.5)))
        out.append(_zoom(img, w, h, interp))
    return _result(out)


def _crop(img: Image, r1: int, c1: int, r2: int, c2: int, name: str) -> Image:
    r1, c1 = max(r1, 0), max(c1, 0)
    r2, c2 = min(r2, img.height - 1), min(c2, img.width - 1)
    if r1 > r2 or c1 > c2:
        raise ic.error(ec.wrong_value(1), "the rectangle lies outside the image", name)
    return Image([d[r1:r2 + 1, c1:c2 + 1].copy() for d in img.data], img.ptype, None)


@operator("crop_part ( Image : ImagePart : Row, Column, Width, Height : )")
def crop_part(image, row, column, width, height):
    """The Width×Height part at (Row, Column) (clipped to the image) with a full domain."""
    name = "crop_part"
    r, c = ic.one_int(row, 1, name), ic.one_int(column, 2, name)
    w, h = ic.one_int(width, 3, name), ic.one_int(height, 4, name)
    if w < 1 or h < 1:
        raise ic.error(ec.wrong_value(3 if w < 1 else 4), "Width and Height must be >= 1", name)
    return _result([_crop(img, r, c, r + h - 1, c + w - 1, name) for img in ic.images(image, name)])


@operator("crop_rectangle1 ( Image : ImagePart : Row1, Column1, Row2, Column2 : )")
def crop_rectangle1(image, row1, column1, row2, column2):
    """The part (Row1, Column1)–(Row2, Column2), corners included, with a full domain."""
    name = "crop_rectangle1"
    r1, c1 = ic.one_int(row1, 1, name), ic.one_int(column1, 2, name)
    r2, c2 = ic.one_int(row2, 3, name), ic.one_int(column2, 4, name)
    if r2 < r1 or c2 < c1:
        raise ic.error(ec.wrong_value(3 if r2 < r1 else 4), "Row2/Column2 must not be smaller "
                       "than Row1/Column1", name)
    return _result([_crop(img, r1, c1, r2, c2, name) for img in ic.images(image, name)])


@operator("crop_domain ( Image : ImagePart : : )")
def crop_domain(image):
    """The smallest rectangle enclosing the domain, as an image with a full domain."""
    out = []
    for img in ic.images(image, "crop_domain"):
        dom = img.domain().clip(img.height, img.width)
        if dom.is_empty:
            raise ic.error(ec.wrong_value(1), "the image has an empty domain", "crop_domain")
        out.append(_crop(img, *dom.bbox, "crop_domain"))
    return _result(out)


@operator("mirror_image ( Image : ImageMirror : Mode : )")
def mirror_image(image, mode):
    """'row': upside down; 'column': left–right; 'diagonal': transposed (at the main diagonal)."""
    name = "mirror_image"
    m = ic.choice(mode, 1, name, ("row", "column", "diagonal"))
    fn = {"row": np.flipud, "column": np.fliplr, "diagonal": np.transpose}[m]
    out = []
    for img in ic.images(image, name):
        domain = None if img.full else Region(fn(img.domain_mask()))
        out.append(Image([np.ascontiguousarray(fn(d)) for d in img.data], img.ptype, domain))
    return _result(out)


@operator("rotate_image ( Image : ImageRotate : Phi, Interpolation : )")
def rotate_image(image, phi, interpolation):
    """Rotate counter-clockwise by Phi degrees about the image centre.  Multiples of 90° are
    exact (90 and 270 swap width and height); other angles keep the size and leave the
    corners that come from outside the image out of the domain."""
    name = "rotate_image"
    angle = ic.one_num(phi, 1, name) % 360.0
    interp = ic.choice(interpolation, 2, name, ("nearest_neighbor", "bilinear", "constant",
                                                  "weighted", "bicubic"))
    out = []
    for img in ic.images(image, name):
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

def _compose(name: str, *images_in) -> v.ObjectTuple:
    lists = [ic.images(x, name) for x in images_in]
    n = len(lists[0])
    if any(len(x) != n for x in lists):
        raise ic.error(ec.ICONIC_EXPECTED, "all inputs must hold the same number of images", name)
    out = []
    for group in zip(*lists):
        first = group[0]
        for other in group[1:]:
            _same_size(first, other, name)
            if other.ptype != first.ptype:
                raise ic.error(ic.IMAGE_TYPE, f"channels of different types ({first.ptype}, "
                               f"{other.ptype})", name)
        out.append(Image([g.data[0] for g in group], first.ptype, first.domain_region))
    return _result(out)


def _decompose(name: str, count: int, image) -> tuple:
    results = [[] for _ in range(count)]
    for img in ic.images(image, name):
        if img.channels < count:
            raise ic.error(ec.ICONIC_EXPECTED, f"the image has {img.channels} channels, "
                           f"{count} needed", name)
        for k in range(count):
            results[k].append(Image([img.data[k]], img.ptype, img.domain_region))
    return tuple(_result(r) for r in results)


def _make_compose(n: int):
    params = ", ".join(f"Image{i}" for i in range(1, n + 1))

    def compose(*args):
        return _compose(f"compose{n}", *args)
    compose.__doc__ = f"A {n}-channel image from {n} one-channel images of equal size and type."
    operator(f"compose{n} ( {params} : MultiChannelImage : : )")(compose)

    def decompose(image):
        return _decompose(f"decompose{n}", n, image)
    decompose.__doc__ = f"The first {n} channels as separate one-channel images."
    operator(f"decompose{n} ( MultiChannelImage : {params} : : )")(decompose)


for _n in range(2, 8):
    _make_compose(_n)


@operator("access_channel ( MultiChannelImage : Image : Channel : )")
def access_channel(image, channel):
    """Channel number Channel (1-based) as a one-channel image."""
    name = "access_channel"
    k = ic.one_int(channel, 1, name)
    out = []
    for img in ic.images(image, name):
        if k < 1 or k > img.channels:
            raise ic.error(ec.wrong_value(1), f"channel {k} out of range 1..{img.channels}", name)
        out.append(Image([img.data[k - 1]], img.ptype, img.domain_region))
    return _result(out)


@operator("append_channel ( MultiChannelImage, Image : ImageExtended : : )")
def append_channel(multi, image):
    """The channels of Image appended to those of MultiChannelImage (same size and type)."""
    name = "append_channel"
    out = []
    for a, b in _pairs(multi, image, name):
        _same_size(a, b, name)
        if a.ptype != b.ptype:
            raise ic.error(ic.IMAGE_TYPE, f"channels of different types ({a.ptype}, {b.ptype})", name)
        out.append(Image(a.data + b.data, a.ptype, a.domain_region))
    return _result(out)


@operator("channels_to_image ( Images : MultiChannelImage : : )")
def channels_to_image(images):
    """One image whose channels are the (first channels of the) given images."""
    imgs = ic.images(images, "channels_to_image")
    if not imgs:
        raise ic.error(ec.ICONIC_EXPECTED, "no images given", "channels_to_image")
    return _compose("channels_to_image", *[v.ObjectTuple([i]) for i in imgs])


@operator("image_to_channels ( MultiChannelImage : Images : : )")
def image_to_channels(image):
    """Each channel as a one-channel image."""
    out = []
    for img in ic.images(image, "image_to_channels"):
        out.extend(Image([d], img.ptype, img.domain_region) for d in img.data)
    return _result(out)


def _gray(r, g, b, ptype):
    f = 0.299 * r.astype(np.float64) + 0.587 * g + 0.114 * b
    return _round_to(f, ptype)


@operator("rgb1_to_gray ( RGBImage : GrayImage : : )")
def rgb1_to_gray(image):
    """0.299 R + 0.587 G + 0.114 B, rounded; a one-channel image is returned unchanged."""
    out = []
    for img in ic.images(image, "rgb1_to_gray"):
        if img.channels < 3:
            out.append(Image([img.data[0]], img.ptype, img.domain_region))
        else:
            out.append(Image([_gray(*img.data[:3], img.ptype)], img.ptype, img.domain_region))
    return _result(out)


@operator("rgb3_to_gray ( ImageRed, ImageGreen, ImageBlue : ImageGray : : )")
def rgb3_to_gray(red, green, blue):
    """rgb1_to_gray for three one-channel images."""
    composed = _compose("rgb3_to_gray", red, green, blue)
    return rgb1_to_gray(composed)


# ---- domains -------------------------------------------------------------------------------

@operator("get_domain ( Image : Domain : : )")
def get_domain(image):
    """The domain of each image as a region."""
    return _result([img.domain() for img in ic.images(image, "get_domain")])


@operator("full_domain ( Image : ImageFull : : )")
def full_domain(image):
    """The image with its domain enlarged to the whole image."""
    return _result([Image(img.data, img.ptype, None) for img in ic.images(image, "full_domain")])


def _set_domain(img: Image, region: Region) -> Image:
    region = region.clip(img.height, img.width)
    if region.area == img.width * img.height:
        return Image(img.data, img.ptype, None)
    return Image(img.data, img.ptype, region)


def _with_regions(image, region, name: str):
    """(image, region) pairs: one region for all images, or one region per image."""
    imgs = ic.images(image, name)
    regs = ic.regions(region, name)
    if len(regs) == 1:
        regs = regs * len(imgs)
    if len(regs) != len(imgs):
        raise ic.error(ec.ICONIC_EXPECTED, f"{len(imgs)} images but {len(regs)} regions", name)
    return zip(imgs, regs)


@operator("reduce_domain ( Image, Region : ImageReduced : : )")
def reduce_domain(image, region):
    """The domain becomes the intersection of the old domain with Region."""
    from hdl.iconic import combine
    return _result([_set_domain(img, combine([img.domain(), r], "intersection"))
                    for img, r in _with_regions(image, region, "reduce_domain")])


@operator("change_domain ( Image, NewDomain : ImageNew : : )")
def change_domain(image, new_domain):
    """The domain becomes NewDomain (clipped to the image; the old domain does not matter)."""
    return _result([_set_domain(img, r) for img, r in _with_regions(image, new_domain, "change_domain")])


# ---- filters -------------------------------------------------------------------------------

def _filter(image, name: str, fn) -> v.ObjectTuple:
    out = []
    for img in ic.images(image, name):
        out.append(img.with_data([_round_to(fn(d.astype(np.float64)), img.ptype)
                                  for d in img.data]))
    return _result(out)


def _mask_size(value, param: int, name: str) -> int:
    size = ic.one_int(value, param, name)
    if size < 1:
        raise ic.error(ec.wrong_value(param), "the mask size must be >= 1", name)
    return size


@operator("mean_image ( Image : ImageMean : MaskWidth, MaskHeight : )")
def mean_image(image, mask_width, mask_height):
    """Mean over a MaskWidth×MaskHeight rectangle; gray values mirrored at the border."""
    from scipy import ndimage
    name = "mean_image"
    w = _mask_size(mask_width, 1, name)
    h = _mask_size(mask_height, 2, name)
    return _filter(image, name, lambda d: ndimage.uniform_filter(d, (h, w), mode="mirror"))


@operator("gauss_filter ( Image : ImageGauss : Size : )")
def gauss_filter(image, size):
    """Gaussian smoothing with a binomial Size×Size mask (Size 3, 5, 7, 9 or 11)."""
    from scipy import ndimage
    name = "gauss_filter"
    s = ic.one_int(size, 1, name)
    if s not in (3, 5, 7, 9, 11):
        raise ic.error(ec.wrong_value(1), f"Size {s} not supported; valid: 3, 5, 7, 9, 11", name)
    from math import comb
    kernel = np.array([comb(s - 1, k) for k in range(s)], np.float64)
    kernel /= kernel.sum()

    def smooth(d):
        d = ndimage.convolve1d(d, kernel, axis=0, mode="mirror")
        return ndimage.convolve1d(d, kernel, axis=1, mode="mirror")
    return _filter(image, name, smooth)


@operator("emphasize ( Image : ImageEmphasize : MaskWidth, MaskHeight, Factor : )")
def emphasize(image, mask_width, mask_height, factor):
    """Contrast enhancement: g' = (g - mean) * Factor + g, mean over MaskWidth×MaskHeight."""
    from scipy import ndimage
    name = "emphasize"
    w = _mask_size(mask_width, 1, name)
    h = _mask_size(mask_height, 2, name)
    f = ic.one_num(factor, 3, name)
    return _filter(image, name,
                   lambda d: (d - ndimage.uniform_filter(d, (h, w), mode="mirror")) * f + d)


# ---- arithmetic ----------------------------------------------------------------------------

def _arith(images1, images2, mult, add, name: str, fn) -> v.ObjectTuple:
    m = ic.one_num(mult, 1, name)
    a = ic.one_num(add, 2, name)
    out = []
    for x, y in _pairs(images1, images2, name):
        _same_size(x, y, name)
        if x.ptype != y.ptype or x.channels != y.channels:
            raise ic.error(ic.IMAGE_TYPE, f"images of different types or channel counts "
                           f"({x.ptype}/{x.channels}, {y.ptype}/{y.channels})", name)
        data = [_round_to(fn(p.astype(np.float64), q.astype(np.float64)) * m + a, x.ptype)
                for p, q in zip(x.data, y.data)]
        out.append(Image(data, x.ptype, _common_domain(x, y)))
    return _result(out)


@operator("add_image ( Image1, Image2 : ImageResult : Mult, Add : )")
def add_image(image1, image2, mult, add):
    """g' = (g1 + g2) * Mult + Add; the domain is the intersection of both domains."""
    return _arith(image1, image2, mult, add, "add_image", np.add)


@operator("sub_image ( ImageMinuend, ImageSubtrahend : ImageSub : Mult, Add : )")
def sub_image(image1, image2, mult, add):
    """g' = (g1 - g2) * Mult + Add."""
    return _arith(image1, image2, mult, add, "sub_image", np.subtract)


@operator("mult_image ( Image1, Image2 : ImageResult : Mult, Add : )")
def mult_image(image1, image2, mult, add):
    """g' = g1 * g2 * Mult + Add."""
    return _arith(image1, image2, mult, add, "mult_image", np.multiply)


def _divide(p, q):
    """g1 / g2 with 0 where g2 is 0 (HALCON leaves such pixels at the result's zero)."""
    out = np.zeros_like(p)
    np.divide(p, q, out=out, where=q != 0)
    return out


@operator("div_image ( Image1, Image2 : ImageResult : Mult, Add : )")
def div_image(image1, image2, mult, add):
    """g' = g1 / g2 * Mult + Add; pixels where g2 is 0 become Add."""
    return _arith(image1, image2, mult, add, "div_image", _divide)


@operator("lut_trans ( Image : ImageResult : Lut : )")
def lut_trans(image, lut):
    """Replace each gray value g by Lut[g]: 256 entries for byte images, 65536 for uint2/int2."""
    table = ic.nums(lut, 1, "lut_trans", "number")
    out = []
    for img in ic.images(image, "lut_trans"):
        size = {"byte": 256, "uint2": 65536, "int2": 65536}.get(img.ptype)
        if size is None:
            raise ic.error(ic.IMAGE_TYPE, f"lut_trans needs byte, uint2 or int2 images, not {img.ptype}",
                           "lut_trans")
        if len(table) != size:
            raise ic.error(1401, f"a {img.ptype} image needs a table of {size} values, not {len(table)}",
                           "lut_trans")
        values = _round_to(np.asarray(table, dtype=np.float64), img.ptype)
        offset = 32768 if img.ptype == "int2" else 0
        out.append(img.with_data([values[d.astype(np.int64) + offset] for d in img.data]))
    return _result(out)


@operator("abs_image ( Image : ImageAbs : : )")
def abs_image(image):
    """Absolute gray values (unsigned types are returned unchanged)."""
    return _filter(image, "abs_image", np.abs)


@operator("invert_image ( Image : ImageInvert : : )")
def invert_image(image):
    """byte: 255 - g; uint2: 65535 - g; signed and real types: -g (clipped)."""
    out = []
    for img in ic.images(image, "invert_image"):
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


def _region_image_pairs(regions, image, name: str):
    regs = ic.regions(regions, name)
    img = ic.one_image(image, name)
    return regs, img


@operator("min_max_gray ( Regions, Image : : Percent : Min, Max, Range )")
def min_max_gray(regions, image, percent):
    """Minimum, maximum and range of the gray values in each region; Percent > 0 ignores
    that percentage of the pixels at each end of the histogram.  Reals."""
    name = "min_max_gray"
    p = ic.one_num(percent, 1, name)
    if not 0 <= p <= 50:
        raise ic.error(ec.wrong_value(1), "Percent must lie in 0…50", name)
    regs, img = _region_image_pairs(regions, image, name)
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
    regs, img = _region_image_pairs(regions, image, "intensity")
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
    name = "gray_histo"
    regs, img = _region_image_pairs(regions, image, name)
    if len(regs) != 1:
        raise ic.error(ec.ICONIC_EXPECTED, "gray_histo takes exactly one region", name)
    if img.ptype not in ("byte", "int1", "direction", "cyclic"):
        raise ic.error(ic.IMAGE_TYPE, f"gray_histo supports byte and int1 images, not "
                       f"{img.ptype!r}", name)
    values = _values_in(regs[0], img).astype(np.int64)
    if img.ptype == "int1":
        values = values + 128
    counts = np.bincount(values, minlength=256)[:256]
    total = counts.sum()
    relative = counts / total if total else np.zeros(256)
    return v.canonical(counts.astype(np.int64)), v.canonical(relative.astype(np.float64))
