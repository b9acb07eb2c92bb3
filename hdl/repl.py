"""`hdl repl`: interactive HDevelop with the IDE's conveniences in a terminal.

Every complete input (one statement, or a block from `for` to `endfor`) is
compiled like a main procedure whose variables are the session's: the
compiled function receives them preset and returns all of them, so the
session keeps its variables between inputs at no cost.  A line that leaves a
block open (`build_blocks` says it "is never closed") asks for more; a line
that is wrong is reported and dropped, and an open block stays open.

When an input fails part-way, its variables are recovered from the failing
frame of the Python traceback (`frame.f_locals`): every assignment made
before the failing line is kept, exactly as it would be in HDevelop.  The
same holds for Ctrl-C, for `:abort` at a breakpoint, and for `:run FILE`.

`stop ()` calls `Context.stop_hook`: the session opens a nested prompt on
the stopped procedure's variables; statements typed there act on them, and
`:cont` hands every changed variable back to the program, which goes on
(a variable the stopped procedure never uses is not handed back: the
compiled procedure has no place for it).

Line editing: GNU readline (Python's `readline` module), not prompt_toolkit.
Readline gives history, emacs/vi editing and tab completion with no
dependency; `input()` is synchronous, so a nested prompt inside a running
program (a breakpoint) is a plain function call; and a pseudo-terminal test
sees exactly the bytes a user sees (prompt_toolkit redraws the screen and
asks the terminal for the cursor position, which makes such tests brittle).
Its multi-line editing and pop-up completion menus are what we give up.
Where `readline` is missing (Windows), the prompt still works, without
editing, history or completion.

History goes to $HDL_HISTORY, else $XDG_STATE_HOME/hdl/history, else
~/.local/state/hdl/history.
"""

from __future__ import annotations

import difflib
import io
import os
import re
import sys
import traceback
from collections import deque
from dataclasses import dataclass, field

from . import nodes as n
from . import values as _v
from .blocks import build_blocks
from .dump import to_json
from .errors import HdlError, HdlRuntimeError, HdlSyntaxError, HdlSyntaxErrors
from .functions import FUNCTIONS, semantic_type
from .loader import LoadedFile, load_file
from .parser import encode_string, parse_lines
from .procedure_path import procedure_catalogue
from .program import Program, statements_entry
from .registry import REGISTRY
from .source import Line, SourceFile
from .support import ProgramExit, main_variables
from .tracebacks import code_info, to_runtime_error

INPUT_FILE = "<input>"
HISTORY_ENV = "HDL_HISTORY"
HISTORY_LENGTH = 2000
SHORT_WIDTH = 60

COMMANDS = {
    ":help": "this list",
    ":vars": "all variables with type and a short value (HDevelop's variable window)",
    ":show X": "one value in full; X may be any expression (:show D.size, :show T[0:4])",
    ":doc NAME": "signature and documentation of an operator or procedure (also ?NAME, help NAME)",
    ":run [FILE]": "run a program's main into the session (default: the program given at start);"
                   " its procedures become callable",
    ":cont": "at a stop (): go on with the program, with the variables as changed here",
    ":abort": "at a stop (): end the program, keep its variables as they are now",
    ":save [FILE]": "save the current graphics window as PNG and print its path",
    ":clear NAME…": "forget variables (all with :clear *)",
    ":cancel": "drop the block being typed (Ctrl-C does the same)",
    ":quit": "leave (Ctrl-D at the top prompt does the same)",
}
KEYWORDS = ["if", "elseif", "else", "endif", "for", "endfor", "while", "endwhile", "repeat",
            "until", "switch", "case", "default", "endswitch", "try", "catch", "endtry", "throw",
            "break", "continue", "return", "stop", "exit", "global", "import", "par_start",
            "convert_tuple_to_vector_1d", "dict", "true", "false"]
VECTOR_METHODS = ["at(", "length()", "insert(", "remove(", "clear()", "concat("]


