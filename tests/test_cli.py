"""The `hdl` command as a user runs it."""

import subprocess
import sys

from click.testing import CliRunner

from hdl.cli import main

GOOD = "procedure main ()\nX := 1\nif (X > 0)\n    Y := X * 2\nendif\nendprocedure\n"
BAD = ("procedure main ()\nX := 1 +* 2\nendprocedure\n\n"
       "procedure other ()\nif (X > 0)\nendfor\nendprocedure\n")


def run(*args):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_check_passes_good_files(tmp_path):
    path = tmp_path / "good.hds"
    path.write_text(GOOD)
    code, out = run("check", "--no-cache", str(path))
    assert code == 0 and out == ""


def test_check_prints_every_error_with_position_line_and_caret(tmp_path):
    path = tmp_path / "bad.hds"
    path.write_text(BAD)
    code, out = run("check", "--no-cache", str(path))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{path}:2:9: unexpected '*'")
    assert lines[1:3] == ["    X := 1 +* 2", "            ^"]
    assert any(line.startswith(f"{path}:7:1: 'endfor' does not fit here") for line in lines)


def test_check_reports_unreadable_files(tmp_path):
    code, out = run("check", str(tmp_path / "missing.hdev"))
    assert code == 1 and "missing.hdev: cannot read" in out


def test_check_covers_procedure_path(tmp_path):
    procs = tmp_path / "procs"
    procs.mkdir()
    (procs / "helper.hdvp").write_text("procedure helper ()\nX := (\nendprocedure\n")
    (procs / "notes.txt").write_text("not a procedure")
    program = tmp_path / "good.hds"
    program.write_text(GOOD)
    code, out = run("check", "--no-cache", str(program), "--proc-path", str(procs))
    assert code == 1 and "helper.hdvp:2:" in out and "notes.txt" not in out


def test_convert_both_ways(tmp_path):
    text = tmp_path / "prog.hds"
    text.write_text(GOOD)
    xml = tmp_path / "prog.hdev"
    code, out = run("convert", str(text), str(xml))
    assert code == 0, out
    assert xml.read_text().startswith("<?xml")
    back = tmp_path / "back.hds"
    code, out = run("convert", str(xml), str(back))
    assert code == 0, out
    # the XML writer records a HALCON version, which the text keeps from then on
    assert back.read_text() == "#hdevelop file_version='1.2' halcon_version='25.11.0.0'\n" + GOOD
    forced = tmp_path / "forced.out"
    assert run("convert", "--to", "xml", str(text), str(forced))[0] == 0
    assert forced.read_text().startswith("<?xml")
    other = tmp_path / "other.out"  # unknown suffix: the other format than the input's
    assert run("convert", str(xml), str(other))[0] == 0
    assert not other.read_text().startswith("<?xml")


def test_convert_refuses_broken_code_and_writes_nothing(tmp_path):
    src = tmp_path / "bad.hds"
    src.write_text(BAD)
    out_path = tmp_path / "bad.hdev"
    code, out = run("convert", str(src), str(out_path))
    assert code == 1 and ":2:9:" in out
    assert not out_path.exists()


def test_help_is_fast_and_does_not_import_torch():
    probe = ("import sys, time; t = time.perf_counter(); "
             "from hdl.cli import main; "
             "assert 'torch' not in sys.modules and 'lark' not in sys.modules, sorted(sys.modules); "
             "print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert float(out.stdout) < 0.5
    help_text = subprocess.run([sys.executable, "-m", "hdl", "--help"], capture_output=True, text=True)
    assert help_text.returncode == 0 and "check" in help_text.stdout and "convert" in help_text.stdout


def test_compile_errors_point_at_the_offending_name(tmp_path):
    """Names inside a line carry their column, also on continuation lines and in XML files."""
    text = ("X := 1\n"
            "  Y := foo(X) + sin(_)\n"
            "par_start<H> : tuple_add (1, 2)\n"
            "Z := [1, \\\n"
            "      bar(2)]\n")
    path = tmp_path / "names.hds"
    path.write_text(text)
    code, out = run("check", "--no-cache", str(path))
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith(f"{path}:2:8: unknown function 'foo'")
    assert lines[1:3] == ["      Y := foo(X) + sin(_)", "           ^"]
    assert lines[3].startswith(f"{path}:2:21: '_' can only stand for an output argument")
    assert lines[5] == "                        ^"
    assert lines[6].startswith(f"{path}:3:16: 'tuple_add' takes 3 arguments, got 2")
    assert lines[9].startswith(f"{path}:5:7: unknown function 'bar'")
    assert lines[10:12] == ["          bar(2)]", "          ^"]
    xml = tmp_path / "names.hdev"
    assert run("convert", str(path), str(xml), "--no-check")[0] == 0
    code, out = run("check", "--no-cache", str(xml))
    lines = out.splitlines()
    # <l> elements start after the tag: the text's own column is kept
    assert code == 1 and lines[0].startswith(f"{xml}:") and ": unknown function 'foo'" in lines[0]
    line, column = (int(x) for x in lines[0].split(":")[1:3])
    assert xml.read_text().splitlines()[line - 1][column - 1:].startswith("foo(X)")
