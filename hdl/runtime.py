"""Running programs: procedure resolution, linking, the run context, errors.

A Program owns the main file and finds every procedure a call names, in
this order: a local procedure of the program, then the directories named by
`import`, then the procedure path (`--proc-path`, $HDL_PROC_PATH, the
program's own directory), then hdl's own library in `procedures/`, and at
last the HALCON operators of the registry.  Procedures are compiled to
Python functions the first time they are called.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
from contextlib import contextmanager
from dataclasses import dataclass

from . import errorcodes
from . import nodes as n
from . import values as _v
from .compiler import Callee, ProcedureCompiler
from .errors import HdlError, HdlRuntimeError, HdlSyntaxError, HdlSyntaxErrors
from .functions import FUNCTIONS
from .loader import LoadedFile, load_file
from .registry import REGISTRY
from .source import Procedure

PROCEDURE_PATH_ENV = "HDL_PROC_PATH"
PROJECT_PROCEDURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                  "procedures")
PROCEDURE_SUFFIXES = (".hdvp", ".hds")
LIBRARY_SUFFIXES = (".hdpl", ".hds")

# HDevelop's own error codes for errors outside operators (add_error_code).
ERROR_IN_OPERATOR = 21000
ERROR_UNKNOWN_CALLEE = 21002
ERROR_INTERNAL = 21009
H_MSG_TRUE = 2


class ProgramExit(BaseException):
    """`exit ()`: ends the program (not catchable by try/catch)."""

    def __init__(self, variables: dict | None = None):
        super().__init__("exit")
        self.variables = variables or {}


def program_exit(local_variables: dict) -> ProgramExit:
    return ProgramExit(main_variables(local_variables))


def main_variables(local_variables: dict) -> dict:
    """main's HDevelop variables from its Python locals."""
    return {k[2:]: v for k, v in local_variables.items() if k.startswith("v_") and v is not UNSET}


class _Unset:
    __slots__ = ()

    def __repr__(self):
        return "<unset>"


UNSET = _Unset()
SUPPRESSED = object()


@dataclass
class ProcedureEntry:
    """A procedure the program can call, with where it comes from."""

    name: str
    loaded: LoadedFile
    source: Procedure
    origin: str  # 'local', 'external', 'library'
    function: object = None

    @property
    def body(self) -> n.ProcedureBody:
        return self.loaded.bodies[self.name]

    def callee(self) -> Callee:
        iface = self.source.interface
        return Callee(self.name, "procedure",
                      (len(iface.iconic_in), len(iface.iconic_out), len(iface.control_in),
                       len(iface.control_out)),
                      [p.dimension for p in iface.iconic_in + iface.control_in])


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
        return self.stop_hook(main_variables(local_variables), line)


