"""The operator registry: HALCON operators as Python functions with their signatures.

An operator module registers each function with the signature exactly as
HALCON's reference writes it:

    @operator("threshold (Image : Region : MinGray, MaxGray : )")
    def threshold(image, min_gray, max_gray):
        ...
        return region

The function receives the iconic inputs then the control inputs, in order,
and returns its outputs (iconic outputs then control outputs): nothing for
none, the value itself for one, a tuple for several.  Call sites bind their
arguments by this signature.  Other packages add operators through the
entry-point group `hdl.operators` (each entry point names a module to import).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable

from .errors import HdlRuntimeError

ENTRY_POINT_GROUP = "hdl.operators"


class RegistryError(Exception):
    """A defect in an operator definition (not a user error)."""


@dataclass
class Operator:
    name: str
    iconic_in: list[str]
    iconic_out: list[str]
    control_in: list[str]
    control_out: list[str]
    function: Callable | None
    doc: str = ""
    chapter: str = ""
    defaults: dict[str, object] = field(default_factory=dict)  # suggested values per parameter
    # Language operators that need the calling context (the compiler handles these).
    needs_context: bool = False

    @property
    def arity(self) -> tuple[int, int, int, int]:
        return (len(self.iconic_in), len(self.iconic_out), len(self.control_in), len(self.control_out))

    @property
    def n_outputs(self) -> int:
        return len(self.iconic_out) + len(self.control_out)

    def signature(self) -> str:
        return format_signature(self.name, [self.iconic_in, self.iconic_out, self.control_in,
                                            self.control_out])

    def help_text(self) -> str:
        """The signature and, below it, the documentation (`hdl doc`, the REPL's help)."""
        return self.signature() + (f"\n\n{self.doc}" if self.doc else "")

    def __call__(self, *args):
        """Call the operator from Python; its errors are named as in a compiled program."""
        try:
            return self.function(*args)
        except HdlRuntimeError as error:
            raise blame(error, self.name, self.control_in) from None


def blame(error: HdlRuntimeError, name: str,
          control_in: list[str] | None = None) -> HdlRuntimeError:
    """Name the operator `name` that was called on an error raised inside it.

    An error the argument layer raised about one of the operator's own
    control inputs (`param` set, no operator named yet) also gets that
    parameter's name from the signature in front of its message.
    """
    if error.operator is None and error.param is not None:
        if control_in is None:
            op = REGISTRY.operators.get(name)
            control_in = op.control_in if op is not None else []
        if 1 <= error.param <= len(control_in):
            error.message = f"{control_in[error.param - 1]}: {error.message}"
            error.args = (error.message,)
    error.operator = name
    return error


def format_signature(name: str, groups: list[list[str]]) -> str:
    """HALCON's reference notation: threshold(Image : Region : MinGray, MaxGray : )."""
    text = " : ".join(", ".join(group) for group in groups)
    while "  " in text:
        text = text.replace("  ", " ")
    return f"{name}({text})"


def parse_signature(text: str) -> tuple[str, list[list[str]]]:
    """'name (A : B : C, D : E)' → ('name', [['A'], ['B'], ['C', 'D'], ['E']])."""
    name, _, rest = text.partition("(")
    name = name.strip()
    rest = rest.strip()
    if not name.isidentifier() or not rest.endswith(")"):
        raise RegistryError(f"bad operator signature {text!r}")
    groups = rest[:-1].split(":")
    if len(groups) == 1 and not groups[0].strip():
        groups = ["", "", "", ""]
    if len(groups) != 4:
        raise RegistryError(f"operator signature {text!r} needs four groups separated by ':'")
    parsed = []
    for group in groups:
        names = [p.strip() for p in group.split(",") if p.strip()]
        for p in names:
            if not p.isidentifier():
                raise RegistryError(f"bad parameter name {p!r} in {text!r}")
        parsed.append(names)
    return name, parsed


class Registry:
    def __init__(self):
        self.operators: dict[str, Operator] = {}
        self.state_resets: list[Callable[[], None]] = []
        self._loaded = False

    def register(self, op: Operator, replace: bool = False) -> Operator:
        if op.name in self.operators and not replace:
            raise RegistryError(f"operator '{op.name}' is registered twice")
        self.operators[op.name] = op
        return op

    def get(self, name: str) -> Operator | None:
        self.load()
        return self.operators.get(name)

    def names(self) -> list[str]:
        self.load()
        return sorted(self.operators)

    def load(self) -> None:
        """Import hdl's operator modules and those of installed packages, once."""
        if self._loaded:
            return
        self._loaded = True
        import hdl.operators as package
        for info in pkgutil.iter_modules(package.__path__):
            if not info.name.startswith("_"):
                importlib.import_module(f"{package.__name__}.{info.name}")
        from importlib.metadata import entry_points
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            entry.load()

    def reset_state(self) -> None:
        """Put every operator module's process-wide state back to how a new process starts."""
        self.load()
        for reset in self.state_resets:
            reset()


REGISTRY = Registry()


def process_state(reset: Callable[[], None], registry: Registry = REGISTRY):
    """Register the function that resets a module's process-wide state (set_system, seeds …)."""
    registry.state_resets.append(reset)
    return reset


def operator(signature: str, doc: str | None = None, chapter: str = "",
             defaults: dict | None = None, needs_context: bool = False, registry: Registry = REGISTRY):
    """Register the decorated function as the HALCON operator with this signature."""
    name, (iconic_in, iconic_out, control_in, control_out) = parse_signature(signature)

    def decorate(function):
        text = doc if doc is not None else (function.__doc__ or "").strip()
        registry.register(Operator(name, iconic_in, iconic_out, control_in, control_out, function,
                                   text, chapter or function.__module__.rsplit(".", 1)[-1],
                                   dict(defaults or {}), needs_context))
        return function

    return decorate
