"""The name analysis the compiler consumes (hdl/names.py)."""

from hdl.loader import load_bytes
from hdl.names import analyse
from hdl.program import Program

PROGRAM = """procedure main ()
X := 1
for I := 1 to 3 by 1
    Y[I] := I
    D.key := 2
endfor
for J := 1 to 3 by 1
    J := J + 1
endfor
if (X)
    global tuple G
    dev_error_var (Err, 1)
    tuple_add (X, 1, Sum)
    V.insert(0, 1)
endif
try
    throw ([30000])
catch (E)
endtry
par_start<T> : p (X, Out)
par_join (T)
Z := H_MSG_TRUE + Unused
endprocedure

procedure p ( : : In : Out)
Out := In
endprocedure

procedure q ( : : In : )
for K := 1 to 2 by 1
    stop ()
endfor
endprocedure
"""


def names_of(procedure: str, given=()):
    program = Program(load_bytes(PROGRAM, "names.hds", use_cache=False))
    entry = program.locals[procedure]
    params = [p.name for p in entry.source.interface.all_params()]
    return analyse(entry.body, params, program.resolve, given), entry.body


def test_globals_error_variables_and_locals_come_from_anywhere_in_the_procedure():
    names, _ = names_of("main", given=["Preset"])
    assert names.globals == {"G"}
    assert names.error_vars == ["Err"]
    assert names.locals == {"X", "I", "Y", "D", "J", "Err", "Sum", "V", "E", "T", "Out", "Z",
                            "H_MSG_TRUE", "Unused", "Preset"}


def test_what_may_be_stored_into():
    names, body = names_of("main")
    # assignments (also indexed, member and vector targets), outputs, loops, catch, par_start
    assert {"X", "Y", "D", "I", "J", "Sum", "V", "E", "T", "Out", "Z"} <= names.written
    assert not names.may_write("H_MSG_TRUE") and not names.may_write("Unused")
    assert not names.may_write("Err")  # only the runtime writes it, after operator calls
    first, second = (s for s in body.body if type(s).__name__ == "ForBlock")
    assert not names.loop_may_write(first, "I") and names.loop_may_write(second, "J")


def test_a_stop_may_change_every_variable():
    names, body = names_of("q")
    loop = body.body[0]
    assert names.has_stop and names.may_write("In")
    assert names.loop_may_write(loop, "K")
    assert names.locals == {"In", "K"}
