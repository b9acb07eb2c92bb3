"""Tuple chapter: the tuple_* operators.

Every operator is the code of the matching expression operator
(arithmetic.py, access.py, strings.py) or inline function (functions.py),
so `tuple_add (A, B, S)` and `S := A + B` cannot disagree.  The few operators without an inline
counterpart (tuple_histo_range, tuple_str_distance, tuple_constant,
tuple_is_serializable …) are implemented here.  Where an operator differs
from its inline function the docstring says so.  Errors always name the
operator that was called, whatever helper raised them; parameter numbers
count the control inputs of the signature.  Decisions: docs/semantics.md.
"""

from __future__ import annotations

import math
import sys

import numpy as np

from hdl import access as ac
from hdl import args
from hdl import arithmetic as ar
from hdl import functions as f
from hdl import strings as st
from hdl import values as v
from hdl.registry import operator


def _op(signature: str, impl=None, doc: str | None = None):
    """Register a tuple operator: `impl`, the shared code of an expression operator or inline
    function, with `doc` as its documentation; without `impl`, the decorated function."""
    if impl is not None:
        return operator(signature, doc=doc, chapter="tuple")(impl)
    return operator(signature, chapter="tuple")


# ---- Arithmetic -------------------------------------------------------------

_op("tuple_add ( : : S1, S2 : Sum)", ar.add,
    "S1 + S2: numbers add (integers wrap at 64 bit); with a string on either side the "
    "elements are concatenated as text.")
_op("tuple_sub ( : : D1, D2 : Diff)", ar.sub, "D1 - D2, element-wise (tuple rule).")
_op("tuple_mult ( : : P1, P2 : Prod)", ar.mul, "P1 * P2, element-wise (tuple rule).")
_op("tuple_div ( : : Q1, Q2 : Quot)", ar.div,
    "Q1 / Q2: truncating division for two integers, real otherwise; division by 0 is #1302.")
_op("tuple_mod ( : : T1, T2 : Mod)", ar.mod,
    "T1 % T2 for integers; the result has the sign of T1 (C semantics).")
_op("tuple_neg ( : : T : Neg)", ar.neg, "-T; integers stay integers.")
_op("tuple_abs ( : : T : Abs)", f.abs, "abs(T): integers stay integers.")
_op("tuple_fabs ( : : T : Abs)", f.fabs, "fabs(T): always reals.")
_op("tuple_ceil ( : : T : Ceil)", f.ceil, "ceil(T) as reals.")
_op("tuple_floor ( : : T : Floor)", f.floor, "floor(T) as reals.")
_op("tuple_sqrt ( : : T : Sqrt)", f.sqrt, "sqrt(T); a negative element is #1301.")
_op("tuple_cbrt ( : : T : Cbrt)", f.cbrt, "Cube root, defined for negative values too.")
_op("tuple_exp ( : : T : Exp)", f.exp, "e^T as reals; overflow gives inf.")
_op("tuple_exp2 ( : : T : Exp)", f.exp2, "2^T as reals.")
_op("tuple_exp10 ( : : T : Exp)", f.exp10, "10^T as reals.")
_op("tuple_log ( : : T : Log)", f.log, "Natural logarithm; T <= 0 is #1301.")
_op("tuple_log2 ( : : T : Log)", f.log2, "Base-2 logarithm; T <= 0 is #1301.")
_op("tuple_log10 ( : : T : Log)", f.log10, "Base-10 logarithm; T <= 0 is #1301.")
_op("tuple_pow ( : : T1, T2 : Power)", f.pow,
    "T1^T2 as reals; 0^negative and a negative base with a fractional exponent are #1301.")
_op("tuple_ldexp ( : : T1, T2 : Ldexp)", f.ldexp, "T1 * 2^floor(T2) as reals.")
_op("tuple_fmod ( : : T1, T2 : Fmod)", f.fmod,
    "Real remainder with the sign of T1; a divisor of 0 is #1301.")
