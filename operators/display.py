"""Graphics chapter and HDevelop's dev_* display operators, on off-screen windows
(hdl/display.py).  With `hdl run --display-dir DIR` the windows are saved as PNGs
at stop (), on closing and at the end of the run.
"""

import io
import os

import numpy as np

from hdl import arithmetic as ar
from hdl import display as dp
from hdl import errorcodes as ec
from hdl import iconic as ic
from hdl import values as v
from hdl.atomic import atomic_write_bytes
from hdl.errors import HdlRuntimeError
from hdl.iconic import Image, Region
from hdl.registry import operator


def _size(value, param: int, name: str, default: int) -> int:
    n = ic.one_int(value, param, name)
    if n == -1:
        return default
    if n < 1:
        raise ic.error(ec.wrong_value(param), "window sizes must be >= 1 (or -1)", name)
    return n


def _open(ctx, row, column, width, height, background, name: str):
    r = ic.one_int(row, 1, name)
    c = ic.one_int(column, 2, name)
    w = _size(width, 3, name, 512)
    h = _size(height, 4, name, 512)
    bg = dp.parse_color(ic.one_str(background, 5, name), name, 5)
    return dp.state(ctx).open(r, c, w, h, bg)


@operator("dev_open_window ( : : Row, Column, Width, Height, Background : WindowHandle )",
          needs_context=True)
def dev_open_window(ctx, row, column, width, height, background):
    """Open an off-screen window (-1 for Width/Height: 512); it becomes the active window."""
    return _open(ctx, row, column, width, height, background, "dev_open_window")


@operator("open_window ( : : Row, Column, Width, Height, FatherWindow, Mode, Machine : WindowHandle )",
          needs_context=True)
def open_window(ctx, row, column, width, height, father, mode, machine):
    """Open an off-screen window with a black background (FatherWindow, Mode, Machine ignored)."""
    return _open(ctx, row, column, width, height, "black", "open_window")


@operator("dev_close_window ( : : : )", needs_context=True)
def dev_close_window(ctx):
    """Close the active window (saved first with --display-dir); nothing if none is open."""
    display = dp.state(ctx)
    if display.active is not None:
        display.close(display.active)


@operator("close_window ( : : WindowHandle : )", needs_context=True)
def close_window(ctx, window_handle):
    """Close the given window."""
    dp.state(ctx).close(dp.window_of(ctx, window_handle, "close_window"))


@operator("dev_set_window ( : : WindowHandle : )", needs_context=True)
def dev_set_window(ctx, window_handle):
    """Make the window the active one."""
    dp.state(ctx).active = dp.window_of(ctx, window_handle, "dev_set_window")


@operator("dev_get_window ( : : : WindowHandle )", needs_context=True)
def dev_get_window(ctx):
    """The active window's handle."""
    return dp.state(ctx).current("dev_get_window")


@operator("dev_clear_window ( : : : )", needs_context=True)
def dev_clear_window(ctx):
    """Fill the active window with its background color."""
    dp.state(ctx).current("dev_clear_window").clear_canvas()


@operator("clear_window ( : : WindowHandle : )", needs_context=True)
def clear_window(ctx, window_handle):
    """Fill the window with its background color."""
    dp.window_of(ctx, window_handle, "clear_window").clear_canvas()


@operator("dev_set_window_extents ( : : Row, Column, Width, Height : )", needs_context=True)
def dev_set_window_extents(ctx, row, column, width, height):
    """Move and resize the active window (-1 keeps a value); the contents are cleared."""
    name = "dev_set_window_extents"
    window = dp.state(ctx).current(name)
    w = _size(width, 3, name, window.width)
    h = _size(height, 4, name, window.height)
    window.row = ic.one_int(row, 1, name)
    window.column = ic.one_int(column, 2, name)
    window.resize(w, h)


