"""One file holding named numpy arrays and a JSON header, opened memory-mapped.

Layout: 8-byte magic, 8-byte little-endian header length, the UTF-8 JSON header
(``meta`` plus each array's dtype, shape and offset), then the arrays, each
aligned to 64 bytes. ``numpy.load`` cannot memory-map arrays inside an ``.npz``,
and one file is published, checksummed and fsynced like the FAISS file.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import BinaryIO

import numpy as np

MAGIC = b"QAARRAY1"
_ALIGN = 64


def write_arrays(out: BinaryIO, meta: dict, arrays: dict[str, np.ndarray]) -> None:
    layout, offset = {}, 0
    for name, array in arrays.items():
        offset = -(-offset // _ALIGN) * _ALIGN
        layout[name] = {"dtype": array.dtype.str, "shape": list(array.shape), "offset": offset}
        offset += array.nbytes
    header = json.dumps({"meta": meta, "arrays": layout}, ensure_ascii=False).encode("utf-8")
    start = -(-(16 + len(header)) // _ALIGN) * _ALIGN
    out.write(MAGIC + struct.pack("<Q", len(header)) + header + b"\0" * (start - 16 - len(header)))
    written = 0
    for name, array in arrays.items():
        pad = layout[name]["offset"] - written
        out.write(b"\0" * pad)
        out.write(np.ascontiguousarray(array).tobytes())
        written += pad + array.nbytes


def read_arrays(path: Path) -> tuple[dict, dict[str, np.ndarray]]:
    """(meta, arrays memory-mapped read-only: views of ``np.memmap``); ValueError when the file is not such a container."""
    with path.open("rb") as fh:
        head = fh.read(16)
        if len(head) != 16 or head[:8] != MAGIC:
            raise ValueError(f"{path}: not an array container")
        (size,) = struct.unpack("<Q", head[8:])
        try:
            header = json.loads(fh.read(size).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path}: damaged header ({exc})") from None
    start = -(-(16 + size) // _ALIGN) * _ALIGN
    file_size = path.stat().st_size
    arrays = {}
    for name, spec in header["arrays"].items():
        dtype, shape = np.dtype(spec["dtype"]), tuple(spec["shape"])
        begin = start + spec["offset"]
        if begin + dtype.itemsize * int(np.prod(shape)) > file_size:
            raise ValueError(f"{path}: truncated (array {name!r} ends past the end of the file)")
        # a plain ndarray view of the map: slicing a np.memmap subclass costs more than the scoring itself
        arrays[name] = (np.memmap(path, dtype=dtype, mode="r", offset=begin, shape=shape).view(np.ndarray)
                        if np.prod(shape) else np.zeros(shape, dtype=dtype))
    return header["meta"], arrays
