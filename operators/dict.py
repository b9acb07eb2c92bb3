"""Dictionaries: create_dict, set/get_dict_tuple/object, get_dict_param, copy_dict, files, JSON.

All operators work on `DictHandle.data`, the storage the dot syntax
(`D.key`, `D.[k]`) uses through hdl.values.dict_get/dict_set, so both views
agree.  Stored values are copies of the data: tuples are immutable, vectors
are copied, handles (dicts included) stay references.  File formats:
hdl/hdict.py.
"""

from __future__ import annotations

import os

from hdl import errorcodes as ec
from hdl import hdict
from hdl import values as v
from hdl.atomic import atomic_write_bytes, atomic_write_text
from hdl.errors import HdlRuntimeError
from hdl.registry import operator

# HALCON file error codes, the same as hdl/iconic.py uses: 5200 file not found,
# 5201 cannot open/read, 5202 cannot write, 5279 damaged or foreign content.
FILE_NOT_FOUND = 5200
FILE_OPEN_ERROR = 5201
FILE_FORMAT_ERROR = 5279
FILE_WRITE_ERROR = 5202


def _err(code, message, op):
    return HdlRuntimeError(code, message, operator=op)


def _dict(handle, op, param=1) -> v.DictHandle:
    items = v.as_list(handle) if not isinstance(handle, (v.ObjectTuple, v.IconicObject, v.Vector)) else None
    if items is None:
        raise _err(ec.wrong_type(param), "dict handle expected", op)
    if len(items) != 1:
        raise _err(ec.wrong_number(param), f"one dict handle expected, got {len(items)} values", op)
    d = items[0]
    if not isinstance(d, v.DictHandle):
        if isinstance(d, v.Handle):
            raise _err(ec.WRONG_HANDLE_TYPE, f"dict handle expected, got a handle of type "
                       f"'{d.type_name}'", op)
        raise _err(ec.wrong_type(param), f"dict handle expected, got {v.describe(d)}", op)
    if not d.valid:
        raise _err(ec.HANDLE_CLEARED, "the dict handle has been cleared", op)
    return d


def _key1(x, op, param):
    if type(x) is str or type(x) is int:
        return x
    raise _err(ec.wrong_type(param), f"a key must be a string or an integer, got {v.describe(x)}", op)


def _one_key(key, op, param=2):
    items = v.as_list(key)
    if len(items) != 1:
        raise _err(ec.wrong_number(param), f"one key expected, got {len(items)} values", op)
    return _key1(items[0], op, param)


def _keys(key, op, param=2):
    return [_key1(k, op, param) for k in v.as_list(key)]


def _missing(key, op, param=2):
    return _err(ec.wrong_value(param), f"the dict has no key {key!r}", op)


def _gen_params(names, values, op, name_param, value_param) -> list[tuple[str, object]]:
    names = v.as_list(names)
    values = v.as_list(values)
    if len(names) != len(values):
        raise _err(ec.wrong_number(value_param), f"{len(names)} parameter names but {len(values)} "
                   "values", op)
    for n in names:
        if type(n) is not str:
            raise _err(ec.wrong_type(name_param), f"parameter names are strings, got {v.describe(n)}", op)
    return list(zip(names, values))


# ---- the basic operators ---------------------------------------------------------------

@operator("create_dict ( : : : DictHandle)")
def create_dict():
    return v.DictHandle()


@operator("set_dict_tuple ( : : DictHandle, Key, Tuple : )")
def set_dict_tuple(dict_handle, key, tuple_):
    """Store a tuple under one key (replacing what was there, tuple or object)."""
    d = _dict(dict_handle, "set_dict_tuple")
    if isinstance(tuple_, (v.ObjectTuple, v.IconicObject, v.Vector)):
        raise _err(ec.wrong_type(3), "a control tuple expected", "set_dict_tuple")
    d.data[_one_key(key, "set_dict_tuple")] = v.canonical(list(tuple_)) if type(tuple_) is list \
        else v.canonical(tuple_)


