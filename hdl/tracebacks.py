"""Where an error happened, in HDevelop terms: Python tracebacks → file, procedure, line.

Every compiled procedure is registered here with the map from its Python
lines to its HDevelop lines (and to the operator called there), as Jinja2's
debug module maps template frames.  A Python traceback through compiled
code then gives the HDevelop call stack at no cost while the program runs.
"""

from __future__ import annotations

import itertools
import traceback
import weakref
from dataclasses import dataclass

from . import errorcodes as ec
from .errors import HdlRuntimeError


@dataclass(frozen=True)
class CodeInfo:
    """What a compiled procedure's code object stands for."""

    file: str | None
    procedure: str
    line_map: dict[int, int]  # Python line -> HDevelop line
    operator_lines: dict[int, str]  # Python line -> the operator called there


# code file name -> CodeInfo; entries go when their procedure's function does
_CODES: dict[str, CodeInfo] = {}
_numbers = itertools.count(1)


def code_name(file: str | None, procedure: str) -> str:
    """A file name for a procedure's Python code that no other compiled code shares."""
    return f"<hdl {file or '<input>'}:{procedure}#{next(_numbers)}>"


def register(function, code_file: str, info: CodeInfo) -> None:
    """Map the code compiled under `code_file` to `info` for as long as `function` lives."""
    _CODES[code_file] = info
    weakref.finalize(function, _CODES.pop, code_file, None)


def code_info(code) -> CodeInfo | None:
    """The compiled procedure a Python code object belongs to, or None."""
    return _CODES.get(code.co_filename)


def hdevelop_stack(tb) -> list[tuple[str, str | None, int, str | None]]:
    """(procedure, file, line, operator) for each HDevelop frame of a traceback, outermost first."""
    stack = []
    seen = []
    for frame, lineno in traceback.walk_tb(tb):
        info = _CODES.get(frame.f_code.co_filename)
        if info is None:
            continue
        if seen and seen[-1] is frame:  # re-raised in the same procedure: one HDevelop frame
            continue
        seen.append(frame)
        stack.append((info.procedure, info.file, info.line_map.get(lineno, 0),
                      info.operator_lines.get(lineno)))
    return stack


def to_runtime_error(exc: BaseException) -> HdlRuntimeError:
    """Any exception raised while running, as an HdlRuntimeError placed in the program."""
    stack = hdevelop_stack(exc.__traceback__)
    if isinstance(exc, HdlRuntimeError):
        error = exc
    elif isinstance(exc, NameError) and _raised_in_compiled_code(exc):
        name = _variable_from(exc)
        error = HdlRuntimeError(ec.UNINITIALIZED_CONTROL,
                                f"variable '{name}' is used before it has a value")
    elif isinstance(exc, RecursionError):
        error = HdlRuntimeError(ec.INTERNAL,
                                "procedure calls nested too deeply (endless recursion?)")
    else:
        error = HdlRuntimeError(ec.INTERNAL, f"internal error: {type(exc).__name__}: {exc}")
        error.__cause__ = exc
    if stack and not error.stack:
        procedure, file, line, operator = stack[-1]
        error.procedure, error.file, error.line = procedure, file, line
        if error.operator is None and operator is not None and isinstance(exc, HdlRuntimeError):
            error.operator = operator
        error.stack = [(p, f, l) for p, f, l, _ in stack]
    return error


def _raised_in_compiled_code(exc: BaseException) -> bool:
    """Whether the innermost frame of the traceback is a compiled procedure's (not hdl's code)."""
    frames = list(traceback.walk_tb(exc.__traceback__))
    return bool(frames) and frames[-1][0].f_code.co_filename in _CODES


def _variable_from(exc: BaseException) -> str:
    """The HDevelop variable named in a NameError ('v_X' → 'X')."""
    name = getattr(exc, "name", None)
    if not name:
        text = str(exc)
        name = text.split("'")[1] if "'" in text else "?"
    return name[2:] if name.startswith("v_") else name
