"""Program lines → AST, with Lark (LALR, contextual lexer).

One Lark parser per process, built from `grammar.lark` with its tables
cached.  The tree builder runs inline (Lark's `transformer=` option), so no
parse tree is materialised.  All code lines of a procedure are parsed in one
call; when that call fails, the lines are parsed one by one to report every
error with its own position.
"""

from __future__ import annotations

import gc
import os
import re
from contextlib import contextmanager
from functools import lru_cache

from lark import Lark, Transformer

from . import nodes as n
from .errors import HdlSyntaxError, HdlSyntaxErrors
from .source import Line

GRAMMAR_PATH = os.path.join(os.path.dirname(__file__), "grammar.lark")

INT64_MAX = 2 ** 63 - 1

# Binary operators by binding strength (higher binds tighter), from HALCON's
# precedence table; the prefix operators are in PREFIX_PRECEDENCE.  lsh/rsh are not in it: they sit between the element-wise
# comparisons and + -, where C puts shifts (docs/semantics.md).
BINARY_PRECEDENCE = {
    "or": 1, "xor": 2, "and": 3, "bor": 4, "bxor": 5, "band": 6,
    "==": 7, "!=": 7, "=~": 7, "=": 7, "#": 7,
    "<": 8, ">": 8, "<=": 8, ">=": 8,
    "[==]": 9, "[!=]": 9, "[=]": 9, "[#]": 9,
    "[<]": 9, "[>]": 9, "[<=]": 9, "[>=]": 9,
    "lsh": 10, "rsh": 10,
    "+": 11, "-": 11,
    "*": 12, "/": 12, "%": 12,
    "$": 15,
}
# Legacy spellings mean the same operation; the AST keeps one name each.
CANONICAL_OP = {"=": "==", "#": "!=", "[=]": "[==]", "[#]": "[!=]"}

ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "'": "'", "\\": "\\"}


class _Problem(Exception):
    """A syntax problem found while building the AST, located at a token."""

    def __init__(self, message: str, token: Token | None):
        super().__init__(message)
        self.message = message
        self.token = token


def decode_string(raw: str) -> str:
    """Body of a '…' literal: \\' \\\\ \\n \\r \\t are escapes; other escapes stay as written."""
    body = raw[1:-1]
    if "\\" not in body:
        return body
    out = []
    i = 0
    length = len(body)
    while i < length:
        ch = body[i]
        if ch == "\\" and i + 1 < length:
            nxt = body[i + 1]
            if nxt in ESCAPES:
                out.append(ESCAPES[nxt])
            else:
                out.append(ch + nxt)
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def encode_string(value: str) -> str:
    """The '…' literal that decode_string reads back as `value`."""
    out = ["'"]
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == "'":
            out.append("\\'")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        else:
            out.append(ch)
    out.append("'")
    return "".join(out)


PREFIX_PRECEDENCE = {"-": 13, "not": 13, "bnot": 14}


def insert_operator(left, op: str, right):
    """Add `op right` to the expression tree `left`, as precedence climbing would.

    The operator goes down the right spine of `left` past every open (not
    parenthesized) node that binds more loosely; all binary operators are
    left-associative, so an equally strong operator stays above.  A prefix
    operator binds looser than `$`, so `-V $ F` is `-(V $ F)`.
    """
    op = CANONICAL_OP.get(op, op)
    strength = BINARY_PRECEDENCE[op]
    parent = None
    node = left
    while True:
        kind = type(node)
        if kind is n.Binary and not node.parenthesized:
            if strength <= BINARY_PRECEDENCE[node.op]:
                break
            parent, node = node, node.right
        elif kind is n.Unary and not node.parenthesized:
            if strength <= PREFIX_PRECEDENCE[node.op]:
                break
            parent, node = node, node.operand
        else:
            break
    new = n.Binary(op, node, right)
    if parent is None:
        return new
    if type(parent) is n.Binary:
        parent.right = new
    else:
        parent.operand = new
    return left


