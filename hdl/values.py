"""Runtime values of HDevelop programs: handles, object tuples, vectors, control tuples.

A *control tuple* is represented as

* a bare Python ``int`` / ``float`` / ``str`` / :class:`Handle`: a tuple of
  length 1;
* a Python ``list`` of such scalars: any other length (a 1-element list is
  accepted everywhere and means the scalar);
* a 1-D ``numpy.ndarray`` of dtype int64 or float64: a homogeneous numeric
  tuple, used for large tuples so that element-wise arithmetic runs at numpy
  speed.  Elements taken out of arrays are always Python ``int``/``float``.

Functions that make tuples return canonical ones (length 1 → the bare
scalar, length 0 → ``[]``).  What expressions do with values lives beside
this module: arithmetic.py (operators), access.py (selection, dicts,
vectors), strings.py (text, ``$`` formatting, regular expressions).
Semantics and the decisions behind them: docs/semantics.md, "Runtime values
and expressions".
"""

from __future__ import annotations

import numpy as np

from . import errorcodes as ec
from .errors import HdlRuntimeError

ARRAY = np.ndarray
INT64 = np.dtype(np.int64)
REAL64 = np.dtype(np.float64)
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
            elif isinstance(b, ObjectTuple) or not _equal(a, b):
                return False
        return True

    __hash__ = None

    def __repr__(self) -> str:
        return f"Vector({self.items!r})"


def _equal(a, b) -> bool:
    from .arithmetic import eq
    return bool(eq(a, b))


def describe(v) -> str:
    t = type(v)
    if t is int:
        return f"integer {v}"
    if t is float:
        return f"real {v!r}"
    if t is str:
        return f"string {v!r}"
    if isinstance(v, Handle):
        return f"handle of type '{v.type_name}'"
    if t is list or t is ARRAY:
        return f"tuple of {length(v)} values"
    if isinstance(v, ObjectTuple):
        return "iconic object"
    if t is Vector:
        return "vector"
    return t.__name__


# ---- the tuple representation ------------------------------------------------

def wrap(x: int) -> int:
    """Wrap a Python int to signed 64 bit (two's complement)."""
    x &= _MASK64
    return x - 0x10000000000000000 if x > INT64_MAX else x


def elements(v):
    """The elements of a control value as a list (may be the value itself: do not mutate)."""
    t = type(v)
    if t is list:
        return v
    if t is ARRAY:
        return v.tolist()
    if t is int or t is float or t is str or isinstance(v, Handle):
        return [v]
    if isinstance(v, (np.integer, np.floating)):
        return [v.item()]
    if isinstance(v, bool):
        return [int(v)]
    if isinstance(v, tuple):
        return list(v)
    raise HdlRuntimeError(ec.CONTROL_EXPECTED, f"control value expected, got {describe(v)}")


def as_list(v) -> list:
    """A fresh Python list of the scalars of a control value."""
    t = type(v)
    if t is list:
        return v.copy()
    if t is ARRAY:
        return v.tolist()
    return list(elements(v))


def length(v) -> int:
    """Number of elements of a control tuple, object tuple or vector."""
    t = type(v)
    if t is list:
        return len(v)
    if t is ARRAY:
        return v.shape[0]
    if t is int or t is float or t is str or isinstance(v, Handle):
        return 1
    if isinstance(v, (ObjectTuple, Vector)):
        return len(v)
    return len(elements(v))


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
    if t is ARRAY:
        n = x.shape[0] if x.ndim else 1
        if x.ndim != 1:
            x = x.reshape(-1)
            n = x.shape[0]
        if n == 1:
            return x[0].item()
        if n == 0:
            return []
        if x.dtype != INT64 and x.dtype != REAL64:
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


def is_number(x) -> bool:
    t = type(x)
    return t is int or t is float


def number_array(v):
    """v as an int64/float64 array when it is homogeneous numeric, else None."""
    t = type(v)
    if t is ARRAY:
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


def array_result(r):
    if r.shape[0] == 1:
        return r[0].item()
    if r.shape[0] == 0:
        return []
    return r


def copy_value(v):
    """What `:=` stores: tuples are immutable values, vectors are deep-copied, dicts shared."""
    if type(v) is Vector:
        return v.copy()
    return v
