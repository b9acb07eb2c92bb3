"""Where pretrained ImageNet weights are looked for (never downloaded).

Order: $HDL_WEIGHTS_DIR (file `<name>.pth` or one of the network's declared file
patterns, e.g. torchvision's), the torch hub cache (`torch.hub.get_dir()/checkpoints`,
where torchvision would have put its downloads), and the installed package the
network declares (`weight_package`, e.g. EfficientNet-Lite0's).  What to look
for is declared with the network (hdl.dl.nets, `@network`).  Files are read with
`torch.load(weights_only=True)` (no code runs).
"""

from __future__ import annotations

import glob
import importlib
import os
import sys

import torch

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


def _package_file(spec: str) -> str | None:
    """The path 'module:Object.function' returns, when that package is installed."""
    module, _, path = spec.partition(":")
    try:
        target = importlib.import_module(module)
    except ImportError:
        return None
    for part in path.split("."):
        target = getattr(target, part)
    found = target()
    return found if os.path.isfile(found) else None


def find(network) -> str | None:
    """The weight file of `network` (an hdl.dl.nets.Network), or None."""
    patterns = [network.name + ".pth", *network.weights]
    for directory in search_dirs():
        for pattern in patterns:
            hits = sorted(glob.glob(os.path.join(directory, pattern)))
            if hits:
                return hits[0]
    if network.weight_package:
        return _package_file(network.weight_package)
    return None


def load(network):
    """(state_dict, path) or (None, None) after printing one line saying where weights go."""
    path = find(network)
    if path is None:
        # nets without any public ImageNet weights (hdl's own) start randomly without a word,
        # unless the user supplied <name>.pth
        name = network.name
        if name not in _WARNED and (network.weights or network.weight_package):
            _WARNED.add(name)
            names = " or ".join([name + ".pth", *network.weights])
            where = " or ".join(search_dirs()) or "$HDL_WEIGHTS_DIR"
            sys.stderr.write(f"hdl: no pretrained weights for '{name}' found; using random "
                             f"initialisation (put {names} into $HDL_WEIGHTS_DIR or {where})\n")
        return None, None
    return torch.load(path, map_location="cpu", weights_only=True), path