class QuitSession(BaseException):
    """`:quit`: unwinds every prompt and running program (no HDevelop catch sees it)."""


class AbortRun(BaseException):
    """`:abort` at a breakpoint: ends the program that stopped.

    `code` is the compiled procedure that stopped, `variables` its variables
    as changed at the prompt (kept when that procedure is the main that runs).
    """

    def __init__(self, code=None, variables: dict | None = None):
        super().__init__("abort")
        self.code = code
        self.variables = variables or {}


@dataclass
class Frame:
    """One prompt level: the top prompt, or a stop () inside a running program."""

    program: Program
    variables: dict
    depth: int = 0
    where: str = ""
    statements: list = field(default_factory=list)  # the open block typed so far
    texts: list = field(default_factory=list)  # their source texts
    pending: str = ""  # a line continued with a backslash
    open_blocks: int = 0

    @property
    def prompt(self) -> str:
        tag = "" if self.depth == 0 else ("[stop]" if self.depth == 1 else f"[stop {self.depth}]")
        return f"hdl{tag}> "

    @property
    def continuation(self) -> str:
        return "..." + " " * (len(self.prompt) - 3)

    @property
    def busy(self) -> bool:
        return bool(self.statements or self.pending)

    def next_line_number(self) -> int:
        return 1 + sum(t.count("\n") + 1 for t in self.texts)

    def cancel(self) -> None:
        self.statements, self.texts, self.pending, self.open_blocks = [], [], "", 0


def empty_program(proc_paths=()) -> Program:
    """A program with no procedures: calls find operators and the procedure path."""
    loaded = LoadedFile(SourceFile(os.path.join(os.getcwd(), INPUT_FILE)), {})
    return Program(loaded, list(proc_paths))


