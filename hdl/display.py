"""Off-screen graphics windows: HDevelop's display drawn with pillow.

Each window is an RGB canvas.  Images are scaled from the window's part
(dev_set_part) to the window size with nearest-neighbour sampling; non-byte
images are spread to 0…255 by their minimum and maximum (HALCON's default
display).  Regions are filled or drawn as margins (dev_set_draw) in the current
color, or in changing colors after dev_set_colored.  Text uses pillow's bundled
font at the size of set_display_font / set_font.

The state of a run lives in `ctx.display` (a DisplayState).  With a display
directory (`hdl run --display-dir DIR`), every open window is saved as a PNG
whenever the program would pause to show it: at `stop ()`, before a window
is closed, and at the end of the run.
"""

from __future__ import annotations

import io
import os

import numpy as np

from . import args
from . import errorcodes as ec
from .atomic import atomic_write_bytes
from .errors import HdlRuntimeError
from .iconic import Image, Region
from .values import Handle, describe

#: dev_set_colored's palette (HALCON's order of its named colors)
COLORED = ["red", "green", "blue", "cyan", "magenta", "yellow", "dim gray", "medium slate blue",
           "coral", "slate blue", "spring green", "orange red", "dark olive green", "pink",
           "cadet blue", "goldenrod", "orchid", "khaki"]


def parse_color(name, param: int = 1) -> tuple:
    """A HALCON color name ('red', 'slate blue', '#ff000080') as an RGBA tuple."""
    from PIL import ImageColor
    if not isinstance(name, str):
        raise args.type_error(param, name, "a color name")
    text = name.strip().lower()
    try:
        if text.startswith("#") and len(text) == 9:
            return tuple(int(text[i:i + 2], 16) for i in (1, 3, 5, 7))
        rgb = ImageColor.getrgb(text.replace(" ", ""))
    except ValueError:
        raise args.wrong_value(param, f"unknown color {name!r}") from None
    return tuple(rgb[:3]) + ((rgb[3],) if len(rgb) == 4 else (255,))


class Window(Handle):
    """An off-screen HALCON graphics window (closing it clears the handle)."""

    __slots__ = ("number", "row", "column", "width", "height", "background", "canvas", "part",
                 "colors", "color_index", "draw", "line_width", "font_size", "part_set")
    type_name = "window"

    def __init__(self, number: int, row: int, column: int, width: int, height: int, background):
        from PIL import Image as PILImage
        super().__init__()
        self.number = number
        self.row, self.column = row, column
        self.width, self.height = width, height
        self.background = background
        self.canvas = PILImage.new("RGB", (width, height), background[:3])
        self.part = (0, 0, height - 1, width - 1)
        self.part_set = False
        self.colors = ["white"]
        self.color_index = 0
        self.draw = "fill"
        self.line_width = 1
        self.font_size = 16

    def resize(self, width: int, height: int) -> None:
        from PIL import Image as PILImage
        self.width, self.height = width, height
        self.canvas = PILImage.new("RGB", (width, height), self.background[:3])
        if not self.part_set:
            self.part = (0, 0, height - 1, width - 1)

    def clear_canvas(self) -> None:
        from PIL import Image as PILImage
        self.canvas = PILImage.new("RGB", (self.width, self.height), self.background[:3])

    def next_color(self) -> tuple:
        color = self.colors[self.color_index % len(self.colors)]
        self.color_index += 1
        return parse_color(color)

    # -- drawing
    def _scale(self) -> tuple[float, float, float, float]:
        r1, c1, r2, c2 = self.part
        sy = self.height / max(r2 - r1 + 1, 1e-9)
        sx = self.width / max(c2 - c1 + 1, 1e-9)
        return r1, c1, sy, sx

    def _part_mask(self, region: Region) -> np.ndarray:
        """The region sampled at the window's pixels (nearest neighbour)."""
        r1, c1, sy, sx = self._scale()
        rows = np.floor(r1 + (np.arange(self.height) + 0.5) / sy).astype(np.int64)
        cols = np.floor(c1 + (np.arange(self.width) + 0.5) / sx).astype(np.int64)
        if region.is_empty:
            return np.zeros((self.height, self.width), bool)
        a1, b1, a2, b2 = region.bbox
        rin = (rows >= a1) & (rows <= a2)
        cin = (cols >= b1) & (cols <= b2)
        out = np.zeros((self.height, self.width), bool)
        ri = np.flatnonzero(rin)
        ci = np.flatnonzero(cin)
        if ri.size and ci.size:
            out[np.ix_(ri, ci)] = region.mask[np.ix_(rows[ri] - a1, cols[ci] - b1)]
        return out

    def show_image(self, img: Image) -> None:
        from PIL import Image as PILImage
        r1, c1, sy, sx = self._scale()
        rows = np.floor(r1 + (np.arange(self.height) + 0.5) / sy).astype(np.int64)
        cols = np.floor(c1 + (np.arange(self.width) + 0.5) / sx).astype(np.int64)
        rin = (rows >= 0) & (rows < img.height)
        cin = (cols >= 0) & (cols < img.width)
        channels = img.data[:3] if img.channels >= 3 else img.data[:1]
        shown = []
        for d in channels:
            if d.dtype != np.uint8:
                lo, hi = float(d.min()), float(d.max())
                scale = 255.0 / (hi - lo) if hi > lo else 0.0
                d = ((d.astype(np.float64) - lo) * scale).astype(np.uint8)
            shown.append(d)
        rgb = np.dstack(shown * 3 if len(shown) == 1 else shown)
        ri, ci = np.flatnonzero(rin), np.flatnonzero(cin)
        target = np.asarray(self.canvas).copy()
        mask = np.zeros((self.height, self.width), bool)
        mask[np.ix_(ri, ci)] = True
        if not img.full:
            mask &= self._part_mask(img.domain())
        sampled = np.zeros_like(target)
        if ri.size and ci.size:
            sampled[np.ix_(ri, ci)] = rgb[np.ix_(rows[ri], cols[ci])]
        target[mask] = sampled[mask]
        self.canvas = PILImage.fromarray(target)

    def show_region(self, region: Region, color: tuple) -> None:
        from PIL import Image as PILImage
        from scipy import ndimage
        mask = self._part_mask(region)
        if self.draw == "margin":
            inner = ndimage.binary_erosion(mask, iterations=max(1, self.line_width), border_value=0)
            mask = mask & ~inner
        target = np.asarray(self.canvas).copy()
        alpha = color[3] / 255.0
        if alpha >= 1.0:
            target[mask] = color[:3]
        else:
            blend = target[mask] * (1 - alpha) + np.array(color[:3]) * alpha
            target[mask] = blend.astype(np.uint8)
        self.canvas = PILImage.fromarray(target)

    def text(self, lines: list[str], row, column, color: tuple, box: bool, box_color: tuple,
             coord: str) -> None:
        from PIL import ImageDraw, ImageFont
        font = ImageFont.load_default(size=self.font_size)
        draw = ImageDraw.Draw(self.canvas, "RGBA")
        spacing = int(self.font_size * 1.25)
        widths = [draw.textlength(t, font=font) for t in lines] or [0]
        block_w, block_h = max(widths), spacing * len(lines)
        pad = 4
        if isinstance(row, str):
            y = {"top": 12, "center": (self.height - block_h) / 2,
                 "bottom": self.height - block_h - 12}.get(row, 12)
        else:
            y = row
            if coord == "image":
                r1, c1, sy, sx = self._scale()
                y = (row - r1 + 0.5) * sy
        if isinstance(column, str):
            x = {"left": 12, "center": (self.width - block_w) / 2,
                 "right": self.width - block_w - 12}.get(column, 12)
        else:
            x = column
            if coord == "image":
                r1, c1, sy, sx = self._scale()
                x = (column - c1 + 0.5) * sx
        if box:
            draw.rectangle([x - pad, y - pad, x + block_w + pad, y + block_h + pad], fill=box_color)
        for k, t in enumerate(lines):
            draw.text((x, y + k * spacing), t, fill=color, font=font)

    def png(self) -> bytes:
        buffer = io.BytesIO()
        self.canvas.save(buffer, "PNG")
        return buffer.getvalue()


