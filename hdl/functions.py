"""The inline functions of HDevelop expressions (sin(x), find(t, v), …).

Each function follows the reference page of the corresponding ``tuple_*``
operator (element-wise or aggregate, result types, empty tuples, errors);
the implementations here are meant to be reused by the ``tuple_*`` operator
family unchanged.  ``FUNCTIONS`` maps every inline function name to a
callable taking the already evaluated arguments; a call with the wrong
number of arguments raises HdlRuntimeError.  ``RAW_FUNCTIONS`` holds the
unchecked callables and ``ARITY`` the argument counts, for callers that
check the count themselves (the compiler does, at compile time).
Decisions: docs/semantics.md, "Runtime values and expressions".
"""

from __future__ import annotations

import builtins as _builtins
import math
import os
import random
import re

import numpy as np

from . import errorcodes as ec
from .errors import HdlRuntimeError
from .access import check_index, select, select_range, sequence, single_int
from .args import type_error, wrong_number, wrong_type, wrong_value
from .arithmetic import band, bnot, bor, bxor, element_equal, elementwise, lsh, rsh
from .strings import compile_regex, to_text
from .values import (ARRAY, INT64, INT64_MAX, INT64_MIN, Handle, array_result, canonical,
                     describe, elements, length, number_array, wrap)

#: the random generator of rand(); seedable through set_system('seed_rand', …)
RNG = random.Random()

# HALCON type codes (tuple_type): LONG_PAR, DOUBLE_PAR, STRING_PAR, MIXED_PAR, HANDLE_PAR
INT_TYPE, REAL_TYPE, STRING_TYPE, MIXED_TYPE, HANDLE_TYPE = 1, 2, 4, 8, 16
#: tuple_type of the empty tuple: compatible with every non-handle type (our decision)
ANY_TYPE = INT_TYPE | REAL_TYPE | STRING_TYPE | MIXED_TYPE | HANDLE_TYPE  # 31: H_TYPE_ANY


def _map1(v, fn):
    """Apply fn to each element; canonical result."""
    t = type(v)
    if t is int or t is float or t is str:
        return fn(v)
    return canonical([fn(x) for x in elements(v)])


def _num(x, operator, param=1):
    t = type(x)
    if t is int or t is float:
        return x
    raise type_error(param, x, "number", operator)


def _nonempty(v, operator):
    items = elements(v)
    if not items:
        raise HdlRuntimeError(ec.EMPTY_OPERAND, "empty tuple", operator)
    return items


# ---- maths ------------------------------------------------------------------

def _real_math(pyfn, npfn, operator, domain=None):
    """An element-wise real function: ValueError → wrong value, overflow → ±inf."""

    def one(x):
        if type(x) is not float:
            x = float(_num(x, operator))
        try:
            return pyfn(x)
        except ValueError:
            raise wrong_value(1, f"{x!r} is outside the domain", operator) from None
        except OverflowError:
            return math.inf

    def fn(v):
        t = type(v)
        if t is float or t is int:
            return one(v)
        if t is ARRAY and npfn is not None:
            A = v.astype(np.float64) if v.dtype == INT64 else v
            if domain is not None:
                bad = ~domain(A) & ~np.isnan(A)
                if bad.any():
                    raise wrong_value(1, f"{A[bad][0]!r} is outside the domain",
                                      operator)
            with np.errstate(all="ignore"):
                return array_result(npfn(A))
        return canonical([one(x) for x in elements(v)])

    fn.__name__ = operator.replace("tuple_", "")
    return fn


sin = _real_math(math.sin, np.sin, "tuple_sin")
cos = _real_math(math.cos, np.cos, "tuple_cos")
tan = _real_math(math.tan, np.tan, "tuple_tan")
asin = _real_math(math.asin, np.arcsin, "tuple_asin", lambda a: np.abs(a) <= 1)
acos = _real_math(math.acos, np.arccos, "tuple_acos", lambda a: np.abs(a) <= 1)
atan = _real_math(math.atan, np.arctan, "tuple_atan")
sinh = _real_math(math.sinh, np.sinh, "tuple_sinh")
cosh = _real_math(math.cosh, np.cosh, "tuple_cosh")
tanh = _real_math(math.tanh, np.tanh, "tuple_tanh")
asinh = _real_math(math.asinh, np.arcsinh, "tuple_asinh")
acosh = _real_math(math.acosh, np.arccosh, "tuple_acosh", lambda a: a >= 1)
atanh = _real_math(math.atanh, np.arctanh, "tuple_atanh", lambda a: np.abs(a) < 1)
exp = _real_math(math.exp, np.exp, "tuple_exp")
exp2 = _real_math(lambda x: 2.0 ** x, np.exp2, "tuple_exp2")
exp10 = _real_math(lambda x: 10.0 ** x, lambda a: np.power(10.0, a), "tuple_exp10")
log = _real_math(math.log, np.log, "tuple_log", lambda a: a > 0)
log2 = _real_math(math.log2, np.log2, "tuple_log2", lambda a: a > 0)
log10 = _real_math(math.log10, np.log10, "tuple_log10", lambda a: a > 0)
sqrt = _real_math(math.sqrt, np.sqrt, "tuple_sqrt", lambda a: a >= 0)
cbrt = _real_math(lambda x: math.copysign(_builtins.abs(x) ** (1.0 / 3.0), x), np.cbrt, "tuple_cbrt")
erf = _real_math(math.erf, None, "tuple_erf")
erfc = _real_math(math.erfc, None, "tuple_erfc")
tgamma = _real_math(math.gamma, None, "tuple_tgamma")
lgamma = _real_math(math.lgamma, None, "tuple_lgamma")
deg = _real_math(math.degrees, np.degrees, "tuple_deg")
rad = _real_math(math.radians, np.radians, "tuple_rad")
fabs = _real_math(math.fabs, np.fabs, "tuple_fabs")
ceil = _real_math(lambda x: float(math.ceil(x)) if math.isfinite(x) else x, np.ceil,
                  "tuple_ceil")
