"""hdl's own `.hdict` file format for dictionaries, and HALCON's JSON form of them.

HALCON's binary .hdict layout is not documented, so hdl writes its own safe
format (no pickle, no eval, no code named by the file is ever run):

    bytes 0-7    magic  b"HDLDICT\\x00"
    byte  8      format version (1)
    bytes 9-16   N: length of the header, unsigned 64-bit little endian
    N bytes      header: UTF-8 JSON (see below)
    the rest     the blob: raw little-endian arrays the header points into

Header: ``{"format": "hdl-hdict", "version": 1, "root": 0, "dicts": [D0, D1, …]}``.
Every dictionary reachable from the root is one entry of "dicts" (so dicts
shared by several keys, or containing themselves, stay one dict), each a
list of ``[key, value]`` pairs; keys are JSON strings or integers. A value is
one JSON object:

* ``{"t": [e, …]}``            a control tuple; e is a JSON integer (an
  integer), ``{"r": "<repr>"}`` (a real, written with Python's repr so it
  reads back bit-exact, including nan/inf), a JSON string (a string),
  ``{"d": i}`` (the dict handle "dicts"[i]) or ``{"h": null}`` (a handle that
  could not be stored, read back as a cleared handle);
* ``{"a": "i8"|"f8", "o": offset, "n": count}`` a large int64/float64 tuple
  stored raw in the blob at byte `offset`;
* ``{"v": [value, …], "k": "tuple"|"object"|null}`` a vector;
* ``{"o": [state, …]}``        iconic objects (an ObjectTuple), each stored
  through the object class's hook (below); ``{"o1": state}`` one object held
  as a bare IconicObject.

Iconic objects: a class (a subclass of hdl.values.IconicObject defined in a
module of the `hdl` package) opts in by providing ``to_state()`` returning a
dict of JSON values and numpy arrays, and a classmethod
``from_state(state)``.  The file names the class as "module:qualname"; the
reader only accepts `hdl.` modules and IconicObject subclasses that have
`from_state`.  Objects without the hook cannot be written (a clear error).

Reading checks everything: the magic, the header length against the file
size, array offsets/counts against the blob, every type tag.  A damaged or
hostile file gives HdictError, never another Python exception; read_dict
reports it as HALCON's FILE_FORMAT error naming the path.
"""

from __future__ import annotations

import importlib
import json
import math
import struct

import numpy as np

from . import values as v

MAGIC = b"HDLDICT\x00"
VERSION = 1
_PREFIX = struct.Struct("<8sBQ")
MAX_DEPTH = 200


class HdictError(Exception):
    """A damaged or foreign dict file, or a dict that cannot be stored.

    Not an HdlRuntimeError: the operator that read or wrote knows which
    HALCON error it is (read_dict: FILE_FORMAT naming the path; write_dict,
    dict_to_json: a wrong value of the dict).
    """


# ---- writing ------------------------------------------------------------------------

