"""The grammar, one construct at a time: each line must give exactly this AST."""

import pytest

from hdl import nodes as n
from hdl.errors import HdlSyntaxError
from hdl.parser import decode_string, encode_string, parse_line, parse_lines
from hdl.source import Line


def C(v):
    return n.Const(v)


def V(name):
    return n.Var(name)


def B(op, a, b):
    return n.Binary(op, a, b)


def U(op, a):
    return n.Unary(op, a)


def value(text):
    """The expression on the right of `X := text`."""
    stmt = parse_line("X := " + text)
    assert isinstance(stmt, n.Assign) and stmt.target == V("X")
    return stmt.value


# ---- literals -----------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("4711", 4711), ("0", 0), ("0x1F", 31), ("0XfF", 255), ("0173", 123), ("00", 0),
    ("73.815", 73.815), ("0.5", 0.5), (".56", 0.56), ("5.", 5.0), ("32E19", 32e19),
    ("2.4e-006", 2.4e-6), ("1.5e+3", 1500.0), ("9223372036854775807", 2 ** 63 - 1),
    ("0xFFFFFFFFFFFFFFFF", -1), ("true", 1), ("false", 0),
])
def test_number_literals(text, expected):
    node = value(text)
    assert node == C(expected)
    assert type(node.value) is type(expected)


def test_negative_literals_are_unary_minus():
    assert value("-17.32e-122") == U("-", C(-(-17.32e-122)))


@pytest.mark.parametrize("text", ["08", "0129", "9223372036854775808", "0x1FFFFFFFFFFFFFFFF"])
def test_bad_integer_literals(text):
    with pytest.raises(HdlSyntaxError) as info:
        value(text)
    assert text in info.value.message


@pytest.mark.parametrize("raw, expected", [
    ("'plain'", "plain"), ("''", ""), (r"'it\'s'", "it's"), (r"'a\\b'", "a\\b"),
    (r"'l1\nl2'", "l1\nl2"), (r"'\r\t'", "\r\t"), (r"'\\.png$'", "\\.png$"),
    (r"'\d+\.\w'", r"\d+\.\w"), (r"'say \"hi\"'", 'say \\"hi\\"'), ("'a\"b'", 'a"b'),
    ("'C:/data // not a comment'", "C:/data // not a comment"), ("'Ümlaut 中文'", "Ümlaut 中文"),
])
def test_string_literals(raw, expected):
    assert value(raw) == C(expected)
    assert decode_string(raw) == expected


@pytest.mark.parametrize("text", ["", "it's", "a\\b", "\n\r\t", "\\d+", "'\\'"])
def test_encode_string_round_trips(text):
    assert decode_string(encode_string(text)) == text


def test_tuple_literals_flatten_syntax():
    assert value("[]") == n.TupleExpr([])
    assert value("[7]") == n.TupleExpr([C(7)])
    assert value("[[1, 2]]") == n.TupleExpr([C(1), C(2)])
    assert value("[1, [2, 3], []]") == n.TupleExpr([C(1), n.TupleExpr([C(2), C(3)]), n.TupleExpr([])])


def test_sequence_items():
    assert value("[0:100]") == n.TupleExpr([n.Sequence(C(0), C(100))])
    assert value("[100:-5:-100]") == n.TupleExpr([n.Sequence(C(100), U("-", C(100)), U("-", C(5)))])
    assert value("[0, 2:4, 10]") == n.TupleExpr([C(0), n.Sequence(C(2), C(4)), C(10)])
    assert value("[N * [0:S:M], Last]") == n.TupleExpr([
        B("*", V("N"), n.TupleExpr([n.Sequence(C(0), V("M"), V("S"))])), V("Last")])


def test_vector_literals():
    assert value("{}") == n.VectorExpr([])
    assert value("{1, 2, 3}") == n.VectorExpr([C(1), C(2), C(3)])
    assert value("{[]}") == n.VectorExpr([n.TupleExpr([])])
    assert value("{{1}, {A, B}}") == n.VectorExpr([n.VectorExpr([C(1)]), n.VectorExpr([V("A"), V("B")])])


