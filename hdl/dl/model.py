"""DL models: parameters, devices, inference, training, Grad-CAM, (de)serialisation.

The operators in operators/dl.py are thin wrappers around `DLModel`.  Every user
mistake raises HdlRuntimeError with the parameter and what was expected (the
registry names the operator).  The networks and their catalogue rows are declared
in hdl.dl.nets (`@network`).  Semantics and decisions: docs/dl.md.
"""

from __future__ import annotations

import contextlib
import os

import numpy as np
import torch
import torch.nn.functional as F

from .. import args
from .. import errorcodes as ec
from .. import functions
from .. import iconic as ic
from .. import values as v
from ..errors import HdlRuntimeError, file_error
from . import fileformat, nets, weights
from .handles import DLDeviceHandle

CATALOGUE = {f"pretrained_dl_{name}.hdl": name for name in nets.NETWORKS}

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

#: set_dl_model_param's GenParamName and GenParamValue
NAME, VALUE = 2, 3
#: DLSampleBatch (DLSample of gen_dl_model_heatmap): parameter 2 of every operator taking samples
SAMPLES = 2


def _default_params(network: nets.Network) -> dict:
    n = 1000 if network.imagenet else 2
    if network.imagenet:
        from torchvision.models._meta import _IMAGENET_CATEGORIES
        names = list(_IMAGENET_CATEGORIES)
    else:
        names = [f"class_{i}" for i in range(n)]
    width, height, channels = network.size
    return {
        "batch_size": 1, "batch_size_multiplier": 1, "class_ids": list(range(n)),
        "class_names": names, "image_width": width, "image_height": height,
        "image_num_channels": channels, "image_range_min": -127.0, "image_range_max": 128.0,
        "learning_rate": 0.001, "momentum": 0.9, "weight_prior": 0.0, "solver_type": "sgd",
        "adam_beta1": 0.9, "adam_beta2": 0.999, "adam_epsilon": 1e-8, "ignore_class_ids": [],
        "meta_data": {}, "precision": "float32", "enable_resizing": "true",
        "batchnorm_momentum": 0.1, "fuse_conv_relu": "false", "fuse_bn_relu": "false",
        "optimize_for_inference": "false",
    }


# ---- parameter values (shared by set_dl_model_param and the file reader) --------------------

def _meta(value, param: int, what: str) -> dict:
    """meta_data: a dict handle (a plain dict from a file) of string keys and control tuples."""
    data = value if isinstance(value, dict) else args.handle(value, param, v.DictHandle, what).data
    out = {}
    for k, x in data.items():
        items = x if isinstance(x, list) else v.as_list(x)
        if type(k) is not str or not all(type(i) in (int, float, str) for i in items):
            raise args.wrong_value(param, f"{what}: only string keys with tuples of numbers and "
                                   "strings can be stored")
        out[k] = list(items)
    return out


_UNIT = {"low": 0.0, "high": 1.0, "high_open": True}
_POSITIVE = {"low": 0.0, "low_open": True}
#: the check of each parameter's value: an args function and its options
_CHECKS = {
    "batch_size": (args.integer, {"low": 1}),
    "batch_size_multiplier": (args.integer, {"low": 1}),
    "class_ids": (args.integers, {"low": 0, "nonempty": True, "distinct": True}),
    "class_names": (args.strings, {"nonempty": True, "distinct": True}),
    "image_width": (args.integer, {"low": 1}),
    "image_height": (args.integer, {"low": 1}),
    "image_num_channels": (args.integer, {"low": 1, "high": 4}),
    "image_range_min": (args.real, {}),
    "image_range_max": (args.real, {}),
    "learning_rate": (args.real, _POSITIVE),
    "momentum": (args.real, _UNIT),
    "weight_prior": (args.real, {"low": 0.0}),
    "solver_type": (args.choice, {"allowed": ("sgd", "adam")}),
    "adam_beta1": (args.real, _UNIT),
    "adam_beta2": (args.real, _UNIT),
    "adam_epsilon": (args.real, _POSITIVE),
    "ignore_class_ids": (args.integers, {"low": 0, "distinct": True}),
    "meta_data": (_meta, {}),
    "precision": (args.choice, {"allowed": tuple(PRECISIONS)}),
    "enable_resizing": (args.choice, {"allowed": _BOOL}),
    "batchnorm_momentum": (args.real, {"low": 0.0, "high": 1.0}),
    "fuse_conv_relu": (args.choice, {"allowed": _BOOL}),
    "fuse_bn_relu": (args.choice, {"allowed": _BOOL}),
    "optimize_for_inference": (args.choice, {"allowed": _BOOL}),
}