_op("tuple_hypot ( : : T1, T2 : Hypot)", f.hypot, "sqrt(T1^2 + T2^2) as reals.")
_op("tuple_sin ( : : T : Sin)", f.sin, "Sine (radians).")
_op("tuple_cos ( : : T : Cos)", f.cos, "Cosine (radians).")
_op("tuple_tan ( : : T : Tan)", f.tan, "Tangent (radians).")
_op("tuple_asin ( : : T : ASin)", f.asin, "Arc sine; |T| > 1 is #1301.")
_op("tuple_acos ( : : T : ACos)", f.acos, "Arc cosine; |T| > 1 is #1301.")
_op("tuple_atan ( : : T : ATan)", f.atan, "Arc tangent in [-pi/2, pi/2].")
_op("tuple_atan2 ( : : Y, X : ATan)", f.atan2, "Arc tangent of Y/X in [-pi, pi].")
_op("tuple_sinh ( : : T : Sinh)", f.sinh, "Hyperbolic sine.")
_op("tuple_cosh ( : : T : Cosh)", f.cosh, "Hyperbolic cosine.")
_op("tuple_tanh ( : : T : Tanh)", f.tanh, "Hyperbolic tangent.")
_op("tuple_asinh ( : : T : ASinh)", f.asinh, "Inverse hyperbolic sine.")
_op("tuple_acosh ( : : T : ACosh)", f.acosh, "Inverse hyperbolic cosine; T < 1 is #1301.")
_op("tuple_atanh ( : : T : ATanh)", f.atanh, "Inverse hyperbolic tangent; |T| >= 1 is #1301.")
_op("tuple_deg ( : : Rad : Deg)", f.deg, "Radians to degrees.")
_op("tuple_rad ( : : Deg : Rad)", f.rad, "Degrees to radians.")
_op("tuple_sgn ( : : T : Sgn)", f.sgn, "Sign as integers -1, 0, 1.")
_op("tuple_erf ( : : T : Erf)", f.erf, "Error function.")
_op("tuple_erfc ( : : T : Erfc)", f.erfc, "Complementary error function.")
_op("tuple_tgamma ( : : T : Gamma)", f.tgamma,
    "Gamma function; poles (0, negative integers) are #1301.")
_op("tuple_lgamma ( : : T : LogGamma)", f.lgamma,
    "log|Gamma(T)|; poles (0, negative integers) are #1301.")
_op("tuple_max2 ( : : T1, T2 : Max2)", f.max2,
    "Element-wise maximum; real if either element is real.")
_op("tuple_min2 ( : : T1, T2 : Min2)", f.min2,
    "Element-wise minimum; real if either element is real.")
_op("tuple_cumul ( : : Tuple : Cumul)", f.cumul, "Running sums; integers stay integers.")

# ---- Bit operations -----------------------------------------------------------

_op("tuple_band ( : : T1, T2 : BAnd)", ar.band, "Bitwise and of integers.")
_op("tuple_bor ( : : T1, T2 : BOr)", ar.bor, "Bitwise or of integers.")
_op("tuple_bxor ( : : T1, T2 : BXor)", ar.bxor, "Bitwise exclusive or of integers.")
_op("tuple_bnot ( : : T : BNot)", ar.bnot, "Bitwise complement of integers.")
_op("tuple_lsh ( : : T, Shift : Lsh)", ar.lsh,
    "Left shift (64-bit wrap; a shift of 64 or more gives 0; a negative shift is #1302).")
_op("tuple_rsh ( : : T, Shift : Rsh)", ar.rsh,
    "Arithmetic right shift; a negative shift is #1302.")

# ---- Comparison -----------------------------------------------------------------

_op("tuple_equal ( : : T1, T2 : Equal)", ar.eq,
    "1 if both tuples have the same length and equal elements (1 == 1.0, 1 != '1').")
_op("tuple_not_equal ( : : T1, T2 : Nequal)", ar.ne, "Negation of tuple_equal.")
_op("tuple_less ( : : T1, T2 : Less)", ar.lt,
    "Lexicographic order of whole tuples; a number against a string is #1202.")
_op("tuple_less_equal ( : : T1, T2 : Lesseq)", ar.le, "Lexicographic T1 <= T2.")
_op("tuple_greater ( : : T1, T2 : Greater)", ar.gt, "Lexicographic T1 > T2.")
_op("tuple_greater_equal ( : : T1, T2 : Greatereq)", ar.ge, "Lexicographic T1 >= T2.")
_op("tuple_equal_elem ( : : T1, T2 : Equal)", ar.eq_elem,
    "Element-wise equality (tuple rule), 0/1 per element; a number never equals a string.")
