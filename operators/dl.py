"""Deep learning: classification and semantic segmentation models on PyTorch.

This module is imported for every program (the registry loads all operator
modules), so it must not import torch: the model code (hdl.dl.model, which
imports torch) is loaded inside the operators.  Semantics: docs/dl.md.
"""

from __future__ import annotations

from hdl import args
from hdl import errorcodes as ec
from hdl import values as v
from hdl.atomic import atomic_write_bytes
from hdl.dl.handles import DLDeviceHandle, DLModelHandle, SerializedItemHandle
from hdl.errors import HdlRuntimeError, file_error
from hdl.registry import operator


def _core():
    from hdl.dl import model
    return model


def _samples(value) -> list:
    """DLSampleBatch (parameter 2): DLSample dict handles, named by their index in errors."""
    return [args.handle(x, 2, v.DictHandle, f"sample {i}")
            for i, x in enumerate(args.control(value, 2))]


# ---- models: reading, writing, serialising -------------------------------------------------

@operator("read_dl_model ( : : FileName : DLModelHandle)")
def read_dl_model(file_name):
    """A model from a file written by write_dl_model, or a pretrained network by its catalogue
    name (pretrained_dl_classifier_compact.hdl … ; ImageNet weights when found locally)."""
    name = args.string(file_name, 1)
    m = _core()
    kind, what = m.resolve(name)
    if kind == "file":
        return DLModelHandle(m.read_file(what))
    if kind == "pretrained":
        return DLModelHandle(m.DLModel.pretrained(what))
    raise HdlRuntimeError(ec.FILE_NOT_FOUND, f"model file {name!r} not found (pretrained "
                          "networks: " + ", ".join(sorted(m.CATALOGUE)) + ")")


@operator("write_dl_model ( : : DLModelHandle, FileName : )")
def write_dl_model(dl_model_handle, file_name):
    """Architecture, parameters, classes, preprocessing requirements and weights in one file
    (written atomically)."""
    model = args.handle(dl_model_handle, 1, DLModelHandle).model
    name = args.string(file_name, 2)
    data = model.to_bytes()
    try:
        atomic_write_bytes(name, data)
    except OSError as exc:
        raise file_error(exc, name, "write", ec.FILE_WRITE) from None


@operator("serialize_dl_model ( : : DLModelHandle : SerializedItemHandle)")
def serialize_dl_model(dl_model_handle):
    """The model as a serialized item (the bytes of its model file)."""
    return SerializedItemHandle(args.handle(dl_model_handle, 1, DLModelHandle).model.to_bytes())


@operator("deserialize_dl_model ( : : SerializedItemHandle : DLModelHandle)")
def deserialize_dl_model(serialized_item_handle):
    item = args.one(serialized_item_handle, 1)
    if not isinstance(item, SerializedItemHandle):  # another handle too: a wrong type, as before
        raise args.type_error(1, item, "a serialized_item handle")
    data = args.handle(item, 1, SerializedItemHandle).data
    m = _core()
    from hdl.dl import fileformat
    try:
        return DLModelHandle(m.DLModel.from_bytes(data))
    except fileformat.FormatError as exc:
        raise HdlRuntimeError(ec.FILE_FORMAT, "the serialized item is not a valid hdl DL model: "
                              f"{exc}") from None


@operator("clear_dl_model ( : : DLModelHandle : )")
def clear_dl_model(dl_model_handle):
    """Frees the models (a tuple of handles is accepted; clearing one twice is no error)."""
    for h in args.control(dl_model_handle, 1):
        if not isinstance(h, DLModelHandle):
            raise args.type_error(1, h, "a dl_model handle")
        h.clear()


# ---- parameters ------------------------------------------------------------------------------

@operator("set_dl_model_param ( : : DLModelHandle, GenParamName, GenParamValue : )")
def set_dl_model_param(dl_model_handle, gen_param_name, gen_param_value):
    """One parameter per call; class_ids/class_names re-create the output layer."""
    model = args.handle(dl_model_handle, 1, DLModelHandle).model
    model.set(args.string(gen_param_name, 2), gen_param_value)


