"""Object chapter: object tuples (select, concatenate, count, copy, compare).

Object tuples are hdl.values.ObjectTuple; indices of object operators are
1-based as in HALCON.  An *empty* object tuple (gen_empty_obj) is a value;
an uninitialised iconic variable is an error when read.
"""

import numpy as np

from hdl import errorcodes as ec
from hdl import iconic as ic
from hdl import values as v
from hdl.registry import operator


@operator("gen_empty_obj ( : EmptyObject : : )")
def gen_empty_obj():
    """An object tuple with no objects (|O| = 0)."""
    return v.ObjectTuple()


@operator("count_obj ( Objects : : : Number )")
def count_obj(objects):
    """Number of objects of the tuple."""
    return len(ic.objects(objects, "count_obj"))


@operator("concat_obj ( Objects1, Objects2 : ObjectsConcat : : )")
def concat_obj(objects1, objects2):
    """Objects1 followed by Objects2 (the objects themselves are shared, not copied)."""
    return v.ObjectTuple(ic.objects(objects1, "concat_obj") + ic.objects(objects2, "concat_obj"))


@operator("select_obj ( Objects : ObjectSelected : Index : )")
def select_obj(objects, index):
    """The objects at the 1-based indices Index (a tuple selects several)."""
    items = ic.objects(objects, "select_obj")
    out = []
    for i in ic.ints(index, 1, "select_obj", "integer index"):
        if i < 1 or i > len(items):
            raise ic.error(ec.wrong_value(1), f"index {i} out of range 1..{len(items)}", "select_obj")
        out.append(items[i - 1])
    return v.ObjectTuple(out)


@operator("copy_obj ( Objects : ObjectsSelected : Index, NumObj : )")
def copy_obj(objects, index, num_obj):
    """NumObj objects starting at the 1-based Index; NumObj = -1 copies all from Index on."""
    items = ic.objects(objects, "copy_obj")
    start = ic.one_int(index, 1, "copy_obj")
    count = ic.one_int(num_obj, 2, "copy_obj")
    if start < 1 or start > len(items):
        raise ic.error(ec.wrong_value(1), f"index {start} out of range 1..{len(items)}", "copy_obj")
    if count == -1:
        count = len(items) - start + 1
    if count < 0 or start - 1 + count > len(items):
        raise ic.error(ec.wrong_value(2), f"cannot copy {count} objects from index {start} "
                       f"of {len(items)}", "copy_obj")
    return v.ObjectTuple(items[start - 1:start - 1 + count])


def _same_object(a, b, epsilon: float) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, ic.Region):
        return a.same(b)
    if isinstance(a, ic.Image):
        if (a.ptype, a.width, a.height, a.channels) != (b.ptype, b.width, b.height, b.channels):
            return False
        if not a.domain().same(b.domain()):
            return False
        mask = a.domain_mask()
        for x, y in zip(a.data, b.data):
            if mask is not None:
                x, y = x[mask], y[mask]
            if epsilon == 0:
                if not np.array_equal(x, y):
                    return False
            elif x.size and np.max(np.abs(x.astype(np.float64) - y.astype(np.float64))) > epsilon:
                return False
        return True
    return a is b


def _compare(objects1, objects2, epsilon: float, name: str) -> int:
    a = ic.objects(objects1, name)
    b = ic.objects(objects2, name)
    if len(a) != len(b):
        return 0
    return int(all(_same_object(x, y, epsilon) for x, y in zip(a, b)))


@operator("compare_obj ( Objects1, Objects2 : : Epsilon : IsEqual )")
def compare_obj(objects1, objects2, epsilon):
    """1 when both tuples hold equal objects pairwise: same regions; images with the same
    type, size and domain whose gray values differ by at most Epsilon inside the domain."""
    eps = ic.one_num(epsilon, 1, "compare_obj")
    if eps < 0:
        raise ic.error(ec.wrong_value(1), "Epsilon must be >= 0", "compare_obj")
    return _compare(objects1, objects2, eps, "compare_obj")


@operator("test_equal_obj ( Objects1, Objects2 : : : IsEqual )")
def test_equal_obj(objects1, objects2):
    """compare_obj with Epsilon 0."""
    return _compare(objects1, objects2, 0.0, "test_equal_obj")


@operator("obj_diff ( Objects, ObjectsSub : ObjectsDiff : : )")
def obj_diff(objects, objects_sub):
    """The objects of Objects that are not (identical objects) in ObjectsSub."""
    sub = {id(o) for o in ic.objects(objects_sub, "obj_diff")}
    return v.ObjectTuple([o for o in ic.objects(objects, "obj_diff") if id(o) not in sub])


@operator("get_obj_class ( Object : : : Class )")
def get_obj_class(objects):
    """'image' or 'region' for each object."""
    return v.canonical([o.type_name for o in ic.objects(objects, "get_obj_class")])
