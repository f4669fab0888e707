"""How a tensor prints: PyTorch's text, character for character, so tutorial output can be compared line by line.

    >>> mm.tensor([5.5, 3.0], requires_grad=True)
    tensor([5.5000, 3.0000], requires_grad=True)

The rules (those of torch/_tensor_str.py, for CPU tensors of real dtypes):
- One formatter per tensor: every element is right-aligned to the widest one. For floating tensors the
  formatter looks only at the finite nonzero values (0, -0., nan and inf never decide anything):
    * int mode when all of them are whole numbers: '3.' (no decimals, a trailing dot);
    * scientific mode when max/min > 1000, max > 1e8 or min < 1e-4 (set_printoptions(sci_mode=) forces it);
    * otherwise `precision` decimals (4 by default).
  Integer and bool tensors print str(value), so 'True'/'False'.
- Rows wrap at `linewidth` (80): as many elements per line as fit after the indent.
- Above `threshold` elements (1000) the tensor is summarised: `edgeitems` (3) values at each end of every
  dim with '...' between; the formatter then only sees the values shown.
- Suffixes after the values, each wrapped onto a new line if it would pass linewidth:
    size=(2, 0)       for an empty tensor that is not 1-D (and for every tensor when edgeitems=0);
    dtype=torch.X     unless X is the default float dtype, int64 or bool (an empty tensor: unless the default);
    grad_fn=<XBackward0>, or else requires_grad=True.
Every number is formatted as a Python float or int (through .tolist()), as PyTorch does, so Python's
correctly rounded '{:.4f}' decides every digit.
"""

import math

import numpy as np

from .dtypes import get_default_dtype

# ---- print options (torch.set_printoptions) ----
_PROFILES = {  # profile -> (precision, threshold, edgeitems, linewidth); a profile never touches sci_mode
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}
_OPTIONS = ("precision", "threshold", "edgeitems", "linewidth")
PRINT_OPTS = dict(zip(_OPTIONS, _PROFILES["default"]), sci_mode=None)


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """Change how tensors print, as torch.set_printoptions does: a known profile first ('default', 'short',
    'full'; an unknown name is ignored), then the options given override it. As in PyTorch, sci_mode is
    always assigned: a call that leaves it out sets it back to None (decide per tensor)."""
    if profile in _PROFILES:
        PRINT_OPTS.update(zip(_OPTIONS, _PROFILES[profile]))
    for name, value in zip(_OPTIONS, (precision, threshold, edgeitems, linewidth)):
        if value is not None:
            PRINT_OPTS[name] = value
    PRINT_OPTS["sci_mode"] = sci_mode


def get_printoptions():
    """A copy of the current print options (torch._tensor_str.get_printoptions)."""
    return dict(PRINT_OPTS)


# ---- one element ----
class _Formatter:
    """Decides, from the values that will be shown, the mode and the common width of every element."""

    def __init__(self, values, floating):
        self.floating, self.precision = floating, PRINT_OPTS["precision"]
        self.int_mode, self.sci_mode, self.width = True, False, 1
        flat = values.reshape(-1)
        if not floating:
            self.width = max([1] + [len(str(v)) for v in flat.tolist()])
            return
        deciding = flat[np.isfinite(flat) & (flat != 0)]
        if deciding.size == 0:  # only zeros, nan, inf: int mode, and no scientific mode even if forced
            return
        magnitudes = np.abs(deciding).astype(np.float64)  # decided in double precision, as PyTorch
        smallest, largest = magnitudes.min(), magnitudes.max()
        self.int_mode = bool(np.all(deciding == np.ceil(deciding)))
        if PRINT_OPTS["sci_mode"] is None:
            with np.errstate(over="ignore"):
                self.sci_mode = bool(largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4)
        else:
            self.sci_mode = bool(PRINT_OPTS["sci_mode"])
        shown = deciding.tolist()
        if self.sci_mode:  # scientific beats int mode
            self.width = max(len(f"{v:.{self.precision}e}") for v in shown)
        elif self.int_mode:
            self.width = max(len(f"{v:.0f}") for v in shown) + 1  # + the trailing dot
        else:
            self.width = max(len(f"{v:.{self.precision}f}") for v in shown)

    def format(self, value):
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.width}.{self.precision}e}"
        elif self.int_mode:
            text = f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        else:
            text = f"{value:.{self.precision}f}"
        return text.rjust(self.width)  # 'nan' or '-0.0000' may be wider than the width: then no padding


