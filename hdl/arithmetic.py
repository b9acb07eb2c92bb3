"""The operators of HDevelop expressions: arithmetic, bits, logic, comparison.

Each takes control values (see values.py) and returns a canonical one, by
the tuple rule: operands of equal length work element by element, a
single value is repeated for the other side, other lengths are an error.
Large homogeneous numeric tuples take numpy paths.  The compiled program
inlines its own fast paths for two Python ints, but every function here
still checks ``type(x) is int`` first.  Errors name the tuple_* operator
that does the same (tuple_add for +, …).
"""

from __future__ import annotations

import numpy as np

from . import errorcodes as ec
from .args import type_error, wrong_number, wrong_value
from .errors import HdlRuntimeError
from .strings import to_text
from .values import (ARRAY, INT64, INT64_MAX, INT64_MIN, Handle, array_result, canonical,
                     describe, elements, is_number, length, number_array, wrap)


# ---- the tuple rule ------------------------------------------------------------

def check_lengths(na: int, nb: int, operator: str):
    if na != nb and na != 1 and nb != 1:
        raise HdlRuntimeError(ec.LENGTH_MISMATCH,
                              f"tuples of different lengths ({na} and {nb}) in an element-wise operation",
                              operator)


def elementwise(a, b, fn, operator: str, empty_ok: bool = True):
    """Apply fn(x, y) by the tuple rule (length-1 broadcast, equal lengths)."""
    la = elements(a)
    lb = elements(b)
    na, nb = len(la), len(lb)
    if na == 0 or nb == 0:
        if empty_ok:
            return []
        raise wrong_number(1 if na == 0 else 2, "empty tuple as operand", operator)
    if na == nb:
        res = [fn(x, y) for x, y in zip(la, lb)]
    elif nb == 1:
        y = lb[0]
        res = [fn(x, y) for x in la]
    elif na == 1:
        x = la[0]
        res = [fn(x, y) for y in lb]
    else:
        check_lengths(na, nb, operator)
    return res[0] if len(res) == 1 else res


def array_operands(a, b, operator: str):
    """(A, B) arrays for a numpy path, or None when an operand is not homogeneous numeric."""
    A = number_array(a)
    if A is None:
        return None
    B = number_array(b)
    if B is None:
        return None
    check_lengths(A.shape[0], B.shape[0], operator)
    return A, B


# ---- arithmetic -----------------------------------------------------------------

def _add1(x, y):
    tx, ty = type(x), type(y)
    if tx is int and ty is int:
        r = x + y
        return r if INT64_MIN <= r <= INT64_MAX else wrap(r)
    if (tx is int or tx is float) and (ty is int or ty is float):
        return x + y
    if tx is str or ty is str:
        if isinstance(x, Handle) or isinstance(y, Handle):
            raise type_error(1 if isinstance(x, Handle) else 2, x if isinstance(x, Handle) else y,
                             "number or string", "tuple_add")
        return to_text(x) + to_text(y)
    raise type_error(1 if not is_number(x) else 2, x if not is_number(x) else y,
                     "number or string", "tuple_add")


def _num_check(x, y, operator):
    if not is_number(x):
        raise type_error(1, x, "number", operator)
    raise type_error(2, y, "number", operator)


def _sub1(x, y):
    tx, ty = type(x), type(y)
    if tx is int and ty is int:
        r = x - y
        return r if INT64_MIN <= r <= INT64_MAX else wrap(r)
    if (tx is int or tx is float) and (ty is int or ty is float):
        return x - y
    _num_check(x, y, "tuple_sub")


def _mul1(x, y):
    tx, ty = type(x), type(y)
    if tx is int and ty is int:
        r = x * y
        return r if INT64_MIN <= r <= INT64_MAX else wrap(r)
    if (tx is int or tx is float) and (ty is int or ty is float):
        return x * y
    _num_check(x, y, "tuple_mult")


def _idiv(x: int, y: int) -> int:
    """C integer division: truncation toward zero, wrapping INT64_MIN / -1."""
    if y == 0:
        raise HdlRuntimeError(ec.DIVISION_BY_ZERO, "division by zero", "tuple_div")
    q = abs(x) // abs(y)
    if (x < 0) != (y < 0):
        q = -q
    return q if q <= INT64_MAX else wrap(q)


def _div1(x, y):
    tx, ty = type(x), type(y)
    if tx is int and ty is int:
        return _idiv(x, y)
    if (tx is int or tx is float) and (ty is int or ty is float):
        if y == 0:
            raise HdlRuntimeError(ec.DIVISION_BY_ZERO, "division by zero", "tuple_div")
        return x / y
    _num_check(x, y, "tuple_div")


