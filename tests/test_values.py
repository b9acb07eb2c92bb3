"""Runtime values and expression operators (hdl/values.py)."""

import math

import numpy as np
import pytest

from hdl import access as ac
from hdl import arithmetic as ar
from hdl import dump as dp
from hdl import errorcodes as ec
from hdl import strings as st
from hdl import values as v
from hdl.errors import HdlRuntimeError

A = np.array


def norm(x):
    """A comparable form keeping int/real apart: arrays become tagged lists."""
    if isinstance(x, np.ndarray):
        assert x.dtype in (np.int64, np.float64) and x.ndim == 1 and x.shape[0] >= 2
        return ("array", [(type(e), e) for e in x.tolist()])
    if isinstance(x, list):
        assert len(x) != 1, "a 1-element list is not canonical"
        return ("list", [(type(e), e) for e in x])
    assert not isinstance(x, np.generic), "numpy scalar leaked"
    return (type(x), x)


def same(result, expected):
    """Equal values with exact element types; lists and arrays of the same elements match."""
    r, e = norm(result), norm(expected)
    if r[0] in ("array", "list") and e[0] in ("array", "list"):
        assert r[1] == e[1], (result, expected)
    else:
        assert r == e, (result, expected)


def raises(code, fn, *args):
    with pytest.raises(HdlRuntimeError) as info:
        fn(*args)
    assert info.value.code == code, info.value.message
    return info.value


# ---- arithmetic ------------------------------------------------------------------

ARITH = [
    (ar.add, 1, 2, 3), (ar.add, 1, 2.5, 3.5), (ar.add, 1.5, 2, 3.5),
    (ar.add, [1, 2, 3], 10, [11, 12, 13]), (ar.add, 10, [1, 2], [11, 12]),
    (ar.add, [1, 2, 3], [10, 20, 30], [11, 22, 33]), (ar.add, [1, 2.5], 1, [2, 3.5]),
    (ar.add, "Text1", "Text2", "Text1Text2"), (ar.add, 17, "3", "173"),
    (ar.add, "Text ", 6.2, "Text 6.2"), (ar.add, "a", 1.0, "a1"), (ar.add, "a", 0.1 + 0.2, "a0.3"),
    (ar.add, "x", 1e20, "x1e+20"), (ar.add, "Img_", [1, 2], ["Img_1", "Img_2"]),
    (ar.add, [], 1, []), (ar.add, 1, [], []), (ar.add, [5], [5], 10),
    (ar.add, v.INT64_MAX, 1, v.INT64_MIN),
    (ar.sub, 5, 7, -2), (ar.sub, 5, 0.5, 4.5), (ar.sub, [5, 6], [1, 2], [4, 4]),
    (ar.sub, v.INT64_MIN, 1, v.INT64_MAX), (ar.sub, [], [], []),
    (ar.mul, 5, 5, 25), (ar.mul, [1, 2, 3], 2, [2, 4, 6]), (ar.mul, [1, 2, 3], [1, 2, 3], [1, 4, 9]),
    (ar.mul, 2, 0.5, 1.0), (ar.mul, v.INT64_MAX, 2, -2),
    (ar.div, 4, 3, 1), (ar.div, 4, 3.0, 4 / 3), (ar.div, -7, 2, -3), (ar.div, 7, -2, -3),
    (ar.div, -7, -2, 3), (ar.div, [8, 9], 2, [4, 4]), (ar.div, 1, 4.0, 0.25),
    (ar.div, v.INT64_MIN, -1, v.INT64_MIN), (ar.div, [], 0, []),
    (ar.mod, 7, 3, 1), (ar.mod, -7, 3, -1), (ar.mod, 7, -3, 1), (ar.mod, -7, -3, -1),
    (ar.mod, [7, 8, 9], 4, [3, 0, 1]),
]


@pytest.mark.parametrize("fn,a,b,expected", ARITH)
def test_arithmetic(fn, a, b, expected):
    same(fn(a, b), expected)


@pytest.mark.parametrize("fn,a,b", [
    (ar.add, [1, 2, 3], [1, 2]), (ar.sub, [1, 2], [1, 2, 3]), (ar.mul, [1, 2, 3], [1, 2]),
    (ar.add, A([1, 2, 3]), A([1, 2])),
])
def test_length_mismatch(fn, a, b):
    raises(ec.LENGTH_MISMATCH, fn, a, b)


