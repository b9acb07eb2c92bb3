"""Files: text/binary file handles, directory listing and manipulation, tuple files.

File errors carry HALCON's file error codes and name the path.  Text files
are UTF-8 by default ('utf8_encoding'); 'locale_encoding' uses the locale's
encoding, 'ignore_encoding' reads and writes bytes one to one (Latin-1).
Line breaks '\\r\\n' and '\\r' read as '\\n'.
"""

from __future__ import annotations

import json
import locale
import os
import re

from hdl import args
from hdl import arithmetic as ar
from hdl import errorcodes as ec
from hdl import values as v
from hdl.atomic import atomic_write_text
from hdl.errors import HdlRuntimeError, file_error
from hdl.registry import operator

MAX_FILES_DEFAULT = 1000000


# ---- file handles -----------------------------------------------------------------------

class FileHandle(v.Handle):
    """An open file (open_file).  Clearing it (close_file, clear_handle) closes the file."""

    __slots__ = ("file", "path", "mode", "binary", "encoding")
    type_name = "file"

    def __init__(self, file, path: str, mode: str, binary: bool, encoding: str | None):
        super().__init__()
        self.file = file
        self.path = path
        self.mode = mode
        self.binary = binary
        self.encoding = encoding

    def clear(self) -> None:
        if self.valid:
            try:
                self.file.close()
            except OSError:
                pass
        super().clear()

    def __del__(self):
        try:
            if self.valid:
                self.file.close()
        except Exception:
            pass


_MODES = {"input": ("r", False), "output": ("w", False), "append": ("a", False),
          "input_binary": ("rb", True), "output_binary": ("wb", True),
          "append_binary": ("ab", True)}
_ENCODINGS = ("utf8_encoding", "locale_encoding", "ignore_encoding")
# open_file ('standard', …) reads stdin / writes stdout; 'error' writes stderr
_STANDARD_STREAMS = {"standard": {"r": 0, "w": 1}, "error": {"r": None, "w": 2}}


@operator("open_file ( : : FileName, FileType : FileHandle)")
def open_file(file_name, file_type):
    """FileType: 'input', 'output', 'append' (text) or their '_binary' forms, for text files
    optionally with 'utf8_encoding', 'locale_encoding' or 'ignore_encoding'."""
    path = args.string(file_name, 1, empty=False)
    types = args.control(file_type, 2)
    if not 1 <= len(types) <= 2:
        raise args.wrong_number(2, "a file type, optionally with an encoding, expected")
    args.strings(types, 2)
    args.choices(types, 2, [*_MODES, *_ENCODINGS])
    modes = [t for t in types if t in _MODES]
    if len(modes) != 1:
        raise args.wrong_value(2, f"bad file type {types!r}: one of " + ", ".join(
            repr(m) for m in _MODES) + " plus an optional encoding expected")
    mode, binary = _MODES[modes[0]]
    encodings = [t for t in types if t in _ENCODINGS]
    if binary and encodings:
        raise args.wrong_value(2, "binary files take no encoding")
    encoding = None
    if not binary:
        enc = encodings[0] if encodings else "utf8_encoding"
        encoding = {"utf8_encoding": "utf-8", "ignore_encoding": "latin-1",
                    "locale_encoding": locale.getpreferredencoding(False)}[enc]
    if path in _STANDARD_STREAMS:  # HALCON's names for the terminal streams
        fd = _STANDARD_STREAMS[path]["r" if "r" in mode else "w"]
        if fd is None:
            raise args.wrong_value(2, f"'{path}' cannot be opened for {modes[0]}")
        # a duplicate descriptor: close_file closes it, never the process's own stream
        stream = (os.fdopen(os.dup(fd), mode) if binary else
                  os.fdopen(os.dup(fd), mode.replace("a", "w"), encoding=encoding, newline="",
                            buffering=1))
        return FileHandle(stream, path, mode, binary, encoding)
    if os.path.isdir(path):
        raise HdlRuntimeError(ec.FILE_OPEN, f"cannot open {path!r}: it is a directory")
    try:
        if binary:
            f = open(path, mode)
        else:
            f = open(path, mode, encoding=encoding, errors="replace" if "r" in mode else "strict",
                     newline=None if "r" in mode else "")
    except OSError as exc:
        raise file_error(exc, path, "open") from None
    return FileHandle(f, path, mode, binary, encoding)


