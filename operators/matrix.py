"""Matrix chapter: matrices of reals behind handles (numpy arrays).

The DL procedures keep confusion matrices in them; results of whole-matrix
operations are new matrices, the `_mod` variants change the first operand.
"""

import numpy as np

from hdl import args
from hdl import errorcodes as ec
from hdl import values as v
from hdl.errors import HdlRuntimeError
from hdl.registry import operator

# the MatrixType values of determinant_matrix (invert_matrix knows two more); a general
# algorithm serves every type, so the value is checked, not used
MATRIX_TYPES = ("general", "symmetric", "positive_definite", "tridiagonal", "upper_triangular",
                "lower_triangular")


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


def _matrix(value, param: int) -> MatrixHandle:
    return args.handle(value, param, MatrixHandle)


def _numbers(value, param: int) -> np.ndarray:
    return np.array(args.numbers(value, param), dtype=np.float64)


def _reals(array: np.ndarray):
    return v.canonical([float(x) for x in array.ravel()])


@operator("create_matrix ( : : Rows, Columns, Value : MatrixID)")
def create_matrix(rows, columns, value):
    """One value fills the matrix, 'identity' makes one, min(R, C) values fill the diagonal, R×C values fill row by row."""
    r, c = args.integer(rows, 1, low=1), args.integer(columns, 2, low=1)
    items = v.as_list(value)
    if items == ["identity"]:
        if r != c:
            raise args.wrong_value(3, "an identity matrix must be square")
        return MatrixHandle(np.eye(r))
    values = _numbers(value, 3)
    if values.size == 1:
        return MatrixHandle(np.full((r, c), values[0]))
    if values.size == r * c:
        return MatrixHandle(values.reshape(r, c))
    if values.size == min(r, c):
        array = np.zeros((r, c))
        np.fill_diagonal(array, values)
        return MatrixHandle(array)
    raise args.wrong_number(3, f"{values.size} values fit neither 1, {min(r, c)} (the diagonal) "
                            f"nor {r * c} (all elements)")


@operator("clear_matrix ( : : MatrixID : )")
def clear_matrix(matrix_id):
    for matrix in args.handles(matrix_id, 1, MatrixHandle):
        matrix.clear()


@operator("copy_matrix ( : : MatrixID : MatrixCopyID)")
def copy_matrix(matrix_id):
    return _matrix(matrix_id, 1).copy()


@operator("get_size_matrix ( : : MatrixID : Rows, Columns)")
def get_size_matrix(matrix_id):
    r, c = _matrix(matrix_id, 1).array.shape
    return r, c


@operator("get_full_matrix ( : : MatrixID : Values)")
def get_full_matrix(matrix_id):
    return _reals(_matrix(matrix_id, 1).array)


@operator("set_full_matrix ( : : MatrixID, Values : )")
def set_full_matrix(matrix_id, values):
    m = _matrix(matrix_id, 1)
    data = _numbers(values, 2)
    if data.size == 1:
        m.array[:] = data[0]
    elif data.size == m.array.size:
        m.array[:] = data.reshape(m.array.shape)
    else:
        raise args.wrong_number(2, f"{data.size} values for a matrix of {m.array.size} elements")


def _positions(m, rows, columns):
    r = np.array(args.integers(rows, 2), dtype=np.int64)
    c = np.array(args.integers(columns, 3), dtype=np.int64)
    if r.size != c.size:
        raise args.wrong_number(3, "Row and Column need the same number of values")
    rows_n, columns_n = m.array.shape
    if r.size and (r.min() < 0 or c.min() < 0 or r.max() >= rows_n or c.max() >= columns_n):
        raise args.wrong_value(2, f"position outside the {rows_n}×{columns_n} matrix")
    return r, c


@operator("get_value_matrix ( : : MatrixID, Row, Column : Value)")
def get_value_matrix(matrix_id, row, column):
    m = _matrix(matrix_id, 1)
    r, c = _positions(m, row, column)
    return _reals(m.array[r, c])