class Session:
    """An interactive session.  `feed(text)` runs lines and returns what they printed.

    The terminal front end is `interact()`; tests and other programs drive
    a session with `feed`, where a `stop ()` reads its nested prompt's lines
    from the same text (running out of lines there means `:cont`).
    """

    def __init__(self, program: str | None = None, proc_paths=(), out=None, err=None):
        self.proc_paths = list(proc_paths)
        self._capture = out is None
        self.out = io.StringIO() if out is None else out
        self.err = self.out if err is None and out is None else (err or sys.stderr)
        self.program_path = program
        self.context = None
        self.frames: list[Frame] = []
        self._queue: deque[str] | None = deque()
        self._readline = None
        self._catalogue = None
        self._saved = 0
        self.finished = False
        start = empty_program(self.proc_paths)
        if program is not None:
            start = Program(load_file(program), self.proc_paths)
        self.context = start.context
        self.context.stop_hook = self._on_stop
        self.frames.append(Frame(start, {}))

    # ---- public API

    @property
    def variables(self) -> dict:
        """The variables of the innermost prompt."""
        return self.frames[-1].variables

    @property
    def program(self) -> Program:
        return self.frames[0].program

    def feed(self, text: str) -> str:
        """Run the lines of `text` as typed at the prompt; return the output they made."""
        if self.finished:
            raise RuntimeError("the session has ended")
        start = self.out.tell() if self._capture else 0
        self._queue.extend(text.split("\n"))
        try:
            self._loop(self.frames[0])
        except QuitSession:
            self.finished = True
            self._queue.clear()
        return self.out.getvalue()[start:] if self._capture else ""

    def interact(self) -> None:
        """The terminal prompt, with readline's editing, history and completion."""
        self._queue = None
        self._setup_readline()
        self.say("hdl interactive HDevelop; :help lists the commands, Ctrl-D leaves")
        try:
            self._loop(self.frames[0])
        except QuitSession:
            pass
        finally:
            self.finished = True
            self._save_history()

    # ---- output

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def complain(self, text: str) -> None:
        if self.err is not self.out:
            self.out.flush()
        self.err.write(text + "\n")
        self.err.flush()

    # ---- the prompt loop

    def _read(self, prompt: str, frame: Frame) -> str:
        if self._queue is not None:
            if not self._queue:
                raise EOFError
            return self._queue.popleft()
        self._indent = frame.open_blocks
        return input(prompt)

    def _loop(self, frame: Frame) -> str:
        """Read and run lines until EOF ('eof') or, at a stop, :cont ('cont') / :abort ('abort')."""
        while True:
            try:
                line = self._read(frame.continuation if frame.busy else frame.prompt, frame)
            except EOFError:
                if self._queue is None:
                    self.say()
                if frame.depth and self._queue is None:
                    self.say("(end of input: the program goes on)")
                return "eof"
            except KeyboardInterrupt:
                self.say("\n(interrupted: the input is dropped)" if frame.busy else "")
                frame.cancel()
                continue
            outcome = self.handle(frame, line)
            if outcome in ("cont", "abort"):
                if frame.depth:
                    return outcome
                self.complain(f"{outcome}: no program is stopped here")

    def handle(self, frame: Frame, line: str) -> str | None:
        """One line typed at `frame`'s prompt."""
        stripped = line.strip()
        if not frame.pending:
            if stripped.startswith(":"):
                return self.command(frame, stripped)
            if stripped.startswith("?"):
                self.help(stripped[1:].strip())
                return None
            match = re.fullmatch(r"help\s+(\w+)", stripped)
            if match:
                self.help(match.group(1))
                return None
            if not frame.busy and re.fullmatch(r"[A-Za-z_]\w*", stripped) \
                    and stripped in frame.variables:
                self.say(full_value(frame.variables[stripped]))
                return None
        text = frame.pending + line
        if line.rstrip().endswith("\\"):
            frame.pending = text + "\n"
            return None
        frame.pending = ""
        if not text.strip() and not frame.busy:
            return None
        number = frame.next_line_number()
        try:
            stmt = parse_lines([Line("code", text, number, 1)], None, None)[0]
        except HdlSyntaxError as exc:
            if not frame.busy and _is_expression(text):
                self.show(frame, text.strip())  # an expression alone: show its value
                return None
            self._syntax_error(exc, frame)
            return None
        if not frame.busy and isinstance(stmt, n.Call) and stmt.name in FUNCTIONS \
                and frame.program.resolve(stmt.name) is None:
            self.show(frame, text.strip())  # sin (0.5): an inline function, not a call
            return None
        if stmt is None:  # a comment
            if frame.busy:
                frame.texts.append(text)
            return None
        statements = frame.statements + [stmt]
        texts = frame.texts + [text]
        source_lines = {}
        for i, t in enumerate(texts):
            source_lines[1 + sum(x.count("\n") + 1 for x in texts[:i])] = t.split("\n")[0]
        try:
            blocks = build_blocks(statements, source_lines)
        except HdlSyntaxError as exc:
            errors = exc.errors if isinstance(exc, HdlSyntaxErrors) else [exc]
            wrong = [e for e in errors if "is never closed" not in e.message]
            if wrong:
                self._syntax_error(HdlSyntaxErrors(wrong) if len(wrong) > 1 else wrong[0], frame)
            else:
                frame.statements, frame.texts = statements, texts
                frame.open_blocks = len(errors)
            return None
        frame.cancel()
        self.execute(frame, blocks, source_lines)
        return None

    def _syntax_error(self, exc: HdlSyntaxError, frame: Frame) -> None:
        self.complain(exc.format())
        if frame.busy:
            self.complain("(that line is dropped; the block is still open: type it again, "
                          "or :cancel)")

    # ---- running

    def execute(self, frame: Frame, statements: list, source_lines: dict | None = None) -> None:
        """Compile `statements` as a main procedure on the frame's variables and run it."""
        entry = statements_entry(statements, INPUT_FILE)
        try:
            function = frame.program.main_function(entry, list(frame.variables))
        except HdlSyntaxError as exc:
            errors = exc.errors if isinstance(exc, HdlSyntaxErrors) else [exc]
            for error in errors:
                if error.source_line is None and source_lines:
                    error.source_line = source_lines.get(error.line)
            self.complain(exc.format())
            return
        variables = self._run(function, frame.variables, typed=True)
        frame.variables.clear()
        frame.variables.update(variables)

    def _run(self, function, preset: dict, typed: bool) -> dict:
        """Call a compiled main; report any error; return the variables it leaves."""
        code = function.__code__
        try:
            return function(self.context, dict(preset))
        except QuitSession:
            raise
        except ProgramExit as exc:
            variables = _recover(exc, code, exc.variables or preset)
            if typed and len(self.frames) == 1:  # exit () at the top prompt ends the session
                self.frames[0].variables.clear()
                self.frames[0].variables.update(variables)
                raise QuitSession() from None
            if typed:
                raise  # exit () at a stop (): ends the program that stopped
            self.say("(the program called exit ())")
            return variables
        except AbortRun as exc:
            self.say("(the program was aborted; its variables are kept)")
            variables = _recover(exc, code, preset)
            if exc.code is code:
                variables.update(exc.variables)
            return variables
        except KeyboardInterrupt as exc:
            error = to_runtime_error(HdlRuntimeError(0, "interrupted (Ctrl-C)").with_traceback(
                exc.__traceback__))
            self.complain(f"{error.location()}: interrupted (Ctrl-C); the variables are kept as "
                          f"they were there")
            return _recover(exc, code, preset)
        except Exception as exc:  # noqa: BLE001 - every error is reported and the session goes on
            if os.environ.get("HDL_DEBUG") and not isinstance(exc, HdlError):
                traceback.print_exception(exc, file=self.err)
            self.complain(to_runtime_error(exc).format())
            return _recover(exc, code, preset)

    def run_program(self, frame: Frame, path: str | None) -> None:
        """`:run [FILE]`: load a program, make it the session's, run its main into the frame."""
        if path is None:
            path = self.program_path
            if path is None:
                self.complain(":run needs a FILE (no program was given at start)")
                return
        try:
            loaded = load_file(path)
        except HdlSyntaxError as exc:
            self.complain(exc.format())
            return
        except OSError as exc:
            self.complain(f"{path}: {exc.strerror or exc}")
            return
        program = Program(loaded, self.proc_paths)
        program.context = self.context  # one context: globals and windows live on
        previous = self.context.program
        self.context.program = program
        try:
            self._run_main(frame, program, path)
        finally:
            if frame.depth:  # a run from a stop (): the stopped program is current again after it
                self.context.program = previous

    def _run_main(self, frame: Frame, program: Program, path: str) -> None:
        if frame.depth == 0:
            frame.program = program
            self.program_path = path
        entry = program.locals.get("main")
        if entry is None:
            self.complain(f"{path} has no main procedure (its procedures are callable now)")
            return
        try:
            function = program.main_function(entry, [])
        except HdlSyntaxError as exc:
            self.complain(exc.format())
            return
        variables = self._run(function, {}, typed=False)
        frame.variables.update(variables)

    def _on_stop(self, variables: dict, line: int = 0):
        """`stop ()`: a nested prompt on the stopped procedure's variables."""
        where, stopped_code = _stopped_where(line)
        outer = self.frames[-1]
        frame = Frame(self._running_program_for(outer), dict(variables), len(self.frames), where)
        self.say(f"stopped at {where}: statements act on its variables; "
                 f":cont goes on, :abort ends the program")
        self.frames.append(frame)
        try:
            outcome = self._loop(frame)
        finally:
            self.frames.pop()
        if outcome == "abort":
            raise AbortRun(stopped_code, frame.variables)
        changed = {name: value for name, value in frame.variables.items()
                   if name not in variables or variables[name] is not value}
        return changed

    def _running_program_for(self, outer: Frame) -> Program:
        return self.context.program if self.context.program is not None else outer.program

    # ---- commands

    def command(self, frame: Frame, text: str) -> str | None:
        name, _, arg = text.partition(" ")
        arg = arg.strip()
        name = name.lower()
        known = [c.split()[0] for c in COMMANDS]
        if name not in known:
            matches = [c for c in known if c.startswith(name)]
            if len(matches) == 1:
                name = matches[0]
            else:
                self.complain(f"unknown command '{name}' (:help lists them)")
                return None
        if name == ":help":
            self.say(help_text())
        elif name == ":vars":
            self.say(variables_table(frame.variables) if frame.variables else "(no variables)")
        elif name == ":show":
            self.show(frame, arg)
        elif name == ":doc":
            self.help(arg)
        elif name == ":run":
            if frame.busy:
                self.complain("finish or :cancel the block first")
            else:
                self.run_program(frame, arg or None)
        elif name in (":cont", ":abort"):
            return name[1:]
        elif name == ":save":
            self.save_window(arg or None)
        elif name == ":clear":
            names = list(frame.variables) if arg == "*" else arg.split()
            for var in names:
                if frame.variables.pop(var, None) is None:
                    self.complain(f"no variable '{var}'")
        elif name == ":cancel":
            frame.cancel()
        elif name == ":quit":
            raise QuitSession()
        return None

    def show(self, frame: Frame, arg: str) -> None:
        if not arg:
            self.complain(":show needs a variable or an expression")
            return
        if arg in frame.variables:
            self.say(full_value(frame.variables[arg]))
            return
        if re.fullmatch(r"[A-Za-z_]\w*", arg):
            self.complain(f"no variable '{arg}'" + _suggest(arg, frame.variables))
            return
        # any expression: evaluate it into a scratch variable of a scratch frame
        scratch = Frame(frame.program, dict(frame.variables), frame.depth)
        try:
            stmt = parse_lines([Line("code", "hdl_show__ := " + arg, 1, 1)], None, None)[0]
        except HdlSyntaxError as exc:
            self.complain(exc.format())
            return
        self.execute(scratch, [stmt], {1: "hdl_show__ := " + arg})
        if "hdl_show__" in scratch.variables:
            self.say(full_value(scratch.variables["hdl_show__"]))

    def help(self, name: str) -> None:
        if not name:
            self.say(help_text())
            return
        op = REGISTRY.get(name)
        if op is not None:
            self.say(op.help_text())
            return
        entry = None
        try:
            entry = self.frames[-1].program.find_procedure(name)
        except (HdlError, OSError):
            entry = None
        if entry is None:
            entry = dict(self.catalogue()).get(name)
        if entry is not None:
            self.say(entry.help_text())
            return
        if name in FUNCTIONS:
            self.say(f"{name} (…): an inline function of HDevelop expressions")
            return
        self.complain(f"unknown operator or procedure '{name}'" + _suggest(name, self.names()))

    def save_window(self, path: str | None) -> None:
        """`:save [FILE]`: the active graphics window (an off-screen canvas, hdl.display) as PNG."""
        display = getattr(self.context, "display", None)
        window = getattr(display, "active", None)
        if window is None or not getattr(window, "valid", True):
            self.complain("no graphics window is open (dev_open_window opens one)")
            return
        if path is None:
            self._saved += 1
            path = f"hdl_window{getattr(window, 'number', 0)}_{self._saved:03d}.png"
        from .atomic import atomic_write_bytes
        try:
            atomic_write_bytes(path, window.png())
        except OSError as exc:
            self.complain(f"{path}: cannot save the window: {exc.strerror or exc}")
            return
        self.say(os.path.abspath(path))

    # ---- names and completion

    def catalogue(self) -> list:
        if self._catalogue is None:
            self._catalogue = procedure_catalogue(self.proc_paths)
        return self._catalogue

    def names(self) -> list[str]:
        """Every operator, procedure and inline function a call could name."""
        names = set(REGISTRY.names())
        for frame in self.frames:
            names.update(frame.program.locals)
        names.update(name for name, _ in self.catalogue())
        names.update(FUNCTIONS)
        return sorted(names)

    def completions(self, text: str, line_start: str = "") -> list[str]:
        """Candidates for the word `text` (readline's word; `line_start` is what precedes it)."""
        frame = self.frames[-1]
        if text.startswith(":") and not line_start.strip():
            return sorted(c.split()[0] + " " for c in COMMANDS if c.startswith(text))
        if text.startswith("?"):
            return ["?" + name for name in self.names() if name.startswith(text[1:])]
        if line_start.lstrip().startswith((":run", ":save")):
            return _complete_path(text)
        if "." in text:
            head, _, partial = text.rpartition(".")
            value = _lookup(frame.variables, head)
            if isinstance(value, _v.Vector):
                keys = VECTOR_METHODS
            else:
                value = _single_dict(value)
                if value is None:
                    return []
                keys = [str(k) for k in value.data if not isinstance(k, str) or _is_name(k)]
            return [f"{head}.{k}" for k in sorted(keys) if k.startswith(partial)]
        words = set(frame.variables) | set(self.names()) | set(KEYWORDS)
        if line_start.lstrip().startswith((":show", ":clear")):
            words = set(frame.variables)
        elif line_start.lstrip().startswith(":doc") or re.fullmatch(r"\s*help\s+", line_start):
            words = set(self.names())
        return sorted(w for w in words if w.startswith(text))

    # ---- readline

    def _setup_readline(self) -> None:
        try:
            import readline
        except ImportError:  # Windows: a plain prompt
            return
        self._readline = readline
        readline.set_completer_delims(" \t\n()[]{},;=+-*/<>!|&$'\"~#")
        if "libedit" in (readline.__doc__ or ""):
            readline.parse_and_bind("bind ^I rl_complete")
        else:
            readline.parse_and_bind("tab: complete")
        readline.set_completer(self._complete)
        readline.set_history_length(HISTORY_LENGTH)
        self._indent = 0
        readline.set_pre_input_hook(self._pre_input)
        try:
            readline.read_history_file(history_path())
        except OSError:
            pass

    def _pre_input(self) -> None:
        if self._indent:
            self._readline.insert_text("    " * self._indent)
            self._readline.redisplay()

    def _complete(self, text: str, state: int):
        if state == 0:
            readline = self._readline
            line = readline.get_line_buffer()
            try:
                self._matches = self.completions(text, line[:readline.get_begidx()])
            except Exception:  # noqa: BLE001 - completion must never break the prompt
                self._matches = []
        return self._matches[state] if state < len(self._matches) else None

    def _save_history(self) -> None:
        if self._readline is None:
            return
        path = history_path()
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            self._readline.write_history_file(path)
        except OSError as exc:
            self.complain(f"cannot save the history to {path}: {exc.strerror or exc}")