_op("tuple_not_equal_elem ( : : T1, T2 : Nequal)", ar.ne_elem, "Element-wise inequality.")
_op("tuple_less_elem ( : : T1, T2 : Less)", ar.lt_elem, "Element-wise T1 < T2.")
_op("tuple_less_equal_elem ( : : T1, T2 : Lesseq)", ar.le_elem, "Element-wise T1 <= T2.")
_op("tuple_greater_elem ( : : T1, T2 : Greater)", ar.gt_elem, "Element-wise T1 > T2.")
_op("tuple_greater_equal_elem ( : : T1, T2 : Greatereq)", ar.ge_elem, "Element-wise T1 >= T2.")

# ---- Logical operations -----------------------------------------------------------

_op("tuple_and ( : : T1, T2 : And)", ar.and_,
    "Logical and of integers (0/1); an empty operand is an error, unlike the arithmetic.")
_op("tuple_or ( : : T1, T2 : Or)", ar.or_, "Logical or of integers (0/1).")
_op("tuple_xor ( : : T1, T2 : Xor)", ar.xor, "Logical exclusive or of integers (0/1).")
_op("tuple_not ( : : T : Not)", ar.not_, "Logical not of integers (0/1).")

# ---- Conversion --------------------------------------------------------------------

_op("tuple_int ( : : T : Int)", f.int_, "Reals truncated toward zero; a string is #1201.")
_op("tuple_real ( : : T : Real)", f.real, "Numbers as reals; a string is #1201.")
_op("tuple_round ( : : T : Round)", f.round,
    "Nearest integer, halves away from zero; a string is #1201.")
_op("tuple_number ( : : T : Number)", f.number,
    "Strings holding a number (decimal, 0x hexadecimal, real) become it; all else unchanged.")
_op("tuple_chr ( : : T : Chr)", f.chr_, "Character codes to one-character strings.")
_op("tuple_chrt ( : : T : Chrt)", f.chrt,
    "Character codes to one string; a 0 ends a string and stays as the integer 0.")
_op("tuple_ord ( : : T : Ord)", f.ord_, "Code of each one-character string.")
_op("tuple_ords ( : : T : Ords)", f.ords, "Codes of all characters of all strings; integers are copied through.")
_op("tuple_string ( : : T, Format : String)", st.format_value,
    "T $ Format: C printf conversion without the % (see docs/semantics.md, Formatting).")
_op("tuple_is_number ( : : T : IsNumber)", f.is_number,
    "1 per element that is a number or a string holding one.")

# ---- Creation -------------------------------------------------------------------------

_op("tuple_concat ( : : T1, T2 : Concat)", ac.concat, "[T1, T2].")
_op("tuple_gen_sequence ( : : Start, End, Step : Sequence)", f.gen_sequence,
    "[Start:Step:End]: End inclusive when reached; step 0 or away from End is #1303.")


@_op("tuple_gen_const ( : : Length, Const : Newtuple)")
def tuple_gen_const(length, const):
    """Length copies of Const; Length may be a real without fraction (unlike gen_tuple_const)."""
    return f.gen_tuple_const(args.integer(length, 1, low=0), const)


@_op("tuple_rand ( : : Length : Rand)")
def tuple_rand(length):
    """Length reals uniform in [0, 1) from hdl.functions.RNG (seeded by set_system('seed_rand'))."""
    return f.rand(args.integer(length, 1, low=0))


@_op("tuple_repeat ( : : Tuple, Num : Result)")
def tuple_repeat(t, num):
    """The whole tuple Num times after each other."""
    return f.repeat(t, num)


@_op("tuple_repeat_elem ( : : Tuple, Num : Result)")
def tuple_repeat_elem(t, num):
    """Each element Num times in a row."""
    return f.repeat_elem(t, num)


_CONSTANTS = {
    "H_MSG_TRUE": 2, "H_MSG_FALSE": 3, "H_MSG_VOID": 4, "H_MSG_FAIL": 5,
    "H_TYPE_INT": f.INT_TYPE, "H_TYPE_REAL": f.REAL_TYPE, "H_TYPE_STRING": f.STRING_TYPE,
    "H_TYPE_MIXED": f.MIXED_TYPE, "H_TYPE_HANDLE": f.HANDLE_TYPE,
    "H_INT8_MIN": -2 ** 7, "H_INT8_MAX": 2 ** 7 - 1, "H_UINT8_MAX": 2 ** 8 - 1,
    "H_INT16_MIN": -2 ** 15, "H_INT16_MAX": 2 ** 15 - 1, "H_UINT16_MAX": 2 ** 16 - 1,
    "H_INT32_MIN": -2 ** 31, "H_INT32_MAX": 2 ** 31 - 1, "H_UINT32_MAX": 2 ** 32 - 1,
    "H_INT64_MIN": v.INT64_MIN, "H_INT64_MAX": v.INT64_MAX,
    "H_INT_MIN": v.INT64_MIN, "H_INT_MAX": v.INT64_MAX,
    "H_FLOAT32_EPSILON": float(np.finfo(np.float32).eps),
    "H_FLOAT32_MIN": float(np.finfo(np.float32).tiny),
    "H_FLOAT32_MAX": float(np.finfo(np.float32).max),
    "H_FLOAT64_EPSILON": sys.float_info.epsilon,
    "H_FLOAT64_MIN": sys.float_info.min,
    "H_FLOAT64_MAX": sys.float_info.max,
}


