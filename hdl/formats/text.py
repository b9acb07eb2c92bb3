"""hdl's text format: HDevelop listings with procedure headers (see docs/text-format.md).

Made for diffs and editors, and lossless both ways with the XML format.
Structural lines (procedure headers, `#` directives) are parsed with the Lark
grammar in text.lark; code and comment lines are kept as exact text.
"""

from __future__ import annotations

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedEOF, UnexpectedInput, UnexpectedToken

from hdl.errors import HdlSyntaxError
from hdl.formats.xml import XML_WHITESPACE, decode, default_docu, infer_kind
from hdl.source import LIBRARY, DocuElement, Interface, Line, Param, Procedure, SourceFile


_ESCAPES = {"\\": "\\", "'": "'", "n": "\n", "r": "\r", "t": "\t"}
_QUOTE_TABLE = str.maketrans({"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_IDENT_START = set(_ASCII_LETTERS + "_")
_IDENT_CHARS = _IDENT_START | set("0123456789")
_XMLNAME_CHARS = _IDENT_CHARS | set(".-")
_WHAT = {"header": "procedure header", "hdevelop_line": "#hdevelop line",
         "library_line": "#library line", "attribute_line": "#attribute line",
         "docu_line": "#docu line"}
_HINTS = {"header": "; expected: procedure NAME (IconicIn : IconicOut : CtrlIn : CtrlOut)",
          "docu_line": "; expected: #docu TAG name='value'... [: 'text']",
          "attribute_line": "; expected: #attribute name='value'",
          "hdevelop_line": "; expected: #hdevelop name='value'..."}


class _LineError(Exception):
    """Raised inside the transformer; carries the column of the offending token."""

    def __init__(self, message: str, column: int):
        super().__init__(message)
        self.message, self.column = message, column


def _unquote(token: Token) -> str:
    """HDevelop string syntax: single quotes, escapes \\\\ \\' \\n \\r \\t."""
    body, out, index = token[1:-1], [], 0
    while index < len(body):
        char = body[index]
        if char == "\\":
            escaped = body[index + 1]
            if escaped not in _ESCAPES:
                raise _LineError(f"unknown escape '\\{escaped}' in string "
                                 "(use \\\\ \\' \\n \\r \\t)", token.column + 1 + index)
            out.append(_ESCAPES[escaped])
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


def _quote(value: str) -> str:
    return "'" + value.translate(_QUOTE_TABLE) + "'"


class _Build(Transformer):
    """Parse trees of single lines to plain values."""

    def name(self, items):
        return str(items[0])

    def plain_param(self, items):
        return Param(items[0])

    def vector_param(self, items):
        _, size, name = items
        if int(size) < 1:
            raise _LineError("a vector needs a dimension of at least 1", size.column)
        return Param(name, int(size))

    def group(self, items):
        return list(items)

    def interface(self, items):
        return Interface(*items)

    def header(self, items):
        _, name, interface = items
        return name, interface or Interface()

    def attribute(self, items):
        return str(items[0]), _unquote(items[1]), items[0].column

    def hdevelop_line(self, items):
        return items

    def library_line(self, items):
        return None

    def attribute_line(self, items):
        return items

    def docu_line(self, items):
        prefix, tag, *attributes, text = items
        spaces = len(prefix) - len("#docu")
        if (spaces - 1) % 2:
            raise _LineError("#docu lines indent by two spaces per level", tag.column)
        text = None if text is None else _unquote(text)
        if text is not None and not text.strip(XML_WHITESPACE):
            text = None  # as in XML, where it could not be told from no text
        return (spaces - 1) // 2, str(tag), attributes, text


# The transformer runs inside the LALR parser: no trees are built, which
# matters for libraries with thousands of #docu lines.
_GRAMMAR = Lark.open(
    "text.lark", rel_to=__file__, parser="lalr", maybe_placeholders=True, transformer=_Build(),
    start=["header", "hdevelop_line", "library_line", "attribute_line", "docu_line"])


def _first_word(text: str) -> str:
    """The leading identifier (with its '#' for directives): classifies a line cheaply."""
    text = text.lstrip()
    start = 1 if text.startswith("#") else 0
    end = start
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return text[:end]


def _is_identifier(name: str) -> bool:
    return bool(name) and name[0] in _IDENT_START and all(c in _IDENT_CHARS for c in name)


def _is_xml_name(name: str) -> bool:
    return bool(name) and name[0] in _IDENT_START and all(c in _XMLNAME_CHARS for c in name)


# --------------------------------------------------------------------------
# Reading


class _Reader:
    def __init__(self, lines: list[str], path: str):
        self.lines = lines
        self.path = path
        self.attributes: dict[str, str] = {}
        self.library_marker = False
        self.procedure: Procedure | None = None

    def fail(self, message: str, index: int, column: int = 1):
        source_line = self.lines[index] if 0 <= index < len(self.lines) else None
        raise HdlSyntaxError(message, self.path, index + 1, column, source_line,
                             self.procedure.name if self.procedure else None)

    def parse(self, start: str, index: int):
        """One structural line through the grammar; errors point at the bad token."""
        text = self.lines[index]
        try:
            return _GRAMMAR.parse(text, start=start)
        except _LineError as error:
            self.fail(error.message, index, error.column)
        except UnexpectedInput as error:
            column = getattr(error, "column", -1)
            found = ""
            if isinstance(error, UnexpectedToken):
                if error.token.type == "$END":
                    found, column = "end of line", len(text.rstrip()) + 1
                else:
                    found = f"'{error.token}'"
            elif isinstance(error, UnexpectedEOF):
                found, column = "end of line", len(text.rstrip()) + 1
            elif 0 <= error.pos_in_stream < len(text):
                found = f"'{text[error.pos_in_stream]}'"
            if not isinstance(column, int) or column < 1:
                column = len(text.rstrip()) + 1
            message = f"invalid {_WHAT[start]}"
            if found:
                message += f": unexpected {found}"
            self.fail(message + _HINTS.get(start, ""), index, column)

    def read(self) -> list[Procedure]:
        lines, index, body_start = self.lines, 0, 0
        while index < len(lines):
            if not lines[index].strip():
                index += 1
                continue
            word = _first_word(lines[index])
            if word == "#hdevelop":
                if body_start:
                    self.fail("#hdevelop must come first, and only once", index)
                self.attributes = self.attribute_dict(self.parse("hdevelop_line", index), index)
            elif word == "#library":
                if self.library_marker:
                    self.fail("a second #library line", index)
                self.parse("library_line", index)
                self.library_marker = True
            else:
                break
            index += 1
            body_start = index
        if any(_first_word(line) == "procedure" for line in lines[index:]):
            return self.read_procedures(index)
        return self.read_listing(body_start)

    def read_listing(self, index: int) -> list[Procedure]:
        """No procedure header anywhere: a plain HDevelop listing, the body of main."""
        if self.library_marker:
            for number in range(index, len(self.lines)):
                if self.lines[number].strip():
                    self.fail("expected 'procedure': a #library file holds procedures only",
                              number)
            return []
        self.procedure = Procedure("main", line=index + 1)
        self.read_body(index, listing=True)
        return [self.procedure]

    def read_procedures(self, index: int) -> list[Procedure]:
        procedures = []
        while index < len(self.lines):
            text = self.lines[index]
            stripped = text.strip()
            if not stripped:
                index += 1
                continue
            word = _first_word(text)
            if word == "procedure":
                name, interface = self.parse("header", index)
                self.procedure = Procedure(name, interface, line=index + 1)
                procedures.append(self.procedure)
                index = self.read_body(index + 1, listing=False)
                self.procedure = None
            elif word in ("#hdevelop", "#library"):
                self.fail(f"{word} must come before the first procedure", index)
            elif stripped == "endprocedure":
                self.fail("endprocedure without a procedure", index)
            else:
                self.fail("expected 'procedure': only blank lines may stand between procedures",
                          index)
        return procedures

    def read_body(self, index: int, listing: bool) -> int:
        """Lines up to endprocedure (or the end of a listing); returns the next index."""
        lines, procedure = self.lines, self.procedure
        docu = DocuElement("docu", {"id": procedure.name})
        open_elements: list[DocuElement] = []  # the last element at each depth
        while index < len(lines):
            text = lines[index]
            stripped = text.strip()
            if stripped == "endprocedure":
                if listing:
                    self.fail("endprocedure without a procedure", index)
                break
            if not stripped or stripped[0] == "*":
                procedure.lines.append(Line("comment", text, index + 1, 1))
                index += 1
                continue
            if stripped[0] != "#":
                if _first_word(text) == "procedure":
                    self.fail(f"missing endprocedure for procedure '{procedure.name}' "
                              f"(opened on line {procedure.line})", index)
                index = self.read_code(text, index, 1)
                continue
            word = _first_word(text)
            indent = len(text) - len(text.lstrip())
            if word in ("#l", "#c"):
                rest = text[indent + 2:]
                if rest and rest[0] != " ":
                    self.fail(f"expected a space after {word}", index, indent + 3)
                if word == "#l":
                    index = self.read_code(rest[1:], index, indent + 4)
                else:
                    procedure.lines.append(Line("comment", rest[1:], index + 1, indent + 4))
                    index += 1
                continue
            if word == "#docu":
                depth, tag, attributes, element_text = self.parse("docu_line", index)
                if depth > len(open_elements):
                    self.fail("#docu line indented deeper than one level below its parent",
                              index, indent + 1)
                element = DocuElement(tag, self.attribute_dict(attributes, index), element_text)
                del open_elements[depth:]
                (open_elements[-1] if open_elements else docu).children.append(element)
                open_elements.append(element)
            elif word == "#attribute":
                for name, value, column in self.parse("attribute_line", index):
                    if name == "name":
                        self.fail("'name' is not an #attribute: it is the procedure name",
                                  index, column)
                    if name in procedure.attributes:
                        self.fail(f"attribute '{name}' given twice", index, column)
                    procedure.attributes[name] = value
            elif word in ("#hdevelop", "#library"):
                self.fail(f"{word} must come before the first procedure", index, indent + 1)
            else:
                self.fail(f"unknown directive '{stripped.split()[0]}' (known: #l, #c, #docu, "
                          "#attribute)", index, indent + 1)
            index += 1
        else:
            if not listing:
                self.fail(f"missing endprocedure for procedure '{procedure.name}' "
                          f"(opened on line {procedure.line}): reached the end of the file",
                          procedure.line - 1)
        procedure.docu = docu if docu.children else default_docu(procedure)
        return index + 1

    def read_code(self, first: str, index: int, column: int) -> int:
        """A code line and the physical lines its trailing backslashes continue onto."""
        parts = [first]
        start = index
        while parts[-1].endswith("\\") and index + 1 < len(self.lines):
            index += 1
            parts.append(self.lines[index])
        self.procedure.lines.append(Line("code", "\n".join(parts), start + 1, column))
        return index + 1

    def attribute_dict(self, attributes, index: int) -> dict[str, str]:
        result: dict[str, str] = {}
        for name, value, column in attributes:
            if name in result:
                self.fail(f"attribute '{name}' given twice", index, column)
            result[name] = value
        return result


def read_text(data: bytes | str, path: str) -> SourceFile:
    """Parse the text format (or a plain HDevelop listing) into the source model."""
    text = decode(data, path)
    lines = text.split("\n")  # not splitlines(): form feeds etc. are not line breaks
    if lines[-1] == "":
        lines.pop()
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    reader = _Reader(lines, path)
    procedures = reader.read()
    kind = infer_kind([p.name for p in procedures], reader.library_marker)
    return SourceFile(path, kind, "text", reader.attributes, procedures)


# --------------------------------------------------------------------------
# Writing


class _Writer:
    def __init__(self, source: SourceFile):
        self.source = source
        self.procedure: Procedure | None = None

    def fail(self, message: str, line: Line | None = None):
        where = line.line if line else (self.procedure.line if self.procedure else 0)
        raise HdlSyntaxError(f"cannot be written in the text format: {message}",
                             self.source.path, where, 0, None,
                             self.procedure.name if self.procedure else None)

    def write(self) -> str:
        source, out = self.source, []
        if source.attributes:
            out.append("#hdevelop" + self.attributes(source.attributes))
        if source.kind == LIBRARY:
            out.append("#library")
        for number, procedure in enumerate(source.procedures):
            if number:
                out.append("")
            self.procedure = procedure
            out.extend(self.procedure_lines(procedure))
        self.procedure = None
        return "\n".join(out) + "\n" if out else ""

    def procedure_lines(self, procedure: Procedure) -> list[str]:
        out = [self.header(procedure)]
        for name, value in procedure.attributes.items():
            if name == "name":
                continue
            out.append("#attribute" + self.attributes({name: value}))
        docu = procedure.docu
        if docu is not None and docu.children != default_docu(procedure).children:
            for child in docu.children:
                self.docu_lines(child, 0, out)
        for line in procedure.lines:
            out.append(self.code(line) if line.kind == "code" else self.comment(line))
        out.append("endprocedure")
        return out

    def header(self, procedure: Procedure) -> str:
        if not _is_identifier(procedure.name):
            self.fail(f"procedure name '{procedure.name}' is not an identifier")
        words: list[str] = []
        groups = procedure.interface.groups()
        if any(params for _, params in groups):
            for number, (_, params) in enumerate(groups):
                if number:
                    words.append(":")
                if params:
                    words.append(", ".join(self.parameter(p) for p in params))
        return f"procedure {procedure.name} ({' '.join(words)})"

    def parameter(self, param: Param) -> str:
        if not _is_identifier(param.name):
            self.fail(f"parameter name '{param.name}' is not an identifier")
        return f"vector({param.dimension}) {param.name}" if param.dimension else param.name

    def attributes(self, attributes: dict[str, str]) -> str:
        for name in attributes:
            if not _is_xml_name(name):
                self.fail(f"attribute name '{name}'")
        return "".join(f" {name}={_quote(value)}" for name, value in attributes.items())

    def docu_lines(self, element: DocuElement, depth: int, out: list[str]) -> None:
        if not _is_xml_name(element.tag):
            self.fail(f"docu element name '{element.tag}'")
        line = "#docu " + "  " * depth + element.tag + self.attributes(element.attrib)
        if element.text is not None and element.text.strip(XML_WHITESPACE):
            line += ": " + _quote(element.text)
        out.append(line)
        for child in element.children:
            self.docu_lines(child, depth + 1, out)

    def code(self, line: Line) -> str:
        """Exact text, or `#l TEXT` where the reader would take it for something else."""
        text = line.text
        physical = text.split("\n")
        for part in physical[:-1]:
            if not part.endswith("\\"):
                self.fail("a code line breaks without a backslash continuation", line)
        if physical[-1].endswith("\\"):
            self.fail("a code line ends with a backslash (it would continue onto the next line)",
                      line)
        if any(part.endswith("\r") for part in physical):
            self.fail("a code line has a carriage return at a line end", line)
        first = physical[0]
        stripped = first.strip()
        if (not stripped or stripped[0] in "*#"
                or _first_word(first) in ("procedure", "endprocedure")):
            return "#l " + text if text else "#l"
        return text

    def comment(self, line: Line) -> str:
        text = line.text
        if "\n" in text or text.endswith("\r"):
            self.fail("a comment holds a line break", line)
        stripped = text.strip()
        if not stripped or stripped[0] == "*":
            return text
        return "#c " + text


def write_text(source: SourceFile) -> str:
    """The text-format file for `source`; read_text gives back the same model."""
    return _Writer(source).write()