class Program:
    def __init__(self, main: LoadedFile, proc_paths: list[str] | None = None):
        self.main = main
        self.directory = os.path.dirname(os.path.abspath(main.path))
        self.locals = {p.name: ProcedureEntry(p.name, main, p, "local") for p in main.source.procedures}
        imports = []
        for body in main.bodies.values():
            for stmt in body.body:
                for node in stmt.walk():
                    if isinstance(node, n.Import):
                        path = node.path
                        if not os.path.isabs(path):
                            path = os.path.join(self.directory, path)
                        imports.append(path)
        env_paths = [p for p in os.environ.get(PROCEDURE_PATH_ENV, "").split(os.pathsep) if p]
        self.search_path = imports + list(proc_paths or []) + env_paths + [self.directory, PROJECT_PROCEDURES]
        self._external: dict[str, ProcedureEntry | None] = {}
        self._indexed_dirs: set[str] = set()
        self._libraries: dict[str, LoadedFile] = {}
        self._siblings: dict[tuple[str, str], ProcedureEntry] = {}
        self.context = Context(self)
        self.compile_errors: list[HdlSyntaxError] = []

    # ---- resolution

    def find_procedure(self, name: str, origin: LoadedFile | None = None) -> ProcedureEntry | None:
        """The procedure a call names; `origin` is the caller's file, whose own procedures come next."""
        entry = self.locals.get(name)
        if entry is not None:
            return entry
        if origin is not None and origin is not self.main:
            proc = origin.source.procedure(name)
            if proc is not None:  # a sibling in the caller's library file
                key = (origin.path, name)
                entry = self._siblings.get(key)
                if entry is None:
                    entry = self._siblings[key] = ProcedureEntry(name, origin, proc, "library")
                return entry
        if name in self._external:
            return self._external[name]
        found = None
        for directory in self.search_path:
            found = self._find_in(directory, name)
            if found is not None:
                break
        self._external[name] = found
        return found

    def _find_in(self, directory: str, name: str) -> ProcedureEntry | None:
        if os.path.isfile(directory):  # an imported library file
            return self._from_library(directory, name)
        if not os.path.isdir(directory):
            return None
        for suffix in PROCEDURE_SUFFIXES:
            path = os.path.join(directory, name + suffix)
            if os.path.isfile(path):
                loaded = load_file(path)
                procedures = loaded.source.procedures
                # An external procedure is named by its file (HDevelop's rule).
                if len(procedures) == 1:
                    proc = procedures[0]
                    if proc.name != name:
                        proc.name = name
                        loaded.bodies[name] = loaded.bodies.pop(next(iter(loaded.bodies)))
                    return ProcedureEntry(name, loaded, proc, "external")
                if loaded.source.procedure(name) is not None:
                    return ProcedureEntry(name, loaded, loaded.source.procedure(name), "library")
        try:
            entries = sorted(os.listdir(directory))
        except OSError:
            return None
        for entry in entries:
            if entry.lower().endswith(".hdpl"):
                found = self._from_library(os.path.join(directory, entry), name)
                if found is not None:
                    return found
        return None

    def _from_library(self, path: str, name: str) -> ProcedureEntry | None:
        loaded = self._libraries.get(path)
        if loaded is None:
            loaded = self._libraries[path] = load_file(path)
        proc = loaded.source.procedure(name)
        if proc is None:
            return None
        return ProcedureEntry(name, loaded, proc, "library")

    def resolve(self, name: str, origin: LoadedFile | None = None) -> Callee | None:
        entry = self.find_procedure(name, origin)
        if entry is not None:
            return entry.callee()
        op = REGISTRY.get(name)
        if op is not None:
            return Callee(name, "operator", op.arity, needs_context=op.needs_context)
        return None

    # ---- compiling

    def function(self, entry: ProcedureEntry):
        if entry.function is None:
            entry.function = self._compile(entry)
        return entry.function

    def _compile(self, entry: ProcedureEntry):
        compiler = ProcedureCompiler(entry.body, entry.source.interface,
                                     lambda name: self.resolve(name, entry.loaded), FUNCTIONS.keys(),
                                     python_name="proc_" + entry.name)
        return self._load(entry, compiler.compile())

    def _load(self, entry: ProcedureEntry, compiled):
        """Turn compiled source into a function whose globals link its callees."""
        filename = f"<hdl {entry.loaded.path}:{entry.name}>"
        namespace = {
            "_v": _v, "_rt": sys.modules[__name__], "_HdlRuntimeError": HdlRuntimeError,
            "_CATCHABLE": Exception, "_UNSET": UNSET, "_SUPPRESSED": SUPPRESSED,
        }
        for name in compiled.functions:
            namespace["_fn_" + name] = FUNCTIONS[name]
        for global_name, callee in compiled.callees.items():
            if callee.kind == "operator":
                namespace[global_name] = REGISTRY.get(callee.name).function
            else:
                namespace[global_name] = self._lazy(callee.name, namespace, global_name, entry.loaded)
        code = compile(compiled.source, filename, "exec")
        exec(code, namespace)
        LINE_MAPS[code.co_filename] = (entry.loaded.path, entry.name, compiled.line_map,
                                       compiled.operator_lines)
        return namespace[compiled.python_name]

    def _lazy(self, name: str, namespace: dict, global_name: str, origin: LoadedFile):
        """A stand-in that compiles the callee on its first call and then replaces itself."""
        program = self

        def first_call(*args):
            function = program.function(program.find_procedure(name, origin))
            namespace[global_name] = function
            return function(*args)

        return first_call

    def check(self) -> list[str]:
        """Compile every procedure of the main file; return the names no one provides."""
        unknown: dict[str, int] = {}
        errors: list[HdlSyntaxError] = []
        for entry in self.locals.values():
            compiler = ProcedureCompiler(entry.body, entry.source.interface, self.resolve,
                                         FUNCTIONS.keys(), python_name="proc_" + entry.name)
            try:
                compiled = compiler.compile()
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
            raise HdlRuntimeError(ERROR_UNKNOWN_CALLEE, f"{self.main.path} has no main procedure")
        compiler = ProcedureCompiler(entry.body, entry.source.interface, self.resolve, FUNCTIONS.keys(),
                                     python_name="proc_main")
        function = self._load(entry, compiler.compile_main(list(variables or {})))
        return self._guarded(function, self.context, dict(variables or {}))

    def call(self, name: str, *inputs):
        """Run one procedure of the program with its inputs (iconic, then control); return its outputs."""
        entry = self.find_procedure(name)
        if entry is None:
            raise HdlRuntimeError(ERROR_UNKNOWN_CALLEE, f"no procedure '{name}' in {self.main.path}")
        return self._guarded(self.function(entry), self.context, *inputs)

    @staticmethod
    def _guarded(function, *args):
        try:
            return function(*args)
        except ProgramExit as exc:
            return exc.variables
        except HdlRuntimeError as exc:
            raise to_runtime_error(exc)
        except HdlError:
            raise
        except BaseException as exc:  # noqa: BLE001 - becomes an HDevelop error with a location
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            raise to_runtime_error(exc) from exc


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


