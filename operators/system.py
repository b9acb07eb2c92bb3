"""System: get_system/set_system, time, waiting, shell commands.

set_system parameters are process-wide, as in HALCON.  Only 'seed_rand'
changes hdl's behaviour (it reseeds hdl.functions.RNG, so rand(),
tuple_rand and tuple_shuffle repeat); the others are accepted and stored
with HALCON's defaults so programs that set them run unchanged.
"""

from __future__ import annotations

import os
import subprocess
import time

from hdl import args
from hdl import functions
from hdl import values as v
from hdl.registry import operator, process_state

_BOOL = ("true", "false")


def _positive_int(value):
    return type(value) is int and value > 0


# name → (default, validator of one value or None for any string/number, description)
_PARAMETERS: dict[str, tuple[object, object]] = {
    "seed_rand": (0, lambda x: type(x) is int),
    "width": (512, _positive_int),
    "height": (512, _positive_int),
    "tsp_width": (512, _positive_int),
    "tsp_height": (512, _positive_int),
    "neighborhood": (8, lambda x: type(x) is int and x in (4, 8)),
    "border_shape_models": ("false", lambda x: x in _BOOL),
    "clip_region": ("true", lambda x: x in _BOOL),
    "tsp_clip_region": ("true", lambda x: x in _BOOL),
    "store_empty_region": ("true", lambda x: x in _BOOL),
    "tsp_store_empty_region": ("true", lambda x: x in _BOOL),
    "init_new_image": ("true", lambda x: x in _BOOL),
    "tsp_init_new_image": ("true", lambda x: x in _BOOL),
    "no_object_result": ("true", lambda x: x in ("true", "false", "fail", "void", "exception")),
    "empty_region_result": ("true", lambda x: x in ("true", "false", "fail", "void", "exception")),
    "tsp_no_object_result": ("true", lambda x: x in ("true", "false", "fail", "void", "exception")),
    "tsp_empty_region_result": ("true", lambda x: x in ("true", "false", "fail", "void", "exception")),
    "do_low_error": ("false", lambda x: x in ("true", "false", "print", "message", "info")),
    "int_zooming": ("true", lambda x: x in _BOOL),
    "backing_store": ("true", lambda x: x in _BOOL),
    "flush_graphic": ("true", lambda x: x in _BOOL),
    "update_lut": ("true", lambda x: x in _BOOL),
    "parallelize_operators": ("true", lambda x: x in _BOOL),
    "reentrant": ("true", lambda x: x in _BOOL),
    "temporary_mem_cache": ("true", lambda x: x in ("true", "false", "idle", "shared", "exclusive")),
    "global_mem_cache": ("exclusive", lambda x: x in ("idle", "shared", "exclusive", "cleanup")),
    "clock_mode": ("performance_counter", lambda x: x in ("processor_time", "elapsed_time",
                                                          "performance_counter")),
    "filename_encoding": ("utf8", lambda x: x in ("utf8", "locale")),
    "thread_num": (os.cpu_count() or 1, _positive_int),
    "tsp_thread_num": (os.cpu_count() or 1, _positive_int),
    "image_dir": (None, lambda x: type(x) is str),
    "extern_alloc_funct": (0, lambda x: type(x) is int),
    "extern_free_funct": (0, lambda x: type(x) is int),
    "graphic_colors": (None, lambda x: type(x) is str),
    "current_runlength_number": (50000, _positive_int),
    "cudnn_deterministic": ("false", lambda x: x in _BOOL),
}

#: read-only queries
_READ_ONLY = {
    "processor_num": lambda: os.cpu_count() or 1,
    "version": lambda: "hdl",
}

_SYSTEM: dict[str, object] = {}


def _current(name):
    if name in _SYSTEM:
        return _SYSTEM[name]
    if name == "image_dir":
        return os.environ.get("HALCONIMAGES", "")
    if name == "graphic_colors":
        return []
    return _PARAMETERS[name][0]


@process_state
def reset_system() -> None:
    """Back to the defaults, as a new process starts."""
    _SYSTEM.clear()
    functions.RNG.seed(0)


@operator("set_system ( : : SystemParameter, Value : )")
def set_system(system_parameter, value):
    """Pairs of names and values; 'seed_rand' reseeds rand()/tuple_rand/tuple_shuffle."""
    checked = []
    for name, x in args.name_value_pairs(system_parameter, value, 1, 2):
        if name not in _PARAMETERS:
            raise args.wrong_value(1, f"unknown or read-only system parameter {name!r}")
        if isinstance(x, v.Handle):
            raise args.type_error(2, x, f"a value for {name!r}")
        if not _PARAMETERS[name][1](x):
            raise args.wrong_value(2, f"bad value {x!r} for system parameter {name!r}")
        checked.append((name, x))
    for name, x in checked:
        _SYSTEM[name] = x
        if name == "seed_rand":
            functions.RNG.seed(x)


@operator("get_system ( : : Query : Information)")
def get_system(query):
    """The current value of a system parameter; '?' lists the names."""
    name = args.string(query, 1)
    if name == "?":
        return sorted(list(_PARAMETERS) + list(_READ_ONLY))
    if name in _READ_ONLY:
        return _READ_ONLY[name]()
    if name not in _PARAMETERS:
        raise args.wrong_value(1, f"unknown system parameter {name!r}")
    return _current(name)


# ---- time ---------------------------------------------------------------------------------

@operator("count_seconds ( : : : Seconds)")
def count_seconds():
    """Seconds (real) of a monotonic clock; only differences mean something."""
    return time.perf_counter()


@operator("wait_seconds ( : : Seconds : )")
def wait_seconds(seconds):
    time.sleep(args.real(seconds, 1, low=0, finite=True))


@operator("get_system_time ( : : : MSecond, Second, Minute, Hour, Day, YDay, Month, Year)")
def get_system_time():
    """Local time; Day is the day of the month, YDay the day of the year counted from 0."""
    now = time.time()
    t = time.localtime(now)
    msec = int((now - int(now)) * 1000)
    return msec, t.tm_sec, t.tm_min, t.tm_hour, t.tm_mday, t.tm_yday - 1, t.tm_mon, t.tm_year


@operator("system_call ( : : Command : )")
def system_call(command):
    """Runs the command in the system shell and waits for it; its exit status is not an error."""
    text = args.string(command, 1)
    try:
        subprocess.run(text, shell=True, check=False)
    except OSError as exc:
        raise args.wrong_value(1, f"cannot run {text!r}: {exc.strerror}") from None
