"""Reading and writing parts of values: t[i], t[i:j], s{i}, s{i:j}, [a, b], [a:b],
X[i] := v, D.key, V.at(i) and the vector methods."""

from __future__ import annotations

import math

import numpy as np

from . import errorcodes as ec
from .args import type_error, wrong_number, wrong_type, wrong_value
from .arithmetic import elementwise
from .errors import HdlRuntimeError
from .values import (ARRAY, INT64, DictHandle, Handle, ObjectTuple, Vector, array_result, as_list,
                     canonical, copy_value, describe, elements, is_number, length, number_array)


# ---- selection ------------------------------------------------------------------

def check_index(i, n: int, param: int = 2, what: str = "index") -> int:
    if type(i) is not int:
        if isinstance(i, np.integer):
            i = int(i)
        else:
            raise type_error(param, i, f"integer {what}")
    if i < 0 or i >= n:
        raise HdlRuntimeError(ec.INDEX_OUT_OF_RANGE,
                              f"{what} {i} out of range (tuple of {n} values)")
    return i


def select(t, idx):
    """t[i] (0-based); a tuple of indices gathers."""
    tt = type(t)
    if type(idx) is int:
        if tt is list:
            if 0 <= idx < len(t):
                return t[idx]
            check_index(idx, len(t))
        if tt is ARRAY:
            if 0 <= idx < t.shape[0]:
                return t[idx].item()
            check_index(idx, t.shape[0])
        if tt is int or tt is float or tt is str or isinstance(t, Handle):
            if idx == 0:
                return t
            check_index(idx, 1)
    n = length(t)
    if type(idx) is ARRAY and tt is ARRAY and idx.dtype == INT64:
        if idx.shape[0] and (idx.min() < 0 or idx.max() >= n):
            check_index(int(idx[(idx < 0) | (idx >= n)][0]), n)
        return array_result(t[idx])
    ids = [check_index(i, n) for i in elements(idx)]
    if tt is ARRAY:
        return array_result(t[np.array(ids, dtype=np.int64)])
    items = elements(t)
    return canonical([items[i] for i in ids])


def select_range(t, i, j):
    """t[i:j], both ends inclusive; j = i-1 gives []."""
    n = length(t)
    i = single_int(i, 2)
    j = single_int(j, 3)
    if i < 0 or i > n or j >= n or j < i - 1:
        raise HdlRuntimeError(ec.INDEX_OUT_OF_RANGE,
                              f"range {i}:{j} out of range (tuple of {n} values)")
    if type(t) is ARRAY:
        return array_result(t[i:j + 1])
    return canonical(elements(t)[i:j + 1])


def single_int(v, param: int, what: str = "index") -> int:
    if type(v) is int:
        return v
    items = elements(v)
    if len(items) != 1:
        raise wrong_number(param, f"{what} must be a single integer")
    if type(items[0]) is not int:
        raise type_error(param, items[0], f"integer {what}")
    return items[0]


def _char1(x, i):
    if type(i) is not int:
        raise type_error(2, i, "integer index", "tuple_str_bit_select")
    if type(x) is str:
        if 0 <= i < len(x):
            return x[i]
        raise HdlRuntimeError(ec.INDEX_OUT_OF_RANGE,
                              f"character index {i} out of range (string of length {len(x)})",
                              "tuple_str_bit_select")
    if type(x) is int:
        if 0 <= i < 64:
            return (x >> i) & 1
        raise HdlRuntimeError(ec.INDEX_OUT_OF_RANGE, f"bit index {i} out of range",
                              "tuple_str_bit_select")
    raise type_error(1, x, "string or integer", "tuple_str_bit_select")


def char_at(s, i):
    """s{i}: character i of each string (for integers: bit i)."""
    if type(s) is str and type(i) is int:
        if 0 <= i < len(s):
            return s[i]
    return elementwise(s, i, _char1, "tuple_str_bit_select")