def test_dict_literals():
    assert value("dict{}") == n.DictExpr([])
    assert value("dict{a: 1, b_2: 'x'}") == n.DictExpr([("a", C(1)), ("b_2", C("x"))])
    assert value("dict{['k 1']: 1, [Key]: V, [0]: []}") == n.DictExpr(
        [(C("k 1"), C(1)), (V("Key"), V("V")), (C(0), n.TupleExpr([]))])
    assert value("dict{inner: dict{x: 1}}") == n.DictExpr([("inner", n.DictExpr([("x", C(1))]))])


# ---- operators and precedence ---------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("1 + 2 * 3", B("+", C(1), B("*", C(2), C(3)))),
    ("(1 + 2) * 3", B("*", B("+", C(1), C(2)), C(3))),
    ("A - B - C", B("-", B("-", V("A"), V("B")), V("C"))),
    ("A / B * C % D", B("%", B("*", B("/", V("A"), V("B")), V("C")), V("D"))),
    ("A or B xor C and D", B("or", V("A"), B("xor", V("B"), B("and", V("C"), V("D"))))),
    ("A and B bor C bxor D band E", B("and", V("A"), B("bor", V("B"), B("bxor", V("C"), B("band", V("D"), V("E")))))),
    ("A band B == C", B("band", V("A"), B("==", V("B"), V("C")))),
    ("A == B < C", B("==", V("A"), B("<", V("B"), V("C")))),
    ("A < B [==] C", B("<", V("A"), B("[==]", V("B"), V("C")))),
    ("A [<=] B + C", B("[<=]", V("A"), B("+", V("B"), V("C")))),
    ("A + 1 > B", B(">", B("+", V("A"), C(1)), V("B"))),
    ("not A == B", B("==", U("not", V("A")), V("B"))),
    ("not (A == B)", U("not", B("==", V("A"), V("B")))),
    ("-A * B", B("*", U("-", V("A")), V("B"))),
    ("- -A", U("-", U("-", V("A")))),
    ("bnot A + 1", B("+", U("bnot", V("A")), C(1))),
    ("-A $ '.2f'", U("-", B("$", V("A"), C(".2f")))),
    ("(-A) $ '.2f'", B("$", U("-", V("A")), C(".2f"))),
    ("'x=' + V$'.2f'", B("+", C("x="), B("$", V("V"), C(".2f")))),
    ("A $ B $ C", B("$", B("$", V("A"), V("B")), V("C"))),
    ("A * -B", B("*", V("A"), U("-", V("B")))),
    ("A + -B * C", B("+", V("A"), B("*", U("-", V("B")), V("C")))),
    ("A lsh 2 + 1", B("lsh", V("A"), B("+", C(2), C(1)))),
    ("A rsh 1 < B", B("<", B("rsh", V("A"), C(1)), V("B"))),
    ("A =~ '^x'", B("=~", V("A"), C("^x"))),
    ("3.1 + 2 + ' m'", B("+", B("+", C(3.1), C(2)), C(" m"))),
])
def test_precedence(text, expected):
    assert value(text) == expected


@pytest.mark.parametrize("legacy, modern", [
    ("A = B", "A == B"), ("A # B", "A != B"), ("A [=] B", "A [==] B"), ("A [#] B", "A [!=] B"),
])
def test_legacy_operators_mean_the_modern_ones(legacy, modern):
    assert value(legacy) == value(modern)


@pytest.mark.parametrize("op", ["[==]", "[!=]", "[<]", "[<=]", "[>]", "[>=]"])
def test_elementwise_comparisons_are_single_tokens(op):
    assert value(f"A {op} [1, 2]") == B(op, V("A"), n.TupleExpr([C(1), C(2)]))
    assert value(f"A{op}B") == B(op, V("A"), V("B"))


def test_length_bars_nest():
    assert value("|T|") == n.Length(V("T"))
    assert value("||A| - |B||") == n.Length(B("-", n.Length(V("A")), n.Length(V("B"))))
    assert value("|T| - 1") == B("-", n.Length(V("T")), C(1))