# ---- helpers ----------------------------------------------------------------------

def history_path() -> str:
    configured = os.environ.get(HISTORY_ENV)
    if configured:
        return configured
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return os.path.join(base, "hdl", "history")


def help_text() -> str:
    width = max(len(c) for c in COMMANDS) + 2
    lines = ["Type any HDevelop statement; a block (for … endfor, if … endif, try … endtry …)",
             "goes on over several lines until it is complete.  An expression alone shows its value.",
             "Tab completes operators, procedures, variables and dict keys (after D.).", ""]
    lines += [f"  {c.ljust(width)}{text}" for c, text in COMMANDS.items()]
    lines += [f"  {'?NAME'.ljust(width)}the same as :doc NAME"]
    return "\n".join(lines)


def _recover(exc: BaseException, code, fallback: dict) -> dict:
    """The variables of the frame running `code` when `exc` went through it."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        for frame, _ in traceback.walk_tb(exc.__traceback__):
            if frame.f_code is code:
                return main_variables(frame.f_locals)
        exc = exc.__cause__ or exc.__context__
    return dict(fallback)


def _stopped_where(line: int):
    """(file:procedure:line, code) of the compiled HDevelop frame that called stop ()."""
    frame = sys._getframe(1)
    while frame is not None:
        info = code_info(frame.f_code)
        if info is not None:
            file, procedure = info.file, info.procedure
            if os.path.isabs(file) and not os.path.relpath(file).startswith(".."):
                file = os.path.relpath(file)
            return f"{file}:{procedure}:{line}", frame.f_code
        frame = frame.f_back
    return f"line {line}", None


def _is_expression(text: str) -> bool:
    try:
        parse_lines([Line("code", "hdl_show__ := " + text, 1, 1)], None, None)
    except HdlSyntaxError:
        return False
    return True


def _suggest(name: str, candidates) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=3)
    return f" (did you mean {', '.join(close)}?)" if close else ""


def _is_name(text: str) -> bool:
    return re.fullmatch(r"[A-Za-z_]\w*", text) is not None


def _single_dict(value):
    if isinstance(value, _v.DictHandle):
        return value
    if type(value) is list and len(value) == 1 and isinstance(value[0], _v.DictHandle):
        return value[0]
    return None


def _lookup(variables: dict, path: str):
    """The value of `D.a.b` (dict members only) or None."""
    parts = path.split(".")
    if not parts or parts[0] not in variables:
        return None
    value = variables[parts[0]]
    for key in parts[1:]:
        d = _single_dict(value)
        if d is None or key not in d.data:
            return None
        value = d.data[key]
    return value


def _complete_path(text: str) -> list[str]:
    directory, _, partial = text.rpartition("/")
    try:
        entries = os.listdir(os.path.expanduser(directory) or ".")
    except OSError:
        return []
    prefix = directory + "/" if directory or text.startswith("/") else ""
    found = []
    for entry in sorted(entries):
        if entry.startswith(partial) and not entry.startswith("."):
            full = prefix + entry
            found.append(full + "/" if os.path.isdir(os.path.expanduser(full)) else full)
    return found


# ---- values as HDevelop's variable window shows them ----------------------------------

def element_text(x) -> str:
    if type(x) is str:
        return encode_string(x)
    if type(x) is float:
        return repr(x)
    if isinstance(x, _v.DictHandle):
        return f"<dict {len(x.data)} keys>"
    if isinstance(x, _v.Handle):
        return f"<{x.type_name}>"
    return str(x)


def _elements(value, limit: int | None = None) -> tuple[list, int]:
    """(the first `limit` elements, the length) of a control tuple."""
    if type(value) is _v.ARRAY:
        return (value[:limit] if limit else value).tolist(), len(value)
    items = _v.elements(value)
    return (items[:limit] if limit else items), len(items)


def _iconic_items(value) -> list[dict]:
    """to_json's description of each object, with the pixel type of images added."""
    items = to_json(value)["iconic"]
    objects = value.items if isinstance(value, _v.ObjectTuple) else [value]
    for item, obj in zip(items, objects):
        ptype = getattr(obj, "ptype", None)
        if isinstance(ptype, str):
            item["ptype"] = ptype
    return items


