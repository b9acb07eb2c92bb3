"""Training progress for train_dl_model (procedures/train_dl_model.hds): the progress
line and the training-curve chart.

The training loop itself is HDevelop code; two things it cannot do reasonably in
the language are done here: writing a progress line to the terminal (stderr,
overwritten in place on a terminal, hdl_train_progress) and drawing the loss /
evaluation curves as a PNG (with pillow; matplotlib is no dependency,
hdl_plot_train_curves).  HALCON has no such operators, hence the `hdl_` prefix.
"""

from __future__ import annotations

import io
import math
import sys
import time

from hdl import args
from hdl import errorcodes as ec
from hdl.atomic import atomic_write_bytes
from hdl.errors import file_error
from hdl.registry import operator

# last write of the progress line: (time, was the line left open on a terminal)
_state = {"last": 0.0, "open": False}
# at most one line per this many seconds (a terminal gets more: it is overwritten)
_INTERVAL_TTY = 0.25
_INTERVAL_LOG = 10.0


def _optional(read, value, param: int, default=None):
    """`read(value, param)`, or `default` for [] (that part is left out)."""
    return read(value, param) if args.control(value, param) else default


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds) or seconds < 0:
        return "--:--"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_text(iteration, num_iterations, epoch, num_epochs, loss, eval_name, eval_value,
                  elapsed, iterations_run, width=24):
    """The progress line: bar, percentage, epoch, loss, evaluation value, elapsed time, ETA."""
    fraction = min(1.0, max(0.0, iteration / num_iterations)) if num_iterations > 0 else 1.0
    filled = int(round(fraction * width))
    bar = "#" * filled + "-" * (width - filled)
    remaining = num_iterations - iteration
    eta = elapsed / iterations_run * remaining if iterations_run > 0 else float("nan")
    parts = [f"[{bar}] {fraction * 100:5.1f}%", f"epoch {epoch:.2f}/{num_epochs:.2f}",
             f"iter {int(iteration)}/{int(num_iterations)}"]
    if loss is not None:
        parts.append(f"loss {loss:.4f}")
    if eval_name and eval_value is not None:
        parts.append(f"{eval_name} {eval_value:.4f}")
    parts.append(f"elapsed {_duration(elapsed)}")
    parts.append(f"ETA {_duration(eta) if remaining > 0 else '0:00'}")
    return "  ".join(parts)


@operator("hdl_train_progress ( : : Iteration, NumIterations, Epoch, NumEpochs, Loss, "
          "EvalName, EvalValue, ElapsedSeconds, IterationsRun, Final : )")
def hdl_train_progress(iteration, num_iterations, epoch, num_epochs, loss, eval_name, eval_value,
                       elapsed, iterations_run, final):
    """Write the training progress line to stderr: a bar, epoch, loss, the latest evaluation
    value, elapsed time and the estimated time left (from the IterationsRun iterations done
    in ElapsedSeconds).  Loss or EvalValue [] leave that part out.  On a terminal the line is
    rewritten in place at most every 0.25 s; otherwise a line is written at most every 10 s.
    Final 1 always writes and ends the line."""
    it = args.real(iteration, 1)
    n = args.real(num_iterations, 2)
    ep = args.real(epoch, 3)
    n_ep = args.real(num_epochs, 4)
    loss_v = _optional(args.real, loss, 5)
    name = _optional(args.string, eval_name, 6, "")
    eval_v = _optional(args.real, eval_value, 7)
    el = args.real(elapsed, 8)
    run = args.real(iterations_run, 9)
    fin = args.real(final, 10) != 0
    stream = sys.stderr
    tty = hasattr(stream, "isatty") and stream.isatty()
    now = time.monotonic()
    if not fin and now - _state["last"] < (_INTERVAL_TTY if tty else _INTERVAL_LOG) \
            and _state["last"] > 0:
        return
    _state["last"] = 0.0 if fin else now
    text = progress_text(it, n, ep, n_ep, loss_v, name, eval_v, el, run)
    if tty:
        stream.write("\r" + text + "\x1b[K" + ("\n" if fin else ""))
    else:
        stream.write(text + "\n")
    stream.flush()


# ---------------------------------------------------------------------------------------
# curves


def _nice_ticks(lo, hi, count=5):
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0]
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=10 * mag)
    start = math.floor(lo / step) * step
    ticks = []
    t = start
    while t <= hi + step * 1e-9:
        if t >= lo - step * 1e-9:
            ticks.append(round(t, 10))
        t += step
    return ticks or [lo]