@operator("get_dl_model_param ( : : DLModelHandle, GenParamName : GenParamValue)")
def get_dl_model_param(dl_model_handle, gen_param_name):
    model = args.handle(dl_model_handle, 1, DLModelHandle).model
    return model.get(args.string(gen_param_name, 2))


# ---- inference and training --------------------------------------------------------------------

@operator("apply_dl_model ( : : DLModelHandle, DLSampleBatch, Outputs : DLResultBatch)")
def apply_dl_model(dl_model_handle, dl_sample_batch, outputs):
    """One DLResult dict per DLSample (Outputs [] = all default outputs)."""
    model = args.handle(dl_model_handle, 1, DLModelHandle).model
    wanted = args.strings(outputs, 3)
    return v.canonical(model.apply(_samples(dl_sample_batch), wanted))


@operator("train_dl_model_batch ( : : DLModelHandle, DLSampleBatch : DLTrainResult)")
def train_dl_model_batch(dl_model_handle, dl_sample_batch):
    """One optimiser step (sub-batches of batch_size accumulate); DLTrainResult.total_loss."""
    model = args.handle(dl_model_handle, 1, DLModelHandle).model
    return model.train(_samples(dl_sample_batch))


_HEATMAP_PARAMS = {"scaling": ("scale_after_relu", "scale_before_relu", "none"),
                   "use_conv_only": ("true", "false")}


@operator("gen_dl_model_heatmap ( : : DLModelHandle, DLSample, HeatmapMethod, TargetClasses, "
          "GenParam : DLResult)")
def gen_dl_model_heatmap(dl_model_handle, dl_sample, heatmap_method, target_classes, gen_param):
    """Grad-CAM: DLResult.heatmap_grad_cam.heatmap_image_class_<id> (real, input size, 0..1).
    GenParam: [] or a dict with 'scaling' and 'use_conv_only' (accepted, not used)."""
    model = args.handle(dl_model_handle, 1, DLModelHandle).model
    args.choice(args.string(heatmap_method, 3), 3, ("grad_cam",))
    targets = args.integers(target_classes, 4)
    gen = {}
    if args.control(gen_param, 5):
        for key, value in args.handle(gen_param, 5, v.DictHandle).data.items():
            if key not in _HEATMAP_PARAMS:
                raise args.wrong_value(5, f"unknown key {key!r}; valid: "
                                       + ", ".join(map(repr, sorted(_HEATMAP_PARAMS))))
            gen[key] = args.choice(value, 5, _HEATMAP_PARAMS[key], f"'{key}'")
    scaling = gen.get("scaling", "scale_after_relu")
    return v.canonical(model.heatmap(_samples(dl_sample), targets, scaling))


# ---- devices -------------------------------------------------------------------------------------

@operator("query_available_dl_devices ( : : GenParamName, GenParamValue : DLDeviceHandles)")
def query_available_dl_devices(gen_param_name, gen_param_value):
    """Devices matching the filters (same name: any of the values; different names: all),
    ordered as the 'runtime' values are given (default: GPUs, then the CPU)."""
    filters: dict[str, list] = {}
    for n, x in args.name_value_pairs(gen_param_name, gen_param_value, 1, 2):
        args.choice(n, 1, ("runtime", "type", "id", "name"), "filter")
        if n in ("runtime", "type"):
            args.choice(x, 2, ("cpu", "gpu"), f"'{n}'")
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
    d = args.handle(dl_device_handle, 1, DLDeviceHandle)
    name = args.string(gen_param_name, 2)
    table = {"type": d.kind, "runtime": d.kind, "name": d.name, "id": d.index,
             "ai_accelerator_interface": "none", "inference_only": "false",
             "precisions": ["float32", "float16", "bfloat16"] if d.kind == "gpu"
             else ["float32", "bfloat16"]}
    return table[args.choice(name, 2, tuple(table), "device parameter")]