# ---- postfix forms -----------------------------------------------------------------

def test_postfix_forms():
    assert value("T[I]") == n.Index(V("T"), V("I"))
    assert value("T[0:|T|-2]") == n.Slice(V("T"), C(0), B("-", n.Length(V("T")), C(2)))
    assert value("S{0}") == n.CharIndex(V("S"), C(0))
    assert value("S{1:3}") == n.Substring(V("S"), C(1), C(3))
    assert value("(A + B){0}") == n.CharIndex(B("+", V("A"), V("B")), C(0))
    assert value("D.key") == n.Member(V("D"), "key")
    assert value("D.['a key']") == n.DynamicMember(V("D"), C("a key"))
    assert value("D.[0]") == n.DynamicMember(V("D"), C(0))
    assert value("D.a.b") == n.Member(n.Member(V("D"), "a"), "b")
    assert value("Samples[I].image") == n.Member(n.Index(V("Samples"), V("I")), "image")
    assert value("DLResult.class_names[0]") == n.Index(n.Member(V("DLResult"), "class_names"), C(0))
    assert value("V.at(1).at(2)") == n.MethodCall(n.MethodCall(V("V"), "at", [C(1)]), "at", [C(2)])
    assert value("V.at(0)[1]") == n.Index(n.MethodCall(V("V"), "at", [C(0)]), C(1))
    assert value("V.length()") == n.MethodCall(V("V"), "length", [])
    assert value("V.concat(W)") == n.MethodCall(V("V"), "concat", [V("W")])


def test_function_calls():
    assert value("sqrt(2)") == n.Function("sqrt", [C(2)])
    assert value("rand(3)") == n.Function("rand", [C(3)])
    assert value("gen_tuple_const(|T|, 0)") == n.Function("gen_tuple_const", [n.Length(V("T")), C(0)])
    assert value("regexp_select(F, ['\\\\.png$', 'ignore_case'])") == n.Function(
        "regexp_select", [V("F"), n.TupleExpr([C("\\.png$"), C("ignore_case")])])
    assert value("environment('HOME')") == n.Function("environment", [C("HOME")])


def test_keywords_are_names_where_no_keyword_fits():
    """The contextual lexer lets a dict key or variable be called `to`, `by`, `tuple` …"""
    assert value("D.to + D.if + D.tuple") == B("+", B("+", n.Member(V("D"), "to"), n.Member(V("D"), "if")),
                                               n.Member(V("D"), "tuple"))
    assert value("to + by") == B("+", V("to"), V("by"))
    assert parse_line("for I := to to by by 1") == n.For("I", V("to"), V("by"), C(1))
    assert parse_line("tuple := 1") == n.Assign(V("tuple"), C(1))
    assert value("dict{to: 1}") == n.DictExpr([("to", C(1))])


