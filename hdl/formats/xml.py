"""HDevelop's own XML files (.hdev programs, .hdvp procedures, .hdpl libraries).

Read with expat instead of ElementTree because only expat tells where each
element starts: code lines must carry their file position for error messages
and the debugger.  Input is always decoded as UTF-8 (HDevelop writes nothing
else), whatever the XML declaration says.
"""

from __future__ import annotations

import bisect
import re
from xml.parsers import expat

from hdl.errors import HdlSyntaxError
from hdl.source import (
    CONTROL_IN, CONTROL_OUT, GROUPS, ICONIC_IN, ICONIC_OUT, LIBRARY,
    PROCEDURE_FILE, PROGRAM, DocuElement, Line, Param, Procedure, SourceFile,
)

DEFAULT_FILE_VERSION = "1.2"
DEFAULT_HALCON_VERSION = "25.11.0.0"
# 1.0 files carry a checksum (`cs`) we cannot compute, so we never write 1.0.
WRITABLE_FILE_VERSIONS = ("1.1", "1.2")

LINE_TAGS = {"l": "code", "c": "comment"}
LINE_TAG_OF_KIND = {"code": "l", "comment": "c"}
BASE_TYPE = {ICONIC_IN: "iconic", ICONIC_OUT: "iconic", CONTROL_IN: "ctrl", CONTROL_OUT: "ctrl"}
XML_WHITESPACE = " \t\r\n"  # whitespace-only docu text means no text, in both formats

# Characters XML 1.0 cannot carry at all, not even as character references.
NOT_XML_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


# --------------------------------------------------------------------------
# Shared by both formats


def decode(data: bytes | str, path: str) -> str:
    """Input as text without a BOM; invalid UTF-8 is a syntax error, not a crash."""
    if isinstance(data, str):
        return data[1:] if data.startswith("\ufeff") else data
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line_end = data.find(b"\n", error.start)
        if line_end < 0:
            line_end = len(data)
        column = len(data[line_start:error.start].decode("utf-8", "replace")) + 1
        raise HdlSyntaxError(
            f"invalid UTF-8 byte 0x{data[error.start]:02x} (files must be UTF-8)",
            path, data.count(b"\n", 0, error.start) + 1, column,
            data[line_start:line_end].decode("utf-8", "replace").rstrip("\r")) from None


def default_docu(procedure: Procedure) -> DocuElement:
    """The docu HDevelop writes for an undocumented procedure.

    Both readers build it when a file has none, and the text writer leaves it
    out, so undocumented procedures cost no lines in the text format.
    HDevelop lists the parameters sorted by name, not in interface order.
    """
    names = sorted(param.name for param in procedure.interface.all_params())
    parameters = [DocuElement("parameter", {"id": name}) for name in names]
    return DocuElement("docu", {"id": procedure.name}, None,
                       [DocuElement("parameters", {}, None, parameters)])


def infer_kind(procedure_names: list[str], library_marker: bool) -> str:
    """Kind from content, so that renaming a file never changes its meaning."""
    if library_marker:
        return LIBRARY
    if "main" in procedure_names:
        return PROGRAM
    if len(procedure_names) == 1:
        return PROCEDURE_FILE
    return LIBRARY


# --------------------------------------------------------------------------
# Reading


class _Positions:
    """Maps byte offsets of the UTF-8 input to 1-based lines and character columns."""

    def __init__(self, raw: bytes):
        self.raw = raw
        self.starts = [0]
        position = raw.find(b"\n")
        while position >= 0:
            self.starts.append(position + 1)
            position = raw.find(b"\n", position + 1)

    def locate(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, len(self.raw)))
        index = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[index]
        return index + 1, len(self.raw[start:offset].decode("utf-8", "replace")) + 1

    def source_line(self, line: int) -> str | None:
        if not 1 <= line <= len(self.starts):
            return None
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.raw)
        return self.raw[start:end].decode("utf-8", "replace").rstrip("\r\n")


class _Open:
    """One open element while expat walks the file: what it is and what it collects."""

    __slots__ = ("role", "item", "parts")

    def __init__(self, role: str, item=None):
        self.role = role
        self.item = item
        self.parts: list[str] | None = [] if role in ("line", "docu") else None


