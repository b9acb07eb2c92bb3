"""Image files, --dump-vars of iconic values, and the region model (what programs cannot check)."""

import json

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image as PILImage

from hdl.cli import main
from hdl.errors import HdlRuntimeError
from hdl.iconic import Region, combine
from hdl.loader import load_bytes
from hdl.program import Program


def run(code: str, tmp_path, **variables) -> dict:
    path = tmp_path / "prog.hds"
    return Program(load_bytes(code, str(path), use_cache=False)).run(variables)


def test_read_write_roundtrip_formats(tmp_path):
    gray = (np.arange(48, dtype=np.uint8).reshape(6, 8) * 5)
    rgb = np.dstack([gray, 255 - gray, gray // 2])
    PILImage.fromarray(gray).save(tmp_path / "g.png")
    PILImage.fromarray(rgb).save(tmp_path / "c.bmp")
    deep = (np.arange(48, dtype=np.uint16).reshape(6, 8) * 1000)
    PILImage.fromarray(deep).save(tmp_path / "d.tif")
    code = f"""
read_image (G, '{tmp_path}/g')
read_image (C, '{tmp_path}/c.bmp')
read_image (D, '{tmp_path}/d.tif')
read_image (Both, ['{tmp_path}/g.png', '{tmp_path}/c'])
get_image_type (D, TD)
count_channels (C, NC)
get_grayval (D, 5, 7, GD)
get_grayval (C, 1, 1, GC)
write_image (C, 'png', 0, '{tmp_path}/out')
write_image (D, 'tiff', 0, '{tmp_path}/out16')
write_image (G, 'jpeg 95', 0, '{tmp_path}/out')
read_image (C2, '{tmp_path}/out.png')
read_image (D2, '{tmp_path}/out16.tif')
test_equal_obj (C, C2, SameC)
test_equal_obj (D, D2, SameD)
"""
    out = run(code, tmp_path)
    assert out["TD"] == "uint2" and out["NC"] == 3
    assert out["GD"] == 47000
    assert out["GC"] == [int(rgb[1, 1, 0]), int(rgb[1, 1, 1]), int(rgb[1, 1, 2])]
    assert out["SameC"] == 1 and out["SameD"] == 1
    assert len(out["Both"]) == 2
    assert (tmp_path / "out.jpg").exists()


def test_write_fills_outside_the_domain(tmp_path):
    code = f"""
gen_image_const (I, 'byte', 4, 4)
gen_image_proto (I, J, 9)
gen_rectangle1 (R, 0, 0, 1, 1)
reduce_domain (J, R, K)
write_image (K, 'png', 77, '{tmp_path}/k.png')
"""
    run(code, tmp_path)
    data = np.asarray(PILImage.open(tmp_path / "k.png"))
    assert data[0, 0] == 9 and data[3, 3] == 77


def test_read_errors(tmp_path):
    (tmp_path / "bad.png").write_bytes(b"not an image")
    with pytest.raises(HdlRuntimeError) as exc:
        run(f"read_image (I, '{tmp_path}/missing')", tmp_path)
    assert exc.value.code == 5200
    with pytest.raises(HdlRuntimeError) as exc:
        run(f"read_image (I, '{tmp_path}/bad.png')", tmp_path)
    assert exc.value.code == 5279
    with pytest.raises(HdlRuntimeError) as exc:
        run(f"gen_image_const (I, 'real', 2, 2)\nwrite_image (I, 'png', 0, '{tmp_path}/r')", tmp_path)
    assert "tiff" in exc.value.message


def test_dump_vars_iconic(tmp_path):
    prog = tmp_path / "p.hds"
    prog.write_text("gen_image_const (I, 'uint2', 5, 3)\ngen_circle (C, 10, 10, 2)\ngen_empty_obj (E)\n")
    out = tmp_path / "vars.json"
    result = CliRunner().invoke(main, ["run", str(prog), "--dump-vars", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    # exactly the documented fields: type, width, height, channels (a region has no size)
    assert data["I"] == {"iconic": [{"type": "image", "width": 5, "height": 3, "channels": 1}]}
    assert data["C"] == {"iconic": [{"type": "region", "width": None, "height": None, "channels": None}]}
    assert data["E"] == {"iconic": []}


def test_region_model():
    a = Region.rectangle(-5, -5, 4, 4)  # regions may lie partly outside any image
    assert a.area == 100 and a.bbox == (-5, -5, 4, 4)
    assert a.clip(512, 512).area == 25
    b = Region.from_points([0, 100], [0, 100])
    u = combine([a, b], "union")
    assert u.area == 101 and u.bbox == (-5, -5, 100, 100)
    assert combine([a, b], "intersection").area == 1
    assert combine([a, b], "difference").area == 99
    assert Region(np.zeros((3, 3), bool), 7, 7).is_empty


def test_scale_image_matches_numpy(tmp_path):
    out = run("gen_image_const (I, 'byte', 3, 1)\nset_grayval (I, [0,0,0], [0,1,2], [1, 100, 250])\n"
              "scale_image (I, S, 1.5, -2)\nget_grayval (S, [0,0,0], [0,1,2], G)", tmp_path)
    expected = np.clip(np.floor(np.array([1, 100, 250]) * 1.5 - 2 + 0.5), 0, 255).astype(int)
    assert out["G"] == expected.tolist()
