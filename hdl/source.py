"""The file-level model shared by every file format.

A source file is a list of procedures; a procedure is an interface, its
docu and its program lines kept as exact text.  Formats convert to and from
this model only; the line parser turns the text of code lines into the AST.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ICONIC_IN, ICONIC_OUT, CONTROL_IN, CONTROL_OUT = "io", "oo", "ic", "oc"
GROUPS = (ICONIC_IN, ICONIC_OUT, CONTROL_IN, CONTROL_OUT)
ICONIC_GROUPS = (ICONIC_IN, ICONIC_OUT)


@dataclass
class Param:
    name: str
    dimension: int = 0  # 0: a plain object/tuple; n > 0: a vector of that dimension


@dataclass
class Interface:
    iconic_in: list[Param] = field(default_factory=list)
    iconic_out: list[Param] = field(default_factory=list)
    control_in: list[Param] = field(default_factory=list)
    control_out: list[Param] = field(default_factory=list)

    def group(self, key: str) -> list[Param]:
        return {
            ICONIC_IN: self.iconic_in,
            ICONIC_OUT: self.iconic_out,
            CONTROL_IN: self.control_in,
            CONTROL_OUT: self.control_out,
        }[key]

    def groups(self):
        """(group key, params) in call order: io, oo, ic, oc."""
        return [(key, self.group(key)) for key in GROUPS]

    def all_params(self) -> list[Param]:
        return self.iconic_in + self.iconic_out + self.control_in + self.control_out

    def signature(self, name: str) -> str:
        """HALCON reference notation: name (IconicIn : IconicOut : CtrlIn : CtrlOut)."""
        from .registry import format_signature
        return format_signature(name, [[(f"vector({p.dimension}) " if p.dimension else "") + p.name
                                        for p in params] for _, params in self.groups()])


@dataclass
class Line:
    """One program line of a procedure body, exactly as written.

    `kind` is "code" (an <l> element) or "comment" (a <c> element).  Code text
    may hold backslash-newline continuations; it is never re-indented.
    `line`/`column` give where the text starts in the file (1-based).
    """

    kind: str
    text: str
    line: int = 0
    column: int = 1


@dataclass
class DocuElement:
    """A generic element of a procedure's <docu> tree (kept for help texts)."""

    tag: str
    attrib: dict[str, str] = field(default_factory=dict)
    text: str | None = None
    children: list[DocuElement] = field(default_factory=list)

    def find(self, tag: str, **attrib) -> DocuElement | None:
        for child in self.children:
            if child.tag == tag and all(child.attrib.get(k) == v for k, v in attrib.items()):
                return child
        return None


@dataclass
class Procedure:
    name: str
    interface: Interface = field(default_factory=Interface)
    lines: list[Line] = field(default_factory=list)
    docu: DocuElement | None = None
    attributes: dict[str, str] = field(default_factory=dict)  # extra <procedure> attributes, e.g. access
    line: int = 0  # where the procedure starts in its file

    def short_description(self, lang: str | None = None) -> str | None:
        if self.docu is None:
            return None
        for child in self.docu.children:
            if child.tag == "short" and (lang is None or child.attrib.get("lang", "").startswith(lang)):
                return child.text
        return None


PROGRAM, PROCEDURE_FILE, LIBRARY = "program", "procedure", "library"


@dataclass
class SourceFile:
    """A program (.hdev), an external procedure (.hdvp) or a library (.hdpl).

    `format` is "xml" or "text"; `attributes` are the root element's
    attributes (file_version, halcon_version, ...).
    """

    path: str
    kind: str = PROGRAM
    format: str = "xml"
    attributes: dict[str, str] = field(default_factory=dict)
    procedures: list[Procedure] = field(default_factory=list)

    def procedure(self, name: str) -> Procedure | None:
        for proc in self.procedures:
            if proc.name == name:
                return proc
        return None

    @property
    def main(self) -> Procedure | None:
        return self.procedure("main") if self.kind == PROGRAM else None