@operator("get_dict_tuple ( : : DictHandle, Key : Tuple)")
def get_dict_tuple(dict_handle, key):
    """The tuple of one key; several keys only when each holds exactly one value."""
    op = "get_dict_tuple"
    d = _dict(dict_handle, op)
    keys = _keys(key, op)
    if len(keys) == 1:
        return _tuple_at(d, keys[0], op)
    result = []
    for k in keys:
        value = _tuple_at(d, k, op)
        if v.length(value) != 1:
            raise _err(ec.wrong_value(2), f"key {k!r} holds {v.length(value)} values; several keys "
                       "can only be read together when each holds one value", op)
        result.append(v.as_list(value)[0])
    return v.canonical(result)


def _tuple_at(d, k, op):
    try:
        value = d.data[k]
    except KeyError:
        raise _missing(k, op) from None
    if _is_iconic(value) or type(value) is v.Vector:
        kind = "an iconic object" if _is_iconic(value) else "a vector"
        raise _err(ec.wrong_value(2), f"key {k!r} holds {kind}, not a tuple", op)
    return value


@operator("set_dict_object (Object : : DictHandle, Key : )")
def set_dict_object(obj, dict_handle, key):
    """Store iconic objects under one key (object tuples are immutable: shared, not copied)."""
    d = _dict(dict_handle, "set_dict_object")
    k = _one_key(key, "set_dict_object")
    if not _is_iconic(obj):
        raise _err(ec.ICONIC_EXPECTED, "iconic object expected", "set_dict_object")
    d.data[k] = obj


@operator("get_dict_object ( : Object : DictHandle, Key : )")
def get_dict_object(dict_handle, key):
    op = "get_dict_object"
    d = _dict(dict_handle, op)
    k = _one_key(key, op)
    try:
        value = d.data[k]
    except KeyError:
        raise _missing(k, op) from None
    if not _is_iconic(value):
        raise _err(ec.wrong_value(2), f"key {k!r} holds a tuple, not an iconic object", op)
    return value


def _is_iconic(x) -> bool:
    """Iconic values are ObjectTuples or, for one object, the IconicObject itself."""
    return isinstance(x, (v.ObjectTuple, v.IconicObject))


def _data_type(value) -> str:
    if _is_iconic(value):
        return "object"
    if type(value) is v.Vector:
        return "object_vector" if value.kind == "object" else "tuple_vector"
    return "tuple"


@operator("get_dict_param ( : : DictHandle, GenParamName, Key : GenParamValue)")
def get_dict_param(dict_handle, gen_param_name, key):
    """'keys' (Key must be []), 'key_exists' (1/0 per key), 'key_data_type' ('tuple'/'object' per key)."""
    op = "get_dict_param"
    d = _dict(dict_handle, op)
    names = v.as_list(gen_param_name)
    if len(names) != 1:
        raise _err(ec.wrong_number(2), "exactly one parameter name expected", op)
    name = names[0]
    if type(name) is not str:
        raise _err(ec.wrong_type(2), f"parameter name expected, got {v.describe(name)}", op)
    keys = _keys(key, op, 3)
    if name == "keys":
        if keys:
            raise _err(ec.wrong_number(3), "'keys' takes no Key (pass [])", op)
        return v.canonical(list(d.data.keys()))
    if name == "key_exists":
        return v.canonical([1 if k in d.data else 0 for k in keys])
    if name == "key_data_type":
        result = []
        for k in keys:
            if k not in d.data:
                raise _missing(k, op, 3)
            result.append(_data_type(d.data[k]))
        return v.canonical(result)
    raise _err(ec.wrong_value(2), f"unknown parameter {name!r}; valid: 'keys', 'key_exists', "
               "'key_data_type'", op)


@operator("remove_dict_key ( : : DictHandle, Key : )")
def remove_dict_key(dict_handle, key):
    """Remove keys; a key the dict does not hold is ignored."""
    d = _dict(dict_handle, "remove_dict_key")
    for k in _keys(key, "remove_dict_key"):
        d.data.pop(k, None)


# ---- copying ----------------------------------------------------------------------------

