"""Procedures → Python functions, compiled once.

Like Jinja2, hdl turns each HDevelop procedure into Python source and lets
CPython compile it: variables become Python locals, control flow becomes
Python control flow, and every operation a call into what support.py
provides (with inline fast paths for scalar integers).  What each name is
comes from the name analysis (names.py), done before; nothing walks the
AST at run time.

A compiled procedure is `def proc(_ctx, <inputs>)` returning its outputs
(nothing for none, the value for one, a tuple for several).  Each Python
line is mapped back to its HDevelop line, so an error's traceback gives the
HDevelop call stack at no cost while the program runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import errorcodes as ec
from . import nodes as n
from .errors import HdlSyntaxError, HdlSyntaxErrors
from .functions import FUNCTIONS
from .names import Names, analyse

INT_ARITHMETIC = {"+": "add", "-": "sub", "*": "mul"}
COMPARISONS = {"==": ("eq", "=="), "!=": ("ne", "!="), "<": ("lt", "<"), "<=": ("le", "<="),
               ">": ("gt", ">"), ">=": ("ge", ">=")}
BINARY_FUNCTIONS = {
    "+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod", "$": "format",
    "==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge",
    "[==]": "eq_elem", "[!=]": "ne_elem", "[<]": "lt_elem", "[<=]": "le_elem",
    "[>]": "gt_elem", "[>=]": "ge_elem", "=~": "regex_count",
    "and": "and_", "or": "or_", "xor": "xor", "band": "band", "bor": "bor", "bxor": "bxor",
    "lsh": "lsh", "rsh": "rsh",
}
UNARY_FUNCTIONS = {"-": "neg", "not": "not_", "bnot": "bnot"}

# HDevelop's predefined return-code constants (compared with dev_error_var results).
PREDEFINED = {"H_MSG_TRUE": ec.H_MSG_TRUE, "H_MSG_FALSE": ec.H_MSG_FALSE,
              "H_MSG_VOID": ec.H_MSG_VOID, "H_MSG_FAIL": ec.H_MSG_FAIL}


@dataclass
class Callee:
    """What a call site needs to know about an operator or procedure."""

    name: str
    kind: str  # 'operator' or 'procedure'
    arity: tuple[int, int, int, int]  # iconic in, iconic out, control in, control out
    needs_context: bool = False  # operators get `_ctx` only when they ask for it

    def signature(self) -> str:
        return f"{self.name} ({self.arity[0]} iconic in : {self.arity[1]} iconic out : " \
               f"{self.arity[2]} control in : {self.arity[3]} control out)"


@dataclass
class CompiledSource:
    """Python source of one procedure and the map back to HDevelop lines."""

    name: str
    python_name: str
    source: str
    line_map: dict[int, int]  # Python line (1-based) -> HDevelop line
    callees: dict[str, Callee]  # global name in the source -> callee
    functions: set[str]  # inline functions used
    unknown: dict[str, int]  # unresolved call names -> first line
    operator_lines: dict[int, str]  # Python line -> the operator called there


def var_name(name: str) -> str:
    return "v_" + name


class _Loop:
    """What `break`/`continue` must do inside the innermost loop or switch."""

    def __init__(self, kind: str, continue_code: list[str] | None = None):
        self.kind = kind  # 'loop' or 'switch'
        self.continue_code = continue_code or []
        self.flag_name: str | None = None  # a switch inside a loop: how `continue` gets out
        self.continue_flag: str | None = None  # set once a `continue` uses it


def compile_procedure(body: n.ProcedureBody, interface, resolve,
                      given: list[str] | None = None) -> CompiledSource:
    """Python source for one procedure.

    `resolve(name)` gives the Callee of a call or None.  With `given`, the
    procedure is compiled as a main: it takes those variables before it
    starts (--set, the REPL) and returns all its variables at the end.
    """
    params = [p.name for p in interface.all_params()]
    names = analyse(body, params, resolve, given or ())
    return ProcedureCompiler(body, interface, names, resolve, given).compile()


class ProcedureCompiler:
    def __init__(self, body: n.ProcedureBody, interface, names: Names, resolve,
                 given: list[str] | None = None):
        self.body = body
        self.interface = interface
        self.names = names
        self.resolve = resolve
        self.python_name = "proc_" + body.name
        self.lines: list[str] = []
        self.line_map: dict[int, int] = {}
        # the statement being compiled: its line goes into the line map, its position into errors
        self.current_pos: n.Position | None = body.body[0].pos if body.body else None
        self.current_operator: str | None = None
        self.operator_lines: dict[int, str] = {}
        self.is_main = given is not None
        self.preset: list[str] = list(given or [])
        self.indent = 1
        self.temp_counter = 0
        self.loops: list[_Loop] = []
        self.callees: dict[str, Callee] = {}
        self.used_functions: set[str] = set()
        self.unknown: dict[str, int] = {}
        self.errors: list[HdlSyntaxError] = []
        self.globals = names.globals
        self.error_vars = names.error_vars
        self.outputs = [p.name for p in interface.iconic_out + interface.control_out]

    # ---- helpers

    def emit(self, code: str) -> None:
        self.lines.append("    " * self.indent + code)
        self.line_map[len(self.lines) + 1] = self.current_line  # +1: the def line comes first
        if self.current_operator is not None:
            self.operator_lines[len(self.lines) + 1] = self.current_operator

    def temp(self) -> str:
        self.temp_counter += 1
        return f"_t{self.temp_counter}"

    @property
    def current_line(self) -> int:
        return self.current_pos.line if self.current_pos is not None else 0

    def error(self, message: str, stmt, at: tuple[int, int] | None = None) -> None:
        """A compile-time error at a statement, or at the name `at` places inside it."""
        pos = stmt.pos
        line, column = pos.place(at)
        self.errors.append(HdlSyntaxError(message, pos.file, line, column, None, pos.procedure))

    def error_at(self, message: str, node) -> None:
        """A compile-time error at a name (Var, Function) of the statement being compiled."""
        pos = self.current_pos
        if pos is None:
            self.errors.append(HdlSyntaxError(message, self.body.file, 0, 0, None, self.body.name))
            return
        line, column = pos.place(node.at)
        self.errors.append(HdlSyntaxError(message, pos.file, line, column, None, pos.procedure))

    def name_ref(self, name: str) -> str:
        if name in self.globals:
            return f"_G[{name!r}]"
        return var_name(name)

    # ---- procedure

    def compile(self) -> CompiledSource:
        params = [p.name for p in self.interface.iconic_in + self.interface.control_in]
        signature = ", ".join(["_ctx"] + [var_name(p) for p in params])
        if self.is_main:
            signature = "_ctx, _preset"
        self.lines = []
        if self.is_main:
            for name in self.preset:
                self.emit(f"{self.name_ref(name)} = _preset[{name!r}]")
        if self.globals:
            self.emit("_G = _ctx.globals")
        for name in self.error_vars:
            self.emit(f"_ev_{name} = False")
        for p in self.interface.iconic_in + self.interface.control_in:
            if p.dimension:
                self.emit(f"{var_name(p.name)} = _v.copy_value({var_name(p.name)})")
        self.block(self.body.body)
        self.emit_return()
        if self.errors:
            raise self.errors[0] if len(self.errors) == 1 else HdlSyntaxErrors(self.errors)
        source = f"def {self.python_name}({signature}):\n" + "\n".join(self.lines) + "\n"
        return CompiledSource(self.body.name, self.python_name, source, self.line_map,
                              self.callees, self.used_functions, self.unknown, self.operator_lines)

    def emit_return(self) -> None:
        if self.is_main:
            self.emit("return _rt.main_variables(locals())")
            return
        if not self.outputs:
            self.emit("return None")
            return
        temps = []
        for name in self.outputs:
            t = self.temp()
            temps.append(t)
            self.emit("try:")
            self.emit(f"    {t} = {self.name_ref(name)}")
            self.emit("except (NameError, KeyError):")  # never assigned: NameError
            self.emit(f"    {t} = _UNSET")
        if len(temps) == 1:
            self.emit(f"return {temps[0]}")
        else:
            self.emit(f"return ({', '.join(temps)},)")

    # ---- statements

    def block(self, statements) -> None:
        start = len(self.lines)
        for stmt in statements:
            if stmt.pos is not None:
                self.current_pos = stmt.pos
            method = getattr(self, "stmt_" + type(stmt).__name__)
            method(stmt)
        if len(self.lines) == start:
            self.emit("pass")

    def nested(self, statements) -> None:
        self.indent += 1
        self.block(statements)
        self.indent -= 1

    def stmt_Assign(self, stmt: n.Assign) -> None:
        value = self.expr(stmt.value)
        if isinstance(stmt.value, (n.Var, n.Index, n.Member, n.DynamicMember, n.MethodCall)):
            value = f"_v.copy_value({value})"  # a vector read from a variable is copied
        self.assign(stmt.target, value, stmt)

    def assign(self, target, value: str, stmt) -> None:
        """Store the Python expression `value` into an HDevelop lvalue."""
        if isinstance(target, n.Var):
            if target.name == "_":
                self.emit(value)
            else:
                self.emit(f"{self.name_ref(target.name)} = {value}")
        elif isinstance(target, n.Index):
            t = self.temp()
            self.emit(f"{t} = {value}")
            current = self.temp()
            self.read_or_empty(target.target, current, "[]")
            self.assign(target.target, f"_v.assign_at({current}, {self.expr(target.index)}, {t})", stmt)
        elif isinstance(target, n.Slice):
            # X[i:j] := V replaces (or appends) elements i..j, as an index tuple would
            t = self.temp()
            self.emit(f"{t} = {value}")
            current = self.temp()
            self.read_or_empty(target.target, current, "[]")
            indices = f"_v.sequence({self.expr(target.start)}, {self.expr(target.end)}, None)"
            self.assign(target.target, f"_v.assign_at({current}, {indices}, {t})", stmt)
        elif isinstance(target, n.Member):
            self.emit(f"_v.dict_set({self.expr(target.target)}, {target.key!r}, {value})")
        elif isinstance(target, n.DynamicMember):
            self.emit(f"_v.dict_set({self.expr(target.target)}, {self.expr(target.key)}, {value})")
        elif isinstance(target, n.MethodCall) and target.name == "at":
            t = self.temp()
            self.emit(f"{t} = {value}")
            vector = self.temp()
            self.vector_target(target.target, vector)
            self.emit(f"_v.vector_set({vector}, {self.expr(target.args[0])}, {t})")
            if isinstance(target.target, n.Var):
                self.assign(target.target, vector, stmt)
        else:
            self.error("cannot assign to this expression", stmt)

    def vector_target(self, expr, into: str) -> None:
        """The vector an `.at(i) :=` writes into; inner `.at(j)` of a chain grow their vectors."""
        if isinstance(expr, n.MethodCall) and expr.name == "at" and len(expr.args) == 1:
            outer = self.temp()
            self.vector_target(expr.target, outer)
            self.emit(f"{into} = _v.vector_slot({outer}, {self.expr(expr.args[0])})")
        else:
            self.read_or_empty(expr, into, "_v.make_vector([])")

    def read_or_empty(self, expr, into: str, empty: str) -> None:
        """`into = expr`, where an uninitialised variable reads as `empty` (X[0] := 1 creates X)."""
        if isinstance(expr, n.Var):
            self.emit("try:")
            self.emit(f"    {into} = {self.name_ref(expr.name)}")
            self.emit("except (NameError, KeyError):")
            self.emit(f"    {into} = {empty}")
        else:
            self.emit(f"{into} = {self.expr(expr)}")

    def stmt_MethodStatement(self, stmt: n.MethodStatement) -> None:
        call = stmt.call
        args = ", ".join(self.expr(a) for a in call.args)
        target = call.target
        vector = self.temp()
        if isinstance(target, n.Var):
            self.read_or_empty(target, vector, "_v.make_vector([])")
        else:
            self.emit(f"{vector} = {self.expr(target)}")
        self.emit(f"_v.vector_method({vector}, {call.name!r}, [{args}])")
        if isinstance(target, n.Var):
            self.assign(target, vector, stmt)

    def stmt_Call(self, stmt: n.Call) -> None:
        if stmt.name == "dev_error_var":
            self.call_dev_error_var(stmt)
            return
        bound = self.bind(stmt, stmt)
        if bound is None:
            return
        callee, inputs, outputs = bound
        global_name = ("_op_" if callee.kind == "operator" else "_p_") + stmt.name
        self.callees[global_name] = callee
        with_context = callee.kind == "procedure" or callee.needs_context
        arg_code = (["_ctx"] if with_context else []) + [self.expr(a) for a in inputs]
        call = f"{global_name}({', '.join(arg_code)})"
        if callee.kind == "operator":
            self.current_operator = stmt.name
        try:
            self.emit_call(stmt, callee, call, arg_code, outputs)
        finally:
            self.current_operator = None

    def bind(self, call: n.Call, stmt):
        """(callee, input arguments, output arguments) by the callee's signature, or None after an error."""
        callee = self.resolve(call.name)
        at = stmt.call_at if isinstance(stmt, n.ParStart) else None  # the callee's name
        if callee is None:
            self.unknown.setdefault(call.name, stmt.pos.line)
            self.emit(f"_rt.unknown_callee({call.name!r})")
            return None
        ni, no, nci, nco = callee.arity
        if len(call.args) != ni + no + nci + nco:
            self.error(f"'{call.name}' takes {ni + no + nci + nco} arguments, got {len(call.args)}: "
                       f"{callee.signature()}", stmt, at)
            return None
        args = call.args
        outputs = args[ni:ni + no] + args[ni + no + nci:]
        for out in outputs:
            if not n.is_lvalue(out):
                self.error(f"output argument of '{call.name}' must be a variable, '_', "
                           f"D.key, X[i] or V.at(i)", stmt, at)
                return None
        return callee, args[:ni] + args[ni + no:ni + no + nci], outputs

    def emit_call(self, stmt, callee, call, arg_code, outputs) -> None:
        if callee.kind == "operator" and stmt.name == "par_join":
            self.emit(f"_par.join({', '.join(arg_code)})")
            self.after_operator(stmt)
            return
        if callee.kind == "operator":
            # dev_set_check ('~give_error') may be on: a failing operator then leaves its outputs
            result = self.temp()
            self.emit("try:")
            self.emit(f"    {result} = {call}")
            self.emit("except _HdlRuntimeError as _e:")
            self.indent += 1
            self.emit(f"{result} = _rt.operator_failed(_ctx, _e, {stmt.name!r})")
            for name in self.error_vars:
                self.emit(f"if _ev_{name}:")
                self.emit(f"    {self.name_ref(name)} = _e.code")
            self.indent -= 1
            if not outputs and not self.error_vars:
                return
            self.emit(f"if {result} is not _SUPPRESSED:")
            self.indent += 1
            if outputs:
                self.bind_outputs(outputs, result, stmt)
            self.after_operator(stmt)
            self.emit("pass")
            self.indent -= 1
            return
        if not outputs:
            self.emit(call)
        elif len(outputs) == 1:
            self.bind_output(outputs[0], call, stmt)
        else:
            result = self.temp()
            self.emit(f"{result} = {call}")
            self.bind_outputs(outputs, result, stmt)

    def bind_outputs(self, outputs, result: str, stmt) -> None:
        if len(outputs) == 1:
            self.bind_output(outputs[0], result, stmt)
            return
        for i, out in enumerate(outputs):
            self.bind_output(out, f"{result}[{i}]", stmt)

    def bind_output(self, target, value: str, stmt) -> None:
        if isinstance(target, n.Var) and target.name == "_":
            if not value.startswith("_t"):
                self.emit(value)  # still run the call
            return
        t = self.temp()
        self.emit(f"{t} = {value}")
        self.emit(f"if {t} is not _UNSET:")
        self.indent += 1
        self.assign(target, t, stmt)
        self.indent -= 1

    def after_operator(self, stmt) -> None:
        for name in self.error_vars:
            self.emit(f"if _ev_{name}:")
            self.emit(f"    {self.name_ref(name)} = {ec.H_MSG_TRUE}")

    def call_dev_error_var(self, stmt: n.Call) -> None:
        if len(stmt.args) != 2 or not isinstance(stmt.args[0], n.Var):
            self.error("dev_error_var takes a variable and a mode: dev_error_var (ErrorVar, Mode)", stmt)
            return
        name = stmt.args[0].name
        if name == "_":
            return
        self.emit(f"_ev_{name} = _v.truth({self.expr(stmt.args[1])}, 'dev_error_var mode')")

    def stmt_IfBlock(self, stmt: n.IfBlock) -> None:
        for i, branch in enumerate(stmt.branches):
            if branch.pos is not None:
                self.current_pos = branch.pos
            keyword = "if" if i == 0 else "elif"
            self.emit(f"{keyword} {self.condition(branch.cond)}:")
            self.nested(branch.body)
        if stmt.else_body is not None:
            self.emit("else:")
            self.nested(stmt.else_body)

    def stmt_WhileBlock(self, stmt: n.WhileBlock) -> None:
        self.emit(f"while {self.condition(stmt.cond)}:")
        self.loops.append(_Loop("loop"))
        self.nested(stmt.body)
        self.loops.pop()

    def stmt_RepeatBlock(self, stmt: n.RepeatBlock) -> None:
        self.emit("while True:")
        until = stmt.until_pos or self.current_pos
        saved = self.current_pos
        self.current_pos = until
        check = f"if {self.condition(stmt.cond)}: break"
        self.current_pos = saved
        self.loops.append(_Loop("loop", [check]))  # `continue` still tests the condition
        self.indent += 1
        self.block(stmt.body)
        self.current_pos = until
        self.emit(check)
        self.indent -= 1
        self.loops.pop()

    def stmt_ForBlock(self, stmt: n.ForBlock) -> None:
        """HALCON ≥ 11: bounds are evaluated once; after each pass the index grows by the step."""
        var = self.name_ref(stmt.var)
        start, end, step = self.temp(), self.temp(), self.temp()
        step_code = self.expr(stmt.step) if stmt.step is not None else "1"
        self.emit(f"{start}, {end}, {step} = _rt.for_bounds({self.expr(stmt.start)}, "
                  f"{self.expr(stmt.end)}, {step_code})")
        if not self.names.loop_may_write(stmt, stmt.var) and stmt.var not in self.globals:
            # The body never changes the index: Python's range does the counting.
            count = self.temp()
            self.emit(f"{var} = {start}")
            self.emit(f"if {start}.__class__ is int:")
            self.emit(f"    {count} = range({start}, {end} + (1 if {step} > 0 else -1), {step})")
            self.emit("else:")
            self.emit(f"    {count} = _rt.real_range({start}, {end}, {step})")
            self.emit(f"for {var} in {count}:")
            self.loops.append(_Loop("loop"))
            self.nested(stmt.body)
            self.loops.pop()
            self.emit("else:")
            self.emit(f"    {var} = _rt.after_loop({start}, {step}, len({count}))")
            return
        increment = f"{var} = _v.add({var}, {step})"
        self.emit(f"{var} = {start}")
        self.emit(f"while ({var} <= {end}) if {step} > 0 else ({var} >= {end}):")
        self.loops.append(_Loop("loop", [increment]))
        self.indent += 1
        self.block(stmt.body)
        self.emit(increment)
        self.indent -= 1
        self.loops.pop()

    def stmt_SwitchBlock(self, stmt: n.SwitchBlock) -> None:
        """Sections run with C fall-through; `break` leaves the switch."""
        labels = []
        default = len(stmt.sections)
        for i, section in enumerate(stmt.sections):
            if section.label is None:
                default = i
            else:
                labels.append(f"({self.expr(section.label)}, {i})")
        index = self.temp()
        self.emit(f"{index} = _rt.switch_index({self.expr(stmt.expr)}, [{', '.join(labels)}], {default})")
        outer = self.loops[-1] if self.loops else None
        switch = _Loop("switch")
        if any(frame.kind == "loop" for frame in self.loops):
            switch.flag_name = self.temp()  # `continue` inside passes through the switch's loop
            self.emit(f"{switch.flag_name} = False")
        self.loops.append(switch)
        self.emit("while True:")
        self.indent += 1
        for i, section in enumerate(stmt.sections):
            if section.pos is not None:
                self.current_pos = section.pos
            self.emit(f"if {index} <= {i}:")
            self.nested(section.body)
        self.emit("break")
        self.indent -= 1
        self.loops.pop()
        if switch.continue_flag:
            self.emit(f"if {switch.continue_flag}:")
            self.indent += 1
            if outer.kind == "switch":
                self.emit("break")  # the enclosing switch's flag is set too: it passes it on
            else:
                for code in outer.continue_code:
                    self.emit(code)
                self.emit("continue")
            self.indent -= 1

    def stmt_TryBlock(self, stmt: n.TryBlock) -> None:
        self.emit("try:")
        self.nested(stmt.body)
        if stmt.catch_pos is not None:
            self.current_pos = stmt.catch_pos
        self.emit("except _CATCHABLE as _e:")
        self.indent += 1
        self.emit(f"{self.name_ref(stmt.catch_var)} = _rt.exception_tuple(_e)")
        self.block(stmt.handler)
        self.indent -= 1

    def stmt_Throw(self, stmt: n.Throw) -> None:
        self.emit(f"raise _rt.thrown({self.expr(stmt.value)})")

    def stmt_Break(self, stmt: n.Break) -> None:
        self.emit("break")

    def stmt_Continue(self, stmt: n.Continue) -> None:
        # the innermost loop; switches in between pass it on with a flag
        switches = []
        for frame in reversed(self.loops):
            if frame.kind == "loop":
                break
            switches.append(frame)
        else:
            frame = None
        if switches:
            for switch in switches:
                switch.continue_flag = switch.flag_name
                self.emit(f"{switch.continue_flag} = True")
            self.emit("break")
            return
        for code in frame.continue_code if frame else []:
            self.emit(code)
        self.emit("continue")

    def stmt_Return(self, stmt: n.Return) -> None:
        self.emit_return()

    def stmt_Stop(self, stmt: n.Stop) -> None:
        """A breakpoint: a front end may look at the variables and change them before going on."""
        changed = self.temp()
        self.emit(f"{changed} = _ctx.stop(locals(), {self.current_line})")
        names = sorted(name for name in self.names.locals if name not in PREDEFINED)
        if names:
            self.emit(f"if {changed}:")
            self.indent += 1
            for name in names:
                self.emit(f"if {name!r} in {changed}: {var_name(name)} = {changed}[{name!r}]")
            self.indent -= 1

    def stmt_Exit(self, stmt: n.Exit) -> None:
        self.emit("raise _rt.program_exit(locals())")

    def stmt_Global(self, stmt: n.Global) -> None:
        self.emit(f"_rt.declare_global(_ctx, {stmt.name!r}, {stmt.kind!r}, {stmt.dimension})")

    def stmt_Import(self, stmt: n.Import) -> None:
        self.emit("pass  # import: resolved when the program is linked")

    def stmt_ParStart(self, stmt: n.ParStart) -> None:
        call = stmt.call
        bound = self.bind(call, stmt)
        if bound is None:
            return
        callee, inputs, outputs = bound
        global_name = ("_op_" if callee.kind == "operator" else "_p_") + call.name
        self.callees[global_name] = callee
        # Outputs are written when the thread is joined, by a closure over this frame.
        writer = self.temp()
        names = sorted({o.name for o in outputs if isinstance(o, n.Var) and o.name != "_"
                        and o.name not in self.globals})
        for name in names:  # make each a local of this function without giving it a value
            self.emit(f"if False: {var_name(name)} = None")
        self.emit(f"def {writer}(_r):")
        self.indent += 1
        if names:
            self.emit("nonlocal " + ", ".join(var_name(x) for x in names))
        if outputs:
            self.bind_outputs(outputs, "_r", stmt)
        self.emit("pass")
        self.indent -= 1
        inputs_code = ", ".join(self.expr(a) for a in inputs)
        with_context = "True" if callee.kind == "procedure" or callee.needs_context else "False"
        self.assign(n.Var(stmt.handle),
                    f"_par.start(_ctx, {global_name}, [{inputs_code}], {writer}, {call.name!r}, "
                    f"{with_context}, {callee.kind == 'operator'})", stmt)

    # ---- expressions

    def condition(self, expr) -> str:
        """A Python boolean for an HDevelop condition, with a fast path for scalar comparisons."""
        if isinstance(expr, n.Binary) and expr.op in COMPARISONS:
            function, py_op = COMPARISONS[expr.op]
            test, a, b = self._int_operands(expr)
            return f"(({a} {py_op} {b}) if {test} else _v.truth(_v.{function}({a}, {b})))"
        if isinstance(expr, n.Const) and isinstance(expr.value, int):
            return "True" if expr.value else "False"
        value = self.expr(expr)
        t = self.temp()
        return f"(({t} != 0) if ({t} := {value}).__class__ is int else _v.truth({t}))"

    def expr(self, e) -> str:
        return getattr(self, "expr_" + type(e).__name__)(e)

    def expr_Const(self, e: n.Const) -> str:
        return repr(e.value)

    def expr_Var(self, e: n.Var) -> str:
        if e.name in PREDEFINED and not self.names.may_write(e.name):
            return repr(PREDEFINED[e.name])
        if e.name == "_":
            self.error_at("'_' can only stand for an output argument", e)
            return "None"
        return self.name_ref(e.name)

    def expr_TupleExpr(self, e: n.TupleExpr) -> str:
        if not e.items:
            return "[]"
        parts = [self.expr(item) for item in e.items]
        if len(parts) == 1 and not isinstance(e.items[0], n.Sequence):
            return parts[0]
        return f"_v.concat({', '.join(parts)})"

    def expr_Sequence(self, e: n.Sequence) -> str:
        step = self.expr(e.step) if e.step is not None else "None"
        return f"_v.sequence({self.expr(e.start)}, {self.expr(e.end)}, {step})"

    def _int_operands(self, e: n.Binary):
        """Code for both operands and the test that both are Python ints (constants need none)."""
        codes = []
        for operand in (e.left, e.right):
            if isinstance(operand, n.Const) and type(operand.value) is int:
                codes.append((repr(operand.value), repr(operand.value)))
            else:
                t = self.temp()
                codes.append((f"({t} := {self.expr(operand)})", t))
        (_, left), (_, right) = codes
        firsts = [first for first, name in codes if first != name]
        if len(firsts) == 2:  # a chained `is` evaluates both operands before it decides
            return f"{firsts[0]}.__class__ is {firsts[1]}.__class__ is int", left, right
        if len(firsts) == 1:
            return f"{firsts[0]}.__class__ is int", left, right
        return "True", left, right

    def expr_Binary(self, e: n.Binary) -> str:
        op = e.op
        if op in INT_ARITHMETIC:
            return self.int_arithmetic(e)
        if op == "%" or op in COMPARISONS:
            test, a, b = self._int_operands(e)
            if op == "%":  # C's remainder equals Python's for a non-negative dividend and divisor
                signs = f"{a} >= 0" if b.lstrip("-").isdigit() and int(b) > 0 else f"{a} >= 0 and {b} > 0"
                return f"({a} % {b} if {test} and {signs} else _v.mod({a}, {b}))"
            function, py_op = COMPARISONS[op]
            return f"((1 if {a} {py_op} {b} else 0) if {test} else _v.{function}({a}, {b}))"
        left, right = self.expr(e.left), self.expr(e.right)
        if op in ("and", "or"):
            # A single value that decides the result short-circuits (docs/semantics.md).
            a = self.temp()
            decided = "0" if op == "and" else "1"
            check = f"{a} == 0" if op == "and" else f"{a} != 0"
            return (f"({decided} if ({a} := {left}).__class__ is int and {check} "
                    f"else _v.{BINARY_FUNCTIONS[op]}({a}, {right}))")
        return f"_v.{BINARY_FUNCTIONS[op]}({left}, {right})"

    def int_arithmetic(self, e) -> str:
        """A tree of + - * over integers, computed by Python with one 64-bit wrap at the end.

        Wrapping once is exact: reduction modulo 2^64 commutes with + - *.
        When a leaf is not an integer, the general functions of hdl.values
        take over with the leaves already evaluated.
        """
        leaves = []  # (first-use code, name)

        def fast(node) -> str:
            if isinstance(node, n.Binary) and node.op in INT_ARITHMETIC:
                return f"({fast(node.left)} {node.op} {fast(node.right)})"
            if isinstance(node, n.Unary) and node.op == "-":
                return f"(-{fast(node.operand)})"
            if isinstance(node, n.Const) and type(node.value) is int:
                return repr(node.value)
            t = self.temp()
            leaves.append((f"({t} := {self.expr(node)})", t))
            return t

        def general(node, codes) -> str:
            if isinstance(node, n.Binary) and node.op in INT_ARITHMETIC:
                left = general(node.left, codes)
                right = general(node.right, codes)
                return f"_v.{INT_ARITHMETIC[node.op]}({left}, {right})"
            if isinstance(node, n.Unary) and node.op == "-":
                return f"_v.neg({general(node.operand, codes)})"
            if isinstance(node, n.Const) and type(node.value) is int:
                return repr(node.value)
            return self.expr(node) if codes is None else next(codes)

        if _has_non_int_constant(e):  # the integer path can never apply
            return general(e, None)
        expression = fast(e)
        names = iter([name for _, name in leaves])
        fallback = general(e, names)
        if not leaves:
            return f"_v.wrap({expression})"
        if len(leaves) <= 2:  # a two-operand `is` chain evaluates both before it decides
            test = " is ".join(f"{first}.__class__" for first, _ in leaves) + " is int"
        else:  # a longer chain stops early: evaluate every leaf first, in a tuple
            test = (f"({', '.join(first for first, _ in leaves)}) and "
                    + " is ".join(f"{name}.__class__" for _, name in leaves) + " is int")
        r = self.temp()
        return (f"(({r} if -0x8000000000000000 <= ({r} := {expression}) <= 0x7fffffffffffffff "
                f"else _v.wrap({r})) if {test} else {fallback})")

    def expr_Unary(self, e: n.Unary) -> str:
        operand = self.expr(e.operand)
        if e.op == "-" and isinstance(e.operand, n.Const) and not isinstance(e.operand.value, str):
            return repr(-e.operand.value)
        return f"_v.{UNARY_FUNCTIONS[e.op]}({operand})"

    def expr_Index(self, e: n.Index) -> str:
        return f"_v.select({self.expr(e.target)}, {self.expr(e.index)})"

    def expr_Slice(self, e: n.Slice) -> str:
        return f"_v.select_range({self.expr(e.target)}, {self.expr(e.start)}, {self.expr(e.end)})"

    def expr_CharIndex(self, e: n.CharIndex) -> str:
        return f"_v.char_at({self.expr(e.target)}, {self.expr(e.index)})"

    def expr_Substring(self, e: n.Substring) -> str:
        return f"_v.substr({self.expr(e.target)}, {self.expr(e.start)}, {self.expr(e.end)})"

    def expr_Member(self, e: n.Member) -> str:
        return f"_v.dict_get({self.expr(e.target)}, {e.key!r})"

    def expr_DynamicMember(self, e: n.DynamicMember) -> str:
        return f"_v.dict_get({self.expr(e.target)}, {self.expr(e.key)})"

    def expr_MethodCall(self, e: n.MethodCall) -> str:
        target = self.expr(e.target)
        if e.name == "at" and len(e.args) == 1:
            return f"_v.vector_at({target}, {self.expr(e.args[0])})"
        args = ", ".join(self.expr(a) for a in e.args)
        return f"_v.vector_method({target}, {e.name!r}, [{args}])"

    def expr_Length(self, e: n.Length) -> str:
        return f"_v.length_of({self.expr(e.operand)})"

    def expr_Function(self, e: n.Function) -> str:
        if e.name not in FUNCTIONS:
            self.error_at(f"unknown function '{e.name}'", e)
            return "None"
        self.used_functions.add(e.name)
        args = ", ".join(self.expr(a) for a in e.args)
        return f"_fn_{e.name}({args})"

    def expr_VectorExpr(self, e: n.VectorExpr) -> str:
        return f"_v.make_vector([{', '.join(self.expr(i) for i in e.items)}])"

    def expr_DictExpr(self, e: n.DictExpr) -> str:
        pairs = []
        for key, value in e.items:
            key_code = repr(key) if isinstance(key, str) else self.expr(key)
            pairs.append(f"({key_code}, {self.expr(value)})")
        return f"_v.make_dict([{', '.join(pairs)}])"


def _has_non_int_constant(e) -> bool:
    """Whether a + - * tree has a real or string constant among its leaves."""
    if isinstance(e, n.Binary) and e.op in INT_ARITHMETIC:
        return _has_non_int_constant(e.left) or _has_non_int_constant(e.right)
    if isinstance(e, n.Unary) and e.op == "-":
        return _has_non_int_constant(e.operand)
    return isinstance(e, n.Const) and type(e.value) is not int
