"""Operator arguments: the one place where a call's inputs are checked.

Every operator takes its inputs apart with these functions, as every
starlark built-in goes through one `UnpackArgs`.  Each takes the value and
the parameter's number among the operator's control inputs (1-based), and
raises HALCON's code for what is wrong: wrong type (1200 + n), wrong value
(1300 + n), wrong number of values (1400 + n), a handle of another kind
(2404) or a cleared one (2454).

No operator passes its own name: the registry names the operator that was
called on every error raised inside it, and puts the parameter's name from
the signature in front of the message (`param` below says which one).
`what`, where given, names the value inside that parameter, e.g. the
model parameter 'batch_size' inside GenParamValue.

Decisions (docs/semantics.md, "Operator arguments"): an integer parameter
takes a real without fraction (2.0 is 2) and reports one with a fraction as
a wrong value; a number parameter takes integers and reals; an empty tuple
is wrong *number* of values where one value is needed.
"""

from __future__ import annotations

import math

from . import errorcodes as ec
from .errors import HdlRuntimeError
from .iconic import Image, Region
from .values import Handle, IconicObject, ObjectTuple, Vector, describe, elements


# ---- errors ---------------------------------------------------------------------

def _error(code: int, param: int | None, message: str, operator: str | None) -> HdlRuntimeError:
    error = HdlRuntimeError(code, message, operator)
    error.param = param
    return error


def wrong_type(param: int, message: str, operator: str | None = None) -> HdlRuntimeError:
    """H_ERR_WIPT<param>.  `operator` only for the expression layer (tuple_add for +)."""
    return _error(ec.wrong_type(param), param, message, operator)


def wrong_value(param: int, message: str, operator: str | None = None) -> HdlRuntimeError:
    return _error(ec.wrong_value(param), param, message, operator)


def wrong_number(param: int, message: str, operator: str | None = None) -> HdlRuntimeError:
    return _error(ec.wrong_number(param), param, message, operator)


def type_error(param: int, value, expected: str, operator: str | None = None) -> HdlRuntimeError:
    """'<expected> expected, got <what value is>' as a wrong type of parameter `param`."""
    return wrong_type(param, f"{expected} expected, got {describe(value)}", operator)


def _subject(what: str) -> str:
    return f"{what}: " if what else ""


# ---- control values ----------------------------------------------------------------

def control(value, param: int, what: str = "") -> list:
    """The elements of a control input (a fresh list); an object or vector: wrong type."""
    if isinstance(value, (ObjectTuple, IconicObject, Vector)):
        raise type_error(param, value, f"{_subject(what)}a control value")
    items = elements(value)
    return items.copy() if items is value else items


def one(value, param: int, what: str = ""):
    """Exactly one control value."""
    items = control(value, param, what)
    if len(items) != 1:
        raise wrong_number(param, f"{_subject(what)}one value expected, got {len(items)}")
    return items[0]


def _counted(items: list, param: int, what: str, count: int | None, nonempty: bool) -> list:
    if count is not None and len(items) != count:
        raise wrong_number(param, f"{_subject(what)}{count} values expected, got {len(items)}")
    if nonempty and not items:
        raise wrong_number(param, f"{_subject(what)}at least one value expected, got none")
    return items


def _range_text(low, high, low_open=False, high_open=False) -> str:
    parts = []
    if low is not None:
        parts.append(f"> {low}" if low_open else f">= {low}")
    if high is not None:
        parts.append(f"< {high}" if high_open else f"<= {high}")
    return " and ".join(parts)


def _check_range(x, param, what, low, high, low_open=False, high_open=False):
    if (low is not None and (x <= low if low_open else x < low)) or \
            (high is not None and (x >= high if high_open else x > high)) or x != x:
        raise wrong_value(param, f"{_subject(what)}must be "
                          f"{_range_text(low, high, low_open, high_open)}, got {x!r}")
    return x


def _as_integer(x, param: int, what: str) -> int:
    t = type(x)
    if t is int:
        return x
    if t is float:
        if x.is_integer():
            return int(x)
        raise wrong_value(param, f"{_subject(what)}an integer value expected, got real {x!r}")
    raise type_error(param, x, f"{_subject(what)}an integer")


def integer(value, param: int, what: str = "", *, low=None, high=None) -> int:
    """One integer (a real without fraction counts), optionally within low..high (inclusive)."""
    x = _as_integer(one(value, param, what), param, what)
    return _check_range(x, param, what, low, high)


def integers(value, param: int, what: str = "", *, low=None, high=None, count: int | None = None,
             nonempty: bool = False, distinct: bool = False) -> list[int]:
    items = [_check_range(_as_integer(x, param, what), param, what, low, high)
             for x in control(value, param, what)]
    if distinct and len(set(items)) != len(items):
        raise wrong_value(param, f"{_subject(what)}the values must be distinct")
    return _counted(items, param, what, count, nonempty)


def _as_number(x, param: int, what: str):
    t = type(x)
    if t is int or t is float:
        return x
    raise type_error(param, x, f"{_subject(what)}a number")


def number(value, param: int, what: str = "", *, low=None, high=None):
    """One number, integer or real as given."""
    return _check_range(_as_number(one(value, param, what), param, what), param, what, low, high)


def numbers(value, param: int, what: str = "", *, count: int | None = None,
            nonempty: bool = False) -> list:
    items = [_as_number(x, param, what) for x in control(value, param, what)]
    return _counted(items, param, what, count, nonempty)


