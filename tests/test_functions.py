"""Inline functions of HDevelop expressions (hdl/functions.py)."""

import math
import os

import numpy as np
import pytest

from hdl import errorcodes as ec
from hdl import functions as f
from hdl import values as v
from hdl.errors import HdlRuntimeError

from test_values import raises, same

A = np.array
F = f.FUNCTIONS

CASES = [
    # maths: element-wise, real results
    ("sin", (0,), 0.0), ("cos", (0,), 1.0), ("tan", (0.0,), 0.0), ("asin", (1,), math.pi / 2),
    ("acos", (1,), 0.0), ("atan", (1,), math.pi / 4), ("atan2", (1, 1), math.pi / 4),
    ("atan2", ([1, -1], 1), [math.pi / 4, -math.pi / 4]), ("sinh", (0,), 0.0), ("cosh", (0,), 1.0),
    ("tanh", (0,), 0.0), ("asinh", (0,), 0.0), ("acosh", (1,), 0.0), ("atanh", (0,), 0.0),
    ("exp", (0,), 1.0), ("exp2", (3,), 8.0), ("exp10", (2,), 100.0), ("log", (1,), 0.0),
    ("log2", (8,), 3.0), ("log10", (1000,), 3.0), ("pow", (2, 10), 1024.0), ("pow", (4, 0.5), 2.0),
    ("ldexp", (1.5, 3), 12.0), ("sqrt", ([4, 9],), [2.0, 3.0]), ("cbrt", (-27,), -3.0),
    ("hypot", (3, 4), 5.0), ("fabs", (-3,), 3.0), ("ceil", (1.2,), 2.0), ("ceil", (2,), 2.0),
    ("floor", (-1.2,), -2.0), ("fmod", (7, 3), 1.0), ("fmod", (-7.5, 2), -1.5),
    ("deg", (math.pi,), 180.0), ("rad", (180,), math.pi), ("erf", (0,), 0.0), ("erfc", (0,), 1.0),
    ("tgamma", (5,), 24.0), ("lgamma", (1,), 0.0), ("sin", ([],), []),
    ("abs", (-3,), 3), ("abs", (-2.5,), 2.5), ("abs", ([-1, 2.5],), [1, 2.5]),
    ("sgn", ([-5, 0, 2.5],), [-1, 0, 1]), ("min2", (1, 2), 1), ("min2", (1, 2.5), 1.0),
    ("max2", ([1, 5], 3), [3, 5]), ("max2", ([1, 5], [2.5, 0]), [2.5, 5]),
    # aggregation
    ("min", ([3, 1, 2],), 1), ("min", ([3, 1.5],), 1.5), ("max", ([3, 1, 2.0],), 3.0),
    ("max", (["b", "a"],), "b"), ("sum", ([1, 2, 3],), 6), ("sum", ([1, 2.5],), 3.5),
    ("sum", (v.INT64_MAX,), v.INT64_MAX), ("mean", ([1, 2],), 1.5), ("mean", (4,), 4.0),
    ("deviation", ([2, 4, 4, 4, 5, 5, 7, 9],), math.sqrt(32 / 7)), ("deviation", (3,), 0.0),
    ("median", ([3, 1, 2],), 2), ("median", ([4, 1, 3, 2],), 3), ("median", (["b", "a", "c"],), "b"),
    ("select_rank", ([5, 3, 9], 0), 3), ("select_rank", ([5, 3, 9], 2), 9),
    ("cumul", ([1, 2, 3],), [1, 3, 6]), ("cumul", ([1, 2.5],), [1, 3.5]), ("cumul", ([],), []),
    # conversion
    ("int", (2.7,), 2), ("int", (-2.7,), -2), ("int", ([1, 2.5],), [1, 2]), ("real", (2,), 2.0),
    ("real", ([1, 2.5],), [1.0, 2.5]), ("round", (2.5,), 3), ("round", (-2.5,), -3),
    ("round", (2.4,), 2), ("round", (7,), 7), ("number", ("12",), 12), ("number", ("1.5",), 1.5),
    ("number", ("0x1F",), 31), ("number", ("1e3",), 1000.0), ("number", ("abc",), "abc"),
    ("number", ([" 4", 5, "x"],), [4, 5, "x"]), ("chr", (65,), "A"), ("chr", ([72, 105],), ["H", "i"]),
    ("ord", ("A",), 65), ("ord", (["a", "b"],), [97, 98]), ("ords", ("Hi",), [72, 105]),
    ("ords", (["a", "bc"],), [97, 98, 99]), ("ords", (["AB", 0, "C"],), [65, 66, 0, 67]),
    ("sum", ([],), []), ("sum", (["a", "b"],), "ab"), ("chrt", ([72, 105],), "Hi"),
    ("chrt", ([72, 0, 65],), ["H", 0, "A"]),
    # type tests
    ("type", (1,), 1), ("type", (1.5,), 2), ("type", ("a",), 4), ("type", ([1, 2],), 1),
    ("type", ([1, 2.5],), 8), ("type", ([],), 31), ("type", (v.Handle(),), 16),
    ("type_elem", ([1, 2.5, "a"],), [1, 2, 4]), ("is_int", ([1, 2],), 1), ("is_int", ([1, 2.5],), 0),
    ("is_real", (1.5,), 1), ("is_string", ("a",), 1), ("is_string", (1,), 0), ("is_mixed", ([1, "a"],), 1),
    ("is_mixed", ([1, 2],), 0), ("is_handle", (v.Handle(),), 1), ("is_handle", ([],), 1),
    ("is_int", ([],), 1), ("is_number", ([1, 2.5, "3", "x", "1e2"],), [1, 1, 1, 0, 1]),
    ("is_int_elem", ([1, 2.5],), [1, 0]), ("is_real_elem", ([1, 2.5],), [0, 1]),
    ("is_string_elem", ([1, "a"],), [0, 1]), ("is_handle_elem", ([1, v.Handle()],), [0, 1]),
    ("is_valid_handle", ([1, v.Handle()],), [0, 1]), ("sem_type", ([1, 2],), "integer"),
    ("sem_type", ([1, 2.5],), "mixed"), ("sem_type", ([],), "any"), ("sem_type", (v.DictHandle(),), "dict"),
    ("sem_type_elem", ([1, "a"],), ["integer", "string"]),
    # strings
    ("strchr", ("hello", "l"), 2), ("strchr", ("hello", "xo"), -1), ("strchr", ("hello", "ox"), 4), ("strchr", ("hello", "z"), -1),
    ("strrchr", ("hello", "l"), 3), ("strstr", ("hello", "ll"), 2), ("strstr", (["ab", "ba"], "a"), [0, 1]),
    ("strrstr", ("abab", "ab"), 2), ("strlen", (["", "abc"],), [0, 3]), ("strlen", ("äö",), 2),
    ("str_firstn", ("abcdef", 2), "abc"), ("str_lastn", ("abcdef", 2), "cdef"),
    ("str_replace", ("a-b-c", "-", "+"), "a+b+c"), ("str_replace", (["a.b", "c"], ".", ""), ["ab", "c"]),
    ("split", ("a,b,,c", ","), ["a", "b", "c"]), ("split", ("a b;c", " ;"), ["a", "b", "c"]),
    ("split", ("abc", ","), "abc"), ("split", (["a,b", "c,d"], ","), ["a", "b", "c", "d"]),
    ("join", (["a", "b"], ", "), "a, b"), ("join", ([1, 2.5], "/"), "1/2.5"), ("join", ([], "-"), ""),
    ("regexp_match", ("img_042.png", r"\d+"), "042"),
    ("regexp_match", ("img_042.png", r"(\w+)_(\d+)"), ["img", "042"]),
    ("regexp_match", ("abc", r"\d"), ""), ("regexp_match", (["a1", "b2", "c"], r"\d"), ["1", "2", ""]),
    ("regexp_match", (["a1", "b2"], r"([a-z])\d"), ["a", "b"]),
    ("regexp_replace", ("abcabc", "b", "X"), "aXcabc"),
    ("regexp_replace", ("abcabc", ["b", "replace_all"], "X"), "aXcaXc"),
    ("regexp_replace", ("2024-01-31", [r"(\d+)-(\d+)-(\d+)", "replace_all"], "$3.$2.$1"), "31.01.2024"),
    ("regexp_replace", ("ABC", ["b", "ignore_case"], r"\0\0"), "ABBC"),
    ("regexp_replace", ("a.b", r"\.", "$$"), "a$b"),
    ("regexp_select", (["a.png", "b.jpg", 3], r"\.png$"), "a.png"),
    ("regexp_select", (["a.png", "b.jpg"], [r"\.png$", "invert_match"]), "b.jpg"),
    ("regexp_test", (["a1", "b", "c2"], r"\d"), 2),
    # order and sets
    ("sort", ([3, 1.5, 2],), [1.5, 2, 3]), ("sort", (["b", "a"],), ["a", "b"]), ("sort", ([],), []),
    ("sort_index", ([30, 10, 20],), [1, 2, 0]), ("inverse", ([1, "a", 2.5],), [2.5, "a", 1]),
    ("union", ([3, 1, 3], [2, 1]), [1, 2, 3]), ("intersection", ([1, 2, 3, 2], [2, 3, 4]), [2, 3]),
    ("difference", ([1, 2, 3], [2]), [1, 3]), ("symmdiff", ([1, 2], [2, 3]), [1, 3]),
    ("union", (["b"], ["a"]), ["a", "b"]), ("union", ([], []), []), ("union", ([1], [1.0]), [1, 1.0]),
    ("uniq", ([1, 1, 2, 2, 1],), [1, 2, 1]), ("uniq", ([1, 1.0, "1"],), [1, "1"]),
    # selection and creation
    ("subset", ([10, 20, 30], [0, 2]), [10, 30]), ("remove", ([10, 20, 30], [0, 2]), 20),
    ("remove", ([10, 20], [5]), [10, 20]), ("insert", ([1, 2, 3], 1, 9), [1, 9, 2, 3]),
    ("insert", ([1, 2], 2, [8, 9]), [1, 2, 8, 9]), ("insert", ([], 0, 5), 5),
    ("replace", ([1, 2, 3], 1, 7), [1, 7, 3]), ("replace", ([1, 2, 3], [0, 2], [8, 9]), [8, 2, 9]),
    ("find", ([2, 2, 3, "a", 2, 3], [2, 3]), [1, 4]), ("find", ([1, 2], 5), -1), ("find", ([], 1), -1),
    ("find", ([1, 2, 1], 1), [0, 2]), ("find_first", ([1, 2, 1], 1), 0), ("find_last", ([1, 2, 1], 1), 2),
    ("find_first", ([1, 2], 3), -1), ("select_mask", ([1, 2, 3], [1, 0, 1]), [1, 3]),
    ("first_n", ([1, 2, 3], 1), [1, 2]), ("first_n", ([1, 2, 3], 9), [1, 2, 3]),
    ("last_n", ([1, 2, 3], 1), [2, 3]), ("last_n", ([1, 2, 3], 3), []),
    ("select_range", ([1, 2, 3], 0, 1), [1, 2]), ("gen_tuple_const", (3, 0), [0, 0, 0]),
    ("gen_tuple_const", (2, "a"), ["a", "a"]), ("gen_tuple_const", (0, 1), []),
    ("gen_tuple_const", (1, 2.5), 2.5), ("gen_sequence", (1, 5, 2), [1, 3, 5]),
    # bits
    ("band", (6, 3), 2), ("bor", (6, 3), 7), ("bxor", (6, 3), 5), ("bnot", (0,), -1),
    ("lsh", (1, 3), 8), ("rsh", (8, 3), 1),
]


