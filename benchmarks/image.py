"""Image pipeline speed against plain pillow/numpy doing the same work, in one run.

zoom_image_size (512x512 -> 256x256, 'bilinear') + convert_image_type ('real')
+ scale_image (x 0.5 + 10) on 1,000 byte images of 512x512, against the same
steps written directly with pillow and numpy.  Goal (issue "Iconic objects"):
hdl <= 1.2x the plain version.
Run: .venv/bin/python benchmarks/image.py   (figures go to benchmarks/results/)
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from machine import machine_description, write_results  # noqa: E402

from hdl import values as v  # noqa: E402
from hdl.iconic import Image  # noqa: E402
from hdl.loader import load_bytes  # noqa: E402
from hdl.program import Program  # noqa: E402

COUNT = 1000
PROGRAM = """\
for K := 0 to |Images| - 1 by 1
    select_obj (Images, Img, K + 1)
    zoom_image_size (Img, Zoomed, 256, 256, 'bilinear')
    convert_image_type (Zoomed, Real, 'real')
    scale_image (Real, Scaled, 0.5, 10)
endfor
"""


def plain(arrays):
    from PIL import Image as PILImage
    out = None
    for a in arrays:
        picture = PILImage.fromarray(a)
        zoomed = np.asarray(picture.transform((256, 256), PILImage.Transform.AFFINE,
                                              (2, 0, 0, 0, 2, 0), PILImage.Resampling.BILINEAR))
        real = zoomed.astype(np.float32)
        out = real * np.float32(0.5) + np.float32(10)
    return out


def main():
    rng = np.random.default_rng(0)
    base = [rng.integers(0, 256, (512, 512), dtype=np.uint8) for _ in range(20)]
    arrays = [base[i % len(base)] for i in range(COUNT)]
    images = v.ObjectTuple([Image([a], "byte") for a in arrays])
    program = Program(load_bytes(PROGRAM, "<bench>", use_cache=False))
    program.run({"Images": images})  # compile and warm up
    plain(arrays[:10])
    t0 = time.perf_counter()
    result = program.run({"Images": images})
    t_hdl = time.perf_counter() - t0
    t0 = time.perf_counter()
    expected = plain(arrays)
    t_plain = time.perf_counter() - t0
    assert np.allclose(result["Scaled"].items[0].data[0], expected), "results differ"
    ratio = t_hdl / t_plain
    rows = [{"benchmark": "zoom+convert+scale x1000 (512x512)", "hdl_s": round(t_hdl, 4),
             "baseline_s": round(t_plain, 4), "ratio": round(ratio, 3), "goal": 1.2,
             "ok": ratio <= 1.2}]
    print(machine_description())
    for row in rows:
        print(f"{row['benchmark']}: hdl {row['hdl_s']:.3f} s, pillow/numpy {row['baseline_s']:.3f} s,"
              f" ratio {row['ratio']:.2f} (goal <= {row['goal']})")
    print("results:", write_results("image", rows))


if __name__ == "__main__":
    main()