class _Reader:
    def __init__(self, text: str, path: str):
        self.path = path
        self.raw = text.encode("utf-8")
        self.positions = _Positions(self.raw)
        self.parser = expat.ParserCreate(encoding="UTF-8")
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.characters
        self.open: list[_Open] = []
        self.attributes: dict[str, str] | None = None
        self.library_marker = False
        self.procedures: list[Procedure] = []
        self.procedure: Procedure | None = None
        self.group: str | None = None
        self.root_offset = 0

    def read(self) -> SourceFile:
        try:
            self.parser.Parse(self.raw, True)
        except expat.ExpatError as error:
            offset = self.parser.ErrorByteIndex
            if offset >= 0:
                line, column = self.positions.locate(offset)
            else:
                line, column = error.lineno, error.offset + 1
            raise HdlSyntaxError(f"malformed XML: {expat.ErrorString(error.code)}", self.path,
                                 line, column, self.positions.source_line(line)) from None
        if not self.procedures and not self.library_marker:
            line, column = self.positions.locate(self.root_offset)
            raise HdlSyntaxError("no <procedure> element in <hdevelop>", self.path, line, column,
                                 self.positions.source_line(line))
        for procedure in self.procedures:
            if procedure.docu is None or not procedure.docu.children:
                procedure.docu = default_docu(procedure)
            else:
                # The root belongs to the procedure, not to its help text: a
                # renamed procedure's stale id must not survive a round trip.
                procedure.docu.attrib = {"id": procedure.name}
                procedure.docu.text = None
        kind = infer_kind([p.name for p in self.procedures], self.library_marker)
        return SourceFile(self.path, kind, "xml", self.attributes or {}, self.procedures)

    # expat callbacks

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        offset = self.parser.CurrentByteIndex
        parent = self.open[-1].role if self.open else None
        role, item = "ignored", None
        if parent is None:
            if tag != "hdevelop":
                self.fail(f"root element is <{tag}>, expected <hdevelop>", offset)
            self.attributes = dict(attrs)
            self.root_offset = offset
            role = "root"
        elif parent == "root":
            if tag == "library":
                self.library_marker = True
            elif tag == "procedure":
                attributes = dict(attrs)
                name = attributes.pop("name", "")
                if not name:
                    self.fail("<procedure> without a name attribute", offset)
                self.procedure = Procedure(name, attributes=attributes,
                                           line=self.positions.locate(offset)[0])
                self.procedures.append(self.procedure)
                role = "procedure"
        elif parent == "procedure":
            if tag in ("interface", "body"):
                role = tag
            elif tag == "docu":
                item = DocuElement(tag, dict(attrs))
                self.procedure.docu = item
                role = "docu"
        elif parent == "interface":
            if tag in GROUPS:
                self.group = tag
                role = "group"
        elif parent == "group":
            if tag == "par":
                self.add_parameter(attrs, offset)
        elif parent == "body":
            if tag in LINE_TAGS:
                line, column = self.positions.locate(self.tag_end(offset))
                item = Line(LINE_TAGS[tag], "", line, column)
                self.procedure.lines.append(item)
                role = "line"
        elif parent == "docu":
            item = DocuElement(tag, dict(attrs))
            self.open[-1].item.children.append(item)
            role = "docu"
        self.open.append(_Open(role, item))

    def end(self, tag: str) -> None:
        element = self.open.pop()
        if element.role == "procedure":
            self.procedure = None
        elif element.role == "line":
            element.item.text = "".join(element.parts)
        elif element.role == "docu":
            text = "".join(element.parts)
            element.item.text = text if text.strip(XML_WHITESPACE) else None

    def characters(self, text: str) -> None:
        if self.open and self.open[-1].parts is not None:
            self.open[-1].parts.append(text)

    # helpers

    def add_parameter(self, attrs: dict[str, str], offset: int) -> None:
        """Old files (HALCON <= 11) omit base_type and dimension; the section says enough."""
        name = attrs.get("name", "")
        if not name:
            self.fail("<par> without a name attribute", offset)
        text = attrs.get("dimension", "0")
        if not (text.isascii() and text.isdigit()):
            self.fail(f"parameter '{name}': dimension must be a non-negative integer, "
                      f"not '{text}'", offset)
        self.procedure.interface.group(self.group).append(Param(name, int(text)))

    def tag_end(self, offset: int) -> int:
        """Offset just after the start tag at `offset` (quotes may hide a '>')."""
        raw, quote = self.raw, None
        for index in range(offset, len(raw)):
            byte = raw[index]
            if quote is not None:
                if byte == quote:
                    quote = None
            elif byte in (0x22, 0x27):
                quote = byte
            elif byte == 0x3E:
                return index + 1
        return len(raw)

    def fail(self, message: str, offset: int):
        line, column = self.positions.locate(offset)
        raise HdlSyntaxError(message, self.path, line, column, self.positions.source_line(line),
                             self.procedure.name if self.procedure else None)


def read_xml(data: bytes | str, path: str) -> SourceFile:
    """Parse an .hdev/.hdvp/.hdpl file into the source model.

    Every procedure gets a docu: a missing or empty <docu> becomes HDevelop's
    default one, and the root's id is always the procedure name.
    """
    return _Reader(decode(data, path), path).read()


