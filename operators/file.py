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

from hdl import arithmetic as ar
from hdl import errorcodes as ec
from hdl import values as v
from hdl.atomic import atomic_write_text
from hdl.errors import HdlRuntimeError
from hdl.registry import operator

# HALCON's file error codes (H_ERR_FNF …); see docs/semantics.md, "Files".
FILE_NOT_FOUND = 5200
FILE_OPEN_ERROR = 5201
FILE_WRITE_ERROR = 5202
FILE_READ_ERROR = 5203
FILE_FORMAT_ERROR = 5279
DIR_ERROR = 5204

MAX_FILES_DEFAULT = 1000000


def _err(code, message, op):
    return HdlRuntimeError(code, message, operator=op)


def _string(x, op, param, what="file name", allow_empty=False) -> str:
    items = v.as_list(x) if not isinstance(x, (v.ObjectTuple, v.Vector)) else [x]
    if len(items) != 1:
        raise _err(ec.wrong_number(param), f"one {what} expected, got {len(items)} values", op)
    s = items[0]
    if type(s) is not str:
        raise _err(ec.wrong_type(param), f"{what} expected, got {v.describe(s)}", op)
    if not s and not allow_empty:
        raise _err(ec.wrong_value(param), f"empty {what}", op)
    return s


def _os_error(exc: OSError, path: str, op: str, action: str):
    code = (FILE_NOT_FOUND if isinstance(exc, FileNotFoundError)
            else FILE_WRITE_ERROR if action == "write" else FILE_OPEN_ERROR)
    reason = exc.strerror or str(exc)
    return _err(code, f"cannot {action} {path!r}: {reason}", op)


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
    op = "open_file"
    path = _string(file_name, op, 1)
    types = v.as_list(file_type)
    if not 1 <= len(types) <= 2:
        raise _err(ec.wrong_number(2), "a file type, optionally with an encoding, expected", op)
    for t in types:
        if type(t) is not str:
            raise _err(ec.wrong_type(2), f"file type expected, got {v.describe(t)}", op)
    modes = [t for t in types if t in _MODES]
    encodings = [t for t in types if t in _ENCODINGS]
    if len(modes) != 1 or len(modes) + len(encodings) != len(types):
        raise _err(ec.wrong_value(2), f"bad file type {types!r}; valid: " + ", ".join(
            repr(m) for m in _MODES) + " plus an optional encoding", op)
    mode, binary = _MODES[modes[0]]
    if binary and encodings:
        raise _err(ec.wrong_value(2), "binary files take no encoding", op)
    encoding = None
    if not binary:
        enc = encodings[0] if encodings else "utf8_encoding"
        encoding = {"utf8_encoding": "utf-8", "ignore_encoding": "latin-1",
                    "locale_encoding": locale.getpreferredencoding(False)}[enc]
    if path in _STANDARD_STREAMS:  # HALCON's names for the terminal streams
        fd = _STANDARD_STREAMS[path]["r" if "r" in mode else "w"]
        if fd is None:
            raise _err(ec.wrong_value(2), f"'{path}' cannot be opened for {modes[0]}", op)
        # a duplicate descriptor: close_file closes it, never the process's own stream
        stream = (os.fdopen(os.dup(fd), mode) if binary else
                  os.fdopen(os.dup(fd), mode.replace("a", "w"), encoding=encoding, newline="",
                            buffering=1))
        return FileHandle(stream, path, mode, binary, encoding)
    if os.path.isdir(path):
        raise _err(FILE_OPEN_ERROR, f"cannot open {path!r}: it is a directory", op)
    try:
        if binary:
            f = open(path, mode)
        else:
            f = open(path, mode, encoding=encoding, errors="replace" if "r" in mode else "strict",
                     newline=None if "r" in mode else "")
    except OSError as exc:
        raise _os_error(exc, path, op, "open") from None
    return FileHandle(f, path, mode, binary, encoding)


def _file(handle, op, param=1, reading=None, text=None) -> FileHandle:
    items = v.as_list(handle) if not isinstance(handle, (v.ObjectTuple, v.Vector)) else [None, None]
    if len(items) != 1:
        raise _err(ec.wrong_number(param), "one file handle expected", op)
    h = items[0]
    if not isinstance(h, FileHandle):
        if isinstance(h, v.Handle):
            raise _err(ec.WRONG_HANDLE_TYPE, f"file handle expected, got a handle of type "
                       f"'{h.type_name}'", op)
        raise _err(ec.wrong_type(param), f"file handle expected, got {v.describe(h)}", op)
    if not h.valid:
        raise _err(ec.HANDLE_CLEARED, "the file handle has been closed", op)
    if reading is True and "r" not in h.mode:
        raise _err(ec.wrong_value(param), f"{h.path!r} is not open for reading", op)
    if reading is False and "r" in h.mode:
        raise _err(ec.wrong_value(param), f"{h.path!r} is not open for writing", op)
    if text is True and h.binary:
        raise _err(ec.wrong_value(param), f"{h.path!r} is a binary file; this operator needs a text file", op)
    if text is False and not h.binary:
        raise _err(ec.wrong_value(param), f"{h.path!r} is a text file; this operator needs a binary file", op)
    return h


