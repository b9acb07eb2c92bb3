"""The ported DL example series under examples/, run end to end in their FAST setting.

Each example is one `hdl run` of its run_all program (or its single program)
with `--set Fast=1` on the real images that examples/prepare_data.py exports
from the installed data packages into a temporary folder.  The checks are
what a user looks at: the run ends without error, the evaluation figures are
written and plausible, the display PNGs exist.

The segmentation example needs the `stardist` package (installed with
`pip install --no-deps stardist`; it is only a data source); without it that
test is skipped.
"""
from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _hdl_command():
    exe = Path(sys.executable).parent / "hdl"
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-c", "import sys; from hdl.cli import main; sys.exit(main())"]


HAS_ELPV = importlib.util.find_spec("elpv_dataset") is not None
HAS_STARDIST = importlib.util.find_spec("stardist") is not None
needs_elpv = pytest.mark.skipif(not HAS_ELPV, reason="package elpv-dataset is not installed")
needs_stardist = pytest.mark.skipif(
    not HAS_STARDIST, reason="package stardist is not installed (pip install --no-deps stardist)")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """The example images, exported once for this module."""
    directory = tmp_path_factory.mktemp("example_data")
    only = ",".join(name for name, ok in (("elpv", HAS_ELPV), ("elpv_type", HAS_ELPV),
                                          ("nuclei", HAS_STARDIST)) if ok)
    if not only:
        pytest.skip("no data package installed")
    proc = subprocess.run([sys.executable, str(EXAMPLES / "prepare_data.py"), "--data-dir",
                           str(directory), "--only", only], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return directory


def run_example(program: Path, data_dir: Path, display_dir: Path, timeout=300):
    cmd = _hdl_command() + ["run", str(program), "--set", "Fast=1",
                            "--set", f"DataDir={data_dir.as_posix()}",
                            "--display-dir", str(display_dir)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def read_figure(text: str, label: str) -> float:
    match = re.search(re.escape(label) + r":\s*(-?[0-9.]+)", text)
    assert match, f"{label!r} not found in:\n{text}"
    return float(match.group(1))


def pngs(directory: Path):
    return sorted(p.name for p in directory.glob("*.png"))


def test_examples_pass_hdl_check():
    """Every example program parses and every call resolves (no torch needed)."""
    files = sorted(str(p) for p in EXAMPLES.glob("*/*.hds") if p.parent.name != "basics")
    assert files
    proc = subprocess.run(_hdl_command() + ["check", "--strict"] + files, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@needs_elpv
def test_prepare_data_folders(data_dir):
    good = list((data_dir / "elpv" / "good").glob("*.png"))
    defect = list((data_dir / "elpv" / "defect").glob("*.png"))
    assert (len(good), len(defect)) == (1508, 821)
    assert len(list((data_dir / "elpv_type" / "mono").glob("*.png"))) == 200
    assert len(list((data_dir / "elpv_type" / "poly").glob("*.png"))) == 200


@needs_elpv
def test_classification_fast(data_dir, tmp_path):
    """Port of classify_pill_defects_deep_learning_1..4 on ELPV solar cells, FAST setting."""
    run_example(EXAMPLES / "classification" / "run_all.hds", data_dir, tmp_path)
    work = data_dir / "classification_fast"
    for name in ("dl_preprocess_param.hdict", "model_best.hdl", "model_final.hdl",
                 "dldataset/dl_dataset.hdict", "training.txt", "inference.txt"):
        assert (work / name).is_file(), name
    evaluation = (work / "evaluation.txt").read_text()
    assert read_figure(evaluation, "test images") == 30
    error = read_figure(evaluation, "top-1 error")
    # 2 epochs on 140 tiny images: clearly better than guessing is all we ask.
    assert 0.0 <= error < 0.5, evaluation
    assert "precision" in evaluation and "recall" in evaluation
    lines = (work / "inference.txt").read_text().splitlines()
    assert len(lines) == 30
    assert all(line.split()[1] in ("good", "defect") for line in lines)
    # training curves, evaluation, confusion matrix, samples, results
    assert len(pngs(tmp_path)) >= 5, pngs(tmp_path)


@needs_stardist
def test_segmentation_fast(data_dir, tmp_path):
    """Port of segment_pill_defects_deep_learning_1..4 on stardist nuclei tiles, FAST setting."""
    run_example(EXAMPLES / "segmentation" / "run_all.hds", data_dir, tmp_path)
    work = data_dir / "segmentation_fast"
    evaluation = (work / "evaluation.txt").read_text()
    mean_iou = read_figure(evaluation, "mean IoU")
    assert 0.3 < mean_iou <= 1.0, evaluation
    assert 0.5 < read_figure(evaluation, "pixel accuracy") <= 1.0
    lines = (work / "inference.txt").read_text().splitlines()
    assert lines and all("nuclei" in line for line in lines)
    assert len(pngs(tmp_path)) >= 4, pngs(tmp_path)


@needs_elpv
def test_transfer_learning_fast(data_dir, tmp_path):
    """PyTorch-tutorial transfer learning (EfficientNet-Lite0, real weights), FAST setting."""
    run_example(EXAMPLES / "transfer_learning" / "transfer_learning.hds", data_dir, tmp_path)
    work = data_dir / "transfer_learning_fast"
    evaluation = (work / "evaluation.txt").read_text()
    for cls in ("mono", "poly"):
        assert re.search(cls + r": precision [0-9.]+, recall [0-9.]+", evaluation), evaluation
    lines = (work / "predictions.txt").read_text().splitlines()
    assert lines[0].startswith("# conf_mono conf_poly true_mono true_poly pred_mono pred_poly")
    rows = [line.split() for line in lines[1:]]
    assert len(rows) == 16  # 20 % of 2 x 40 images
    for row in rows:
        conf = [float(x) for x in row[0:2]]
        true = [int(x) for x in row[2:4]]
        pred = [int(x) for x in row[4:6]]
        assert abs(sum(conf) - 1.0) < 1e-3
        assert sum(true) == 1 and sum(pred) == 1
        assert pred[conf.index(max(conf))] == 1
        assert os.path.isfile(row[6])
        assert Path(row[6]).parent.name == ("mono", "poly")[true.index(1)]
    assert len(pngs(tmp_path)) >= 2, pngs(tmp_path)
