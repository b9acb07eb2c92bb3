"""DL models: parameters, devices, inference, training, Grad-CAM, (de)serialisation.

The operators in operators/dl.py are thin wrappers around `DLModel`.  Every user
mistake raises HdlRuntimeError naming the operator, the parameter and what was
expected.  Semantics and decisions: docs/dl.md.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .. import errorcodes as ec
from .. import functions
from .. import iconic as ic
from .. import values as v
from ..errors import HdlRuntimeError
from . import fileformat, nets, weights
from .handles import DLDeviceHandle

#: HALCON's "out of device memory"
OUT_OF_MEMORY = 4104
#: a failure inside the network that is no user mistake we could name (hdl's choice)
DL_FAILURE = 7800
#: file errors (as the image chapter)
FILE_NOT_FOUND = ic.FILE_NOT_FOUND
FILE_FORMAT = ic.FILE_FORMAT


def err(code: int, message: str, op: str) -> HdlRuntimeError:
    return HdlRuntimeError(code, message, operator=op)


@dataclass
class Arch:
    type: str
    cls: type
    width: int
    height: int
    channels: int
    min_size: int
    has_fc: bool = False
    imagenet: bool = True   # head has 1000 ImageNet classes when read


ARCHS = {
    "classifier_compact": Arch("classification", nets.Compact, 224, 224, 3, 17),
    "classifier_enhanced": Arch("classification", nets.Enhanced, 224, 224, 3, 47, has_fc=True),
    "classifier_resnet18": Arch("classification", nets.ResNet18, 224, 224, 3, 32),
    "classifier_resnet50": Arch("classification", nets.ResNet50, 224, 224, 3, 32),
    "classifier_alexnet": Arch("classification", nets.AlexNet, 224, 224, 3, 63, has_fc=True),
    "classifier_mobilenet_v2": Arch("classification", nets.MobileNetV2, 224, 224, 3, 32),
    "classifier_efficientnet_lite0": Arch("classification", nets.EfficientNetLite0, 224, 224, 3, 32),
    "segmentation_compact": Arch("segmentation", nets.UNetCompact, 256, 256, 3, 8, imagenet=False),
    "segmentation_enhanced": Arch("segmentation", nets.UNetEnhanced, 256, 256, 3, 16,
                                  imagenet=False),
}
CATALOGUE = {f"pretrained_dl_{name}.hdl": name for name in ARCHS}

_BOOL = ("true", "false")
PRECISIONS = {"float32": None, "float16": torch.float16, "bfloat16": torch.bfloat16}

#: parameters written to model files (device choice is not: it belongs to the machine)
SAVED = ("batch_size", "batch_size_multiplier", "class_ids", "class_names", "image_width",
         "image_height", "image_num_channels", "image_range_min", "image_range_max",
         "learning_rate", "momentum", "weight_prior", "solver_type", "adam_beta1", "adam_beta2",
         "adam_epsilon", "ignore_class_ids", "meta_data", "precision", "enable_resizing",
         "batchnorm_momentum", "fuse_conv_relu", "fuse_bn_relu", "optimize_for_inference")
GET_ONLY = ("type", "num_classes", "summary", "layer_names", "input_dimensions",
            "num_trainable_params", "precision_is_converted", "min_version")
SET_ONLY = ("runtime_init",)
SETTABLE = SAVED + ("runtime", "gpu", "device", "image_dimensions", "image_size", "runtime_init")
ALL_PARAMS = tuple(sorted(set(SAVED + GET_ONLY + SETTABLE) - set(SET_ONLY)))


def _default_params(arch: Arch) -> dict:
    n = 1000 if arch.imagenet else 2
    if arch.imagenet:
        from torchvision.models._meta import _IMAGENET_CATEGORIES
        names = list(_IMAGENET_CATEGORIES)
    else:
        names = [f"class_{i}" for i in range(n)]
    return {
        "batch_size": 1, "batch_size_multiplier": 1, "class_ids": list(range(n)),
        "class_names": names, "image_width": arch.width, "image_height": arch.height,
        "image_num_channels": arch.channels, "image_range_min": -127.0, "image_range_max": 128.0,
        "learning_rate": 0.001, "momentum": 0.9, "weight_prior": 0.0, "solver_type": "sgd",
        "adam_beta1": 0.9, "adam_beta2": 0.999, "adam_epsilon": 1e-8, "ignore_class_ids": [],
        "meta_data": {}, "precision": "float32", "enable_resizing": "true",
        "batchnorm_momentum": 0.1, "fuse_conv_relu": "false", "fuse_bn_relu": "false",
        "optimize_for_inference": "false",
    }


# ---- parameter validation (shared by set_dl_model_param and the file reader) ----------------

def _one(value, name, op, param=3):
    items = v.as_list(value) if not isinstance(value, list) else value
    if len(items) != 1:
        raise err(ec.wrong_number(param), f"'{name}' needs exactly one value, got {len(items)}", op)
    return items[0]


def _int(value, name, op, lo=None, hi=None):
    x = _one(value, name, op)
    if type(x) is float and x == int(x):
        x = int(x)
    if type(x) is not int:
        raise err(ec.wrong_type(3), f"'{name}' expects an integer, got {x!r}", op)
    if (lo is not None and x < lo) or (hi is not None and x > hi):
        rng = f">= {lo}" if hi is None else f"in {lo}..{hi}"
        raise err(ec.wrong_value(3), f"'{name}' must be {rng}, got {x}", op)
    return x


def _real(value, name, op, lo=None, hi=None, lo_open=False, hi_open=False):
    x = _one(value, name, op)
    if type(x) not in (int, float):
        raise err(ec.wrong_type(3), f"'{name}' expects a number, got {x!r}", op)
    x = float(x)
    bad = x != x or (lo is not None and (x <= lo if lo_open else x < lo)) \
        or (hi is not None and (x >= hi if hi_open else x > hi))
    if bad:
        lo_t = "" if lo is None else (f"> {lo}" if lo_open else f">= {lo}")
        hi_t = "" if hi is None else (f"< {hi}" if hi_open else f"<= {hi}")
        raise err(ec.wrong_value(3), f"'{name}' must be {' and '.join(t for t in (lo_t, hi_t) if t)}, "
                  f"got {x!r}", op)
    return x


def _choice(value, name, op, allowed):
    x = _one(value, name, op)
    if x not in allowed:
        raise err(ec.wrong_value(3), f"'{name}' must be one of {', '.join(map(repr, allowed))}, "
                  f"got {x!r}", op)
    return x


def _int_list(value, name, op, distinct=True, nonempty=True):
    items = v.as_list(value)
    for x in items:
        if type(x) is not int or x < 0:
            raise err(ec.wrong_type(3), f"'{name}' expects non-negative integers, got {x!r}", op)
    if nonempty and not items:
        raise err(ec.wrong_number(3), f"'{name}' must not be empty", op)
    if distinct and len(set(items)) != len(items):
        raise err(ec.wrong_value(3), f"'{name}' must not contain duplicates", op)
    return items


def _str_list(value, name, op):
    items = v.as_list(value)
    if not items:
        raise err(ec.wrong_number(3), f"'{name}' must not be empty", op)
    for x in items:
        if type(x) is not str:
            raise err(ec.wrong_type(3), f"'{name}' expects strings, got {x!r}", op)
    if len(set(items)) != len(items):
        raise err(ec.wrong_value(3), f"'{name}' must not contain duplicates", op)
    return items


def _meta(value, name, op):
    if isinstance(value, dict):  # from a file
        data = value
    else:
        h = _one(value, name, op)
        if not isinstance(h, v.DictHandle) or not h.valid:
            raise err(ec.wrong_type(3), f"'{name}' expects a dict handle", op)
        data = h.data
    out = {}
    for k, x in data.items():
        items = v.as_list(x) if not isinstance(x, list) else x
        if type(k) is not str or not all(type(i) in (int, float, str) for i in items):
            raise err(ec.wrong_value(3), f"'{name}': only string keys with tuples of numbers and "
                      "strings can be stored", op)
        out[k] = list(items)
    return out


VALIDATORS = {
    "batch_size": lambda x, op: _int(x, "batch_size", op, 1),
    "batch_size_multiplier": lambda x, op: _int(x, "batch_size_multiplier", op, 1),
    "class_ids": lambda x, op: _int_list(x, "class_ids", op),
    "class_names": lambda x, op: _str_list(x, "class_names", op),
    "image_width": lambda x, op: _int(x, "image_width", op, 1),
    "image_height": lambda x, op: _int(x, "image_height", op, 1),
    "image_num_channels": lambda x, op: _int(x, "image_num_channels", op, 1, 4),
    "image_range_min": lambda x, op: _real(x, "image_range_min", op),
    "image_range_max": lambda x, op: _real(x, "image_range_max", op),
    "learning_rate": lambda x, op: _real(x, "learning_rate", op, 0.0, lo_open=True),
    "momentum": lambda x, op: _real(x, "momentum", op, 0.0, 1.0, hi_open=True),
    "weight_prior": lambda x, op: _real(x, "weight_prior", op, 0.0),
    "solver_type": lambda x, op: _choice(x, "solver_type", op, ("sgd", "adam")),
    "adam_beta1": lambda x, op: _real(x, "adam_beta1", op, 0.0, 1.0, hi_open=True),
    "adam_beta2": lambda x, op: _real(x, "adam_beta2", op, 0.0, 1.0, hi_open=True),
    "adam_epsilon": lambda x, op: _real(x, "adam_epsilon", op, 0.0, lo_open=True),
    "ignore_class_ids": lambda x, op: _int_list(x, "ignore_class_ids", op, nonempty=False),
    "meta_data": lambda x, op: _meta(x, "meta_data", op),
    "precision": lambda x, op: _choice(x, "precision", op, tuple(PRECISIONS)),
    "enable_resizing": lambda x, op: _choice(x, "enable_resizing", op, _BOOL),
    "batchnorm_momentum": lambda x, op: _real(x, "batchnorm_momentum", op, 0.0, 1.0),
    "fuse_conv_relu": lambda x, op: _choice(x, "fuse_conv_relu", op, _BOOL),
    "fuse_bn_relu": lambda x, op: _choice(x, "fuse_bn_relu", op, _BOOL),
    "optimize_for_inference": lambda x, op: _choice(x, "optimize_for_inference", op, _BOOL),
}


# ---- devices --------------------------------------------------------------------------------

def available_devices() -> list[DLDeviceHandle]:
    """GPUs first, then the CPU."""
    out = []
    if torch.cuda.is_available():
        for i in range(torch.cuda.device_count()):
            out.append(DLDeviceHandle("gpu", i, torch.cuda.get_device_name(i), f"cuda:{i}"))
    import platform
    out.append(DLDeviceHandle("cpu", 0, platform.processor() or platform.machine() or "cpu", "cpu"))
    return out


def _seeded():
    """A fork of torch's RNG seeded from hdl's RNG (set_system('seed_rand', N) makes it repeat)."""
    seed = functions.RNG.getrandbits(63)
    devices = [torch.cuda.current_device()] if torch.cuda.is_available() and \
        torch.cuda.is_initialized() else []
    stack = contextlib.ExitStack()
    stack.enter_context(torch.random.fork_rng(devices=devices))
    torch.manual_seed(seed)
    return stack


# ---- the model ------------------------------------------------------------------------------

class DLModel:
    def __init__(self, arch_name: str, params: dict, net: nets.HdlNet):
        self.arch_name = arch_name
        self.arch = ARCHS[arch_name]
        self.p = params
        self.net = net
        self.device = torch.device("cpu")
        self.runtime = "cpu"
        self.gpu = 0
        self.optimizer = None
        self.optimizer_kind = None
        self.scaler = None
        self._id_index = None
        self.net.set_input_range(params["image_range_min"], params["image_range_max"])
        self._apply_bn_momentum(force=params["batchnorm_momentum"] != 0.1)

    # -- construction
    @classmethod
    def pretrained(cls, arch_name: str) -> "DLModel":
        arch = ARCHS[arch_name]
        params = _default_params(arch)
        with _seeded():
            net = arch.cls(len(params["class_ids"]), arch.channels, arch.height, arch.width)
        sd, _path = weights.load(arch_name)
        if sd is not None:
            net.load_pretrained(sd)
        model = cls(arch_name, params, net)
        model._default_device()
        return model

    def _default_device(self):
        if torch.cuda.is_available():
            self.set_device("gpu", 0, "read_dl_model")

    @classmethod
    def from_bytes(cls, data: bytes, op: str) -> "DLModel":
        """Raises fileformat.FormatError for anything inconsistent."""
        arch_name, saved, tensors = fileformat.decode(data)
        if arch_name not in ARCHS:
            raise fileformat.FormatError(f"unknown architecture {arch_name!r}")
        arch = ARCHS[arch_name]
        params = _default_params(arch)
        for key, value in saved.items():
            if key not in VALIDATORS:
                raise fileformat.FormatError(f"unknown parameter {key!r}")
            try:
                params[key] = VALIDATORS[key](value if key == "meta_data" else
                                              (value if isinstance(value, list) else [value]), op)
            except HdlRuntimeError as exc:
                raise fileformat.FormatError(f"bad parameter {key!r}: {exc.message}") from None
        if len(params["class_names"]) != len(params["class_ids"]):
            raise fileformat.FormatError("class_names and class_ids differ in length")
        net = arch.cls(len(params["class_ids"]), params["image_num_channels"],
                       params["image_height"], params["image_width"])
        try:
            net.load_state_dict({k: torch.tensor(a) for k, a in tensors.items()}, strict=True)
        except RuntimeError as exc:
            raise fileformat.FormatError(f"weights do not fit the architecture "
                                         f"({str(exc).splitlines()[0][:200]})") from None
        model = cls(arch_name, params, net)
        model._default_device()
        return model

    def to_bytes(self) -> bytes:
        tensors = {k: t.detach().to("cpu").numpy() for k, t in self.net.state_dict().items()}
        params = {k: self.p[k] for k in SAVED}
        return fileformat.encode(self.arch_name, params, tensors)

    # -- devices
    def set_device(self, runtime: str, index: int, op: str) -> None:
        if runtime == "gpu":
            if not torch.cuda.is_available():
                raise err(ec.wrong_value(3), "runtime 'gpu' requested but no CUDA device is "
                          "available (use 'cpu')", op)
            if index >= torch.cuda.device_count():
                raise err(ec.wrong_value(3), f"GPU {index} does not exist "
                          f"({torch.cuda.device_count()} available)", op)
            device = torch.device(f"cuda:{index}")
        else:
            device = torch.device("cpu")
        self.runtime, self.gpu = runtime, index
        if device != self.device:
            self.net.to(device)
            self.device = device
            self.optimizer = None  # optimiser state lives on the old device
            self.scaler = None

    def device_handle(self) -> DLDeviceHandle:
        if self.device.type == "cuda":
            i = self.device.index or 0
            return DLDeviceHandle("gpu", i, torch.cuda.get_device_name(i), f"cuda:{i}")
        return available_devices()[-1]

    # -- parameters
    def get(self, name: str, op: str):
        p = self.p
        if name in SAVED:
            value = p[name]
            if name == "meta_data":
                return v.DictHandle({k: v.canonical(list(x)) for k, x in value.items()})
            return v.canonical(list(value)) if isinstance(value, list) else value
        if name == "type":
            return self.arch.type
        if name == "num_classes":
            return len(p["class_ids"])
        if name == "image_dimensions":
            return [p["image_width"], p["image_height"], p["image_num_channels"]]
        if name == "image_size":
            return [p["image_width"], p["image_height"]]
        if name == "input_dimensions":
            return [p["image_width"], p["image_height"], p["image_num_channels"]]
        if name == "runtime":
            return self.runtime
        if name == "gpu":
            return self.gpu
        if name == "device":
            return self.device_handle()
        if name == "num_trainable_params":
            return int(sum(t.numel() for t in self.net.parameters() if t.requires_grad))
        if name == "layer_names":
            return v.canonical([n for n, m in self.net.named_modules()
                                if n and not any(True for _ in m.children())])
        if name == "summary":
            lines = [f"architecture: {self.arch_name}"]
            for n, m in self.net.named_modules():
                if n and not any(True for _ in m.children()):
                    k = sum(t.numel() for t in m.parameters(recurse=False))
                    lines.append(f"{n}: {type(m).__name__}" + (f" ({k} parameters)" if k else ""))
            lines.append(f"trainable parameters: {self.get('num_trainable_params', op)}")
            return v.canonical(lines)
        if name == "precision_is_converted":
            return "false"
        if name == "min_version":
            return "hdl-dl-1"
        if name in SET_ONLY:
            raise err(ec.wrong_value(2), f"'{name}' can only be set, not read", op)
        raise err(ec.wrong_value(2), f"unknown model parameter {name!r}; valid: "
                  + ", ".join(ALL_PARAMS), op)

    def set(self, name: str, value, op: str) -> None:
        p = self.p
        if name in GET_ONLY:
            raise err(ec.wrong_value(2), f"'{name}' is read-only", op)
        if name == "runtime":
            self.set_device(_choice(value, name, op, ("cpu", "gpu")), self.gpu, op)
            return
        if name == "gpu":
            index = _int(value, name, op, 0)
            if self.runtime == "gpu":
                self.set_device("gpu", index, op)
            self.gpu = index
            return
        if name == "device":
            h = _one(value, name, op)
            if not isinstance(h, DLDeviceHandle) or not h.valid:
                raise err(ec.wrong_type(3), "'device' expects a handle from "
                          "query_available_dl_devices", op)
            self.set_device(h.kind, h.index, op)
            return
        if name == "runtime_init":
            _choice(value, name, op, ("immediately",))
            self.net.to(self.device)
            return
        if name in ("image_dimensions", "image_size"):
            items = v.as_list(value)
            n = 3 if name == "image_dimensions" else 2
            if len(items) != n:
                raise err(ec.wrong_number(3), f"'{name}' expects {n} values "
                          f"[width, height{', channels' if n == 3 else ''}]", op)
            self.set_image(*[_int([x], name, op, 1) for x in items], op=op)
            return
        if name not in VALIDATORS:
            raise err(ec.wrong_value(2), f"unknown model parameter {name!r}; valid: "
                      + ", ".join(ALL_PARAMS), op)
        x = VALIDATORS[name](value, op)
        if name == "image_width":
            self.set_image(x, p["image_height"], op=op)
        elif name == "image_height":
            self.set_image(p["image_width"], x, op=op)
        elif name == "image_num_channels":
            self.set_image(p["image_width"], p["image_height"], x, op=op)
        elif name in ("image_range_min", "image_range_max"):
            lo = x if name == "image_range_min" else p["image_range_min"]
            hi = x if name == "image_range_max" else p["image_range_max"]
            if lo >= hi:
                raise err(ec.wrong_value(3), "image_range_min must be smaller than image_range_max "
                          f"(got {lo} and {hi})", op)
            p[name] = x
            self.net.set_input_range(lo, hi)
        elif name == "class_ids":
            if x != p["class_ids"]:
                names = p["class_names"] if len(p["class_names"]) == len(x) else \
                    [str(i) for i in x]
                self._set_classes(x, names)
        elif name == "class_names":
            if x != p["class_names"]:
                ids = p["class_ids"] if len(p["class_ids"]) == len(x) else list(range(len(x)))
                self._set_classes(ids, x)
        elif name == "batchnorm_momentum":
            p[name] = x
            self._apply_bn_momentum(force=True)
        elif name == "solver_type":
            p[name] = x
            self.optimizer = None
        else:
            p[name] = x

    def _set_classes(self, ids, names):
        """New class list: a new, randomly initialised output layer."""
        self.p["class_ids"], self.p["class_names"] = list(ids), list(names)
        with _seeded():
            self.net.set_num_classes(len(ids))
        self.net.to(self.device)
        self.optimizer = None
        self._id_index = None

    def set_image(self, w, h, c=None, op="set_dl_model_param"):
        p = self.p
        c = p["image_num_channels"] if c is None else c
        m = self.arch.min_size
        if w < m or h < m:
            raise err(ec.wrong_value(3), f"image size {w}x{h} is below the minimum {m}x{m} of "
                      f"'{self.arch_name}'", op)
        if self.arch.type == "classification" and c not in (1, 3):
            raise err(ec.wrong_value(3), f"image_num_channels must be 1 or 3 for classifiers, got {c}",
                      op)
        changed = False
        with _seeded():
            if c != p["image_num_channels"]:
                self.net.set_in_channels(c)
                p["image_num_channels"] = c
                self.net.set_input_range(p["image_range_min"], p["image_range_max"])
                changed = True
            if self.net.resize(h, w):
                changed = True
        if changed:
            self.net.to(self.device)
            self.optimizer = None
        p["image_width"], p["image_height"] = w, h

    def _apply_bn_momentum(self, force: bool = False):
        if not force and self.arch_name == "classifier_efficientnet_lite0":
            return  # keep EfficientNet's own 0.01 until the user sets one
        for m in self.net.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.momentum = self.p["batchnorm_momentum"]

    # -- batches → tensors
    def _images(self, batch: list, op: str, key: str = "image") -> np.ndarray:
        """(B, C, H, W) float32 with one copy; checks type, size and range."""
        p = self.p
        w, h, c = p["image_width"], p["image_height"], p["image_num_channels"]
        out = np.empty((len(batch), c, h, w), np.float32)
        for i, sample in enumerate(batch):
            img = _sample_image(sample, key, i, op)
            if img.ptype != "real":
                raise err(ec.wrong_value(2), f"sample {i}: '{key}' must be of type 'real' "
                          f"(preprocessed), got '{img.ptype}'", op)
            if img.width != w or img.height != h or img.channels != c:
                raise err(ec.wrong_value(2), f"sample {i}: '{key}' is {img.width}x{img.height}x"
                          f"{img.channels}, the model expects {w}x{h}x{c} (image_dimensions)", op)
            for j, channel in enumerate(img.data):
                out[i, j] = channel
        lo, hi = p["image_range_min"], p["image_range_max"]
        mn, mx = float(out.min()), float(out.max())
        if not (mn >= lo - 1e-3 and mx <= hi + 1e-3):
            raise err(ec.wrong_value(2), f"gray values {mn:g}..{mx:g} are outside the model's range "
                      f"{lo:g}..{hi:g} (image_range_min/image_range_max)", op)
        return out

    def _label_index(self, batch, op):
        if self._id_index is None:
            self._id_index = {cid: i for i, cid in enumerate(self.p["class_ids"])}
        out = np.empty(len(batch), np.int64)
        for i, sample in enumerate(batch):
            d = _sample_dict(sample, i, op)
            if "image_label_id" not in d.data:
                raise err(ec.wrong_value(2), f"sample {i} has no 'image_label_id'", op)
            lab = d.data["image_label_id"]
            if type(lab) is float and lab == int(lab):
                lab = int(lab)
            if type(lab) is not int or lab not in self._id_index:
                raise err(ec.wrong_value(2), f"sample {i}: image_label_id {lab!r} is not one of the "
                          "model's class_ids", op)
            out[i] = self._id_index[lab]
        return out

    def _seg_targets(self, batch, op):
        """Class indices (B, H, W) int64 (-100 = ignored) and weights (B, H, W) or None."""
        p = self.p
        labels = self._images_plain(batch, "segmentation_image", op)
        ids = p["class_ids"]
        top = int(max(ids + p["ignore_class_ids"])) + 1
        lut = np.full(max(top, 1), -1, np.int64)
        lut[p["ignore_class_ids"]] = -100
        lut[ids] = np.arange(len(ids))
        li = labels.astype(np.int64)
        if li.size and (li.min() < 0 or li.max() >= top or not np.array_equal(li, labels)):
            bad = labels[(li < 0) | (li >= top) | (li != labels)].ravel()[0]
            raise err(ec.wrong_value(2), f"segmentation_image contains {bad:g}, which is neither in "
                      "class_ids nor in ignore_class_ids", op)
        idx = lut[li]
        if (idx == -1).any():
            bad = int(li[idx == -1].ravel()[0])
            raise err(ec.wrong_value(2), f"segmentation_image contains class id {bad}, which is "
                      "neither in class_ids nor in ignore_class_ids", op)
        weight = None
        if all("weight_image" in _sample_dict(s, i, op).data for i, s in enumerate(batch)):
            weight = self._images_plain(batch, "weight_image", op)
        return idx, weight

    def _images_plain(self, batch, key, op):
        p = self.p
        w, h = p["image_width"], p["image_height"]
        out = np.empty((len(batch), h, w), np.float32)
        for i, sample in enumerate(batch):
            img = _sample_image(sample, key, i, op)
            if img.width != w or img.height != h or img.channels != 1:
                raise err(ec.wrong_value(2), f"sample {i}: '{key}' is {img.width}x{img.height}x"
                          f"{img.channels}, expected {w}x{h}x1", op)
            out[i] = img.data[0]
        return out

    def _autocast(self):
        dtype = PRECISIONS[self.p["precision"]]
        if dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device.type, dtype=dtype)

    def _run(self, fn, op):
        try:
            return fn()
        except torch.cuda.OutOfMemoryError:
            raise err(OUT_OF_MEMORY, "out of device memory (reduce batch_size)", op) from None
        except RuntimeError as exc:
            raise err(DL_FAILURE, f"the network failed: {str(exc).splitlines()[0][:300]}", op) from None

    # -- inference
    def apply(self, batch: list, outputs: list, op: str) -> list:
        if not batch:
            raise err(ec.wrong_number(2), "DLSampleBatch is empty", op)
        kind = self.arch.type
        keys = (("classification_class_ids", "classification_class_names",
                 "classification_confidences") if kind == "classification"
                else ("segmentation_image", "segmentation_confidence"))
        for o in outputs:
            if o not in keys:
                raise err(ec.wrong_value(3), f"unknown output {o!r}; valid: {', '.join(keys)}", op)
        wanted = set(outputs or keys)
        x_all = self._images(batch, op)
        bs = self.p["batch_size"]
        self.net.eval()
        results = []
        for start in range(0, len(batch), bs):
            x = torch.from_numpy(x_all[start:start + bs]).to(self.device, non_blocking=True)

            def forward():
                with torch.inference_mode(), self._autocast():
                    probs = torch.softmax(self.net(x).float(), dim=1)
                    if kind == "classification":
                        conf, order = torch.sort(probs, dim=1, descending=True)
                    else:
                        conf, order = probs.max(dim=1)
                    return conf.cpu().numpy(), order.cpu().numpy()

            conf, order = self._run(forward, op)
            results += (self._cls_results if kind == "classification" else
                        self._seg_results)(conf, order, wanted)
        return results

    def _cls_results(self, conf, order, wanted):
        ids = np.asarray(self.p["class_ids"], np.int64)[order]
        names = np.asarray(self.p["class_names"], dtype=object)
        out = []
        for i in range(conf.shape[0]):
            d = {}
            if "classification_class_ids" in wanted:
                d["classification_class_ids"] = v.canonical(ids[i])
            if "classification_class_names" in wanted:
                d["classification_class_names"] = v.canonical(names[order[i]].tolist())
            if "classification_confidences" in wanted:
                d["classification_confidences"] = v.canonical(conf[i].astype(np.float64))
            out.append(v.DictHandle(d))
        return out

    def _seg_results(self, conf, order, wanted):
        ids = np.asarray(self.p["class_ids"], np.int64)
        fits = ids.max() <= 255
        labels = (ids.astype(np.uint8) if fits else ids.astype(np.int32))[order]
        ptype = "byte" if fits else "int4"
        out = []
        for i in range(conf.shape[0]):
            d = {}
            if "segmentation_image" in wanted:
                d["segmentation_image"] = ic.new_image([labels[i]], ptype)
            if "segmentation_confidence" in wanted:
                d["segmentation_confidence"] = ic.new_image([conf[i]], "real")
            out.append(v.DictHandle(d))
        return out

    # -- training
    def _optimizer(self):
        p = self.p
        kind = p["solver_type"]
        if self.optimizer is None or self.optimizer_kind != kind:
            params = [t for t in self.net.parameters() if t.requires_grad]
            if kind == "adam":
                self.optimizer = torch.optim.Adam(params, lr=p["learning_rate"])
            else:
                self.optimizer = torch.optim.SGD(params, lr=p["learning_rate"], momentum=p["momentum"])
            self.optimizer_kind = kind
        for g in self.optimizer.param_groups:
            g["lr"] = p["learning_rate"]
            g["weight_decay"] = p["weight_prior"]
            if kind == "adam":
                g["betas"] = (p["adam_beta1"], p["adam_beta2"])
                g["eps"] = p["adam_epsilon"]
            else:
                g["momentum"] = p["momentum"]
        return self.optimizer

    def train(self, batch: list, op: str) -> v.DictHandle:
        n, bs = len(batch), self.p["batch_size"]
        if n == 0 or n % bs:
            raise err(ec.wrong_number(2), f"DLSampleBatch has {n} samples; train_dl_model_batch "
                      f"needs a positive multiple of batch_size = {bs} (batch_size × "
                      f"batch_size_multiplier = {bs * self.p['batch_size_multiplier']} in train_dl_model)",
                      op)
        seg = self.arch.type == "segmentation"
        x_all = self._images(batch, op)
        if seg:
            y_all, w_all = self._seg_targets(batch, op)
        else:
            y_all, w_all = self._label_index(batch, op), None
        opt = self._optimizer()
        dev = self.device
        use_scaler = self.p["precision"] == "float16" and dev.type == "cuda"
        if use_scaler and self.scaler is None:
            self.scaler = torch.amp.GradScaler("cuda")
        chunks = n // bs

        def step():
            self.net.train()
            opt.zero_grad(set_to_none=True)
            total = torch.zeros((), device=dev)
            with _seeded():
                for k in range(chunks):
                    sl = slice(k * bs, (k + 1) * bs)
                    x = torch.from_numpy(x_all[sl]).to(dev, non_blocking=True)
                    y = torch.from_numpy(y_all[sl]).to(dev, non_blocking=True)
                    with self._autocast():
                        logits = self.net(x).float()
                    if seg:
                        ce = F.cross_entropy(logits, y, reduction="none", ignore_index=-100)
                        valid = (y != -100)
                        if w_all is not None:
                            ce = ce * torch.from_numpy(w_all[sl]).to(dev, non_blocking=True)
                        loss = ce.sum() / valid.sum().clamp(min=1)
                    else:
                        loss = F.cross_entropy(logits, y)
                    loss = loss / chunks
                    (self.scaler.scale(loss) if use_scaler else loss).backward()
                    total += loss.detach()
            wp = self.p["weight_prior"]
            if wp > 0:  # the prior term of the weights the loss was computed with
                with torch.no_grad():
                    total += 0.5 * wp * sum(t.pow(2).sum() for t in opt.param_groups[0]["params"])
            if use_scaler:
                self.scaler.step(opt)
                self.scaler.update()
            else:
                opt.step()
            return float(total)

        loss = self._run(step, op)
        return v.DictHandle({"total_loss": loss})

    # -- Grad-CAM
    def heatmap(self, batch: list, method: str, targets: list, gen: dict, op: str) -> list:
        if self.arch.type != "classification":
            raise err(ec.wrong_value(1), "gen_dl_model_heatmap needs a classification model", op)
        if method != "grad_cam":
            raise err(ec.wrong_value(3), f"unknown heatmap method {method!r}; valid: 'grad_cam'", op)
        scaling = gen.get("scaling", "scale_after_relu")
        if scaling not in ("scale_after_relu", "scale_before_relu", "none"):
            raise err(ec.wrong_value(5), f"'scaling' must be 'scale_after_relu', 'scale_before_relu' "
                      f"or 'none', got {scaling!r}", op)
        if gen.get("use_conv_only", "false") not in _BOOL:
            raise err(ec.wrong_value(5), "'use_conv_only' must be 'true' or 'false'", op)
        if self._id_index is None:
            self._id_index = {cid: i for i, cid in enumerate(self.p["class_ids"])}
        for t in targets:
            if t not in self._id_index:
                raise err(ec.wrong_value(4), f"target class {t!r} is not one of the model's class_ids",
                          op)
        x = torch.from_numpy(self._images(batch, op)).to(self.device)
        h, w = x.shape[-2:]
        layer = self.net.cam_layer()
        store = {}
        hook = layer.register_forward_hook(lambda m, i, o: store.__setitem__("a", o))
        self.net.eval()

        def run():
            with torch.enable_grad():
                logits = self.net(x)
                act = store["a"]
                probs = torch.softmax(logits.detach().float(), 1)
                if targets:
                    idx_sets = [torch.full((x.shape[0],), self._id_index[t], device=self.device)
                                for t in targets]
                else:
                    idx_sets = [probs.argmax(1)]
                maps = []
                for j, idx in enumerate(idx_sets):
                    score = logits.gather(1, idx[:, None]).sum()
                    grad, = torch.autograd.grad(score, act, retain_graph=j < len(idx_sets) - 1)
                    cam = (grad.mean(dim=(2, 3), keepdim=True) * act).sum(1, keepdim=True).detach()
                    if scaling == "scale_after_relu":
                        cam = cam.clamp(min=0)
                        cam = cam / cam.amax(dim=(2, 3), keepdim=True).clamp(min=1e-12)
                    elif scaling == "scale_before_relu":
                        cam = cam / cam.abs().amax(dim=(2, 3), keepdim=True).clamp(min=1e-12)
                        cam = cam.clamp(min=0)
                    cam = F.interpolate(cam, size=(h, w), mode="bilinear", align_corners=False)
                    maps.append((idx.cpu().numpy(), cam[:, 0].float().cpu().numpy()))
                return maps, probs.cpu().numpy()

        try:
            maps, probs = self._run(run, op)
        finally:
            hook.remove()
        ids = self.p["class_ids"]
        out = []
        order = np.argsort(-probs, axis=1, kind="stable")
        for i in range(x.shape[0]):
            heat = {}
            for idx, cams in maps:
                heat[f"heatmap_image_class_{ids[int(idx[i])]}"] = ic.new_image([cams[i]], "real")
            heat["target_class_ids"] = v.canonical([ids[int(idx[i])] for idx, _ in maps])
            res = {"heatmap_grad_cam": v.DictHandle(heat)}
            res.update(self._cls_results(probs[i:i + 1][:, order[i]], order[i:i + 1],
                                         {"classification_class_ids", "classification_class_names",
                                          "classification_confidences"})[0].data)
            out.append(v.DictHandle(res))
        return out


# ---- helpers -------------------------------------------------------------------------------

def _sample_dict(sample, i, op) -> v.DictHandle:
    if not isinstance(sample, v.DictHandle) or not sample.valid:
        raise err(ec.wrong_type(2), f"element {i} of DLSampleBatch is not a (valid) dict handle", op)
    return sample


def _sample_image(sample, key, i, op):
    d = _sample_dict(sample, i, op)
    try:
        obj = d.data[key]
    except KeyError:
        raise err(ec.wrong_value(2), f"sample {i} has no key '{key}'", op) from None
    if isinstance(obj, v.ObjectTuple):
        if len(obj) != 1:
            raise err(ec.wrong_value(2), f"sample {i}: '{key}' must hold exactly one image, "
                      f"holds {len(obj)} objects", op)
        obj = obj.items[0]
    if not isinstance(obj, ic.Image):
        raise err(ec.wrong_type(2), f"sample {i}: '{key}' must be an image", op)
    return obj


def read_file(path: str, op: str) -> DLModel:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise err(FILE_NOT_FOUND, f"cannot read {path!r}: {exc.strerror}", op) from None
    try:
        return DLModel.from_bytes(data, op)
    except fileformat.FormatError as exc:
        raise err(FILE_FORMAT, f"{path!r} is not a valid hdl deep-learning model: {exc}", op) from None


def resolve(name: str) -> tuple[str, str]:
    """('file', path) or ('pretrained', arch) for read_dl_model's FileName."""
    candidates = [name] if os.path.splitext(name)[1] else [name, name + ".hdl"]
    dirs = [""]
    if os.environ.get("HALCONROOT"):
        dirs.append(os.path.join(os.environ["HALCONROOT"], "dl"))
    for d in dirs:
        for c in candidates:
            path = os.path.join(d, c) if d else c
            if os.path.isfile(path):
                return "file", path
    for c in candidates:
        base = os.path.basename(c)
        if base in CATALOGUE:
            return "pretrained", CATALOGUE[base]
    return "missing", name