# ---- support for generated code ---------------------------------------------------

def wrap(value: int) -> int:
    """Integers are 64-bit: results outside the range wrap around as in C."""
    return (value + 0x8000000000000000) % 0x10000000000000000 - 0x8000000000000000


def for_bounds(start, end, step):
    """Start, End and Step of a for loop: single numbers; the index is real unless all are integers."""
    values = []
    for what, value in (("start", start), ("end", end), ("step", step)):
        items = _v.as_list(value)
        if len(items) != 1 or type(items[0]) not in (int, float):
            raise HdlRuntimeError(1201, f"the {what} value of a for loop must be one number, "
                                  f"not {_v.as_list(value)!r}"[:200], operator="for")
        values.append(items[0])
    start, end, step = values
    if step == 0:
        raise HdlRuntimeError(1302, "the step of a for loop must not be 0", operator="for")
    if not all(type(x) is int for x in values):
        start, end, step = float(start), float(end), float(step)
    return start, end, step


class RealRange:
    """The indices of a for loop with real bounds: added up step by step, as HALCON does."""

    __slots__ = ("values",)

    def __init__(self, start: float, end: float, step: float):
        values = []
        index = start
        while (index <= end) if step > 0 else (index >= end):
            values.append(index)
            index = index + step
        self.values = values

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
    """The section a switch value jumps to: the first matching case, else default (or past the end)."""
    items = _v.as_list(value)
    if len(items) != 1 or type(items[0]) is not int:
        raise HdlRuntimeError(1201, f"a switch value must be one integer, not {items!r}"[:200],
                              operator="switch")
    for label, index in labels:
        label_items = _v.as_list(label)
        if len(label_items) != 1 or type(label_items[0]) is not int:
            raise HdlRuntimeError(1201, f"a case label must be one integer, not {label_items!r}"[:200],
                                  operator="case")
        if label_items[0] == items[0]:
            return index
    return default


# ---- error mapping -----------------------------------------------------------------

# code filename -> (hdev file, procedure, python line -> hdev line, python line -> operator)
LINE_MAPS: dict[str, tuple] = {}


def hdevelop_stack(tb) -> list[tuple[str, str | None, int, str | None]]:
    """(procedure, file, line, operator) for each HDevelop frame of a traceback, outermost first."""
    stack = []
    seen = []
    for frame, lineno in traceback.walk_tb(tb):
        info = LINE_MAPS.get(frame.f_code.co_filename)
        if info is None:
            continue
        if seen and seen[-1] is frame:  # re-raised in the same procedure: one HDevelop frame
            continue
        seen.append(frame)
        file, procedure, line_map, operator_lines = info
        stack.append((procedure, file, line_map.get(lineno, 0), operator_lines.get(lineno)))
    return stack


def to_runtime_error(exc: BaseException) -> HdlRuntimeError:
    """Any exception raised while running, as an HdlRuntimeError placed in the program."""
    stack = hdevelop_stack(exc.__traceback__)
    if isinstance(exc, HdlRuntimeError):
        error = exc
    elif isinstance(exc, (UnboundLocalError, NameError)):
        name = _variable_from(exc)
        error = HdlRuntimeError(errorcodes.UNINITIALIZED_CONTROL,
                                f"variable '{name}' is used before it has a value")
    elif isinstance(exc, RecursionError):
        error = HdlRuntimeError(ERROR_INTERNAL, "procedure calls nested too deeply (endless recursion?)")
    else:
        error = HdlRuntimeError(ERROR_INTERNAL, f"internal error: {type(exc).__name__}: {exc}")
        error.__cause__ = exc
    if stack and not error.stack:
        procedure, file, line, operator = stack[-1]
        error.procedure, error.file, error.line = procedure, file, line
        if error.operator is None and operator is not None and isinstance(exc, HdlRuntimeError):
            error.operator = operator
        error.stack = [(p, f, l) for p, f, l, _ in stack]
    return error


def _variable_from(exc: BaseException) -> str:
    text = str(exc)
    for quote in ("'",):
        if quote in text:
            name = text.split(quote)[1]
            return name[2:] if name.startswith("v_") else name
    return "?"