# ---- statements ---------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("read_image (Image, 'board')", n.Call("read_image", [V("Image"), C("board")])),
    ("dev_update_off ()", n.Call("dev_update_off", [])),
    ("dev_update_off()", n.Call("dev_update_off", [])),
    ("area_center (Region, Area, _, _)", n.Call("area_center", [V("Region"), V("Area"), V("_"), V("_")])),
    ("op (Dict.image, Region, Dict.image)", n.Call("op", [n.Member(V("Dict"), "image"), V("Region"),
                                                         n.Member(V("Dict"), "image")])),
    ("X := 1", n.Assign(V("X"), C(1))),
    ("X[I] := 1", n.Assign(n.Index(V("X"), V("I")), C(1))),
    ("X[|X|] := 1", n.Assign(n.Index(V("X"), n.Length(V("X"))), C(1))),
    ("D.key := 1", n.Assign(n.Member(V("D"), "key"), C(1))),
    ("D.['k']:= 1", n.Assign(n.DynamicMember(V("D"), C("k")), C(1))),
    ("V.at(2) := T", n.Assign(n.MethodCall(V("V"), "at", [C(2)]), V("T"))),
    ("V.at(0).at(1) := T", n.Assign(n.MethodCall(n.MethodCall(V("V"), "at", [C(0)]), "at", [C(1)]), V("T"))),
    ("Text[|Text|:|Text| + 2] := ['a', 'b', 'c']", n.Assign(
        n.Slice(V("Text"), n.Length(V("Text")), B("+", n.Length(V("Text")), C(2))),
        n.TupleExpr([C("a"), C("b"), C("c")]))),
    ("Samples[I].image := Img", n.Assign(n.Member(n.Index(V("Samples"), V("I")), "image"), V("Img"))),
    ("V.insert (2, [4, 5])", n.MethodStatement(n.MethodCall(V("V"), "insert", [C(2), n.TupleExpr([C(4), C(5)])]))),
    ("V.at(0).remove (1)", n.MethodStatement(n.MethodCall(n.MethodCall(V("V"), "at", [C(0)]), "remove", [C(1)]))),
    ("V.clear ()", n.MethodStatement(n.MethodCall(V("V"), "clear", []))),
    ("if (A > 1)", n.If(B(">", V("A"), C(1)))),
    ("if(A)", n.If(V("A"))),
    ("elseif (A == 2)", n.ElseIf(B("==", V("A"), C(2)))),
    ("else", n.Else()), ("endif", n.EndIf()),
    ("for I := 0 to N - 1 by 1", n.For("I", C(0), B("-", V("N"), C(1)), C(1))),
    ("for I := 10 to 0 by -2", n.For("I", C(10), C(0), U("-", C(2)))),
    ("for I := 0 to 9", n.For("I", C(0), C(9), None)),
    ("endfor", n.EndFor()),
    ("while (true)", n.While(C(1))), ("endwhile", n.EndWhile()),
    ("repeat", n.Repeat()), ("until (Done)", n.Until(V("Done"))),
    ("switch (Mode)", n.Switch(V("Mode"))), ("case 1:", n.Case(C(1))), ("case -1:", n.Case(U("-", C(1)))),
    ("default:", n.Default()), ("endswitch", n.EndSwitch()),
    ("try", n.Try()), ("catch (Exception)", n.Catch("Exception")), ("endtry", n.EndTry()),
    ("throw ([30001, 'msg'])", n.Throw(n.TupleExpr([C(30001), C("msg")]))),
    ("throw (Exception)", n.Throw(V("Exception"))),
    ("throw ('message')", n.Throw(C("message"))),
    ("break", n.Break()), ("continue", n.Continue()),
    ("return ()", n.Return()), ("return ( )", n.Return()), ("return", n.Return()),
    ("stop ()", n.Stop()), ("exit ()", n.Exit()),
    ("global tuple X", n.Global("tuple", "X")),
    ("global object Img", n.Global("object", "Img")),
    ("global def tuple X", n.Global("tuple", "X", 0, True)),
    ("global tuple vector(3) X", n.Global("tuple", "X", 3)),
    ("global def object vector(2) Objs", n.Global("object", "Objs", 2, True)),
    ("import './procedures'", n.Import("./procedures")),
    ("par_start<Thread> : run_task (Image, Result)", n.ParStart("Thread", n.Call("run_task", [V("Image"), V("Result")]))),
    ("par_start <T>: f ()", n.ParStart("T", n.Call("f", []))),
    ("par_join (Threads)", n.Call("par_join", [V("Threads")])),
])
def test_statements(text, expected):
    assert parse_line(text) == expected


def test_comments_and_blank_lines_give_no_statement():
    for text in ["", "   ", "* a comment", "   * indented comment", "*read_image (A, 'x')",
                 "* unbalanced ( [ 'quote"]:
        assert parse_line(text) is None
    lines = [Line("comment", "* x", 1), Line("code", "X := 1", 2), Line("comment", "", 3)]
    assert [type(s) for s in parse_lines(lines)] == [type(None), n.Assign, type(None)]


def test_end_of_line_comments():
    assert parse_line("X := 1 // set X") == n.Assign(V("X"), C(1))
    assert parse_line("read_image (I, 'a//b') // read") == n.Call("read_image", [V("I"), C("a//b")])
    assert parse_line("endif// done") == n.EndIf()