def real(value, param: int, what: str = "", *, low=None, high=None, low_open: bool = False,
         high_open: bool = False, finite: bool = False) -> float:
    """One number as a float, optionally within a range (open or closed at each end)."""
    x = float(_as_number(one(value, param, what), param, what))
    if finite and not math.isfinite(x):
        raise wrong_value(param, f"{_subject(what)}a finite number expected, got {x!r}")
    return _check_range(x, param, what, low, high, low_open, high_open)


def reals(value, param: int, what: str = "", *, count: int | None = None,
          nonempty: bool = False) -> list[float]:
    return [float(x) for x in numbers(value, param, what, count=count, nonempty=nonempty)]


def string(value, param: int, what: str = "", *, empty: bool = True) -> str:
    """One string; `empty=False` refuses ''."""
    x = one(value, param, what)
    if type(x) is not str:
        raise type_error(param, x, f"{_subject(what)}a string")
    if not x and not empty:
        raise wrong_value(param, f"{_subject(what)}must not be empty")
    return x


def strings(value, param: int, what: str = "", *, count: int | None = None,
            nonempty: bool = False, distinct: bool = False) -> list[str]:
    items = control(value, param, what)
    for x in items:
        if type(x) is not str:
            raise type_error(param, x, f"{_subject(what)}strings")
    if distinct and len(set(items)) != len(items):
        raise wrong_value(param, f"{_subject(what)}the values must be distinct")
    return _counted(items, param, what, count, nonempty)


def _valid_text(allowed) -> str:
    return ", ".join(repr(a) for a in allowed)


def choice(value, param: int, allowed, what: str = ""):
    """One of `allowed` (strings or numbers, compared as given)."""
    x = one(value, param, what)
    if type(x) not in (str, int, float) or x not in allowed:
        raise wrong_value(param, f"{_subject(what)}{x!r} is not supported; valid: "
                          f"{_valid_text(allowed)}")
    return x


def choices(value, param: int, allowed, what: str = "") -> list:
    items = control(value, param, what)
    for x in items:
        if type(x) not in (str, int, float) or x not in allowed:
            raise wrong_value(param, f"{_subject(what)}{x!r} is not supported; valid: "
                              f"{_valid_text(allowed)}")
    return items


def _kind_name(kind: type) -> str:
    return getattr(kind, "type_name", kind.__name__)


def _as_handle(x, param: int, kind: type, what: str):
    if not isinstance(x, kind):
        if isinstance(x, Handle):
            raise _error(ec.WRONG_HANDLE_TYPE, param, f"{_subject(what)}a {_kind_name(kind)} "
                         f"handle expected, got a handle of type '{x.type_name}'", None)
        raise type_error(param, x, f"{_subject(what)}a {_kind_name(kind)} handle")
    if not x.valid:
        raise _error(ec.HANDLE_CLEARED, param,
                     f"{_subject(what)}the {_kind_name(kind)} handle has been cleared", None)
    return x


def handle(value, param: int, kind: type = Handle, what: str = ""):
    """One valid handle of the class `kind` (DictHandle, a model handle …)."""
    return _as_handle(one(value, param, what), param, kind, what)


def handles(value, param: int, kind: type = Handle, what: str = "", *,
            nonempty: bool = False) -> list:
    items = [_as_handle(x, param, kind, what) for x in control(value, param, what)]
    return _counted(items, param, what, None, nonempty)


def name_value_pairs(names, values, name_param: int, value_param: int) -> list[tuple[str, object]]:
    """GenParamName/GenParamValue: as many values as names, names are strings."""
    names = strings(names, name_param)
    values = control(values, value_param)
    if len(names) != len(values):
        raise wrong_number(value_param, f"{len(names)} parameter names but {len(values)} values")
    return list(zip(names, values))


def common_length(lists: list[list], params: list[int]) -> int:
    """The length per-object parameter tuples share (a tuple of length 1 repeats)."""
    n = max((len(x) for x in lists), default=0)
    for items, param in zip(lists, params):
        if len(items) not in (1, n):
            raise wrong_number(param, f"{len(items)} values where the other parameters have {n}")
    return n


# ---- iconic values -------------------------------------------------------------------

def objects(value, what: str = "object") -> list:
    """The objects of an iconic input (an object tuple or a single object)."""
    if isinstance(value, ObjectTuple):
        return value.items
    if isinstance(value, IconicObject):
        return [value]
    raise HdlRuntimeError(ec.ICONIC_EXPECTED, f"{what}: iconic object expected, got "
                          f"{describe(value)}")


def images(value) -> list:
    found = objects(value, "image")
    for obj in found:
        if not isinstance(obj, Image):
            raise HdlRuntimeError(ec.NOT_AN_IMAGE, f"an image is expected, got a {obj.type_name}")
    return found


def image(value):
    """Exactly one image."""
    found = images(value)
    if len(found) != 1:
        raise HdlRuntimeError(ec.wrong_number(1), f"exactly one image expected, got {len(found)}")
    return found[0]


def regions(value) -> list:
    """The regions of an input; an image stands for its domain (as in HALCON)."""
    found = []
    for obj in objects(value, "region"):
        if isinstance(obj, Region):
            found.append(obj)
        elif isinstance(obj, Image):
            found.append(obj.domain())
        else:
            raise HdlRuntimeError(ec.NOT_AN_IMAGE, f"a region is expected, got a {obj.type_name}")
    return found
