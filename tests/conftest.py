"""Collect HDevelop test programs under tests/language/ (as Hy collects its .hy tests).

Every procedure whose name starts with `test_` is one test item; a program
without such procedures is one item that runs its main.  An item passes when
its procedure runs to its end: it checks itself with hdl_assert,
hdl_assert_equal and hdl_assert_error, and any uncaught error fails it with
the HDevelop location, message and call stack.  Each item starts as a new
process would: set_system defaults, a reseeded random generator, HALCON's
default system image size, no windows, the same working directory.
"""

import pytest

TEST_PREFIX = "test_"


def pytest_collect_file(parent, file_path):
    if file_path.suffix in (".hds", ".hdev") and "language" in file_path.parts:
        return HdevFile.from_parent(parent, path=file_path)
    return None


class HdevFile(pytest.File):
    def collect(self):
        from hdl.loader import load_file
        self.loaded = loaded = load_file(self.path, use_cache=False)
        tests = [p for p in loaded.source.procedures if p.name.startswith(TEST_PREFIX)]
        if not tests:
            yield HdevItem.from_parent(self, name=self.path.stem, procedure="main", line=0)
            return
        for proc in tests:
            line = proc.lines[0].line - 1 if proc.lines else 0
            yield HdevItem.from_parent(self, name=proc.name, procedure=proc.name, line=line)


class HdevItem(pytest.Item):
    def __init__(self, *, procedure: str, line: int, **kwargs):
        super().__init__(**kwargs)
        self.procedure = procedure
        self.line = line

    def runtest(self):
        from hdl.program import Program, fresh_process_state

        with fresh_process_state():
            program = Program(self.parent.loaded)  # parsed once per file, at collection
            if self.procedure == "main":
                program.run()
            else:
                program.call(self.procedure)

    def repr_failure(self, excinfo):
        from hdl.errors import HdlError
        if isinstance(excinfo.value, HdlError):
            return excinfo.value.format()
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.line, f"hdevelop: {self.path.name}::{self.name}"