def _file(value, reading: bool, text: bool) -> FileHandle:
    """The FileHandle input (parameter 1), open the way the operator needs it."""
    h = args.handle(value, 1, FileHandle)
    if reading != ("r" in h.mode):
        raise args.wrong_value(1, f"{h.path!r} is not open for "
                               f"{'reading' if reading else 'writing'}")
    if text == h.binary:
        raise args.wrong_value(1, f"{h.path!r} is a {'binary' if h.binary else 'text'} file; "
                               f"this operator needs a {'text' if text else 'binary'} file")
    return h


@operator("close_file ( : : FileHandle : )")
def close_file(file_handle):
    for h in args.handles(file_handle, 1, FileHandle):
        h.clear()


def _write(h: FileHandle, text: str):
    try:
        h.file.write(text)
    except UnicodeEncodeError:
        raise HdlRuntimeError(ec.FILE_WRITE, f"cannot encode the text for {h.path!r} "
                              f"({h.encoding})") from None
    except OSError as exc:
        raise file_error(exc, h.path, "write to", ec.FILE_WRITE) from None


@operator("fwrite_string ( : : FileHandle, String : )")
def fwrite_string(file_handle, string):
    """Writes the elements one after the other (numbers as `+` formats them), no separators."""
    h = _file(file_handle, reading=False, text=True)
    parts = []
    for x in args.control(string, 2):
        if isinstance(x, v.Handle):
            raise args.wrong_type(2, "handles cannot be written")
        parts.append(ar.to_text(x))
    _write(h, "".join(parts))


@operator("fnew_line ( : : FileHandle : )")
def fnew_line(file_handle):
    h = _file(file_handle, reading=False, text=True)
    _write(h, "\n")
    try:
        h.file.flush()
    except OSError:
        pass


def _read(h: FileHandle, read, *size):
    """`read(*size)` of the open file, an OSError as HALCON's read error."""
    try:
        return read(*size)
    except OSError as exc:
        raise file_error(exc, h.path, "read", ec.FILE_READ) from None


@operator("fread_char ( : : FileHandle : Char)")
def fread_char(file_handle):
    """One character; 'eof' at the end of the file."""
    h = _file(file_handle, reading=True, text=True)
    return _read(h, h.file.read, 1) or "eof"


@operator("fread_line ( : : FileHandle : OutLine, IsEOF)")
def fread_line(file_handle):
    """The next line including its '\\n'; IsEOF is 1 (and OutLine '') when nothing was left."""
    h = _file(file_handle, reading=True, text=True)
    line = _read(h, h.file.readline)
    return line, 0 if line else 1


_SEPARATORS = " \t\n"


@operator("fread_string ( : : FileHandle : OutString, IsEOF)")
def fread_string(file_handle):
    """The next word: skips spaces, tabs and line breaks, then reads up to the next one
    (which is consumed); IsEOF is 1 when the file ended before a word."""
    h = _file(file_handle, reading=True, text=True)
    c = _read(h, h.file.read, 1)
    while c and c in _SEPARATORS:
        c = _read(h, h.file.read, 1)
    if not c:
        return "", 1
    chars = []
    while c and c not in _SEPARATORS:
        chars.append(c)
        c = _read(h, h.file.read, 1)
    return "".join(chars), 0


@operator("fwrite_bytes ( : : FileHandle, DataToWrite : NumberOfBytesWritten)")
def fwrite_bytes(file_handle, data):
    """Integers 0…255 as bytes to a binary file."""
    h = _file(file_handle, reading=False, text=False)
    items = args.integers(data, 2, "byte values", low=0, high=255)
    try:
        h.file.write(bytes(items))
    except OSError as exc:
        raise file_error(exc, h.path, "write to", ec.FILE_WRITE) from None
    return len(items)


