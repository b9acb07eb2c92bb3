"""Graphics chapter and HDevelop's dev_* display operators, on off-screen windows
(hdl/display.py).  With `hdl run --display-dir DIR` the windows are saved as PNGs
at stop (), on closing and at the end of the run.
"""

import io
import os

import numpy as np

from hdl import args
from hdl import arithmetic as ar
from hdl import display as dp
from hdl import errorcodes as ec
from hdl import values as v
from hdl.atomic import atomic_write_bytes
from hdl.errors import file_error
from hdl.iconic import Image, Region
from hdl.registry import operator


def _size(value, param: int, default: int) -> int:
    n = args.integer(value, param)
    if n == -1:
        return default
    if n < 1:
        raise args.wrong_value(param, f"window sizes must be >= 1 (or -1), got {n}")
    return n


def _open(ctx, row, column, width, height, background):
    r = args.integer(row, 1)
    c = args.integer(column, 2)
    w = _size(width, 3, 512)
    h = _size(height, 4, 512)
    bg = dp.parse_color(args.string(background, 5), 5)
    return dp.state(ctx).open(r, c, w, h, bg)


@operator("dev_open_window ( : : Row, Column, Width, Height, Background : WindowHandle )",
          needs_context=True)
def dev_open_window(ctx, row, column, width, height, background):
    """Open an off-screen window (-1 for Width/Height: 512); it becomes the active window."""
    return _open(ctx, row, column, width, height, background)


@operator("open_window ( : : Row, Column, Width, Height, FatherWindow, Mode, Machine : "
          "WindowHandle )", needs_context=True)
def open_window(ctx, row, column, width, height, father, mode, machine):
    """Open an off-screen window with a black background (FatherWindow, Mode, Machine ignored)."""
    return _open(ctx, row, column, width, height, "black")


@operator("dev_close_window ( : : : )", needs_context=True)
def dev_close_window(ctx):
    """Close the active window (saved first with --display-dir); nothing if none is open."""
    display = dp.state(ctx)
    if display.active is not None:
        display.close(display.active)


@operator("close_window ( : : WindowHandle : )", needs_context=True)
def close_window(ctx, window_handle):
    """Close the given window."""
    dp.state(ctx).close(dp.window_of(window_handle))


@operator("dev_set_window ( : : WindowHandle : )", needs_context=True)
def dev_set_window(ctx, window_handle):
    """Make the window the active one."""
    dp.state(ctx).active = dp.window_of(window_handle)


@operator("dev_get_window ( : : : WindowHandle )", needs_context=True)
def dev_get_window(ctx):
    """The active window's handle."""
    return dp.state(ctx).current()


@operator("dev_clear_window ( : : : )", needs_context=True)
def dev_clear_window(ctx):
    """Fill the active window with its background color."""
    dp.state(ctx).current().clear_canvas()


@operator("clear_window ( : : WindowHandle : )", needs_context=True)
def clear_window(ctx, window_handle):
    """Fill the window with its background color."""
    dp.window_of(window_handle).clear_canvas()


@operator("dev_set_window_extents ( : : Row, Column, Width, Height : )", needs_context=True)
def dev_set_window_extents(ctx, row, column, width, height):
    """Move and resize the active window (-1 keeps a value); the contents are cleared."""
    window = dp.state(ctx).current()
    w = _size(width, 3, window.width)
    h = _size(height, 4, window.height)
    window.row = args.integer(row, 1)
    window.column = args.integer(column, 2)
    window.resize(w, h)


def _set_part(window, row1, column1, row2, column2, offset: int = 0):
    r1, c1 = args.integer(row1, 1 + offset), args.integer(column1, 2 + offset)
    r2, c2 = args.integer(row2, 3 + offset), args.integer(column2, 4 + offset)
    if r2 < r1 or c2 < c1:
        if (r1, c1, r2, c2) == (0, 0, -1, -1):  # HALCON: the part follows the next image
            window.part = (0, 0, window.height - 1, window.width - 1)
            window.part_set = False
            return
        raise args.wrong_value(3 + offset, "Row2/Column2 must not be smaller than Row1/Column1")
    window.part = (r1, c1, r2, c2)
    window.part_set = True