def _substr1(x, i, j):
    if type(x) is not str:
        raise type_error(1, x, "string", "tuple_substr")
    if type(i) is not int:
        raise type_error(2, i, "integer position", "tuple_substr")
    if type(j) is not int:
        raise type_error(3, j, "integer position", "tuple_substr")
    if i < 0:
        raise wrong_value(2, f"negative position {i}", "tuple_substr")
    return x[i:j + 1] if j >= i else ""


def substr(s, i, j):
    """s{i:j}: characters i … j (inclusive, clipped at the end) of each string."""
    if type(s) is str and type(i) is int and type(j) is int:
        return _substr1(s, i, j)
    ls, li, lj = elements(s), elements(i), elements(j)
    n = max(len(ls), len(li), len(lj))
    if not ls or not li or not lj:
        return []
    for k, l in enumerate((ls, li, lj)):
        if len(l) not in (1, n):
            raise wrong_number(k + 1, "tuples of different lengths", "tuple_substr")
    res = [_substr1(ls[k if len(ls) > 1 else 0], li[k if len(li) > 1 else 0],
                    lj[k if len(lj) > 1 else 0]) for k in range(n)]
    return canonical(res)


def concat(*parts):
    """[a, b, …]: the concatenation (flattened) of the parts."""
    out = []
    for p in parts:
        t = type(p)
        if t is int or t is float or t is str:
            out.append(p)
        elif t is list:
            out.extend(p)
        elif t is ARRAY:
            return _concat_arrays(parts)
        else:
            out.extend(elements(p))
    return out[0] if len(out) == 1 else out


def _concat_arrays(parts):
    """concat with an array among the parts: an array again when the result is homogeneous."""
    arrays = []
    dtype = None
    for p in parts:
        A = number_array(p) if type(p) is not list or p else np.empty(0, np.int64)
        if A is None:
            break
        if A.shape[0]:
            if dtype is None:
                dtype = A.dtype
            elif A.dtype != dtype:
                break
            arrays.append(A)
    else:
        if not arrays:
            return []
        return array_result(np.concatenate(arrays))
    out = []
    for p in parts:
        t = type(p)
        if t is list:
            out.extend(p)
        elif t is ARRAY:
            out.extend(p.tolist())
        else:
            out.extend(elements(p))
    return out[0] if len(out) == 1 else out


def _seq_count(start, end, step) -> int:
    if type(start) is int and type(end) is int and type(step) is int:
        return (end - start) // step + 1
    return int(math.floor((end - start) / step + 1e-9)) + 1


def sequence(start, end, step=None):
    """[start:end] / [start:step:end] (tuple_gen_sequence): end inclusive."""
    s = single_number(start, 1, "tuple_gen_sequence")
    e = single_number(end, 2, "tuple_gen_sequence")
    st = 1 if step is None else single_number(step, 3, "tuple_gen_sequence")
    if st == 0:
        raise wrong_value(3, "sequence step must not be 0", "tuple_gen_sequence")
    if e != s and (e > s) != (st > 0):
        raise wrong_value(3, f"step {st} does not lead from {s} to {e}",
                          "tuple_gen_sequence")
    n = _seq_count(s, e, st)
    if type(s) is int and type(e) is int and type(st) is int:
        if n == 1:
            return s
        return np.arange(n, dtype=np.int64) * st + s
    if n == 1:
        return float(s)
    return np.arange(n, dtype=np.float64) * st + s


def single_number(v, param: int, operator: str):
    t = type(v)
    if t is int or t is float:
        return v
    items = elements(v)
    if len(items) != 1:
        raise wrong_number(param, "a single number expected", operator)
    if not is_number(items[0]):
        raise type_error(param, items[0], "number", operator)
    return items[0]


#: value that fills the gap when X[i] := v extends a tuple beyond its end + 1
GAP_FILL = 0