@operator("set_value_matrix ( : : MatrixID, Row, Column, Value : )")
def set_value_matrix(matrix_id, row, column, value):
    m = _matrix(matrix_id, 1)
    r, c = _positions(m, row, column)
    data = _numbers(value, 4)
    if data.size not in (1, r.size):
        raise args.wrong_number(4, "one value or one value per position")
    m.array[r, c] = data


@operator("get_sub_matrix ( : : MatrixID, Row, Column, RowsSub, ColumnsSub : MatrixSubID)")
def get_sub_matrix(matrix_id, row, column, rows_sub, columns_sub):
    m = _matrix(matrix_id, 1)
    r, c = args.integer(row, 2, low=0), args.integer(column, 3, low=0)
    rs, cs = args.integer(rows_sub, 4, low=1), args.integer(columns_sub, 5, low=1)
    if r + rs > m.array.shape[0] or c + cs > m.array.shape[1]:
        raise args.wrong_value(4, "the sub-matrix reaches outside the matrix")
    return MatrixHandle(m.array[r:r + rs, c:c + cs].copy())


@operator("set_sub_matrix ( : : MatrixID, MatrixSubID, Row, Column : )")
def set_sub_matrix(matrix_id, matrix_sub_id, row, column):
    m, s = _matrix(matrix_id, 1), _matrix(matrix_sub_id, 2)
    r, c = args.integer(row, 3, low=0), args.integer(column, 4, low=0)
    rs, cs = s.array.shape
    if r + rs > m.array.shape[0] or c + cs > m.array.shape[1]:
        raise args.wrong_value(3, "the sub-matrix reaches outside the matrix")
    m.array[r:r + rs, c:c + cs] = s.array


@operator("transpose_matrix ( : : MatrixID : MatrixTransposedID)")
def transpose_matrix(matrix_id):
    return MatrixHandle(_matrix(matrix_id, 1).array.T.copy())


@operator("get_diagonal_matrix ( : : MatrixID, Diagonal : VectorID)")
def get_diagonal_matrix(matrix_id, diagonal):
    m = _matrix(matrix_id, 1)
    return MatrixHandle(np.diagonal(m.array, args.integer(diagonal, 2)).copy().reshape(-1, 1))


REDUCE_TYPES = ("columns", "rows", "full")


def _reduce(function):
    def reduce(matrix_id, kind):
        m = _matrix(matrix_id, 1)
        how = args.choice(kind, 2, REDUCE_TYPES)
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
        _reduce(_function))


def _same_size(a, b):
    if a.array.shape != b.array.shape:
        raise HdlRuntimeError(ec.MATRIX_DIMENSIONS, f"matrices of {a.array.shape[0]}×"
                              f"{a.array.shape[1]} and {b.array.shape[0]}×{b.array.shape[1]} "
                              "do not fit")


def _elementwise(function):
    def new(matrix_a, matrix_b):
        a, b = _matrix(matrix_a, 1), _matrix(matrix_b, 2)
        _same_size(a, b)
        return MatrixHandle(function(a.array, b.array))

    def modify(matrix_a, matrix_b):
        a, b = _matrix(matrix_a, 1), _matrix(matrix_b, 2)
        _same_size(a, b)
        a.array = function(a.array, b.array)
    return new, modify


def _divide(a, b):
    if np.any(b == 0):
        raise args.wrong_value(2, "division by a zero element")
    return a / b


for _name, _function, _result in (("add_matrix", np.add, "MatrixSumID"),
                                  ("sub_matrix", np.subtract, "MatrixDifferenceID"),
                                  ("mult_element_matrix", np.multiply, "MatrixMultID"),
                                  ("div_element_matrix", _divide, "MatrixDivID")):
    _new, _modify = _elementwise(_function)
    operator(f"{_name} ( : : MatrixAID, MatrixBID : {_result})")(_new)
    operator(f"{_name}_mod ( : : MatrixAID, MatrixBID : )")(_modify)