class _Writer:
    def __init__(self, strict: bool):
        self.strict = strict
        self.dict_ids: dict[int, int] = {}
        self.dicts: list = []
        self.blob = bytearray()

    def add_dict(self, d: v.DictHandle) -> int:
        key = id(d)
        if key in self.dict_ids:
            return self.dict_ids[key]
        index = len(self.dicts)
        self.dict_ids[key] = index
        self.dicts.append(None)
        if not d.valid:
            raise HdictError("a dict handle in the dict has been cleared")
        pairs = []
        for k, value in d.data.items():
            pairs.append([k, self.value(value, 0)])
        self.dicts[index] = pairs
        return index

    def element(self, x):
        t = type(x)
        if t is int:
            return x
        if t is float:
            return {"r": repr(x)}
        if t is str:
            return x
        if isinstance(x, v.DictHandle):
            return {"d": self.add_dict(x)}
        if isinstance(x, v.Handle):
            if self.strict:
                raise HdictError(f"a handle of type '{x.type_name}' cannot be written to a "
                                 "dict file")
            return {"h": None}
        raise HdictError(f"cannot store a value of type {t.__name__}")

    def value(self, x, depth: int):
        if depth > MAX_DEPTH:
            raise HdictError("vectors nested too deeply")
        if (type(x) is np.ndarray and x.ndim == 1 and x.dtype in (np.int64, np.float64)
                and x.size > 1):
            data = x.astype(x.dtype.newbyteorder("<"), copy=False).tobytes()
            offset = len(self.blob)
            self.blob += data
            return {"a": "i8" if x.dtype == np.int64 else "f8", "o": offset, "n": int(x.size)}
        if type(x) is v.Vector:
            return {"v": [self.value(item, depth + 1) for item in x.items], "k": x.kind}
        if isinstance(x, v.ObjectTuple):
            return {"o": [self.iconic(obj) for obj in x.items]}
        if isinstance(x, v.IconicObject):
            return {"o1": self.iconic(x)}
        return {"t": [self.element(e) for e in v.as_list(x)]}

    def iconic(self, obj):
        to_state = getattr(obj, "to_state", None)
        if to_state is None or not hasattr(type(obj), "from_state"):
            name = getattr(obj, "type_name", type(obj).__name__)
            raise HdictError(f"iconic objects of type '{name}' cannot be written to a dict "
                             "file yet (no to_state/from_state)")
        cls = type(obj)
        return {"class": f"{cls.__module__}:{cls.__qualname__}", "state": self.state(to_state(), 0)}

    def state(self, s, depth):
        if depth > MAX_DEPTH:
            raise HdictError("iconic state nested too deeply")
        if isinstance(s, np.ndarray):
            arr = np.ascontiguousarray(s)
            if arr.dtype.kind not in "biuf" or arr.dtype.itemsize > 8:
                raise HdictError(f"unsupported array type {arr.dtype} in iconic state")
            dtype = arr.dtype.newbyteorder("<") if arr.dtype.itemsize > 1 else arr.dtype
            offset = len(self.blob)
            self.blob += arr.astype(dtype, copy=False).tobytes()
            return {"array": dtype.str, "shape": list(arr.shape), "o": offset}
        if isinstance(s, dict):
            return {"dict": {str(k): self.state(x, depth + 1) for k, x in s.items()}}
        if isinstance(s, (list, tuple)):
            return {"list": [self.state(x, depth + 1) for x in s]}
        if s is None or isinstance(s, (bool, int, str)):
            return {"value": s}
        if isinstance(s, float):
            return {"real": repr(s)}
        raise HdictError(f"unsupported value of type {type(s).__name__} in iconic state")