@operator("copy_dict ( : : DictHandle, GenParamName, GenParamValue : CopiedDictHandle)")
def copy_dict(dict_handle, gen_param_name, gen_param_value):
    """Deep copy: contained dicts are copied too (shared dicts and cycles keep their shape),
    vectors copied; other handles are copied through their `copy()` when they have one, else
    an error ('raise_error_if_copy_failed' 'false' keeps the reference instead)."""
    op = "copy_dict"
    d = _dict(dict_handle, op)
    strict = True
    for name, value in _gen_params(gen_param_name, gen_param_value, op, 2, 3):
        if name == "raise_error_if_copy_failed":
            if value in ("true", "low_level"):
                strict = True
            elif value == "false":
                strict = False
            else:
                raise _err(ec.wrong_value(3), f"'raise_error_if_copy_failed' is 'true', 'false' or "
                           f"'low_level', got {value!r}", op)
        else:
            raise _err(ec.wrong_value(2), f"unknown parameter {name!r}", op)
    return deep_copy(d, strict, {})


def _copy_handle(h, strict, memo):
    if isinstance(h, v.DictHandle):
        if not h.valid:
            if strict:
                raise _err(ec.HANDLE_CLEARED, "the dict contains a cleared dict handle", "copy_dict")
            return h
        return deep_copy(h, strict, memo)
    if id(h) in memo:
        return memo[id(h)]
    copier = getattr(h, "copy", None)
    if h.valid and callable(copier):
        memo[id(h)] = copier()
        return memo[id(h)]
    if strict:
        raise _err(ec.wrong_value(1), f"the dict contains a handle of type '{h.type_name}' that "
                   "cannot be copied", "copy_dict")
    return h


def _copy_value(x, strict, memo):
    if type(x) is v.Vector:
        return v.Vector([_copy_value(i, strict, memo) for i in x.items], x.kind)
    if _is_iconic(x):
        return x
    if isinstance(x, v.Handle):
        return _copy_handle(x, strict, memo)
    if type(x) is list:
        if any(isinstance(e, v.Handle) for e in x):
            return [_copy_handle(e, strict, memo) if isinstance(e, v.Handle) else e for e in x]
        return list(x)
    return x


def deep_copy(d: v.DictHandle, strict: bool = True, memo: dict | None = None) -> v.DictHandle:
    memo = {} if memo is None else memo
    if id(d) in memo:
        return memo[id(d)]
    copy = v.DictHandle()
    memo[id(d)] = copy
    for key, value in d.data.items():
        copy.data[key] = _copy_value(value, strict, memo)
    return copy


# ---- files -----------------------------------------------------------------------------------

def _filename(x, op, param=1) -> str:
    items = v.as_list(x)
    if len(items) != 1:
        raise _err(ec.wrong_number(param), "one file name expected", op)
    if type(items[0]) is not str:
        raise _err(ec.wrong_type(param), f"file name expected, got {v.describe(items[0])}", op)
    if not items[0]:
        raise _err(ec.wrong_value(param), "empty file name", op)
    return items[0]


def _json_options(params, op, value_param):
    options = hdict.JsonOptions()
    for name, value in params:
        if name in ("json_value_true", "json_value_false", "json_value_null"):
            setattr(options, name[len("json_value_"):], value)
        elif name == "convert_json_arrays_to":
            if value not in ("dict", "tuple_if_possible"):
                raise _err(ec.wrong_value(value_param), f"'convert_json_arrays_to' is 'dict' or "
                           f"'tuple_if_possible', got {value!r}", op)
            options.arrays = value
        else:
            raise _err(ec.wrong_value(value_param - 1), f"unknown parameter {name!r}", op)
    return options


@operator("read_dict ( : : FileName, GenParamName, GenParamValue : DictHandle)")
def read_dict(file_name, gen_param_name, gen_param_value):
    """Reads hdl's .hdict files and JSON files; the type comes from the content, which must agree
    with a '.hdict'/'.json' ending.  Without the file, the name with '.hdict' then '.json' is tried."""
    op = "read_dict"
    path = _filename(file_name, op)
    params = _gen_params(gen_param_name, gen_param_value, op, 2, 3)
    options = _json_options(params, op, 3)
    if not os.path.isfile(path):
        for ext in (".hdict", ".json"):
            if os.path.isfile(path + ext):
                path += ext
                break
        else:
            raise _err(FILE_NOT_FOUND, f"file not found: {path!r}", op)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise _err(FILE_OPEN_ERROR, f"cannot read {path!r}: {exc.strerror}", op) from None
    ending = os.path.splitext(path)[1].lower()
    try:
        if hdict.is_hdict(data):
            if ending == ".json":
                raise hdict.HdictError("the file ends in '.json' but holds a .hdict dict")
            return hdict.loads(data)
        if ending == ".hdict":
            return hdict.loads(data)  # reports what is wrong with it
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise hdict.HdictError("neither an hdl .hdict file nor UTF-8 JSON") from None
        return hdict.from_json_text(text, options)
    except hdict.HdictError as exc:
        raise _err(FILE_FORMAT_ERROR, f"cannot read dict file {path!r}: {exc}", op) from None


