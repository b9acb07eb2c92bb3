"""Values as text: `+` with strings, `$` formatting, HALCON's regular expressions."""

from __future__ import annotations

import math
import re
from functools import lru_cache

from .args import type_error, wrong_number, wrong_type, wrong_value
from .values import _MASK64, Handle, canonical, elements


# ---- number → text -------------------------------------------------------------

def to_text(x) -> str:
    """How `+` turns an element into text: integers in decimal, reals like C's %g."""
    t = type(x)
    if t is str:
        return x
    if t is int:
        return str(x)
    if t is float:
        return _real_text(x)
    if isinstance(x, Handle):
        return repr(x)
    raise type_error(1, x, "number or string")


def _real_text(x: float) -> str:
    if x != x:
        return "nan"
    if x in (math.inf, -math.inf):
        return "inf" if x > 0 else "-inf"
    return "%g" % x


# ---- regular expressions (shared with functions.py) ------------------------------

REGEX_OPTIONS = {"ignore_case", "multiline", "dot_matches_all", "newline_lf", "newline_crlf",
                 "newline_cr", "replace_all", "invert_match"}

_POSIX_CLASSES = {
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z",
    "space": r" \t\n\r\f\v", "punct": r"!-/:-@\[-`{-~", "xdigit": "0-9A-Fa-f", "word": r"\w",
    "blank": r" \t", "cntrl": r"\x00-\x1f\x7f", "print": r"\x20-\x7e", "graph": r"\x21-\x7e",
}


def _perl_to_python(pattern: str) -> str:
    """Translate the Perl-only bits of a HALCON (PCRE) pattern to Python `re`."""
    out = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            d = pattern[i + 1]
            if d == "z":
                out.append(r"\Z")
            elif d == "Z":
                out.append(r"(?=\n?\Z)")
            else:
                out.append(pattern[i:i + 2])
            i += 2
            continue
        if c == "[" and pattern.startswith("[:", i):
            end = pattern.find(":]", i + 2)
            name = pattern[i + 2:end] if end > 0 else ""
            if name in _POSIX_CLASSES:
                out.append(_POSIX_CLASSES[name])
                i = end + 2
                continue
        out.append(c)
        i += 1
    return "".join(out)


@lru_cache(maxsize=512)
def _compile_regex(pattern: str, flags: int):
    try:
        return re.compile(_perl_to_python(pattern), flags)
    except re.error as exc:
        raise wrong_value(2, f"invalid regular expression {pattern!r}: {exc}") from None


def compile_regex(expression, param: int = 2):
    """A (compiled pattern, option set) from HALCON's [Pattern, Option, …] tuple."""
    items = elements(expression)
    if not items or type(items[0]) is not str:
        raise wrong_type(param, "regular expression must be a string")
    options = set()
    for o in items[1:]:
        if type(o) is not str or o not in REGEX_OPTIONS:
            raise wrong_value(param, f"unknown regular expression option {o!r}")
        options.add(o)
    flags = 0
    if "ignore_case" in options:
        flags |= re.IGNORECASE
    if "multiline" in options:
        flags |= re.MULTILINE
    if "dot_matches_all" in options:
        flags |= re.DOTALL
    return _compile_regex(items[0], flags), options


def regex_count(t, pattern) -> int:
    """t =~ pattern: number of string elements of t matching (like tuple_regexp_test)."""
    rx, options = compile_regex(pattern)
    invert = "invert_match" in options
    count = 0
    for x in elements(t):
        if type(x) is str:
            if (rx.search(x) is not None) != invert:
                count += 1
    return count


# ---- $ formatting -------------------------------------------------------------

_FORMAT_RE = re.compile(r"([-+ #0]*)(\d*)(?:\.(\d*))?([diouxXfFeEgGs]?)")


@lru_cache(maxsize=256)
def _parse_format(spec: str):
    m = _FORMAT_RE.fullmatch(spec)
    if m is None:
        raise wrong_value(2, f"invalid format specification {spec!r}", "tuple_string")
    flags, width, precision, conv = m.groups()
    head = "%" + flags + width + ("." + precision if precision is not None else "")
    return head, conv


def _format1(x, head: str, conv: str) -> str:
    t = type(x)
    if not conv:
        conv = "d" if t is int else ("g" if t is float else "s")
    if conv in "diouxX":
        if t is float:
            if x != x or x in (math.inf, -math.inf):
                raise wrong_value(1, f"cannot format {x!r} as an integer", "tuple_string")
            x = int(x)
        elif t is not int:
            raise type_error(1, x, "number", "tuple_string")
        if conv in "ouxX" and x < 0:
            x &= _MASK64
        s = (head + conv) % x
        if conv == "o" and "#" in head:
            s = s.replace("0o", "0", 1)
        return s
    if conv in "fFeEgG":
        if t is int:
            x = float(x)
        elif t is not float:
            raise type_error(1, x, "number", "tuple_string")
        return (head + conv) % x
    # 's'
    if t is not str:
        x = to_text(x)
    return (head + "s") % x


def format_value(v, spec):
    """v $ spec: C printf conversion (without %) applied to each element."""
    if type(spec) is not str:
        items = elements(spec)
        if len(items) != 1:
            raise wrong_number(2, "format must be a single string", "tuple_string")
        spec = items[0]
        if type(spec) is not str:
            raise type_error(2, spec, "format string", "tuple_string")
    head, conv = _parse_format(spec)
    t = type(v)
    if t is int or t is float or t is str:
        return _format1(v, head, conv)
    return canonical([_format1(x, head, conv) for x in elements(v)])
