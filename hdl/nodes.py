"""AST of the HDevelop language.

Statements carry a Position.  Expressions carry none, except the names a
compile-time error can be about (variables, inline functions, the callee of
a par_start): their `at` is (row, column) inside the statement's text, which
`Position.place` turns into a file position.  `parser.py` builds line-level
statements; `blocks.py` nests them into block statements (IfBlock, ForBlock…).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass(slots=True)
class Position:
    file: str | None
    procedure: str | None
    line: int
    column: int
    #: the file column where the statement's text (its indentation included) begins
    text_column: int = field(default=1, compare=False)

    def __str__(self) -> str:
        return f"{self.file or '<input>'}:{self.procedure or '?'}:{self.line}"

    def place(self, at: tuple[int, int] | None) -> tuple[int, int]:
        """(line, column) in the file of a node at (row, column) of this statement's text.

        Rows after the first are continuation lines, which begin at column 1.
        """
        if at is None:
            return self.line, self.column
        row, column = at
        return self.line + row, (self.text_column - 1 + column) if row == 0 else column


class Node:
    __slots__ = ()

    def children(self):
        """Child nodes, for generic walks (tests, name resolution)."""
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Node):
                yield value
            elif isinstance(value, (list, tuple)):
                for item in value:
                    if isinstance(item, Node):
                        yield item
                    elif isinstance(item, (list, tuple)):
                        yield from (x for x in item if isinstance(x, Node))

    def walk(self):
        yield self
        for child in self.children():
            yield from child.walk()


# ---- expressions -----------------------------------------------------------

class Expr(Node):
    __slots__ = ()


@dataclass(slots=True)
class Const(Expr):
    value: int | float | str


@dataclass(slots=True)
class Var(Expr):
    name: str
    at: tuple[int, int] | None = field(default=None, compare=False)


@dataclass(slots=True)
class TupleExpr(Expr):
    """[a, b, …]: concatenation; items may be Sequence nodes."""
    items: list[Expr]


@dataclass(slots=True)
class Sequence(Expr):
    """start:end or start:step:end inside tuple brackets (end inclusive)."""
    start: Expr
    end: Expr
    step: Expr | None = None


@dataclass(slots=True)
class Unary(Expr):
    op: str  # '-', 'not', 'bnot'
    operand: Expr
    parenthesized: bool = field(default=False, compare=False)


@dataclass(slots=True)
class Binary(Expr):
    """Legacy spellings are stored as their modern ones: = as ==, # as !=, [=] as [==], [#] as [!=]."""
    op: str
    left: Expr
    right: Expr
    parenthesized: bool = field(default=False, compare=False)


@dataclass(slots=True)
class Index(Expr):
    target: Expr
    index: Expr


@dataclass(slots=True)
class Slice(Expr):
    target: Expr
    start: Expr
    end: Expr


@dataclass(slots=True)
class CharIndex(Expr):
    target: Expr
    index: Expr


@dataclass(slots=True)
class Substring(Expr):
    target: Expr
    start: Expr
    end: Expr


@dataclass(slots=True)
class Member(Expr):
    """D.key"""
    target: Expr
    key: str


@dataclass(slots=True)
class DynamicMember(Expr):
    """D.[expr]"""
    target: Expr
    key: Expr


@dataclass(slots=True)
class MethodCall(Expr):
    """V.at(i), V.length(), V.insert(i, x) …"""
    target: Expr
    name: str
    args: list[Expr]


@dataclass(slots=True)
class Length(Expr):
    operand: Expr


@dataclass(slots=True)
class Function(Expr):
    name: str
    args: list[Expr]
    at: tuple[int, int] | None = field(default=None, compare=False)


@dataclass(slots=True)
class VectorExpr(Expr):
    items: list[Expr]


@dataclass(slots=True)
class DictExpr(Expr):
    """dict{k: v, [expr]: v}: a key is a str (bare name) or an Expr."""
    items: list[tuple[str | Expr, Expr]]


def is_lvalue(expr) -> bool:
    """Whether an expression can be stored into: X, X[i], X[i:j], D.key, D.[k], V.at(i), chained."""
    while True:
        if isinstance(expr, Var):
            return True
        if isinstance(expr, (Index, Slice, Member, DynamicMember)):
            expr = expr.target
        elif isinstance(expr, MethodCall) and expr.name == "at" and len(expr.args) == 1:
            expr = expr.target
        else:
            return False


# ---- line-level statements -------------------------------------------------

class Stmt(Node):
    __slots__ = ()


@dataclass(slots=True)
class Call(Stmt):
    name: str
    args: list[Expr]
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class Assign(Stmt):
    target: Expr  # Var, Index, Member, DynamicMember or MethodCall 'at'
    value: Expr
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class MethodStatement(Stmt):
    """A stand-alone vector method: V.insert(…), V.at(0).remove(…), V.clear()."""
    call: MethodCall
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class If(Stmt):
    cond: Expr
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class ElseIf(Stmt):
    cond: Expr
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class Else(Stmt):
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class EndIf(Stmt):
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class For(Stmt):
    var: str
    start: Expr
    end: Expr
    step: Expr | None
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class EndFor(Stmt):
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class While(Stmt):
    cond: Expr
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class EndWhile(Stmt):
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class Repeat(Stmt):
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class Until(Stmt):
    cond: Expr
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class Switch(Stmt):
    expr: Expr
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class Case(Stmt):
    value: Expr
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class Default(Stmt):
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class EndSwitch(Stmt):
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class Try(Stmt):
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class Catch(Stmt):
    var: str
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class EndTry(Stmt):
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class Throw(Stmt):
    value: Expr
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class Break(Stmt):
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class Continue(Stmt):
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class Return(Stmt):
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class Stop(Stmt):
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class Exit(Stmt):
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class Global(Stmt):
    """global [def] tuple|object [vector(N)] Name"""
    kind: str  # 'tuple' or 'object'
    name: str
    dimension: int = 0
    defining: bool = False
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class Import(Stmt):
    path: str
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class ParStart(Stmt):
    """par_start<Handle> : call"""
    handle: str
    call: Call
    pos: Position | None = field(default=None, compare=False)
    call_at: tuple[int, int] | None = field(default=None, compare=False)  # the callee's name


# ---- block statements (built by blocks.py) --------------------------------

@dataclass(slots=True)
class Branch(Node):
    cond: Expr
    body: list[Stmt]
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class IfBlock(Stmt):
    branches: list[Branch]  # the if and each elseif
    else_body: list[Stmt] | None = None
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class ForBlock(Stmt):
    var: str
    start: Expr
    end: Expr
    step: Expr | None
    body: list[Stmt] = field(default_factory=list)
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class WhileBlock(Stmt):
    cond: Expr
    body: list[Stmt] = field(default_factory=list)
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class RepeatBlock(Stmt):
    body: list[Stmt]
    cond: Expr
    pos: Position | None = field(default=None, compare=False)
    until_pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class SwitchSection(Node):
    label: Expr | None  # None for default
    body: list[Stmt]
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class SwitchBlock(Stmt):
    """Sections run with C fall-through: after one ends, the next begins."""
    expr: Expr
    sections: list[SwitchSection]
    pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class TryBlock(Stmt):
    body: list[Stmt]
    catch_var: str
    handler: list[Stmt]
    pos: Position | None = field(default=None, compare=False)
    catch_pos: Position | None = field(default=None, compare=False)


@dataclass(slots=True)
class ProcedureBody(Node):
    """A procedure's executable code, nested into blocks."""
    name: str
    file: str | None
    body: list[Stmt]
