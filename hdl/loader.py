"""Files → parsed procedures, with a parse cache keyed by content.

This is the front end's façade: it reads a file in either format, parses
every procedure's code lines, nests them into blocks and reports every
syntax error of the file at once.  Results of unchanged files come from a
cache, as Python reuses bytecode: the key is the file's bytes, its path and
a digest of the front end's own sources, so any change re-parses.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import tempfile
from dataclasses import dataclass
from functools import lru_cache

from . import nodes
from . import source as source_model
from .blocks import build_blocks
from .errors import HdlSyntaxError, HdlSyntaxErrors
from .formats import parse_source
from .parser import parse_lines, paused_gc
from .source import Procedure, SourceFile

CACHE_FORMAT = 1


@dataclass
class LoadedFile:
    """A source file with the executable body of each of its procedures."""

    source: SourceFile
    bodies: dict[str, nodes.ProcedureBody]

    @property
    def path(self) -> str:
        return self.source.path


def parse_procedure(proc: Procedure, file: str | None) -> nodes.ProcedureBody:
    statements = parse_lines(proc.lines, file, proc.name)
    code = [s for s in statements if s is not None]
    source_lines = {}
    for line in proc.lines:
        for offset, text in enumerate(line.text.split("\n")):
            source_lines[line.line + offset] = text
    end = None
    if proc.lines:
        last = proc.lines[-1]
        end = nodes.Position(file, proc.name, last.line + last.text.count("\n") + 1, 1)
    return nodes.ProcedureBody(proc.name, file, build_blocks(code, source_lines, end))


def parse_file_source(source: SourceFile) -> LoadedFile:
    """Parse every procedure; raise all syntax errors of the file together."""
    bodies = {}
    errors: list[HdlSyntaxError] = []
    for proc in source.procedures:
        try:
            bodies[proc.name] = parse_procedure(proc, source.path)
        except HdlSyntaxErrors as exc:
            errors.extend(exc.errors)
        except HdlSyntaxError as exc:
            errors.append(exc)
    if errors:
        raise errors[0] if len(errors) == 1 else HdlSyntaxErrors(errors)
    return LoadedFile(source, bodies)


def load_file(path: str | os.PathLike, use_cache: bool | None = None) -> LoadedFile:
    """Read and parse a program, procedure file or library (format from content)."""
    path = os.fspath(path)
    with open(path, "rb") as handle:
        data = handle.read()
    return load_bytes(data, path, use_cache)


def load_bytes(data: bytes | str, path: str, use_cache: bool | None = None) -> LoadedFile:
    if use_cache is None:
        use_cache = not os.environ.get("HDL_NO_CACHE")
    if isinstance(data, str):
        data = data.encode("utf-8")
    key = None
    if use_cache:
        key = _cache_key(data, path)
        with paused_gc():
            cached = _cache_read(key)
        if cached is not None:
            return cached
    with paused_gc():
        loaded = parse_file_source(parse_source(data, path))
    if key is not None:
        _cache_write(key, loaded)
    return loaded


# ---- the parse cache -------------------------------------------------------

def cache_dir() -> str:
    configured = os.environ.get("HDL_CACHE_DIR")
    if configured:
        return configured
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "hdl", "parse")


@lru_cache(maxsize=1)
def _front_end_digest() -> str:
    """Digest of the code that shapes the AST: a change to any of it invalidates the cache."""
    here = os.path.dirname(__file__)
    digest = hashlib.sha256(str(CACHE_FORMAT).encode())
    for name in ("grammar.lark", "parser.py", "nodes.py", "blocks.py", "source.py", "loader.py",
                 os.path.join("formats", "__init__.py"), os.path.join("formats", "xml.py"),
                 os.path.join("formats", "text.py"), os.path.join("formats", "text.lark")):
        try:
            with open(os.path.join(here, name), "rb") as handle:
                digest.update(handle.read())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()


def _cache_key(data: bytes, path: str) -> str:
    digest = hashlib.sha256(_front_end_digest().encode())
    digest.update(os.path.abspath(path).encode("utf-8", "surrogateescape"))
    digest.update(b"\0")
    digest.update(data)
    return digest.hexdigest()


class _CacheUnpickler(pickle.Unpickler):
    """Loads only hdl's own AST and source classes: a tampered cache file cannot run code."""

    ALLOWED_MODULES = {nodes.__name__: nodes, source_model.__name__: source_model,
                       __name__: None}

    def find_class(self, module, name):
        if module == __name__ and name == "LoadedFile":
            return LoadedFile
        target = self.ALLOWED_MODULES.get(module)
        if target is not None:
            cls = getattr(target, name, None)
            if isinstance(cls, type) and cls.__module__ == module:
                return cls
        raise pickle.UnpicklingError(f"cache entry refers to {module}.{name}")


def _cache_read(key: str) -> LoadedFile | None:
    path = os.path.join(cache_dir(), key[:2], key)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        loaded = _CacheUnpickler(io.BytesIO(data)).load()
    except FileNotFoundError:
        return None
    except Exception:  # a corrupt or foreign entry is ignored and replaced
        return None
    return loaded if isinstance(loaded, LoadedFile) else None


def _cache_write(key: str, loaded: LoadedFile) -> None:
    directory = os.path.join(cache_dir(), key[:2])
    temporary = None
    try:
        os.makedirs(directory, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            pickle.dump(loaded, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, os.path.join(directory, key))
    except OSError:  # a read-only or full cache directory only costs speed
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
