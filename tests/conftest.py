"""Collect HDevelop test programs: every tests/language/**/*.hds or *.hdev file is a test.

A program passes when it runs to its end: it checks itself with hdl_assert,
hdl_assert_equal and hdl_assert_error, and any uncaught error fails it with
the HDevelop location and message (as Hy collects its .hy tests).
"""

import pytest


def pytest_collect_file(parent, file_path):
    if file_path.suffix in (".hds", ".hdev") and "language" in file_path.parts:
        return HdevFile.from_parent(parent, path=file_path)
    return None


class HdevFile(pytest.File):
    def collect(self):
        yield HdevProgram.from_parent(self, name=self.path.stem)


class HdevProgram(pytest.Item):
    def runtest(self):
        import os

        from hdl.functions import RNG
        from hdl.loader import load_file
        from hdl.runtime import Program
        from hdl import iconic
        # A program may seed the random generator, change directory or grow the system
        # image size (HALCON's process-wide state): the next one starts as a new process would.
        state, directory, size = RNG.getstate(), os.getcwd(), list(iconic.SYSTEM_SIZE)
        iconic.SYSTEM_SIZE[:] = [512, 512]
        try:
            Program(load_file(self.path, use_cache=False)).run()
        finally:
            RNG.setstate(state)
            os.chdir(directory)
            iconic.SYSTEM_SIZE[:] = size

    def repr_failure(self, excinfo):
        from hdl.errors import HdlError
        if isinstance(excinfo.value, HdlError):
            return excinfo.value.format()
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"hdevelop: {self.name}"