def _mod1(x, y):
    if type(x) is int and type(y) is int:
        if y == 0:
            raise HdlRuntimeError(ec.DIVISION_BY_ZERO, "modulo by zero", "tuple_mod")
        r = abs(x) % abs(y)
        return -r if x < 0 else r
    if type(x) is not int:
        raise type_error(1, x, "integer", "tuple_mod")
    raise type_error(2, y, "integer", "tuple_mod")


def add(a, b):
    """a + b: numbers add, with a string on either side the elements are concatenated."""
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        r = a + b
        return r if INT64_MIN <= r <= INT64_MAX else wrap(r)
    if (ta is float and (tb is float or tb is int)) or (ta is int and tb is float):
        return a + b
    if ta is str and tb is str:
        return a + b
    if ta is ARRAY or tb is ARRAY:
        p = array_operands(a, b, "tuple_add")
        if p is not None:
            return array_result(p[0] + p[1])
    return elementwise(a, b, _add1, "tuple_add")


def sub(a, b):
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        r = a - b
        return r if INT64_MIN <= r <= INT64_MAX else wrap(r)
    if (ta is float and (tb is float or tb is int)) or (ta is int and tb is float):
        return a - b
    if ta is ARRAY or tb is ARRAY:
        p = array_operands(a, b, "tuple_sub")
        if p is not None:
            return array_result(p[0] - p[1])
    return elementwise(a, b, _sub1, "tuple_sub")


def mul(a, b):
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        r = a * b
        return r if INT64_MIN <= r <= INT64_MAX else wrap(r)
    if (ta is float and (tb is float or tb is int)) or (ta is int and tb is float):
        return a * b
    if ta is ARRAY or tb is ARRAY:
        p = array_operands(a, b, "tuple_mult")
        if p is not None:
            A, B = p
            if A.dtype == INT64 and B.dtype == INT64:
                with np.errstate(over="ignore"):
                    return array_result(A * B)
            return array_result(A * B)
    return elementwise(a, b, _mul1, "tuple_mult")


def div(a, b):
    """a / b: integer division (truncating) for two integers, real division otherwise."""
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return _idiv(a, b)
    if (ta is float and (tb is float or tb is int)) or (ta is int and tb is float):
        if b == 0:
            raise HdlRuntimeError(ec.DIVISION_BY_ZERO, "division by zero", "tuple_div")
        return a / b
    if ta is ARRAY or tb is ARRAY:
        p = array_operands(a, b, "tuple_div")
        if p is not None:
            A, B = p
            if A.shape[0] == 0 or B.shape[0] == 0:
                return []
            if not B.all():
                raise HdlRuntimeError(ec.DIVISION_BY_ZERO, "division by zero", "tuple_div")
            if A.dtype == INT64 and B.dtype == INT64:
                with np.errstate(over="ignore"):
                    q = np.abs(A) // np.abs(B)
                    return array_result(np.where((A < 0) != (B < 0), -q, q))
            return array_result(A / B)
    return elementwise(a, b, _div1, "tuple_div")


def mod(a, b):
    """a % b for integers; the result has the sign of a (C semantics)."""
    if type(a) is int and type(b) is int:
        return _mod1(a, b)
    if type(a) is ARRAY or type(b) is ARRAY:
        p = array_operands(a, b, "tuple_mod")
        if p is not None and p[0].dtype == INT64 and p[1].dtype == INT64:
            A, B = p
            if A.shape[0] == 0 or B.shape[0] == 0:
                return []
            if not B.all():
                raise HdlRuntimeError(ec.DIVISION_BY_ZERO, "modulo by zero", "tuple_mod")
            return array_result(np.fmod(A, B))
    return elementwise(a, b, _mod1, "tuple_mod")


def _neg1(x):
    t = type(x)
    if t is int:
        return -x if x != INT64_MIN else INT64_MIN
    if t is float:
        return -x
    raise type_error(1, x, "number", "tuple_neg")


def neg(a):
    t = type(a)
    if t is int:
        return -a if a != INT64_MIN else INT64_MIN
    if t is float:
        return -a
    if t is ARRAY:
        with np.errstate(over="ignore"):
            return -a
    return canonical([_neg1(x) for x in elements(a)])


# ---- bits ---------------------------------------------------------------------