def dumps(d: v.DictHandle, strict: bool = True) -> bytes:
    """The .hdict bytes of a dict (and every dict it reaches)."""
    w = _Writer(strict)
    w.add_dict(d)
    header = json.dumps({"format": "hdl-hdict", "version": VERSION, "root": 0, "dicts": w.dicts},
                        ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return _PREFIX.pack(MAGIC, VERSION, len(header)) + header + bytes(w.blob)


# ---- reading ------------------------------------------------------------------------

def is_hdict(data: bytes) -> bool:
    return data[:len(MAGIC)] == MAGIC


class _Reader:
    def __init__(self, header, blob: memoryview):
        self.blob = blob
        raw_dicts = header.get("dicts") if isinstance(header, dict) else None
        if not isinstance(raw_dicts, list) or not raw_dicts:
            raise HdictError("the header holds no dicts")
        self.raw = raw_dicts
        self.handles = [v.DictHandle() for _ in raw_dicts]
        self.filled = [False] * len(raw_dicts)

    def dict_at(self, index) -> v.DictHandle:
        if type(index) is not int or not 0 <= index < len(self.handles):
            raise HdictError(f"bad dict reference {index!r}")
        return self.handles[index]

    def fill_all(self):
        for index, pairs in enumerate(self.raw):
            if not isinstance(pairs, list):
                raise HdictError(f"dict {index} is not a list of pairs")
            data = self.handles[index].data
            for pair in pairs:
                if not isinstance(pair, list) or len(pair) != 2:
                    raise HdictError(f"bad key/value pair in dict {index}")
                key, value = pair
                if type(key) is not str and type(key) is not int:
                    raise HdictError(f"bad key {key!r} in dict {index}")
                data[key] = self.value(value, 0)

    def element(self, e):
        t = type(e)
        if t is int or t is str:
            return e
        if t is dict and len(e) == 1:
            if "r" in e:
                text = e["r"]
                if type(text) is not str or len(text) > 40:
                    raise HdictError("bad real")
                try:
                    return float(text)
                except ValueError:
                    raise HdictError(f"bad real {text!r}") from None
            if "d" in e:
                return self.dict_at(e["d"])
            if "h" in e:
                h = v.Handle()
                h.clear()
                return h
        raise HdictError(f"bad tuple element {e!r:.60}")

    def array(self, kind, offset, count):
        if kind not in ("i8", "f8") or type(offset) is not int or type(count) is not int:
            raise HdictError("bad array description")
        if offset < 0 or count < 0 or offset + 8 * count > len(self.blob):
            raise HdictError("array outside the file's data")
        dtype = np.dtype("<i8" if kind == "i8" else "<f8")
        arr = np.frombuffer(self.blob, dtype=dtype, count=count, offset=offset)
        return v.canonical(arr.astype(np.int64 if kind == "i8" else np.float64))

    def value(self, x, depth):
        if depth > MAX_DEPTH:
            raise HdictError("values nested too deeply")
        if type(x) is not dict:
            raise HdictError(f"bad value {x!r:.60}")
        if "t" in x and len(x) == 1:
            items = x["t"]
            if type(items) is not list:
                raise HdictError("bad tuple")
            return v.canonical([self.element(e) for e in items])
        if "a" in x and len(x) == 3:
            return self.array(x.get("a"), x.get("o"), x.get("n"))
        if "v" in x and len(x) == 2:
            items, kind = x["v"], x.get("k")
            if type(items) is not list or kind not in ("tuple", "object", None):
                raise HdictError("bad vector")
            return v.Vector([self.value(item, depth + 1) for item in items], kind)
        if "o1" in x and len(x) == 1:
            return self.iconic(x["o1"])
        if "o" in x and len(x) == 1:
            items = x["o"]
            if type(items) is not list:
                raise HdictError("bad iconic value")
            return v.ObjectTuple([self.iconic(item) for item in items])
        raise HdictError(f"bad value {x!r:.60}")

    def iconic(self, item):
        if type(item) is not dict or type(item.get("class")) is not str or "state" not in item:
            raise HdictError("bad iconic object")
        module_name, _, qualname = item["class"].partition(":")
        if not (module_name == "hdl" or module_name.startswith("hdl.")) or not qualname:
            raise HdictError(f"iconic class {item['class']!r} is not one of hdl's")
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            raise HdictError(f"iconic class {item['class']!r} is not available") from None
        cls = module
        for part in qualname.split("."):
            cls = getattr(cls, part, None)
        if not (isinstance(cls, type) and issubclass(cls, v.IconicObject)
                and hasattr(cls, "from_state")):
            raise HdictError(f"iconic class {item['class']!r} cannot be read")
        try:
            return cls.from_state(self.state(item["state"], 0))
        except HdictError:
            raise
        except Exception as exc:  # the class rejected its state
            raise HdictError(f"bad state for {item['class']!r}: {exc}") from None

    def state(self, s, depth):
        if depth > MAX_DEPTH or type(s) is not dict or len(s) < 1:
            raise HdictError("bad iconic state")
        if "array" in s:
            dtype_text, shape, offset = s["array"], s.get("shape"), s.get("o")
            if type(dtype_text) is not str or len(dtype_text) > 4:
                raise HdictError("bad array type")
            try:
                dtype = np.dtype(dtype_text)
            except TypeError:
                raise HdictError(f"bad array type {dtype_text!r}") from None
            if dtype.kind not in "biuf" or dtype.itemsize > 8:
                raise HdictError(f"bad array type {dtype_text!r}")
            if (type(shape) is not list or len(shape) > 8 or
                    any(type(n) is not int or n < 0 for n in shape) or type(offset) is not int):
                raise HdictError("bad array shape")
            count = math.prod(shape)
            if offset < 0 or offset + count * dtype.itemsize > len(self.blob):
                raise HdictError("array outside the file's data")
            arr = np.frombuffer(self.blob, dtype=dtype, count=count, offset=offset)
            return arr.reshape(shape).copy()
        if "dict" in s and type(s["dict"]) is dict:
            return {k: self.state(x, depth + 1) for k, x in s["dict"].items()}
        if "list" in s and type(s["list"]) is list:
            return [self.state(x, depth + 1) for x in s["list"]]
        if "value" in s:
            x = s["value"]
            if x is None or type(x) in (bool, int, str):
                return x
        if "real" in s and type(s["real"]) is str and len(s["real"]) <= 40:
            try:
                return float(s["real"])
            except ValueError:
                pass
        raise HdictError("bad iconic state")


def loads(data: bytes) -> v.DictHandle:
    """The dict stored in .hdict bytes; HdictError for anything malformed."""
    if len(data) < _PREFIX.size:
        raise HdictError("file too short for an hdl .hdict file")
    magic, version, length = _PREFIX.unpack_from(data)
    if magic != MAGIC:
        raise HdictError("not an hdl .hdict file (HALCON's own binary .hdict files cannot be read)")
    if version != VERSION:
        raise HdictError(f"unsupported .hdict version {version}")
    if length > len(data) - _PREFIX.size:
        raise HdictError("header length beyond the end of the file")
    start = _PREFIX.size
    try:
        header = json.loads(bytes(data[start:start + length]).decode("utf-8"),
                            parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise HdictError(f"damaged header: {exc}") from None
    if (not isinstance(header, dict) or header.get("format") != "hdl-hdict"
            or header.get("root") != 0):
        raise HdictError("damaged header")
    try:
        reader = _Reader(header, memoryview(data)[start + length:])
        reader.fill_all()
    except RecursionError:
        raise HdictError("values nested too deeply") from None
    return reader.handles[0]


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


# ---- JSON ---------------------------------------------------------------------------

def to_json_value(d: v.DictHandle, strict: bool = True, _active=None):
    """A dict as JSON data the way HALCON maps it: a tuple of one element is a
    JSON scalar, any other tuple a JSON array, a dict a JSON object; iconic
    objects and non-dict handles cannot be stored (skipped when not strict)."""
    if _active is None:
        _active = set()
    if id(d) in _active:
        raise HdictError("a dict that contains itself cannot be written as JSON")
    if not d.valid:
        raise HdictError("a dict handle in the dict has been cleared")
    _active.add(id(d))
    out = {}
    for key, value in d.data.items():
        try:
            out[str(key)] = _json_of(value, strict, _active)
        except _Skip:
            continue
    _active.discard(id(d))
    return out


class _Skip(Exception):
    pass


def _json_elem(x, strict, active):
    t = type(x)
    if t is int or t is str:
        return x
    if t is float:
        if math.isfinite(x):
            return x
        raise HdictError(f"the real {x!r} has no JSON form")
    if isinstance(x, v.DictHandle):
        return to_json_value(x, strict, active)
    if strict:
        raise HdictError(f"a handle of type '{getattr(x, 'type_name', '?')}' cannot be written "
                         "as JSON")
    raise _Skip


def _json_of(value, strict, active):
    if isinstance(value, (v.ObjectTuple, v.IconicObject)) or type(value) is v.Vector:
        if strict:
            what = "vectors" if type(value) is v.Vector else "iconic objects"
            raise HdictError(f"{what} cannot be written as JSON")
        raise _Skip
    items = v.as_list(value)
    if len(items) == 1:
        return _json_elem(items[0], strict, active)
    out = []
    for x in items:
        try:
            out.append(_json_elem(x, strict, active))
        except _Skip:
            continue
    return out


def dumps_json(d: v.DictHandle, strict: bool = True, indent: int | None = None) -> str:
    return json.dumps(to_json_value(d, strict), ensure_ascii=False, indent=indent,
                      separators=(",", ":") if indent is None else None, allow_nan=False)


class JsonOptions:
    """read_dict / json_to_dict options for JSON input."""

    def __init__(self):
        self.true = 1
        self.false = 0
        self.null = "HNULL"
        self.arrays = "dict"  # or 'tuple_if_possible'


def from_json_text(text: str, options: JsonOptions | None = None) -> v.DictHandle:
    """A JSON object (text) as a dict; HdictError for invalid JSON or a non-object."""
    options = options or JsonOptions()
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise HdictError(f"invalid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise HdictError("the JSON text is no object")
    try:
        return _dict_from_json(data, options)
    except RecursionError:
        raise HdictError("JSON nested too deeply") from None


def _scalar_from_json(x, options):
    if x is True:
        return options.true
    if x is False:
        return options.false
    if x is None:
        return options.null
    if type(x) is int:
        if not v.INT64_MIN <= x <= v.INT64_MAX:
            return float(x)
        return x
    return x  # float or str


def _from_json(x, options):
    if isinstance(x, dict):
        return _dict_from_json(x, options)
    if isinstance(x, list):
        if options.arrays == "tuple_if_possible" and all(
                not isinstance(e, (dict, list)) for e in x):
            return v.canonical([_scalar_from_json(e, options) for e in x])
        h = v.DictHandle()
        for i, e in enumerate(x):
            h.data[i] = _from_json(e, options)
        return h
    return _scalar_from_json(x, options)


def _dict_from_json(obj: dict, options) -> v.DictHandle:
    h = v.DictHandle()
    for key, x in obj.items():
        h.data[key] = _from_json(x, options)
    return h
