"""Files to and from the source model (hdl.source), in HDevelop XML or hdl's text format.

The format is always taken from the content, never from the file name, so a
listing saved as .hdev or an XML file saved as .txt still reads correctly.
"""

from __future__ import annotations

import os

from hdl.atomic import atomic_write_text
from hdl.formats.text import read_text, write_text
from hdl.formats.xml import read_xml, write_xml
from hdl.source import SourceFile

__all__ = ["detect_format", "parse_source", "read_source", "write_source", "save_source",
           "read_xml", "write_xml", "read_text", "write_text", "FORMATS"]

FORMATS = ("xml", "text")
_WHITESPACE = " \t\r\n"


def detect_format(data: bytes | str) -> str:
    """'xml' when the first character after a BOM and whitespace is '<', else 'text'.

    A text-format file can never start with '<' (no statement does), so this is safe.
    """
    if isinstance(data, bytes):
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        data = data[:4096].decode("utf-8", "replace")
    elif data.startswith("\ufeff"):
        data = data[1:]
    index = 0
    while index < len(data) and data[index] in _WHITESPACE:
        index += 1
    return "xml" if data.startswith("<", index) else "text"


def _check_format(format: str) -> str:
    if format not in FORMATS:
        raise ValueError(f"unknown source format {format!r} (expected one of {FORMATS})")
    return format


def parse_source(data: bytes | str, path: str, format: str | None = None) -> SourceFile:
    """Read file content; `format` None means detect it from the content."""
    format = _check_format(format or detect_format(data))
    return read_xml(data, path) if format == "xml" else read_text(data, path)


def read_source(path: str | os.PathLike) -> SourceFile:
    """Read a file from disk (OSError propagates: a missing file is not a syntax error)."""
    with open(path, "rb") as file:
        data = file.read()
    return parse_source(data, os.fspath(path))


def write_source(source: SourceFile, format: str) -> str:
    return write_xml(source) if _check_format(format) == "xml" else write_text(source)


def save_source(source: SourceFile, path: str | os.PathLike, format: str | None = None) -> None:
    """Write atomically: a crash or a conversion error never leaves a half-written file.

    The whole text is produced before anything touches the disk; then a
    temporary file in the same directory replaces the target with os.replace.
    `format` None means the source's own format.
    """
    atomic_write_text(path, write_source(source, format or source.format))