@_op("tuple_constant ( : : Name : Value)")
def tuple_constant(name):
    """The value of a named HDevelop constant (H_MSG_*, H_TYPE_*, H_INT*/H_UINT*, H_FLOAT*);
    an unknown name is #1301."""
    text = args.string(name, 1)
    try:
        return _CONSTANTS[text]
    except KeyError:
        raise args.wrong_value(1, f"unknown constant {text!r}") from None


# ---- Element order -------------------------------------------------------------------------

_op("tuple_inverse ( : : Tuple : Inverted)", f.inverse, "The elements in reverse order.")
_op("tuple_sort ( : : Tuple : Sorted)", f.sort,
    "Increasing order (numbers by value, strings by code point); mixing both is #1201.")
_op("tuple_sort_index ( : : Tuple : Indices)", f.sort_index,
    "The indices that sort Tuple (stable).")

# ---- Features ---------------------------------------------------------------------------------

_op("tuple_length ( : : Tuple : Length)", v.length, "|Tuple|.")
_op("tuple_max ( : : Tuple : Max)", f.max_,
    "Largest element (all numbers, real if any is real, or all strings); [] is #1401.")
_op("tuple_min ( : : Tuple : Min)", f.min_,
    "Smallest element (all numbers, real if any is real, or all strings); [] is #1401.")
_op("tuple_sum ( : : Tuple : Sum)", f.sum_,
    "Sum: integer when all are integers (wrapping), real with a real, strings concatenated; [] gives [].")
_op("tuple_mean ( : : Tuple : Mean)", f.mean, "Mean as a real; [] is #1401.")
_op("tuple_deviation ( : : Tuple : Deviation)", f.deviation,
    "Standard deviation with n-1 in the denominator (0.0 for one element); [] is #1401.")
_op("tuple_median ( : : Tuple : Median)", f.median,
    "Element of rank |Tuple| div 2 of the sorted tuple (no averaging); [] is #1401.")