@pytest.mark.parametrize("fn,a,b,code", [
    (ar.sub, "a", 1, 1201), (ar.sub, 1, "a", 1202), (ar.mul, "a", "b", 1201),
    (ar.div, 1, "x", 1202), (ar.mod, 1.5, 2, 1201), (ar.mod, 5, 2.0, 1202),
    (ar.mul, 3.1, [2, " Text"], 1202),
    (ar.div, 1, 0, ec.DIVISION_BY_ZERO), (ar.div, 1.0, 0, ec.DIVISION_BY_ZERO),
    (ar.div, [1, 2], [1, 0], ec.DIVISION_BY_ZERO), (ar.mod, 1, 0, ec.DIVISION_BY_ZERO),
    (ar.div, A([1, 2]), 0, ec.DIVISION_BY_ZERO), (ar.mod, A([1, 2]), A([1, 0]), ec.DIVISION_BY_ZERO),
])
def test_arithmetic_errors(fn, a, b, code):
    raises(code, fn, a, b)


def test_string_concatenation_order():
    same(ar.add(ar.add(3.1, 2), " Text"), "5.1 Text")
    same(ar.add(3.1, ar.add(2, " Text")), "3.12 Text")
    same(ar.add("Text ", ar.mul(3.1, 2)), "Text 6.2")


@pytest.mark.parametrize("fn", [ar.add, ar.sub, ar.mul, ar.div])
@pytest.mark.parametrize("a,b", [
    ([4, -7, 9], 2), ([4, -7, 9], [1, 2, 3]), (3, [4, -7, 9]), ([1.5, 2.5], 2),
    ([1.5, 2.5], [2.0, 4.0]), ([4, 5], 0.5), (10, [1, 2]),
])
def test_ndarray_matches_list(fn, a, b):
    expected = fn(a, b)
    a_arr = A(a) if isinstance(a, list) else a
    b_arr = A(b) if isinstance(b, list) else b
    same(fn(a_arr, b_arr), expected)
    result = fn(a_arr, b_arr)
    if isinstance(a, list) or isinstance(b, list):
        assert isinstance(result, np.ndarray)


def test_ndarray_mod_and_wrap():
    same(ar.mod(A([-7, 7, 9]), 4), [-3, 3, 1])
    same(ar.add(A([v.INT64_MAX, 1]), 1), [v.INT64_MIN, 2])
    same(ar.neg(A([1, -2])), [-1, 2])
    same(ar.add(A([1, 2]), A([0.5, 0.5])), [1.5, 2.5])
    same(ar.add(A([1, 2]), [1, 2.5]), [2, 4.5])       # mixed list: per-element types kept
    same(ar.add(A([1, 2]), "x"), ["1x", "2x"])
    same(ar.add(A([1, 2]), [5]), [6, 7])


@pytest.mark.parametrize("a,expected", [
    (1, -1), (1.5, -1.5), ([1, -2.5], [-1, 2.5]), ([], []), (v.INT64_MIN, v.INT64_MIN),
])
def test_neg(a, expected):
    same(ar.neg(a), expected)


def test_neg_string():
    raises(1201, ar.neg, "a")


# ---- bits and logic ---------------------------------------------------------------

@pytest.mark.parametrize("fn,a,b,expected", [
    (ar.band, 12, 10, 8), (ar.bor, 12, 10, 14), (ar.bxor, 12, 10, 6),
    (ar.band, [12, 7], 10, [8, 2]), (ar.band, [], 1, []), (ar.band, A([12, 7]), 10, [8, 2]),
    (ar.lsh, 1, 4, 16), (ar.rsh, 16, 4, 1), (ar.rsh, -16, 2, -4), (ar.lsh, 1, 63, v.INT64_MIN),
    (ar.lsh, 1, 64, 0), (ar.lsh, [1, 2], 1, [2, 4]),
    (ar.and_, 1, 0, 0), (ar.and_, 2, 3, 1), (ar.or_, 0, 0, 0), (ar.or_, 0, 5, 1),
    (ar.xor, 1, 1, 0), (ar.xor, 1, 0, 1), (ar.and_, [1, 0, 1], 1, [1, 0, 1]),
    (ar.or_, [1, 0], [0, 0], [1, 0]),
])
def test_bits_logic(fn, a, b, expected):
    same(fn(a, b), expected)