@operator("write_dict ( : : DictHandle, FileName, GenParamName, GenParamValue : )")
def write_dict(dict_handle, file_name, gen_param_name, gen_param_value):
    """'file_type' 'hdict'/'json' or the '.json'/'.hdict' ending choose the format (default
    hdict); 'raise_error_if_content_not_serializable' 'false' skips what cannot be stored."""
    op = "write_dict"
    d = _dict(dict_handle, op)
    path = _filename(file_name, op, 2)
    file_type = None
    strict = True
    for name, value in _gen_params(gen_param_name, gen_param_value, op, 3, 4):
        if name == "file_type":
            if value not in ("hdict", "json"):
                raise _err(ec.wrong_value(4), f"'file_type' is 'hdict' or 'json', got {value!r}", op)
            file_type = value
        elif name == "raise_error_if_content_not_serializable":
            if value not in ("true", "false", "low_level"):
                raise _err(ec.wrong_value(4), "'raise_error_if_content_not_serializable' is 'true', "
                           f"'false' or 'low_level', got {value!r}", op)
            strict = value != "false" and value != "low_level"
        else:
            raise _err(ec.wrong_value(3), f"unknown parameter {name!r}", op)
    if file_type is None:
        file_type = "json" if path.lower().endswith(".json") else "hdict"
    try:
        if file_type == "json":
            text = hdict.dumps_json(d, strict)
            atomic_write_text(path, text)
        else:
            atomic_write_bytes(path, hdict.dumps(d, strict))
    except hdict.HdictError as exc:
        raise _err(ec.wrong_value(1), f"cannot write the dict to {path!r}: {exc}", op) from None
    except OSError as exc:
        raise _err(FILE_WRITE_ERROR, f"cannot write {path!r}: {exc.strerror}", op) from None


# ---- JSON strings ----------------------------------------------------------------------------

@operator("dict_to_json ( : : DictHandle, GenParamName, GenParamValue : JsonString)")
def dict_to_json(dict_handle, gen_param_name, gen_param_value):
    """One JSON text per dict; 'raise_error_if_content_not_serializable' as in write_dict."""
    op = "dict_to_json"
    strict = True
    for name, value in _gen_params(gen_param_name, gen_param_value, op, 2, 3):
        if name == "raise_error_if_content_not_serializable":
            if value not in ("true", "false", "low_level"):
                raise _err(ec.wrong_value(3), f"bad value {value!r}", op)
            strict = value == "true"
        else:
            raise _err(ec.wrong_value(2), f"unknown parameter {name!r}", op)
    handles = v.as_list(dict_handle)
    result = []
    for h in handles:
        d = _dict(h, op)
        try:
            result.append(hdict.dumps_json(d, strict))
        except hdict.HdictError as exc:
            raise _err(ec.wrong_value(1), str(exc), op) from None
    return v.canonical(result)


@operator("json_to_dict ( : : JsonString, GenParamName, GenParamValue : DictHandle)")
def json_to_dict(json_string, gen_param_name, gen_param_value):
    """One dict per JSON text (each must be a JSON object); options as in read_dict."""
    op = "json_to_dict"
    options = _json_options(_gen_params(gen_param_name, gen_param_value, op, 2, 3), op, 3)
    result = []
    for text in v.as_list(json_string):
        if type(text) is not str:
            raise _err(ec.wrong_type(1), f"JSON string expected, got {v.describe(text)}", op)
        try:
            result.append(hdict.from_json_text(text, options))
        except hdict.HdictError as exc:
            raise _err(ec.wrong_value(1), str(exc), op) from None
    return v.canonical(result)

