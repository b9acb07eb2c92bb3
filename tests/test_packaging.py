"""A regular (not editable) install carries the standard procedure library."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_contains_every_standard_procedure(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    wheel, = tmp_path.glob("hdl-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    library = sorted(p.name for p in (ROOT / "procedures").glob("*.hds"))
    assert library and {f"hdl/procedures/{name}" for name in library} <= names
    assert "hdl/grammar.lark" in names and "hdl/operators/tuple.py" in names
    # run from elsewhere with only the unpacked wheel on the path: the library is found there
    program = tmp_path / "elsewhere" / "prog.hds"
    program.parent.mkdir()
    program.write_text("parse_filename ('/data/images/part_01.png', Base, Ext, Dir)\n")
    probe = ("import sys\nfrom hdl.loader import load_file\nfrom hdl.program import Program\n"
             "import hdl.procedure_path as pp\n"
             "print(pp.library_directory())\n"
             "print(Program(load_file(sys.argv[1])).run()['Base'])\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "site"), HDL_NO_CACHE="1")
    out = subprocess.run([sys.executable, "-c", probe, str(program)], cwd=program.parent, env=env,
                         check=True, capture_output=True, text=True).stdout.splitlines()
    assert out == [str(tmp_path / "site" / "hdl" / "procedures"), "part_01"]