floor = _real_math(lambda x: float(math.floor(x)) if math.isfinite(x) else x, np.floor,
                   "tuple_floor")


def _real_binary(pyfn, npfn, operator):
    def one(x, y):
        x = float(_num(x, operator, 1))
        y = float(_num(y, operator, 2))
        try:
            return pyfn(x, y)
        except ValueError:
            raise wrong_value(1, f"{x!r}, {y!r} are outside the domain", operator) \
                from None
        except OverflowError:
            return math.inf

    def fn(a, b):
        if (type(a) is ARRAY or type(b) is ARRAY) and npfn is not None:
            A, B = number_array(a), number_array(b)
            if A is not None and B is not None:
                if A.shape[0] == 0 or B.shape[0] == 0:
                    return []
                if A.shape[0] != B.shape[0] and 1 not in (A.shape[0], B.shape[0]):
                    raise HdlRuntimeError(ec.LENGTH_MISMATCH, "tuples of different lengths", operator)
                with np.errstate(all="ignore"):
                    r = npfn(A.astype(np.float64), B.astype(np.float64))
                bad = np.isnan(r) & ~np.isnan(A) & ~np.isnan(B)
                if bad.any():
                    raise wrong_value(1, "argument outside the domain", operator)
                return array_result(r)
        return elementwise(a, b, one, operator)

    fn.__name__ = operator.replace("tuple_", "")
    return fn


def _pow1(x, y):
    if x == 0 and y < 0:
        raise ValueError
    return math.pow(x, y)


def _fmod1(x, y):
    if y == 0:
        raise ValueError
    return math.fmod(x, y)


atan2 = _real_binary(math.atan2, np.arctan2, "tuple_atan2")
pow = _real_binary(_pow1, np.power, "tuple_pow")  # noqa: A001
fmod = _real_binary(_fmod1, np.fmod, "tuple_fmod")
hypot = _real_binary(math.hypot, np.hypot, "tuple_hypot")


def _ldexp1(x, y):
    x = float(_num(x, "tuple_ldexp", 1))
    y = _num(y, "tuple_ldexp", 2)
    try:
        return math.ldexp(x, int(y))
    except OverflowError:
        return math.copysign(math.inf, x)


def ldexp(a, b):
    return elementwise(a, b, _ldexp1, "tuple_ldexp")


def _abs1(x):
    t = type(x)
    if t is int:
        return -x if x < 0 and x != INT64_MIN else x
    if t is float:
        return _builtins.abs(x)
    raise type_error(1, x, "number", "tuple_abs")


def abs(v):  # noqa: A001
    """Absolute value; integers stay integers."""
    t = type(v)
    if t is int or t is float:
        return _abs1(v)
    if t is ARRAY:
        with np.errstate(over="ignore"):
            return np.abs(v)
    return _map1(v, _abs1)


def _sgn1(x):
    _num(x, "tuple_sgn")
    return 1 if x > 0 else (-1 if x < 0 else 0)


def sgn(v):
    if type(v) is ARRAY:
        return array_result(np.sign(v).astype(np.int64))
    return _map1(v, _sgn1)


def _minmax2(pick, operator):
    def one(x, y):
        _num(x, operator, 1)
        _num(y, operator, 2)
        r = pick(x, y)
        return r if type(x) is int and type(y) is int else float(r)

    def fn(a, b):
        if type(a) is ARRAY or type(b) is ARRAY:
            A, B = number_array(a), number_array(b)
            if A is not None and B is not None:
                if A.shape[0] != B.shape[0] and 1 not in (A.shape[0], B.shape[0]):
                    raise HdlRuntimeError(ec.LENGTH_MISMATCH, "tuples of different lengths", operator)
                npfn = np.minimum if pick is min else np.maximum
                return array_result(npfn(A, B))
        return elementwise(a, b, one, operator)

    return fn


min2 = _minmax2(min, "tuple_min2")
max2 = _minmax2(max, "tuple_max2")


# ---- conversion --------------------------------------------------------------

