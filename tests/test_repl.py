"""`hdl repl`: through the Session API, and once as a user at a terminal (pexpect)."""

import os
import sys

import pytest

from hdl.registry import REGISTRY
from hdl.repl import Session, history_path, short_value

PROGRAM = """procedure main ()
Total := 0
for I := 1 to 3 by 1
    Total := Total + I
    stop ()
endfor
double_it (Total, Result)
endprocedure

procedure double_it (: : X : Y)
Y := X * 2
endprocedure
"""


@pytest.fixture
def program(tmp_path):
    path = tmp_path / "prog.hds"
    path.write_text(PROGRAM)
    return str(path)


def test_statements_keep_variables_between_inputs():
    s = Session()
    assert s.feed("X := 1\nY := X + 41") == ""
    assert s.variables == {"X": 1, "Y": 42}
    assert s.feed("Y").strip() == "42"
    assert s.feed("[Y, 2.5, 'a'] + 1").strip() == "[43, 3.5, 'a1']"


def test_blocks_continue_over_several_lines():
    s = Session()
    assert s.feed("S := 0\nfor I := 1 to 4 by 1") == ""
    assert s.frames[0].busy and "I" not in s.variables  # nothing runs before endfor
    s.feed("    if (I % 2 == 0)\n        S := S + I\n    endif")
    assert "S" in s.variables and s.variables["S"] == 0
    s.feed("endfor")
    assert s.variables["S"] == 6 and not s.frames[0].busy
    s.feed("try\nthrow ([42, 'boom'])\ncatch (E)\nCode := E[0]\nendtry")
    assert s.variables["Code"] == 42
    s.feed("L := 1 + \\\n     2")  # a backslash continues a statement
    assert s.variables["L"] == 3


def test_runtime_error_keeps_what_was_assigned_before_it():
    s = Session()
    out = s.feed("for K := 0 to 5 by 1\n    A := K\n    B := 10 / (3 - K)\nendfor\nAfter := 1")
    assert out.startswith("<input>:main:3: HALCON error #1302 in operator 'tuple_div'")
    assert (s.variables["K"], s.variables["A"], s.variables["B"]) == (3, 3, 10)
    assert s.variables["After"] == 1  # the session goes on


def test_syntax_errors_are_reported_and_recovered():
    s = Session()
    s.feed("X := 5")
    out = s.feed("X := 1 +* 2")
    assert out.splitlines() == ["<input>:1:9: unexpected '*'", "    X := 1 +* 2", "            ^"]
    assert s.variables == {"X": 5}
    # inside a block the wrong line is dropped and the block stays open
    out = s.feed("while (X < 8)\nX := X +\nX := X + 1")
    assert "<input>:2:" in out and "the block is still open" in out
    assert s.frames[0].busy
    s.feed("endwhile")
    assert s.variables["X"] == 8
    assert "'endif' without a matching opening statement" in s.feed("endif")
    s.feed("if (1)\n:cancel\nX := 0")
    assert s.variables["X"] == 0
    assert "no variable 'Nothing'" in s.feed("Nothing")
    assert "unknown operator or procedure 'no_such_op'" in s.feed("no_such_op (1)")


def test_completion_of_names_variables_and_dict_keys():
    s = Session()
    s.feed("Dictionary := dict{name: 'bolt', size: 3, sub: dict{depth: 1}}\nV := {1, 2}")
    assert "tuple_add" in s.completions("tuple_ad")
    assert "Dictionary" in s.completions("Dict")
    assert s.completions("Dictionary.") == ["Dictionary.name", "Dictionary.size", "Dictionary.sub"]
    assert s.completions("Dictionary.sub.d") == ["Dictionary.sub.depth"]
    assert "V.at(" in s.completions("V.")
    assert s.completions(":sh") == [":show "]
    assert s.completions("?hdl_assert_e") == ["?hdl_assert_equal", "?hdl_assert_error"]
    assert s.completions("Dic", ":show ") == ["Dictionary"]


def test_inspection_lists_and_shows_values():
    s = Session()
    s.feed("T := [1:100]\nD := dict{name: 'bolt', size: [3, 4]}\nR := 2.5\nV := {[1], [2, 3]}")
    table = s.feed(":vars").splitlines()
    assert table[0].split()[:2] == ["D", "dict"] and "'name', 'size'" in table[0]
    assert table[2].split()[:3] == ["T", "integer[100]", "[1,"] and "(100 values)" in table[2]
    assert len(table[2]) < 100
    assert table[1].split() == ["R", "real", "2.5"]
    assert table[3].split()[:2] == ["V", "vector(1)"]
    assert s.feed(":show D").splitlines() == ["dict (2 keys)", "    'name': 'bolt'",
                                              "    'size': [3, 4]"]
    assert s.feed(":show T").count(",") == 99
    assert s.feed(":show D.size").strip() == "[3, 4]"
    assert s.feed(":show T[0:2]").strip() == "[1, 2, 3]"


@pytest.mark.skipif(REGISTRY.get("gen_image_const") is None, reason="no image operators yet")
def test_images_show_type_size_and_channels():
    s = Session()
    s.feed("gen_image_const (Image, 'byte', 64, 48)")
    assert "image byte 64×48, 1 channel" in s.feed(":vars")
    assert short_value(s.variables["Image"]) == "image byte 64×48, 1 channel"


