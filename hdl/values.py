"""Runtime values of HDevelop programs and the operations of its expressions.

A *control tuple* is represented as

* a bare Python ``int`` / ``float`` / ``str`` / :class:`Handle`: a tuple of
  length 1;
* a Python ``list`` of such scalars: any other length (a 1-element list is
  accepted everywhere and means the scalar);
* a 1-D ``numpy.ndarray`` of dtype int64 or float64: a homogeneous numeric
  tuple, used for large tuples so that element-wise arithmetic runs at numpy
  speed.  Elements taken out of arrays are always Python ``int``/``float``.

Every function here takes such values and returns canonical ones (length 1 →
the bare scalar, length 0 → ``[]``).  The compiled program calls these
functions; it inlines its own fast paths for two Python ints, but every
function still checks ``type(x) is int`` first.  Semantics and the decisions
behind them: docs/semantics.md, "Runtime values and expressions".
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np

from . import errorcodes as ec
from .errors import HdlRuntimeError

_ND = np.ndarray
_I64 = np.dtype(np.int64)
_F64 = np.dtype(np.float64)
INT64_MIN = -0x8000000000000000
INT64_MAX = 0x7FFFFFFFFFFFFFFF
_MASK64 = 0xFFFFFFFFFFFFFFFF


# ---- value classes ---------------------------------------------------------

class Handle:
    """A HALCON handle: compared by identity; `valid` becomes False when cleared."""

    __slots__ = ("valid", "__weakref__")
    type_name = "handle"

    def __init__(self):
        self.valid = True

    def clear(self) -> None:
        self.valid = False

    def __repr__(self) -> str:
        return f"H0x{id(self):x}"


class DictHandle(Handle):
    """A dictionary (create_dict / dict{…}).  Keys are str or int."""

    __slots__ = ("data",)
    type_name = "dict"

    def __init__(self, data: dict | None = None):
        super().__init__()
        self.data = {} if data is None else data


class IconicObject:
    """Minimal base of iconic objects (images, regions, XLD …)."""

    type_name = "object"


class ObjectTuple:
    """An immutable-by-convention sequence of iconic objects."""

    __slots__ = ("items",)

    def __init__(self, items=()):
        self.items = list(items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)

    def __eq__(self, other) -> bool:
        if not isinstance(other, ObjectTuple) or len(self.items) != len(other.items):
            return False
        return all(a is b for a, b in zip(self.items, other.items))

    __hash__ = None

    def __repr__(self) -> str:
        return f"ObjectTuple({', '.join(getattr(o, 'type_name', '?') for o in self.items)})"


class Vector:
    """An HDevelop vector: `items` are control values, ObjectTuples or Vectors.

    `kind` is the leaf element kind ('tuple' or 'object'), None while unknown.
    Assignment has value semantics: the runtime stores `copy()`.
    """

    __slots__ = ("items", "kind")

    def __init__(self, items=None, kind: str | None = None):
        self.items = [] if items is None else items
        self.kind = kind

    def copy(self) -> "Vector":
        return Vector([x.copy() if type(x) is Vector else x for x in self.items], self.kind)

    def __len__(self) -> int:
        return len(self.items)

    def __eq__(self, other) -> bool:
        if not isinstance(other, Vector) or len(self.items) != len(other.items):
            return False
        for a, b in zip(self.items, other.items):
            if type(a) is Vector or type(b) is Vector or isinstance(a, ObjectTuple):
                if a != b:
                    return False
            elif isinstance(b, ObjectTuple) or not eq(a, b):
                return False
        return True

    __hash__ = None

    def __repr__(self) -> str:
        return f"Vector({self.items!r})"


# ---- errors ------------------------------------------------------------------

def _err(code: int, message: str, operator: str | None = None) -> HdlRuntimeError:
    return HdlRuntimeError(code, message, operator=operator)


def _describe(v) -> str:
    t = type(v)
    if t is int:
        return f"integer {v}"
    if t is float:
        return f"real {v!r}"
    if t is str:
        return f"string {v!r}"
    if isinstance(v, Handle):
        return f"handle of type '{v.type_name}'"
    if t is list or t is _ND:
        return f"tuple of {length(v)} values"
    if isinstance(v, ObjectTuple):
        return "iconic object"
    if t is Vector:
        return "vector"
    return t.__name__


def _type_error(param: int, value, expected: str, operator: str | None = None):
    return _err(ec.wrong_type(param), f"{expected} expected, got {_describe(value)}", operator)


# ---- basic helpers -------------------------------------------------------------

def _wrap(x: int) -> int:
    """Wrap a Python int to signed 64 bit (two's complement)."""
    x &= _MASK64
    return x - 0x10000000000000000 if x > INT64_MAX else x


wrap = _wrap


def _seq(v):
    """The elements of a control value as a list (may be the value itself: do not mutate)."""
    t = type(v)
    if t is list:
        return v
    if t is _ND:
        return v.tolist()
    if t is int or t is float or t is str or isinstance(v, Handle):
        return [v]
    if isinstance(v, (np.integer, np.floating)):
        return [v.item()]
    if isinstance(v, bool):
        return [int(v)]
    if isinstance(v, tuple):
        return list(v)
    raise _err(ec.CONTROL_EXPECTED, f"control value expected, got {_describe(v)}")


def as_list(v) -> list:
    """A fresh Python list of the scalars of a control value."""
    t = type(v)
    if t is list:
        return v.copy()
    if t is _ND:
        return v.tolist()
    return list(_seq(v))


def length(v) -> int:
    """Number of elements of a control tuple, object tuple or vector."""
    t = type(v)
    if t is list:
        return len(v)
    if t is _ND:
        return v.shape[0]
    if t is int or t is float or t is str or isinstance(v, Handle):
        return 1
    if isinstance(v, (ObjectTuple, Vector)):
        return len(v)
    return len(_seq(v))


def length_of(v) -> int:
    """|x|: tuples, object tuples (number of objects) and vectors (number of elements)."""
    return length(v)


def canonical(x):
    """Length 1 → the bare scalar, length 0 → [], otherwise the list / int64-float64 array."""
    t = type(x)
    if t is list:
        if len(x) == 1:
            return x[0]
        return x
    if t is _ND:
        n = x.shape[0] if x.ndim else 1
        if x.ndim != 1:
            x = x.reshape(-1)
            n = x.shape[0]
        if n == 1:
            return x[0].item()
        if n == 0:
            return []
        if x.dtype != _I64 and x.dtype != _F64:
            if x.dtype.kind in "biu":
                return x.astype(np.int64)
            if x.dtype.kind == "f":
                return x.astype(np.float64)
            return canonical(x.tolist())
        return x
    if isinstance(x, np.generic):
        return x.item()
    if t is tuple:
        return canonical(list(x))
    return x


def _is_num(x) -> bool:
    t = type(x)
    return t is int or t is float


def _num_array(v):
    """v as an int64/float64 array when it is homogeneous numeric, else None."""
    t = type(v)
    if t is _ND:
        return v
    if t is int:
        return np.array((v,), dtype=np.int64)
    if t is float:
        return np.array((v,), dtype=np.float64)
    if t is list:
        if not v:
            return None
        t0 = type(v[0])
        if t0 is not int and t0 is not float:
            return None
        for x in v:
            if type(x) is not t0:
                return None
        return np.array(v, dtype=np.int64 if t0 is int else np.float64)
    return None


def _check_lengths(na: int, nb: int, operator: str):
    if na != nb and na != 1 and nb != 1:
        raise _err(ec.LENGTH_MISMATCH,
                   f"tuples of different lengths ({na} and {nb}) in an element-wise operation",
                   operator)


def _elementwise(a, b, fn, operator: str, empty_ok: bool = True):
    """Apply fn(x, y) by the tuple rule (length-1 broadcast, equal lengths)."""
    la = _seq(a)
    lb = _seq(b)
    na, nb = len(la), len(lb)
    if na == 0 or nb == 0:
        if empty_ok:
            return []
        raise _err(ec.wrong_number(1 if na == 0 else 2), "empty tuple as operand", operator)
    if na == nb:
        res = [fn(x, y) for x, y in zip(la, lb)]
    elif nb == 1:
        y = lb[0]
        res = [fn(x, y) for x in la]
    elif na == 1:
        x = la[0]
        res = [fn(x, y) for y in lb]
    else:
        _check_lengths(na, nb, operator)
    return res[0] if len(res) == 1 else res


def _np_binary(a, b, operator: str):
    """(A, B) arrays for a numpy path, or None when an operand is not homogeneous numeric."""
    A = _num_array(a)
    if A is None:
        return None
    B = _num_array(b)
    if B is None:
        return None
    _check_lengths(A.shape[0], B.shape[0], operator)
    return A, B


def _np_result(r):
    if r.shape[0] == 1:
        return r[0].item()
    if r.shape[0] == 0:
        return []
    return r


# ---- number → text -------------------------------------------------------------

def to_text(x) -> str:
    """How `+` turns an element into text: integers in decimal, reals like C's %g."""
    t = type(x)
    if t is str:
        return x
    if t is int:
        return str(x)
    if t is float:
        return _real_text(x)
    if isinstance(x, Handle):
        return repr(x)
    raise _type_error(1, x, "number or string")


def _real_text(x: float) -> str:
    if x != x:
        return "nan"
    if x in (math.inf, -math.inf):
        return "inf" if x > 0 else "-inf"
    return "%g" % x


# ---- arithmetic -----------------------------------------------------------------

def _add1(x, y):
    tx, ty = type(x), type(y)
    if tx is int and ty is int:
        r = x + y
        return r if INT64_MIN <= r <= INT64_MAX else _wrap(r)
    if (tx is int or tx is float) and (ty is int or ty is float):
        return x + y
    if tx is str or ty is str:
        if isinstance(x, Handle) or isinstance(y, Handle):
            raise _type_error(1 if isinstance(x, Handle) else 2, x if isinstance(x, Handle) else y,
                              "number or string", "tuple_add")
        return to_text(x) + to_text(y)
    raise _type_error(1 if not _is_num(x) else 2, x if not _is_num(x) else y,
                      "number or string", "tuple_add")


def _num_check(x, y, operator):
    if not _is_num(x):
        raise _type_error(1, x, "number", operator)
    raise _type_error(2, y, "number", operator)


def _sub1(x, y):
    tx, ty = type(x), type(y)
    if tx is int and ty is int:
        r = x - y
        return r if INT64_MIN <= r <= INT64_MAX else _wrap(r)
    if (tx is int or tx is float) and (ty is int or ty is float):
        return x - y
    _num_check(x, y, "tuple_sub")


def _mul1(x, y):
    tx, ty = type(x), type(y)
    if tx is int and ty is int:
        r = x * y
        return r if INT64_MIN <= r <= INT64_MAX else _wrap(r)
    if (tx is int or tx is float) and (ty is int or ty is float):
        return x * y
    _num_check(x, y, "tuple_mult")


def _idiv(x: int, y: int) -> int:
    """C integer division: truncation toward zero, wrapping INT64_MIN / -1."""
    if y == 0:
        raise _err(ec.DIVISION_BY_ZERO, "division by zero", "tuple_div")
    q = abs(x) // abs(y)
    if (x < 0) != (y < 0):
        q = -q
    return q if q <= INT64_MAX else _wrap(q)


def _div1(x, y):
    tx, ty = type(x), type(y)
    if tx is int and ty is int:
        return _idiv(x, y)
    if (tx is int or tx is float) and (ty is int or ty is float):
        if y == 0:
            raise _err(ec.DIVISION_BY_ZERO, "division by zero", "tuple_div")
        return x / y
    _num_check(x, y, "tuple_div")


def _mod1(x, y):
    if type(x) is int and type(y) is int:
        if y == 0:
            raise _err(ec.DIVISION_BY_ZERO, "modulo by zero", "tuple_mod")
        r = abs(x) % abs(y)
        return -r if x < 0 else r
    if type(x) is not int:
        raise _type_error(1, x, "integer", "tuple_mod")
    raise _type_error(2, y, "integer", "tuple_mod")


def add(a, b):
    """a + b: numbers add, with a string on either side the elements are concatenated."""
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        r = a + b
        return r if INT64_MIN <= r <= INT64_MAX else _wrap(r)
    if (ta is float and (tb is float or tb is int)) or (ta is int and tb is float):
        return a + b
    if ta is str and tb is str:
        return a + b
    if ta is _ND or tb is _ND:
        p = _np_binary(a, b, "tuple_add")
        if p is not None:
            return _np_result(p[0] + p[1])
    return _elementwise(a, b, _add1, "tuple_add")


def sub(a, b):
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        r = a - b
        return r if INT64_MIN <= r <= INT64_MAX else _wrap(r)
    if (ta is float and (tb is float or tb is int)) or (ta is int and tb is float):
        return a - b
    if ta is _ND or tb is _ND:
        p = _np_binary(a, b, "tuple_sub")
        if p is not None:
            return _np_result(p[0] - p[1])
    return _elementwise(a, b, _sub1, "tuple_sub")


def mul(a, b):
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        r = a * b
        return r if INT64_MIN <= r <= INT64_MAX else _wrap(r)
    if (ta is float and (tb is float or tb is int)) or (ta is int and tb is float):
        return a * b
    if ta is _ND or tb is _ND:
        p = _np_binary(a, b, "tuple_mult")
        if p is not None:
            A, B = p
            if A.dtype == _I64 and B.dtype == _I64:
                with np.errstate(over="ignore"):
                    return _np_result(A * B)
            return _np_result(A * B)
    return _elementwise(a, b, _mul1, "tuple_mult")


def div(a, b):
    """a / b: integer division (truncating) for two integers, real division otherwise."""
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return _idiv(a, b)
    if (ta is float and (tb is float or tb is int)) or (ta is int and tb is float):
        if b == 0:
            raise _err(ec.DIVISION_BY_ZERO, "division by zero", "tuple_div")
        return a / b
    if ta is _ND or tb is _ND:
        p = _np_binary(a, b, "tuple_div")
        if p is not None:
            A, B = p
            if A.shape[0] == 0 or B.shape[0] == 0:
                return []
            if not B.all():
                raise _err(ec.DIVISION_BY_ZERO, "division by zero", "tuple_div")
            if A.dtype == _I64 and B.dtype == _I64:
                with np.errstate(over="ignore"):
                    q = np.abs(A) // np.abs(B)
                    return _np_result(np.where((A < 0) != (B < 0), -q, q))
            return _np_result(A / B)
    return _elementwise(a, b, _div1, "tuple_div")


def mod(a, b):
    """a % b for integers; the result has the sign of a (C semantics)."""
    if type(a) is int and type(b) is int:
        return _mod1(a, b)
    if type(a) is _ND or type(b) is _ND:
        p = _np_binary(a, b, "tuple_mod")
        if p is not None and p[0].dtype == _I64 and p[1].dtype == _I64:
            A, B = p
            if A.shape[0] == 0 or B.shape[0] == 0:
                return []
            if not B.all():
                raise _err(ec.DIVISION_BY_ZERO, "modulo by zero", "tuple_mod")
            return _np_result(np.fmod(A, B))
    return _elementwise(a, b, _mod1, "tuple_mod")


def _neg1(x):
    t = type(x)
    if t is int:
        return -x if x != INT64_MIN else INT64_MIN
    if t is float:
        return -x
    raise _type_error(1, x, "number", "tuple_neg")


def neg(a):
    t = type(a)
    if t is int:
        return -a if a != INT64_MIN else INT64_MIN
    if t is float:
        return -a
    if t is _ND:
        with np.errstate(over="ignore"):
            return -a
    return canonical([_neg1(x) for x in _seq(a)])


# ---- bits ---------------------------------------------------------------------

def _int_pair(x, y, operator):
    if type(x) is not int:
        raise _type_error(1, x, "integer", operator)
    if type(y) is not int:
        raise _type_error(2, y, "integer", operator)


def _band1(x, y):
    _int_pair(x, y, "tuple_band")
    return x & y


def _bor1(x, y):
    _int_pair(x, y, "tuple_bor")
    return x | y


def _bxor1(x, y):
    _int_pair(x, y, "tuple_bxor")
    return x ^ y


def _lsh1(x, y):
    _int_pair(x, y, "tuple_lsh")
    if y < 0:
        raise _err(ec.WRONG_VALUE_2, f"negative shift {y}", "tuple_lsh")
    if y >= 64:
        return 0
    return _wrap(x << y)


def _rsh1(x, y):
    _int_pair(x, y, "tuple_rsh")
    if y < 0:
        raise _err(ec.WRONG_VALUE_2, f"negative shift {y}", "tuple_rsh")
    return x >> min(y, 63)


def _int_binary(a, b, fn, operator, npfn=None):
    if type(a) is int and type(b) is int:
        return fn(a, b)
    if npfn is not None and (type(a) is _ND or type(b) is _ND):
        p = _np_binary(a, b, operator)
        if p is not None and p[0].dtype == _I64 and p[1].dtype == _I64:
            return _np_result(npfn(p[0], p[1]))
    return _elementwise(a, b, fn, operator)


def band(a, b):
    if type(a) is int and type(b) is int:
        return a & b
    return _int_binary(a, b, _band1, "tuple_band", np.bitwise_and)


def bor(a, b):
    if type(a) is int and type(b) is int:
        return a | b
    return _int_binary(a, b, _bor1, "tuple_bor", np.bitwise_or)


def bxor(a, b):
    if type(a) is int and type(b) is int:
        return a ^ b
    return _int_binary(a, b, _bxor1, "tuple_bxor", np.bitwise_xor)


def lsh(a, b):
    return _int_binary(a, b, _lsh1, "tuple_lsh")


def rsh(a, b):
    return _int_binary(a, b, _rsh1, "tuple_rsh")


def _bnot1(x):
    if type(x) is not int:
        raise _type_error(1, x, "integer", "tuple_bnot")
    return ~x


def bnot(a):
    if type(a) is int:
        return ~a
    if type(a) is _ND and a.dtype == _I64:
        return ~a
    return canonical([_bnot1(x) for x in _seq(a)])


# ---- logic --------------------------------------------------------------------

def _and1(x, y):
    _int_pair(x, y, "tuple_and")
    return 1 if x and y else 0


def _or1(x, y):
    _int_pair(x, y, "tuple_or")
    return 1 if x or y else 0


def _xor1(x, y):
    _int_pair(x, y, "tuple_xor")
    return 1 if bool(x) != bool(y) else 0


def and_(a, b):
    if type(a) is int and type(b) is int:
        return 1 if a and b else 0
    return _elementwise(a, b, _and1, "tuple_and", empty_ok=False)


def or_(a, b):
    if type(a) is int and type(b) is int:
        return 1 if a or b else 0
    return _elementwise(a, b, _or1, "tuple_or", empty_ok=False)


def xor(a, b):
    if type(a) is int and type(b) is int:
        return 1 if bool(a) != bool(b) else 0
    return _elementwise(a, b, _xor1, "tuple_xor", empty_ok=False)


def _not1(x):
    if type(x) is not int:
        raise _type_error(1, x, "integer", "tuple_not")
    return 0 if x else 1


def not_(a):
    if type(a) is int:
        return 0 if a else 1
    items = _seq(a)
    if not items:
        raise _err(ec.EMPTY_OPERAND, "empty tuple as operand", "tuple_not")
    return canonical([_not1(x) for x in items])


def truth(v, what: str = "condition") -> bool:
    """A condition's value: exactly one integer (booleans are integers); 0 is false."""
    t = type(v)
    if t is int:
        return v != 0
    if t is list or t is _ND:
        n = length(v)
        if n == 1:
            return truth(_seq(v)[0], what)
        raise _err(ec.CONDITION_NUMBER,
                   f"{what} must be a single integer value, got a tuple of {n} values")
    raise _err(ec.CONDITION_TYPE, f"{what} must be an integer (0 or 1), got {_describe(v)}")


# ---- comparison -----------------------------------------------------------------

def _elem_eq(x, y) -> bool:
    tx, ty = type(x), type(y)
    if tx is str or ty is str:
        return tx is ty and x == y
    if (tx is int or tx is float) and (ty is int or ty is float):
        return x == y
    return x is y


def _elem_cmp(x, y, operator: str) -> int:
    tx, ty = type(x), type(y)
    if (tx is int or tx is float) and (ty is int or ty is float):
        return -1 if x < y else (1 if x > y else 0)
    if tx is str and ty is str:
        return -1 if x < y else (1 if x > y else 0)
    if isinstance(x, Handle) and isinstance(y, Handle) and x is y:
        return 0
    bad_first = isinstance(x, Handle) and not isinstance(y, Handle)
    raise _err(ec.WRONG_TYPE_1 if bad_first else ec.WRONG_TYPE_2,
               f"cannot compare {_describe(x)} with {_describe(y)}", operator)


def eq(a, b) -> int:
    """a == b on whole tuples: same length and pairwise equal elements (1 == 1.0)."""
    ta, tb = type(a), type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return 1 if a == b else 0
    if ta is str and tb is str:
        return 1 if a == b else 0
    if ta is _ND and tb is _ND:
        return 1 if a.shape == b.shape and bool(np.array_equal(a, b)) else 0
    la, lb = _seq(a), _seq(b)
    if len(la) != len(lb):
        return 0
    for x, y in zip(la, lb):
        if not _elem_eq(x, y):
            return 0
    return 1


def ne(a, b) -> int:
    return 1 - eq(a, b)


def _compare(a, b, operator: str) -> int:
    """Lexicographic three-way comparison of whole tuples."""
    la, lb = _seq(a), _seq(b)
    for x, y in zip(la, lb):
        c = _elem_cmp(x, y, operator)
        if c:
            return c
    return (len(la) > len(lb)) - (len(la) < len(lb))


def lt(a, b) -> int:
    ta, tb = type(a), type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return 1 if a < b else 0
    if ta is str and tb is str:
        return 1 if a < b else 0
    return 1 if _compare(a, b, "tuple_less") < 0 else 0


def le(a, b) -> int:
    ta, tb = type(a), type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return 1 if a <= b else 0
    if ta is str and tb is str:
        return 1 if a <= b else 0
    return 1 if _compare(a, b, "tuple_less_equal") <= 0 else 0


def gt(a, b) -> int:
    ta, tb = type(a), type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return 1 if a > b else 0
    if ta is str and tb is str:
        return 1 if a > b else 0
    return 1 if _compare(a, b, "tuple_greater") > 0 else 0


def ge(a, b) -> int:
    ta, tb = type(a), type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return 1 if a >= b else 0
    if ta is str and tb is str:
        return 1 if a >= b else 0
    return 1 if _compare(a, b, "tuple_greater_equal") >= 0 else 0


def _cmp_elem(a, b, test, nptest, operator):
    if (type(a) is _ND or type(b) is _ND):
        p = _np_binary(a, b, operator)
        if p is not None:
            return _np_result(nptest(p[0], p[1]).astype(np.int64))
    if test is None:
        return _elementwise(a, b, lambda x, y: 1 if _elem_eq(x, y) else 0, operator)
    return _elementwise(a, b, lambda x, y: 1 if test(_elem_cmp(x, y, operator)) else 0,
                        operator)


def eq_elem(a, b):
    return _cmp_elem(a, b, None, np.equal, "tuple_equal_elem")


def ne_elem(a, b):
    r = eq_elem(a, b)
    if type(r) is int:
        return 1 - r
    if type(r) is _ND:
        return 1 - r
    return [1 - x for x in r]


def lt_elem(a, b):
    return _cmp_elem(a, b, lambda c: c < 0, np.less, "tuple_less_elem")


def le_elem(a, b):
    return _cmp_elem(a, b, lambda c: c <= 0, np.less_equal, "tuple_less_equal_elem")


def gt_elem(a, b):
    return _cmp_elem(a, b, lambda c: c > 0, np.greater, "tuple_greater_elem")


def ge_elem(a, b):
    return _cmp_elem(a, b, lambda c: c >= 0, np.greater_equal, "tuple_greater_equal_elem")


# ---- regular expressions (shared with functions.py) ------------------------------

REGEX_OPTIONS = {"ignore_case", "multiline", "dot_matches_all", "newline_lf", "newline_crlf",
                 "newline_cr", "replace_all", "invert_match"}

_POSIX_CLASSES = {
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z",
    "space": r" \t\n\r\f\v", "punct": r"!-/:-@\[-`{-~", "xdigit": "0-9A-Fa-f", "word": r"\w",
    "blank": r" \t", "cntrl": r"\x00-\x1f\x7f", "print": r"\x20-\x7e", "graph": r"\x21-\x7e",
}


def _perl_to_python(pattern: str) -> str:
    """Translate the Perl-only bits of a HALCON (PCRE) pattern to Python `re`."""
    out = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            d = pattern[i + 1]
            if d == "z":
                out.append(r"\Z")
            elif d == "Z":
                out.append(r"(?=\n?\Z)")
            else:
                out.append(pattern[i:i + 2])
            i += 2
            continue
        if c == "[" and pattern.startswith("[:", i):
            end = pattern.find(":]", i + 2)
            name = pattern[i + 2:end] if end > 0 else ""
            if name in _POSIX_CLASSES:
                out.append(_POSIX_CLASSES[name])
                i = end + 2
                continue
        out.append(c)
        i += 1
    return "".join(out)


@lru_cache(maxsize=512)
def _compile_regex(pattern: str, flags: int):
    try:
        return re.compile(_perl_to_python(pattern), flags)
    except re.error as exc:
        raise _err(ec.WRONG_VALUE_2, f"invalid regular expression {pattern!r}: {exc}") from None


def compile_regex(expression, param: int = 2):
    """A (compiled pattern, option set) from HALCON's [Pattern, Option, …] tuple."""
    items = _seq(expression)
    if not items or type(items[0]) is not str:
        raise _err(ec.wrong_type(param), "regular expression must be a string")
    options = set()
    for o in items[1:]:
        if type(o) is not str or o not in REGEX_OPTIONS:
            raise _err(ec.wrong_value(param), f"unknown regular expression option {o!r}")
        options.add(o)
    flags = 0
    if "ignore_case" in options:
        flags |= re.IGNORECASE
    if "multiline" in options:
        flags |= re.MULTILINE
    if "dot_matches_all" in options:
        flags |= re.DOTALL
    return _compile_regex(items[0], flags), options


def regex_count(t, pattern) -> int:
    """t =~ pattern: number of string elements of t matching (like tuple_regexp_test)."""
    rx, options = compile_regex(pattern)
    invert = "invert_match" in options
    count = 0
    for x in _seq(t):
        if type(x) is str:
            if (rx.search(x) is not None) != invert:
                count += 1
    return count


# ---- $ formatting -------------------------------------------------------------

_FORMAT_RE = re.compile(r"([-+ #0]*)(\d*)(?:\.(\d*))?([diouxXfFeEgGs]?)")


@lru_cache(maxsize=256)
def _parse_format(spec: str):
    m = _FORMAT_RE.fullmatch(spec)
    if m is None:
        raise _err(ec.WRONG_VALUE_2, f"invalid format specification {spec!r}", "tuple_string")
    flags, width, precision, conv = m.groups()
    head = "%" + flags + width + ("." + precision if precision is not None else "")
    return head, conv


def _format1(x, head: str, conv: str) -> str:
    t = type(x)
    if not conv:
        conv = "d" if t is int else ("g" if t is float else "s")
    if conv in "diouxX":
        if t is float:
            if x != x or x in (math.inf, -math.inf):
                raise _err(ec.WRONG_VALUE_1, f"cannot format {x!r} as an integer", "tuple_string")
            x = int(x)
        elif t is not int:
            raise _type_error(1, x, "number", "tuple_string")
        if conv in "ouxX" and x < 0:
            x &= _MASK64
        s = (head + conv) % x
        if conv == "o" and "#" in head:
            s = s.replace("0o", "0", 1)
        return s
    if conv in "fFeEgG":
        if t is int:
            x = float(x)
        elif t is not float:
            raise _type_error(1, x, "number", "tuple_string")
        return (head + conv) % x
    # 's'
    if t is not str:
        x = to_text(x)
    return (head + "s") % x


def format_value(v, spec):
    """v $ spec: C printf conversion (without %) applied to each element."""
    if type(spec) is not str:
        items = _seq(spec)
        if len(items) != 1:
            raise _err(ec.WRONG_NUMBER_2, "format must be a single string", "tuple_string")
        spec = items[0]
        if type(spec) is not str:
            raise _type_error(2, spec, "format string", "tuple_string")
    head, conv = _parse_format(spec)
    t = type(v)
    if t is int or t is float or t is str:
        return _format1(v, head, conv)
    return canonical([_format1(x, head, conv) for x in _seq(v)])


# ---- selection ------------------------------------------------------------------

def _index(i, n: int, param: int = 2, what: str = "index") -> int:
    if type(i) is not int:
        if isinstance(i, np.integer):
            i = int(i)
        else:
            raise _type_error(param, i, f"integer {what}")
    if i < 0 or i >= n:
        raise _err(ec.INDEX_OUT_OF_RANGE, f"{what} {i} out of range (tuple of {n} values)")
    return i


def select(t, idx):
    """t[i] (0-based); a tuple of indices gathers."""
    tt = type(t)
    if type(idx) is int:
        if tt is list:
            if 0 <= idx < len(t):
                return t[idx]
            _index(idx, len(t))
        if tt is _ND:
            if 0 <= idx < t.shape[0]:
                return t[idx].item()
            _index(idx, t.shape[0])
        if tt is int or tt is float or tt is str or isinstance(t, Handle):
            if idx == 0:
                return t
            _index(idx, 1)
    n = length(t)
    if type(idx) is _ND and tt is _ND and idx.dtype == _I64:
        if idx.shape[0] and (idx.min() < 0 or idx.max() >= n):
            _index(int(idx[(idx < 0) | (idx >= n)][0]), n)
        return _np_result(t[idx])
    ids = [_index(i, n) for i in _seq(idx)]
    if tt is _ND:
        return _np_result(t[np.array(ids, dtype=np.int64)])
    items = _seq(t)
    return canonical([items[i] for i in ids])


def select_range(t, i, j):
    """t[i:j], both ends inclusive; j = i-1 gives []."""
    n = length(t)
    i = _single_int(i, 2)
    j = _single_int(j, 3)
    if i < 0 or i > n or j >= n or j < i - 1:
        raise _err(ec.INDEX_OUT_OF_RANGE, f"range {i}:{j} out of range (tuple of {n} values)")
    if type(t) is _ND:
        return _np_result(t[i:j + 1])
    return canonical(_seq(t)[i:j + 1])


def _single_int(v, param: int, what: str = "index") -> int:
    if type(v) is int:
        return v
    items = _seq(v)
    if len(items) != 1:
        raise _err(ec.wrong_number(param), f"{what} must be a single integer")
    if type(items[0]) is not int:
        raise _type_error(param, items[0], f"integer {what}")
    return items[0]


def _char1(x, i):
    if type(i) is not int:
        raise _type_error(2, i, "integer index", "tuple_str_bit_select")
    if type(x) is str:
        if 0 <= i < len(x):
            return x[i]
        raise _err(ec.INDEX_OUT_OF_RANGE,
                   f"character index {i} out of range (string of length {len(x)})",
                   "tuple_str_bit_select")
    if type(x) is int:
        if 0 <= i < 64:
            return (x >> i) & 1
        raise _err(ec.INDEX_OUT_OF_RANGE, f"bit index {i} out of range", "tuple_str_bit_select")
    raise _type_error(1, x, "string or integer", "tuple_str_bit_select")


def char_at(s, i):
    """s{i}: character i of each string (for integers: bit i)."""
    if type(s) is str and type(i) is int:
        if 0 <= i < len(s):
            return s[i]
    return _elementwise(s, i, _char1, "tuple_str_bit_select")


def _substr1(x, i, j):
    if type(x) is not str:
        raise _type_error(1, x, "string", "tuple_substr")
    if type(i) is not int:
        raise _type_error(2, i, "integer position", "tuple_substr")
    if type(j) is not int:
        raise _type_error(3, j, "integer position", "tuple_substr")
    if i < 0:
        raise _err(ec.WRONG_VALUE_2, f"negative position {i}", "tuple_substr")
    return x[i:j + 1] if j >= i else ""


def substr(s, i, j):
    """s{i:j}: characters i … j (inclusive, clipped at the end) of each string."""
    if type(s) is str and type(i) is int and type(j) is int:
        return _substr1(s, i, j)
    ls, li, lj = _seq(s), _seq(i), _seq(j)
    n = max(len(ls), len(li), len(lj))
    if not ls or not li or not lj:
        return []
    for k, l in enumerate((ls, li, lj)):
        if len(l) not in (1, n):
            raise _err(ec.wrong_number(k + 1), "tuples of different lengths", "tuple_substr")
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
        elif t is _ND:
            return _concat_arrays(parts)
        else:
            out.extend(_seq(p))
    return out[0] if len(out) == 1 else out


def _concat_arrays(parts):
    """concat with an array among the parts: an array again when the result is homogeneous."""
    arrays = []
    dtype = None
    for p in parts:
        A = _num_array(p) if type(p) is not list or p else np.empty(0, np.int64)
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
        return _np_result(np.concatenate(arrays))
    out = []
    for p in parts:
        t = type(p)
        if t is list:
            out.extend(p)
        elif t is _ND:
            out.extend(p.tolist())
        else:
            out.extend(_seq(p))
    return out[0] if len(out) == 1 else out


def _seq_count(start, end, step) -> int:
    if type(start) is int and type(end) is int and type(step) is int:
        return (end - start) // step + 1
    return int(math.floor((end - start) / step + 1e-9)) + 1


def sequence(start, end, step=None):
    """[start:end] / [start:step:end] (tuple_gen_sequence): end inclusive."""
    s = _single_num(start, 1, "tuple_gen_sequence")
    e = _single_num(end, 2, "tuple_gen_sequence")
    st = 1 if step is None else _single_num(step, 3, "tuple_gen_sequence")
    if st == 0:
        raise _err(ec.WRONG_VALUE_3, "sequence step must not be 0", "tuple_gen_sequence")
    if e != s and (e > s) != (st > 0):
        raise _err(ec.WRONG_VALUE_3, f"step {st} does not lead from {s} to {e}",
                   "tuple_gen_sequence")
    n = _seq_count(s, e, st)
    if type(s) is int and type(e) is int and type(st) is int:
        if n == 1:
            return s
        return np.arange(n, dtype=np.int64) * st + s
    if n == 1:
        return float(s)
    return np.arange(n, dtype=np.float64) * st + s


def _single_num(v, param: int, operator: str):
    t = type(v)
    if t is int or t is float:
        return v
    items = _seq(v)
    if len(items) != 1:
        raise _err(ec.wrong_number(param), "a single number expected", operator)
    if not _is_num(items[0]):
        raise _type_error(param, items[0], "number", operator)
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
    indices = _seq(idx)
    values = _seq(value)
    if not indices:
        return t
    if len(values) != 1 and len(values) != len(indices):
        raise _err(ec.WRONG_NUMBER_3,
                   f"{len(values)} values for {len(indices)} indices in an indexed assignment")
    for i in indices:
        if type(i) is not int:
            raise _type_error(2, i, "integer index")
        if i < 0:
            raise _err(ec.INDEX_OUT_OF_RANGE, f"negative index {i} in an assignment")
    if type(t) is _ND:
        top = max(indices)
        V = _num_array(value)
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


def copy_value(v):
    """What `:=` stores: tuples are immutable values, vectors are deep-copied, dicts shared."""
    if type(v) is Vector:
        return v.copy()
    return v


# ---- dictionaries ---------------------------------------------------------------

def _dict_of(d) -> DictHandle:
    if type(d) is not DictHandle:
        items = _seq(d) if not isinstance(d, (ObjectTuple, Vector)) else [d]
        if len(items) != 1:
            raise _err(ec.WRONG_NUMBER_1, f"a single dict handle expected, got {_describe(d)}")
        d = items[0]
        if not isinstance(d, DictHandle):
            raise _err(ec.WRONG_HANDLE_TYPE if isinstance(d, Handle) else ec.WRONG_TYPE_1,
                       f"dict handle expected, got {_describe(d)}")
    if not d.valid:
        raise _err(ec.HANDLE_CLEARED, "the dict handle has been cleared")
    return d


def _dict_key(key):
    t = type(key)
    if t is str or t is int:
        return key
    items = _seq(key)
    if len(items) != 1:
        raise _err(ec.WRONG_NUMBER_2, "a dict key must be a single string or integer")
    key = items[0]
    if type(key) is not str and type(key) is not int:
        raise _type_error(2, key, "string or integer key")
    return key


def dict_get(d, key):
    """D.key / D.[k]: the stored value; a missing key is an error naming it."""
    data = _dict_of(d).data
    key = _dict_key(key)
    try:
        return data[key]
    except KeyError:
        raise _err(ec.MISSING_KEY, f"the dict has no key {key!r}") from None


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
            raise _err(ec.WRONG_VECTOR_DIM if "vector" in (_category(v.items[0]), _category(x))
                       else ec.WRONG_VECTOR_TYPE,
                       f"a vector of {_category(v.items[0])}s cannot hold a {_category(x)}")
    kind = _leaf_kind(x)
    if v.kind is not None and kind is not None and kind != v.kind:
        raise _err(ec.WRONG_VECTOR_TYPE, f"a vector of {v.kind}s cannot hold a {kind}")
    if v.kind is None:
        v.kind = kind


def _vector_of(v) -> Vector:
    if type(v) is not Vector:
        raise _err(ec.WRONG_TYPE_1, f"vector expected, got {_describe(v)}")
    return v


def make_vector(items) -> Vector:
    v = Vector([], None)
    for x in items:
        _check_vector_element(v, x)
        v.items.append(copy_value(x))
    return v


def vector_at(v, i):
    v = _vector_of(v)
    i = _single_int(i, 1)
    n = len(v.items)
    if 0 <= i < n:
        return v.items[i]
    raise _err(ec.INDEX_OUT_OF_RANGE, f"vector index {i} out of range (vector of {n} elements)")


def vector_set(v, i, value) -> None:
    """V.at(i) := x; beyond the end the vector grows, gaps get empty elements."""
    v = _vector_of(v)
    i = _single_int(i, 1)
    if i < 0:
        raise _err(ec.INDEX_OUT_OF_RANGE, f"negative vector index {i}")
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
    i = _single_int(i, 1)
    if i < 0:
        raise _err(ec.INDEX_OUT_OF_RANGE, f"negative vector index {i}")
    items = v.items
    if i >= len(items):
        if items and type(items[0]) is not Vector:
            raise _err(ec.WRONG_VECTOR_DIM, f"a vector of {_category(items[0])}s holds no vectors")
        while len(items) <= i:
            items.append(Vector([], v.kind))
    if type(items[i]) is not Vector:
        raise _err(ec.WRONG_VECTOR_DIM, f"element {i} of the vector is no vector")
    return items[i]


def vector_method(v, name: str, args):
    """V.length(), V.at(i), V.insert(i, x), V.remove(i), V.clear(), V.concat(W)."""
    v = _vector_of(v)
    nargs = len(args)
    expected = {"length": 0, "at": 1, "insert": 2, "remove": 1, "clear": 0, "concat": 1}
    if name not in expected:
        raise _err(ec.UNKNOWN_FUNCTION, f"unknown vector method '{name}'")
    if nargs != expected[name]:
        raise _err(ec.WRONG_ARG_COUNT, f"vector method '{name}' expects {expected[name]} "
                   f"argument{'s' if expected[name] != 1 else ''}, got {nargs}")
    if name == "length":
        return len(v.items)
    if name == "at":
        return vector_at(v, args[0])
    if name == "clear":
        v.items.clear()
        return v
    if name == "insert":
        i = _single_int(args[0], 1)
        if i < 0:
            raise _err(ec.INDEX_OUT_OF_RANGE, f"negative vector index {i}")
        value = args[1]
        _check_vector_element(v, value)
        while len(v.items) < i:
            v.items.append(_empty_like(value))
        v.items.insert(i, copy_value(value))
        return v
    if name == "remove":
        i = _single_int(args[0], 1)
        if not 0 <= i < len(v.items):
            raise _err(ec.INDEX_OUT_OF_RANGE,
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


# ---- dumps ------------------------------------------------------------------------

def _json_elem(x):
    if isinstance(x, Handle):
        return {"handle": x.type_name}
    return x


def _iconic_json(o) -> dict:
    """Exactly the four fields --dump-vars documents (regions have no size: null)."""
    return {"type": getattr(o, "type_name", None), "width": getattr(o, "width", None),
            "height": getattr(o, "height", None), "channels": getattr(o, "channels", None)}


def to_json(v):
    """The JSON form of a value used by `hdl run --dump-vars`."""
    if type(v) is Vector:
        return {"vector": [to_json(x) for x in v.items]}
    if isinstance(v, ObjectTuple):
        return {"iconic": [_iconic_json(o) for o in v.items]}
    if isinstance(v, IconicObject):
        return to_json(ObjectTuple([v]))
    return [_json_elem(x) for x in _seq(v)]


format = format_value  # noqa: A001  (the name the compiler uses for `$`)