class Builder(Transformer):
    """Builds nodes.* from the grammar's rules (runs inside the LALR parser).

    The driver keeps `text` (what it parses) and `line_start` (where the
    current statement's text begins in it) up to date, so names get their
    (row, column) inside their statement's text.
    """

    text = ""
    line_start = 0

    def at(self, token) -> tuple[int, int] | None:
        start = getattr(token, "start_pos", None)
        if start is None or start < self.line_start:
            return None
        text, line_start = self.text, self.line_start
        row = text.count("\n", line_start, start)
        if row == 0:
            return 0, start - line_start + 1
        return row, start - text.rfind("\n", line_start, start)

    # --- lines

    def first_line(self, c):
        return c

    def more_lines(self, c):
        c[0].append(c[1])
        return c[0]

    # --- statements

    def call(self, c):
        name, args = c
        return n.Call(str(name), args or [])

    def assign(self, c):
        target, value = c
        if not n.is_lvalue(target):
            raise _Problem("cannot assign to this expression", None)
        return n.Assign(target, value)

    def method_statement(self, c):
        expr = c[0]
        if isinstance(expr, n.MethodCall) and expr.name != "at":
            return n.MethodStatement(expr)
        if isinstance(expr, n.Var):
            raise _Problem(f"'{expr.name}' alone is no statement: "
                           "expected '(' (a call) or ':=' (an assignment)", None)
        raise _Problem("an expression alone is no statement: "
                       "expected ':=' or a vector method such as .insert(…)", None)

    def target_name(self, c):
        return n.Var(str(c[0]))

    def if_(self, c):
        return n.If(c[0])

    def elseif(self, c):
        return n.ElseIf(c[0])

    def else_(self, c):
        return n.Else()

    def endif(self, c):
        return n.EndIf()

    def for_(self, c):
        var, start, end, step = c
        return n.For(str(var), start, end, step)

    def endfor(self, c):
        return n.EndFor()

    def while_(self, c):
        return n.While(c[0])

    def endwhile(self, c):
        return n.EndWhile()

    def repeat(self, c):
        return n.Repeat()

    def until(self, c):
        return n.Until(c[0])

    def switch(self, c):
        return n.Switch(c[0])

    def case(self, c):
        return n.Case(c[0])

    def default(self, c):
        return n.Default()

    def endswitch(self, c):
        return n.EndSwitch()

    def try_(self, c):
        return n.Try()

    def catch(self, c):
        return n.Catch(str(c[0]))

    def endtry(self, c):
        return n.EndTry()

    def throw(self, c):
        return n.Throw(c[0])

    def break_(self, c):
        return n.Break()

    def continue_(self, c):
        return n.Continue()

    def return_(self, c):
        return n.Return()

    def stop(self, c):
        return n.Stop()

    def exit(self, c):
        return n.Exit()

    def global_(self, c):
        defining, kind, vector, dim, name = c
        dimension = 0
        if vector is not None:
            dimension = int(dim)
            if dimension < 1:
                raise _Problem("a global vector needs a dimension of at least 1", dim)
        return n.Global(str(kind), str(name), dimension, defining is not None)

    def import_(self, c):
        return n.Import(decode_string(str(c[0])))

    def par_start(self, c):
        handle, name, args = c
        return n.ParStart(str(handle), n.Call(str(name), args or []), call_at=self.at(name))

    # --- expressions

    def expr(self, c):
        return c[0]

    def binary(self, c):
        return insert_operator(c[0], str(c[1]), c[2])

    def prefixed(self, c):
        return n.Unary(str(c[0]), c[1])

    def paren(self, c):
        expr = c[0]
        if type(expr) is n.Binary or type(expr) is n.Unary:
            expr.parenthesized = True
        return expr

    def first_item(self, c):
        return c

    def more_items(self, c):
        c[0].append(c[1])
        return c[0]

    def index(self, c):
        return n.Index(c[0], c[1])

    def slice(self, c):
        return n.Slice(c[0], c[1], c[2])

    def char_index(self, c):
        return n.CharIndex(c[0], c[1])

    def substring(self, c):
        return n.Substring(c[0], c[1], c[2])

    def member(self, c):
        return n.Member(c[0], str(c[1]))

    def method(self, c):
        return n.MethodCall(c[0], str(c[1]), c[2] or [])

    def dynamic_member(self, c):
        return n.DynamicMember(c[0], c[1])

    # atoms

    def int_(self, c):
        tok = c[0]
        text = str(tok)
        if len(text) > 1 and text[0] == "0":
            if "8" in text or "9" in text:
                raise _Problem(f"invalid octal literal '{text}' (a leading 0 means octal)", tok)
            value = int(text, 8)
        else:
            value = int(text)
        if value > INT64_MAX:
            raise _Problem(f"integer literal '{text}' is out of the 64-bit range", tok)
        return n.Const(value)

    def hex_int(self, c):
        tok = c[0]
        value = int(str(tok), 16)
        if value > 2 ** 64 - 1:
            raise _Problem(f"integer literal '{tok}' is out of the 64-bit range", tok)
        if value > INT64_MAX:  # 0xFFFFFFFFFFFFFFFF is -1, as in C
            value -= 2 ** 64
        return n.Const(value)

    def real(self, c):
        return n.Const(float(str(c[0])))

    def string(self, c):
        return n.Const(decode_string(str(c[0])))

    def true(self, c):
        return n.Const(1)

    def false(self, c):
        return n.Const(0)

    def var(self, c):
        return n.Var(str(c[0]), self.at(c[0]))

    def function(self, c):
        return n.Function(str(c[0]), c[1] or [], self.at(c[0]))

    def length(self, c):
        return n.Length(c[0])

    def tuple(self, c):
        items = c[0]
        if items is None:
            return n.TupleExpr([])
        if len(items) == 1 and not isinstance(items[0], n.Sequence):
            return items[0] if isinstance(items[0], n.TupleExpr) else n.TupleExpr(items)
        return n.TupleExpr(items)

    def sequence(self, c):
        return n.Sequence(c[0], c[1])

    def stepped_sequence(self, c):
        return n.Sequence(c[0], c[2], c[1])

    def vector(self, c):
        return n.VectorExpr(c[0] or [])

    def dict(self, c):
        return n.DictExpr(c[0] or [])

    def static_key(self, c):
        return (str(c[0]), c[1])

    def dynamic_key(self, c):
        return (c[0], c[1])


