"""Deep learning: classification and semantic segmentation models on PyTorch.

This module is imported for every program (the registry loads all operator
modules), so it must not import torch: the model code (hdl.dl.model, which
imports torch) is loaded inside the operators.  Semantics: docs/dl.md.
"""

from __future__ import annotations

from hdl import errorcodes as ec
from hdl import values as v
from hdl.atomic import atomic_write_bytes
from hdl.dl.handles import DLDeviceHandle, DLModelHandle, SerializedItemHandle
from hdl.errors import HdlRuntimeError
from hdl.registry import operator


def _err(code, message, op):
    return HdlRuntimeError(code, message, operator=op)


def _core():
    from hdl.dl import model
    return model


def _model(handle, op, param=1):
    items = v.as_list(handle)
    if len(items) != 1:
        raise _err(ec.wrong_number(param), f"exactly one model handle expected, got {len(items)}", op)
    h = items[0]
    if not isinstance(h, DLModelHandle):
        raise _err(ec.wrong_type(param), f"DL model handle expected, got {v.describe(h)}", op)
    if not h.valid or h.model is None:
        raise _err(ec.HANDLE_CLEARED, "the DL model handle was cleared", op)
    return h.model


def _str(value, param, op, what):
    items = v.as_list(value)
    if len(items) != 1 or type(items[0]) is not str:
        raise _err(ec.wrong_type(param) if len(items) == 1 else ec.wrong_number(param),
                   f"{what}: one string expected, got {v.describe(value)}", op)
    return items[0]


def _batch(value, op, param=2):
    if isinstance(value, (v.ObjectTuple, v.Vector)):
        raise _err(ec.wrong_type(param), "DLSampleBatch must be a tuple of dict handles", op)
    items = v.as_list(value)
    for i, x in enumerate(items):
        if not isinstance(x, v.DictHandle):
            raise _err(ec.wrong_type(param), f"element {i} of DLSampleBatch is "
                       f"{v.describe(x)}, a DLSample dict handle is expected", op)
        if not x.valid:
            raise _err(ec.HANDLE_CLEARED, f"element {i} of DLSampleBatch is a cleared dict", op)
    return items


# ---- models: reading, writing, serialising -------------------------------------------------

@operator("read_dl_model ( : : FileName : DLModelHandle)")
def read_dl_model(file_name):
    """A model from a file written by write_dl_model, or a pretrained network by its catalogue
    name (pretrained_dl_classifier_compact.hdl … ; ImageNet weights when found locally)."""
    op = "read_dl_model"
    name = _str(file_name, 1, op, "FileName")
    m = _core()
    kind, what = m.resolve(name)
    if kind == "file":
        return DLModelHandle(m.read_file(what, op))
    if kind == "pretrained":
        return DLModelHandle(m.DLModel.pretrained(what))
    raise _err(m.FILE_NOT_FOUND, f"model file {name!r} not found (pretrained networks: "
               + ", ".join(sorted(m.CATALOGUE)) + ")", op)


@operator("write_dl_model ( : : DLModelHandle, FileName : )")
def write_dl_model(dl_model_handle, file_name):
    """Architecture, parameters, classes, preprocessing requirements and weights in one file
    (written atomically)."""
    op = "write_dl_model"
    model = _model(dl_model_handle, op)
    name = _str(file_name, 2, op, "FileName")
    data = model.to_bytes()
    try:
        atomic_write_bytes(name, data)
    except OSError as exc:
        raise _err(5202, f"cannot write {name!r}: {exc.strerror or exc}", op) from None


@operator("serialize_dl_model ( : : DLModelHandle : SerializedItemHandle)")
def serialize_dl_model(dl_model_handle):
    """The model as a serialized item (the bytes of its model file)."""
    return SerializedItemHandle(_model(dl_model_handle, "serialize_dl_model").to_bytes())


@operator("deserialize_dl_model ( : : SerializedItemHandle : DLModelHandle)")
def deserialize_dl_model(serialized_item_handle):
    op = "deserialize_dl_model"
    items = v.as_list(serialized_item_handle)
    if len(items) != 1 or not isinstance(items[0], SerializedItemHandle):
        raise _err(ec.wrong_type(1), "one serialized item handle expected", op)
    if not items[0].valid or items[0].data is None:
        raise _err(ec.HANDLE_CLEARED, "the serialized item handle was cleared", op)
    m = _core()
    from hdl.dl import fileformat
    try:
        return DLModelHandle(m.DLModel.from_bytes(items[0].data, op))
    except fileformat.FormatError as exc:
        raise _err(m.FILE_FORMAT, f"the serialized item is not a valid hdl DL model: {exc}", op) \
            from None


@operator("clear_dl_model ( : : DLModelHandle : )")
def clear_dl_model(dl_model_handle):
    """Frees the models (a tuple of handles is accepted)."""
    for h in v.as_list(dl_model_handle):
        if not isinstance(h, DLModelHandle):
            raise _err(ec.wrong_type(1), f"DL model handle expected, got {v.describe(h)}",
                       "clear_dl_model")
        h.clear()


# ---- parameters ------------------------------------------------------------------------------

@operator("set_dl_model_param ( : : DLModelHandle, GenParamName, GenParamValue : )")
def set_dl_model_param(dl_model_handle, gen_param_name, gen_param_value):
    """One parameter per call; class_ids/class_names re-create the output layer."""
    op = "set_dl_model_param"
    model = _model(dl_model_handle, op)
    model.set(_str(gen_param_name, 2, op, "GenParamName"), gen_param_value, op)


