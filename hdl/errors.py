"""Errors users see.  Each carries where it happened, so no Python traceback is needed."""

from __future__ import annotations


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