@operator("dev_set_part ( : : Row1, Column1, Row2, Column2 : )", needs_context=True)
def dev_set_part(ctx, row1, column1, row2, column2):
    """The image part shown in the active window (corners included)."""
    _set_part(dp.state(ctx).current(), row1, column1, row2, column2)


@operator("set_part ( : : WindowHandle, Row1, Column1, Row2, Column2 : )", needs_context=True)
def set_part(ctx, window_handle, row1, column1, row2, column2):
    """The image part shown in the window."""
    _set_part(dp.window_of(window_handle), row1, column1, row2, column2, 1)


@operator("get_part ( : : WindowHandle : Row1, Column1, Row2, Column2 )", needs_context=True)
def get_part(ctx, window_handle):
    """The image part shown in the window."""
    return dp.window_of(window_handle).part


@operator("get_window_extents ( : : WindowHandle : Row, Column, Width, Height )",
          needs_context=True)
def get_window_extents(ctx, window_handle):
    """Position and size of the window."""
    w = dp.window_of(window_handle)
    return w.row, w.column, w.width, w.height


def _show(window: dp.Window, items: list) -> None:
    for obj in items:
        if isinstance(obj, Image):
            if not window.part_set:  # HDevelop adapts the part to an image until one is set
                window.part = (0, 0, obj.height - 1, obj.width - 1)
            window.show_image(obj)
        elif isinstance(obj, Region):
            window.show_region(obj, window.next_color() if len(window.colors) > 1
                               else dp.parse_color(window.colors[0]))
    if len(window.colors) == 1:
        window.color_index = 0


@operator("dev_display ( Object : : : )", needs_context=True)
def dev_display(ctx, objects):
    """Draw images and regions into the active window (nothing when no window is open)."""
    display = dp.state(ctx)
    if display.active is not None:
        _show(display.active, args.objects(objects))


@operator("disp_obj ( Object : : WindowHandle : )", needs_context=True)
def disp_obj(ctx, objects, window_handle):
    """Draw images and regions into the window."""
    _show(dp.window_of(window_handle), args.objects(objects))


@operator("disp_image ( Image : : WindowHandle : )", needs_context=True)
def disp_image(ctx, image, window_handle):
    """Draw images into the window."""
    _show(dp.window_of(window_handle), args.images(image))


@operator("disp_region ( DispRegions : : WindowHandle : )", needs_context=True)
def disp_region(ctx, regions, window_handle):
    """Draw regions into the window."""
    _show(dp.window_of(window_handle), args.regions(regions))


def _colors(value, param: int) -> list[str]:
    """At least one color name, each one dp.parse_color knows."""
    names = args.control(value, param)
    if not names:
        raise args.wrong_number(param, "a color is needed")
    for c in names:
        dp.parse_color(c, param)
    return names


def _set_colors(window, names: list[str]) -> None:
    window.colors = names
    window.color_index = 0


@operator("dev_set_color ( : : ColorName : )", needs_context=True)
def dev_set_color(ctx, color_name):
    """The color of regions and lines; several colors are used in turn."""
    names = _colors(color_name, 1)
    display = dp.state(ctx)
    if display.active is not None:
        _set_colors(display.active, names)


@operator("set_color ( : : WindowHandle, Color : )", needs_context=True)
def set_color(ctx, window_handle, color):
    """The color of regions and lines in the window."""
    _set_colors(dp.window_of(window_handle), _colors(color, 2))


