"""Handles of the DL operators.  This module must not import torch (operators/dl.py
imports it when the registry loads, i.e. for every program)."""

from __future__ import annotations

from ..values import Handle


class DLModelHandle(Handle):
    """A deep-learning model; `model` is an hdl.dl.model.DLModel (None once cleared)."""

    __slots__ = ("model",)
    type_name = "dl_model"

    def __init__(self, model):
        super().__init__()
        self.model = model

    def clear(self) -> None:
        super().clear()
        self.model = None


class DLDeviceHandle(Handle):
    """A compute device: kind 'cpu' or 'gpu', its index and name, and the torch device string."""

    __slots__ = ("kind", "index", "name", "torch_device")
    type_name = "dl_device"

    def __init__(self, kind: str, index: int, name: str, torch_device: str):
        super().__init__()
        self.kind = kind
        self.index = index
        self.name = name
        self.torch_device = torch_device


class SerializedItemHandle(Handle):
    """Bytes of a serialized object (serialize_dl_model); `data` is None once cleared."""

    __slots__ = ("data",)
    type_name = "serialized_item"

    def __init__(self, data: bytes):
        super().__init__()
        self.data = data

    def clear(self) -> None:
        super().clear()
        self.data = None