@operator("get_dl_model_param ( : : DLModelHandle, GenParamName : GenParamValue)")
def get_dl_model_param(dl_model_handle, gen_param_name):
    op = "get_dl_model_param"
    model = _model(dl_model_handle, op)
    return model.get(_str(gen_param_name, 2, op, "GenParamName"), op)


# ---- inference and training --------------------------------------------------------------------

@operator("apply_dl_model ( : : DLModelHandle, DLSampleBatch, Outputs : DLResultBatch)")
def apply_dl_model(dl_model_handle, dl_sample_batch, outputs):
    """One DLResult dict per DLSample (Outputs [] = all default outputs)."""
    op = "apply_dl_model"
    model = _model(dl_model_handle, op)
    wanted = v.as_list(outputs)
    for o in wanted:
        if type(o) is not str:
            raise _err(ec.wrong_type(3), f"Outputs: output names expected, got {o!r}", op)
    return v.canonical(model.apply(_batch(dl_sample_batch, op), wanted, op))


@operator("train_dl_model_batch ( : : DLModelHandle, DLSampleBatch : DLTrainResult)")
def train_dl_model_batch(dl_model_handle, dl_sample_batch):
    """One optimiser step (sub-batches of batch_size accumulate); DLTrainResult.total_loss."""
    op = "train_dl_model_batch"
    model = _model(dl_model_handle, op)
    return model.train(_batch(dl_sample_batch, op), op)


@operator("gen_dl_model_heatmap ( : : DLModelHandle, DLSample, HeatmapMethod, TargetClasses, "
          "GenParam : DLResult)")
def gen_dl_model_heatmap(dl_model_handle, dl_sample, heatmap_method, target_classes, gen_param):
    """Grad-CAM: DLResult.heatmap_grad_cam.heatmap_image_class_<id> (real, input size, 0..1)."""
    op = "gen_dl_model_heatmap"
    model = _model(dl_model_handle, op)
    method = _str(heatmap_method, 3, op, "HeatmapMethod")
    targets = v.as_list(target_classes)
    for t in targets:
        if type(t) is not int:
            raise _err(ec.wrong_type(4), f"TargetClasses: class ids expected, got {t!r}", op)
    gen = {}
    items = v.as_list(gen_param)
    if items:
        if len(items) != 1 or not isinstance(items[0], v.DictHandle):
            raise _err(ec.wrong_type(5), "GenParam must be a dict handle or []", op)
        for k, x in items[0].data.items():
            if k not in ("use_conv_only", "scaling"):
                raise _err(ec.wrong_value(5), f"unknown GenParam key {k!r}; valid: 'scaling', "
                           "'use_conv_only'", op)
            gen[k] = x
    return v.canonical(model.heatmap(_batch(dl_sample, op), method, targets, gen, op))


# ---- devices -------------------------------------------------------------------------------------

@operator("query_available_dl_devices ( : : GenParamName, GenParamValue : DLDeviceHandles)")
def query_available_dl_devices(gen_param_name, gen_param_value):
    """Devices matching the filters (same name: any of the values; different names: all),
    ordered as the 'runtime' values are given (default: GPUs, then the CPU)."""
    op = "query_available_dl_devices"
    names, values = v.as_list(gen_param_name), v.as_list(gen_param_value)
    if len(names) != len(values):
        raise _err(ec.wrong_number(2), f"{len(names)} names but {len(values)} values", op)
    filters: dict[str, list] = {}
    for n, x in zip(names, values):
        if n not in ("runtime", "type", "id", "name"):
            raise _err(ec.wrong_value(1), f"unknown filter {n!r}; valid: 'runtime', 'id', 'name'",
                       op)
        if n in ("runtime", "type") and x not in ("cpu", "gpu"):
            raise _err(ec.wrong_value(2), f"runtime must be 'cpu' or 'gpu', got {x!r}", op)
        filters.setdefault("runtime" if n == "type" else n, []).append(x)
    devices = _core().available_devices()
    out = [d for d in devices
           if all((d.kind if k == "runtime" else d.index if k == "id" else d.name) in vals
                  for k, vals in filters.items())]
    if "runtime" in filters:
        out.sort(key=lambda d: filters["runtime"].index(d.kind))
    return v.canonical(out)


@operator("get_dl_device_param ( : : DLDeviceHandle, GenParamName : GenParamValue)")
def get_dl_device_param(dl_device_handle, gen_param_name):
    """'type' / 'runtime' ('cpu'/'gpu'), 'name', 'id', 'ai_accelerator_interface' ('none')."""
    op = "get_dl_device_param"
    items = v.as_list(dl_device_handle)
    if len(items) != 1 or not isinstance(items[0], DLDeviceHandle):
        raise _err(ec.wrong_type(1), "one DL device handle expected", op)
    d = items[0]
    name = _str(gen_param_name, 2, op, "GenParamName")
    table = {"type": d.kind, "runtime": d.kind, "name": d.name, "id": d.index,
             "ai_accelerator_interface": "none", "inference_only": "false",
             "precisions": ["float32", "float16", "bfloat16"] if d.kind == "gpu"
             else ["float32", "bfloat16"]}
    if name not in table:
        raise _err(ec.wrong_value(2), f"unknown device parameter {name!r}; valid: "
                   + ", ".join(table), op)
    return table[name]
