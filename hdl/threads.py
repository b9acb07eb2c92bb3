"""par_start / par_join: procedure and operator calls in threads.

A call started with `par_start<H> : p (…)` runs in a Python thread; its
outputs are written back into the caller's variables when the thread is
joined, by a closure the compiler writes (`writer`), as HDevelop does.
"""

from __future__ import annotations

import threading

from .args import wrong_type
from .errors import HdlRuntimeError
from .registry import blame
from .values import Handle, as_list


class ThreadHandle(Handle):
    type_name = "thread"

    def __init__(self, name: str, writer):
        super().__init__()
        self.name = name
        self.writer = writer
        self.result = None
        self.error: BaseException | None = None
        self.joined = False
        self.thread: threading.Thread | None = None


def start(ctx, function, inputs: list, writer, name: str, with_context: bool,
          is_operator: bool) -> ThreadHandle:
    """Run `function` on `inputs` in a thread (procedures and some operators take `ctx` first)."""
    handle = ThreadHandle(name, writer)

    def work():
        try:
            handle.result = function(ctx, *inputs) if with_context else function(*inputs)
        except HdlRuntimeError as exc:
            if is_operator:
                blame(exc, name)
            handle.error = exc
        except BaseException as exc:  # noqa: BLE001 - reported at par_join
            handle.error = exc

    handle.thread = threading.Thread(target=work, name=f"hdl-{name}", daemon=True)
    handle.thread.start()
    return handle


def join(handles) -> None:
    """Wait for the threads; write their outputs back; raise the first error."""
    first_error = None
    for handle in as_list(handles):
        if not isinstance(handle, ThreadHandle):
            raise blame(wrong_type(1, "par_join expects thread handles from par_start"), "par_join")
        handle.thread.join()
        if handle.joined:
            continue
        handle.joined = True
        if handle.error is not None:
            first_error = first_error or handle.error
        elif handle.result is not None:
            handle.writer(handle.result)
    if first_error is not None:
        raise first_error