@pytest.mark.parametrize("name,args,expected", CASES, ids=[c[0] for c in CASES])
def test_function(name, args, expected):
    result = F[name](*args)
    if isinstance(expected, float) and isinstance(result, float) and not expected.is_integer():
        assert result == pytest.approx(expected) and type(result) is float
    elif isinstance(expected, list) and any(type(x) is float for x in expected):
        r = result.tolist() if isinstance(result, np.ndarray) else result
        assert [type(x) for x in r] == [type(x) for x in expected]
        assert r == pytest.approx(expected)
    else:
        same(result, expected)


ERRORS = [
    ("sqrt", (-1,), 1301), ("log", (0,), 1301), ("asin", (2,), 1301), ("acosh", (0.5,), 1301),
    ("atanh", (1,), 1301), ("pow", (0, -1), 1301), ("fmod", (1, 0), 1301), ("sin", ("a",), 1201),
    ("atan2", (1, "a"), 1202), ("abs", ("a",), 1201), ("sgn", ("a",), 1201),
    ("min", ([],), 1401), ("max", ([1, "a"],), 1201), ("sum", ([1, "a"],), 1201),
    ("mean", ([],), 1401), ("deviation", ([],), 1401), ("median", ([],), 1401),
    ("select_rank", ([1, 2], 2), ec.INDEX_OUT_OF_RANGE), ("int", ("1",), 1201), ("int", (math.inf,), 1301),
    ("real", ("1",), 1201), ("round", ("1",), 1201), ("chr", ("a",), 1201), ("chr", (-1,), 1301),
    ("ord", ("ab",), 1301), ("ord", (1,), 1201), ("ords", (1.5,), 1201), ("chrt", (1.5,), 1201),
    ("strlen", (1,), 1201), ("strstr", ("a", 1), 1202), ("str_firstn", ("ab", "x"), 1202),
    ("split", (["a", "b", "c"], [",", ";"]), ec.LENGTH_MISMATCH), ("join", ([1], [",", ";"]), 1402),
    ("regexp_match", ("a", "("), 1302), ("regexp_replace", ("a", ["a", "nope"], ""), 1302),
    ("sort", ([1, "a"],), 1201), ("sort", ([v.Handle()],), 1201), ("union", ([1], ["a"]), 1201),
    ("insert", ([1, 2], 3, 0), ec.INDEX_OUT_OF_RANGE), ("replace", ([1, 2], 2, 0), ec.INDEX_OUT_OF_RANGE),
    ("replace", ([1, 2, 3], [0, 1], [1, 2, 3]), 1403), ("remove", ([1], 0.5), 1202),
    ("select_mask", ([1, 2], [1]), ec.LENGTH_MISMATCH), ("gen_tuple_const", (-1, 0), 1301),
    ("rand", (-1,), 1301), ("gen_sequence", (1, 5, 0), 1303), ("band", (1.5, 1), 1201),
    ("environment", (1,), 1201), ("subset", ([1], 1), ec.INDEX_OUT_OF_RANGE),
]


