"""Building the columns of a convolution in Numba: the compiled twins of im2col.py's im2col and col2im, one image
at a time into (or out of) a tile's block of columns (numba_conv.py works tile by tile).

cols has K = C*kH*kW rows and, per image, L = OH*OW columns; row (c, i, j), column (p, q) holds the pixel
(c, p*stride_h + i - pad_h, q*stride_w + j - pad_w) of the image, 0 where that falls into the padding.
Two ways, the same values and the same order of sums (so the same bits):
- stride 1 (LeNet): each output row is a contiguous run of pixels, copied from a zero-padded copy of the image,
  so that the loops carry no bounds tests (LeNet's conv2 forward: 0.24 -> 0.15 ms against clipping each row);
- larger strides (the CNN): output rows are only 4 to 7 pixels long, and a loop that short costs more than
  its copies. Each row of cols is then one loop over all L output pixels, reading the unpadded image through
  a table of pixel indices made once per call (-1 for the padding, read as 0); col2im scatters back through
  the same table. The CNN's conv2, forward and backward at batch 128, went from 1.63x PyTorch's time to 0.80x,
  its conv3 from 1.27x to 0.75x (python benchmarks/bench_kernels.py --batch-sizes 128, before and after).
  The same table for stride 1 made LeNet's conv1 1.3x slower, hence the two ways.
Where an index is not simply range(n) it is passed as np.uint64, which spares Numba its negative-index check.
"""

import numpy as np
from numba import njit

@njit(cache=True)
def tap_tables(kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, height, width, out_h, out_w):
    """For kernel tap k = i*kernel_w + j and output pixel t = p*out_w + q: the pixel y*width + x of an image plane
    that the tap reads there, or -1 where it reads the zero padding. Made once per call, for strides above 1;
    with stride_w == 1 the rows are copied instead, and the table is empty."""
    if stride_w == 1:
        return np.empty((0, 0), dtype=np.int64)
    tables = np.empty((kernel_h * kernel_w, out_h * out_w), dtype=np.int64)
    for i in range(kernel_h):
        for j in range(kernel_w):
            for p in range(out_h):
                for q in range(out_w):
                    y, x = p * stride_h + i - pad_h, q * stride_w + j - pad_w
                    inside = 0 <= y < height and 0 <= x < width
                    tables[i * kernel_w + j, p * out_w + q] = y * width + x if inside else -1
    return tables


@njit(cache=True)
def _im2col_by_table(image, cols, first_column, kernel_taps, tables):
    """Copy the patches of one image (C, H, W) into columns first_column.. of cols: one loop over all output pixels
    per row of cols, reading through tables (see tap_tables); the padding reads as 0."""
    channels, plane = image.shape[0], image.shape[1] * image.shape[2]
    source = image.reshape(image.size)
    target = cols.reshape(cols.size)
    n_cols = tables.shape[1]
    zero = image.dtype.type(0)
    for c in range(channels):
        base = c * plane
        for k in range(kernel_taps):
            row_start = (c * kernel_taps + k) * cols.shape[1] + first_column
            for t in range(n_cols):
                pixel = tables[k, t]
                target[np.uint64(row_start + t)] = source[np.uint64(base + pixel)] if pixel >= 0 else zero


@njit(cache=True)
def _col2im_by_table(cols, first_column, image, kernel_taps, tables):
    """The adjoint of _im2col_by_table: image (C, H, W) = the sum of the column entries copied from each pixel
    (in the order of the rows of cols, as _col2im_rows adds them, so the sums are the same bits)."""
    channels, plane = image.shape[0], image.shape[1] * image.shape[2]
    target = image.reshape(image.size)
    target[:] = 0
    source = cols.reshape(cols.size)
    n_cols = tables.shape[1]
    for c in range(channels):
        base = c * plane
        for k in range(kernel_taps):
            row_start = (c * kernel_taps + k) * cols.shape[1] + first_column
            for t in range(n_cols):
                pixel = tables[k, t]
                if pixel >= 0:
                    target[np.uint64(base + pixel)] += source[np.uint64(row_start + t)]


@njit(cache=True)
def _pad_into(image, padded, pad_h, pad_w):
    """Copy image (C, H, W) into the inside of padded (C, H + 2*pad_h, W + 2*pad_w), whose border stays as it is."""
    channels, height, width = image.shape
    padded[:, pad_h:pad_h + height, pad_w:pad_w + width] = image