def _object_text(item: dict) -> str:
    kind = item.get("type") or "object"
    if item.get("ptype"):
        kind += " " + item["ptype"]
    size = ""
    if item.get("width") is not None and item.get("height") is not None:
        size = f" {item['width']}×{item['height']}"
    channels = item.get("channels")
    if channels is not None:
        size += f", {channels} channel{'s' if channels != 1 else ''}"
    return kind + size


def type_text(value) -> str:
    if type(value) is _v.Vector:
        depth, inner = 1, value.items
        while inner and type(inner[0]) is _v.Vector:
            depth, inner = depth + 1, inner[0].items
        return f"vector({depth}) of {len(value.items)}"
    if isinstance(value, (_v.ObjectTuple, _v.IconicObject)):
        items = to_json(value)["iconic"]
        kinds = sorted({i.get("type") or "object" for i in items})
        if len(items) == 1:
            return kinds[0]
        return f"{kinds[0] if len(kinds) == 1 else 'object'}[{len(items)}]"
    items, count = _elements(value, 2)
    if count == 1:
        return semantic_type(items[0])
    if count == 0:
        return "tuple[0]"
    kinds = {semantic_type(x) for x in _elements(value, 1000)[0]}
    return f"{kinds.pop() if len(kinds) == 1 else 'mixed'}[{count}]"


