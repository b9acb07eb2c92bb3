"""hdl: an interpreter for MVTec HALCON's HDevelop language, with deep learning on PyTorch."""

__version__ = "0.1.0"