@pytest.mark.parametrize("fn,a,b,code", [
    (ar.band, 1.0, 1, 1201), (ar.bor, 1, "a", 1202), (ar.lsh, 1, -1, 1302),
    (ar.and_, 1.0, 1, 1201), (ar.and_, [], 1, 1401), (ar.or_, 1, [], 1402),
    (ar.xor, [1, 2], [1, 2, 3], ec.LENGTH_MISMATCH),
])
def test_bits_logic_errors(fn, a, b, code):
    raises(code, fn, a, b)


@pytest.mark.parametrize("fn,a,expected", [
    (ar.bnot, 0, -1), (ar.bnot, [5, -1], [-6, 0]), (ar.bnot, A([5, -1]), [-6, 0]),
    (ar.not_, 0, 1), (ar.not_, 7, 0), (ar.not_, [0, 3], [1, 0]),
])
def test_unary_bits_logic(fn, a, expected):
    same(fn(a), expected)


def test_unary_errors():
    raises(1201, ar.bnot, 1.5)
    raises(1401, ar.not_, [])
    raises(1201, ar.not_, "x")


@pytest.mark.parametrize("value,expected", [(1, True), (0, False), (-3, True), ([1], True)])
def test_truth(value, expected):
    assert ar.truth(value) is expected


@pytest.mark.parametrize("value,code", [
    ([], ec.CONDITION_NUMBER), ([1, 1], ec.CONDITION_NUMBER), ("1", ec.CONDITION_TYPE),
    (1.0, ec.CONDITION_TYPE), (A([1, 0]), ec.CONDITION_NUMBER),
])
def test_truth_errors(value, code):
    err = raises(code, ar.truth, value, "if condition")
    assert "if condition" in err.message


# ---- comparisons ----------------------------------------------------------------------

H1, H2 = v.Handle(), v.Handle()

COMPARE = [
    (ar.eq, [], [], 1), (ar.eq, "", [], 0), (ar.eq, [1, "2"], [1, 2], 0), (ar.eq, 1, 1.0, 1),
    (ar.eq, [1, 2], [1, 2], 1), (ar.eq, [1, 2], [1, 2, 3], 0), (ar.eq, "a", "a", 1),
    (ar.eq, H1, H1, 1), (ar.eq, H1, H2, 0), (ar.eq, A([1, 2]), [1.0, 2.0], 1),
    (ar.eq, A([1, 2]), A([1, 2]), 1), (ar.eq, A([1, 2]), A([1, 3]), 0), (ar.eq, "1", 1, 0),
    (ar.ne, [1, "2"], [1, 2], 1), (ar.ne, 1, 1.0, 0),
    (ar.lt, "Hugo", "hugo", 1), (ar.gt, [5, 4, 1], [5, 4], 1), (ar.lt, [5, 4], [5, 4, 1], 1),
    (ar.lt, [], [1], 1), (ar.lt, [], [], 0), (ar.le, [], [], 1), (ar.gt, 1, 0, 1), (ar.ge, 1, 1.0, 1),
    (ar.lt, 1, 1.5, 1), (ar.lt, [1, "b"], [1, "c"], 1), (ar.ge, "b", "a", 1), (ar.le, 2, 1, 0),
    (ar.lt, "a", "ab", 1), (ar.gt, [2, "a"], [1, 5], 1),
]


@pytest.mark.parametrize("fn,a,b,expected", COMPARE)
def test_compare(fn, a, b, expected):
    same(fn(a, b), expected)


@pytest.mark.parametrize("fn,a,b", [(ar.lt, 1, "a"), (ar.gt, ["a"], [1]), (ar.le, H1, H2)])
def test_compare_errors(fn, a, b):
    e = raises(ec.WRONG_TYPE_2, fn, a, b) if not isinstance(a, v.Handle) else \
        raises(ec.WRONG_TYPE_2, fn, a, b)
    assert "compare" in e.message