# --------------------------------------------------------------------------
# Writing


def _escape_text(text: str) -> str:
    # A raw CR would come back as LF (XML end-of-line handling), so it is a reference.
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _escape_attribute(value: str) -> str:
    # Attribute-value normalisation turns raw tabs and newlines into spaces.
    return (_escape_text(value).replace('"', "&quot;").replace("\n", "&#10;")
            .replace("\t", "&#9;"))


def _attributes(attributes: dict[str, str]) -> str:
    return "".join(f' {key}="{_escape_attribute(value)}"' for key, value in attributes.items())


class _Writer:
    def __init__(self, source: SourceFile):
        self.source = source
        self.out: list[str] = []
        self.procedure: Procedure | None = None
        self.where: Line | None = None

    def write(self) -> str:
        source, out = self.source, self.out
        given = source.attributes
        version = given.get("file_version")
        root = {
            "file_version": version if version in WRITABLE_FILE_VERSIONS else DEFAULT_FILE_VERSION,
            "halcon_version": given.get("halcon_version", DEFAULT_HALCON_VERSION),
        }
        for key, value in given.items():
            if key not in root and key != "cs":
                root[key] = value
        out.append('<?xml version="1.0" encoding="UTF-8"?>')
        out.append(f"<hdevelop{self.attributes(root)}>")
        if source.kind == LIBRARY:
            out.append("<library/>")
        for procedure in source.procedures:
            self.write_procedure(procedure)
        out.append("</hdevelop>")
        return "\n".join(out) + "\n"

    def write_procedure(self, procedure: Procedure) -> None:
        self.procedure, self.where, out = procedure, None, self.out
        attributes = {"name": procedure.name}
        attributes.update((k, v) for k, v in procedure.attributes.items() if k != "name")
        out.append(f"<procedure{self.attributes(attributes)}>")
        groups = [(key, params) for key, params in procedure.interface.groups() if params]
        if not groups:
            out.append("<interface/>")
        else:
            out.append("<interface>")
            for key, params in groups:
                out.append(f"<{key}>")
                for param in params:
                    par = {"name": param.name, "base_type": BASE_TYPE[key],
                           "dimension": str(param.dimension)}
                    out.append(f"<par{self.attributes(par)}/>")
                out.append(f"</{key}>")
            out.append("</interface>")
        out.append("<body>")
        for line in procedure.lines:
            self.where = line
            tag = LINE_TAG_OF_KIND[line.kind]
            out.append(f"<{tag}>{self.text(line.text)}</{tag}>")
        self.where = None
        out.append("</body>")
        self.write_docu(procedure.docu or default_docu(procedure))
        out.append("</procedure>")

    def write_docu(self, element: DocuElement) -> None:
        """One element per line; an element with text and children stays on one line.

        Mixed content is written compactly so that no layout whitespace is
        added to its text, which keeps read(write(x)) stable.  Whitespace-only
        text is written as no text, since that is how it reads back.
        """
        text = element.text if element.text and element.text.strip(XML_WHITESPACE) else None
        if element.children and text is not None:
            self.out.append(self.compact(element))
            return
        start = f"{element.tag}{self.attributes(element.attrib)}"
        if element.children:
            self.out.append(f"<{start}>")
            for child in element.children:
                self.write_docu(child)
            self.out.append(f"</{element.tag}>")
        elif text is None:
            self.out.append(f"<{start}/>")
        else:
            self.out.append(f"<{start}>{self.text(text)}</{element.tag}>")

    def compact(self, element: DocuElement) -> str:
        start = f"{element.tag}{self.attributes(element.attrib)}"
        text = element.text if element.text and element.text.strip(XML_WHITESPACE) else ""
        if not text and not element.children:
            return f"<{start}/>"
        inner = self.text(text) + "".join(self.compact(c) for c in element.children)
        return f"<{start}>{inner}</{element.tag}>"

    def attributes(self, attributes: dict[str, str]) -> str:
        for value in attributes.values():
            self.check(value)
        return _attributes(attributes)

    def text(self, text: str) -> str:
        self.check(text)
        return _escape_text(text)

    def check(self, text: str) -> None:
        """Control characters have no XML form at all, not even as references."""
        bad = NOT_XML_CHARACTER.search(text)
        if bad:
            procedure = self.procedure
            line = self.where.line if self.where else (procedure.line if procedure else 0)
            raise HdlSyntaxError(
                f"character U+{ord(bad.group()):04X} cannot be written to an XML file",
                self.source.path, line, 0, None, procedure.name if procedure else None)


def write_xml(source: SourceFile) -> str:
    """The file HDevelop would write: UTF-8 text with `\\n` newlines."""
    return _Writer(source).write()