@operator("fread_bytes ( : : FileHandle, NumberOfBytes : ReadData, IsEOF)")
def fread_bytes(file_handle, number_of_bytes):
    """Up to NumberOfBytes bytes of a binary file as integers; IsEOF 1 when fewer were left."""
    h = _file(file_handle, reading=True, text=False)
    n = args.integer(number_of_bytes, 2, low=0)
    data = _read(h, h.file.read, n)
    return v.canonical(list(data)), 1 if len(data) < n else 0


# ---- files and directories --------------------------------------------------------------

@operator("file_exists ( : : FileName : FileExists)")
def file_exists(file_name):
    """1 when a file or directory of that name exists, else 0."""
    return 1 if os.path.exists(args.string(file_name, 1, empty=False)) else 0


@operator("delete_file ( : : FileName : )")
def delete_file(file_name):
    path = args.string(file_name, 1, empty=False)
    if os.path.isdir(path) and not os.path.islink(path):
        raise HdlRuntimeError(ec.FILE_OPEN,
                              f"cannot delete {path!r}: it is a directory (use remove_dir)")
    try:
        os.remove(path)
    except OSError as exc:
        raise file_error(exc, path, "delete") from None


def _on_directory(dir_name, action: str, call) -> None:
    """`call` on the path DirName; an OSError is HALCON's directory error naming the path."""
    path = args.string(dir_name, 1, empty=False)
    try:
        call(path)
    except OSError as exc:
        raise file_error(exc, path, action, ec.DIRECTORY) from None


@operator("make_dir ( : : DirName : )")
def make_dir(dir_name):
    """Creates one directory (its parent must exist)."""
    _on_directory(dir_name, "create directory", os.mkdir)


@operator("remove_dir ( : : DirName : )")
def remove_dir(dir_name):
    """Removes an empty directory."""
    _on_directory(dir_name, "remove directory", os.rmdir)


@operator("get_current_dir ( : : : DirName)")
def get_current_dir():
    try:
        return os.getcwd()
    except OSError as exc:
        raise HdlRuntimeError(ec.DIRECTORY, "cannot determine the current directory: "
                              f"{exc.strerror or exc}") from None


@operator("set_current_dir ( : : DirName : )")
def set_current_dir(dir_name):
    """Changes the process's working directory (relative paths of every later operator follow)."""
    _on_directory(dir_name, "change to directory", os.chdir)


_LIMIT_OPTION = re.compile(r"^(max_depth|max_files)\s+(\d+)$")


