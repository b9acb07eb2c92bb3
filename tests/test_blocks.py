"""Block structure: keyword pairs nest, and mismatches name both lines."""

import pytest

from hdl import nodes as n
from hdl.blocks import build_blocks
from hdl.errors import HdlSyntaxError, HdlSyntaxErrors
from hdl.parser import parse_lines
from hdl.source import Line


def blocks(code: str):
    lines = [Line("code", text, i + 1) for i, text in enumerate(code.strip("\n").split("\n"))]
    statements = [s for s in parse_lines(lines, "t.hdev", "main") if s is not None]
    return build_blocks(statements, {l.line: l.text for l in lines})


def errors(code: str) -> list[HdlSyntaxError]:
    with pytest.raises(HdlSyntaxError) as info:
        blocks(code)
    return info.value.errors if isinstance(info.value, HdlSyntaxErrors) else [info.value]


def test_if_elseif_else():
    (block,) = blocks("""
if (A == 1)
    X := 1
elseif (A == 2)
    X := 2
    Y := 2
elseif (A == 3)
else
    X := 0
endif
""")
    assert isinstance(block, n.IfBlock)
    assert [len(b.body) for b in block.branches] == [1, 2, 0]
    assert [b.pos.line for b in block.branches] == [1, 3, 6]
    assert block.branches[1].cond == n.Binary("==", n.Var("A"), n.Const(2))
    assert len(block.else_body) == 1


def test_if_without_else_has_none():
    (block,) = blocks("if (A)\nendif")
    assert block.else_body is None and block.branches[0].body == []


def test_loops_nest():
    (outer,) = blocks("""
for I := 0 to 9 by 1
    while (J < I)
        J := J + 1
        if (J == 5)
            break
        endif
    endwhile
    repeat
        K := K - 1
        continue
    until (K < 0)
endfor
""")
    assert isinstance(outer, n.ForBlock) and outer.var == "I"
    loop, repeat = outer.body
    assert isinstance(loop, n.WhileBlock) and isinstance(loop.body[1], n.IfBlock)
    assert isinstance(repeat, n.RepeatBlock) and repeat.cond == n.Binary("<", n.Var("K"), n.Const(0))
    assert repeat.until_pos.line == 11


def test_switch_sections_keep_fall_through_order():
    (block,) = blocks("""
switch (Mode)
case 1:
case 2:
    X := 1
    break
case -3:
    X := 3
default:
    X := 0
endswitch
""")
    assert isinstance(block, n.SwitchBlock)
    assert [s.label for s in block.sections] == [n.Const(1), n.Const(2), n.Unary("-", n.Const(3)), None]
    assert [len(s.body) for s in block.sections] == [0, 2, 1, 1]


def test_try_catch():
    (block,) = blocks("""
try
    read_image (I, 'missing')
catch (Exc)
    Code := Exc[0]
endtry
""")
    assert isinstance(block, n.TryBlock) and block.catch_var == "Exc"
    assert len(block.body) == 1 and len(block.handler) == 1 and block.catch_pos.line == 3


@pytest.mark.parametrize("code, line, fragment", [
    ("if (A)\nendfor", 2, "'endfor' does not fit here: the innermost open block is the 'if' opened on line 1 (expected 'endif')"),
    ("for I := 0 to 1 by 1\n    X := 1", 1, "'for' opened on line 1 is never closed (expected 'endfor')"),
    ("endif", 1, "'endif' without a matching opening statement"),
    ("else", 1, "'else' without a matching opening statement"),
    ("if (A)\nelse\nelseif (B)\nendif", 3, "'elseif' does not fit here"),
    ("if (A)\nelse\nelse\nendif", 3, "'else' does not fit here"),
    ("try\nendtry", 2, "'endtry' does not fit here: the innermost open block is the 'try' opened on line 1 (expected 'catch')"),
    ("try\ncatch (E)\ncatch (F)\nendtry", 3, "'catch' does not fit here"),
    ("repeat\nendwhile", 2, "expected 'until'"),
    ("break", 1, "'break' outside a loop or switch"),
    ("continue", 1, "'continue' outside a loop"),
    ("switch (A)\ncase 1:\n    continue\nendswitch", 3, "'continue' outside a loop"),
    ("switch (A)\n    X := 1\ncase 1:\nendswitch", 2, "statement before the first 'case' of the 'switch' opened on line 1"),
    ("case 1:", 1, "'case' without a matching opening statement"),
])
def test_structure_errors(code, line, fragment):
    found = errors(code)
    assert any(e.line == line and fragment in e.message for e in found), [e.format() for e in found]
    assert all(e.file == "t.hdev" and e.procedure == "main" for e in found)


def test_break_inside_switch_inside_loop_is_fine():
    (loop,) = blocks("while (1)\nswitch (A)\ncase 1:\ncontinue\nendswitch\nendwhile")
    assert isinstance(loop.body[0], n.SwitchBlock)


def test_every_structure_error_is_reported():
    found = errors("endif\nif (A)\nendfor\nwhile (1)")
    assert [e.line for e in found] == [1, 2, 3, 4]


def test_unclosed_block_reports_where_the_procedure_ends():
    lines = [Line("code", "if (A)", 5), Line("code", "X := 1", 6)]
    statements = [s for s in parse_lines(lines, "f", "p")]
    with pytest.raises(HdlSyntaxError) as info:
        build_blocks(statements, None, n.Position("f", "p", 7, 1))
    assert info.value.message == "'if' opened on line 5 is never closed (expected 'endif' before line 7)"
