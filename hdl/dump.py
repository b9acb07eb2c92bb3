"""The JSON form of values that `hdl run --dump-vars` writes."""

from __future__ import annotations

from .values import Handle, IconicObject, ObjectTuple, Vector, elements


def _json_elem(x):
    if isinstance(x, Handle):
        return {"handle": x.type_name}
    return x


def _iconic_json(o) -> dict:
    """Exactly the four fields --dump-vars documents (regions have no size: null)."""
    return {"type": getattr(o, "type_name", None), "width": getattr(o, "width", None),
            "height": getattr(o, "height", None), "channels": getattr(o, "channels", None)}


def to_json(v):
    """The JSON form of a value used by `hdl run --dump-vars`."""
    if type(v) is Vector:
        return {"vector": [to_json(x) for x in v.items]}
    if isinstance(v, ObjectTuple):
        return {"iconic": [_iconic_json(o) for o in v.items]}
    if isinstance(v, IconicObject):
        return to_json(ObjectTuple([v]))
    return [_json_elem(x) for x in elements(v)]