def assign_at(t, idx, value):
    """X[i] := v (tuple_replace, extending the tuple when i ≥ |X|): a new tuple."""
    if type(idx) is int and type(t) is list:
        if 0 <= idx < len(t) and (type(value) is int or type(value) is float
                                  or type(value) is str or isinstance(value, Handle)):
            new = t.copy()
            new[idx] = value
            return new
    indices = elements(idx)
    values = elements(value)
    if not indices:
        return t
    if len(values) != 1 and len(values) != len(indices):
        raise HdlRuntimeError(ec.WRONG_NUMBER_3,
                              f"{len(values)} values for {len(indices)} indices in an indexed assignment")
    for i in indices:
        if type(i) is not int:
            raise type_error(2, i, "integer index")
        if i < 0:
            raise HdlRuntimeError(ec.INDEX_OUT_OF_RANGE, f"negative index {i} in an assignment")
    if type(t) is ARRAY:
        top = max(indices)
        V = number_array(value)
        if top < t.shape[0] and V is not None and V.dtype == t.dtype:
            new = t.copy()
            new[np.array(indices, dtype=np.int64)] = V
            return new
    new = as_list(t)
    top = max(indices)
    if top >= len(new):
        new.extend([GAP_FILL] * (top + 1 - len(new)))
    if len(values) == 1:
        v = values[0]
        for i in indices:
            new[i] = v
    else:
        for i, v in zip(indices, values):
            new[i] = v
    return canonical(new)


# ---- dictionaries ---------------------------------------------------------------

def _dict_of(d) -> DictHandle:
    if type(d) is not DictHandle:
        items = elements(d) if not isinstance(d, (ObjectTuple, Vector)) else [d]
        if len(items) != 1:
            raise wrong_number(1, f"a single dict handle expected, got {describe(d)}")
        d = items[0]
        if not isinstance(d, DictHandle):
            raise HdlRuntimeError(ec.WRONG_HANDLE_TYPE if isinstance(d, Handle) else ec.WRONG_TYPE_1,
                                  f"dict handle expected, got {describe(d)}")
    if not d.valid:
        raise HdlRuntimeError(ec.HANDLE_CLEARED, "the dict handle has been cleared")
    return d


def _dict_key(key):
    t = type(key)
    if t is str or t is int:
        return key
    items = elements(key)
    if len(items) != 1:
        raise wrong_number(2, "a dict key must be a single string or integer")
    key = items[0]
    if type(key) is not str and type(key) is not int:
        raise type_error(2, key, "string or integer key")
    return key


def dict_get(d, key):
    """D.key / D.[k]: the stored value; a missing key is an error naming it."""
    data = _dict_of(d).data
    key = _dict_key(key)
    try:
        return data[key]
    except KeyError:
        raise HdlRuntimeError(ec.MISSING_KEY, f"the dict has no key {key!r}") from None


def dict_set(d, key, value) -> None:
    _dict_of(d).data[_dict_key(key)] = copy_value(value)


def make_dict(pairs) -> DictHandle:
    h = DictHandle()
    for key, value in pairs:
        h.data[_dict_key(key)] = copy_value(value)
    return h


# ---- vectors --------------------------------------------------------------------

def _category(x) -> str:
    if type(x) is Vector:
        return "vector"
    if isinstance(x, ObjectTuple):
        return "object"
    return "tuple"


def _leaf_kind(x):
    if type(x) is Vector:
        return x.kind
    return "object" if isinstance(x, ObjectTuple) else "tuple"


def _empty_like(x):
    cat = _category(x)
    if cat == "vector":
        return Vector([], x.kind)
    if cat == "object":
        return ObjectTuple()
    return []


def _check_vector_element(v: Vector, x) -> None:
    if v.items:
        if _category(v.items[0]) != _category(x):
            raise HdlRuntimeError(ec.WRONG_VECTOR_DIM if "vector" in (_category(v.items[0]), _category(x))
                                  else ec.WRONG_VECTOR_TYPE,
                                  f"a vector of {_category(v.items[0])}s cannot hold a {_category(x)}")
    kind = _leaf_kind(x)
    if v.kind is not None and kind is not None and kind != v.kind:
        raise HdlRuntimeError(ec.WRONG_VECTOR_TYPE, f"a vector of {v.kind}s cannot hold a {kind}")
    if v.kind is None:
        v.kind = kind


