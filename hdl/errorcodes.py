"""Every error code hdl reports, each under one name.

The numbers are HALCON's own (the H_ERR_* list of HALCON's error-code
table); the names are ours.  Where HALCON has no dedicated code that we
could confirm (an index out of range, a missing dict key, division by zero,
images of different sizes …), hdl reports the problem the way the
corresponding tuple operator would: as a wrong value / wrong type / wrong
number of values of the operand that caused it, and the alias below says
so.  See docs/semantics.md, "Runtime values and expressions".
"""

from __future__ import annotations

# -- per-parameter families: code + parameter number (1-based) ---------------
WRONG_TYPE_BASE = 1200     # H_ERR_WIPT<n>: wrong type of control parameter n
WRONG_VALUE_BASE = 1300    # H_ERR_WIPV<n>: wrong value of control parameter n
WRONG_NUMBER_BASE = 1400   # H_ERR_WIPN<n>: wrong number of values of control parameter n

WRONG_TYPE_1 = 1201
WRONG_TYPE_2 = 1202
WRONG_TYPE_3 = 1203
WRONG_VALUE_1 = 1301
WRONG_VALUE_2 = 1302
WRONG_VALUE_3 = 1303
WRONG_NUMBER_1 = 1401
WRONG_NUMBER_2 = 1402
WRONG_NUMBER_3 = 1403


def wrong_type(param: int = 1) -> int:
    return WRONG_TYPE_BASE + param


def wrong_value(param: int = 1) -> int:
    return WRONG_VALUE_BASE + param


def wrong_number(param: int = 1) -> int:
    return WRONG_NUMBER_BASE + param


# -- language-level errors (our choice of HALCON code; documented) -----------
#: two operands of an element-wise operation have different lengths (> 1):
#: reported against the second operand.
LENGTH_MISMATCH = WRONG_NUMBER_2
#: an operand that must not be empty is empty (logical operators, aggregates).
EMPTY_OPERAND = WRONG_NUMBER_1
#: index outside 0 … |t|-1 for t[i], t[i:j], s{i}, V.at(i) (index = parameter 2
#: of tuple_select).
INDEX_OUT_OF_RANGE = WRONG_VALUE_2
#: integer or real division / modulo by zero (divisor = parameter 2).
DIVISION_BY_ZERO = WRONG_VALUE_2
#: a condition (if/while/until/elseif), for-loop bound, switch value or case
#: label of the wrong type / number of values.
CONDITION_TYPE = WRONG_TYPE_1
CONDITION_NUMBER = WRONG_NUMBER_1
#: a for loop with step 0.
LOOP_STEP = WRONG_VALUE_2
#: inline function called with the wrong number of arguments
#: (H_ERR_WNP "wrong specification of parameter").
WRONG_ARG_COUNT = 2000
#: unknown inline function / vector method name (same family).
UNKNOWN_FUNCTION = 2000
#: a missing key in D.key / D.[k]: the key is parameter 2 of get_dict_tuple.
#: (HALCON's get_dict_tuple reports a missing key as 1302 in practice.)
MISSING_KEY = WRONG_VALUE_2
#: a pixel type an operator does not support (hdl's choice: a wrong value).
IMAGE_TYPE = WRONG_VALUE_2

# -- codes HALCON defines directly ---------------------------------------------
#: H_MSG_TRUE … H_MSG_FAIL: the return codes dev_error_var stores.
H_MSG_TRUE = 2
H_MSG_FALSE = 3
H_MSG_VOID = 4
H_MSG_FAIL = 5
#: H_ERR_CO_ICPNI: input control parameter not initialized (reading an
#: uninstantiated control variable).
UNINITIALIZED_CONTROL = 2954
#: H_ERR_CO_IOPNI: input object parameter not initialized.
UNINITIALIZED_ICONIC = 2953
#: H_ERR_WRONG_HANDLE_TYPE: e.g. dict access on a handle that is no dict.
WRONG_HANDLE_TYPE = 2404
#: H_ERR_WVTYP / H_ERR_WVDIM: wrong vector element type / dimension.
WRONG_VECTOR_TYPE = 2410
WRONG_VECTOR_DIM = 2411
#: H_ERR_HANDLE_CLEARED: the handle was cleared (invalid).
HANDLE_CLEARED = 2454
#: H_ERR_DICT_KEY: dict does not contain the requested key (see MISSING_KEY).
DICT_KEY = 2894
#: H_ERR_WT_CTRL_EXPECTED / H_ERR_WT_ICONIC_EXPECTED.
CONTROL_EXPECTED = 2460
ICONIC_EXPECTED = 2461

#: images of different sizes combined (hdl's choice).
IMAGE_SIZE = 3040
#: matrices whose sizes do not fit the operation / a singular matrix (hdl's choice).
MATRIX_DIMENSIONS = 3150
MATRIX_SINGULAR = 3151
#: a region given where an image is needed (hdl's choice).
NOT_AN_IMAGE = 4050
#: HALCON's "out of device memory".
OUT_OF_MEMORY = 4104
#: no (valid) graphics window (H_ERR_WWINDOW area).
NO_WINDOW = 5100

# -- files (H_ERR_FNF …; docs/semantics.md, "Files") ----------------------------
FILE_NOT_FOUND = 5200
FILE_OPEN = 5201
FILE_WRITE = 5202
FILE_READ = 5203
DIRECTORY = 5204
#: a damaged file or one of a format hdl cannot read (never executed).
FILE_FORMAT = 5279

# -- deep learning -----------------------------------------------------------
#: a failure inside the network that is no user mistake we could name (hdl's choice).
DL_FAILURE = 7800

# -- HDevelop's own codes for errors outside operators (add_error_code) ----------
ERROR_IN_OPERATOR = 21000
UNKNOWN_CALLEE = 21002
INTERNAL = 21009

#: hdl_assert* failed (a user code: HALCON leaves 30000 and up to programs).
ASSERTION_FAILED = 30999
