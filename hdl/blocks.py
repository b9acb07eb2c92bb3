"""Line statements → nested blocks, checking that every block is closed.

HDevelop has no braces: `if` … `endif` and friends pair up by keyword.  A
mismatch is reported at the bad line and names the line that opened the
block, so a user finds both ends at once.
"""

from __future__ import annotations

from . import nodes as n
from .errors import HdlSyntaxError, HdlSyntaxErrors

# opening statement type -> (block name, closing keyword)
OPENERS = {
    n.If: ("if", "endif"),
    n.For: ("for", "endfor"),
    n.While: ("while", "endwhile"),
    n.Repeat: ("repeat", "until"),
    n.Switch: ("switch", "endswitch"),
    n.Try: ("try", "endtry"),
}
CLOSER_NAMES = {
    n.ElseIf: "elseif", n.Else: "else", n.EndIf: "endif", n.EndFor: "endfor",
    n.EndWhile: "endwhile", n.Until: "until", n.Case: "case", n.Default: "default",
    n.EndSwitch: "endswitch", n.Catch: "catch", n.EndTry: "endtry",
}
LOOPS = (n.For, n.While, n.Repeat)


class _Frame:
    """An open block while its lines are collected."""

    __slots__ = ("opener", "parts", "current", "phase")

    def __init__(self, opener):
        self.opener = opener
        self.current = []  # the body being filled
        # (statement opening a part, its body): if/elseif/else, case/default, catch
        self.parts = [(opener, self.current)] if type(opener) is n.If else []
        self.phase = "body"  # 'body', 'else' or 'catch'


def _error(message, stmt, source_lines) -> HdlSyntaxError:
    pos = stmt.pos
    text = source_lines.get(pos.line) if source_lines else None
    return HdlSyntaxError(message, pos.file, pos.line, pos.column, text, pos.procedure)


def build_blocks(statements: list[n.Stmt], source_lines: dict[int, str] | None = None,
                 end_position: n.Position | None = None) -> list[n.Stmt]:
    """Nest a procedure's line statements; raise every structure error found.

    `source_lines` maps file lines to their text, for the error display;
    `end_position` is where the procedure ends, to report unclosed blocks.
    """
    errors: list[HdlSyntaxError] = []
    top: list[n.Stmt] = []
    stack: list[_Frame] = []

    def body() -> list[n.Stmt]:
        return stack[-1].current if stack else top

    def opened(frame: _Frame) -> str:
        name, _ = OPENERS[type(frame.opener)]
        return f"'{name}' opened on line {frame.opener.pos.line}"

    def in_loop(allow_switch: bool) -> bool:
        for frame in reversed(stack):
            if isinstance(frame.opener, LOOPS):
                return True
            if allow_switch and isinstance(frame.opener, n.Switch):
                return True
        return False

    for stmt in statements:
        kind = type(stmt)
        if kind in OPENERS:
            stack.append(_Frame(stmt))
            continue
        if kind in CLOSER_NAMES:
            word = CLOSER_NAMES[kind]
            frame = stack[-1] if stack else None
            expected = _accepts(frame, stmt)
            if frame is None:
                errors.append(_error(f"'{word}' without a matching opening statement", stmt, source_lines))
                continue
            if not expected:
                errors.append(_error(
                    f"'{word}' does not fit here: the innermost open block is the "
                    f"{opened(frame)} (expected '{_next_word(frame)}')", stmt, source_lines))
                if word == OPENERS[type(frame.opener)][1]:
                    stack.pop()  # it still ends the block: report one error, not two
                continue
            finished = _advance(frame, stmt)
            if finished is not None:
                stack.pop()
                body().append(finished)
            continue
        if kind is n.Break and not in_loop(allow_switch=True):
            errors.append(_error("'break' outside a loop or switch", stmt, source_lines))
        elif kind is n.Continue and not in_loop(allow_switch=False):
            errors.append(_error("'continue' outside a loop", stmt, source_lines))
        elif stack and type(stack[-1].opener) is n.Switch and not stack[-1].parts:
            errors.append(_error(
                f"statement before the first 'case' of the {opened(stack[-1])}", stmt, source_lines))
        body().append(stmt)

    for frame in reversed(stack):
        name, closer = OPENERS[type(frame.opener)]
        where = frame.opener.pos
        if end_position is not None:
            message = (f"'{name}' opened on line {where.line} is never closed "
                       f"(expected '{closer}' before line {end_position.line})")
        else:
            message = f"'{name}' opened on line {where.line} is never closed (expected '{closer}')"
        errors.append(_error(message, frame.opener, source_lines))
    if errors:
        errors.sort(key=lambda e: e.line)
        raise errors[0] if len(errors) == 1 else HdlSyntaxErrors(errors)
    return top


def _next_word(frame: _Frame) -> str:
    if type(frame.opener) is n.Try and frame.phase == "body":
        return "catch"
    return OPENERS[type(frame.opener)][1]


def _accepts(frame: _Frame | None, stmt) -> bool:
    """Whether `stmt` may continue or close the innermost open block."""
    if frame is None:
        return False
    opener, kind = type(frame.opener), type(stmt)
    if opener is n.If:
        if frame.phase == "else":
            return kind is n.EndIf
        return kind in (n.ElseIf, n.Else, n.EndIf)
    if opener is n.For:
        return kind is n.EndFor
    if opener is n.While:
        return kind is n.EndWhile
    if opener is n.Repeat:
        return kind is n.Until
    if opener is n.Switch:
        return kind in (n.Case, n.Default, n.EndSwitch)
    if opener is n.Try:
        if frame.phase == "catch":
            return kind is n.EndTry
        return kind is n.Catch
    return False


def _advance(frame: _Frame, stmt):
    """Record `stmt` in the open block; return the finished block when it closes."""
    opener = frame.opener
    kind = type(stmt)
    if type(opener) is n.If:
        if kind is n.EndIf:
            branches = []
            else_body = None
            for part, part_body in frame.parts:
                if type(part) is n.Else:
                    else_body = part_body
                else:
                    branches.append(n.Branch(part.cond, part_body, part.pos))
            return n.IfBlock(branches, else_body, opener.pos)
        frame.parts.append((stmt, []))
        frame.current = frame.parts[-1][1]
        if kind is n.Else:
            frame.phase = "else"
        return None
    if type(opener) is n.For:
        return n.ForBlock(opener.var, opener.start, opener.end, opener.step, frame.current, opener.pos)
    if type(opener) is n.While:
        return n.WhileBlock(opener.cond, frame.current, opener.pos)
    if type(opener) is n.Repeat:
        return n.RepeatBlock(frame.current, stmt.cond, opener.pos, stmt.pos)
    if type(opener) is n.Switch:
        if kind is n.EndSwitch:
            sections = [n.SwitchSection(part.value if type(part) is n.Case else None, part_body, part.pos)
                        for part, part_body in frame.parts]
            return n.SwitchBlock(opener.expr, sections, opener.pos)
        frame.parts.append((stmt, []))
        frame.current = frame.parts[-1][1]
        return None
    if type(opener) is n.Try:
        if kind is n.Catch:
            frame.parts.append((stmt, frame.current))
            frame.current = []
            frame.phase = "catch"
            return None
        catch, try_body = frame.parts[0]
        return n.TryBlock(try_body, catch.var, frame.current, opener.pos, catch.pos)
    raise AssertionError(f"unknown block opener {opener!r}")  # pragma: no cover