def _int1(x):
    t = type(x)
    if t is int:
        return x
    if t is float:
        if not math.isfinite(x) or not INT64_MIN <= x < 2.0 ** 63:
            raise wrong_value(1, f"{x!r} does not fit an integer", "tuple_int")
        return int(x)
    raise type_error(1, x, "number", "tuple_int")


def int_(v):
    """int(x): reals truncated toward zero."""
    if type(v) is ARRAY:
        if v.dtype == INT64:
            return v
        if not np.isfinite(v).all():
            raise wrong_value(1, "non-finite value", "tuple_int")
        return np.trunc(v).astype(np.int64)
    return _map1(v, _int1)


def _real1(x):
    t = type(x)
    if t is float:
        return x
    if t is int:
        return float(x)
    raise type_error(1, x, "number", "tuple_real")


def real(v):
    if type(v) is ARRAY:
        return v.astype(np.float64) if v.dtype == INT64 else v
    return _map1(v, _real1)


def _round1(x):
    t = type(x)
    if t is int:
        return x
    if t is float:
        if not math.isfinite(x) or not INT64_MIN <= x < 2.0 ** 63:
            raise wrong_value(1, f"{x!r} does not fit an integer", "tuple_round")
        return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))
    raise type_error(1, x, "number", "tuple_round")


def round(v):  # noqa: A001
    """round(x): to the nearest integer, halves away from zero."""
    if type(v) is ARRAY:
        if v.dtype == INT64:
            return v
        if not np.isfinite(v).all():
            raise wrong_value(1, "non-finite value", "tuple_round")
        return np.trunc(v + np.copysign(0.5, v)).astype(np.int64)
    return _map1(v, _round1)


_INT_RE = re.compile(r"[+-]?\d+")
_HEX_RE = re.compile(r"[+-]?0[xX][0-9a-fA-F]+")
_REAL_RE = re.compile(r"[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|\d+[eE][+-]?\d+)")


def parse_number(s: str):
    """A string's number (int or float), or None when it is no number."""
    text = s.strip()
    if _INT_RE.fullmatch(text):
        v = int(text, 10)
    elif _HEX_RE.fullmatch(text):
        v = int(text, 16)
    elif _REAL_RE.fullmatch(text):
        return float(text)
    else:
        return None
    return v if INT64_MIN <= v <= INT64_MAX else float(v)


def _number1(x):
    if type(x) is str:
        n = parse_number(x)
        return x if n is None else n
    return x


def number(v):
    """number(s): strings holding a number become that number, all else is unchanged."""
    if type(v) is ARRAY:
        return v
    return _map1(v, _number1)


def _chr1(x):
    if type(x) is not int:
        raise type_error(1, x, "integer character code", "tuple_chr")
    if not 0 <= x <= 0x10FFFF:
        raise wrong_value(1, f"{x} is no character code", "tuple_chr")
    return chr(x)


def chr_(v):
    return _map1(v, _chr1)


def _ord1(x):
    if type(x) is not str:
        raise type_error(1, x, "string", "tuple_ord")
    if len(x) != 1:
        raise wrong_value(1, f"{x!r} is not a single character", "tuple_ord")
    return ord(x)


def ord_(v):
    return _map1(v, _ord1)


def ords(v):
    """ords(s): the character codes of all strings, concatenated; integers are copied."""
    out = []
    for x in elements(v):
        if type(x) is int:
            out.append(x)
        elif type(x) is str:
            out.extend(ord(c) for c in x)
        else:
            raise type_error(1, x, "string or integer", "tuple_ords")
    return canonical(out)


def chrt(v):
    """chrt(i): codes to one string; a 0 ends the string and stays as the integer 0."""
    out, current = [], []
    for x in elements(v):
        if type(x) is not int:
            raise type_error(1, x, "integer character code", "tuple_chrt")
        if x == 0:
            if current:
                out.append("".join(current))
                current = []
            out.append(0)
        else:
            current.append(_chr1(x))
    if current:
        out.append("".join(current))
    return canonical(out)


# ---- aggregation -----------------------------------------------------------------

def _numbers(v, operator):
    if type(v) is ARRAY:
        if v.shape[0] == 0:
            raise HdlRuntimeError(ec.EMPTY_OPERAND, "empty tuple", operator)
        return v
    items = _nonempty(v, operator)
    for x in items:
        _num(x, operator)
    return items


def _extreme(v, operator, want_max):
    if type(v) is ARRAY:
        if v.shape[0] == 0:
            raise HdlRuntimeError(ec.EMPTY_OPERAND, "empty tuple", operator)
        return (v.max() if want_max else v.min()).item()
    items = _nonempty(v, operator)
    if all(type(x) is str for x in items):
        return max(items) if want_max else min(items)
    has_real = False
    for x in items:
        t = type(x)
        if t is float:
            has_real = True
        elif t is not int:
            raise wrong_type(1, "numbers and strings cannot be mixed"
                             if t is str else f"number expected, got {describe(x)}", operator)
    r = max(items) if want_max else min(items)
    return float(r) if has_real else r