class DisplayState:
    """The windows of a run and the dev_* settings."""

    def __init__(self):
        self.windows: list[Window] = []
        self.active: Window | None = None
        self.counter = 0
        self.updates = {"window": "on", "pc": "on", "var": "on", "time": "on"}
        self.directory: str | None = None
        self.saved = 0
        self.saved_files: list[str] = []

    def open(self, row, column, width, height, background) -> Window:
        self.counter += 1
        window = Window(self.counter - 1, row, column, width, height, background)
        self.windows.append(window)
        self.active = window
        return window

    def close(self, window: Window) -> None:
        self.snapshot([window], "close")
        window.clear()
        if window in self.windows:
            self.windows.remove(window)
        if self.active is window:
            self.active = self.windows[-1] if self.windows else None

    def current(self) -> Window:
        if self.active is None:
            raise HdlRuntimeError(ec.NO_WINDOW, "no graphics window is open (dev_open_window)")
        return self.active

    def snapshot(self, windows=None, reason: str = "stop") -> None:
        """Save the windows as DIR/window<N>_<seq>_<reason>.png when a directory is set."""
        if self.directory is None:
            return
        for window in (self.windows if windows is None else windows):
            self.saved += 1
            name = f"window{window.number}_{self.saved:03d}_{reason}.png"
            path = os.path.join(self.directory, name)
            atomic_write_bytes(path, window.png())
            self.saved_files.append(path)


def state(ctx) -> DisplayState:
    display = getattr(ctx, "display", None)
    if display is None:
        display = ctx.display = DisplayState()
    return display


def window_of(handle, param: int = 1) -> Window:
    """One open window.  Another value or a closed window is HALCON's "no window" (not
    args.handle's wrong handle type / cleared handle)."""
    window = args.one(handle, param)
    if not isinstance(window, Window) or not window.valid:
        error = HdlRuntimeError(ec.NO_WINDOW, "the window has been closed"
                                if isinstance(window, Window) else
                                f"a window handle expected, got {describe(window)}")
        error.param = param  # the registry names the parameter
        raise error
    return window


def attach(ctx, directory: str) -> None:
    """Save PNGs of the windows into `directory` at stop (), window close and the end of the run."""
    os.makedirs(directory, exist_ok=True)
    display = state(ctx)
    display.directory = directory
    previous = ctx.stop_hook

    def on_stop(variables, *rest):
        display.snapshot(None, "stop")
        if previous is not None:
            return previous(variables, *rest)
        return None

    ctx.stop_hook = on_stop


def finish(ctx) -> None:
    display = getattr(ctx, "display", None)
    if display is not None:
        display.snapshot(None, "end")
