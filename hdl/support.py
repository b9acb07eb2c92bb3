"""What compiled procedures call at run time, besides operators and procedures.

The compiler writes Python source that names only what is defined here:
`namespace()` is the global namespace every compiled procedure starts with.
`_v` holds the operations of expressions (from arithmetic.py, access.py,
strings.py, values.py); `_rt` is this module (loops, switch, exceptions,
globals, dev_set_check); `_par` is threads.py (par_start / par_join).
"""

from __future__ import annotations

import sys
from types import SimpleNamespace

from . import access, arithmetic, strings, threads, values
from . import errorcodes as ec
from .args import wrong_type
from .errors import HdlRuntimeError
from .registry import blame
from .tracebacks import to_runtime_error

#: the operations `_v.<name>` in compiled code
OPERATIONS = SimpleNamespace(
    **{name: getattr(arithmetic, name) for name in (
        "add", "sub", "mul", "div", "mod", "neg", "band", "bor", "bxor", "lsh", "rsh", "bnot",
        "and_", "or_", "xor", "not_", "truth", "eq", "ne", "lt", "le", "gt", "ge", "eq_elem",
        "ne_elem", "lt_elem", "le_elem", "gt_elem", "ge_elem")},
    **{name: getattr(access, name) for name in (
        "select", "select_range", "char_at", "substr", "concat", "sequence", "assign_at",
        "dict_get", "dict_set", "make_dict", "make_vector", "vector_at", "vector_set",
        "vector_slot", "vector_method")},
    format=strings.format_value, regex_count=strings.regex_count,
    copy_value=values.copy_value, length_of=values.length_of, wrap=values.wrap,
)


class ProgramExit(BaseException):
    """`exit ()`: ends the program (not catchable by try/catch)."""

    def __init__(self, variables: dict | None = None):
        super().__init__("exit")
        self.variables = variables or {}


class _Unset:
    __slots__ = ()

    def __repr__(self):
        return "<unset>"


#: an output a procedure never assigned: the caller's variable keeps its value
UNSET = _Unset()
#: the result of an operator whose error dev_set_check ('~give_error') suppressed
SUPPRESSED = object()


def main_variables(local_variables: dict) -> dict:
    """main's HDevelop variables from its Python locals."""
    return {k[2:]: v for k, v in local_variables.items() if k.startswith("v_") and v is not UNSET}


def program_exit(local_variables: dict) -> ProgramExit:
    return ProgramExit(main_variables(local_variables))


# ---- loops and switch -------------------------------------------------------------

def _loop_error(error: HdlRuntimeError, statement: str) -> HdlRuntimeError:
    error.operator = statement
    return error


def for_bounds(start, end, step):
    """Start, End and Step of a for loop: single numbers; a real among them makes the index real."""
    bounds = []
    for what, value in (("start", start), ("end", end), ("step", step)):
        items = values.as_list(value)
        if len(items) != 1 or type(items[0]) not in (int, float):
            raise _loop_error(wrong_type(1, f"the {what} value of a for loop must be one number, "
                                            f"not {items!r}"[:200]), "for")
        bounds.append(items[0])
    start, end, step = bounds
    if step == 0:
        raise _loop_error(HdlRuntimeError(ec.LOOP_STEP, "the step of a for loop must not be 0"),
                          "for")
    if not all(type(x) is int for x in bounds):
        start, end, step = float(start), float(end), float(step)
    return start, end, step


class RealRange:
    """The indices of a for loop with real bounds: added up step by step, as HALCON does."""

    __slots__ = ("values",)

    def __init__(self, start: float, end: float, step: float):
        indices = []
        index = start
        while (index <= end) if step > 0 else (index >= end):
            indices.append(index)
            index = index + step
        self.values = indices

    def __iter__(self):
        return iter(self.values)

    def __len__(self):
        return len(self.values)


def real_range(start, end, step) -> RealRange:
    return RealRange(start, end, step)


def after_loop(start, step, count: int):
    """The index after a loop that ran to its end: one step past the last pass."""
    index = start
    if type(start) is int:
        return start + count * step
    for _ in range(count):
        index = index + step
    return index


def switch_index(value, labels, default: int) -> int:
    """The section a switch value jumps to: the first matching case, else default (or the end)."""
    items = values.as_list(value)
    if len(items) != 1 or type(items[0]) is not int:
        raise _loop_error(wrong_type(1, f"a switch value must be one integer, not {items!r}"[:200]),
                          "switch")
    for label, index in labels:
        label_items = values.as_list(label)
        if len(label_items) != 1 or type(label_items[0]) is not int:
            raise _loop_error(wrong_type(1, f"a case label must be one integer, not "
                                            f"{label_items!r}"[:200]), "case")
        if label_items[0] == items[0]:
            return index
    return default


# ---- exceptions -----------------------------------------------------------------

EXCEPTION_SLOTS = {"error_code": 0, "add_error_code": 1, "error_message": 2, "add_error_message": 3,
                   "program_line": 4, "operator": 5, "procedure": 6, "call_stack_depth": 7}
SYSTEM_LAYOUT_LENGTH = 8


def exception_tuple(exc: BaseException):
    """The tuple `catch (Exc)` stores: the thrown tuple, or HDevelop's error layout."""
    if isinstance(exc, HdlRuntimeError) and exc.thrown is not None:
        return exc.thrown
    error = to_runtime_error(exc)
    add_code = error.add_code if error.add_code is not None else (
        ec.ERROR_IN_OPERATOR if error.operator else error.code)
    return [error.code, add_code, error.message, error.message, error.line,
            error.operator or "", error.procedure or "", len(error.stack) or 1]


def thrown(value) -> HdlRuntimeError:
    """`throw (T)`: T travels unchanged to the matching catch."""
    items = values.as_list(value)
    code = items[0] if items and isinstance(items[0], int) else 0
    message = (next((x for x in items[1:] if isinstance(x, str)), None)
               or f"user exception {items!r}")
    if len(items) >= SYSTEM_LAYOUT_LENGTH and isinstance(items[2], str):
        message = items[2]
    error = HdlRuntimeError(code, message)
    error.thrown = value
    return error


def operator_failed(ctx, error: HdlRuntimeError, name: str):
    """Operator `name` raised: re-raise, named, unless dev_set_check ('~give_error') is in force."""
    blame(error, name)
    if ctx.give_error:
        raise error
    return SUPPRESSED


def unknown_callee(name: str) -> None:
    raise HdlRuntimeError(ec.UNKNOWN_CALLEE,
                          f"unknown operator or procedure '{name}' (not a local procedure, "
                          f"not on the procedure path, not an operator hdl provides)")


# ---- globals ------------------------------------------------------------------------

def declare_global(ctx, name: str, kind: str, dimension: int) -> None:
    with ctx.lock:
        previous = ctx.global_kinds.get(name)
        if previous is not None and previous != (kind, dimension):
            raise HdlRuntimeError(ec.WRONG_VECTOR_TYPE, f"global '{name}' is declared as "
                                  f"{previous[0]} of dimension {previous[1]} elsewhere")
        ctx.global_kinds[name] = (kind, dimension)


def namespace() -> dict:
    """A fresh global namespace for one compiled procedure (its callees are added to it)."""
    return {"_v": OPERATIONS, "_rt": sys.modules[__name__], "_par": threads,
            "_HdlRuntimeError": HdlRuntimeError, "_CATCHABLE": Exception, "_UNSET": UNSET,
            "_SUPPRESSED": SUPPRESSED}

