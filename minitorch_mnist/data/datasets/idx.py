"""The IDX file format of the original MNIST files (http://yann.lecun.com/exdb/mnist/).

    bytes 0-1   0x00 0x00
    byte  2     data type code: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
    byte  3     number of dimensions d
    then        d sizes, 4-byte big-endian unsigned integers
    then        the data, C order, big-endian, exactly prod(sizes) * itemsize bytes

So MNIST images start with the magic number 0x00000803 (uint8, 3-d: N x 28 x 28) and labels with 0x00000801
(uint8, 1-d: N). read_idx checks every part of that against the file and says what is wrong, naming the file.
"""

import os

import numpy as np

DTYPES = {0x08: np.dtype("u1"), 0x09: np.dtype("i1"), 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
          0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
_TYPE_NAMES = ", ".join(f"0x{code:02X} {dtype.name}" for code, dtype in DTYPES.items())


def read_idx(path, ndim=None, dtype=None):
    """The array stored in the IDX file at `path`, in native byte order.

    ndim, dtype: what the caller expects (e.g. ndim=3, dtype=np.uint8 for MNIST images); a file that declares
    something else is rejected. Any malformed file raises ValueError naming the file and the problem.
    """
    with open(path, "rb") as f:
        file_size = os.fstat(f.fileno()).st_size
        magic = f.read(4)
        if magic[:2] == b"\x1f\x8b":
            raise ValueError(f"{path}: is gzip-compressed; gunzip it first (an IDX file starts with 0x0000)")
        if len(magic) < 4:
            raise ValueError(f"{path}: truncated: an IDX file starts with a 4-byte magic number, "
                             f"file has {file_size} bytes")
        if magic[:2] != b"\x00\x00":
            raise ValueError(f"{path}: bad magic number 0x{magic.hex().upper()}: not an IDX file "
                             f"(expected 0x0000 then type and dimension bytes, e.g. 0x00000803)")
        type_code, dims = magic[2], magic[3]
        if type_code not in DTYPES:
            raise ValueError(f"{path}: unknown data type code 0x{type_code:02X} in magic number "
                             f"0x{magic.hex().upper()} (IDX defines {_TYPE_NAMES})")
        file_dtype = DTYPES[type_code]
        if dtype is not None and file_dtype.newbyteorder("=") != np.dtype(dtype):
            raise ValueError(f"{path}: holds {file_dtype.name} data (type code 0x{type_code:02X}), "
                             f"expected {np.dtype(dtype).name}")
        if dims == 0:
            raise ValueError(f"{path}: magic number 0x{magic.hex().upper()} declares 0 dimensions")
        if ndim is not None and dims != ndim:
            raise ValueError(f"{path}: wrong number of dimensions: magic number 0x{magic.hex().upper()} declares "
                             f"{dims}, expected {ndim} (magic 0x0000{type_code:02X}{ndim:02X})")

        header_size = 4 + 4 * dims
        size_bytes = f.read(4 * dims)
        if len(size_bytes) < 4 * dims:
            raise ValueError(f"{path}: truncated header: {dims} dimensions need a {header_size}-byte header, "
                             f"file has {file_size} bytes")
        shape = tuple(int(s) for s in np.frombuffer(size_bytes, dtype=">u4"))
        expected = int(np.prod(shape, dtype=np.int64)) * file_dtype.itemsize
        actual = file_size - header_size
        declared = f"{'x'.join(map(str, shape))} = {expected} bytes of data"
        if actual < expected:
            raise ValueError(f"{path}: truncated: header says {declared}, file has {actual}")
        if actual > expected:
            raise ValueError(f"{path}: {actual - expected} unexpected bytes after the data (header says "
                             f"{declared}, file has {actual}): trailing garbage or a wrong header")
        data = np.fromfile(f, dtype=file_dtype, count=expected // file_dtype.itemsize)
    if len(data) * file_dtype.itemsize != expected:  # the file changed while we read it
        raise ValueError(f"{path}: truncated: header says {declared}, could read only {len(data)} items")
    return data.astype(file_dtype.newbyteorder("="), copy=False).reshape(shape)