def _checked(name: str, value):
    """The value of model parameter `name` as stored, or the error of GenParamValue."""
    check, options = _CHECKS[name]
    return check(value, VALUE, what=f"'{name}'", **options)


def _unknown(name: str) -> HdlRuntimeError:
    return args.wrong_value(NAME, f"unknown model parameter {name!r}; valid: "
                            + ", ".join(ALL_PARAMS))


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
        self.network = nets.NETWORKS[arch_name]
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
        network = nets.NETWORKS[arch_name]
        params = _default_params(network)
        width, height, channels = network.size
        with _seeded():
            net = network.cls(len(params["class_ids"]), channels, height, width)
        sd, _path = weights.load(network)
        if sd is not None:
            net.load_pretrained(sd)
        model = cls(arch_name, params, net)
        model._default_device()
        return model

    def _default_device(self):
        if torch.cuda.is_available():
            self.set_device("gpu", 0)

    @classmethod
    def from_bytes(cls, data: bytes) -> "DLModel":
        """Raises fileformat.FormatError for anything inconsistent."""
        arch_name, saved, tensors = fileformat.decode(data)
        if arch_name not in nets.NETWORKS:
            raise fileformat.FormatError(f"unknown architecture {arch_name!r}")
        network = nets.NETWORKS[arch_name]
        params = _default_params(network)
        for key, value in saved.items():
            if key not in _CHECKS:
                raise fileformat.FormatError(f"unknown parameter {key!r}")
            try:
                params[key] = _checked(key, value)
            except HdlRuntimeError as exc:
                raise fileformat.FormatError(f"bad parameter {key!r}: {exc.message}") from None
        if len(params["class_names"]) != len(params["class_ids"]):
            raise fileformat.FormatError("class_names and class_ids differ in length")
        net = network.cls(len(params["class_ids"]), params["image_num_channels"],
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
    def set_device(self, runtime: str, index: int) -> None:
        if runtime == "gpu":
            if not torch.cuda.is_available():
                raise args.wrong_value(VALUE, "runtime 'gpu' requested but no CUDA device is "
                                       "available (use 'cpu')")
            if index >= torch.cuda.device_count():
                raise args.wrong_value(VALUE, f"GPU {index} does not exist "
                                       f"({torch.cuda.device_count()} available)")
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
    def get(self, name: str):
        p = self.p
        if name in SAVED:
            value = p[name]
            if name == "meta_data":
                return v.DictHandle({k: v.canonical(list(x)) for k, x in value.items()})
            return v.canonical(list(value)) if isinstance(value, list) else value
        if name == "type":
            return self.network.type
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
            lines.append(f"trainable parameters: {self.get('num_trainable_params')}")
            return v.canonical(lines)
        if name == "precision_is_converted":
            return "false"
        if name == "min_version":
            return "hdl-dl-1"
        if name in SET_ONLY:
            raise args.wrong_value(NAME, f"'{name}' can only be set, not read")
        raise _unknown(name)

    def set(self, name: str, value) -> None:
        p = self.p
        if name in GET_ONLY:
            raise args.wrong_value(NAME, f"'{name}' is read-only")
        what = f"'{name}'"
        if name == "runtime":
            self.set_device(args.choice(value, VALUE, ("cpu", "gpu"), what), self.gpu)
            return
        if name == "gpu":
            index = args.integer(value, VALUE, what, low=0)
            if self.runtime == "gpu":
                self.set_device("gpu", index)
            self.gpu = index
            return
        if name == "device":
            device = args.handle(value, VALUE, DLDeviceHandle, what)
            self.set_device(device.kind, device.index)
            return
        if name == "runtime_init":
            args.choice(value, VALUE, ("immediately",), what)
            self.net.to(self.device)
            return
        if name in ("image_dimensions", "image_size"):
            three = name == "image_dimensions"
            size = args.integers(value, VALUE, what + (" (width, height, channels)" if three else
                                                       " (width, height)"),
                                 low=1, count=3 if three else 2)
            self.set_image(*size)
            return
        if name not in _CHECKS:
            raise _unknown(name)
        x = _checked(name, value)
        if name == "image_width":
            self.set_image(x, p["image_height"])
        elif name == "image_height":
            self.set_image(p["image_width"], x)
        elif name == "image_num_channels":
            self.set_image(p["image_width"], p["image_height"], x)
        elif name in ("image_range_min", "image_range_max"):
            lo = x if name == "image_range_min" else p["image_range_min"]
            hi = x if name == "image_range_max" else p["image_range_max"]
            if lo >= hi:
                raise args.wrong_value(VALUE, "image_range_min must be smaller than "
                                       f"image_range_max (got {lo} and {hi})")
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

    def set_image(self, w, h, c=None):
        p = self.p
        c = p["image_num_channels"] if c is None else c
        m = self.network.min_size
        if w < m or h < m:
            raise args.wrong_value(VALUE, f"image size {w}x{h} is below the minimum {m}x{m} of "
                                   f"'{self.arch_name}'")
        if self.network.type == "classification" and c not in (1, 3):
            raise args.wrong_value(VALUE, "image_num_channels must be 1 or 3 for classifiers, "
                                   f"got {c}")
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
        if not force and self.net.own_bn_momentum:
            return  # keep the network's own momentum until the user sets one
        for m in self.net.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.momentum = self.p["batchnorm_momentum"]

    # -- batches → tensors
    def _images(self, batch: list, key: str = "image") -> np.ndarray:
        """(B, C, H, W) float32 with one copy; checks type, size and range."""
        p = self.p
        w, h, c = p["image_width"], p["image_height"], p["image_num_channels"]
        out = np.empty((len(batch), c, h, w), np.float32)
        for i, sample in enumerate(batch):
            img = _sample_image(sample, key, i)
            if img.ptype != "real":
                raise args.wrong_value(SAMPLES, f"sample {i}: '{key}' must be of type 'real' "
                                       f"(preprocessed), got '{img.ptype}'")
            if img.width != w or img.height != h or img.channels != c:
                raise args.wrong_value(SAMPLES, f"sample {i}: '{key}' is {img.width}x{img.height}"
                                       f"x{img.channels}, the model expects {w}x{h}x{c} "
                                       "(image_dimensions)")
            for j, channel in enumerate(img.data):
                out[i, j] = channel
        lo, hi = p["image_range_min"], p["image_range_max"]
        mn, mx = float(out.min()), float(out.max())
        if not (mn >= lo - 1e-3 and mx <= hi + 1e-3):
            raise args.wrong_value(SAMPLES, f"gray values {mn:g}..{mx:g} are outside the model's "
                                   f"range {lo:g}..{hi:g} (image_range_min/image_range_max)")
        return out

    def _label_index(self, batch):
        if self._id_index is None:
            self._id_index = {cid: i for i, cid in enumerate(self.p["class_ids"])}
        out = np.empty(len(batch), np.int64)
        for i, sample in enumerate(batch):
            if "image_label_id" not in sample.data:
                raise args.wrong_value(SAMPLES, f"sample {i} has no 'image_label_id'")
            lab = args.integer(sample.data["image_label_id"], SAMPLES,
                               f"sample {i}: 'image_label_id'")
            if lab not in self._id_index:
                raise args.wrong_value(SAMPLES, f"sample {i}: image_label_id {lab!r} is not one of "
                                       "the model's class_ids")
            out[i] = self._id_index[lab]
        return out

    def _seg_targets(self, batch):
        """Class indices (B, H, W) int64 (-100 = ignored) and weights (B, H, W) or None."""
        p = self.p
        labels = self._images_plain(batch, "segmentation_image")
        ids = p["class_ids"]
        top = int(max(ids + p["ignore_class_ids"])) + 1
        lut = np.full(max(top, 1), -1, np.int64)
        lut[p["ignore_class_ids"]] = -100
        lut[ids] = np.arange(len(ids))
        li = labels.astype(np.int64)
        if li.size and (li.min() < 0 or li.max() >= top or not np.array_equal(li, labels)):
            bad = labels[(li < 0) | (li >= top) | (li != labels)].ravel()[0]
            raise args.wrong_value(SAMPLES, f"segmentation_image contains {bad:g}, which is "
                                   "neither in class_ids nor in ignore_class_ids")
        idx = lut[li]
        if (idx == -1).any():
            bad = int(li[idx == -1].ravel()[0])
            raise args.wrong_value(SAMPLES, f"segmentation_image contains class id {bad}, which "
                                   "is neither in class_ids nor in ignore_class_ids")
        weight = None
        if all("weight_image" in sample.data for sample in batch):
            weight = self._images_plain(batch, "weight_image")
        return idx, weight

    def _images_plain(self, batch, key):
        p = self.p
        w, h = p["image_width"], p["image_height"]
        out = np.empty((len(batch), h, w), np.float32)
        for i, sample in enumerate(batch):
            img = _sample_image(sample, key, i)
            if img.width != w or img.height != h or img.channels != 1:
                raise args.wrong_value(SAMPLES, f"sample {i}: '{key}' is {img.width}x{img.height}"
                                       f"x{img.channels}, expected {w}x{h}x1")
            out[i] = img.data[0]
        return out

    def _autocast(self):
        dtype = PRECISIONS[self.p["precision"]]
        if dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device.type, dtype=dtype)

    def _run(self, fn):
        try:
            return fn()
        except torch.cuda.OutOfMemoryError:
            raise HdlRuntimeError(ec.OUT_OF_MEMORY, "out of device memory (reduce batch_size)") \
                from None
        except RuntimeError as exc:
            raise HdlRuntimeError(ec.DL_FAILURE, "the network failed: "
                                  f"{str(exc).splitlines()[0][:300]}") from None

    # -- inference
    def apply(self, batch: list, outputs: list) -> list:
        if not batch:
            raise args.wrong_number(SAMPLES, "the batch is empty")
        kind = self.network.type
        keys = (("classification_class_ids", "classification_class_names",
                 "classification_confidences") if kind == "classification"
                else ("segmentation_image", "segmentation_confidence"))
        for o in outputs:
            if o not in keys:
                raise args.wrong_value(3, f"unknown output {o!r}; valid: {', '.join(keys)}")
        wanted = set(outputs or keys)
        x_all = self._images(batch)
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

            conf, order = self._run(forward)
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
                self.optimizer = torch.optim.SGD(params, lr=p["learning_rate"],
                                                 momentum=p["momentum"])
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

    def train(self, batch: list) -> v.DictHandle:
        n, bs = len(batch), self.p["batch_size"]
        if n == 0 or n % bs:
            raise args.wrong_number(SAMPLES, f"{n} samples, but a positive multiple of batch_size "
                                    f"= {bs} is needed (batch_size × batch_size_multiplier = "
                                    f"{bs * self.p['batch_size_multiplier']} in train_dl_model)")
        seg = self.network.type == "segmentation"
        x_all = self._images(batch)
        if seg:
            y_all, w_all = self._seg_targets(batch)
        else:
            y_all, w_all = self._label_index(batch), None
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

        loss = self._run(step)
        return v.DictHandle({"total_loss": loss})

    # -- Grad-CAM
    def heatmap(self, batch: list, targets: list, scaling: str) -> list:
        """Grad-CAM heatmaps of the classes `targets` (class ids; [] = the top class)."""
        if self.network.type != "classification":
            raise args.wrong_value(1, f"a classification model is needed, got a "
                                   f"{self.network.type} model")
        if self._id_index is None:
            self._id_index = {cid: i for i, cid in enumerate(self.p["class_ids"])}
        for t in targets:
            if t not in self._id_index:
                raise args.wrong_value(4, f"target class {t!r} is not one of the model's "
                                       "class_ids")
        x = torch.from_numpy(self._images(batch)).to(self.device)
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
            maps, probs = self._run(run)
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

def _sample_image(sample: v.DictHandle, key: str, i: int) -> ic.Image:
    try:
        obj = sample.data[key]
    except KeyError:
        raise args.wrong_value(SAMPLES, f"sample {i} has no key '{key}'") from None
    if isinstance(obj, v.ObjectTuple):
        if len(obj) != 1:
            raise args.wrong_value(SAMPLES, f"sample {i}: '{key}' must hold exactly one image, "
                                   f"holds {len(obj)} objects")
        obj = obj.items[0]
    if not isinstance(obj, ic.Image):
        raise args.wrong_type(SAMPLES, f"sample {i}: '{key}' must be an image")
    return obj


def read_file(path: str) -> DLModel:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise file_error(exc, path, "read", ec.FILE_NOT_FOUND) from None
    try:
        return DLModel.from_bytes(data)
    except fileformat.FormatError as exc:
        raise HdlRuntimeError(ec.FILE_FORMAT, f"{path!r} is not a valid hdl deep-learning model: "
                              f"{exc}") from None


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