def _vector_of(v) -> Vector:
    if type(v) is not Vector:
        raise wrong_type(1, f"vector expected, got {describe(v)}")
    return v


def make_vector(items) -> Vector:
    v = Vector([], None)
    for x in items:
        _check_vector_element(v, x)
        v.items.append(copy_value(x))
    return v


def vector_at(v, i):
    v = _vector_of(v)
    i = single_int(i, 1)
    n = len(v.items)
    if 0 <= i < n:
        return v.items[i]
    raise HdlRuntimeError(ec.INDEX_OUT_OF_RANGE,
                          f"vector index {i} out of range (vector of {n} elements)")


def vector_set(v, i, value) -> None:
    """V.at(i) := x; beyond the end the vector grows, gaps get empty elements."""
    v = _vector_of(v)
    i = single_int(i, 1)
    if i < 0:
        raise HdlRuntimeError(ec.INDEX_OUT_OF_RANGE, f"negative vector index {i}")
    _check_vector_element(v, value)
    items = v.items
    value = copy_value(value)
    if i < len(items):
        items[i] = value
        return
    while len(items) < i:
        items.append(_empty_like(value))
    items.append(value)


def vector_slot(v, i):
    """V.at(i) as the target of a nested assignment (V.at(i).at(j) := x): grows V as needed."""
    v = _vector_of(v)
    i = single_int(i, 1)
    if i < 0:
        raise HdlRuntimeError(ec.INDEX_OUT_OF_RANGE, f"negative vector index {i}")
    items = v.items
    if i >= len(items):
        if items and type(items[0]) is not Vector:
            raise HdlRuntimeError(ec.WRONG_VECTOR_DIM,
                                  f"a vector of {_category(items[0])}s holds no vectors")
        while len(items) <= i:
            items.append(Vector([], v.kind))
    if type(items[i]) is not Vector:
        raise HdlRuntimeError(ec.WRONG_VECTOR_DIM, f"element {i} of the vector is no vector")
    return items[i]


def vector_method(v, name: str, args):
    """V.length(), V.at(i), V.insert(i, x), V.remove(i), V.clear(), V.concat(W)."""
    v = _vector_of(v)
    nargs = len(args)
    expected = {"length": 0, "at": 1, "insert": 2, "remove": 1, "clear": 0, "concat": 1}
    if name not in expected:
        raise HdlRuntimeError(ec.UNKNOWN_FUNCTION, f"unknown vector method '{name}'")
    if nargs != expected[name]:
        raise HdlRuntimeError(ec.WRONG_ARG_COUNT, f"vector method '{name}' expects {expected[name]} "
                              f"argument{'s' if expected[name] != 1 else ''}, got {nargs}")
    if name == "length":
        return len(v.items)
    if name == "at":
        return vector_at(v, args[0])
    if name == "clear":
        v.items.clear()
        return v
    if name == "insert":
        i = single_int(args[0], 1)
        if i < 0:
            raise HdlRuntimeError(ec.INDEX_OUT_OF_RANGE, f"negative vector index {i}")
        value = args[1]
        _check_vector_element(v, value)
        while len(v.items) < i:
            v.items.append(_empty_like(value))
        v.items.insert(i, copy_value(value))
        return v
    if name == "remove":
        i = single_int(args[0], 1)
        if not 0 <= i < len(v.items):
            raise HdlRuntimeError(ec.INDEX_OUT_OF_RANGE,
                                  f"vector index {i} out of range (vector of {len(v.items)} elements)")
        del v.items[i]
        return v
    # concat
    w = _vector_of(args[0])
    result = v.copy()
    for x in w.items:
        _check_vector_element(result, x)
        result.items.append(copy_value(x))
    return result
