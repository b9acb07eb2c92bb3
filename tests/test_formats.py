"""File formats: HDevelop XML and hdl's text format, and the conversions between them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hdl.errors import HdlSyntaxError
from hdl.formats import (
    detect_format, parse_source, read_source, read_text, read_xml, save_source, write_source,
    write_text, write_xml,
)
from hdl.source import (
    LIBRARY, PROCEDURE_FILE, PROGRAM, DocuElement, Interface, Line, Param, Procedure, SourceFile,
)

DATA = Path(__file__).parent / "data" / "formats"
XML_FIXTURES = ["program_v12.hdev", "program_v10.hdev", "program_v11.hdev",
                "measure_edges.hdvp", "vision_tools.hdpl"]
TEXT_FIXTURES = ["threshold_center.txt", "listing.txt"]


def model(source: SourceFile):
    """What both formats must agree on: everything but positions, cs and file_version."""
    attributes = {k: v for k, v in source.attributes.items() if k not in ("cs", "file_version")}
    return (source.kind, attributes, [
        (p.name, p.interface, p.attributes, [(line.kind, line.text) for line in p.lines], p.docu)
        for p in source.procedures])


def load(name: str) -> SourceFile:
    return read_source(DATA / name)


def lines_of(procedure: Procedure):
    return [(line.kind, line.text) for line in procedure.lines]


def syntax_error(function, *args) -> HdlSyntaxError:
    with pytest.raises(HdlSyntaxError) as info:
        function(*args)
    return info.value


def xml_program(body: str, interface: str = "<interface/>", name: str = "main",
                extra: str = "") -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<hdevelop file_version="1.2" halcon_version="23.05.0.0">\n'
            f'<procedure name="{name}">\n{interface}\n<body>\n{body}\n</body>\n'
            f'</procedure>\n{extra}</hdevelop>\n')


# --------------------------------------------------------------------------
# Round trips on every fixture


@pytest.mark.parametrize("name", XML_FIXTURES)
def test_xml_to_text_to_xml_keeps_the_model(name):
    original = load(name)
    text = write_text(original)
    from_text = read_text(text, "converted.txt")
    back = read_xml(write_xml(from_text), "back.hdev")
    assert model(from_text) == model(original)
    assert model(back) == model(original)


@pytest.mark.parametrize("name", XML_FIXTURES)
def test_xml_to_xml_is_stable(name):
    original = load(name)
    written = write_xml(original)
    again = read_xml(written, "again.hdev")
    assert model(again) == model(original)
    assert write_xml(again) == written


@pytest.mark.parametrize("name", XML_FIXTURES + TEXT_FIXTURES)
def test_written_text_reads_back_byte_identical(name):
    first = write_text(load(name))
    assert write_text(read_text(first, "t.txt")) == first
    assert first.endswith("endprocedure\n")


@pytest.mark.parametrize("name", TEXT_FIXTURES)
def test_text_to_xml_to_text_keeps_the_model(name):
    original = load(name)
    back = read_text(write_text(read_xml(write_xml(original), "x.hdev")), "t.txt")
    kind, attributes, procedures = model(back)
    # The XML writer fills in the version a listing does not state.
    assert attributes == {"halcon_version": "25.11.0.0", **model(original)[1]}
    assert (kind, procedures) == (model(original)[0], model(original)[2])


def test_canonical_text_fixture_is_written_unchanged():
    path = DATA / "threshold_center.txt"
    assert write_text(read_source(path)) == path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------
# XML reading


def test_program_structure_and_positions():
    source = load("program_v12.hdev")
    assert source.kind == PROGRAM and source.format == "xml"
    assert source.path.endswith("program_v12.hdev")
    assert source.attributes == {"file_version": "1.2", "halcon_version": "23.05.0.0"}
    assert [p.name for p in source.procedures] == ["main", "segment_pads", "collect_stats"]
    assert [p.line for p in source.procedures] == [3, 28, 81]
    main = source.main
    first = main.lines[1]
    assert (first.kind, first.text, first.line, first.column) == (
        "code", "read_image (Board, 'pcb/board_01')", 7, 4)
    assert main.lines[0] == Line("comment", "* Inspect solder pads on a PCB image", 6, 4)


def test_assistant_attributes_are_ignored():
    main = load("program_v12.hdev").main
    tag = '<l as_id="image_acquisition" as_name="Image Acquisition 01" as_grp="[1,2]" as_ord="1">'
    line = main.lines[4]
    assert (line.kind, line.text, line.line, line.column) == ("code", "MinGray := 128", 10,
                                                              len(tag) + 1)
    assert "as_id" not in write_xml(load("program_v12.hdev"))


def test_entities_are_decoded_and_escaped_again():
    source = load("program_v12.hdev")
    texts = [line.text for line in source.main.lines]
    assert "if (MinGray < 100 or MinGray >= 200 and Width # 0)" in texts
    assert "* Strings keep quotes & ampersands: 'a' & \"b\"" in texts
    assert "Text := 'Rows & Cols: ' + |Row| + ' <- found'" in texts
    written = write_xml(source)
    assert "<l>if (MinGray &lt; 100 or MinGray &gt;= 200 and Width # 0)</l>" in written
    assert "<c>* Strings keep quotes &amp; ampersands: 'a' &amp; \"b\"</c>" in written
    text = write_text(source)
    assert "\nif (MinGray < 100 or MinGray >= 200 and Width # 0)\n" in text


def test_blank_comment_lines_keep_their_text():
    source = load("program_v12.hdev")
    main = source.main
    assert (main.lines[3].kind, main.lines[3].text) == ("comment", "")
    assert (main.lines[9].kind, main.lines[9].text) == ("comment", " ")
    written = write_xml(source)
    assert "\n<c></c>\n" in written and "\n<c> </c>\n" in written
    assert "\n\nMinGray := 128\n" in write_text(source)


def test_disabled_code_line_stays_code():
    source = load("program_v12.hdev")
    assert ("code", "* dev_display (Board)") in lines_of(source.main)
    text = write_text(source)
    assert "\n#l * dev_display (Board)\n" in text
    again = read_xml(write_xml(read_text(text, "t.txt")), "x.hdev")
    assert ("code", "* dev_display (Board)") in lines_of(again.main)
    assert "<l>* dev_display (Board)</l>" in write_xml(again)


def test_continuation_lines_are_one_line_in_both_formats():
    source = load("program_v12.hdev")
    expected = ("segment_pads (Board, Pads, MinGray, [0.5,1.5], Area, \\\n"
                "               Row, Column)")
    line = source.main.lines[10]
    assert (line.kind, line.text, line.line) == ("code", expected, 16)
    text = write_text(source)
    assert "\n" + expected + "\n" in text
    from_text = read_text(text, "t.txt")
    assert from_text.main.lines[10].text == expected
    assert from_text.main.lines[10].line == text.split("\n").index(expected.split("\n")[0]) + 1
    assert from_text.main.lines[11].text.startswith("* Strings keep")


def test_disabled_continued_code_line():
    procedure = load("measure_edges.hdvp").procedures[0]
    disabled = procedure.lines[4]
    assert disabled.kind == "code" and disabled.text.startswith("* measure_pairs")
    assert "\\\n" in disabled.text
    back = read_text(write_text(load("measure_edges.hdvp")), "t.txt").procedures[0]
    assert back.lines[4].kind == "code" and back.lines[4].text == disabled.text


def test_file_version_1_0_drops_the_checksum():
    source = load("program_v10.hdev")
    assert source.attributes == {"file_version": "1.0", "halcon_version": "10.0",
                                 "cs": "-1384523913"}
    written = write_xml(source)
    assert '<hdevelop file_version="1.2" halcon_version="10.0">' in written
    assert "cs=" not in written


def test_file_version_1_1_and_1_2_are_kept():
    assert '<hdevelop file_version="1.1" halcon_version="12.0.2">' in write_xml(
        load("program_v11.hdev"))
    assert '<hdevelop file_version="1.2" halcon_version="23.05.0.0">' in write_xml(
        load("program_v12.hdev"))


def test_missing_attributes_get_defaults():
    source = SourceFile("new.hdev", PROGRAM, procedures=[Procedure("main")])
    written = write_xml(source)
    assert written.startswith('<?xml version="1.0" encoding="UTF-8"?>\n'
                              '<hdevelop file_version="1.2" halcon_version="25.11.0.0">\n'
                              '<procedure name="main">\n<interface/>\n<body>\n</body>\n'
                              '<docu id="main">\n<parameters/>\n</docu>\n')
    assert write_text(source) == "procedure main ()\nendprocedure\n"


def test_old_interface_form_is_inferred_from_the_section():
    source = load("program_v10.hdev")
    procedure = source.procedure("count_bright")
    assert procedure.interface == Interface([Param("Image")], [], [Param("MinGray")],
                                            [Param("Number")])
    written = write_xml(source)
    assert '<io>\n<par name="Image" base_type="iconic" dimension="0"/>\n</io>' in written
    assert '<ic>\n<par name="MinGray" base_type="ctrl" dimension="0"/>\n</ic>' in written
    assert "<oo>" not in written


def test_missing_docu_becomes_the_default_docu():
    procedure = load("program_v10.hdev").procedure("count_bright")
    assert procedure.docu == DocuElement("docu", {"id": "count_bright"}, None, [
        DocuElement("parameters", {}, None, [DocuElement("parameter", {"id": name})
                                             for name in ("Image", "MinGray", "Number")])])
    assert "#docu" not in write_text(load("program_v10.hdev"))


def test_vector_parameters():
    source = load("program_v12.hdev")
    procedure = source.procedure("collect_stats")
    assert procedure.interface.control_in == [Param("Regions", 1)]
    assert procedure.interface.control_out == [Param("Stats", 2)]
    text = write_text(source)
    assert "\nprocedure collect_stats (: : vector(1) Regions : vector(2) Stats)\n" in text
    assert '<par name="Stats" base_type="ctrl" dimension="2"/>' in write_xml(source)
    assert "procedure segment_pads (Image : Pads : MinGray, Scales : Area, Row, Column)" in text


def test_procedure_attributes_are_kept():
    source = load("program_v12.hdev")
    assert source.procedure("collect_stats").attributes == {"access": "local"}
    assert source.procedure("segment_pads").attributes == {}
    assert '<procedure name="collect_stats" access="local">' in write_xml(source)
    text = write_text(source)
    assert "Stats)\n#attribute access='local'\nfor I" in text
    assert read_text(text, "t").procedure("collect_stats").attributes == {"access": "local"}


def test_library_with_several_procedures():
    source = load("vision_tools.hdpl")
    assert source.kind == LIBRARY
    assert [p.name for p in source.procedures] == ["scale_gray", "largest_region",
                                                   "vector_sizes"]
    assert source.procedure("vector_sizes").interface.iconic_out == [Param("Objects", 1)]
    written = write_xml(source)
    assert '<hdevelop file_version="1.2" halcon_version="13.0.1.1">\n<library/>\n' in written
    text = write_text(source)
    assert text.startswith("#hdevelop file_version='1.2' halcon_version='13.0.1.1'\n#library\n"
                           "procedure scale_gray (Image : Scaled : Factor :)\n")
    assert "endprocedure\n\nprocedure largest_region" in text


def test_library_marker_keeps_a_single_procedure_a_library():
    source = read_xml(xml_program("<l>return ()</l>", name="only").replace(
        '">\n<procedure', '">\n<library/>\n<procedure'), "one.hdpl")
    assert source.kind == LIBRARY
    assert read_text(write_text(source), "t").kind == LIBRARY


def test_kind_comes_from_content():
    assert load("measure_edges.hdvp").kind == PROCEDURE_FILE
    two = xml_program("", name="a", extra='<procedure name="b"><interface/><body/></procedure>\n')
    assert read_xml(two, "two.hdev").kind == LIBRARY
    assert read_xml(xml_program("<l>x := 1</l>"), "prog.hdpl").kind == PROGRAM


def test_docu_tree_is_kept():
    source = load("measure_edges.hdvp")
    docu = source.procedures[0].docu
    assert docu.tag == "docu" and docu.attrib == {"id": "measure_edges"}
    assert docu.find("abstract").text == ("Uses a measure rectangle\nperpendicular to the line.\n"
                                          "Tabs\tand 'quotes' are kept.")
    assert source.procedures[0].short_description("de") == "Kantenabstände messen"
    chapters = docu.find("chapters", lang="en_US")
    assert chapters.text is None and [c.text for c in chapters.children] == ["Measuring", "1D"]
    sigma = docu.find("parameters").find("parameter", id="Sigma")
    assert [(c.tag, c.text) for c in sigma.children] == [
        ("default_value", "1.0"), ("value_min", "0.4"), ("value_max", "100")]
    text = write_text(source)
    assert ("#docu abstract lang='en_US': 'Uses a measure rectangle\\nperpendicular to the "
            "line.\\nTabs\\tand \\'quotes\\' are kept.'\n") in text
    assert "#docu   parameter id='Sigma'\n#docu     default_value: '1.0'\n" in text


def test_docu_cdata_and_quotes():
    source = load("program_v12.hdev")
    image = source.procedure("segment_pads").docu.find("parameters").find("parameter", id="Image")
    assert image.find("description").text == 'Board image, "gray" & uncalibrated'
    assert image.find("type_list").children[1] == DocuElement("item", {}, "uint2")


def test_docu_with_mixed_content_stays_stable():
    procedure = Procedure("p", docu=DocuElement("docu", {"id": "p"}, None, [
        DocuElement("example", {"lang": "en_US"}, "call it", [DocuElement("item", {}, "x")]),
        DocuElement("parameters")]))
    source = SourceFile("p.hdvp", PROCEDURE_FILE, procedures=[procedure])
    once = read_xml(write_xml(source), "p.hdvp")
    assert once.procedures[0].docu == procedure.docu
    assert write_xml(once) == write_xml(source)


def test_unknown_elements_are_ignored():
    data = xml_program("<l>a := 1</l>\n<breakpoint line=\"3\"/>\n<c>* b</c>",
                       extra="<settings><l>not code</l></settings>\n")
    source = read_xml(data, "u.hdev")
    assert lines_of(source.main) == [("code", "a := 1"), ("comment", "* b")]
    assert len(source.procedures) == 1


def test_xml_accepts_bom_crlf_and_other_declared_encoding():
    data = xml_program("<l>x := 'ä' + \\\n     'b'</l>").replace("\n", "\r\n").replace(
        'encoding="UTF-8"', 'encoding="ISO-8859-1"')
    source = read_xml(b"\xef\xbb\xbf" + data.encode("utf-8"), "crlf.hdev")
    assert source.main.lines[0].text == "x := 'ä' + \\\n     'b'"
    assert source.main.lines[0].line == 6


def test_xml_writer_escapes_what_xml_would_alter():
    procedure = Procedure("p", attributes={"note": 'a "b" <c>\td\ne'},
                          lines=[Line("code", "x := 'a\rb'"), Line("comment", "* 1 < 2 & 3 > 2")])
    source = SourceFile("p.hdvp", PROCEDURE_FILE, procedures=[procedure])
    written = write_xml(source)
    assert 'note="a &quot;b&quot; &lt;c&gt;&#9;d&#10;e"' in written
    assert "<l>x := 'a&#13;b'</l>" in written
    back = read_xml(written, "p").procedures[0]
    assert lines_of(back) == lines_of(procedure)
    assert back.attributes == procedure.attributes


# --------------------------------------------------------------------------
# Text reading and writing


def test_listing_without_procedure_headers_is_main():
    source = load("listing.txt")
    assert source.kind == PROGRAM and source.format == "text"
    assert [p.name for p in source.procedures] == ["main"]
    assert lines_of(source.main) == [
        ("comment", "* A plain listing, as HDevelop prints it"),
        ("code", "read_image (Image, 'clip')"),
        ("comment", ""),
        ("code", "threshold (Image, Region, 0, 63)"),
        ("code", "connection (Region, Parts)"),
        ("comment", "    * indented comment"),
        ("code", "select_shape (Parts, Large, 'area', 'and', 500, \\\n              99999)"),
    ]
    assert [line.line for line in source.main.lines] == [1, 2, 3, 4, 5, 6, 7]


def test_text_fixture_reads_headers_directives_and_escapes():
    source = load("threshold_center.txt")
    assert source.kind == PROGRAM
    assert source.attributes == {"file_version": "1.2", "halcon_version": "23.05.0.0"}
    main, proc = source.procedures
    assert (main.line, proc.line) == (2, 14)
    assert lines_of(main)[4:8] == [("code", "endif"), ("code", "* disabled_call (Img)"),
                                   ("comment", "// a comment that does not start with a star"),
                                   ("code", "threshold_center (Img, Region, [1, 2], 128, Area)")]
    assert (main.lines[5].line, main.lines[5].column) == (8, 4)
    assert (main.lines[6].line, main.lines[6].column) == (9, 4)
    assert main.lines[-1] == Line("comment", "", 11, 1)
    assert proc.interface == Interface([Param("Image")], [Param("Region")],
                                       [Param("Params", 1), Param("MinGray")], [Param("Area")])
    assert proc.attributes == {"access": "local"}
    assert proc.short_description("en") == "Segment and measure"
    image = proc.docu.find("parameters").find("parameter", id="Image")
    assert image.find("default_type").text == "byte"
    assert image.find("description").text == ("Input image, 8 bit\nwith a 'quoted' word \\ "
                                              "and a tab\there")
    assert proc.lines[1].text == "area_center (Region, Area, \\\n             _, _)"
    assert proc.lines[2] == Line("code", "return ()", 25, 1)


def test_text_escapes_lines_that_would_read_as_something_else():
    lines = [Line("code", ""), Line("code", "   "), Line("code", "* off"),
             Line("code", "  # odd"), Line("code", "procedure (x)"),
             Line("code", "endprocedure"), Line("code", "endprocedure_x := 1"),
             Line("comment", "plain words"), Line("comment", "#l not a directive"),
             Line("comment", "endprocedure"), Line("comment", "  * indented"),
             Line("comment", "\t"), Line("code", "* off \\\n  continued")]
    source = SourceFile("e.hdev", PROGRAM, procedures=[Procedure("main", lines=lines)])
    text = write_text(source)
    assert text == ("procedure main ()\n#l\n#l    \n#l * off\n#l   # odd\n#l procedure (x)\n"
                    "#l endprocedure\nendprocedure_x := 1\n#c plain words\n"
                    "#c #l not a directive\n#c endprocedure\n  * indented\n\t\n"
                    "#l * off \\\n  continued\nendprocedure\n")
    assert lines_of(read_text(text, "e.txt").main) == lines_of(source.main)


def test_unwritable_texts_name_the_procedure():
    def attempt(line):
        source = SourceFile("w.hdev", PROGRAM,
                            procedures=[Procedure("main"), Procedure("helper", lines=[line])])
        return syntax_error(write_text, source)

    error = attempt(Line("comment", "* two\n* lines", 7))
    assert error.procedure == "helper" and error.line == 7 and "line break" in error.message
    assert "without a backslash" in attempt(Line("code", "a := 1\nb := 2")).message
    assert "ends with a backslash" in attempt(Line("code", "a := [1, \\")).message
    error = syntax_error(write_text, SourceFile("w", procedures=[Procedure("bad name")]))
    assert "not an identifier" in error.message


def test_xml_writer_rejects_characters_xml_cannot_hold():
    source = SourceFile("c.hdev", PROGRAM,
                        procedures=[Procedure("main", lines=[Line("code", "a := '\x01'", 3)])])
    error = syntax_error(write_xml, source)
    assert error.procedure == "main" and error.line == 3 and "U+0001" in error.message


def test_default_docu_is_omitted_and_rebuilt():
    interface = Interface([Param("Image")], [], [Param("Threshold")], [])
    procedure = Procedure("p", interface, [Line("code", "return ()")])
    text = write_text(SourceFile("p.hdvp", PROCEDURE_FILE, procedures=[procedure]))
    assert text == "procedure p (Image : : Threshold :)\nreturn ()\nendprocedure\n"
    read = read_text(text, "p.txt").procedures[0]
    assert [c.attrib["id"] for c in read.docu.find("parameters").children] == [
        "Image", "Threshold"]
    assert '<parameter id="Image"/>\n<parameter id="Threshold"/>' in write_xml(
        SourceFile("p.hdvp", PROCEDURE_FILE, procedures=[procedure]))


def test_docu_lines_build_a_tree():
    text = ("procedure p ()\n#docu short lang='en_US': 'Short'\n#docu parameters\n"
            "#docu example\n#docu   item: ''\n#docu   item a='1' b='x y'\nendprocedure\n")
    docu = read_text(text, "p.txt").procedures[0].docu
    assert docu == DocuElement("docu", {"id": "p"}, None, [
        DocuElement("short", {"lang": "en_US"}, "Short"), DocuElement("parameters"),
        DocuElement("example", {}, None, [DocuElement("item", {}, None),
                                          DocuElement("item", {"a": "1", "b": "x y"})])])


def test_keywords_are_valid_names():
    text = "procedure procedure (vector : : vector(3) procedure :)\nendprocedure\n"
    source = read_text(text, "k.txt")
    assert source.procedures[0].name == "procedure"
    assert source.procedures[0].interface == Interface([Param("vector")], [],
                                                       [Param("procedure", 3)], [])
    assert write_text(source) == text


def test_text_accepts_bom_and_crlf():
    data = "\ufeff#hdevelop halcon_version='20.11'\r\nprocedure main ()\r\n* x\r\nendprocedure\r\n"
    source = parse_source(data.encode("utf-8"), "crlf.txt")
    assert source.attributes == {"halcon_version": "20.11"}
    assert lines_of(source.main) == [("comment", "* x")]


def test_empty_library_and_empty_listing():
    assert read_text("#library\n", "l.txt").kind == LIBRARY
    assert read_text("#library\n", "l.txt").procedures == []
    empty = read_text("", "e.txt")
    assert empty.kind == PROGRAM and lines_of(empty.main) == []


# --------------------------------------------------------------------------
# Format detection and the file API


def test_detect_format():
    assert detect_format("<?xml version='1.0'?><hdevelop/>") == "xml"
    assert detect_format(b"\xef\xbb\xbf  \r\n\t<hdevelop>") == "xml"
    assert detect_format("\ufeff\n<x") == "xml"
    assert detect_format("read_image (I, 'a')\n") == "text"
    assert detect_format(b"* <not xml>") == "text"
    assert detect_format(b"") == "text"


def test_format_comes_from_content_not_the_extension(tmp_path):
    misnamed = tmp_path / "listing.hdev"
    misnamed.write_text("x := 1\n", encoding="utf-8")
    assert read_source(misnamed).format == "text"
    xml_as_txt = tmp_path / "program.txt"
    xml_as_txt.write_bytes((DATA / "program_v11.hdev").read_bytes())
    assert read_source(xml_as_txt).format == "xml"
    assert parse_source(xml_program("<l>x := 1</l>"), "p", format="xml").format == "xml"


def test_write_source_dispatches_on_format():
    source = load("program_v11.hdev")
    assert write_source(source, "xml") == write_xml(source)
    assert write_source(source, "text") == write_text(source)
    with pytest.raises(ValueError):
        write_source(source, "json")


def test_save_is_atomic_and_leaves_no_temporary_files(tmp_path):
    source = load("program_v12.hdev")
    target = tmp_path / "prog.hdev"
    save_source(source, target, "xml")
    assert os.listdir(tmp_path) == ["prog.hdev"]
    assert target.read_bytes() == write_xml(source).encode("utf-8")
    os.chmod(target, 0o640)
    save_source(source, target, "text")
    assert os.listdir(tmp_path) == ["prog.hdev"]
    assert os.stat(target).st_mode & 0o777 == 0o640
    assert model(read_source(target)) == model(source)


def test_failed_save_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "prog.txt"
    target.write_text("old\n", encoding="utf-8")
    broken = SourceFile("b", PROGRAM, procedures=[Procedure("main", lines=[
        Line("comment", "a\nb")])])
    syntax_error(save_source, broken, target, "text")
    assert target.read_text(encoding="utf-8") == "old\n" and os.listdir(tmp_path) == ["prog.txt"]

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        save_source(load("program_v11.hdev"), target, "xml")
    assert target.read_text(encoding="utf-8") == "old\n" and os.listdir(tmp_path) == ["prog.txt"]


# --------------------------------------------------------------------------
# Errors carry file, line, column and the source line


def test_malformed_xml():
    data = xml_program("<l>a := 1</l>\n<l>b := 2</c>")
    error = syntax_error(read_xml, data, "bad.hdev")
    assert error.message == "malformed XML: mismatched tag"
    assert (error.file, error.line, error.column) == ("bad.hdev", 7, 12)
    assert error.source_line == "<l>b := 2</c>"
    cut = xml_program("<l>a := 1</l>").replace("</hdevelop>\n", "")
    error = syntax_error(read_xml, cut, "cut.hdev")
    assert "no element found" in error.message and error.line == 9


def test_wrong_root_element():
    error = syntax_error(read_xml, '<?xml version="1.0"?>\n<html>\n</html>\n', "page.hdev")
    assert (error.line, error.column, error.source_line) == (2, 1, "<html>")
    assert "<hdevelop>" in error.message


def test_hdevelop_without_procedures():
    error = syntax_error(read_xml, '<?xml version="1.0"?>\n<hdevelop file_version="1.2">\n'
                         '</hdevelop>\n', "empty.hdev")
    assert (error.line, error.column) == (2, 1) and "no <procedure>" in error.message


def test_docu_root_follows_the_procedure_name():
    stale = xml_program("", name="renamed").replace(
        "</body>\n", '</body>\n<docu id="old_name"><short lang="en_US">S</short></docu>\n')
    docu = read_xml(stale, "renamed.hdvp").procedures[0].docu
    assert docu.attrib == {"id": "renamed"} and docu.children[0].text == "S"
    empty = xml_program("", name="p").replace("</body>\n", '</body>\n<docu id="p"/>\n')
    assert read_xml(empty, "p.hdvp").procedures[0].docu == DocuElement(
        "docu", {"id": "p"}, None, [DocuElement("parameters")])


def test_bad_parameter_dimension():
    data = xml_program("", '<interface>\n<ic>\n<par name="X" base_type="ctrl" dimension="two"/>'
                       "\n</ic>\n</interface>", name="p")
    error = syntax_error(read_xml, data, "p.hdvp")
    assert (error.line, error.procedure) == (6, "p") and "dimension" in error.message


def test_invalid_utf8_in_both_formats():
    error = syntax_error(read_xml, xml_program("<l>a := 'caf\xe9'</l>").encode("latin-1"), "x")
    assert (error.line, error.column) == (6, 13) and "UTF-8" in error.message
    error = syntax_error(read_text, b"procedure main ()\n\xff\nendprocedure\n", "t")
    assert (error.line, error.column) == (2, 1)


def test_bad_procedure_header():
    text = "procedure main ()\nendprocedure\n\nprocedure p (A : B)\nendprocedure\n"
    error = syntax_error(read_text, text, "h.txt")
    assert (error.file, error.line, error.column) == ("h.txt", 4, 19)
    assert error.source_line == "procedure p (A : B)"
    assert "procedure header" in error.message and "')'" in error.message
    error = syntax_error(read_text, "procedure p (vector(0) X : : :)\nendprocedure\n", "h")
    assert (error.line, error.column) == (1, 21)


def test_missing_endprocedure():
    text = "procedure a ()\nx := 1\n\nprocedure b ()\ny := 2\nendprocedure\n"
    error = syntax_error(read_text, text, "m.txt")
    assert error.message == "missing endprocedure for procedure 'a' (opened on line 1)"
    assert (error.line, error.source_line, error.procedure) == (4, "procedure b ()", "a")
    error = syntax_error(read_text, "\nprocedure last ()\nx := 1\n", "m.txt")
    assert "'last' (opened on line 2)" in error.message and error.line == 2


def test_unknown_directive():
    error = syntax_error(read_text, "procedure main ()\nx := 1\n  #include 'x'\nendprocedure\n",
                         "d.txt")
    assert "unknown directive '#include'" in error.message
    assert (error.line, error.column, error.procedure) == (3, 3, "main")


@pytest.mark.parametrize("text, line, column, words", [
    ("procedure p ()\n#docu short: 'a\\qb'\nendprocedure\n", 2, 16, "unknown escape"),
    ("procedure p ()\n#docu   item\nendprocedure\n", 2, 1, "deeper"),
    ("procedure p ()\n#docu  item\nendprocedure\n", 2, 8, "two spaces"),
    ("procedure p ()\n#docu short lang=en\nendprocedure\n", 2, 18, "#docu line"),
    ("procedure p ()\n#attribute name='x'\nendprocedure\n", 2, 12, "procedure name"),
    ("procedure p ()\n#l(x)\nendprocedure\n", 2, 3, "space after #l"),
    ("procedure p ()\n#lx\nendprocedure\n", 2, 1, "unknown directive '#lx'"),
    ("x := 1\nendprocedure\n", 2, 1, "without a procedure"),
    ("procedure p ()\nendprocedure\nstray := 1\n", 3, 1, "between procedures"),
    ("procedure p ()\nendprocedure\n#hdevelop a='1'\n", 3, 1, "before the first procedure"),
    ("#library\nx := 1\n", 2, 1, "procedures only"),
    ("#hdevelop a='1' a='2'\n", 1, 17, "given twice"),
])
def test_text_errors_point_at_the_problem(text, line, column, words):
    error = syntax_error(read_text, text, "e.txt")
    assert (error.line, error.column) == (line, column)
    assert words in error.message
    assert error.source_line == text.split("\n")[line - 1]


def test_errors_format_with_a_caret():
    error = syntax_error(read_text, "procedure p (A : B)\nendprocedure\n", "h.txt")
    assert str(error).startswith("h.txt:1:19: invalid procedure header")
    assert str(error).endswith("    procedure p (A : B)\n                      ^")


# --------------------------------------------------------------------------
# Properties


LINE_TEXT = st.lists(st.sampled_from(
    [" ", "\t", "*", "#", "\\", "\n", "a", "(", "'", "<", "&", "ä", "procedure",
     "endprocedure", "l", "c", "docu", "\r"]), max_size=10).map("".join)
FAST = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.lists(st.tuples(st.sampled_from(["code", "comment"]), LINE_TEXT), max_size=6))
def test_any_writable_line_survives_both_formats(lines):
    source = SourceFile("p.hdev", PROGRAM, attributes={"halcon_version": "23.05"},
                        procedures=[Procedure("main", lines=[Line(k, t) for k, t in lines])])
    assert lines_of(read_xml(write_xml(source), "p").main) == lines
    try:
        text = write_text(source)
    except HdlSyntaxError:
        return
    assert lines_of(read_text(text, "p").main) == lines
    assert write_text(read_text(text, "p")) == text


@FAST
@given(st.binary(max_size=80) | st.text(max_size=80).map(lambda s: "procedure p (" + s))
def test_bad_input_only_raises_syntax_errors(data):
    for format in ("xml", "text"):
        try:
            parse_source(data, "fuzz", format)
        except HdlSyntaxError as error:
            assert error.file == "fuzz" and error.line >= 1