def short_value(value, width: int = SHORT_WIDTH) -> str:
    """One line, at most about `width` characters."""
    if type(value) is _v.Vector:
        text = "{"
        for i, item in enumerate(value.items):
            part = short_value(item, width)
            if len(text) + len(part) > width and i:
                return text + f"…}} ({len(value.items)} elements)"
            text += (", " if i else "") + part
        return text + "}"
    if isinstance(value, (_v.ObjectTuple, _v.IconicObject)):
        items = _iconic_items(value)
        if not items:
            return "(empty object)"
        text = ", ".join(_object_text(i) for i in items[:3])
        return text + (f", … ({len(items)} objects)" if len(items) > 3 else "")
    single = _single_dict(value)
    if single is not None:
        keys = ", ".join(element_text(k) for k in list(single.data)[:20])
        text = f"dict{{{keys}}}"
        return text if len(text) <= width else text[:width - 1] + "…}" + f" ({len(single.data)} keys)"
    items, count = _elements(value, 200)
    text = "["
    for i, x in enumerate(items):
        part = element_text(x)
        if len(text) + len(part) > width and i:
            return text + f", … ({count} values)"
        text += (", " if i else "") + part
    if count > len(items):
        return text + f", … ({count} values)"
    text += "]"
    return text[1:-1] if count == 1 else text


