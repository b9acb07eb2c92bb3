"""Dictionaries: create_dict, set/get_dict_tuple/object, get_dict_param, copy_dict, files, JSON.

All operators work on `DictHandle.data`, the storage the dot syntax
(`D.key`, `D.[k]`) uses through hdl.access.dict_get/dict_set, so both views
agree.  Stored values are copies of the data: tuples are immutable, vectors
are copied, handles (dicts included) stay references.  File formats:
hdl/hdict.py.
"""

from __future__ import annotations

import os

from hdl import args
from hdl import errorcodes as ec
from hdl import hdict
from hdl import values as v
from hdl.atomic import atomic_write_bytes, atomic_write_text
from hdl.errors import HdlRuntimeError, file_error
from hdl.registry import operator


def _key(x, param: int):
    """A dict key: HALCON's keys are strings or integers (a real is a wrong type)."""
    if type(x) is str or type(x) is int:
        return x
    raise args.type_error(param, x, "a key (string or integer)")


def _one_key(value):
    """The one key of Key (parameter 2 wherever a single key is taken)."""
    return _key(args.one(value, 2), 2)


def _keys(value, param: int = 2) -> list:
    return [_key(k, param) for k in args.control(value, param)]


def _missing(key, param: int = 2) -> HdlRuntimeError:
    return args.wrong_value(param, f"the dict has no key {key!r}")


# ---- the basic operators ---------------------------------------------------------------

@operator("create_dict ( : : : DictHandle)")
def create_dict():
    return v.DictHandle()


@operator("set_dict_tuple ( : : DictHandle, Key, Tuple : )")
def set_dict_tuple(dict_handle, key, tuple_):
    """Store a tuple under one key (replacing what was there, tuple or object)."""
    d = args.handle(dict_handle, 1, v.DictHandle)
    # an int64/float64 array stays one (tuples are immutable: shared, not copied)
    value = tuple_ if type(tuple_) is v.ARRAY else args.control(tuple_, 3)
    d.data[_one_key(key)] = v.canonical(value)


@operator("get_dict_tuple ( : : DictHandle, Key : Tuple)")
def get_dict_tuple(dict_handle, key):
    """The tuple of one key; several keys only when each holds exactly one value."""
    d = args.handle(dict_handle, 1, v.DictHandle)
    keys = _keys(key)
    if len(keys) == 1:
        return _tuple_at(d, keys[0])
    result = []
    for k in keys:
        value = _tuple_at(d, k)
        if v.length(value) != 1:
            raise args.wrong_value(2, f"key {k!r} holds {v.length(value)} values; several keys "
                                   "can only be read together when each holds one value")
        result.append(v.as_list(value)[0])
    return v.canonical(result)


def _tuple_at(d, k):
    try:
        value = d.data[k]
    except KeyError:
        raise _missing(k) from None
    if _is_iconic(value) or type(value) is v.Vector:
        kind = "an iconic object" if _is_iconic(value) else "a vector"
        raise args.wrong_value(2, f"key {k!r} holds {kind}, not a tuple")
    return value


@operator("set_dict_object (Object : : DictHandle, Key : )")
def set_dict_object(obj, dict_handle, key):
    """Store iconic objects under one key (object tuples are immutable: shared, not copied)."""
    d = args.handle(dict_handle, 1, v.DictHandle)
    k = _one_key(key)
    args.objects(obj)
    d.data[k] = obj


@operator("get_dict_object ( : Object : DictHandle, Key : )")
def get_dict_object(dict_handle, key):
    d = args.handle(dict_handle, 1, v.DictHandle)
    k = _one_key(key)
    try:
        value = d.data[k]
    except KeyError:
        raise _missing(k) from None
    if not _is_iconic(value):
        raise args.wrong_value(2, f"key {k!r} holds a tuple, not an iconic object")
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


_DICT_PARAMS = ("keys", "key_exists", "key_data_type")


@operator("get_dict_param ( : : DictHandle, GenParamName, Key : GenParamValue)")
def get_dict_param(dict_handle, gen_param_name, key):
    """'keys' (Key must be []), 'key_exists' (1/0 per key), 'key_data_type' ('tuple'/'object'
    per key)."""
    d = args.handle(dict_handle, 1, v.DictHandle)
    name = args.choice(args.string(gen_param_name, 2), 2, _DICT_PARAMS)
    keys = _keys(key, 3)
    if name == "keys":
        if keys:
            raise args.wrong_number(3, "'keys' takes no Key (pass [])")
        return v.canonical(list(d.data.keys()))
    if name == "key_exists":
        return v.canonical([1 if k in d.data else 0 for k in keys])
    result = []  # key_data_type
    for k in keys:
        if k not in d.data:
            raise _missing(k, 3)
        result.append(_data_type(d.data[k]))
    return v.canonical(result)


@operator("remove_dict_key ( : : DictHandle, Key : )")
def remove_dict_key(dict_handle, key):
    """Remove keys; a key the dict does not hold is ignored."""
    d = args.handle(dict_handle, 1, v.DictHandle)
    for k in _keys(key):
        d.data.pop(k, None)


# ---- copying ----------------------------------------------------------------------------

_TRUE_FALSE_LOW_LEVEL = ("true", "false", "low_level")