@operator("dev_set_colored ( : : NumColors : )", needs_context=True)
def dev_set_colored(ctx, num_colors):
    """Display regions in NumColors changing colors (3, 6, 12 …)."""
    n = args.integer(num_colors, 1, low=1)
    display = dp.state(ctx)
    if display.active is not None:
        display.active.colors = (dp.COLORED * (n // len(dp.COLORED) + 1))[:n]
        display.active.color_index = 0


DRAW_MODES = ("fill", "margin")


@operator("dev_set_draw ( : : DrawMode : )", needs_context=True)
def dev_set_draw(ctx, draw_mode):
    """'fill' or 'margin'."""
    display = dp.state(ctx)
    mode = args.choice(draw_mode, 1, DRAW_MODES)
    if display.active is not None:
        display.active.draw = mode


@operator("set_draw ( : : WindowHandle, Mode : )", needs_context=True)
def set_draw(ctx, window_handle, mode):
    """'fill' or 'margin'."""
    window = dp.window_of(window_handle)
    window.draw = args.choice(mode, 2, DRAW_MODES)


@operator("dev_set_line_width ( : : LineWidth : )", needs_context=True)
def dev_set_line_width(ctx, line_width):
    """Width of margins in window pixels."""
    n = args.integer(line_width, 1, low=1)
    display = dp.state(ctx)
    if display.active is not None:
        display.active.line_width = n


@operator("set_line_width ( : : WindowHandle, Width : )", needs_context=True)
def set_line_width(ctx, window_handle, width):
    """Width of margins in window pixels."""
    n = args.integer(width, 2, low=1)
    dp.window_of(window_handle).line_width = n


def _update(ctx, key: str, mode):
    dp.state(ctx).updates[key] = args.choice(mode, 1, ("on", "off"))


@operator("dev_update_off ( : : : )", needs_context=True)
def dev_update_off(ctx):
    """Switch off HDevelop's automatic updates (no effect on what programs compute)."""
    dp.state(ctx).updates.update(window="off", pc="off", var="off", time="off")


@operator("dev_update_on ( : : : )", needs_context=True)
def dev_update_on(ctx):
    """Switch on HDevelop's automatic updates (no effect here)."""
    dp.state(ctx).updates.update(window="on", pc="on", var="on", time="on")


@operator("dev_update_window ( : : DisplayMode : )", needs_context=True)
def dev_update_window(ctx, display_mode):
    """'on'/'off': whether HDevelop shows every operator's iconic output (not emulated)."""
    _update(ctx, "window", display_mode)


@operator("dev_update_pc ( : : DisplayMode : )", needs_context=True)
def dev_update_pc(ctx, display_mode):
    """'on'/'off' (no effect here)."""
    _update(ctx, "pc", display_mode)


@operator("dev_update_var ( : : DisplayMode : )", needs_context=True)
def dev_update_var(ctx, display_mode):
    """'on'/'off' (no effect here)."""
    _update(ctx, "var", display_mode)


@operator("dev_update_time ( : : DisplayMode : )", needs_context=True)
def dev_update_time(ctx, display_mode):
    """'on'/'off' (no effect here)."""
    _update(ctx, "time", display_mode)


@operator("set_font ( : : WindowHandle, Font : )", needs_context=True)
def set_font(ctx, window_handle, font):
    """Take the size from a font name such as 'mono-16', '-Courier-14-*-*-*-*-' or
    'Arial-Bold-12'; the face is always pillow's bundled font."""
    window = dp.window_of(window_handle)
    text = args.string(font, 2)
    sizes = [int(p) for p in text.replace("-", " ").split() if p.isdigit()]
    if sizes:
        window.font_size = max(4, min(sizes[0], 200))


TEXT_PARAMS = ("box", "box_color", "shadow", "border_radius", "box_padding", "shadow_color",
               "box_line_width", "box_line_color")


def _text_params(names, values, name_param: int) -> dict:
    """GenParamName/GenParamValue of (dev_)disp_text; only the box ones have an effect."""
    params = {}
    for k, val in args.name_value_pairs(names, values, name_param, name_param + 1):
        if k not in TEXT_PARAMS:
            raise args.wrong_value(name_param, f"text parameter {k!r} is not supported")
        params[k] = val
    return params


def _disp_text(window, string, coord, row, column, color, names, values, offset: int):
    """`offset`: 1 where WindowHandle comes first (disp_text)."""
    expanded = []
    for x in args.control(string, 1 + offset):
        expanded.extend(ar.to_text(x).split("\n"))
    cs = args.choice(coord, 2 + offset, ("window", "image"))
    rows, cols = args.control(row, 3 + offset), args.control(column, 4 + offset)
    r = rows[0] if rows else 12
    c = cols[0] if cols else 12
    if isinstance(r, (int, float)) and r == -1:
        r = 12
    if isinstance(c, (int, float)) and c == -1:
        c = 12
    colors = args.control(color, 5 + offset)
    col = dp.parse_color(colors[0], 5 + offset) if colors and colors[0] != "" else \
        (0, 0, 0, 255)
    params = _text_params(names, values, 6 + offset)
    box = params.get("box", "true") == "true"
    box_color = params.get("box_color", "#fce9d4")
    box_rgba = dp.parse_color(box_color, 7 + offset) if box_color != "true" else \
        (252, 233, 212, 255)
    window.text(expanded, r, c, col, box, box_rgba, cs)


@operator("dev_disp_text ( : : String, CoordSystem, Row, Column, Color, GenParamName, "
          "GenParamValue : )", needs_context=True)
def dev_disp_text(ctx, string, coord, row, column, color, names, values):
    """Text in the active window: Row/Column in window or image coordinates, or 'top',
    'center', 'bottom' / 'left', 'center', 'right'; each string on its own line; a box behind
    the text unless 'box' is 'false'."""
    display = dp.state(ctx)
    if display.active is not None:
        _disp_text(display.active, string, coord, row, column, color, names, values, 0)


@operator("disp_text ( : : WindowHandle, String, CoordSystem, Row, Column, Color, GenParamName, "
          "GenParamValue : )", needs_context=True)
def disp_text(ctx, window_handle, string, coord, row, column, color, names, values):
    """dev_disp_text for a given window."""
    window = dp.window_of(window_handle)
    _disp_text(window, string, coord, row, column, color, names, values, 1)


DUMP_FORMATS = {"png": ("PNG", ".png"), "jpeg": ("JPEG", ".jpg"), "jpg": ("JPEG", ".jpg"),
                "bmp": ("BMP", ".bmp"), "tiff": ("TIFF", ".tif")}


@operator("dump_window ( : : WindowHandle, Device, FileName : )", needs_context=True)
def dump_window(ctx, window_handle, device, file_name):
    """Write the window contents to an image file ('png', 'jpeg', 'jpeg 80', 'bmp', 'tiff'); the
    format's extension is appended when FileName has none."""
    window = dp.window_of(window_handle)
    dev = args.string(device, 2).split()
    if not dev or dev[0] not in DUMP_FORMATS:
        raise args.wrong_value(2, f"device {' '.join(dev)!r} is not supported; valid: "
                               + ", ".join(DUMP_FORMATS))
    fmt, ext = DUMP_FORMATS[dev[0]]
    path = args.string(file_name, 3)
    if not os.path.splitext(path)[1]:
        path += ext
    buffer = io.BytesIO()
    jpeg_quality = fmt == "JPEG" and len(dev) > 1 and dev[1].isdigit()
    options = {"quality": int(dev[1])} if jpeg_quality else {}
    window.canvas.save(buffer, fmt, **options)
    try:
        atomic_write_bytes(path, buffer.getvalue())
    except OSError as exc:
        raise file_error(exc, path, "write", ec.FILE_WRITE) from None


@operator("dump_window_image ( : Image : WindowHandle : )", needs_context=True)
def dump_window_image(ctx, window_handle):
    """The window contents as a three-channel byte image."""
    window = dp.window_of(window_handle)
    rgb = np.asarray(window.canvas)
    return v.ObjectTuple([Image([rgb[:, :, k].copy() for k in range(3)], "byte")])