def min_(v):
    """min(t): smallest element (all numbers or all strings); real if any real."""
    return _extreme(v, "tuple_min", False)


def max_(v):
    return _extreme(v, "tuple_max", True)


def sum_(v):
    """sum(t): integers add up (wrapping), a real makes it real, strings concatenate; [] gives []."""
    if type(v) is ARRAY:
        if v.shape[0] == 0:
            return []
        return v.sum().item()
    items = elements(v)
    if not items:
        return []
    if all(type(x) is str for x in items):
        return "".join(items)
    for x in items:
        _num(x, "tuple_sum")
    if all(type(x) is int for x in items):
        return wrap(sum(items))
    return math.fsum(items) if len(items) > 2 else float(sum(items))


def mean(v):
    items = _numbers(v, "tuple_mean")
    if type(items) is ARRAY:
        return float(items.mean())
    return math.fsum(items) / len(items)


def deviation(v):
    """deviation(t): standard deviation with n-1 in the denominator (0.0 for one element)."""
    items = _numbers(v, "tuple_deviation")
    A = np.asarray(items, dtype=np.float64)
    n = A.shape[0]
    if n < 2:
        return 0.0
    return float(math.sqrt(float(((A - A.mean()) ** 2).sum()) / (n - 1)))


def _sorted_numbers_or_strings(v, operator):
    if type(v) is ARRAY:
        return np.sort(v, kind="stable").tolist()
    items = elements(v)
    return sorted(items, key=_sort_key(items, operator))


