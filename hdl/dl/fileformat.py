"""hdl's deep-learning model file: a JSON header and raw little-endian tensor bytes.

Layout (docs/dl.md, "File format"):

    8 bytes   magic b"HDLDLMDL"
    4 bytes   format version, uint32 little-endian (1)
    8 bytes   header length N, uint64 little-endian
    N bytes   header, UTF-8 JSON: {"arch", "params", "tensors": [{"name", "dtype",
              "shape", "offset", "nbytes"}], "payload_sha256"}
    rest      payload: the tensors, back to back

Reading never executes anything from the file (no pickle): the header is JSON, the
tensors are numpy buffers.  Every inconsistency (magic, version, JSON, dtypes,
offsets, checksum) raises `FormatError`; the caller adds the path.
"""

from __future__ import annotations

import hashlib
import json
import struct

import numpy as np

MAGIC = b"HDLDLMDL"
VERSION = 1
_DTYPES = {"float32": np.float32, "float16": np.float16, "float64": np.float64,
           "int64": np.int64, "int32": np.int32, "uint8": np.uint8, "bool": np.bool_}
MAX_HEADER = 64 * 1024 * 1024


class FormatError(Exception):
    pass


def encode(arch: str, params: dict, tensors: dict[str, np.ndarray]) -> bytes:
    entries = []
    chunks = []
    offset = 0
    digest = hashlib.sha256()
    for name, array in tensors.items():
        array = np.ascontiguousarray(array)
        if array.dtype.name not in _DTYPES:
            raise ValueError(f"tensor {name} has unsupported dtype {array.dtype}")
        data = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        entries.append({"name": name, "dtype": array.dtype.name, "shape": list(array.shape),
                        "offset": offset, "nbytes": len(data)})
        chunks.append(data)
        digest.update(data)
        offset += len(data)
    header = json.dumps({"arch": arch, "params": params, "tensors": entries,
                         "payload_sha256": digest.hexdigest()}, sort_keys=True).encode("utf-8")
    return b"".join([MAGIC, struct.pack("<IQ", VERSION, len(header)), header, *chunks])


def decode(data: bytes) -> tuple[str, dict, dict[str, np.ndarray]]:
    if len(data) < 20 or data[:8] != MAGIC:
        raise FormatError("not an hdl deep-learning model file (bad magic)")
    version, n = struct.unpack("<IQ", data[8:20])
    if version != VERSION:
        raise FormatError(f"unsupported format version {version}")
    if n > MAX_HEADER or 20 + n > len(data):
        raise FormatError("header length out of range (truncated or damaged file)")
    try:
        header = json.loads(data[20:20 + n].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise FormatError(f"damaged header ({exc})") from None
    if not isinstance(header, dict) or not isinstance(header.get("arch"), str) \
            or not isinstance(header.get("params"), dict) \
            or not isinstance(header.get("tensors"), list):
        raise FormatError("header lacks arch/params/tensors")
    payload = memoryview(data)[20 + n:]
    if hashlib.sha256(payload).hexdigest() != header.get("payload_sha256"):
        raise FormatError("checksum mismatch: the weights were modified or the file is truncated")
    tensors = {}
    for entry in header["tensors"]:
        try:
            name, dtype, shape = entry["name"], _DTYPES[entry["dtype"]], entry["shape"]
            offset, nbytes = int(entry["offset"]), int(entry["nbytes"])
            if not isinstance(name, str) or not all(type(s) is int and s >= 0 for s in shape):
                raise ValueError
        except (KeyError, TypeError, ValueError):
            raise FormatError(f"bad tensor entry {str(entry)[:80]}") from None
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if offset < 0 or offset + nbytes > len(payload) \
                or count * np.dtype(dtype).itemsize != nbytes:
            raise FormatError(f"tensor {name!r}: size or offset out of range")
        array = np.frombuffer(payload, dtype=np.dtype(dtype).newbyteorder("<"), count=count,
                              offset=offset).reshape(shape)
        tensors[name] = array
    return header["arch"], header["params"], tensors