@_op("tuple_histo_range ( : : Tuple, Min, Max, NumBins : Histo, BinSize)")
def tuple_histo_range(t, lo, hi, num_bins):
    """Histogram of the numbers of Tuple within [Min, Max] in NumBins equal bins.

    All integers: Min and Max are rounded down and BinSize = (Max - Min + 1) / NumBins,
    the bin of x is floor((x - Min) / BinSize).  Otherwise BinSize = (Max - Min) / NumBins
    and a value on the border of two bins counts in the lower one (Max in the last;
    Min = Max puts its values in the first bin).  Values outside [Min, Max] are not
    counted.  An empty input is #1401 … #1404.
    """
    items = args.numbers(t, 1, nonempty=True)
    lo, hi = args.number(lo, 2), args.number(hi, 3)
    n = args.integer(num_bins, 4, low=1)
    if hi < lo:
        raise args.wrong_value(3, f"Max {hi!r} is smaller than Min {lo!r}")
    histo = [0] * n
    if all(type(x) is int for x in items):
        lo, hi = math.floor(lo), math.floor(hi)
        size = (hi - lo + 1) / n
        for x in items:
            if lo <= x <= hi:
                histo[min(int((x - lo) // size), n - 1)] += 1
    else:
        size = (hi - lo) / n
        for x in items:
            if lo <= x <= hi:
                if size == 0:
                    k = 0
                else:
                    k = max(math.ceil((x - lo) / size) - 1, 0)
                histo[min(k, n - 1)] += 1
    return v.canonical(histo), float(size)


# ---- Manipulation -------------------------------------------------------------------------------

_op("tuple_insert ( : : Tuple, Index, InsertTuple : Extended)", f.insert,
    "InsertTuple inserted before position Index (Index = |Tuple| appends).")
_op("tuple_remove ( : : Tuple, Index : Reduced)", f.remove,
    "Tuple without the elements at Index (indices outside the tuple are ignored).")
_op("tuple_replace ( : : Tuple, Index, ReplaceTuple : Replaced)", f.replace,
    "Elements at Index replaced (one value for all, or one per index); indices must exist.")

# ---- Selection ------------------------------------------------------------------------------------

_op("tuple_select ( : : Tuple, Index : Selected)", ac.select,
    "Tuple[Index]: the elements at the given indices; an index outside is #1302.")
_op("tuple_select_range ( : : Tuple, Leftindex, Rightindex : Selected)", ac.select_range,
    "Tuple[Leftindex:Rightindex], both ends included; Rightindex = Leftindex - 1 gives [].")
_op("tuple_select_mask ( : : Tuple, Mask : Selected)", f.select_mask,
    "The elements whose mask value is not 0; |Mask| must equal |Tuple| (#1402).")
_op("tuple_select_rank ( : : Tuple, RankIndex : Selected)", f.select_rank,
    "Element at position RankIndex of the sorted tuple.")
_op("tuple_first_n ( : : Tuple, Index : Selected)", f.first_n, "Elements 0 … Index.")
_op("tuple_last_n ( : : Tuple, Index : Selected)", f.last_n, "Elements Index … end.")
_op("tuple_str_bit_select ( : : Tuple, Index : Selected)", ac.char_at,
    "Character Index of each string, bit Index of each integer (Tuple{Index}).")
_op("tuple_find ( : : Tuple, ToFind : Index)", f.find,
    "Start indices of every occurrence of the sequence ToFind in Tuple, -1 if none.")
_op("tuple_find_first ( : : Tuple, ToFind : Index)", f.find_first,
    "Start index of the first occurrence of ToFind, -1 if none.")
_op("tuple_find_last ( : : Tuple, ToFind : Index)", f.find_last,
    "Start index of the last occurrence of ToFind, -1 if none.")
_op("tuple_uniq ( : : Tuple : Uniq)", f.uniq,
    "Drops every element equal to its predecessor (sort first for distinct values).")

# ---- Sets -----------------------------------------------------------------------------------------

_op("tuple_union ( : : Set1, Set2 : Union)", f.union,
    "Elements of both sets, each once, sorted (1 and 1.0 are different elements).")
_op("tuple_intersection ( : : Set1, Set2 : Intersection)", f.intersection,
    "Elements in both sets, each once, sorted.")
_op("tuple_difference ( : : Set1, Set2 : Difference)", f.difference,
    "Elements of Set1 not in Set2, each once, sorted.")
_op("tuple_symmdiff ( : : Set1, Set2 : SymmDiff)", f.symmdiff,
    "Elements in exactly one of the sets, each once, sorted.")

# ---- String operations --------------------------------------------------------------------------------

_op("tuple_environment ( : : Names : Values)", f.environment,
    "Value of each environment variable, '' when it is not set.")
_op("tuple_regexp_match ( : : Data, Expression : Matches)", f.regexp_match,
    "For one string the match or its capture groups; for several the match (or group 1) each.")
_op("tuple_regexp_replace ( : : Data, Expression, Replace : Result)", f.regexp_replace,
    "First match replaced ('replace_all' option: every match); $1 / \\1 refer to groups.")
_op("tuple_regexp_select ( : : Data, Expression : Selection)", f.regexp_select,
    "The string elements that match ('invert_match': that do not).")
_op("tuple_regexp_test ( : : Data, Expression : NumMatches)", f.regexp_test,
    "Number of string elements that match (Data =~ Expression).")
_op("tuple_split ( : : String, Separator : Substrings)", f.split,
    "Pieces between any of the separator characters; empty pieces are dropped.")
_op("tuple_str_first_n ( : : String, Position : Substring)", f.str_firstn,
    "Characters 0 … Position of each string.")
_op("tuple_str_last_n ( : : String, Position : Substring)", f.str_lastn,
    "Characters Position … end of each string.")
_op("tuple_str_replace ( : : String, Before, After : Replaced)", f.str_replace,
    "Every occurrence of Before replaced by After.")
_op("tuple_strchr ( : : String, ToFind : Position)", f.strchr,
    "First position of the first character of ToFind, -1 if none.")
_op("tuple_strrchr ( : : String, ToFind : Position)", f.strrchr,
    "Last position of the first character of ToFind, -1 if none.")
_op("tuple_strstr ( : : String, ToFind : Position)", f.strstr,
    "First position of the substring ToFind, -1 if none.")
_op("tuple_strrstr ( : : String, ToFind : Position)", f.strrstr,
    "Last position of the substring ToFind, -1 if none.")
_op("tuple_strlen ( : : T : Length)", f.strlen, "Number of characters of each string.")
_op("tuple_substr ( : : String, Position1, Position2 : Substring)", ac.substr,
    "Characters Position1 … Position2 (clipped at the end; '' when Position2 < Position1).")


@_op("tuple_join ( : : Strings, Separators : JoinedStrings)")
def tuple_join(strings, separators):
    """Strings joined by each separator: one result per element of Separators.

    The inline join(t, sep) accepts one separator only (#1402 otherwise); the
    operator follows HALCON's page and gives one joined string per separator
    ([] for no separator).  Numbers are turned into text as `+` does.
    """
    seps = v.as_list(separators)
    if len(seps) == 1:
        return f.join(strings, seps[0])
    return v.canonical([f.join(strings, s) for s in seps])


def _levenshtein(a: str, b: str) -> int:
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@_op("tuple_str_distance ( : : String1, String2, Mode : Distance)")
def tuple_str_distance(s1, s2, mode):
    """Edit distance per pair of strings (tuple rule); Mode 'levenshtein' only so far."""
    args.choice(mode, 3, ("levenshtein",))
    return ar.elementwise(args.strings(s1, 1), args.strings(s2, 2), _levenshtein,
                          "tuple_str_distance")


# ---- Type -------------------------------------------------------------------------------------------

_op("tuple_type ( : : T : Type)", f.type_,
    "1 integer, 2 real, 4 string, 16 handle, 8 mixed; 31 (H_TYPE_ANY) for the empty tuple.")
_op("tuple_type_elem ( : : T : Types)", f.type_elem, "Type code of each element.")
_op("tuple_sem_type ( : : T : SemType)", f.sem_type,
    "'integer', 'real', 'string', a handle's type, 'mixed'; 'any' for the empty tuple.")
_op("tuple_sem_type_elem ( : : T : SemTypes)", f.sem_type_elem, "Semantic type of each element.")
_op("tuple_is_int ( : : T : IsInt)", f.is_int, "1 if the tuple is of type integer (or empty).")
_op("tuple_is_real ( : : T : IsReal)", f.is_real, "1 if the tuple is of type real (or empty).")
_op("tuple_is_string ( : : T : IsString)", f.is_string,
    "1 if the tuple is of type string (or empty).")
_op("tuple_is_mixed ( : : T : IsMixed)", f.is_mixed, "1 if the tuple mixes types (or is empty).")
_op("tuple_is_handle ( : : T : IsHandle)", f.is_handle, "1 if all elements are handles (or the tuple is empty).")
_op("tuple_is_int_elem ( : : T : IsInt)", f.is_int_elem, "1 per integer element.")
_op("tuple_is_real_elem ( : : T : IsReal)", f.is_real_elem, "1 per real element.")
_op("tuple_is_string_elem ( : : T : IsString)", f.is_string_elem, "1 per string element.")
_op("tuple_is_handle_elem ( : : T : IsHandle)", f.is_handle_elem, "1 per handle element.")
_op("tuple_is_valid_handle ( : : Handle : IsValid)", f.is_valid_handle,
    "1 per element that is a handle not yet cleared, 0 otherwise.")


def _serializable(x) -> int:
    if isinstance(x, v.Handle):
        return 1 if x.valid and getattr(x, "serializable", isinstance(x, v.DictHandle)) else 0
    return 1


@_op("tuple_is_serializable_elem ( : : Tuple : IsSerializableElem)")
def tuple_is_serializable_elem(t):
    """1 per element serialize_tuple can write: numbers, strings, valid serializable handles.

    A handle class is serializable when it sets `serializable = True` (dicts are).
    """
    return v.canonical([_serializable(x) for x in v.as_list(t)])


@_op("tuple_is_serializable ( : : Tuple : IsSerializable)")
def tuple_is_serializable(t):
    """1 if every element is serializable (the empty tuple is)."""
    return 1 if all(_serializable(x) for x in v.as_list(t)) else 0