@pytest.mark.parametrize("name,args,code", ERRORS, ids=[e[0] for e in ERRORS])
def test_function_errors(name, args, code):
    raises(code, F[name], *args)


def test_wrong_argument_count():
    e = raises(ec.WRONG_ARG_COUNT, F["sin"], 1, 2)
    assert "sin" in e.message and "1 argument" in e.message
    e = raises(ec.WRONG_ARG_COUNT, F["atan2"], 1)
    assert "2 arguments" in e.message
    raises(ec.UNKNOWN_FUNCTION, f.call, "no_such_function", 1)
    assert f.call("sqrt", 4) == 2.0
    assert f.ARITY["regexp_replace"] == 3 and f.ARITY["rand"] == 1


def test_every_documented_function_exists():
    documented = """sin cos tan asin acos atan atan2 sinh cosh tanh asinh acosh atanh exp exp2
    exp10 log log2 log10 pow ldexp sqrt cbrt hypot abs fabs ceil floor round fmod deg rad sgn erf
    erfc tgamma lgamma min max sum mean deviation median select_rank cumul min2 max2 int real
    number chr chrt ord ords type type_elem is_number is_int is_real is_string is_mixed is_handle
    is_int_elem is_real_elem is_string_elem is_handle_elem is_valid_handle sem_type sem_type_elem
    strchr strrchr strstr strrstr strlen str_firstn str_lastn str_replace split join regexp_match
    regexp_replace regexp_select regexp_test union intersection difference symmdiff uniq sort
    sort_index inverse subset remove insert replace find find_first find_last select_mask first_n
    last_n select_range gen_tuple_const gen_sequence rand environment band bor bxor bnot lsh rsh"""
    assert set(documented.split()) <= set(F)
    for name, fn in F.items():
        assert fn.__name__ == name and callable(fn.raw)