@pytest.mark.parametrize("fn,a,b,expected", [
    (ar.eq_elem, [1, 2, 3], 2, [0, 1, 0]), (ar.eq_elem, [1, "2"], [1.0, 2], [1, 0]),
    (ar.ne_elem, [1, 2], [1, 3], [0, 1]), (ar.lt_elem, [1, 2, 3], 2, [1, 0, 0]),
    (ar.le_elem, [1, 2, 3], 2, [1, 1, 0]), (ar.gt_elem, ["a", "c"], "b", [0, 1]),
    (ar.ge_elem, 2, [1, 2, 3], [1, 1, 0]), (ar.eq_elem, [], 1, []), (ar.lt_elem, 1, 2, 1),
    (ar.lt_elem, A([1, 2, 3]), 2, [1, 0, 0]), (ar.eq_elem, A([1, 2]), A([1.0, 3.0]), [1, 0]),
    (ar.ne_elem, A([1, 2]), 1, [0, 1]),
])
def test_compare_elem(fn, a, b, expected):
    same(fn(a, b), expected)


def test_compare_elem_errors():
    raises(ec.WRONG_TYPE_2, ar.lt_elem, [1, "a"], 1)
    raises(ec.LENGTH_MISMATCH, ar.eq_elem, [1, 2], [1, 2, 3])


# ---- regex and format -------------------------------------------------------------

@pytest.mark.parametrize("t,pattern,expected", [
    (["ab", "cd", "abc"], "^ab", 2), ("x", "y", 0), (["A", "a"], ["a", "ignore_case"], 2),
    (["ab", "cd"], ["ab", "invert_match"], 1), ([1, "1"], "1", 1), ([], "x", 0),
    ("line1\nline2", "^line2$", 0), ("line1\nline2", ["^line2$", "multiline"], 1),
    ("a\nb", "a.b", 0), ("a\nb", ["a.b", "dot_matches_all"], 1), ("x9", "[[:digit:]]", 1),
    ("ab\n", r"b\z", 0), ("ab\n", r"b\Z", 1),
])
def test_regex_count(t, pattern, expected):
    same(st.regex_count(t, pattern), expected)


def test_regex_errors():
    raises(ec.WRONG_VALUE_2, st.regex_count, "a", "(")
    raises(ec.WRONG_VALUE_2, st.regex_count, "a", ["a", "bogus"])
    raises(ec.WRONG_TYPE_2, st.regex_count, "a", 5)


FORMATS = [
    (23, "10.2f", "     23.00"), (23, "-10.2f", "23.00     "), (4, ".7f", "4.0000000"),
    (1234.56789, "+10.3f", " +1234.568"), (255, "x", "ff"), (255, "X", "FF"),
    (255, "#x", "0xff"), (8, "o", "10"), (8, "#o", "010"), (5, "03d", "005"), (5, "02d", "05"),
    (-1, "x", "ffffffffffffffff"), (3.7, "d", "3"), (-3.7, "d", "-3"), (7, "5.2f", " 7.00"),
    (1.5, ".3", "1.5"), (3.14159, ".3", "3.14"), (42, ".3", "042"), ("total", "10s", "     total"),
    ("total", "-10s", "total     "), ("total", "10.3s", "       tot"), ("abc", "", "abc"),
    (12345.678, "e", "1.234568e+04"), (12345.678, "1.16e", "1.2345678000000000e+04"),
    (0.5, "g", "0.5"), (2.5, "s", "2.5"), (7, "s", "7"), ([1, 2], "02d", ["01", "02"]),
    ([], "d", []), (A([1, 2]), "d", ["1", "2"]), (7, "", "7"), (7.25, "", "7.25"),
]


@pytest.mark.parametrize("value,spec,expected", FORMATS)
def test_format(value, spec, expected):
    same(st.format_value(value, spec), expected)


@pytest.mark.parametrize("value,spec,code", [
    ("abc", "d", 1201), ("abc", ".2f", 1201), (1, "q", 1302), (1, "10.2.3f", 1302),
    (1, ["d", "f"], 1402), (1, 5, 1202), (math.inf, "d", 1301),
])
def test_format_errors(value, spec, code):
    raises(code, st.format_value, value, spec)


# ---- selection ----------------------------------------------------------------------