def test_help_on_operators_and_procedures(program):
    s = Session(program)
    out = s.feed("?hdl_assert_equal")
    assert out.startswith("hdl_assert_equal( : : Actual, Expected, Message : )")
    assert s.feed("help hdl_assert_equal") == out == s.feed(":doc hdl_assert_equal")
    assert s.feed("?double_it").startswith("double_it( : : X : Y)")
    assert "did you mean hdl_assert" in s.feed("?hdl_asert")
    assert ":vars" in s.feed(":help") and ":cont" in s.feed(":help")


def test_program_procedures_are_callable(program):
    s = Session(program)
    s.feed("double_it (21, Y)")
    assert s.variables["Y"] == 42


def test_breakpoint_continue_with_changed_variables(program):
    s = Session(program)
    out = s.feed(":run\nTotal\nTotal := 100\n:cont\n:vars\n:cont\n:cont")
    lines = out.splitlines()
    assert lines[0].startswith("stopped at ") and ":main:5" in lines[0]
    assert lines[1] == "1"
    assert "Total  integer  102" in out  # 100 + 2 at the second stop
    assert s.variables["Total"] == 105 and s.variables["Result"] == 210
    assert len(s.frames) == 1


def test_breakpoint_abort_keeps_the_programs_variables(program):
    s = Session()
    s.feed(f":run {program}\nI := 7\n:abort")
    assert s.variables["I"] == 7 and s.variables["Total"] == 1 and "Result" not in s.variables
    s.feed("double_it (2, Z)")  # the program's procedures are callable after :run
    assert s.variables["Z"] == 4


def test_stop_in_typed_input_and_nested_errors():
    s = Session()
    out = s.feed("A := 1\nfor I := 1 to 2 by 1\nstop ()\nendfor\nI\nA := 1 / 0\nA := 10\n:cont\n"
                 ":vars\n:cont")
    lines = out.splitlines()
    assert lines[0] == "stopped at <input>:main:2: statements act on its variables; " \
                       ":cont goes on, :abort ends the program"
    assert lines[1] == "1" and "division by zero" in lines[2]
    assert "A  integer  10" in out  # at the second stop
    assert len(s.frames) == 1 and s.variables == {"A": 10, "I": 3}
    # lines run out at a stop: the program goes on
    s.feed("stop ()")
    assert len(s.frames) == 1


def test_exit_and_quit_end_the_session():
    s = Session()
    s.feed("X := 1\nexit ()\nY := 2")
    assert s.finished and s.variables == {"X": 1}
    s = Session()
    s.feed(":quit")
    assert s.finished


def test_save_without_window_says_so():
    s = Session()
    assert "no graphics window is open" in s.feed(":save")


def test_history_path(monkeypatch, tmp_path):
    monkeypatch.setenv("HDL_HISTORY", str(tmp_path / "h"))
    assert history_path() == str(tmp_path / "h")
    monkeypatch.delenv("HDL_HISTORY")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert history_path() == str(tmp_path / "hdl" / "history")


# ---- at a terminal ---------------------------------------------------------------------

@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_terminal_session(program, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    history = tmp_path / "history"
    env = dict(os.environ, HDL_HISTORY=str(history), TERM="dumb")
    hdl = os.path.join(os.path.dirname(sys.executable), "hdl")
    child = pexpect.spawn(hdl, ["repl", program], env=env, encoding="utf-8", timeout=10,
                          dimensions=(40, 200))
    try:
        child.expect_exact("hdl> ")
        # a block over several lines
        child.sendline("S := 0")
        child.expect_exact("hdl> ")
        child.sendline("for I := 1 to 3 by 1")
        child.expect_exact("...  ")
        child.sendline("S := S + I")
        child.expect_exact("...  ")
        child.sendline("endfor")
        child.expect_exact("hdl> ")
        # an error, and the session goes on
        child.sendline("X := S / 0")
        child.expect_exact("HALCON error #1302")
        child.expect_exact("hdl> ")
        # tab completion of a variable and of a dict key
        child.sendline("Dictionary := dict{name: 'bolt'}")
        child.expect_exact("hdl> ")
        child.send(":show Dictio\t")
        child.expect_exact("Dictionary")
        child.send(".na\t\r")
        child.expect_exact("'bolt'")
        child.expect_exact("hdl> ")
        child.send("hdl_assert_eq\t")
        child.expect_exact("hdl_assert_equal")
        child.sendcontrol("u")
        child.sendline(":vars")
        child.expect(r"S\s+integer\s+6")
        child.expect_exact("hdl> ")
        child.sendline("?double_it")
        child.expect_exact("double_it( : : X : Y)")
        child.expect_exact("hdl> ")
        # the breakpoint workflow
        child.sendline(":run")
        child.expect_exact("hdl[stop]> ")
        child.sendline("Total := 100")
        child.expect_exact("hdl[stop]> ")
        child.sendline(":cont")
        child.expect_exact("hdl[stop]> ")
        child.sendline("Total")
        child.expect_exact("102")
        child.sendline(":abort")
        child.expect_exact("hdl> ")
        child.sendeof()
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    saved = history.read_text().splitlines()
    assert "S := 0" in saved and "Total := 100" in saved


@pytest.mark.skipif(REGISTRY.get("dev_open_window") is None, reason="no display operators yet")
def test_save_writes_the_active_window(tmp_path):
    s = Session()
    s.feed("dev_open_window (0, 0, 64, 48, 'black', W)")
    path = tmp_path / "w.png"
    assert s.feed(f":save {path}").strip() == str(path)
    assert path.read_bytes().startswith(b"\x89PNG")