class ParseFailure(Exception):
    """The fast driver met input the grammar does not allow (position in the parsed text)."""

    def __init__(self, message: str, pos: int):
        super().__init__(message)
        self.message = message
        self.pos = pos


class Token(str):
    """A lexeme with its offset in the parsed text (for error positions)."""

    start_pos = 0


class LineParser:
    """Runs Lark's LALR tables with a faster scanner and token loop.

    Lark analyses `grammar.lark` and its inline tree builder makes the nodes;
    this class replaces only Lark's lexer and token loop, which dominate
    parse time.  The scanner is generated from the grammar's terminals: the
    unbounded ones (names, numbers, strings, comments) keep their own
    pattern, every bounded one (punctuation, operators) joins one
    alternation, longest first.  Where a lexeme can be several terminals (a
    keyword or a name, `<` as an operator or in `par_start<T>`), the parser
    state decides, as Lark's contextual lexer does.  `lark` stays available
    as the reference implementation: the tests compare the two.
    """

    def __init__(self, lark: Lark):
        self.lark = lark
        table = lark.parser.parser.parser.parse_table
        callbacks = lark.parser.parser.parser.callbacks
        self.start_state = table.start_states["start"]
        self.end_state = table.end_states["start"]
        # state -> {terminal: next state (int) or (size, goal, callback)}
        self.actions: dict[int, dict[str, object]] = {}
        self.gotos: dict[int, dict[str, int]] = {}
        for state, entries in table.states.items():
            actions, goto = {}, {}
            for symbol, (action, arg) in entries.items():
                if action.name == "Shift":
                    (actions if symbol.isupper() else goto)[symbol] = arg
                else:
                    actions[symbol] = (len(arg.expansion), arg.origin.name, callbacks[arg])
            self.actions[state], self.gotos[state] = actions, goto
        self.builder = lark.options.transformer
        self.scanner, self.whitespace = _build_scanner(lark)
        self.fullmatchers = [(t.name, re.compile(t.pattern.to_regexp())) for t in lark.terminals]
        self.candidates: dict[str, tuple[str, ...]] = {}

    def _candidates(self, lexeme: str) -> tuple[str, ...]:
        """Every terminal this lexeme can be, keywords before NAME (as in Lark)."""
        names = [name for name, rx in self.fullmatchers if rx.fullmatch(lexeme)]
        names.sort(key=lambda name: name == "NAME")
        found = tuple(names)
        if len(self.candidates) < 100_000:
            self.candidates[lexeme] = found
        return found

    def expected(self, state: int) -> set[str]:
        return set(self.actions[state])

    def parse(self, text: str):
        builder = self.builder
        builder.text, builder.line_start = text, 0
        actions, gotos = self.actions, self.gotos
        candidates = self.candidates
        match = self.scanner.match
        end_state = self.end_state
        state = self.start_state
        states = [state]
        values = []
        pos = 0
        length = len(text)
        while True:
            if pos < length:
                m = match(text, pos)
                if m is None:
                    pos = self.whitespace.match(text, pos).end()
                    if pos >= length:
                        continue
                    raise ParseFailure(_bad_character(text[pos]), pos)
                group = m.lastgroup
                if group == "ignore":
                    pos = m.end()
                    continue
                token = Token(m.group(group))
                token.start_pos = start = m.start(group)
                pos = m.end()
                options = candidates.get(token) or self._candidates(token)
                row = actions[state]
                for kind in options:
                    if kind in row:
                        break
                else:
                    raise ParseFailure(self._unexpected(repr(str(token)), state), start)
            else:
                kind = "$END"
                token = None
            # reduce as long as the table says so, then shift
            while True:
                action = actions[state].get(kind)
                if type(action) is int:
                    state = action
                    states.append(state)
                    values.append(token)
                    if kind == "_NL":  # the next statement's text begins after it
                        builder.line_start = token.start_pos + 1
                    break
                if action is None:
                    what = "end of line" if token is None or kind == "_NL" else repr(str(token))
                    raise ParseFailure(self._unexpected(what, state),
                                       length if token is None else token.start_pos)
                size, goal, callback = action
                if size:
                    children = values[-size:]
                    del states[-size:]
                    del values[-size:]
                else:
                    children = []
                value = callback(children)
                state = gotos[states[-1]][goal]
                states.append(state)
                values.append(value)
                if token is None and state == end_state:
                    return value

    def _unexpected(self, what: str, state: int) -> str:
        expected = sorted({_readable(t) for t in self.expected(state)
                           if not t.startswith("_") or t == "_NL"})
        text = f"unexpected {what}"
        if 0 < len(expected) <= 6:
            text += ", expected " + " or ".join(expected)
        return text


