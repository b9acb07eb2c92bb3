"""Export the real images the DL examples use into plain folders of images.

HALCON's example series start from a folder of images; so do ours.  This
script takes the images out of the installed data packages and writes them as
PNG files under a data directory (default ``examples/data/``, git-ignored):

``elpv/good``, ``elpv/defect``
    ELPV solar-cell electroluminescence images (300x300, 8-bit gray) of
    package ``elpv-dataset``.  'good' = defect probability 0 (1,508 cells),
    'defect' = probability >= 2/3 (821 cells); the 295 uncertain cells
    (probability 1/3) are left out.  Used by ``examples/classification``.
``elpv_type/mono``, ``elpv_type/poly``
    A balanced subset (default 200 per class) of the same package sorted by
    cell type, for ``examples/transfer_learning`` (label = folder, as in the
    PyTorch transfer-learning tutorial).
``nuclei/images``, ``nuclei/labels``
    Non-overlapping tiles (default 64x64) of the real fluorescence image of
    cell nuclei shipped with package ``stardist`` (install it with
    ``pip install --no-deps stardist``) and of its instance mask turned into
    class labels (0 = background, 1 = nucleus).  Used by
    ``examples/segmentation``.

The ELPV images are licensed CC BY-NC-SA 4.0: they stay out of the repository
and are only exported locally from the installed package.

Usage::

    .venv/bin/python examples/prepare_data.py [--data-dir DIR] [--only elpv,elpv_type,nuclei]

Existing folders are left alone (delete them to export again); the script
prints what it wrote.  It uses numpy and pillow only and never imports the
``stardist`` package itself (only its data files).
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA_DIR = os.path.join(HERE, "data")


def _package_dir(name: str) -> str | None:
    """Directory of an installed package without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return list(spec.submodule_search_locations)[0]


def _elpv_labels():
    """(file names, defect probabilities, cell types) of the ELPV package."""
    pkg = _package_dir("elpv_dataset")
    if pkg is None:
        raise SystemExit("package 'elpv-dataset' is not installed: "
                         ".venv/bin/pip install -c constraints.txt elpv-dataset")
    data = os.path.join(pkg, "data")
    names, probs, types = [], [], []
    with open(os.path.join(data, "labels.csv"), encoding="ascii") as f:
        for line in f:
            parts = line.split()
            if len(parts) != 3:
                continue
            names.append(os.path.join(data, parts[0]))
            probs.append(float(parts[1]))
            types.append(parts[2])
    return names, np.array(probs), types


def _write_png(array: np.ndarray, path: str) -> None:
    Image.fromarray(array).save(path, optimize=False, compress_level=1)


def _copy_gray(src: str, dst: str) -> None:
    """Copy an 8-bit gray PNG as it is; convert anything else."""
    with Image.open(src) as im:
        if im.format == "PNG" and im.mode == "L":
            shutil.copyfile(src, dst)
        else:
            _write_png(np.asarray(im.convert("L")), dst)


def export_elpv(data_dir: str) -> None:
    out = os.path.join(data_dir, "elpv")
    if os.path.isdir(out):
        print(f"{out}: exists, left alone")
        return
    names, probs, _ = _elpv_labels()
    counts = {"good": 0, "defect": 0}
    for cls in counts:
        os.makedirs(os.path.join(out, cls), exist_ok=True)
    for name, p in zip(names, probs):
        if p == 0.0:
            cls = "good"
        elif p >= 2.0 / 3.0 - 1e-6:
            cls = "defect"
        else:
            continue  # probability 1/3: too uncertain for a two-class example
        _copy_gray(name, os.path.join(out, cls, os.path.basename(name)))
        counts[cls] += 1
    print(f"{out}: good {counts['good']}, defect {counts['defect']} images (300x300, gray)")


def export_elpv_type(data_dir: str, per_class: int = 200, seed: int = 42) -> None:
    out = os.path.join(data_dir, "elpv_type")
    if os.path.isdir(out):
        print(f"{out}: exists, left alone")
        return
    names, _, types = _elpv_labels()
    rng = np.random.default_rng(seed)
    for cls in ("mono", "poly"):
        idx = [i for i, t in enumerate(types) if t == cls]
        pick = sorted(rng.choice(idx, size=min(per_class, len(idx)), replace=False))
        os.makedirs(os.path.join(out, cls), exist_ok=True)
        for i in pick:
            _copy_gray(names[i], os.path.join(out, cls, os.path.basename(names[i])))
        print(f"{out}/{cls}: {len(pick)} images")


def export_nuclei(data_dir: str, tile: int = 64) -> None:
    out = os.path.join(data_dir, "nuclei")
    if os.path.isdir(out):
        print(f"{out}: exists, left alone")
        return
    pkg = _package_dir("stardist")
    if pkg is None:
        print("package 'stardist' is not installed, nuclei tiles skipped "
              "(.venv/bin/pip install --no-deps -c constraints.txt stardist)", file=sys.stderr)
        return
    src = os.path.join(pkg, "data", "images")
    with Image.open(os.path.join(src, "img2d.tif")) as im:
        img = np.asarray(im).astype(np.float64)
    with Image.open(os.path.join(src, "mask2d.tif")) as im:
        mask = np.asarray(im)
    # 16-bit fluorescence -> 8-bit gray with a robust (percentile) contrast stretch
    lo, hi = np.percentile(img, [1.0, 99.8])
    img8 = np.clip((img - lo) / (hi - lo) * 255.0, 0, 255).round().astype(np.uint8)
    labels = (mask > 0).astype(np.uint8)  # instance ids -> class 1 = nucleus
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    os.makedirs(os.path.join(out, "labels"), exist_ok=True)
    h, w = img8.shape
    n = 0
    for r in range(0, h - tile + 1, tile):
        for c in range(0, w - tile + 1, tile):
            name = f"nuclei_r{r:03d}_c{c:03d}.png"
            _write_png(img8[r:r + tile, c:c + tile], os.path.join(out, "images", name))
            _write_png(labels[r:r + tile, c:c + tile], os.path.join(out, "labels", name))
            n += 1
    share = labels.mean()
    print(f"{out}: {n} tiles {tile}x{tile} (images/, labels/: 0 background, 1 nucleus; "
          f"{share:.1%} nucleus pixels)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", default=DEFAULT_DATA_DIR,
                    help="where the folders go (default: examples/data)")
    ap.add_argument("--only", default="elpv,elpv_type,nuclei",
                    help="comma-separated subset of elpv, elpv_type, nuclei")
    ap.add_argument("--tile", type=int, default=64, help="nuclei tile size (default 64)")
    args = ap.parse_args(argv)
    os.makedirs(args.data_dir, exist_ok=True)
    wanted = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = wanted - {"elpv", "elpv_type", "nuclei"}
    if unknown:
        ap.error(f"unknown data set(s): {', '.join(sorted(unknown))}")
    if "elpv" in wanted:
        export_elpv(args.data_dir)
    if "elpv_type" in wanted:
        export_elpv_type(args.data_dir)
    if "nuclei" in wanted:
        export_nuclei(args.data_dir, args.tile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
