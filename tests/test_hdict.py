"""hdl's .hdict format (hdl/hdict.py): round trips and hostile input."""

import json
import struct

import numpy as np
import pytest

from hdl import hdict
from hdl import values as v
from hdl.errors import HdlRuntimeError
from hdl.registry import REGISTRY


def _op(name):
    return REGISTRY.get(name).function


def _sample():
    d = v.DictHandle()
    inner = v.DictHandle({"k": [1, 2.5, "x"]})
    d.data.update({
        "int": 1, "real": 1.0, "neg0": -0.0, "nan": float("nan"), "inf": float("-inf"),
        "text": "ümlaut\n'q'", "empty": [], 7: "int key",
        "ints": np.arange(5, dtype=np.int64), "reals": np.linspace(0, 1, 7),
        "inner": inner, "again": inner, "pair": [inner, inner],
        "vec": v.Vector([[1, 2], v.Vector([3], "tuple")], "tuple"),
    })
    d.data["self"] = d
    return d


def test_round_trip_keeps_types_and_sharing():
    d = _sample()
    back = hdict.loads(hdict.dumps(d))
    assert back.data["int"] == 1 and type(back.data["int"]) is int
    assert back.data["real"] == 1.0 and type(back.data["real"]) is float
    assert str(back.data["neg0"]) == "-0.0"
    assert back.data["nan"] != back.data["nan"]
    assert back.data["inf"] == float("-inf")
    assert back.data["text"] == "ümlaut\n'q'"
    assert back.data["empty"] == []
    assert back.data[7] == "int key"
    assert back.data["ints"].dtype == np.int64 and back.data["ints"].tolist() == [0, 1, 2, 3, 4]
    assert back.data["reals"].dtype == np.float64
    assert np.array_equal(back.data["reals"], np.linspace(0, 1, 7))
    assert back.data["inner"] is back.data["again"]
    assert back.data["pair"][0] is back.data["inner"] is back.data["pair"][1]
    assert back.data["inner"].data["k"] == [1, 2.5, "x"]
    assert back.data["self"] is back
    assert back.data["vec"] == d.data["vec"]
    assert list(back.data) == list(d.data)


def test_non_serializable_content():
    d = v.DictHandle({"h": v.Handle()})
    with pytest.raises(hdict.HdictError):
        hdict.dumps(d)
    back = hdict.loads(hdict.dumps(d, strict=False))
    assert isinstance(back.data["h"], v.Handle) and not back.data["h"].valid


class _Obj(v.IconicObject):
    type_name = "test"


def test_iconic_objects_without_hook_are_refused():
    d = v.DictHandle({"o": v.ObjectTuple([_Obj()])})
    with pytest.raises(hdict.HdictError, match="cannot be written"):
        hdict.dumps(d)


def _file(header: dict, blob: bytes = b"") -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<8sBQ", hdict.MAGIC, 1, len(text)) + text + blob


BAD = [
    b"",
    b"HDLDICT",
    b"not a dict file at all",
    struct.pack("<8sBQ", hdict.MAGIC, 9, 0),
    struct.pack("<8sBQ", hdict.MAGIC, 1, 10 ** 12),
    struct.pack("<8sBQ", hdict.MAGIC, 1, 3) + b"{{{",
    _file({"format": "hdl-hdict", "version": 1, "root": 0, "dicts": []}),
    _file({"format": "hdl-hdict", "version": 1, "root": 0, "dicts": [[["k", {"d": 5}]]]}),
    _file({"format": "hdl-hdict", "version": 1, "root": 0, "dicts": [[["k", {"t": [{"d": 3}]}]]]}),
    _file({"format": "hdl-hdict", "version": 1, "root": 0, "dicts": [[["k", {"a": "i8", "o": 0, "n": 4}]]]}, b"\0" * 8),
    _file({"format": "hdl-hdict", "version": 1, "root": 0, "dicts": [[["k", {"a": "i8", "o": -8, "n": 1}]]]}, b"\0" * 8),
    _file({"format": "hdl-hdict", "version": 1, "root": 0, "dicts": [[["k", {"a": "O", "o": 0, "n": 1}]]]}, b"\0" * 8),
    _file({"format": "hdl-hdict", "version": 1, "root": 0, "dicts": [[[1.5, {"t": []}]]]}),
    _file({"format": "hdl-hdict", "version": 1, "root": 0, "dicts": [[["k", {"t": [{"r": "1e999999" * 9}]}]]]}),
    _file({"format": "hdl-hdict", "version": 1, "root": 0, "dicts": [[["k", {"t": [None]}]]]}),
    _file({"format": "hdl-hdict", "version": 1, "root": 0,
           "dicts": [[["k", {"o": [{"class": "os:system", "state": {"value": "echo hi"}}]}]]]}),
    _file({"format": "hdl-hdict", "version": 1, "root": 0,
           "dicts": [[["k", {"o": [{"class": "hdl.values:Handle", "state": {"value": 1}}]}]]]}),
    struct.pack("<8sBQ", hdict.MAGIC, 1, 20000) + b"[" * 10000 + b"]" * 10000,
]


@pytest.mark.parametrize("data", BAD)
def test_corrupt_input_gives_hdict_error(data):
    with pytest.raises(hdict.HdictError):
        hdict.loads(data)


def test_deep_vectors_are_refused_not_crashing():
    value = {"t": []}
    for _ in range(300):
        value = {"v": [value], "k": "tuple"}
    data = _file({"format": "hdl-hdict", "version": 1, "root": 0, "dicts": [[["k", value]]]})
    with pytest.raises(hdict.HdictError):
        hdict.loads(data)


def test_truncated_files_never_crash():
    data = hdict.dumps(_sample())
    for n in range(0, len(data), max(1, len(data) // 97)):
        try:
            hdict.loads(data[:n])
        except hdict.HdictError:
            pass


def test_read_dict_names_the_path_for_damaged_files(tmp_path):
    path = tmp_path / "bad.hdict"
    path.write_bytes(b"HDLDICT\0garbage")
    with pytest.raises(HdlRuntimeError) as info:
        _op("read_dict")(str(path), [], [])
    assert str(path) in info.value.message and info.value.code == 5279


def test_write_dict_is_atomic_and_readable(tmp_path):
    path = tmp_path / "d.hdict"
    d = _sample()
    _op("write_dict")(d, str(path), [], [])
    assert [p.name for p in tmp_path.iterdir()] == ["d.hdict"]
    back = _op("read_dict")(str(path), [], [])
    assert back.data["inner"].data["k"] == [1, 2.5, "x"]


def test_json_round_trip_and_options():
    d = v.DictHandle({"a": 1, "b": [1.5, "x"], "c": v.DictHandle({"d": []})})
    text = hdict.dumps_json(d)
    assert json.loads(text) == {"a": 1, "b": [1.5, "x"], "c": {"d": []}}
    opts = hdict.JsonOptions()
    opts.arrays = "tuple_if_possible"
    back = hdict.from_json_text(text, opts)
    assert back.data["b"] == [1.5, "x"] and back.data["c"].data["d"] == []
    with pytest.raises(hdict.HdictError):
        hdict.from_json_text("[" * 100000)
    with pytest.raises(hdict.HdictError):
        hdict.from_json_text('{"x": NaN}')