def median(v):
    """median(t): the element of rank |t| div 2 of the sorted tuple (no averaging)."""
    items = _nonempty(v, "tuple_median") if type(v) is not ARRAY else v
    s = _sorted_numbers_or_strings(items, "tuple_median")
    if not s:
        raise HdlRuntimeError(ec.EMPTY_OPERAND, "empty tuple", "tuple_median")
    return s[len(s) // 2]


def select_rank(v, n):
    """select_rank(t, n): the element at position n of the sorted tuple."""
    s = _sorted_numbers_or_strings(v, "tuple_select_rank")
    if not s:
        raise HdlRuntimeError(ec.EMPTY_OPERAND, "empty tuple", "tuple_select_rank")
    i = single_int(n, 2)
    return s[check_index(i, len(s))]


def cumul(v):
    """cumul(t): running sums; integers stay integers."""
    if type(v) is ARRAY:
        return array_result(np.cumsum(v))
    items = elements(v)
    out, acc, is_int = [], 0, True
    for x in items:
        _num(x, "tuple_cumul")
        if type(x) is float:
            is_int = False
            acc = float(acc)
        acc = acc + x
        if is_int:
            acc = wrap(acc) if not INT64_MIN <= acc <= INT64_MAX else acc
        out.append(acc)
    return canonical(out)


# ---- type tests ---------------------------------------------------------------

def _type_code(x) -> int:
    t = type(x)
    if t is int:
        return INT_TYPE
    if t is float:
        return REAL_TYPE
    if t is str:
        return STRING_TYPE
    if isinstance(x, Handle):
        return HANDLE_TYPE
    raise type_error(1, x, "control value", "tuple_type")


def type_(v) -> int:
    """type(t): 1 integer, 2 real, 4 string, 16 handle, 8 mixed, 15 for the empty tuple."""
    t = type(v)
    if t is ARRAY:
        return INT_TYPE if v.dtype == INT64 else REAL_TYPE
    items = elements(v)
    if not items:
        return ANY_TYPE
    codes = {_type_code(x) for x in items}
    return codes.pop() if len(codes) == 1 else MIXED_TYPE


def type_elem(v):
    if type(v) is ARRAY:
        return array_result(np.full(v.shape[0], INT_TYPE if v.dtype == INT64 else REAL_TYPE,
                                    dtype=np.int64))
    return _map1(v, _type_code)


def _type_test(code):
    def fn(v):
        return 1 if type_(v) & code else 0
    return fn


is_int = _type_test(INT_TYPE)
is_real = _type_test(REAL_TYPE)
is_string = _type_test(STRING_TYPE)
is_mixed = _type_test(MIXED_TYPE)
is_handle = _type_test(HANDLE_TYPE)


def _elem_test(pred):
    def fn(v):
        if type(v) is ARRAY:
            return array_result(np.full(v.shape[0], 1 if pred(v[0].item()) else 0,
                                        dtype=np.int64))
        return _map1(v, lambda x: 1 if pred(x) else 0)
    return fn


is_int_elem = _elem_test(lambda x: type(x) is int)
is_real_elem = _elem_test(lambda x: type(x) is float)
is_string_elem = _elem_test(lambda x: type(x) is str)
is_handle_elem = _elem_test(lambda x: isinstance(x, Handle))
is_valid_handle = _elem_test(lambda x: isinstance(x, Handle) and x.valid)
is_number = _elem_test(lambda x: type(x) is int or type(x) is float
                       or (type(x) is str and parse_number(x) is not None))


def semantic_type(x) -> str:
    """The semantic type of one element: 'integer', 'real', 'string' or a handle's type."""
    t = type(x)
    if t is int:
        return "integer"
    if t is float:
        return "real"
    if t is str:
        return "string"
    if isinstance(x, Handle):
        return x.type_name
    raise type_error(1, x, "control value", "tuple_sem_type")


def sem_type(v) -> str:
    """sem_type(t): 'integer', 'real', 'string', a handle's type, 'mixed'; 'any' for []."""
    items = elements(v)
    if not items:
        return "any"
    kinds = {semantic_type(x) for x in items}
    return kinds.pop() if len(kinds) == 1 else "mixed"


def sem_type_elem(v):
    return _map1(v, semantic_type)


# ---- strings ------------------------------------------------------------------

def _str_arg(x, operator, param=1):
    if type(x) is not str:
        raise type_error(param, x, "string", operator)
    return x


def _strchr1(s, c):
    _str_arg(s, "tuple_strchr")
    _str_arg(c, "tuple_strchr", 2)
    return s.find(c[0]) if c else -1  # only the first character of ToFind counts


def _strrchr1(s, c):
    _str_arg(s, "tuple_strrchr")
    _str_arg(c, "tuple_strrchr", 2)
    return s.rfind(c[0]) if c else -1


def strchr(s, c):
    """strchr(s, c): first position of the first character of c in s, -1 if none."""
    return elementwise(s, c, _strchr1, "tuple_strchr")


def strrchr(s, c):
    return elementwise(s, c, _strrchr1, "tuple_strrchr")


def strstr(s, t):
    return elementwise(s, t, lambda a, b: _str_arg(a, "tuple_strstr").find(
        _str_arg(b, "tuple_strstr", 2)), "tuple_strstr")


def strrstr(s, t):
    return elementwise(s, t, lambda a, b: _str_arg(a, "tuple_strrstr").rfind(
        _str_arg(b, "tuple_strrstr", 2)), "tuple_strrstr")


def strlen(s):
    return _map1(s, lambda x: len(_str_arg(x, "tuple_strlen")))


def _firstn1(s, n):
    _str_arg(s, "tuple_str_first_n")
    if type(n) is not int:
        raise type_error(2, n, "integer position", "tuple_str_first_n")
    return s[:n + 1] if n >= 0 else ""


def _lastn1(s, n):
    _str_arg(s, "tuple_str_last_n")
    if type(n) is not int:
        raise type_error(2, n, "integer position", "tuple_str_last_n")
    return s[max(n, 0):]


def str_firstn(s, n):
    """str_firstn(s, n): characters 0 … n of each string."""
    return elementwise(s, n, _firstn1, "tuple_str_first_n")


def str_lastn(s, n):
    """str_lastn(s, n): characters n … end of each string."""
    return elementwise(s, n, _lastn1, "tuple_str_last_n")


def str_replace(s, before, after):
    """str_replace(s, a, b): every occurrence of a in each string replaced by b."""
    a = _str_arg(_single(before, "tuple_str_replace", 2), "tuple_str_replace", 2)
    b = _str_arg(_single(after, "tuple_str_replace", 3), "tuple_str_replace", 3)
    if a == "":
        return s if type(s) is not list else canonical(s)
    return _map1(s, lambda x: _str_arg(x, "tuple_str_replace").replace(a, b))


def _single(v, operator, param):
    t = type(v)
    if t is int or t is float or t is str or isinstance(v, Handle):
        return v
    items = elements(v)
    if len(items) != 1:
        raise wrong_number(param, "a single value expected", operator)
    return items[0]


def _split1(s, sep):
    _str_arg(s, "tuple_split")
    _str_arg(sep, "tuple_split", 2)
    if not sep:
        return [s] if s else []
    parts = re.split("[" + re.escape(sep) + "]", s)
    return [p for p in parts if p]


def split(s, sep):
    """split(s, sep): substrings between any of the separator characters (no empty ones)."""
    ls, lsep = elements(s), elements(sep)
    if not ls or not lsep:
        return []
    if len(ls) != len(lsep) and 1 not in (len(ls), len(lsep)):
        raise HdlRuntimeError(ec.LENGTH_MISMATCH, "tuples of different lengths", "tuple_split")
    n = max(len(ls), len(lsep))
    out = []
    for k in range(n):
        out.extend(_split1(ls[k if len(ls) > 1 else 0], lsep[k if len(lsep) > 1 else 0]))
    return canonical(out)


def join(t, sep):
    """join(t, sep): all elements as text, separated by sep."""
    separator = _str_arg(_single(sep, "tuple_join", 2), "tuple_join", 2)
    return separator.join(to_text(x) for x in elements(t))


def _expand_replacement(template: str):
    """HALCON replacement text ($1, \\1, $$) → a function of the match."""
    parts = []
    i, n = 0, len(template)
    literal = []
    while i < n:
        c = template[i]
        if c in "$\\" and i + 1 < n:
            d = template[i + 1]
            if d.isdigit():
                if literal:
                    parts.append("".join(literal))
                    literal = []
                parts.append(int(d))
                i += 2
                continue
            if d == c:
                literal.append(c)
                i += 2
                continue
        literal.append(c)
        i += 1
    if literal:
        parts.append("".join(literal))

    def expand(m):
        out = []
        for p in parts:
            if type(p) is int:
                g = m.group(p) if p <= (m.re.groups or 0) else None
                out.append(g or "")
            else:
                out.append(p)
        return "".join(out)

    return expand


def regexp_match(t, expression):
    """regexp_match(s, re): the match (or the capture groups) per string, '' when none."""
    rx, _ = compile_regex(expression)
    items = elements(t)
    if len(items) == 1:
        s = _str_arg(items[0], "tuple_regexp_match")
        m = rx.search(s)
        if rx.groups == 0:
            return m.group(0) if m else ""
        if m is None:
            return canonical([""] * rx.groups) if rx.groups > 1 else ""
        return canonical([g or "" for g in m.groups()])
    out = []
    for s in items:
        m = rx.search(_str_arg(s, "tuple_regexp_match"))
        if m is None:
            out.append("")
        else:
            out.append((m.group(1) or "") if rx.groups else m.group(0))
    return canonical(out)


def regexp_replace(t, expression, replacement):
    """regexp_replace(s, re, rep): first match replaced ('replace_all': every match)."""
    rx, options = compile_regex(expression)
    rep = _str_arg(_single(replacement, "tuple_regexp_replace", 3), "tuple_regexp_replace", 3)
    expand = _expand_replacement(rep)
    count = 0 if "replace_all" in options else 1
    return _map1(t, lambda s: rx.sub(expand, _str_arg(s, "tuple_regexp_replace"), count=count))


def regexp_select(t, expression):
    """regexp_select(t, re): the string elements that match ('invert_match': that do not)."""
    rx, options = compile_regex(expression)
    invert = "invert_match" in options
    return canonical([s for s in elements(t)
                      if type(s) is str and (rx.search(s) is not None) != invert])


def regexp_test(t, expression):
    """regexp_test(t, re): number of matching string elements."""
    rx, options = compile_regex(expression)
    invert = "invert_match" in options
    return sum(1 for s in elements(t) if type(s) is str and (rx.search(s) is not None) != invert)


# ---- order and sets -------------------------------------------------------------

def _sort_key(items, operator):
    kinds = set()
    for x in items:
        t = type(x)
        if t is int or t is float:
            kinds.add("n")
        elif t is str:
            kinds.add("s")
        else:
            raise type_error(1, x, "number or string", operator)
    if len(kinds) > 1:
        raise wrong_type(1, "numbers and strings cannot be sorted together", operator)
    return None


def sort(v):
    """sort(t): increasing order (numbers, or strings by code point); stable."""
    if type(v) is ARRAY:
        return np.sort(v, kind="stable")
    items = elements(v)
    _sort_key(items, "tuple_sort")
    return canonical(sorted(items))


def sort_index(v):
    """sort_index(t): the indices that sort t (stable)."""
    if type(v) is ARRAY:
        return array_result(np.argsort(v, kind="stable").astype(np.int64))
    items = elements(v)
    _sort_key(items, "tuple_sort_index")
    return canonical(sorted(range(len(items)), key=items.__getitem__))


def inverse(v):
    if type(v) is ARRAY:
        return v[::-1].copy()
    items = elements(v)
    return canonical(items[::-1])


def _set_key(x):
    """Equality key for set operations: types apart, so 1 and 1.0 are different elements."""
    t = type(x)
    if t is str:
        return ("s", x)
    if t is int:
        return ("i", x)
    if t is float:
        return ("r", x)
    return ("h", id(x))


def _set_sorted(items, operator):
    _sort_key(items, operator)
    seen, out = set(), []
    for x in sorted(items, key=lambda y: (isinstance(y, str), y)):
        k = _set_key(x)
        if k not in seen:
            seen.add(k)
            out.append(x)
    return canonical(out)


def union(a, b):
    """union(a, b): the elements of both, each once, sorted."""
    return _set_sorted(elements(a) + elements(b), "tuple_union")


def intersection(a, b):
    keys = {_set_key(x) for x in elements(b)}
    return _set_sorted([x for x in elements(a) if _set_key(x) in keys], "tuple_intersection")


def difference(a, b):
    keys = {_set_key(x) for x in elements(b)}
    return _set_sorted([x for x in elements(a) if _set_key(x) not in keys], "tuple_difference")


def symmdiff(a, b):
    ka = {_set_key(x) for x in elements(a)}
    kb = {_set_key(x) for x in elements(b)}
    return _set_sorted([x for x in elements(a) if _set_key(x) not in kb]
                       + [x for x in elements(b) if _set_key(x) not in ka], "tuple_symmdiff")


def uniq(v):
    """uniq(t): drops elements equal to their predecessor."""
    items = elements(v)
    out = []
    for x in items:
        if not out or not element_equal(out[-1], x):
            out.append(x)
    if type(v) is ARRAY and len(out) > 1:
        return np.array(out, dtype=v.dtype)
    return canonical(out)


# ---- selection and creation --------------------------------------------------------

def subset(t, idx):
    return select(t, idx)


def _indices(idx, operator, param=2):
    out = []
    for i in elements(idx):
        if type(i) is not int:
            raise type_error(param, i, "integer index", operator)
        out.append(i)
    return out


def remove(t, idx):
    """remove(t, I): t without the elements at the indices I (indices outside t are ignored)."""
    drop = set(_indices(idx, "tuple_remove"))
    if type(t) is ARRAY:
        keep = np.ones(t.shape[0], dtype=bool)
        valid = [i for i in drop if 0 <= i < t.shape[0]]
        keep[valid] = False
        return array_result(t[keep])
    return canonical([x for k, x in enumerate(elements(t)) if k not in drop])


def insert(t, i, v):
    """insert(t, i, v): v inserted before position i (i = |t| appends)."""
    items = elements(t)
    i = single_int(i, 2)
    if not 0 <= i <= len(items):
        raise HdlRuntimeError(ec.INDEX_OUT_OF_RANGE, f"insert position {i} out of range "
                              f"(tuple of {len(items)} values)", "tuple_insert")
    from .access import concat
    return concat(select_range(t, 0, i - 1) if i else [], v,
                  select_range(t, i, len(items) - 1) if i < len(items) else [])


def replace(t, idx, v):
    """replace(t, I, v): the elements at I replaced by v (one value or one per index)."""
    indices = _indices(idx, "tuple_replace")
    values = elements(v)
    n = length(t)
    if not indices:
        return t
    if len(values) != 1 and len(values) != len(indices):
        raise wrong_number(3, f"{len(values)} values for {len(indices)} indices",
                           "tuple_replace")
    for i in indices:
        check_index(i, n)
    from .access import assign_at
    return assign_at(t, indices if len(indices) > 1 else indices[0], v)


def _find_all(items, pattern):
    m = len(pattern)
    if m == 0 or m > len(items):
        return []
    first = pattern[0]
    return [k for k in range(len(items) - m + 1)
            if element_equal(items[k], first) and all(element_equal(items[k + j], pattern[j])
                                                      for j in range(1, m))]


def find(t, pattern):
    """find(t, p): start indices of all occurrences of the sequence p in t; -1 if none."""
    if type(t) is ARRAY:
        P = number_array(pattern)
        if P is not None and P.shape[0] == 1:
            hits = np.flatnonzero(t == P[0])
            return array_result(hits.astype(np.int64)) if hits.shape[0] else -1
    hits = _find_all(elements(t), elements(pattern))
    return canonical(hits) if hits else -1


def find_first(t, pattern):
    hits = _find_all(elements(t), elements(pattern))
    return hits[0] if hits else -1


def find_last(t, pattern):
    hits = _find_all(elements(t), elements(pattern))
    return hits[-1] if hits else -1


def select_mask(t, mask):
    """select_mask(t, m): the elements whose mask value is not 0 (|m| = |t|)."""
    items, m = elements(t), elements(mask)
    if len(items) != len(m):
        raise HdlRuntimeError(ec.LENGTH_MISMATCH, f"mask of {len(m)} values for a tuple of {len(items)}",
                              "tuple_select_mask")
    for x in m:
        if type(x) is not int:
            raise type_error(2, x, "integer mask value", "tuple_select_mask")
    if type(t) is ARRAY:
        return array_result(t[np.array(m, dtype=bool)])
    return canonical([x for x, k in zip(items, m) if k])


def first_n(t, n):
    """first_n(t, n): elements 0 … n."""
    n = single_int(n, 2)
    size = length(t)
    if n < 0:
        return []
    return select_range(t, 0, min(n, size - 1))


def last_n(t, n):
    """last_n(t, n): elements n … end."""
    n = single_int(n, 2)
    size = length(t)
    if n >= size:
        return []
    return select_range(t, max(n, 0), size - 1)


def gen_tuple_const(n, value):
    """gen_tuple_const(n, v): n copies of the value v."""
    n = single_int(n, 1, "length")
    if n < 0:
        raise wrong_value(1, f"negative length {n}", "tuple_gen_const")
    v = _single(value, "tuple_gen_const", 2)
    if n == 1:
        return v
    if n >= 2 and (type(v) is int or type(v) is float):
        return np.full(n, v, dtype=np.int64 if type(v) is int else np.float64)
    return [v] * n


def gen_sequence(start, end, step):
    return sequence(start, end, step)


def rand(n):
    """rand(n): n uniformly distributed reals in [0, 1)."""
    n = single_int(n, 1, "length")
    if n < 0:
        raise wrong_value(1, f"negative length {n}", "tuple_rand")
    if n == 1:
        return RNG.random()
    r = RNG.random
    return canonical(np.array([r() for _ in range(n)], dtype=np.float64)) if n else []


def _repeat_count(num, operator):
    """Num of repeat/repeat_elem: one non-negative integer (a real without fraction is accepted)."""
    items = elements(num)
    if len(items) != 1:
        raise wrong_number(2, "the repetition count must be a single number", operator)
    n = items[0]
    if type(n) is float and n.is_integer():
        n = int(n)
    if type(n) is not int:
        raise type_error(2, n, "integer repetition count", operator)
    if n < 0:
        raise wrong_value(2, f"negative repetition count {n}", operator)
    return n


def repeat(t, num):
    """repeat(t, n): the whole tuple n times ([] for n = 0 or an empty t)."""
    n = _repeat_count(num, "tuple_repeat")
    if type(t) is ARRAY:
        return array_result(np.tile(t, n))
    return canonical(elements(t) * n)


def repeat_elem(t, num):
    """repeat_elem(t, n): each element n times in a row."""
    n = _repeat_count(num, "tuple_repeat_elem")
    if type(t) is ARRAY:
        return array_result(np.repeat(t, n))
    return canonical([x for x in elements(t) for _ in range(n)])


def environment(name):
    """environment(name): the value of an environment variable, '' when it is not set."""
    return _map1(name, lambda x: os.environ.get(_str_arg(x, "tuple_environment"), ""))


# ---- registry --------------------------------------------------------------------

RAW_FUNCTIONS = {
    # maths
    "sin": sin, "cos": cos, "tan": tan, "asin": asin, "acos": acos, "atan": atan,
    "atan2": atan2, "sinh": sinh, "cosh": cosh, "tanh": tanh, "asinh": asinh,
    "acosh": acosh, "atanh": atanh, "exp": exp, "exp2": exp2, "exp10": exp10, "log": log,
    "log2": log2, "log10": log10, "pow": pow, "ldexp": ldexp, "sqrt": sqrt, "cbrt": cbrt,
    "hypot": hypot, "abs": abs, "fabs": fabs, "ceil": ceil, "floor": floor, "fmod": fmod,
    "deg": deg, "rad": rad, "sgn": sgn, "erf": erf, "erfc": erfc, "tgamma": tgamma,
    "lgamma": lgamma, "min2": min2, "max2": max2,
    # aggregation
    "min": min_, "max": max_, "sum": sum_, "mean": mean, "deviation": deviation,
    "median": median, "select_rank": select_rank, "cumul": cumul,
    # conversion
    "int": int_, "real": real, "round": round, "number": number, "chr": chr_, "ord": ord_,
    "chrt": chrt, "ords": ords,
    # type tests
    "type": type_, "type_elem": type_elem, "is_number": is_number, "is_int": is_int,
    "is_real": is_real, "is_string": is_string, "is_mixed": is_mixed, "is_handle": is_handle,
    "is_int_elem": is_int_elem, "is_real_elem": is_real_elem,
    "is_string_elem": is_string_elem, "is_handle_elem": is_handle_elem,
    "is_valid_handle": is_valid_handle, "sem_type": sem_type, "sem_type_elem": sem_type_elem,
    # strings
    "strchr": strchr, "strrchr": strrchr, "strstr": strstr, "strrstr": strrstr,
    "strlen": strlen, "str_firstn": str_firstn, "str_lastn": str_lastn,
    "str_replace": str_replace, "split": split, "join": join, "regexp_match": regexp_match,
    "regexp_replace": regexp_replace, "regexp_select": regexp_select,
    "regexp_test": regexp_test,
    # sets and order
    "union": union, "intersection": intersection, "difference": difference,
    "symmdiff": symmdiff, "uniq": uniq, "sort": sort, "sort_index": sort_index,
    "inverse": inverse,
    # selection and creation
    "subset": subset, "remove": remove, "insert": insert, "replace": replace, "find": find,
    "find_first": find_first, "find_last": find_last, "select_mask": select_mask,
    "first_n": first_n, "last_n": last_n, "select_range": select_range,
    "gen_tuple_const": gen_tuple_const, "gen_sequence": gen_sequence, "rand": rand,
    "repeat": repeat, "repeat_elem": repeat_elem, "environment": environment,
    # bits
    "band": band, "bor": bor, "bxor": bxor, "bnot": bnot, "lsh": lsh, "rsh": rsh,
}


def _arity(fn) -> int:
    code = fn.__code__
    return code.co_argcount


ARITY = {name: _arity(fn) for name, fn in RAW_FUNCTIONS.items()}


def _checked(name, fn, count):
    plural = "s" if count != 1 else ""

    def call(*args):
        if len(args) != count:
            raise HdlRuntimeError(ec.WRONG_ARG_COUNT,
                                  f"function '{name}' expects {count} argument{plural}, "
                                  f"got {len(args)}")
        return fn(*args)

    call.__name__ = name
    call.__doc__ = fn.__doc__
    call.raw = fn
    return call


FUNCTIONS = {name: _checked(name, fn, ARITY[name]) for name, fn in RAW_FUNCTIONS.items()}


def call(name: str, *args):
    """Call an inline function by name (unknown names are an error)."""
    try:
        fn = FUNCTIONS[name]
    except KeyError:
        raise HdlRuntimeError(ec.UNKNOWN_FUNCTION, f"unknown function '{name}'") from None
    return fn(*args)
