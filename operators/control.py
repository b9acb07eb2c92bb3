"""Control chapter: the operators the language itself needs (errors, checks, threads, tests)."""

from hdl import args
from hdl import errorcodes as ec
from hdl import values as v
from hdl.errors import HdlRuntimeError
from hdl.registry import operator
from hdl.support import EXCEPTION_SLOTS, SYSTEM_LAYOUT_LENGTH

# checks of HALCON's internals that have no effect here
_INTERNAL_CHECKS = ("father", "~father", "update_window", "~update_window", "color", "~color",
                    "text", "~text", "region", "~region", "parameter", "~parameter", "database",
                    "~database", "clear", "~clear", "memory", "~memory", "all", "~all",
                    "fast", "~fast", "interface", "~interface", "default")


@operator("dev_set_check ( : : Mode : )", needs_context=True)
def dev_set_check(ctx, mode):
    """'give_error' raises operator errors as exceptions (the default); '~give_error' suppresses them."""
    for item in args.choices(mode, 1, ("give_error", "~give_error") + _INTERNAL_CHECKS):
        if item == "give_error":
            ctx.give_error = True
        elif item == "~give_error":
            ctx.give_error = False


@operator("dev_error_var ( : : ErrorVar, Mode : )")
def dev_error_var(error_var, mode):
    """Handled by the compiler: after each operator call, ErrorVar gets its return code."""
    raise args.wrong_value(1, "dev_error_var must be called with a variable")


@operator("dev_get_exception_data ( : : Exception, Name : Value)")
def dev_get_exception_data(exception, name):
    """Named slots of a caught exception tuple; '' for slots it does not have."""
    items = args.control(exception, 1)
    names = args.strings(name, 2)
    system = (len(items) >= SYSTEM_LAYOUT_LENGTH and isinstance(items[0], int)
              and isinstance(items[2], str))
    if "user_data" in names:
        if len(names) > 1:
            raise args.wrong_value(2, "'user_data' cannot be requested together with other slots")
        return v.canonical(items[SYSTEM_LAYOUT_LENGTH:] if system else items[1:])
    result = []
    for slot in names:
        if slot not in EXCEPTION_SLOTS:
            raise args.wrong_value(2, f"unknown exception data slot {slot!r}; valid: "
                                   + ", ".join(sorted(list(EXCEPTION_SLOTS) + ['user_data'])))
        if slot == "error_code":
            result.append(items[0] if items else "")
        elif system:
            result.append(items[EXCEPTION_SLOTS[slot]])
        else:
            result.append("")
    return v.canonical(result)


@operator("par_join ( : : ThreadID : )")
def par_join(thread_id):
    """Handled by the compiler, which writes the threads' outputs back to the caller."""
    raise args.wrong_value(1, "par_join is only valid as a statement")


def _typed(value):
    return [(type(x).__name__, x) for x in v.as_list(value)]


@operator("hdl_assert ( : : Condition, Message : )")
def hdl_assert(condition, message):
    """hdl's test assertion: fails unless Condition is one non-zero integer."""
    items = v.as_list(condition)
    if len(items) != 1 or type(items[0]) is not int or items[0] == 0:
        raise HdlRuntimeError(ec.ASSERTION_FAILED, f"assertion failed: {_text(message)} "
                              f"(condition was {items!r})")


@operator("hdl_assert_equal ( : : Actual, Expected, Message : )")
def hdl_assert_equal(actual, expected, message):
    """hdl's test assertion: same elements with the same types (1 and 1.0 differ here)."""
    if _typed(actual) != _typed(expected):
        raise HdlRuntimeError(ec.ASSERTION_FAILED, f"{_text(message)}: expected {_show(expected)}, "
                              f"got {_show(actual)}")


@operator("hdl_assert_error ( : : Exception, ErrorCode, Message : )")
def hdl_assert_error(exception, error_code, message):
    """hdl's test assertion: a caught exception tuple carries this error code.

    ErrorCode [] accepts any error but a failed assertion, so an `hdl_assert (0, …)`
    inside the `try` cannot pass for the error the test expects.
    """
    items = v.as_list(exception)
    expected = v.as_list(error_code)
    if not items:
        ok = False
    elif not expected:
        ok = items[0] != ec.ASSERTION_FAILED
    else:
        ok = items[0] == expected[0]
    if not ok:
        raise HdlRuntimeError(ec.ASSERTION_FAILED, f"{_text(message)}: expected error "
                              f"{expected or 'other than a failed assertion'}, got {items[:3]!r}")


def _text(message) -> str:
    return " ".join(str(x) for x in v.as_list(message))


def _show(value) -> str:
    items = v.as_list(value)
    return "[" + ", ".join(repr(x) if not isinstance(x, float) else repr(x) for x in items) + "]"


@operator("clear_handle ( : : Handle : )")
def clear_handle(handle):
    """Free handles now (files close, dicts empty); using one afterwards is an error."""
    for item in args.control(handle, 1):
        if not isinstance(item, v.Handle):
            raise args.type_error(1, item, "a handle")
        item.clear()