def _set_part(window, row1, column1, row2, column2, name: str, offset: int = 0):
    r1, c1 = ic.one_int(row1, 1 + offset, name), ic.one_int(column1, 2 + offset, name)
    r2, c2 = ic.one_int(row2, 3 + offset, name), ic.one_int(column2, 4 + offset, name)
    if r2 < r1 or c2 < c1:
        if (r1, c1, r2, c2) == (0, 0, -1, -1):  # HALCON: the part follows the next image
            window.part = (0, 0, window.height - 1, window.width - 1)
            window.part_set = False
            return
        raise ic.error(ec.wrong_value(3 + offset), "Row2/Column2 must not be smaller than "
                       "Row1/Column1", name)
    window.part = (r1, c1, r2, c2)
    window.part_set = True


@operator("dev_set_part ( : : Row1, Column1, Row2, Column2 : )", needs_context=True)
def dev_set_part(ctx, row1, column1, row2, column2):
    """The image part shown in the active window (corners included)."""
    _set_part(dp.state(ctx).current("dev_set_part"), row1, column1, row2, column2, "dev_set_part")


@operator("set_part ( : : WindowHandle, Row1, Column1, Row2, Column2 : )", needs_context=True)
def set_part(ctx, window_handle, row1, column1, row2, column2):
    """The image part shown in the window."""
    _set_part(dp.window_of(ctx, window_handle, "set_part"), row1, column1, row2, column2,
              "set_part", 1)


@operator("get_part ( : : WindowHandle : Row1, Column1, Row2, Column2 )", needs_context=True)
def get_part(ctx, window_handle):
    """The image part shown in the window."""
    return dp.window_of(ctx, window_handle, "get_part").part


@operator("get_window_extents ( : : WindowHandle : Row, Column, Width, Height )", needs_context=True)
def get_window_extents(ctx, window_handle):
    """Position and size of the window."""
    w = dp.window_of(ctx, window_handle, "get_window_extents")
    return w.row, w.column, w.width, w.height


def _show(window: dp.Window, objects, name: str) -> None:
    items = ic.objects(objects, name)
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
        _show(display.active, objects, "dev_display")


@operator("disp_obj ( Object : : WindowHandle : )", needs_context=True)
def disp_obj(ctx, objects, window_handle):
    """Draw images and regions into the window."""
    _show(dp.window_of(ctx, window_handle, "disp_obj"), objects, "disp_obj")


@operator("disp_image ( Image : : WindowHandle : )", needs_context=True)
def disp_image(ctx, image, window_handle):
    """Draw images into the window."""
    _show(dp.window_of(ctx, window_handle, "disp_image"), v.ObjectTuple(ic.images(image, "disp_image")),
          "disp_image")


@operator("disp_region ( DispRegions : : WindowHandle : )", needs_context=True)
def disp_region(ctx, regions, window_handle):
    """Draw regions into the window."""
    _show(dp.window_of(ctx, window_handle, "disp_region"),
          v.ObjectTuple(ic.regions(regions, "disp_region")), "disp_region")


def _set_color(window, color, name: str):
    names = v.as_list(color)
    if not names:
        raise ic.error(ec.wrong_number(1), "a color is needed", name)
    for c in names:
        dp.parse_color(c, name, 1)
    window.colors = names
    window.color_index = 0


@operator("dev_set_color ( : : ColorName : )", needs_context=True)
def dev_set_color(ctx, color_name):
    """The color of regions and lines; several colors are used in turn."""
    display = dp.state(ctx)
    if display.active is None:
        for c in v.as_list(color_name):
            dp.parse_color(c, "dev_set_color", 1)
        return
    _set_color(display.active, color_name, "dev_set_color")


@operator("set_color ( : : WindowHandle, Color : )", needs_context=True)
def set_color(ctx, window_handle, color):
    """The color of regions and lines in the window."""
    _set_color(dp.window_of(ctx, window_handle, "set_color"), color, "set_color")