# ---- the layout ----
def _shown_values(array, edge):
    """The elements a summarised print shows (edge of them at both ends of each dim): what the formatter sees."""
    if array.ndim == 0:
        return array
    if array.ndim == 1:  # with edge == 0, array[-0:] is the whole row: PyTorch then sizes on every value
        return np.concatenate((array[:edge], array[-edge:])) if len(array) > 2 * edge else array
    if edge == 0:
        return np.empty((0,) * array.ndim, array.dtype)
    count = len(array)
    rows = list(range(edge)) + list(range(count - edge, count)) if count > 2 * edge else range(count)
    return np.stack([_shown_values(array[i], edge) for i in rows])


def _row(array, indent, summarize, formatter):
    """A 1-D tensor: '[a, b, c]', wrapped so that each line fits linewidth after the indent."""
    edge = PRINT_OPTS["edgeitems"]
    per_line = max(1, math.floor((PRINT_OPTS["linewidth"] - indent) / (formatter.width + 2)))  # 2 for ', '
    if summarize and edge == 0:
        items = ["..."]
    elif summarize and len(array) > 2 * edge:
        items = ([formatter.format(v) for v in array[:edge].tolist()] + [" ..."]
                 + [formatter.format(v) for v in array[-edge:].tolist()])
    else:
        items = [formatter.format(v) for v in array.tolist()]
    lines = [", ".join(items[start:start + per_line]) for start in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _block(array, indent, summarize, formatter):
    """Any tensor: nested brackets, sub-blocks of a k-d tensor separated by k - 1 newlines."""
    if array.ndim == 0:
        return formatter.format(array.item())
    if array.ndim == 1:
        return _row(array, indent, summarize, formatter)
    edge, count = PRINT_OPTS["edgeitems"], len(array)
    if summarize and count > 2 * edge:
        blocks = ([_block(array[i], indent + 1, summarize, formatter) for i in range(edge)] + ["..."]
                  + [_block(array[i], indent + 1, summarize, formatter) for i in range(count - edge, count)])
    else:
        blocks = [_block(sub, indent + 1, summarize, formatter) for sub in array]
    return "[" + ("," + "\n" * (array.ndim - 1) + " " * (indent + 1)).join(blocks) + "]"


def _with_suffixes(text, suffixes, indent):
    """Append ', suffix' pieces and the closing ')', moving a piece to its own line when it would pass linewidth."""
    # PyTorch's measure of the last line (kept as it is: with no newline, rfind gives -1, so len + 2)
    last_line = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line + len(suffix) + 2 > PRINT_OPTS["linewidth"]:
            text += ",\n" + " " * indent + suffix
            last_line = indent + len(suffix)
        else:
            text += ", " + suffix
            last_line += len(suffix) + 2
    return text + ")"


# ---- the public functions ----
def tensor_repr(tensor, prefix="tensor("):
    """repr(tensor) and str(tensor), as PyTorch prints them."""
    array, default = tensor.array, np.dtype(get_default_dtype()).name
    indent, suffixes = len(prefix), []
    if array.size == 0:
        if array.ndim != 1:
            suffixes.append(f"size={tuple(array.shape)}")
        body, plain_dtypes = "[]", (default,)
    else:
        if PRINT_OPTS["edgeitems"] == 0:  # edgeitems=0 always shows the size, summarised or not
            suffixes.append(f"size={tuple(array.shape)}")
        summarize = array.size > PRINT_OPTS["threshold"]
        shown = _shown_values(array, PRINT_OPTS["edgeitems"]) if summarize else array
        body = _block(array, indent, summarize, _Formatter(shown, array.dtype.kind == "f"))
        plain_dtypes = (default, "int64", "bool")
    if array.dtype.name not in plain_dtypes:
        suffixes.append(f"dtype={tensor.dtype}")  # prints torch.float64
    if tensor.grad_fn is not None:  # a grad_fn says requires_grad already
        suffixes.append(f"grad_fn=<{tensor.grad_fn.name()}>")
    elif tensor.requires_grad:
        suffixes.append("requires_grad=True")
    return _with_suffixes(prefix + body, suffixes, indent)


def parameter_repr(parameter):
    """repr(nn.Parameter): a header line, then the tensor as it prints."""
    return "Parameter containing:\n" + tensor_repr(parameter)