def exception_tuple(exc: BaseException):
    """The tuple `catch (Exc)` stores: the thrown tuple, or HDevelop's error layout."""
    if isinstance(exc, HdlRuntimeError) and exc.thrown is not None:
        return exc.thrown
    error = to_runtime_error(exc)
    add_code = error.add_code if error.add_code is not None else (
        ERROR_IN_OPERATOR if error.operator else error.code)
    return [error.code, add_code, error.message, error.message, error.line,
            error.operator or "", error.procedure or "", len(error.stack) or 1]


EXCEPTION_SLOTS = {"error_code": 0, "add_error_code": 1, "error_message": 2, "add_error_message": 3,
                   "program_line": 4, "operator": 5, "procedure": 6, "call_stack_depth": 7}
SYSTEM_LAYOUT_LENGTH = 8


def thrown(value) -> HdlRuntimeError:
    """`throw (T)`: T travels unchanged to the matching catch."""
    items = _v.as_list(value)
    code = items[0] if items and isinstance(items[0], int) else 0
    message = next((x for x in items[1:] if isinstance(x, str)), None) or f"user exception {items!r}"
    if len(items) >= SYSTEM_LAYOUT_LENGTH and isinstance(items[2], str):
        message = items[2]
    error = HdlRuntimeError(code, message)
    error.thrown = value
    return error


def declare_global(ctx: Context, name: str, kind: str, dimension: int) -> None:
    with ctx.lock:
        previous = ctx.global_kinds.get(name)
        if previous is not None and previous != (kind, dimension):
            raise HdlRuntimeError(errorcodes.WRONG_VECTOR_TYPE, f"global '{name}' is declared as "
                                  f"{previous[0]} of dimension {previous[1]} elsewhere")
        ctx.global_kinds[name] = (kind, dimension)


def operator_failed(ctx: Context, error: HdlRuntimeError):
    """An operator raised: re-raise unless dev_set_check ('~give_error') is in force."""
    if ctx.give_error:
        raise error
    return SUPPRESSED


def unknown_callee(name: str) -> None:
    raise HdlRuntimeError(ERROR_UNKNOWN_CALLEE,
                          f"unknown operator or procedure '{name}' (not a local procedure, "
                          f"not on the procedure path, not an operator hdl provides)")


# ---- parallel calls --------------------------------------------------------------

class ThreadHandle(_v.Handle):
    type_name = "thread"

    def __init__(self, name: str, writer):
        super().__init__()
        self.name = name
        self.writer = writer
        self.result = None
        self.error: BaseException | None = None
        self.joined = False
        self.thread: threading.Thread | None = None


def par_start(ctx: Context, function, inputs: list, writer, name: str, with_context: bool) -> ThreadHandle:
    handle = ThreadHandle(name, writer)

    def work():
        try:
            handle.result = function(ctx, *inputs) if with_context else function(*inputs)
        except BaseException as exc:  # noqa: BLE001 - reported at par_join
            handle.error = exc

    handle.thread = threading.Thread(target=work, name=f"hdl-{name}", daemon=True)
    handle.thread.start()
    return handle


def par_join(ctx: Context, handles) -> None:
    """Wait for the threads; write their outputs back; raise the first error."""
    first_error = None
    for handle in _v.as_list(handles):
        if not isinstance(handle, ThreadHandle):
            raise HdlRuntimeError(1201, "par_join expects thread handles from par_start",
                                  operator="par_join")
        handle.thread.join()
        if handle.joined:
            continue
        handle.joined = True
        if handle.error is not None:
            first_error = first_error or handle.error
        elif handle.result is not None:
            handle.writer(handle.result)
    if first_error is not None:
        raise first_error


def procedure_catalogue(proc_paths: list[str]) -> list[tuple[str, ProcedureEntry]]:
    """Every procedure in the procedure path and hdl's library, by name (first one wins)."""
    env_paths = [p for p in os.environ.get(PROCEDURE_PATH_ENV, "").split(os.pathsep) if p]
    found: dict[str, ProcedureEntry] = {}
    for directory in list(proc_paths) + env_paths + [PROJECT_PROCEDURES]:
        try:
            entries = sorted(os.listdir(directory))
        except OSError:
            continue
        for entry in entries:
            if not entry.lower().endswith(PROCEDURE_SUFFIXES + LIBRARY_SUFFIXES):
                continue
            try:
                loaded = load_file(os.path.join(directory, entry))
            except (HdlError, OSError):
                continue
            for proc in loaded.source.procedures:
                name = proc.name
                if entry.lower().endswith(".hdvp") and len(loaded.source.procedures) == 1:
                    name = os.path.splitext(entry)[0]
                found.setdefault(name, ProcedureEntry(name, loaded, proc, "external"))
    return sorted(found.items())