@pytest.mark.parametrize("name", ["sin", "sqrt", "exp", "log", "deg", "rad", "abs", "fabs", "ceil",
                                  "floor", "int", "real", "round", "sgn", "cumul", "sort",
                                  "sort_index", "inverse", "uniq", "type_elem", "is_int_elem"])
def test_unary_ndarray_matches_list(name):
    data = [1.5, 2.25, 4.0, 0.5] if name not in ("int", "round") else [1.5, -2.5, 3.7, 0.2]
    r_list, r_arr = F[name](data), F[name](A(data))
    rl = r_list.tolist() if isinstance(r_list, np.ndarray) else r_list
    ra = r_arr.tolist() if isinstance(r_arr, np.ndarray) else r_arr
    assert [type(x) for x in ra] == [type(x) for x in rl] and ra == pytest.approx(rl)


@pytest.mark.parametrize("name,a,b", [
    ("atan2", [1.0, 2.0], [2.0, 1.0]), ("pow", [2, 3], 2), ("fmod", [7.5, -3.5], 2), ("hypot", [3, 5], [4, 12]),
    ("min2", [1, 5], [3, 2]), ("max2", [1.5, 5], 2.0), ("remove", [1, 2, 3], [1]), ("find", [1, 2, 1], 1),
    ("select_mask", [1, 2, 3], [0, 1, 1]),
])
def test_binary_ndarray_matches_list(name, a, b):
    r_list, r_arr = F[name](a, b), F[name](A(a), A(b) if isinstance(b, list) else b)
    rl = r_list.tolist() if isinstance(r_list, np.ndarray) else r_list
    ra = r_arr.tolist() if isinstance(r_arr, np.ndarray) else r_arr
    if isinstance(rl, list):
        assert [type(x) for x in ra] == [type(x) for x in rl] and ra == pytest.approx(rl)
    else:
        assert type(ra) is type(rl) and ra == rl