SEL = [
    (ac.select, ([10, 20, 30], 1), 20), (ac.select, ([10, 20, 30], [2, 0]), [30, 10]),
    (ac.select, ([10, 20, 30], []), []), (ac.select, (5, 0), 5), (ac.select, ("ab", 0), "ab"),
    (ac.select, (A([10, 20, 30]), 1), 20), (ac.select, (A([10, 20, 30]), [0, 2]), [10, 30]),
    (ac.select, (A([1.5, 2.5]), A([1, 0])), [2.5, 1.5]), (ac.select, ([1, 2.5], [1]), 2.5),
    (ac.select_range, ([1, 2, 3, 4], 1, 2), [2, 3]), (ac.select_range, ([1, 2, 3], 0, 0), 1),
    (ac.select_range, ([1, 2, 3], 1, 0), []), (ac.select_range, (A([1, 2, 3]), 1, 2), [2, 3]),
    (ac.char_at, ("abc", 1), "b"), (ac.char_at, (["ab", "cd"], 0), ["a", "c"]),
    (ac.char_at, (5, 0), 1), (ac.char_at, (5, 1), 0), (ac.char_at, ("abc", [0, 2]), ["a", "c"]),
    (ac.substr, ("abcdef", 1, 3), "bcd"), (ac.substr, ("abc", 1, 10), "bc"),
    (ac.substr, ("abc", 2, 1), ""), (ac.substr, (["abc", "xyz"], 0, 1), ["ab", "xy"]),
    (ac.substr, ("abcdef", [0, 2], [1, 3]), ["ab", "cd"]), (ac.substr, ([], 0, 1), []),
]


@pytest.mark.parametrize("fn,args,expected", SEL)
def test_selection(fn, args, expected):
    same(fn(*args), expected)


@pytest.mark.parametrize("fn,args,code", [
    (ac.select, ([1, 2], 2), ec.INDEX_OUT_OF_RANGE), (ac.select, ([1, 2], -1), ec.INDEX_OUT_OF_RANGE),
    (ac.select, ([], 0), ec.INDEX_OUT_OF_RANGE), (ac.select, ([1, 2], [0, 5]), ec.INDEX_OUT_OF_RANGE),
    (ac.select, (A([1, 2]), A([0, 5])), ec.INDEX_OUT_OF_RANGE), (ac.select, (A([1, 2]), 2), ec.INDEX_OUT_OF_RANGE),
    (ac.select, ([1, 2], 1.0), 1202), (ac.select, (7, 1), ec.INDEX_OUT_OF_RANGE),
    (ac.select_range, ([1, 2, 3], 1, 3), ec.INDEX_OUT_OF_RANGE),
    (ac.select_range, ([1, 2, 3], 2, 0), ec.INDEX_OUT_OF_RANGE),
    (ac.char_at, ("abc", 3), ec.INDEX_OUT_OF_RANGE), (ac.char_at, (1.5, 0), 1201),
    (ac.substr, ("abc", -1, 1), 1302), (ac.substr, (5, 0, 1), 1201),
])
def test_selection_errors(fn, args, code):
    raises(code, fn, *args)


@pytest.mark.parametrize("parts,expected", [
    ((1, 2), [1, 2]), (([], []), []), ((1,), 1), (([1, 2], "a", [3.5]), [1, 2, "a", 3.5]),
    (([], 5), 5), ((A([1, 2]), 3), [1, 2, 3]), ((A([1, 2]), A([3, 4])), [1, 2, 3, 4]),
    ((A([1, 2]), 0.5), [1, 2, 0.5]), ((A([1, 2]), "x"), [1, 2, "x"]), ((A([1.5, 2.5]), []), [1.5, 2.5]),
])
def test_concat(parts, expected):
    same(ac.concat(*parts), expected)


def test_concat_keeps_arrays_homogeneous():
    assert isinstance(ac.concat(A([1, 2]), 3), np.ndarray)
    r = ac.concat(A([1, 2]), 0.5)
    assert isinstance(r, list) and type(r[0]) is int and type(r[2]) is float