@operator("close_file ( : : FileHandle : )")
def close_file(file_handle):
    for h in v.as_list(file_handle):
        _file(h, "close_file").clear()


def _write(h: FileHandle, text: str, op: str):
    try:
        h.file.write(text)
    except UnicodeEncodeError:
        raise _err(FILE_WRITE_ERROR, f"cannot encode the text for {h.path!r} ({h.encoding})", op) from None
    except OSError as exc:
        raise _err(FILE_WRITE_ERROR, f"cannot write to {h.path!r}: {exc.strerror}", op) from None


@operator("fwrite_string ( : : FileHandle, String : )")
def fwrite_string(file_handle, string):
    """Writes the elements one after the other (numbers as `+` formats them), no separators."""
    op = "fwrite_string"
    h = _file(file_handle, op, reading=False, text=True)
    parts = []
    for x in v.as_list(string):
        if isinstance(x, v.Handle):
            raise _err(ec.wrong_type(2), "handles cannot be written", op)
        parts.append(ar.to_text(x))
    _write(h, "".join(parts), op)


@operator("fnew_line ( : : FileHandle : )")
def fnew_line(file_handle):
    op = "fnew_line"
    h = _file(file_handle, op, reading=False, text=True)
    _write(h, "\n", op)
    try:
        h.file.flush()
    except OSError:
        pass


def _read_char(h: FileHandle, op: str) -> str:
    try:
        return h.file.read(1)
    except OSError as exc:
        raise _err(FILE_READ_ERROR, f"cannot read {h.path!r}: {exc.strerror}", op) from None


@operator("fread_char ( : : FileHandle : Char)")
def fread_char(file_handle):
    """One character; 'eof' at the end of the file."""
    op = "fread_char"
    c = _read_char(_file(file_handle, op, reading=True, text=True), op)
    return c if c else "eof"


@operator("fread_line ( : : FileHandle : OutLine, IsEOF)")
def fread_line(file_handle):
    """The next line including its '\\n'; IsEOF is 1 (and OutLine '') when nothing was left."""
    op = "fread_line"
    h = _file(file_handle, op, reading=True, text=True)
    try:
        line = h.file.readline()
    except OSError as exc:
        raise _err(FILE_READ_ERROR, f"cannot read {h.path!r}: {exc.strerror}", op) from None
    return line, 0 if line else 1


_SEPARATORS = " \t\n"


@operator("fread_string ( : : FileHandle : OutString, IsEOF)")
def fread_string(file_handle):
    """The next word: skips spaces, tabs and line breaks, then reads up to the next one
    (which is consumed); IsEOF is 1 when the file ended before a word."""
    op = "fread_string"
    h = _file(file_handle, op, reading=True, text=True)
    c = _read_char(h, op)
    while c and c in _SEPARATORS:
        c = _read_char(h, op)
    if not c:
        return "", 1
    chars = []
    while c and c not in _SEPARATORS:
        chars.append(c)
        c = _read_char(h, op)
    return "".join(chars), 0


@operator("fwrite_bytes ( : : FileHandle, DataToWrite : NumberOfBytesWritten)")
def fwrite_bytes(file_handle, data):
    """Integers 0…255 as bytes to a binary file."""
    op = "fwrite_bytes"
    h = _file(file_handle, op, reading=False, text=False)
    items = v.as_list(data)
    for x in items:
        if type(x) is not int:
            raise _err(ec.wrong_type(2), f"byte values are integers, got {v.describe(x)}", op)
        if not 0 <= x <= 255:
            raise _err(ec.wrong_value(2), f"byte value {x} outside 0…255", op)
    try:
        h.file.write(bytes(items))
    except OSError as exc:
        raise _err(FILE_WRITE_ERROR, f"cannot write to {h.path!r}: {exc.strerror}", op) from None
    return len(items)


@operator("fread_bytes ( : : FileHandle, NumberOfBytes : ReadData, IsEOF)")
def fread_bytes(file_handle, number_of_bytes):
    """Up to NumberOfBytes bytes of a binary file as integers; IsEOF 1 when fewer were left."""
    op = "fread_bytes"
    h = _file(file_handle, op, reading=True, text=False)
    n = v.as_list(number_of_bytes)
    if len(n) != 1 or type(n[0]) is not int:
        raise _err(ec.wrong_type(2), "number of bytes must be one integer", op)
    if n[0] < 0:
        raise _err(ec.wrong_value(2), f"negative number of bytes {n[0]}", op)
    try:
        data = h.file.read(n[0])
    except OSError as exc:
        raise _err(FILE_READ_ERROR, f"cannot read {h.path!r}: {exc.strerror}", op) from None
    return v.canonical(list(data)), 1 if len(data) < n[0] else 0


# ---- files and directories --------------------------------------------------------------