@njit(cache=True)
def _im2col_into(source, cols, first_column, channels, padded_h, padded_w, kernel_h, kernel_w, stride_h, stride_w,
                 out_h, out_w):
    """Copy the patches of one zero-padded image (source: its flat (C, H + 2*pad_h, W + 2*pad_w) pixels) into columns
    first_column.. of cols (K, P), for stride_w == 1: each output row is a contiguous (SIMD) copy. The caller pads
    the image into one buffer per tile, so that these loops need no bounds checks or branches."""
    target = cols.reshape(cols.size)
    for c in range(channels):
        for i in range(kernel_h):
            for j in range(kernel_w):
                row_start = ((c * kernel_h + i) * kernel_w + j) * cols.shape[1] + first_column
                for p in range(out_h):
                    start = row_start + p * out_w  # entry of output pixel (p, 0) in this row
                    source_start = (c * padded_h + p * stride_h + i) * padded_w + j  # its pixel, in the padded image
                    for q in range(out_w):
                        target[np.uint64(start + q)] = source[np.uint64(source_start + q * stride_w)]


@njit(cache=True)
def _col2im_rows(cols, first_column, image, padded, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h,
                 out_w):
    """The adjoint of _im2col_into: image (C, H, W) = the sum of the column entries copied from each pixel.

    Like _im2col_into it works on a zero-padded image (padded: the caller's buffer, zeroed here), without branches,
    and then keeps its inside: the entries that were copies of the padding have nowhere to go.
    """
    channels, height, width = image.shape
    padded_h, padded_w = height + 2 * pad_h, width + 2 * pad_w
    target = padded.reshape(padded.size)
    target[:] = 0
    source = cols.reshape(cols.size)
    for c in range(channels):
        for i in range(kernel_h):
            for j in range(kernel_w):
                row_start = ((c * kernel_h + i) * kernel_w + j) * cols.shape[1] + first_column
                for p in range(out_h):
                    start = row_start + p * out_w
                    target_start = (c * padded_h + p * stride_h + i) * padded_w + j
                    for q in range(out_w):
                        target[np.uint64(target_start + q * stride_w)] += source[np.uint64(start + q)]
    image[:] = padded[:, pad_h:pad_h + height, pad_w:pad_w + width]


@njit(cache=True, nogil=True)
def col2im_into(cols, first_column, image, padded, tables, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h,
                out_w):
    """image (C, H, W) = col2im of columns first_column.. of cols: through tables for strides above 1, else by rows
    with padded (C, H + 2*pad_h, W + 2*pad_w) as the zero-padded buffer."""
    if stride_w != 1:
        _col2im_by_table(cols, first_column, image, kernel_h * kernel_w, tables)
    else:
        _col2im_rows(cols, first_column, image, padded, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h,
                     out_w)


@njit(cache=True, nogil=True)
def cols_into(x, first, last, cols, padded, tables, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h, out_w):
    """The columns of images first..last-1 side by side, written into the caller's cols (K, (last-first) * L).

    Strides above 1 read the images through tables (_im2col_by_table); stride 1 copies rows from a zero-padded
    copy of each image in padded (C, H + 2*pad_h, W + 2*pad_w), whose border must be zero (each image overwrites
    only the inside; any array will do without padding or with tables)."""
    n_cols = out_h * out_w
    channels, height, width = x.shape[1], x.shape[2], x.shape[3]
    padded_h, padded_w = height + 2 * pad_h, width + 2 * pad_w
    for n in range(first, last):
        if stride_w != 1:
            _im2col_by_table(x[n], cols, (n - first) * n_cols, kernel_h * kernel_w, tables)
            continue
        if pad_h or pad_w:
            _pad_into(x[n], padded, pad_h, pad_w)
            source = padded.reshape(padded.size)
        else:
            source = x[n].reshape(x[n].size)
        _im2col_into(source, cols, (n - first) * n_cols, channels, padded_h, padded_w, kernel_h, kernel_w, stride_h,
                     stride_w, out_h, out_w)


@njit(cache=True)
def tile_cols(x, first, last, n_rows, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h, out_w, tables):
    """The columns of images first..last-1 side by side, in a block of their own: (K, images * L) (cols_into
    fills it; the zero-padded buffer, when stride 1 needs one, is one for the whole tile)."""
    cols = np.empty((n_rows, (last - first) * out_h * out_w), dtype=x.dtype)
    padded_shape = (x.shape[1], x.shape[2] + 2 * pad_h, x.shape[3] + 2 * pad_w)
    padded = np.zeros(padded_shape if stride_w == 1 and (pad_h or pad_w) else (0, 0, 0), dtype=x.dtype)
    cols_into(x, first, last, cols, padded, tables, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h, out_w)
    return cols