@operator("mult_matrix ( : : MatrixAID, MatrixBID, MultType : MatrixMultID)")
def mult_matrix(matrix_a, matrix_b, mult_type):
    """The product with either operand transposed as MultType says ('AB', 'ATB', 'ABT', 'ATBT')."""
    a, b = _matrix(matrix_a, 1).array, _matrix(matrix_b, 2).array
    kind = args.choice(mult_type, 3, ("AB", "ATB", "ABT", "ATBT"))
    a = a.T if kind.startswith("AT") else a
    b = b.T if kind.endswith("BT") else b
    if a.shape[1] != b.shape[0]:
        raise HdlRuntimeError(ec.MATRIX_DIMENSIONS, f"cannot multiply {a.shape[0]}×{a.shape[1]} "
                              f"by {b.shape[0]}×{b.shape[1]}")
    return MatrixHandle(a @ b)


@operator("scale_matrix ( : : MatrixID, Factor : MatrixScaledID)")
def scale_matrix(matrix_id, factor):
    return MatrixHandle(_matrix(matrix_id, 1).array * args.real(factor, 2))


@operator("scale_matrix_mod ( : : MatrixID, Factor : )")
def scale_matrix_mod(matrix_id, factor):
    m = _matrix(matrix_id, 1)
    m.array = m.array * args.real(factor, 2)


@operator("abs_matrix ( : : MatrixID : MatrixAbsID)")
def abs_matrix(matrix_id):
    return MatrixHandle(np.abs(_matrix(matrix_id, 1).array))


@operator("sqrt_matrix ( : : MatrixID : MatrixSqrtID)")
def sqrt_matrix(matrix_id):
    m = _matrix(matrix_id, 1)
    if np.any(m.array < 0):
        raise args.wrong_value(1, "square root of a negative element")
    return MatrixHandle(np.sqrt(m.array))


@operator("invert_matrix ( : : MatrixID, MatrixType, Epsilon : MatrixInvID)")
def invert_matrix(matrix_id, matrix_type, epsilon):
    m = _matrix(matrix_id, 1).array
    args.choice(matrix_type, 2, MATRIX_TYPES + ("permutation", "orthogonal"))
    eps = args.real(epsilon, 3)
    if eps > 0:
        return MatrixHandle(np.linalg.pinv(m, rcond=eps))
    if m.shape[0] != m.shape[1]:
        raise HdlRuntimeError(ec.MATRIX_DIMENSIONS, "only a square matrix can be inverted")
    try:
        return MatrixHandle(np.linalg.inv(m))
    except np.linalg.LinAlgError:
        raise HdlRuntimeError(ec.MATRIX_SINGULAR, "the matrix is singular") from None


@operator("determinant_matrix ( : : MatrixID, MatrixType : Value)")
def determinant_matrix(matrix_id, matrix_type):
    m = _matrix(matrix_id, 1).array
    args.choice(matrix_type, 2, MATRIX_TYPES)
    if m.shape[0] != m.shape[1]:
        raise HdlRuntimeError(ec.MATRIX_DIMENSIONS, "only a square matrix has a determinant")
    return float(np.linalg.det(m))


@operator("norm_matrix ( : : MatrixID, NormType : Value)")
def norm_matrix(matrix_id, norm_type):
    m = _matrix(matrix_id, 1).array
    kind = args.choice(norm_type, 2, ("frobenius-norm", "infinity-norm", "1-norm", "2-norm"))
    order = {"frobenius-norm": "fro", "infinity-norm": np.inf, "1-norm": 1, "2-norm": 2}[kind]
    return float(np.linalg.norm(m, order))


@operator("repeat_matrix ( : : MatrixID, Rows, Columns : MatrixRepeatedID)")
def repeat_matrix(matrix_id, rows, columns):
    m = _matrix(matrix_id, 1).array
    return MatrixHandle(np.tile(m, (args.integer(rows, 2, low=1), args.integer(columns, 3, low=1))))