@operator("file_exists ( : : FileName : FileExists)")
def file_exists(file_name):
    """1 when a file or directory of that name exists, else 0."""
    path = _string(file_name, "file_exists", 1)
    return 1 if os.path.exists(path) else 0


@operator("delete_file ( : : FileName : )")
def delete_file(file_name):
    op = "delete_file"
    path = _string(file_name, op, 1)
    if os.path.isdir(path) and not os.path.islink(path):
        raise _err(FILE_OPEN_ERROR, f"cannot delete {path!r}: it is a directory (use remove_dir)", op)
    try:
        os.remove(path)
    except OSError as exc:
        raise _os_error(exc, path, op, "delete") from None


@operator("make_dir ( : : DirName : )")
def make_dir(dir_name):
    """Creates one directory (its parent must exist)."""
    op = "make_dir"
    path = _string(dir_name, op, 1, "directory name")
    try:
        os.mkdir(path)
    except OSError as exc:
        raise _err(DIR_ERROR, f"cannot create directory {path!r}: {exc.strerror}", op) from None


@operator("remove_dir ( : : DirName : )")
def remove_dir(dir_name):
    """Removes an empty directory."""
    op = "remove_dir"
    path = _string(dir_name, op, 1, "directory name")
    try:
        os.rmdir(path)
    except OSError as exc:
        raise _err(DIR_ERROR, f"cannot remove directory {path!r}: {exc.strerror}", op) from None


@operator("get_current_dir ( : : : DirName)")
def get_current_dir():
    try:
        return os.getcwd()
    except OSError as exc:
        raise _err(DIR_ERROR, f"cannot determine the current directory: {exc.strerror}",
                   "get_current_dir") from None


@operator("set_current_dir ( : : DirName : )")
def set_current_dir(dir_name):
    """Changes the process's working directory (relative paths of every later operator follow)."""
    op = "set_current_dir"
    path = _string(dir_name, op, 1, "directory name")
    try:
        os.chdir(path)
    except OSError as exc:
        raise _err(DIR_ERROR, f"cannot change to directory {path!r}: {exc.strerror}", op) from None


_LIMIT_OPTION = re.compile(r"^(max_depth|max_files)\s+(\d+)$")


@operator("list_files ( : : Directory, Options : Files)")
def list_files(directory, options):
    """Options: 'files', 'directories', 'symlinks' (what to return; none → []), 'recursive',
    'follow_links', 'max_depth N' (1 = Directory only), 'max_files N' (default 1000000).
    Entries are Directory + '/' + name (just the name for Directory ''), directories end
    in '/'; each directory's entries are sorted by name, sub-directories searched in place."""
    op = "list_files"
    base = _string(directory, op, 1, "directory name", allow_empty=True)
    want_files = want_dirs = want_links = recursive = follow = False
    max_depth = None
    max_files = MAX_FILES_DEFAULT
    for opt in v.as_list(options):
        if type(opt) is not str:
            raise _err(ec.wrong_type(2), f"option strings expected, got {v.describe(opt)}", op)
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
                    raise _err(ec.wrong_value(2), "'max_depth' must be at least 1", op)
            else:
                max_files = int(m.group(2))
        else:
            raise _err(ec.wrong_value(2), f"unknown option {opt!r}; valid: 'files', 'directories', "
                       "'symlinks', 'recursive', 'follow_links', 'max_depth N', 'max_files N'", op)
    if follow and want_links:
        raise _err(ec.wrong_value(2), "'follow_links' cannot be combined with 'symlinks'", op)
    root = base if base else "."
    if not os.path.isdir(root):
        raise _err(FILE_NOT_FOUND, f"directory not found: {root!r}", op)
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
                raise _err(FILE_OPEN_ERROR, f"cannot list {path!r}: {exc.strerror}", op) from None
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
    op = "write_tuple"
    path = _string(file_name, op, 2)
    lines = [TUPLE_MAGIC]
    items = v.as_list(tuple_)
    lines.append(str(len(items)))
    for x in items:
        t = type(x)
        if t is int:
            lines.append(f"i {x}")
        elif t is float:
            lines.append(f"r {x!r}")
        elif t is str:
            lines.append("s " + json.dumps(x, ensure_ascii=False))
        else:
            raise _err(ec.wrong_type(1), f"a tuple file cannot hold a {v.describe(x)}", op)
    try:
        atomic_write_text(path, "\n".join(lines) + "\n")
    except OSError as exc:
        raise _os_error(exc, path, op, "write") from None


@operator("read_tuple ( : : FileName : Tuple)")
def read_tuple(file_name):
    op = "read_tuple"
    path = _string(file_name, op, 1)
    try:
        with open(path, "r", encoding="utf-8", newline="") as f:
            text = f.read()
    except UnicodeDecodeError:
        raise _err(FILE_FORMAT_ERROR, f"{path!r} is not a tuple file (not UTF-8 text)", op) from None
    except OSError as exc:
        raise _os_error(exc, path, op, "read") from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()

    def bad(why):
        return _err(FILE_FORMAT_ERROR, f"{path!r} is not a valid tuple file: {why}", op)

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