@pytest.mark.parametrize("args,expected", [
    ((0, 4), [0, 1, 2, 3, 4]), ((0, 10, 5), [0, 5, 10]), ((0, 9, 5), [0, 5]), ((5, 1, -2), [5, 3, 1]),
    ((3, 3), 3), ((0, 1, 0.25), [0.0, 0.25, 0.5, 0.75, 1.0]), ((0.0, 2), [0.0, 1.0, 2.0]),
    ((0, 1, 0.1), [k * 0.1 for k in range(11)]), ((1.5, 1.5), 1.5),
])
def test_sequence(args, expected):
    if len(args) == 2:
        args = args + (None,)
    r = ac.sequence(*args)
    if isinstance(expected, list) and expected and isinstance(expected[0], float):
        assert isinstance(r, np.ndarray) and r.dtype == np.float64
        assert np.allclose(r, expected)
    else:
        same(r, expected)
        if isinstance(expected, list):
            assert isinstance(r, np.ndarray)


@pytest.mark.parametrize("args,code", [
    ((0, 5, 0), 1303), ((5, 0, 1), 1303), ((0, 5, -1), 1303), (("a", 5, 1), 1201), (([1, 2], 5, 1), 1401),
])
def test_sequence_errors(args, code):
    raises(code, ac.sequence, *args)


@pytest.mark.parametrize("t,idx,value,expected", [
    ([1, 2, 3], 1, 9, [1, 9, 3]), ([1, 2, 3], 3, 4, [1, 2, 3, 4]), ([], 2, "x", [0, 0, "x"]),
    (5, 0, 6, 6), (5, 2, 6, [5, 0, 6]), ([1, 2, 3], [0, 2], 0, [0, 2, 0]),
    ([1, 2, 3], [0, 2], [7, 8], [7, 2, 8]), ([1, 2], [], 5, [1, 2]), ([1, 2], 0, 2.5, [2.5, 2]),
    (A([1, 2, 3]), 1, 9, [1, 9, 3]), (A([1, 2, 3]), 1, 9.5, [1, 9.5, 3]), (A([1, 2]), 3, 9, [1, 2, 0, 9]),
])
def test_assign_at(t, idx, value, expected):
    before = list(t) if not isinstance(t, (int, float, str)) else t
    same(ac.assign_at(t, idx, value), expected)
    if isinstance(t, (list, np.ndarray)):
        assert list(t) == before  # no in-place change


@pytest.mark.parametrize("args,code", [
    (([1, 2], -1, 1), ec.INDEX_OUT_OF_RANGE), (([1, 2], 0.0, 1), 1202),
    (([1, 2, 3], [0, 1], [1, 2, 3]), 1403),
])
def test_assign_at_errors(args, code):
    raises(code, ac.assign_at, *args)


# ---- value model helpers ----------------------------------------------------------------

def test_as_list_length_canonical():
    assert v.as_list(5) == [5]
    lst = [1, 2]
    assert v.as_list(lst) == [1, 2] and v.as_list(lst) is not lst
    r = v.as_list(A([1, 2]))
    assert r == [1, 2] and type(r[0]) is int
    assert v.length(5) == 1 and v.length([]) == 0 and v.length(A([1, 2, 3])) == 3
    assert v.length(v.ObjectTuple([v.IconicObject()])) == 1
    assert v.length_of(ac.make_vector([1, 2])) == 2
    same(v.canonical([7]), 7)
    same(v.canonical(A([7])), 7)
    same(v.canonical(A([], dtype=np.int64)), [])
    same(v.canonical(A([1, 2], dtype=np.int32)), [1, 2])
    same(v.canonical(np.float64(2.5)), 2.5)


def test_handles():
    h = v.Handle()
    assert repr(h).startswith("H0x") and h.valid
    h.clear()
    assert not h.valid
    d = v.DictHandle()
    assert d.type_name == "dict" and d.data == {}


def test_object_tuple_equality():
    o1, o2 = v.IconicObject(), v.IconicObject()
    assert v.ObjectTuple([o1, o2]) == v.ObjectTuple([o1, o2])
    assert v.ObjectTuple([o1]) != v.ObjectTuple([o2])
    assert len(v.ObjectTuple()) == 0


def test_copy_value():
    inner = ac.make_vector([1, 2])
    outer = ac.make_vector([inner])
    c = v.copy_value(outer)
    assert c == outer and c is not outer and c.items[0] is not outer.items[0]
    d = v.DictHandle()
    assert v.copy_value(d) is d
    t = [1, 2]
    assert v.copy_value(t) is t


# ---- dicts ---------------------------------------------------------------------------

