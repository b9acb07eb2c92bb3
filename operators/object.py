"""Object chapter: object tuples (select, concatenate, count, copy, compare).

Object tuples are hdl.values.ObjectTuple; indices of object operators are
1-based as in HALCON.  An *empty* object tuple (gen_empty_obj) is a value;
an uninitialised iconic variable is an error when read.
"""

import numpy as np

from hdl import args
from hdl import values as v
from hdl.iconic import Image, Region
from hdl.registry import operator


@operator("gen_empty_obj ( : EmptyObject : : )")
def gen_empty_obj():
    """An object tuple with no objects (|O| = 0)."""
    return v.ObjectTuple()


@operator("count_obj ( Objects : : : Number )")
def count_obj(objects):
    """Number of objects of the tuple."""
    return len(args.objects(objects))


@operator("concat_obj ( Objects1, Objects2 : ObjectsConcat : : )")
def concat_obj(objects1, objects2):
    """Objects1 followed by Objects2 (the objects themselves are shared, not copied)."""
    return v.ObjectTuple(args.objects(objects1) + args.objects(objects2))


@operator("select_obj ( Objects : ObjectSelected : Index : )")
def select_obj(objects, index):
    """The objects at the 1-based indices Index (a tuple selects several)."""
    items = args.objects(objects)
    out = []
    for i in args.integers(index, 1):
        if i < 1 or i > len(items):
            raise args.wrong_value(1, f"index {i} out of range 1..{len(items)}")
        out.append(items[i - 1])
    return v.ObjectTuple(out)


@operator("copy_obj ( Objects : ObjectsSelected : Index, NumObj : )")
def copy_obj(objects, index, num_obj):
    """NumObj objects starting at the 1-based Index; NumObj = -1 copies all from Index on."""
    items = args.objects(objects)
    start = args.integer(index, 1)
    count = args.integer(num_obj, 2)
    if start < 1 or start > len(items):
        raise args.wrong_value(1, f"index {start} out of range 1..{len(items)}")
    if count == -1:
        count = len(items) - start + 1
    if count < 0 or start - 1 + count > len(items):
        raise args.wrong_value(2, f"cannot copy {count} objects from index {start} "
                               f"of {len(items)}")
    return v.ObjectTuple(items[start - 1:start - 1 + count])


def _same_object(a, b, epsilon: float) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, Region):
        return a.same(b)
    if isinstance(a, Image):
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


def _compare(objects1, objects2, epsilon: float) -> int:
    a = args.objects(objects1)
    b = args.objects(objects2)
    if len(a) != len(b):
        return 0
    return int(all(_same_object(x, y, epsilon) for x, y in zip(a, b)))


@operator("compare_obj ( Objects1, Objects2 : : Epsilon : IsEqual )")
def compare_obj(objects1, objects2, epsilon):
    """1 when both tuples hold equal objects pairwise: same regions; images with the same
    type, size and domain whose gray values differ by at most Epsilon inside the domain."""
    return _compare(objects1, objects2, args.real(epsilon, 1, low=0))


@operator("test_equal_obj ( Objects1, Objects2 : : : IsEqual )")
def test_equal_obj(objects1, objects2):
    """compare_obj with Epsilon 0."""
    return _compare(objects1, objects2, 0.0)


@operator("obj_diff ( Objects, ObjectsSub : ObjectsDiff : : )")
def obj_diff(objects, objects_sub):
    """The objects of Objects that are not (identical objects) in ObjectsSub."""
    sub = {id(o) for o in args.objects(objects_sub)}
    return v.ObjectTuple([o for o in args.objects(objects) if id(o) not in sub])


@operator("get_obj_class ( Object : : : Class )")
def get_obj_class(objects):
    """'image' or 'region' for each object."""
    return v.canonical([o.type_name for o in args.objects(objects)])
