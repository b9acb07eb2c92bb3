"""Matrix chapter: matrices of reals behind handles (numpy arrays).

The DL procedures keep confusion matrices in them; results of whole-matrix
operations are new matrices, the `_mod` variants change the first operand.
"""

import numpy as np

from hdl import values as v
from hdl.errors import HdlRuntimeError
from hdl.registry import operator

WRONG_TYPE = 1200
WRONG_VALUE = 1300
WRONG_NUMBER = 1400
MATRIX_DIMENSIONS = 3150  # hdl's code for operands whose sizes do not fit


class MatrixHandle(v.Handle):
    type_name = "matrix"
    serializable = True
    __slots__ = ("array",)

    def __init__(self, array: np.ndarray):
        super().__init__()
        self.array = np.array(array, dtype=np.float64, ndmin=2)

    def clear(self) -> None:
        super().clear()
        self.array = np.zeros((0, 0))

    def copy(self) -> "MatrixHandle":
        return MatrixHandle(self.array.copy())


def _error(code: int, message: str, op: str) -> HdlRuntimeError:
    return HdlRuntimeError(code, message, operator=op)


def _matrix(value, param: int, op: str) -> MatrixHandle:
    items = v.as_list(value)
    if len(items) != 1 or not isinstance(items[0], MatrixHandle):
        raise _error(WRONG_TYPE + param, f"a matrix handle expected, got {items!r}"[:200], op)
    if not items[0].valid:
        raise _error(2454, "the matrix was cleared", op)
    return items[0]


def _int(value, param: int, op: str, minimum: int = 0) -> int:
    items = v.as_list(value)
    if len(items) != 1 or type(items[0]) is not int:
        raise _error(WRONG_TYPE + param, f"one integer expected, got {items!r}"[:200], op)
    if items[0] < minimum:
        raise _error(WRONG_VALUE + param, f"{items[0]} is below {minimum}", op)
    return items[0]


def _numbers(value, param: int, op: str) -> np.ndarray:
    items = v.as_list(value)
    for x in items:
        if type(x) not in (int, float):
            raise _error(WRONG_TYPE + param, f"numbers expected, got {x!r}"[:200], op)
    return np.array(items, dtype=np.float64)


def _choice(value, param: int, op: str, allowed: tuple) -> str:
    items = v.as_list(value)
    if len(items) != 1 or items[0] not in allowed:
        raise _error(WRONG_VALUE + param, f"{items!r} is none of {', '.join(allowed)}"[:200], op)
    return items[0]


def _reals(array: np.ndarray):
    return v.canonical([float(x) for x in array.ravel()])


@operator("create_matrix ( : : Rows, Columns, Value : MatrixID)")
def create_matrix(rows, columns, value):
    """One value fills the matrix, 'identity' makes one, min(R, C) values fill the diagonal, R×C values fill row by row."""
    op = "create_matrix"
    r, c = _int(rows, 1, op, 1), _int(columns, 2, op, 1)
    items = v.as_list(value)
    if items == ["identity"]:
        if r != c:
            raise _error(WRONG_VALUE + 3, "an identity matrix must be square", op)
        return MatrixHandle(np.eye(r))
    values = _numbers(value, 3, op)
    if values.size == 1:
        return MatrixHandle(np.full((r, c), values[0]))
    if values.size == r * c:
        return MatrixHandle(values.reshape(r, c))
    if values.size == min(r, c):
        array = np.zeros((r, c))
        np.fill_diagonal(array, values)
        return MatrixHandle(array)
    raise _error(WRONG_NUMBER + 3, f"{values.size} values fit neither 1, {min(r, c)} (the diagonal) "
                 f"nor {r * c} (all elements)", op)


@operator("clear_matrix ( : : MatrixID : )")
def clear_matrix(matrix_id):
    for item in v.as_list(matrix_id):
        _matrix(item, 1, "clear_matrix").clear()


