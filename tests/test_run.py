"""`hdl run` as a user runs it: variables in and out, errors with their place."""

import json

from click.testing import CliRunner

from hdl.cli import main


def run(*args):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_dump_vars_gives_types_exactly(tmp_path):
    program = write(tmp_path, "p.hds", "A := 1\nB := 2.5\nC := 'x'\nT := [1, 2.0, 'three']\n"
                    "E := []\nD := dict{k: 1}\nV := {1, [2, 3]}\n")
    out = str(tmp_path / "vars.json")
    code, output = run("run", program, "--dump-vars", out)
    assert code == 0, output
    data = json.loads(open(out).read())
    assert data["A"] == [1] and isinstance(data["A"][0], int)
    assert data["B"] == [2.5]
    assert data["C"] == ["x"]
    assert data["T"] == [1, 2.0, "three"] and isinstance(data["T"][1], float)
    assert data["E"] == []
    assert data["D"] == [{"handle": "dict"}]
    assert data["V"] == {"vector": [[1], [2, 3]]}


def test_set_gives_main_variables(tmp_path):
    program = write(tmp_path, "p.hds", "R := [N * 2, Name + '!']\n")
    out = str(tmp_path / "vars.json")
    code, output = run("run", program, "--set", "N=21", "--set", "Name=abc", "--dump-vars", out)
    assert code == 0, output
    assert json.loads(open(out).read())["R"] == [42, "abc!"]
    code, _ = run("run", program, "--set", "N=1.5", "--set", "Name=7x", "--dump-vars", out)
    assert json.loads(open(out).read())["R"] == [3.0, "7x!"]


def test_runtime_error_names_file_procedure_line_and_stack(tmp_path):
    program = write(tmp_path, "p.hds", "procedure main ()\nX := 1\ninner (X)\nendprocedure\n\n"
                    "procedure inner ( : : X : )\nY := [1, 2] + [1, 2, 3]\nendprocedure\n")
    code, output = run("run", program)
    assert code == 1
    first = output.splitlines()[0]
    assert first.startswith(f"{program}:inner:7: HALCON error #")
    assert f"{program}:main:3" in output
    assert "Traceback" not in output


def test_syntax_error_stops_before_running(tmp_path):
    program = write(tmp_path, "p.hds", "X := (\n")
    code, output = run("run", program)
    assert code == 1 and f"{program}:1:" in output and "Traceback" not in output


def test_unknown_callee_fails_when_reached(tmp_path):
    program = write(tmp_path, "p.hds", "X := 1\nno_such_thing (X)\n")
    code, output = run("run", program)
    assert code == 1 and "unknown operator or procedure 'no_such_thing'" in output


def test_check_warns_about_unknown_callees(tmp_path):
    program = write(tmp_path, "p.hds", "X := 1\n\nno_such_thing (X)\n")
    code, output = run("check", "--no-cache", program)
    assert code == 0 and f"{program}:3: unknown operator or procedure 'no_such_thing'" in output
    code, _ = run("check", "--no-cache", "--strict", program)
    assert code == 1


def test_check_reports_wrong_argument_counts(tmp_path):
    program = write(tmp_path, "p.hds", "procedure main ()\nf (1, 2)\nendprocedure\n\n"
                    "procedure f ( : : A : )\nendprocedure\n")
    code, output = run("check", "--no-cache", program)
    assert code == 1 and "'f' takes 1 arguments, got 2" in output


def test_external_procedures_from_the_procedure_path(tmp_path):
    procs = tmp_path / "procs"
    procs.mkdir()
    (procs / "double_it.hdvp").write_text(
        "procedure double_it ( : : X : Y)\nY := X * 2\nendprocedure\n")
    program = write(tmp_path, "p.hds", "double_it (21, Y)\n")
    out = str(tmp_path / "vars.json")
    code, output = run("run", program, "--proc-path", str(procs), "--dump-vars", out)
    assert code == 0, output
    assert json.loads(open(out).read())["Y"] == [42]


def test_ops_and_doc_list_signatures():
    code, output = run("ops", "hdl_assert")
    assert code == 0 and "hdl_assert_equal( : : Actual, Expected, Message : )" in output
    code, output = run("doc", "dev_get_exception_data")
    assert code == 0 and output.startswith("dev_get_exception_data( : : Exception, Name : Value)")
    code, output = run("doc", "no_such_op")
    assert code == 1


def test_programs_without_deep_learning_never_import_torch(tmp_path):
    """torch costs seconds to import: only DL operators may load it."""
    import subprocess
    import sys
    program = write(tmp_path, "p.hds", "gen_image_const (I, 'byte', 8, 8)\nthreshold (I, R, 0, 10)\n"
                    "D := dict{a: 1}\nT := [1, 2] * 3\n")
    probe = ("import sys\nfrom hdl.loader import load_file\nfrom hdl.program import Program\n"
             "from hdl.registry import REGISTRY\nREGISTRY.load()\n"
             f"Program(load_file({program!r}, use_cache=False)).run()\n"
             "assert 'torch' not in sys.modules, 'torch was imported'\n")
    subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)


def test_dump_vars_through_links_and_to_stdout(tmp_path):
    program = write(tmp_path, "p.hds", "A := 1\n")
    target = tmp_path / "real.json"
    target.write_text("{}")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    code, output = run("run", program, "--dump-vars", str(link))
    assert code == 0, output
    assert link.is_symlink() and json.loads(target.read_text()) == {"A": [1]}
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-m", "hdl", "run", program, "--dump-vars", "/dev/stdout"],
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == {"A": [1]}


def test_set_accepts_quoted_strings(tmp_path):
    program = write(tmp_path, "p.hds", "R := Dir + '/x'\n")
    out = str(tmp_path / "vars.json")
    code, output = run("run", program, "--set", "Dir='data dir'", "--dump-vars", out)
    assert code == 0, output
    assert json.loads(open(out).read())["R"] == ["data dir/x"]


def test_open_file_standard_writes_to_stdout(tmp_path):
    import subprocess
    import sys
    program = write(tmp_path, "p.hds", "open_file ('standard', 'output', F)\n"
                    "fwrite_string (F, 'hello')\nfnew_line (F)\nclose_file (F)\n")
    out = subprocess.run([sys.executable, "-m", "hdl", "run", program], capture_output=True, text=True,
                         check=True, cwd=tmp_path)
    assert out.stdout == "hello\n"
    assert not (tmp_path / "standard").exists()