def test_ndarray_aggregates():
    arr = A([3, 1, 2])
    same(F["min"](arr), 1)
    same(F["max"](A([1.5, 2.5])), 2.5)
    same(F["sum"](arr), 6)
    same(F["mean"](arr), 2.0)
    same(F["median"](arr), 2)
    same(F["select_rank"](arr, 2), 3)
    same(F["gen_tuple_const"](3, 1), [1, 1, 1])
    assert isinstance(F["gen_tuple_const"](3, 1), np.ndarray)


def test_rand():
    f.RNG.seed(42)
    a = F["rand"](3)
    f.RNG.seed(42)
    b = F["rand"](3)
    assert isinstance(a, np.ndarray) and a.tolist() == b.tolist()
    assert all(0.0 <= x < 1.0 for x in a.tolist())
    assert type(F["rand"](1)) is float
    same(F["rand"](0), [])


def test_environment(monkeypatch):
    monkeypatch.setenv("HDL_TEST_VAR", "value")
    monkeypatch.delenv("HDL_TEST_UNSET", raising=False)
    same(F["environment"]("HDL_TEST_VAR"), "value")
    same(F["environment"]("HDL_TEST_UNSET"), "")
    same(F["environment"](["HDL_TEST_VAR", "HDL_TEST_UNSET"]), ["value", ""])
    assert os.environ["HDL_TEST_VAR"] == "value"


def test_math_overflow_is_infinite():
    assert F["exp"](1000) == math.inf
    assert F["exp"](A([0.0, 1000.0])).tolist() == [1.0, math.inf]
    raises(1301, F["sqrt"], A([4.0, -1.0]))
    raises(1301, F["log"], A([1.0, 0.0]))


def test_function_errors_are_runtime_errors():
    with pytest.raises(HdlRuntimeError):
        F["sqrt"]("x")