@operator("copy_matrix ( : : MatrixID : MatrixCopyID)")
def copy_matrix(matrix_id):
    return _matrix(matrix_id, 1, "copy_matrix").copy()


@operator("get_size_matrix ( : : MatrixID : Rows, Columns)")
def get_size_matrix(matrix_id):
    r, c = _matrix(matrix_id, 1, "get_size_matrix").array.shape
    return r, c


@operator("get_full_matrix ( : : MatrixID : Values)")
def get_full_matrix(matrix_id):
    return _reals(_matrix(matrix_id, 1, "get_full_matrix").array)


@operator("set_full_matrix ( : : MatrixID, Values : )")
def set_full_matrix(matrix_id, values):
    op = "set_full_matrix"
    m = _matrix(matrix_id, 1, op)
    data = _numbers(values, 2, op)
    if data.size == 1:
        m.array[:] = data[0]
    elif data.size == m.array.size:
        m.array[:] = data.reshape(m.array.shape)
    else:
        raise _error(WRONG_NUMBER + 2, f"{data.size} values for a matrix of {m.array.size} elements", op)


def _positions(m, rows, columns, op):
    r = _numbers(rows, 2, op).astype(np.int64)
    c = _numbers(columns, 3, op).astype(np.int64)
    if r.size != c.size:
        raise _error(WRONG_NUMBER + 3, "Row and Column need the same number of values", op)
    if r.size and (r.min() < 0 or c.min() < 0 or r.max() >= m.array.shape[0] or c.max() >= m.array.shape[1]):
        raise _error(WRONG_VALUE + 2, f"position outside the {m.array.shape[0]}×{m.array.shape[1]} matrix", op)
    return r, c


@operator("get_value_matrix ( : : MatrixID, Row, Column : Value)")
def get_value_matrix(matrix_id, row, column):
    m = _matrix(matrix_id, 1, "get_value_matrix")
    r, c = _positions(m, row, column, "get_value_matrix")
    return _reals(m.array[r, c])


@operator("set_value_matrix ( : : MatrixID, Row, Column, Value : )")
def set_value_matrix(matrix_id, row, column, value):
    op = "set_value_matrix"
    m = _matrix(matrix_id, 1, op)
    r, c = _positions(m, row, column, op)
    data = _numbers(value, 4, op)
    if data.size not in (1, r.size):
        raise _error(WRONG_NUMBER + 4, "one value or one value per position", op)
    m.array[r, c] = data


@operator("get_sub_matrix ( : : MatrixID, Row, Column, RowsSub, ColumnsSub : MatrixSubID)")
def get_sub_matrix(matrix_id, row, column, rows_sub, columns_sub):
    op = "get_sub_matrix"
    m = _matrix(matrix_id, 1, op)
    r, c = _int(row, 2, op), _int(column, 3, op)
    rs, cs = _int(rows_sub, 4, op, 1), _int(columns_sub, 5, op, 1)
    if r + rs > m.array.shape[0] or c + cs > m.array.shape[1]:
        raise _error(WRONG_VALUE + 4, "the sub-matrix reaches outside the matrix", op)
    return MatrixHandle(m.array[r:r + rs, c:c + cs].copy())


@operator("set_sub_matrix ( : : MatrixID, MatrixSubID, Row, Column : )")
def set_sub_matrix(matrix_id, matrix_sub_id, row, column):
    op = "set_sub_matrix"
    m, s = _matrix(matrix_id, 1, op), _matrix(matrix_sub_id, 2, op)
    r, c = _int(row, 3, op), _int(column, 4, op)
    rs, cs = s.array.shape
    if r + rs > m.array.shape[0] or c + cs > m.array.shape[1]:
        raise _error(WRONG_VALUE + 3, "the sub-matrix reaches outside the matrix", op)
    m.array[r:r + rs, c:c + cs] = s.array