def full_value(value, indent: str = "") -> str:
    """Everything; dicts, vectors and several objects over several lines, indented under `indent`."""
    inner = indent + "    "
    if type(value) is _v.Vector:
        if not value.items:
            return "{} (empty vector)"
        lines = [f"vector of {len(value.items)} element{'s' if len(value.items) != 1 else ''}"]
        lines += [f"{inner}[{i}] {full_value(x, inner)}" for i, x in enumerate(value.items)]
        return "\n".join(lines)
    if isinstance(value, (_v.ObjectTuple, _v.IconicObject)):
        items = _iconic_items(value)
        if len(items) <= 1:
            return _object_text(items[0]) if items else "(empty object)"
        lines = [f"{len(items)} objects"]
        lines += [f"{inner}{i}: {_object_text(item)}" for i, item in enumerate(items)]
        return "\n".join(lines)
    single = _single_dict(value)
    if single is not None:
        lines = [f"dict ({len(single.data)} key{'s' if len(single.data) != 1 else ''})"]
        lines += [f"{inner}{element_text(key)}: {full_value(item, inner)}"
                  for key, item in single.data.items()]
        return "\n".join(lines)
    items, count = _elements(value)
    if count == 1:
        return element_text(items[0])
    return "[" + ", ".join(element_text(x) for x in items) + "]"


def variables_table(variables: dict) -> str:
    names = sorted(variables, key=str.lower)
    name_width = max(len(x) for x in names)
    types = {name: type_text(variables[name]) for name in names}
    type_width = max(len(t) for t in types.values())
    return "\n".join(f"{name.ljust(name_width)}  {types[name].ljust(type_width)}  "
                     f"{short_value(variables[name])}" for name in names)


def main(program: str | None = None, proc_paths=()) -> int:
    """`hdl repl`: the terminal session."""
    try:
        session = Session(program, proc_paths, out=sys.stdout, err=sys.stderr)
    except HdlSyntaxError as exc:
        sys.stderr.write(exc.format() + "\n")
        return 1
    except OSError as exc:
        sys.stderr.write(f"{exc.filename or program}: {exc.strerror or exc}\n")
        return 1
    session.interact()
    return 0
