"""Per-pixel confusion counting for the DL evaluation procedures (procedures/*.hds).

HALCON's evaluation procedures count label pairs pixel by pixel with loops over
regions; the procedures of hdl do the same arithmetic in the HDevelop language
but leave the one per-pixel counting step to this operator, so a segmentation
evaluation does not run a threshold per class and image.  The name starts with
`hdl_` because HALCON has no such operator.
"""

from __future__ import annotations

import numpy as np

from hdl import args
from hdl import errorcodes as ec
from hdl import values as v
from hdl.errors import HdlRuntimeError
from hdl.registry import operator


def _class_index(data: np.ndarray, ids: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """Index of each pixel's class in ids (values rounded to integers); len(ids) for any
    other value.  Only pixels of mask (the domain) when given."""
    labels = np.rint(data[mask] if mask is not None else data.ravel()).astype(np.int64)
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    pos = np.searchsorted(sorted_ids, labels)
    pos_clipped = np.minimum(pos, len(ids) - 1)
    found = sorted_ids[pos_clipped] == labels
    return np.where(found, order[pos_clipped], len(ids))


@operator("hdl_confusion_histogram ( Truth, Prediction : : ClassIDs : Counts )")
def hdl_confusion_histogram(truth, prediction, class_ids):
    """Pixel counts of (predicted, true) label pairs, summed over the image pairs.

    ClassIDs: N integer class IDs.  Counts: (N+1)×(N+1) integers, row-major with rows =
    predicted class, columns = true class, in the order of ClassIDs; index N collects every
    pixel value that is not one of ClassIDs (e.g. ignore classes).  Gray values are rounded
    to integers; only the first channel and the pixels of Truth's domain count.  Truth and
    Prediction hold the same number of images (or Prediction one for all), pairwise of the
    same size."""
    ids_list = args.integers(class_ids, 1, nonempty=True, distinct=True)
    truths = args.images(truth)
    preds = args.images(prediction)
    if len(preds) == 1 and len(truths) > 1:
        preds = preds * len(truths)
    if len(truths) != len(preds):
        raise HdlRuntimeError(ec.ICONIC_EXPECTED, f"{len(truths)} truth and {len(preds)} "
                              "predicted images cannot be paired")
    ids = np.asarray(ids_list, dtype=np.int64)
    n = len(ids) + 1
    counts = np.zeros(n * n, dtype=np.int64)
    for t, p in zip(truths, preds):
        if (t.width, t.height) != (p.width, p.height):
            raise HdlRuntimeError(ec.IMAGE_SIZE, f"images of different sizes ({t.width}x"
                                  f"{t.height} and {p.width}x{p.height})")
        mask = t.domain_mask()
        ti = _class_index(t.data[0], ids, mask)
        pi = _class_index(p.data[0], ids, mask)
        counts += np.bincount(pi * n + ti, minlength=n * n)
    return v.canonical(counts)
