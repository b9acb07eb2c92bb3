"""Where the procedure a call names comes from.

HDevelop's order: a local procedure of the program; a sibling in the
caller's own library file; the directories and libraries named by `import`;
the procedure path (`--proc-path`, $HDL_PROC_PATH, the program's own
directory); hdl's standard library (the package hdl.procedures); and last
the operators of the registry (which the program resolves after this).
An external procedure file is named by its file name, as in HDevelop.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from . import nodes as n
from .compiler import Callee
from .errors import HdlError
from .loader import LoadedFile, load_file
from .source import Procedure

PROCEDURE_PATH_ENV = "HDL_PROC_PATH"
PROCEDURE_SUFFIXES = (".hdvp", ".hds")
LIBRARY_SUFFIXES = (".hdpl", ".hds")


def library_directory() -> str:
    """The directory of hdl's standard procedure library, wherever hdl is installed."""
    from . import procedures
    return os.path.dirname(os.path.abspath(procedures.__file__))


@dataclass
class ProcedureEntry:
    """A procedure the program can call, with where it comes from."""

    name: str
    loaded: LoadedFile
    source: Procedure
    origin: str  # 'local', 'external', 'library'
    function: object = None  # the compiled, linked function once it was called

    @property
    def body(self) -> n.ProcedureBody:
        return self.loaded.bodies[self.name]

    def help_text(self) -> str:
        """The signature, the short description and where the procedure comes from."""
        short = self.source.short_description()
        return (self.source.interface.signature(self.name) + (f"\n\n{short}" if short else "")
                + f"\n\nprocedure ({self.origin}) in {self.loaded.path}")

    def callee(self) -> Callee:
        iface = self.source.interface
        return Callee(self.name, "procedure",
                      (len(iface.iconic_in), len(iface.iconic_out), len(iface.control_in),
                       len(iface.control_out)))


def environment_path() -> list[str]:
    return [p for p in os.environ.get(PROCEDURE_PATH_ENV, "").split(os.pathsep) if p]


def imported_paths(main: LoadedFile, directory: str) -> list[str]:
    """The directories and library files a program's `import` statements name."""
    found = []
    for body in main.bodies.values():
        for stmt in body.body:
            for node in stmt.walk():
                if isinstance(node, n.Import):
                    found.append(node.path if os.path.isabs(node.path)
                                 else os.path.join(directory, node.path))
    return found


class ProcedurePath:
    """Finds procedures for one program (results are kept: each file is read once)."""

    def __init__(self, main: LoadedFile, proc_paths: list[str] | None = None):
        self.main = main
        self.directory = os.path.dirname(os.path.abspath(main.path))
        self.locals = {p.name: ProcedureEntry(p.name, main, p, "local")
                       for p in main.source.procedures}
        self.search_path = (imported_paths(main, self.directory) + list(proc_paths or [])
                            + environment_path() + [self.directory, library_directory()])
        self._external: dict[str, ProcedureEntry | None] = {}
        self._libraries: dict[str, LoadedFile] = {}
        self._siblings: dict[tuple[str, str], ProcedureEntry] = {}

    def find(self, name: str, origin: LoadedFile | None = None) -> ProcedureEntry | None:
        """The procedure a call names; `origin` is the caller's file (its procedures come next)."""
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
                if len(procedures) == 1:  # an external procedure is named by its file
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


def procedure_catalogue(proc_paths: list[str]) -> list[tuple[str, ProcedureEntry]]:
    """Every procedure in the procedure path and hdl's library, by name (first one wins)."""
    found: dict[str, ProcedureEntry] = {}
    for directory in list(proc_paths) + environment_path() + [library_directory()]:
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