@operator("copy_dict ( : : DictHandle, GenParamName, GenParamValue : CopiedDictHandle)")
def copy_dict(dict_handle, gen_param_name, gen_param_value):
    """Deep copy: contained dicts are copied too (shared dicts and cycles keep their shape),
    vectors copied; other handles are copied through their `copy()` when they have one, else
    an error ('raise_error_if_copy_failed' 'false' keeps the reference instead)."""
    d = args.handle(dict_handle, 1, v.DictHandle)
    strict = True
    for name, value in args.name_value_pairs(gen_param_name, gen_param_value, 2, 3):
        args.choice(name, 2, ("raise_error_if_copy_failed",))
        strict = args.choice(value, 3, _TRUE_FALSE_LOW_LEVEL, name) != "false"
    return deep_copy(d, strict, {})


def _copy_handle(h, strict, memo):
    if isinstance(h, v.DictHandle):
        if not h.valid:
            if strict:
                raise HdlRuntimeError(ec.HANDLE_CLEARED, "the dict contains a cleared dict handle")
            return h
        return deep_copy(h, strict, memo)
    if id(h) in memo:
        return memo[id(h)]
    copier = getattr(h, "copy", None)
    if h.valid and callable(copier):
        memo[id(h)] = copier()
        return memo[id(h)]
    if strict:
        raise args.wrong_value(1, f"the dict contains a handle of type '{h.type_name}' that "
                               "cannot be copied")
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

_JSON_PARAMS = ("json_value_true", "json_value_false", "json_value_null", "convert_json_arrays_to")


def _json_options(names, values) -> hdict.JsonOptions:
    """The JSON options of read_dict / json_to_dict (GenParamName, GenParamValue: 2 and 3)."""
    options = hdict.JsonOptions()
    for name, value in args.name_value_pairs(names, values, 2, 3):
        args.choice(name, 2, _JSON_PARAMS)
        if name == "convert_json_arrays_to":
            options.arrays = args.choice(value, 3, ("dict", "tuple_if_possible"), name)
        else:
            setattr(options, name[len("json_value_"):], value)
    return options


_SERIALIZABLE = "raise_error_if_content_not_serializable"


def _strict_serializing(value, param: int) -> bool:
    """The value of 'raise_error_if_content_not_serializable': only 'true' refuses to skip."""
    return args.choice(value, param, _TRUE_FALSE_LOW_LEVEL, _SERIALIZABLE) == "true"


@operator("read_dict ( : : FileName, GenParamName, GenParamValue : DictHandle)")
def read_dict(file_name, gen_param_name, gen_param_value):
    """Reads hdl's .hdict files and JSON files; the type comes from the content, which must agree
    with a '.hdict'/'.json' ending.  Without the file, the name with '.hdict' then '.json' is
    tried."""
    path = args.string(file_name, 1, empty=False)
    options = _json_options(gen_param_name, gen_param_value)
    if not os.path.isfile(path):
        for ext in (".hdict", ".json"):
            if os.path.isfile(path + ext):
                path += ext
                break
        else:
            raise HdlRuntimeError(ec.FILE_NOT_FOUND, f"file not found: {path!r}")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise file_error(exc, path, "read", ec.FILE_OPEN) from None
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
        raise HdlRuntimeError(ec.FILE_FORMAT, f"cannot read dict file {path!r}: {exc}") from None


@operator("write_dict ( : : DictHandle, FileName, GenParamName, GenParamValue : )")
def write_dict(dict_handle, file_name, gen_param_name, gen_param_value):
    """'file_type' 'hdict'/'json' or the '.json'/'.hdict' ending choose the format (default
    hdict); 'raise_error_if_content_not_serializable' 'false' skips what cannot be stored."""
    d = args.handle(dict_handle, 1, v.DictHandle)
    path = args.string(file_name, 2, empty=False)
    file_type = None
    strict = True
    for name, value in args.name_value_pairs(gen_param_name, gen_param_value, 3, 4):
        if args.choice(name, 3, ("file_type", _SERIALIZABLE)) == "file_type":
            file_type = args.choice(value, 4, ("hdict", "json"), name)
        else:
            strict = _strict_serializing(value, 4)
    if file_type is None:
        file_type = "json" if path.lower().endswith(".json") else "hdict"
    try:
        if file_type == "json":
            atomic_write_text(path, hdict.dumps_json(d, strict))
        else:
            atomic_write_bytes(path, hdict.dumps(d, strict))
    except hdict.HdictError as exc:
        raise args.wrong_value(1, f"cannot write the dict to {path!r}: {exc}") from None
    except OSError as exc:
        raise file_error(exc, path, "write", ec.FILE_WRITE) from None


# ---- JSON strings ----------------------------------------------------------------------------

@operator("dict_to_json ( : : DictHandle, GenParamName, GenParamValue : JsonString)")
def dict_to_json(dict_handle, gen_param_name, gen_param_value):
    """One JSON text per dict; 'raise_error_if_content_not_serializable' as in write_dict."""
    strict = True
    for name, value in args.name_value_pairs(gen_param_name, gen_param_value, 2, 3):
        args.choice(name, 2, (_SERIALIZABLE,))
        strict = _strict_serializing(value, 3)
    result = []
    for d in args.handles(dict_handle, 1, v.DictHandle):
        try:
            result.append(hdict.dumps_json(d, strict))
        except hdict.HdictError as exc:
            raise args.wrong_value(1, str(exc)) from None
    return v.canonical(result)


@operator("json_to_dict ( : : JsonString, GenParamName, GenParamValue : DictHandle)")
def json_to_dict(json_string, gen_param_name, gen_param_value):
    """One dict per JSON text (each must be a JSON object); options as in read_dict."""
    options = _json_options(gen_param_name, gen_param_value)
    result = []
    for text in args.strings(json_string, 1):
        try:
            result.append(hdict.from_json_text(text, options))
        except hdict.HdictError as exc:
            raise args.wrong_value(1, str(exc)) from None
    return v.canonical(result)
