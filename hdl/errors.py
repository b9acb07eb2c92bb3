"""Errors users see.  Each carries where it happened, so no Python traceback is needed."""

from __future__ import annotations

from . import errorcodes as ec


class HdlError(Exception):
    """Base of every error hdl reports to a user."""


class HdlSyntaxError(HdlError):
    """A program, procedure file or line that cannot be read.

    `line`/`column` are 1-based positions in `file`; `source_line` is the
    physical line shown under the message with a caret at `column`.
    """

    def __init__(self, message: str, file: str | None = None, line: int = 0,
                 column: int = 0, source_line: str | None = None,
                 procedure: str | None = None, caret_column: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.source_line = source_line
        self.procedure = procedure
        self.caret_column = caret_column if caret_column is not None else column

    def location(self) -> str:
        parts = [self.file or "<input>"]
        if self.line:
            parts.append(str(self.line))
            if self.column:
                parts.append(str(self.column))
        return ":".join(parts)

    def format(self) -> str:
        """file:line:col: message, then the source line and a caret."""
        text = f"{self.location()}: {self.message}"
        if self.procedure:
            text += f" (in procedure '{self.procedure}')"
        if self.source_line is not None:
            src = self.source_line.rstrip("\r\n").expandtabs(1)
            text += "\n    " + src
            if self.caret_column:
                text += "\n    " + " " * (self.caret_column - 1) + "^"
        return text

    def __str__(self) -> str:
        return self.format()


class HdlSyntaxErrors(HdlSyntaxError):
    """Several syntax errors of one file, reported together."""

    def __init__(self, errors: list[HdlSyntaxError]):
        first = errors[0]
        super().__init__(first.message, first.file, first.line, first.column,
                         first.source_line, first.procedure, first.caret_column)
        self.errors = errors

    def format(self) -> str:
        return "\n".join(e.format() for e in self.errors)


class HdlRuntimeError(HdlError):
    """An HDevelop error while running: carries a HALCON-style error code.

    `code` is the number a program sees as element 0 of a caught exception
    tuple (HALCON codes < 10000, user codes from `throw` ≥ 30000, all named
    in errorcodes.py); `user_data` is the rest of a thrown tuple.  Operators
    never name themselves: the registry sets `operator` to the operator that
    was called.  The runtime fills in where it happened: `file`,
    `procedure`, `line`, and the call stack as a list of (procedure, file,
    line), innermost last.
    """

    def __init__(self, code: int, message: str, operator: str | None = None, *,
                 user_data=None, add_code: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.operator = operator
        self.user_data = user_data
        self.add_code = add_code
        self.param: int | None = None  # the control input it concerns (1-based), when known
        self.thrown = None  # the tuple given to `throw`, handed to `catch` unchanged
        self.file: str | None = None
        self.procedure: str | None = None
        self.line: int = 0
        self.stack: list[tuple[str, str | None, int]] = []

    def location(self) -> str:
        return f"{self.file or '<input>'}:{self.procedure or '?'}:{self.line}"

    def format(self) -> str:
        where = f" in operator '{self.operator}'" if self.operator else ""
        text = f"{self.location()}: HALCON error #{self.code}{where}: {self.message}"
        if len(self.stack) > 1:
            text += "\ncall stack (innermost last):"
            for procedure, file, line in self.stack:
                text += f"\n    {file or '<input>'}:{procedure}:{line}"
        return text

    def __str__(self) -> str:
        return self.format()


def file_error(exc: OSError, path: str, action: str, code: int | None = None) -> HdlRuntimeError:
    """HALCON's file error for `exc` on `path`: "cannot <action> '<path>': <reason>".

    Without `code`: a missing file is FILE_NOT_FOUND, writing FILE_WRITE,
    anything else FILE_OPEN (docs/semantics.md, "Files").
    """
    if code is None:
        code = (ec.FILE_NOT_FOUND if isinstance(exc, FileNotFoundError) else
                ec.FILE_WRITE if action == "write" else ec.FILE_OPEN)
    return HdlRuntimeError(code, f"cannot {action} {path!r}: {exc.strerror or exc}")