def _build_scanner(lark: Lark):
    """One regex for all terminals of the grammar; ignored ones form the group `ignore`.

    Returns the scanner and the pattern of the whitespace it skips.
    """
    unbounded, bounded = [], []
    ignore = set(lark.lexer_conf.ignore)
    for t in lark.terminals:
        if t.pattern.max_width > 1000:
            unbounded.append(t)
        elif not (t.pattern.type == "str" and t.pattern.value.isidentifier()):
            bounded.append(t)  # keywords are read as names, then resolved
    order = lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name)
    unbounded.sort(key=order)
    bounded.sort(key=order)
    whitespace = [t for t in unbounded if t.name in ignore and t.name == "WS"]
    skip = whitespace[0].pattern.to_regexp() if whitespace else "(?!)"
    groups = []
    ignored = []
    for t in unbounded:
        if t.name in ignore:
            if t.name != "WS":
                ignored.append(t.pattern.to_regexp())
        else:
            groups.append(f"(?P<{t.name}>{t.pattern.to_regexp()})")
    groups.append("(?P<symbol>" + "|".join(t.pattern.to_regexp() for t in bounded) + ")")
    if ignored:  # first: `//` must not be read as two divisions
        groups.insert(0, "(?P<ignore>" + "|".join(ignored) + ")")
    return re.compile(f"(?:{skip})?(?:" + "|".join(groups) + ")"), re.compile(f"(?:{skip})?")


def _bad_character(ch: str) -> str:
    if ch == "'":
        return "unterminated string literal"
    if ch == "\\":
        return "stray backslash (a line continuation must end the line)"
    return f"unexpected character {ch!r}"


@lru_cache(maxsize=1)
def reference_parser() -> Lark:
    """Lark's own parser over the same grammar (grammar analysis cached on disk)."""
    return Lark.open(GRAMMAR_PATH, parser="lalr", lexer="contextual",
                     transformer=Builder(), maybe_placeholders=True, cache=True)


@lru_cache(maxsize=1)
def line_parser() -> LineParser:
    """The process-wide parser."""
    return LineParser(reference_parser())


# ---- driver ----------------------------------------------------------------

def _is_code(line: Line) -> bool:
    """Comment lines, blank code lines and lines commented out with `*` are not parsed."""
    if line.kind != "code":
        return False
    stripped = line.text.lstrip()
    return bool(stripped) and stripped[0] != "*"