@operator("transpose_matrix ( : : MatrixID : MatrixTransposedID)")
def transpose_matrix(matrix_id):
    return MatrixHandle(_matrix(matrix_id, 1, "transpose_matrix").array.T.copy())


@operator("get_diagonal_matrix ( : : MatrixID, Diagonal : VectorID)")
def get_diagonal_matrix(matrix_id, diagonal):
    op = "get_diagonal_matrix"
    m = _matrix(matrix_id, 1, op)
    k = v.as_list(diagonal)
    if len(k) != 1 or type(k[0]) is not int:
        raise _error(WRONG_TYPE + 2, "Diagonal must be one integer", op)
    return MatrixHandle(np.diagonal(m.array, k[0]).copy().reshape(-1, 1))


REDUCE_TYPES = ("columns", "rows", "full")


def _reduce(name, function):
    def reduce(matrix_id, kind):
        m = _matrix(matrix_id, 1, name)
        how = _choice(kind, 2, name, REDUCE_TYPES)
        if how == "columns":
            return MatrixHandle(function(m.array, axis=0).reshape(1, -1))
        if how == "rows":
            return MatrixHandle(function(m.array, axis=1).reshape(-1, 1))
        return MatrixHandle(np.array([[function(m.array)]]))
    return reduce


for _name, _function, _param in (("sum_matrix", np.sum, "SumType"), ("mean_matrix", np.mean, "MeanType"),
                                 ("max_matrix", np.max, "MaxType"), ("min_matrix", np.min, "MinType")):
    _result = {"sum_matrix": "MatrixSumID", "mean_matrix": "MatrixMeanID", "max_matrix": "MatrixMaxID",
               "min_matrix": "MatrixMinID"}[_name]
    operator(f"{_name} ( : : MatrixID, {_param} : {_result})",
             doc=f"{_name.split('_')[0]} per column (1×C), per row (R×1) or of the whole matrix (1×1).")(
        _reduce(_name, _function))


def _same_size(a, b, op):
    if a.array.shape != b.array.shape:
        raise _error(MATRIX_DIMENSIONS, f"matrices of {a.array.shape[0]}×{a.array.shape[1]} and "
                     f"{b.array.shape[0]}×{b.array.shape[1]} do not fit", op)


def _elementwise(name, function):
    def new(matrix_a, matrix_b):
        a, b = _matrix(matrix_a, 1, name), _matrix(matrix_b, 2, name)
        _same_size(a, b, name)
        return MatrixHandle(function(a.array, b.array))

    def modify(matrix_a, matrix_b):
        a, b = _matrix(matrix_a, 1, name + "_mod"), _matrix(matrix_b, 2, name + "_mod")
        _same_size(a, b, name + "_mod")
        a.array = function(a.array, b.array)
    return new, modify


def _divide(a, b):
    if np.any(b == 0):
        raise _error(WRONG_VALUE + 2, "division by a zero element", "div_element_matrix")
    return a / b


for _name, _function, _result in (("add_matrix", np.add, "MatrixSumID"),
                                  ("sub_matrix", np.subtract, "MatrixDifferenceID"),
                                  ("mult_element_matrix", np.multiply, "MatrixMultID"),
                                  ("div_element_matrix", _divide, "MatrixDivID")):
    _new, _modify = _elementwise(_name, _function)
    operator(f"{_name} ( : : MatrixAID, MatrixBID : {_result})")(_new)
    operator(f"{_name}_mod ( : : MatrixAID, MatrixBID : )")(_modify)


@operator("mult_matrix ( : : MatrixAID, MatrixBID, MultType : MatrixMultID)")
def mult_matrix(matrix_a, matrix_b, mult_type):
    """The product with either operand transposed as MultType says ('AB', 'ATB', 'ABT', 'ATBT')."""
    op = "mult_matrix"
    a, b = _matrix(matrix_a, 1, op).array, _matrix(matrix_b, 2, op).array
    kind = _choice(mult_type, 3, op, ("AB", "ATB", "ABT", "ATBT"))
    a = a.T if kind.startswith("AT") else a
    b = b.T if kind.endswith("BT") else b
    if a.shape[1] != b.shape[0]:
        raise _error(MATRIX_DIMENSIONS, f"cannot multiply {a.shape[0]}×{a.shape[1]} by "
                     f"{b.shape[0]}×{b.shape[1]}", op)
    return MatrixHandle(a @ b)