def _int_pair(x, y, operator):
    if type(x) is not int:
        raise type_error(1, x, "integer", operator)
    if type(y) is not int:
        raise type_error(2, y, "integer", operator)


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
        raise wrong_value(2, f"negative shift {y}", "tuple_lsh")
    if y >= 64:
        return 0
    return wrap(x << y)


def _rsh1(x, y):
    _int_pair(x, y, "tuple_rsh")
    if y < 0:
        raise wrong_value(2, f"negative shift {y}", "tuple_rsh")
    return x >> min(y, 63)


def _int_binary(a, b, fn, operator, npfn=None):
    if type(a) is int and type(b) is int:
        return fn(a, b)
    if npfn is not None and (type(a) is ARRAY or type(b) is ARRAY):
        p = array_operands(a, b, operator)
        if p is not None and p[0].dtype == INT64 and p[1].dtype == INT64:
            return array_result(npfn(p[0], p[1]))
    return elementwise(a, b, fn, operator)


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
        raise type_error(1, x, "integer", "tuple_bnot")
    return ~x


def bnot(a):
    if type(a) is int:
        return ~a
    if type(a) is ARRAY and a.dtype == INT64:
        return ~a
    return canonical([_bnot1(x) for x in elements(a)])


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
    return elementwise(a, b, _and1, "tuple_and", empty_ok=False)


def or_(a, b):
    if type(a) is int and type(b) is int:
        return 1 if a or b else 0
    return elementwise(a, b, _or1, "tuple_or", empty_ok=False)


def xor(a, b):
    if type(a) is int and type(b) is int:
        return 1 if bool(a) != bool(b) else 0
    return elementwise(a, b, _xor1, "tuple_xor", empty_ok=False)


def _not1(x):
    if type(x) is not int:
        raise type_error(1, x, "integer", "tuple_not")
    return 0 if x else 1


def not_(a):
    if type(a) is int:
        return 0 if a else 1
    items = elements(a)
    if not items:
        raise HdlRuntimeError(ec.EMPTY_OPERAND, "empty tuple as operand", "tuple_not")
    return canonical([_not1(x) for x in items])


def truth(v, what: str = "condition") -> bool:
    """A condition's value: exactly one integer (booleans are integers); 0 is false."""
    t = type(v)
    if t is int:
        return v != 0
    if t is list or t is ARRAY:
        n = length(v)
        if n == 1:
            return truth(elements(v)[0], what)
        raise HdlRuntimeError(ec.CONDITION_NUMBER,
                              f"{what} must be a single integer value, got a tuple of {n} values")
    raise HdlRuntimeError(ec.CONDITION_TYPE,
                          f"{what} must be an integer (0 or 1), got {describe(v)}")


# ---- comparison -----------------------------------------------------------------

def element_equal(x, y) -> bool:
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
    raise HdlRuntimeError(ec.WRONG_TYPE_1 if bad_first else ec.WRONG_TYPE_2,
                          f"cannot compare {describe(x)} with {describe(y)}", operator)


def eq(a, b) -> int:
    """a == b on whole tuples: same length and pairwise equal elements (1 == 1.0)."""
    ta, tb = type(a), type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return 1 if a == b else 0
    if ta is str and tb is str:
        return 1 if a == b else 0
    if ta is ARRAY and tb is ARRAY:
        return 1 if a.shape == b.shape and bool(np.array_equal(a, b)) else 0
    la, lb = elements(a), elements(b)
    if len(la) != len(lb):
        return 0
    for x, y in zip(la, lb):
        if not element_equal(x, y):
            return 0
    return 1


def ne(a, b) -> int:
    return 1 - eq(a, b)


def _compare(a, b, operator: str) -> int:
    """Lexicographic three-way comparison of whole tuples."""
    la, lb = elements(a), elements(b)
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
    if (type(a) is ARRAY or type(b) is ARRAY):
        p = array_operands(a, b, operator)
        if p is not None:
            return array_result(nptest(p[0], p[1]).astype(np.int64))
    if test is None:
        return elementwise(a, b, lambda x, y: 1 if element_equal(x, y) else 0, operator)
    return elementwise(a, b, lambda x, y: 1 if test(_elem_cmp(x, y, operator)) else 0,
                       operator)


def eq_elem(a, b):
    return _cmp_elem(a, b, None, np.equal, "tuple_equal_elem")


def ne_elem(a, b):
    r = eq_elem(a, b)
    if type(r) is int:
        return 1 - r
    if type(r) is ARRAY:
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