def _error_from(exc: Exception, line: Line, file, procedure) -> HdlSyntaxError:
    """Turn a parse failure in the text of `line` into an HdlSyntaxError at its file position."""
    text = line.text
    if isinstance(exc, _Problem):
        message = exc.message
        pos = getattr(exc.token, "start_pos", None) or 0
    else:
        message = exc.message
        pos = exc.pos
    pos = min(pos, len(text))
    row = text.count("\n", 0, pos) + 1
    line_start = text.rfind("\n", 0, pos) + 1
    col = pos - line_start + 1
    line_end = text.find("\n", pos)
    source_line = text[line_start:] if line_end < 0 else text[line_start:line_end]
    file_line = (line.line or 1) + row - 1
    file_col = col + (line.column - 1 if row == 1 else 0)
    return HdlSyntaxError(message, file, file_line, file_col, source_line,
                          procedure, caret_column=col)


_TERMINAL_NAMES = {
    "LPAR": "'('", "RPAR": "')'", "LSQB": "'['", "RSQB": "']'", "LBRACE": "'{'",
    "RBRACE": "'}'", "COMMA": "','", "COLON": "':'", "DOT": "'.'", "VBAR": "'|'",
    "NAME": "a name", "INT": "a number", "REAL": "a number", "HEX_INT": "a number",
    "STRING": "a string", "BINARY_OP": "an operator", "MINUS": "'-'", "_NL": "end of line",
    "$END": "end of line", "MORETHAN": "'>'", "LESSTHAN": "'<'",
}


def _readable(terminal: str) -> str:
    if terminal in _TERMINAL_NAMES:
        return _TERMINAL_NAMES[terminal]
    if terminal.isupper() and terminal.isalpha():
        return repr(terminal.lower())
    return terminal


@contextmanager
def paused_gc():
    """The AST is acyclic: pausing the cycle collector saves a third of a large parse or load."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _line_break(parser: LineParser, text: str) -> int:
    """Offset of the first line break in `text` that ends a statement (no continuation)."""
    pos = 0
    while pos < len(text):
        m = parser.scanner.match(text, pos)
        if m is None:
            break
        if m.lastgroup != "ignore" and m.group(m.lastgroup) == "\n":
            return m.start(m.lastgroup)
        pos = m.end()
    return max(text.find("\n"), 0)


def parse_line(text: str, file: str | None = None, procedure: str | None = None,
               line: int = 1, column: int = 1) -> n.Stmt | None:
    """Parse one logical program line (None for comments and blank lines)."""
    return parse_lines([Line("code", text, line, column)], file, procedure)[0]


def parse_lines(lines: list[Line], file: str | None = None,
                procedure: str | None = None) -> list[n.Stmt | None]:
    """One statement (or None for a comment/blank line) per input line, with positions."""
    parser = line_parser()
    result: list[n.Stmt | None] = [None] * len(lines)
    batch = []
    singles = []
    for i, line in enumerate(lines):
        if _is_code(line):
            # A line ending in a backslash would continue into the next line of the batch.
            if line.text.rstrip().endswith("\\"):
                singles.append(i)
            else:
                batch.append(i)
    errors: list[HdlSyntaxError] = []
    if batch:
        try:
            with paused_gc():
                stmts = parser.parse("\n".join(lines[i].text for i in batch))
        except (ParseFailure, _Problem):
            stmts = None
        # One statement per line, unless a line holds a line break that no backslash
        # continues (an <l> element can): then the lines are parsed one by one.
        if stmts is not None and len(stmts) == len(batch):
            for i, stmt in zip(batch, stmts):
                result[i] = stmt
        else:
            singles.extend(batch)
            singles.sort()
    for i in singles:
        line = lines[i]
        try:
            stmts = parser.parse(line.text)
            if len(stmts) > 1:
                raise ParseFailure("line break inside a program line "
                                   "(a line continues only after a backslash)",
                                   _line_break(parser, line.text))
            result[i] = stmts[0]
        except (ParseFailure, _Problem) as exc:
            errors.append(_error_from(exc, line, file, procedure))
    if errors:
        if len(errors) == 1:
            raise errors[0]
        raise HdlSyntaxErrors(errors)
    for line, stmt in zip(lines, result):
        if stmt is not None:
            indent = len(line.text) - len(line.text.lstrip())
            stmt.pos = n.Position(file, procedure, line.line, line.column + indent, line.column)
    return result