@operator("scale_matrix ( : : MatrixID, Factor : MatrixScaledID)")
def scale_matrix(matrix_id, factor):
    return MatrixHandle(_matrix(matrix_id, 1, "scale_matrix").array * _numbers(factor, 2, "scale_matrix")[0])


@operator("scale_matrix_mod ( : : MatrixID, Factor : )")
def scale_matrix_mod(matrix_id, factor):
    m = _matrix(matrix_id, 1, "scale_matrix_mod")
    m.array = m.array * _numbers(factor, 2, "scale_matrix_mod")[0]


@operator("abs_matrix ( : : MatrixID : MatrixAbsID)")
def abs_matrix(matrix_id):
    return MatrixHandle(np.abs(_matrix(matrix_id, 1, "abs_matrix").array))


@operator("sqrt_matrix ( : : MatrixID : MatrixSqrtID)")
def sqrt_matrix(matrix_id):
    m = _matrix(matrix_id, 1, "sqrt_matrix")
    if np.any(m.array < 0):
        raise _error(WRONG_VALUE + 1, "square root of a negative element", "sqrt_matrix")
    return MatrixHandle(np.sqrt(m.array))


@operator("invert_matrix ( : : MatrixID, MatrixType, Epsilon : MatrixInvID)")
def invert_matrix(matrix_id, matrix_type, epsilon):
    op = "invert_matrix"
    m = _matrix(matrix_id, 1, op).array
    _choice(matrix_type, 2, op, ("general", "symmetric", "positive_definite", "tridiagonal",
                                 "upper_triangular", "lower_triangular", "permutation", "orthogonal"))
    eps = _numbers(epsilon, 3, op)
    if m.shape[0] != m.shape[1]:
        if eps.size and eps[0] > 0:
            return MatrixHandle(np.linalg.pinv(m, rcond=eps[0]))
        raise _error(MATRIX_DIMENSIONS, "only a square matrix can be inverted", op)
    if eps.size and eps[0] > 0:
        return MatrixHandle(np.linalg.pinv(m, rcond=eps[0]))
    try:
        return MatrixHandle(np.linalg.inv(m))
    except np.linalg.LinAlgError:
        raise _error(3151, "the matrix is singular", op) from None


@operator("determinant_matrix ( : : MatrixID, MatrixType : Value)")
def determinant_matrix(matrix_id, matrix_type):
    m = _matrix(matrix_id, 1, "determinant_matrix").array
    if m.shape[0] != m.shape[1]:
        raise _error(MATRIX_DIMENSIONS, "only a square matrix has a determinant", "determinant_matrix")
    return float(np.linalg.det(m))


@operator("norm_matrix ( : : MatrixID, NormType : Value)")
def norm_matrix(matrix_id, norm_type):
    m = _matrix(matrix_id, 1, "norm_matrix").array
    kind = _choice(norm_type, 2, "norm_matrix", ("frobenius-norm", "infinity-norm", "1-norm", "2-norm"))
    order = {"frobenius-norm": "fro", "infinity-norm": np.inf, "1-norm": 1, "2-norm": 2}[kind]
    return float(np.linalg.norm(m, order))


@operator("repeat_matrix ( : : MatrixID, Rows, Columns : MatrixRepeatedID)")
def repeat_matrix(matrix_id, rows, columns):
    op = "repeat_matrix"
    m = _matrix(matrix_id, 1, op).array
    return MatrixHandle(np.tile(m, (_int(rows, 2, op, 1), _int(columns, 3, op, 1))))