def test_dicts():
    d = ac.make_dict([("a", 1), (2, [1, 2])])
    same(ac.dict_get(d, "a"), 1)
    same(ac.dict_get(d, 2), [1, 2])
    ac.dict_set(d, "a", "x")
    same(ac.dict_get(d, ["a"]), "x")
    vec = ac.make_vector([1])
    ac.dict_set(d, "v", vec)
    assert ac.dict_get(d, "v") == vec and ac.dict_get(d, "v") is not vec
    e = raises(ec.MISSING_KEY, ac.dict_get, d, "nope")
    assert "'nope'" in e.message
    raises(ec.WRONG_HANDLE_TYPE, ac.dict_get, v.Handle(), "a")
    raises(1201, ac.dict_get, 5, "a")
    raises(1202, ac.dict_get, d, 1.5)
    raises(1402, ac.dict_get, d, ["a", "b"])
    d.clear()
    raises(ec.HANDLE_CLEARED, ac.dict_get, d, "a")


# ---- vectors --------------------------------------------------------------------------

def test_vectors():
    vec = ac.make_vector([1, [2, 3]])
    assert vec.kind == "tuple"
    same(ac.vector_at(vec, 1), [2, 3])
    assert ac.vector_method(vec, "length", []) == 2
    ac.vector_set(vec, 2, 4)
    ac.vector_set(vec, 4, 5)
    assert vec.items == [1, [2, 3], 4, [], 5]
    ac.vector_method(vec, "insert", [0, 0])
    ac.vector_method(vec, "remove", [1])
    assert vec.items == [0, [2, 3], 4, [], 5]
    w = ac.vector_method(vec, "concat", [ac.make_vector([6])])
    assert len(w) == 6 and len(vec) == 5
    ac.vector_method(vec, "clear", [])
    assert len(vec) == 0
    same(ac.vector_method(ac.make_vector([7]), "at", [0]), 7)


def test_vector_of_objects_and_nesting():
    o = v.ObjectTuple([v.IconicObject()])
    vo = ac.make_vector([o])
    assert vo.kind == "object"
    ac.vector_set(vo, 2, o)
    assert isinstance(vo.items[1], v.ObjectTuple) and len(vo.items[1]) == 0
    raises(ec.WRONG_VECTOR_TYPE, ac.vector_set, vo, 0, 5)
    nested = ac.make_vector([ac.make_vector([1])])
    ac.vector_set(nested, 2, ac.make_vector([2]))
    assert isinstance(nested.items[1], v.Vector) and len(nested.items[1]) == 0
    raises(ec.WRONG_VECTOR_DIM, ac.vector_set, nested, 0, 5)
    raises(ec.WRONG_VECTOR_DIM, ac.make_vector, [1, ac.make_vector([1])])


def test_vector_errors():
    vec = ac.make_vector([1])
    raises(ec.INDEX_OUT_OF_RANGE, ac.vector_at, vec, 1)
    raises(ec.INDEX_OUT_OF_RANGE, ac.vector_set, vec, -1, 1)
    raises(ec.INDEX_OUT_OF_RANGE, ac.vector_method, vec, "remove", [3])
    raises(ec.UNKNOWN_FUNCTION, ac.vector_method, vec, "push", [1])
    e = raises(ec.WRONG_ARG_COUNT, ac.vector_method, vec, "insert", [1])
    assert "insert" in e.message and "2" in e.message
    raises(1201, ac.vector_at, [1, 2], 0)


# ---- dump ------------------------------------------------------------------------------

class Img(v.IconicObject):
    type_name = "image"
    width, height, channels = 640, 480, 1


def test_to_json():
    assert dp.to_json(5) == [5]
    assert dp.to_json([1, 2.5, "a"]) == [1, 2.5, "a"]
    assert dp.to_json(A([1, 2])) == [1, 2] and type(dp.to_json(A([1, 2]))[0]) is int
    assert dp.to_json([]) == []
    assert dp.to_json(v.DictHandle()) == [{"handle": "dict"}]
    assert dp.to_json(v.ObjectTuple([Img(), v.IconicObject()])) == {"iconic": [
        {"type": "image", "width": 640, "height": 480, "channels": 1},
        {"type": "object", "width": None, "height": None, "channels": None}]}
    assert dp.to_json(ac.make_vector([1, [2, 3]])) == {"vector": [[1], [2, 3]]}
