"""A program: its procedures compiled, linked and run.

`Program` is the one way to compile and run HDevelop code, used alike by
`hdl run`, `hdl check`, the REPL and the tests:

    program = Program(load_file("prog.hdev"))
    variables = program.run()            # main, to its end
    outputs = program.call("p", 1, 2)    # one procedure
    program.check()                      # compile everything, report names no one provides

Procedures are found through the procedure path (procedure_path.py) and
compiled (compiler.py) the first time they are called; each compiled
procedure is registered with tracebacks.py, so errors carry the HDevelop
file, procedure, line and call stack.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager

from . import errorcodes as ec
from . import nodes as n
from . import support
from . import tracebacks
from .compiler import Callee, CompiledSource, compile_procedure
from .errors import HdlError, HdlRuntimeError, HdlSyntaxError, HdlSyntaxErrors
from .functions import FUNCTIONS
from .loader import LoadedFile
from .procedure_path import ProcedureEntry, ProcedurePath
from .registry import REGISTRY
from .source import Procedure, SourceFile


class Context:
    """Per-run state: globals, error mode, hooks.  Passed to every procedure as `_ctx`."""

    def __init__(self, program: "Program"):
        self.program = program
        self.globals: dict[str, object] = {}
        self.global_kinds: dict[str, tuple[str, int]] = {}
        self.give_error = True
        self.stop_hook = None
        self.lock = threading.Lock()

    def stop(self, local_variables: dict, line: int = 0) -> dict | None:
        """`stop ()`: a breakpoint; a no-op unless a front end (the REPL) installs a hook.

        The hook gets the procedure's variables and the line, and may return
        a dict of variables to change before the program goes on.
        """
        if self.stop_hook is None:
            return None
        return self.stop_hook(support.main_variables(local_variables), line)


class Program:
    def __init__(self, main: LoadedFile, proc_paths: list[str] | None = None):
        self.main = main
        self.path = ProcedurePath(main, proc_paths)
        self.locals = self.path.locals
        self.context = Context(self)

    # ---- resolution

    def find_procedure(self, name: str, origin: LoadedFile | None = None) -> ProcedureEntry | None:
        """The procedure a call in `origin` (the caller's file) names, or None."""
        return self.path.find(name, origin)

    def resolve(self, name: str, origin: LoadedFile | None = None) -> Callee | None:
        """What a call names: a procedure first, then an operator; None for neither."""
        entry = self.path.find(name, origin)
        if entry is not None:
            return entry.callee()
        op = REGISTRY.get(name)
        if op is not None:
            return Callee(name, "operator", op.arity, needs_context=op.needs_context)
        return None

    # ---- compiling

    def _source(self, entry: ProcedureEntry, given: list[str] | None = None) -> CompiledSource:
        """The one place a procedure is compiled; calls resolve from its own file."""
        try:
            return compile_procedure(entry.body, entry.source.interface,
                                     lambda name: self.resolve(name, entry.loaded), given)
        except HdlSyntaxError as exc:
            for error in exc.errors if isinstance(exc, HdlSyntaxErrors) else [exc]:
                _show_source(error, entry.source)
            raise

    def function(self, entry: ProcedureEntry):
        """The compiled, linked function of a procedure: `f(ctx, *inputs) -> outputs`."""
        if entry.function is None:
            entry.function = self._link(entry, self._source(entry))
        return entry.function

    def main_function(self, entry: ProcedureEntry, given: list[str]):
        """`entry` compiled as a main: `f(ctx, {name: value})` returns all its variables."""
        return self._link(entry, self._source(entry, given))

    def _link(self, entry: ProcedureEntry, compiled: CompiledSource):
        """Compiled source → a function whose globals hold its callees."""
        namespace = support.namespace()
        for name in compiled.functions:
            namespace["_fn_" + name] = FUNCTIONS[name]
        for global_name, callee in compiled.callees.items():
            if callee.kind == "operator":
                namespace[global_name] = REGISTRY.get(callee.name).function
            else:
                namespace[global_name] = self._lazy(callee.name, namespace, global_name,
                                                    entry.loaded)
        code_file = tracebacks.code_name(entry.loaded.path, entry.name)
        exec(compile(compiled.source, code_file, "exec"), namespace)  # noqa: S102 - hdl's own code
        function = namespace[compiled.python_name]
        tracebacks.register(function, code_file, tracebacks.CodeInfo(
            entry.loaded.path, entry.name, compiled.line_map, compiled.operator_lines))
        return function

    def _lazy(self, name: str, namespace: dict, global_name: str, origin: LoadedFile):
        """A stand-in that compiles the callee on its first call and then replaces itself."""
        program = self

        def first_call(*args):
            function = program.function(program.find_procedure(name, origin))
            namespace[global_name] = function
            return function(*args)

        return first_call

    def check(self) -> dict[str, int]:
        """Compile every procedure of the main file; return the names no one provides (→ line)."""
        unknown: dict[str, int] = {}
        errors: list[HdlSyntaxError] = []
        for entry in self.locals.values():
            try:
                compiled = self._source(entry)
            except HdlSyntaxErrors as exc:
                errors.extend(exc.errors)
                continue
            except HdlSyntaxError as exc:
                errors.append(exc)
                continue
            for name, line in compiled.unknown.items():
                unknown.setdefault(name, line)
        if errors:
            raise errors[0] if len(errors) == 1 else HdlSyntaxErrors(errors)
        return unknown

    # ---- running

    def run(self, variables: dict[str, object] | None = None) -> dict[str, object]:
        """Run main; return its variables at the end (names without prefix)."""
        entry = self.locals.get("main")
        if entry is None:
            raise HdlRuntimeError(ec.UNKNOWN_CALLEE, f"{self.main.path} has no main procedure")
        function = self.main_function(entry, list(variables or {}))
        return self._guarded(function, self.context, dict(variables or {}))

    def call(self, name: str, *inputs):
        """Run one procedure with its inputs (iconic, then control); return its outputs."""
        entry = self.find_procedure(name)
        if entry is None:
            raise HdlRuntimeError(ec.UNKNOWN_CALLEE, f"no procedure '{name}' for {self.main.path}")
        return self._guarded(self.function(entry), self.context, *inputs)

    @staticmethod
    def _guarded(function, *args):
        """Call compiled code; any error leaves as an HdlError placed in the program."""
        try:
            return function(*args)
        except support.ProgramExit as exc:
            return exc.variables
        except HdlRuntimeError as exc:
            raise tracebacks.to_runtime_error(exc)
        except HdlError:
            raise
        except Exception as exc:  # noqa: BLE001 - becomes an HDevelop error with a location
            raise tracebacks.to_runtime_error(exc) from exc


def _show_source(error: HdlSyntaxError, procedure: Procedure) -> None:
    """Give a compile-time error the program line it is about, with the caret under its column."""
    if error.source_line is not None:
        return
    for line in procedure.lines:
        rows = line.text.split("\n")
        row = error.line - line.line
        if line.kind == "code" and 0 <= row < len(rows):
            error.source_line = rows[row]
            error.caret_column = error.column - (line.column - 1 if row == 0 else 0)
            return


def statements_entry(statements: list, file: str) -> ProcedureEntry:
    """Lines typed at a prompt as a main procedure of the pseudo file `file`."""
    body = n.ProcedureBody("main", None, statements)
    return ProcedureEntry("main", LoadedFile(SourceFile(file), {"main": body}), Procedure("main"),
                          "local")


@contextmanager
def fresh_process_state():
    """Run a program as a new process would start it, and leave no trace of it behind.

    HALCON's process-wide state (set_system, the random seed, the system
    image size) is reset before and after; the working directory is restored.
    Windows belong to a program's context, so a new Program starts without any.
    """
    directory = os.getcwd()
    REGISTRY.reset_state()
    try:
        yield
    finally:
        os.chdir(directory)
        REGISTRY.reset_state()