def test_line_continuation_and_tabs():
    text = "create_my_thing (InputObj, 'name',\\\n                 3, 1, 64, Result)"
    assert parse_line(text) == n.Call("create_my_thing", [V("InputObj"), C("name"), C(3), C(1), C(64), V("Result")])
    assert parse_line("X := A +\\\n\t\tB") == n.Assign(V("X"), B("+", V("A"), V("B")))
    assert parse_line("\tX\t:=\t1\t") == n.Assign(V("X"), C(1))
    assert parse_line("X := [1, 2, \\  \n 3]") == n.Assign(V("X"), n.TupleExpr([C(1), C(2), C(3)]))


def test_positions():
    lines = [Line("comment", "* c", 10, 4), Line("code", "    X := 1", 11, 4),
             Line("code", "foo (A,\\\n     B)", 12, 4), Line("code", "endfor", 14, 4)]
    stmts = parse_lines(lines, "prog.hdev", "main")
    assert stmts[1].pos == n.Position("prog.hdev", "main", 11, 8)
    assert stmts[2].pos == n.Position("prog.hdev", "main", 12, 4)
    assert stmts[3].pos.line == 14


# ---- errors -----------------------------------------------------------------------

@pytest.mark.parametrize("text, column, fragment", [
    ("X := ", 6, "unexpected end of line"),
    ("X := (1 + 2", 12, "unexpected end of line"),
    ("X := 1 +* 2", 9, "unexpected '*'"),
    ("foo (A B)", 8, "unexpected 'B'"),
    ("X := 'unterminated", 6, "unterminated string"),
    ("X := 1 ? 2", 8, "unexpected character '?'"),
    ("X := A \\ B", 8, "stray backslash"),
    ("if A endif", 6, "unexpected 'endif'"),
    ("X", 1, "'X' alone is no statement"),
    ("X + 1 := 2", 3, "unexpected '+'"),
    ("V.at(0)", 1, "an expression alone is no statement"),
    ("X := [1, 2", 11, "unexpected end of line"),
    ("global tuple vector(0) X", 21, "dimension of at least 1"),
    ("X := 09", 6, "invalid octal literal"),
    ("return (1)", 9, "unexpected '1'"),
])
def test_syntax_errors_have_positions(text, column, fragment):
    with pytest.raises(HdlSyntaxError) as info:
        parse_line(text, "f.hdev", "main", line=7)
    error = info.value
    assert fragment in error.message
    assert (error.file, error.line, error.column, error.procedure) == ("f.hdev", 7, column, "main")
    assert error.source_line == text


def test_error_display_has_source_line_and_caret():
    with pytest.raises(HdlSyntaxError) as info:
        parse_line("X := 1 +* 2", "prog.hdev", "main", line=3, column=5)
    first, source, caret = info.value.format().splitlines()
    assert first.startswith("prog.hdev:3:13: unexpected '*'")
    assert first.endswith("(in procedure 'main')")
    assert source == "    X := 1 +* 2"
    assert caret == "            ^"


def test_error_on_continuation_line_points_into_it():
    with pytest.raises(HdlSyntaxError) as info:
        parse_line("foo (A,\\\n     B C)", "p.hdev", "main", line=20, column=4)
    assert (info.value.line, info.value.column) == (21, 8)
    assert info.value.source_line == "     B C)"


def test_all_errors_of_a_procedure_are_reported():
    from hdl.errors import HdlSyntaxErrors
    lines = [Line("code", "X := (", 1), Line("code", "Y := 1", 2), Line("code", "Z := )", 3)]
    with pytest.raises(HdlSyntaxErrors) as info:
        parse_lines(lines, "f", "p")
    assert [e.line for e in info.value.errors] == [1, 3]


def test_trailing_backslash_does_not_swallow_the_next_line():
    lines = [Line("code", "X := 1 \\", 1), Line("code", "Y := 2", 2)]
    with pytest.raises(HdlSyntaxError) as info:
        parse_lines(lines)
    assert info.value.line == 1 and "backslash" in info.value.message