@operator("dev_set_colored ( : : NumColors : )", needs_context=True)
def dev_set_colored(ctx, num_colors):
    """Display regions in NumColors changing colors (3, 6, 12 …)."""
    n = ic.one_int(num_colors, 1, "dev_set_colored")
    if n < 1:
        raise ic.error(ec.wrong_value(1), "NumColors must be >= 1", "dev_set_colored")
    display = dp.state(ctx)
    if display.active is not None:
        display.active.colors = (dp.COLORED * (n // len(dp.COLORED) + 1))[:n]
        display.active.color_index = 0


def _set_draw(window, mode, name, param=1):
    window.draw = ic.choice(mode, param, name, ("fill", "margin"))


@operator("dev_set_draw ( : : DrawMode : )", needs_context=True)
def dev_set_draw(ctx, draw_mode):
    """'fill' or 'margin'."""
    display = dp.state(ctx)
    mode = ic.choice(draw_mode, 1, "dev_set_draw", ("fill", "margin"))
    if display.active is not None:
        display.active.draw = mode


@operator("set_draw ( : : WindowHandle, Mode : )", needs_context=True)
def set_draw(ctx, window_handle, mode):
    """'fill' or 'margin'."""
    _set_draw(dp.window_of(ctx, window_handle, "set_draw"), mode, "set_draw", 2)


@operator("dev_set_line_width ( : : LineWidth : )", needs_context=True)
def dev_set_line_width(ctx, line_width):
    """Width of margins in window pixels."""
    n = ic.one_int(line_width, 1, "dev_set_line_width")
    if n < 1:
        raise ic.error(ec.wrong_value(1), "LineWidth must be >= 1", "dev_set_line_width")
    display = dp.state(ctx)
    if display.active is not None:
        display.active.line_width = n


@operator("set_line_width ( : : WindowHandle, Width : )", needs_context=True)
def set_line_width(ctx, window_handle, width):
    """Width of margins in window pixels."""
    n = ic.one_int(width, 2, "set_line_width")
    if n < 1:
        raise ic.error(ec.wrong_value(2), "Width must be >= 1", "set_line_width")
    dp.window_of(ctx, window_handle, "set_line_width").line_width = n


def _update(ctx, key: str, mode, name: str):
    dp.state(ctx).updates[key] = ic.choice(mode, 1, name, ("on", "off"))


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
    _update(ctx, "window", display_mode, "dev_update_window")


@operator("dev_update_pc ( : : DisplayMode : )", needs_context=True)
def dev_update_pc(ctx, display_mode):
    """'on'/'off' (no effect here)."""
    _update(ctx, "pc", display_mode, "dev_update_pc")


@operator("dev_update_var ( : : DisplayMode : )", needs_context=True)
def dev_update_var(ctx, display_mode):
    """'on'/'off' (no effect here)."""
    _update(ctx, "var", display_mode, "dev_update_var")


@operator("dev_update_time ( : : DisplayMode : )", needs_context=True)
def dev_update_time(ctx, display_mode):
    """'on'/'off' (no effect here)."""
    _update(ctx, "time", display_mode, "dev_update_time")


@operator("set_font ( : : WindowHandle, Font : )", needs_context=True)
def set_font(ctx, window_handle, font):
    """Take the size from a font name such as 'mono-16', '-Courier-14-*-*-*-*-' or
    'Arial-Bold-12'; the face is always pillow's bundled font."""
    window = dp.window_of(ctx, window_handle, "set_font")
    text = ic.one_str(font, 2, "set_font")
    sizes = [int(p) for p in text.replace("-", " ").split() if p.isdigit()]
    if sizes:
        window.font_size = max(4, min(sizes[0], 200))


def _text_params(names, values, name: str, param: int) -> dict:
    names = v.as_list(names)
    values = v.as_list(values)
    if len(names) != len(values):
        raise ic.error(ec.wrong_number(param + 1), "one value per parameter name", name)
    params = {}
    for k, val in zip(names, values):
        if k not in ("box", "box_color", "shadow", "border_radius", "box_padding",
                     "shadow_color", "box_line_width", "box_line_color"):
            raise ic.error(ec.wrong_value(param), f"text parameter {k!r} is not supported", name)
        params[k] = val
    return params


def _disp_text(window, string, coord, row, column, color, names, values, name: str, offset: int):
    lines = [ar.to_text(x) for x in v.as_list(string)]
    expanded = []
    for line in lines:
        expanded.extend(line.split("\n"))
    cs = ic.choice(coord, 2 + offset, name, ("window", "image"))
    rows, cols = v.as_list(row), v.as_list(column)
    r = rows[0] if rows else 12
    c = cols[0] if cols else 12
    if isinstance(r, (int, float)) and r == -1:
        r = 12
    if isinstance(c, (int, float)) and c == -1:
        c = 12
    colors = v.as_list(color)
    col = dp.parse_color(colors[0], name, 6 + offset) if colors and colors[0] != "" else \
        (0, 0, 0, 255)
    params = _text_params(names, values, name, 7 + offset)
    box = params.get("box", "true") == "true"
    box_color = params.get("box_color", "#fce9d4")
    box_rgba = dp.parse_color(box_color, name, 8 + offset) if box_color != "true" else \
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
        _disp_text(display.active, string, coord, row, column, color, names, values,
                   "dev_disp_text", 0)


@operator("disp_text ( : : WindowHandle, String, CoordSystem, Row, Column, Color, GenParamName, "
          "GenParamValue : )", needs_context=True)
def disp_text(ctx, window_handle, string, coord, row, column, color, names, values):
    """dev_disp_text for a given window."""
    window = dp.window_of(ctx, window_handle, "disp_text")
    _disp_text(window, string, coord, row, column, color, names, values, "disp_text", 1)


DUMP_FORMATS = {"png": ("PNG", ".png"), "jpeg": ("JPEG", ".jpg"), "jpg": ("JPEG", ".jpg"),
                "bmp": ("BMP", ".bmp"), "tiff": ("TIFF", ".tif")}


@operator("dump_window ( : : WindowHandle, Device, FileName : )", needs_context=True)
def dump_window(ctx, window_handle, device, file_name):
    """Write the window contents to an image file ('png', 'jpeg', 'jpeg 80', 'bmp', 'tiff'); the
    format's extension is appended when FileName has none."""
    name = "dump_window"
    window = dp.window_of(ctx, window_handle, name)
    dev = ic.one_str(device, 2, name).split()
    if not dev or dev[0] not in DUMP_FORMATS:
        raise ic.error(ec.wrong_value(2), f"device {' '.join(dev)!r} is not supported; valid: "
                       + ", ".join(DUMP_FORMATS), name)
    fmt, ext = DUMP_FORMATS[dev[0]]
    path = ic.one_str(file_name, 3, name)
    if not os.path.splitext(path)[1]:
        path += ext
    buffer = io.BytesIO()
    options = {"quality": int(dev[1])} if fmt == "JPEG" and len(dev) > 1 and dev[1].isdigit() else {}
    window.canvas.save(buffer, fmt, **options)
    try:
        atomic_write_bytes(path, buffer.getvalue())
    except OSError as exc:
        raise HdlRuntimeError(ic.FILE_WRITE, f"cannot write {path!r}: {exc.strerror or exc}",
                              operator=name) from None


@operator("dump_window_image ( : Image : WindowHandle : )", needs_context=True)
def dump_window_image(ctx, window_handle):
    """The window contents as a three-channel byte image."""
    window = dp.window_of(ctx, window_handle, "dump_window_image")
    rgb = np.asarray(window.canvas)
    return v.ObjectTuple([Image([rgb[:, :, k].copy() for k in range(3)], "byte")])