@operator("list_files ( : : Directory, Options : Files)")
def list_files(directory, options):
    """Options: 'files', 'directories', 'symlinks' (what to return; none → []), 'recursive',
    'follow_links', 'max_depth N' (1 = Directory only), 'max_files N' (default 1000000).
    Entries are Directory + '/' + name (just the name for Directory ''), directories end
    in '/'; each directory's entries are sorted by name, sub-directories searched in place."""
    base = args.string(directory, 1)
    want_files = want_dirs = want_links = recursive = follow = False
    max_depth = None
    max_files = MAX_FILES_DEFAULT
    for opt in args.strings(options, 2):
        m = _LIMIT_OPTION.match(opt.strip())
        if opt == "files":
            want_files = True
        elif opt == "directories":
            want_dirs = True
        elif opt == "symlinks":
            want_links = True
        elif opt == "recursive":
            recursive = True
        elif opt == "follow_links":
            follow = True
        elif m:
            if m.group(1) == "max_depth":
                max_depth = int(m.group(2))
                if max_depth < 1:
                    raise args.wrong_value(2, "'max_depth' must be at least 1")
            else:
                max_files = int(m.group(2))
        else:
            raise args.wrong_value(2, f"unknown option {opt!r}; valid: 'files', 'directories', "
                                   "'symlinks', 'recursive', 'follow_links', 'max_depth N', "
                                   "'max_files N'")
    if follow and want_links:
        raise args.wrong_value(2, "'follow_links' cannot be combined with 'symlinks'")
    root = base if base else "."
    if not os.path.isdir(root):
        raise HdlRuntimeError(ec.FILE_NOT_FOUND, f"directory not found: {root!r}")
    if not (want_files or want_dirs or want_links):
        return []
    result: list[str] = []
    visited: set[str] = set()

    def walk(path: str, prefix: str, depth: int):
        if follow:
            real = os.path.realpath(path)
            if real in visited:
                return
            visited.add(real)
        try:
            names = sorted(os.listdir(path))
        except OSError as exc:
            if depth == 1:
                raise file_error(exc, path, "list", ec.FILE_OPEN) from None
            return
        for name in names:
            if len(result) >= max_files:
                return
            full = os.path.join(path, name)
            shown = prefix + name
            is_link = os.path.islink(full)
            if is_link and not follow:
                if want_links:
                    result.append(shown)
                continue
            if os.path.isdir(full):
                if want_dirs:
                    result.append(shown + "/")
                if recursive and (max_depth is None or depth < max_depth):
                    walk(full, shown + "/", depth + 1)
            elif os.path.exists(full) and want_files:
                result.append(shown)

    start_prefix = "" if base == "" else (base if base.endswith(("/", "\\")) else base + "/")
    walk(root, start_prefix, 1)
    return v.canonical(result[:max_files])


# ---- tuple files ------------------------------------------------------------------------------

TUPLE_MAGIC = "HDL_TUPLE_FILE 1"


@operator("write_tuple ( : : Tuple, FileName : )")
def write_tuple(tuple_, file_name):
    """hdl's text tuple format (docs/semantics.md, "Files"): a magic line, the number of
    elements, then one line per element: 'i <int>', 'r <real as repr>' or 's <JSON string>'."""
    path = args.string(file_name, 2, empty=False)
    items = args.control(tuple_, 1)
    lines = [TUPLE_MAGIC, str(len(items))]
    for x in items:
        t = type(x)
        if t is int:
            lines.append(f"i {x}")
        elif t is float:
            lines.append(f"r {x!r}")
        elif t is str:
            lines.append("s " + json.dumps(x, ensure_ascii=False))
        else:
            raise args.wrong_type(1, f"a tuple file cannot hold a {v.describe(x)}")
    try:
        atomic_write_text(path, "\n".join(lines) + "\n")
    except OSError as exc:
        raise file_error(exc, path, "write") from None


@operator("read_tuple ( : : FileName : Tuple)")
def read_tuple(file_name):
    path = args.string(file_name, 1, empty=False)
    try:
        with open(path, "r", encoding="utf-8", newline="") as f:
            text = f.read()
    except UnicodeDecodeError:
        raise HdlRuntimeError(ec.FILE_FORMAT,
                              f"{path!r} is not a tuple file (not UTF-8 text)") from None
    except OSError as exc:
        raise file_error(exc, path, "read") from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()

    def bad(why):
        return HdlRuntimeError(ec.FILE_FORMAT, f"{path!r} is not a valid tuple file: {why}")

    if len(lines) < 2 or lines[0].rstrip("\r") != TUPLE_MAGIC:
        raise bad("missing the header line " + repr(TUPLE_MAGIC))
    try:
        count = int(lines[1])
    except ValueError:
        raise bad("bad element count") from None
    if count != len(lines) - 2:
        raise bad(f"{count} elements announced, {len(lines) - 2} found")
    result = []
    for number, line in enumerate(lines[2:], start=3):
        kind, _, rest = line.rstrip("\r").partition(" ")
        try:
            if kind == "i":
                result.append(v.wrap(int(rest)))
            elif kind == "r":
                result.append(float(rest))
            elif kind == "s":
                s = json.loads(rest)
                if type(s) is not str:
                    raise ValueError
                result.append(s)
            else:
                raise ValueError
        except (ValueError, RecursionError):
            raise bad(f"line {number}") from None
    return v.canonical(result)
