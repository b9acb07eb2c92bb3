"""Name analysis: what each name of a procedure is, found in one walk before compiling.

Like Jinja2's idtracking and starlark's resolve pass, this keeps the
questions "is X a global?", "can anything store into X?", "which variables
does the procedure have?" out of code generation.  The compiler asks a
`Names` and never walks the AST itself.

HDevelop's rules: a `global` declaration anywhere in a procedure holds for
all of it; `dev_error_var (V, …)` makes V an error variable for the whole
procedure; a name can be stored into by an assignment (also X[i] :=,
D.key :=, V.at(i) :=), an output argument, a for index, a catch variable, a
par_start handle or outputs, or a vector method statement; a `stop ()` may
change every variable (the REPL lets the user do so at the breakpoint).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import nodes as n


@dataclass
class Names:
    globals: set[str] = field(default_factory=set)
    #: dev_error_var variables, in order of first appearance
    error_vars: list[str] = field(default_factory=list)
    #: every variable of the procedure that is not a global (parameters and given ones included)
    locals: set[str] = field(default_factory=set)
    #: names some statement may store into
    written: set[str] = field(default_factory=set)
    #: per for loop (by identity): names its body may store into
    loop_writes: dict[int, set[str]] = field(default_factory=dict)
    #: whether a stop () anywhere may change any variable; per loop likewise
    has_stop: bool = False
    loop_stops: set[int] = field(default_factory=set)

    def may_write(self, name: str) -> bool:
        return self.has_stop or name in self.written

    def loop_may_write(self, loop: n.ForBlock, name: str) -> bool:
        return id(loop) in self.loop_stops or name in self.loop_writes.get(id(loop), ())


def root_name(expr) -> str | None:
    """The variable an lvalue expression stores into: X for X, X[i], X.key, X.at(i) …"""
    while not isinstance(expr, n.Var):
        if isinstance(expr, (n.Index, n.Slice, n.Member, n.DynamicMember, n.MethodCall)):
            expr = expr.target
        else:
            return None
    return expr.name


def output_arguments(call: n.Call, resolve) -> list:
    """The arguments a call may store into: its outputs, or all of them for an unknown callee."""
    callee = resolve(call.name) if resolve is not None else None
    if callee is None or len(call.args) != sum(callee.arity):
        return call.args
    ni, no, nci, _ = callee.arity
    return call.args[ni:ni + no] + call.args[ni + no + nci:]


def analyse(body: n.ProcedureBody, params: list[str], resolve, given=()) -> Names:
    """The Names of a procedure; `given`: variables set before it runs (a main's --set)."""
    names = Names()
    used: set[str] = set(params) | set(given)

    def stored(target, into: set[str]) -> None:
        name = root_name(target)
        if name is not None:
            into.add(name)

    def walk_expressions(node) -> None:
        for sub in node.walk():
            if isinstance(sub, n.Var):
                used.add(sub.name)

    def visit(statements) -> tuple[set[str], bool]:
        """The names these statements may store into, and whether a stop () is among them."""
        writes: set[str] = set()
        stop = False

        def nested(block) -> set[str]:
            nonlocal stop
            inner, inner_stop = visit(block)
            writes.update(inner)
            stop = stop or inner_stop
            return inner

        for stmt in statements:
            kind = type(stmt)
            if kind is n.Global:
                names.globals.add(stmt.name)
            elif kind is n.Stop:
                stop = True
            elif kind is n.ForBlock:
                used.add(stmt.var)
                writes.add(stmt.var)
                for expr in (stmt.start, stmt.end, stmt.step):
                    if expr is not None:
                        walk_expressions(expr)
                before = stop
                stop = False
                names.loop_writes[id(stmt)] = nested(stmt.body)
                if stop:
                    names.loop_stops.add(id(stmt))
                stop = stop or before
            elif kind is n.IfBlock:
                for branch in stmt.branches:
                    walk_expressions(branch.cond)
                    nested(branch.body)
                if stmt.else_body is not None:
                    nested(stmt.else_body)
            elif kind is n.WhileBlock or kind is n.RepeatBlock:
                walk_expressions(stmt.cond)
                nested(stmt.body)
            elif kind is n.SwitchBlock:
                walk_expressions(stmt.expr)
                for section in stmt.sections:
                    if section.label is not None:
                        walk_expressions(section.label)
                    nested(section.body)
            elif kind is n.TryBlock:
                used.add(stmt.catch_var)
                writes.add(stmt.catch_var)
                nested(stmt.body)
                nested(stmt.handler)
            else:
                walk_expressions(stmt)
                if kind is n.Assign:
                    stored(stmt.target, writes)
                elif kind is n.MethodStatement:
                    stored(stmt.call.target, writes)
                elif kind is n.Call:
                    first = stmt.args[0] if stmt.args else None
                    if stmt.name == "dev_error_var" and isinstance(first, n.Var) \
                            and first.name != "_" and first.name not in names.error_vars:
                        names.error_vars.append(first.name)
                    for arg in output_arguments(stmt, resolve):
                        stored(arg, writes)
                elif kind is n.ParStart:
                    used.add(stmt.handle)
                    writes.add(stmt.handle)
                    for arg in output_arguments(stmt.call, resolve):
                        stored(arg, writes)
        return writes, stop

    names.written, names.has_stop = visit(body.body)
    used.discard("_")
    names.locals = {name for name in used if name not in names.globals}
    return names

