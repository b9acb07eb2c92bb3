"""Interpreter speed against plain Python / numpy doing the same work, in one run.

(a) a 1,000,000-pass for loop with scalar arithmetic and an if,
(b) element-wise arithmetic on a 1,000,000-element tuple,
(c) 100,000 calls of a small procedure.

Goals (issue "Runtime"): (a) ≤ 3× CPython, (b) ≤ 2× numpy, (c) ≤ 10 µs per call.
Run: .venv/bin/python benchmarks/interpreter.py   (figures go to benchmarks/results/)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from machine import machine_description, write_results  # noqa: E402

from hdl.loader import load_bytes  # noqa: E402
from hdl.program import Program  # noqa: E402

LOOP = """\
Sum := 0
for I := 1 to 1000000 by 1
    X := I * 3 + 1
    if (X % 2 == 0)
        Sum := Sum + X
    endif
endfor
"""

TUPLE = """\
T := [0:999999]
for K := 1 to 20 by 1
    R := T * 2 + 1
endfor
"""

CALLS = """\
procedure main ()
S := 0
for I := 1 to 100000 by 1
    add_one (S, S)
endfor
endprocedure

procedure add_one ( : : In : Out)
Out := In + 1
endprocedure
"""


def python_loop():
    total = 0
    for i in range(1, 1000001):
        x = i * 3 + 1
        if x % 2 == 0:
            total = total + x
    return total


def numpy_tuple():
    t = np.arange(1000000, dtype=np.int64)
    for _ in range(20):
        r = t * 2 + 1
    return r


def python_calls():
    def add_one(value):
        return value + 1
    s = 0
    for _ in range(100000):
        s = add_one(s)
    return s


def best_of(function, repeat=5):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def hdl_program(text: str):
    directory = tempfile.mkdtemp()
    path = os.path.join(directory, "bench.hds")
    with open(path, "w") as handle:
        handle.write(text)
    loaded = load_bytes(text, path, use_cache=False)

    def run():
        return Program(loaded).run()  # a fresh program each time: compiling is part of the cost

    return run


def main():
    rows = []
    hdl_a, variables = best_of(hdl_program(LOOP))
    py_a, expected = best_of(python_loop)
    assert variables["Sum"] == expected, (variables["Sum"], expected)
    rows.append(("a_scalar_loop", hdl_a, py_a, "CPython", hdl_a / py_a, 3.0))

    hdl_b, variables = best_of(hdl_program(TUPLE))
    np_b, expected = best_of(numpy_tuple)
    assert np.array_equal(np.asarray(variables["R"]), expected)
    rows.append(("b_tuple_arithmetic", hdl_b, np_b, "numpy", hdl_b / np_b, 2.0))

    hdl_c, variables = best_of(hdl_program(CALLS))
    py_c, _ = best_of(python_calls)
    assert variables["S"] == 100000
    per_call_us = hdl_c / 100000 * 1e6
    rows.append(("c_procedure_calls", hdl_c, py_c, "CPython", hdl_c / py_c, None))

    print(f"{'case':22} {'hdl s':>9} {'reference s':>12} {'ratio':>7}  goal")
    for name, hdl_s, ref_s, ref_name, ratio, goal in rows:
        goal_text = f"<= {goal}x {ref_name}" if goal else f"{per_call_us:.2f} us/call (goal <= 10)"
        print(f"{name:22} {hdl_s:9.4f} {ref_s:12.4f} {ratio:7.2f}  {goal_text}")
    write_results("interpreter", [
        {"case": name, "hdl_seconds": round(hdl_s, 6), "reference": ref_name,
         "reference_seconds": round(ref_s, 6), "time_ratio": round(ratio, 3),
         "goal_ratio": goal, **({"us_per_call": round(per_call_us, 3)} if name.startswith("c_") else {})}
        for name, hdl_s, ref_s, ref_name, ratio, goal in rows])


if __name__ == "__main__":
    print(machine_description())
    main()
