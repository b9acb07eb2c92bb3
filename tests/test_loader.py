"""Whole files → procedure bodies, and the parse cache."""

import os
import pickle

import pytest

from hdl import loader
from hdl import nodes as n
from hdl.errors import HdlSyntaxError, HdlSyntaxErrors

PROGRAM = """\
procedure main ()
* count to three
Sum := 0
for I := 1 to 3 by 1
    add_one (Sum, Sum)
endfor
endprocedure

procedure add_one ( : : In : Out)
Out := In + 1
return ()
endprocedure
"""

XML_PROGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<hdevelop file_version="1.2" halcon_version="23.05.0.0">
<procedure name="main">
<interface/>
<body>
<c>* comment</c>
<l>if (A &lt; 1)</l>
<l>    X := A &amp;&amp; 1</l>
<l>endif</l>
</body>
<docu id="main">
<parameters/>
</docu>
</procedure>
</hdevelop>
"""


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("HDL_CACHE_DIR", str(directory))
    monkeypatch.delenv("HDL_NO_CACHE", raising=False)
    return directory


def test_text_program_parses_into_blocks(tmp_path):
    path = tmp_path / "count.hds"
    path.write_text(PROGRAM)
    loaded = loader.load_file(path, use_cache=False)
    assert set(loaded.bodies) == {"main", "add_one"}
    main = loaded.bodies["main"].body
    assert isinstance(main[0], n.Assign) and isinstance(main[1], n.ForBlock)
    assert main[1].body[0] == n.Call("add_one", [n.Var("Sum"), n.Var("Sum")])
    assert main[1].pos == n.Position(str(path), "main", 4, 1)
    assert loaded.source.procedure("add_one").interface.control_in[0].name == "In"


def test_xml_errors_point_into_the_file(tmp_path):
    path = tmp_path / "bad.hdev"
    path.write_text(XML_PROGRAM)
    with pytest.raises(HdlSyntaxError) as info:
        loader.load_file(path, use_cache=False)
    error = info.value
    # `X := A && 1`: the second & is unexpected; line 8 of the XML file
    assert (error.file, error.line, error.procedure) == (str(path), 8, "main")
    assert error.source_line == "    X := A && 1"
    assert error.caret_column == 12


def test_errors_of_all_procedures_are_reported_together(tmp_path):
    path = tmp_path / "two.hds"
    path.write_text("procedure main ()\nX := (\nendprocedure\n\nprocedure p ()\nif (1)\nendprocedure\n")
    with pytest.raises(HdlSyntaxErrors) as info:
        loader.load_file(path, use_cache=False)
    assert [(e.procedure, e.line) for e in info.value.errors] == [("main", 2), ("p", 6)]


def test_cache_hit_returns_the_same_result(tmp_path, cache_dir):
    path = tmp_path / "count.hds"
    path.write_text(PROGRAM)
    first = loader.load_file(path)
    entries = list(cache_dir.rglob("*"))
    assert any(p.is_file() for p in entries)
    second = loader.load_file(path)
    assert second.bodies == first.bodies
    assert second.source == first.source
    assert second is not first


def test_changed_file_is_parsed_again(tmp_path, cache_dir):
    path = tmp_path / "count.hds"
    path.write_text(PROGRAM)
    loader.load_file(path)
    path.write_text(PROGRAM.replace("Sum := 0", "Sum := 10"))
    assert loader.load_file(path).bodies["main"].body[0].value == n.Const(10)


def test_syntax_errors_are_not_cached(tmp_path, cache_dir):
    path = tmp_path / "bad.hds"
    path.write_text("X := (\n")
    for _ in range(2):
        with pytest.raises(HdlSyntaxError):
            loader.load_file(path)
    assert not any(p.is_file() for p in cache_dir.rglob("*")) if cache_dir.exists() else True


class Boom:
    def __reduce__(self):
        return (os.system, ("echo hacked > /dev/null",))


def test_tampered_cache_entry_runs_no_code_and_is_replaced(tmp_path, cache_dir):
    path = tmp_path / "count.hds"
    path.write_text(PROGRAM)
    data = path.read_bytes()
    key = loader._cache_key(data, str(path))
    entry = cache_dir / key[:2] / key
    entry.parent.mkdir(parents=True)
    entry.write_bytes(pickle.dumps(Boom()))
    loaded = loader.load_file(path)  # the hostile entry is refused, the file parsed
    assert set(loaded.bodies) == {"main", "add_one"}
    assert loader._cache_read(key) is not None  # and the entry was rewritten


def test_unwritable_cache_only_costs_speed(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("HDL_CACHE_DIR", str(blocker / "sub"))
    path = tmp_path / "count.hds"
    path.write_text(PROGRAM)
    assert set(loader.load_file(path).bodies) == {"main", "add_one"}