def _panel(draw, font, box, xs, ys, title, color, x_range):
    """One plot: axes with ticks, the curve, the title; xs/ys as floats."""
    left, top, right, bottom = box
    draw.rectangle(box, outline=(0, 0, 0))
    draw.text((left, top - 16), title, fill=(0, 0, 0), font=font)
    x0, x1 = x_range
    finite = [y for y in ys if math.isfinite(y)]
    if finite:
        y0, y1 = min(finite), max(finite)
    else:
        y0, y1 = 0.0, 1.0
    if y1 - y0 < 1e-12:
        pad = abs(y0) * 0.1 or 0.5
        y0, y1 = y0 - pad, y1 + pad
    else:
        pad = (y1 - y0) * 0.05
        y0, y1 = y0 - pad, y1 + pad
    if x1 <= x0:
        x1 = x0 + 1.0

    def px(x):
        return left + (x - x0) / (x1 - x0) * (right - left)

    def py(y):
        return bottom - (y - y0) / (y1 - y0) * (bottom - top)

    for t in _nice_ticks(y0, y1):
        y = py(t)
        draw.line([(left - 4, y), (left, y)], fill=(0, 0, 0))
        draw.line([(left + 1, y), (right - 1, y)], fill=(225, 225, 225))
        draw.text((left - 8, y), f"{t:.4g}", fill=(0, 0, 0), font=font, anchor="rm")
    for t in _nice_ticks(x0, x1):
        x = px(t)
        draw.line([(x, bottom), (x, bottom + 4)], fill=(0, 0, 0))
        draw.text((x, bottom + 6), f"{t:.3g}", fill=(0, 0, 0), font=font, anchor="mt")
    draw.text(((left + right) / 2, bottom + 20), "epoch", fill=(0, 0, 0), font=font, anchor="mt")
    points = [(px(x), py(y)) for x, y in zip(xs, ys) if math.isfinite(y)]
    if len(points) > 1:
        draw.line(points, fill=color, width=2)
    for x, y in points if len(points) <= 60 else points[-1:]:
        draw.ellipse([x - 2.5, y - 2.5, x + 2.5, y + 2.5], fill=color)


def render_curves(epochs, losses, eval_epochs, eval_values, eval_name, title, size=(900, 420)):
    """PNG bytes: the loss per iteration (left) and the evaluation measure (right) over epochs."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    width, height = size
    draw.text((width / 2, 8), title, fill=(0, 0, 0), font=font, anchor="mt")
    all_x = list(epochs) + list(eval_epochs)
    x_range = (min(all_x + [0.0]), max(all_x + [1e-9]))
    half = width // 2
    _panel(draw, font, (70, 50, half - 20, height - 50), epochs, losses, "loss",
           (31, 119, 180), x_range)
    name = eval_name or "evaluation"
    if eval_values:
        _panel(draw, font, (half + 60, 50, width - 20, height - 50), eval_epochs, eval_values,
               name, (214, 39, 40), x_range)
    else:
        draw.text((half + 60, height / 2), f"{name}: no evaluation yet", fill=(0, 0, 0), font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@operator("hdl_plot_train_curves ( : : FileName, Epochs, Losses, EvalEpochs, EvalValues, "
          "EvalName, Title : )")
def hdl_plot_train_curves(file_name, epochs, losses, eval_epochs, eval_values, eval_name, title):
    """Write a PNG with two plots over the epoch: Losses at Epochs (one per iteration) and
    EvalValues at EvalEpochs (the evaluation measure EvalName).  Drawn with pillow; the file
    is written atomically."""
    name = args.string(file_name, 1)
    xs = args.reals(epochs, 2)
    ys = args.reals(losses, 3)
    if len(xs) != len(ys):
        raise args.wrong_number(3, f"{len(ys)} losses at {len(xs)} epochs: Epochs and Losses "
                                "must have the same length")
    exs = args.reals(eval_epochs, 4)
    eys = args.reals(eval_values, 5)
    if len(exs) != len(eys):
        raise args.wrong_number(5, f"{len(eys)} values at {len(exs)} epochs: EvalEpochs and "
                                "EvalValues must have the same length")
    data = render_curves(xs, ys, exs, eys, _optional(args.string, eval_name, 6, ""),
                         _optional(args.string, title, 7, ""))
    try:
        atomic_write_bytes(name, data)
    except OSError as exc:
        raise file_error(exc, name, "write", ec.FILE_WRITE) from None
