"""Tensor: an n-d array that remembers how it was made, so backward() can send gradients to its inputs.

The values live in `tensor.array`, a NumPy array. `tensor.data` is what PyTorch's is: another Tensor over
the same memory, detached from the graph. The operators and methods that build the graph (+, @, sum,
reshape, ...) are in tensor_methods.py, the in-place changes (+=, zero_, copy_, ...) in tensor_inplace.py; this
file holds what a tensor is, how it converts and leaves the graph, and backward().
"""

import numpy as np

from . import dtypes, function, printing
from .backward import _hook_result, run_backward
from ..torch_api.device import CPU, check_device, is_device
from ..torch_api.legacy import tensor_array
from .function import Node, VersionCounter, is_grad_enabled
from .tensor_factories import TensorFactories
from .tensor_index import TensorIndexing
from .tensor_inplace import InPlaceOps
from .tensor_matrix import TensorMatrix
from .tensor_methods import TensorMethods
from .tensor_reduce import TensorReductions

float32, float64, int64 = dtypes.float32, dtypes.float64, dtypes.int64


class Size(tuple):
    """A tensor's shape: a tuple that prints as torch.Size does (PyTorch's text, which tutorials show). As in
    PyTorch, slicing it, adding a tuple to it or repeating it gives a Size again; one element is a plain int."""

    def __repr__(self):
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def __getitem__(self, index):
        item = tuple.__getitem__(self, index)
        return Size(item) if isinstance(index, slice) else item

    def __add__(self, other):
        return Size(tuple.__add__(self, other))

    def __radd__(self, other):
        return Size(tuple.__add__(tuple(other), self))

    def __mul__(self, count):
        return Size(tuple.__mul__(self, count))

    __rmul__ = __mul__

    def numel(self):
        return int(np.prod(self, dtype=np.int64))


class Tensor(TensorMethods, TensorMatrix, TensorIndexing, TensorReductions, TensorFactories, InPlaceOps):
    """array: the NumPy array. grad: a Tensor (leaves only) or None. grad_fn: the Node that made it, None for a leaf.

    Tensor(ndarray) is how the engine wraps an array: no copy, its dtype kept. Any other arguments are PyTorch's
    legacy constructor (torch_api/legacy.py): Tensor([1, 2]) holds floats of the default dtype, Tensor(2, 3) is a
    2 x 3 tensor (zeros), Tensor() is empty, Tensor(t) shares t's memory.
    """

    __array_ufunc__ = None  # `ndarray + Tensor` defers to Tensor.__radd__ instead of making an object array

    def __init__(self, *data, requires_grad=False, device=None, _version_counter=None):
        if len(data) == 1 and isinstance(data[0], np.ndarray):  # how every op wraps its result: checked first
            self.array = data[0]
        else:  # a NumPy scalar, a Tensor, PyTorch's legacy forms
            self.array = tensor_array(data, device)
        self.grad = None
        self.grad_fn: Node | None = None
        self.requires_grad = requires_grad
        self._version_counter = _version_counter or VersionCounter()

    @property
    def grad(self):
        return self._grad

    @grad.setter
    def grad(self, value):
        """As in PyTorch, an assigned gradient must have this tensor's shape and dtype (None clears it)."""
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value.array.shape != self.array.shape:
                raise RuntimeError(f"assigned grad has data of a different size (grad shape {value.array.shape}, "
                                   f"tensor shape {self.array.shape})")
            if value.array.dtype != self.array.dtype:
                raise RuntimeError(f"assigned grad has data of a different type ({value.dtype}, tensor: {self.dtype})")
        self._grad = value

    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        if value and self.array.dtype.kind != "f":  # kind "f": float16, float32, float64
            raise RuntimeError(f"only floating point tensors can require gradients, got dtype {self.array.dtype}")
        self._requires_grad = bool(value)

    # ---- what it is ----
    shape = property(lambda self: Size(self.array.shape))
    dtype = property(lambda self: dtypes.of_numpy(self.array.dtype))  # mm.float32 & co, printing torch.float32
    ndim = property(lambda self: self.array.ndim)
    is_leaf = property(lambda self: self.grad_fn is None)
    device = property(lambda self: CPU)
    is_cuda = False

    def size(self, dim=None):
        return self.shape if dim is None else self.array.shape[dim]

    def numel(self):
        return self.array.size

    def dim(self):
        return self.array.ndim

    def is_floating_point(self):
        return dtypes.category(self.dtype) == 2

    def __len__(self):
        if self.array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.array)

    def __iter__(self):
        if self.array.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self.array)))

    def __getattr__(self, name):
        """Called only when normal lookup fails: a PyTorch method the engine lacks fails with one clear line."""
        from ..torch_api.missing import missing_method

        missing_method(type(self).__name__, name)

    def __hash__(self):
        return id(self)  # identity, so tensors can key dicts (optimizer state) although == is elementwise

    def __repr__(self):
        """PyTorch's text: tensor([5.5000, 3.0000], requires_grad=True) (rules in printing.py); str is the same."""
        return printing.tensor_repr(self)

    # ---- Python and NumPy conversions ----
    def _one_value(self):
        if self.array.size != 1:
            raise ValueError(f"only one element tensors can be converted to Python scalars "
                             f"(this one has shape {tuple(self.shape)})")
        return self.array.reshape(()).item()

    def item(self):
        if self.array.size != 1:
            raise RuntimeError(f"item(): a Tensor with {self.array.size} elements cannot be converted to Scalar")
        return self._one_value()

    def __bool__(self):
        if self.array.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous "
                               f"(shape {tuple(self.shape)}); use .any() or .all()")
        return bool(self.array.reshape(()))

    def __float__(self):
        return float(self._one_value())

    def __int__(self):
        return int(self._one_value())

    def __index__(self):
        if dtypes.category(self.dtype) == 2 or self.array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._one_value())

    def __format__(self, spec):
        """f"{loss:.3f}" works on a 0-d tensor; other tensors take no format spec (as in PyTorch)."""
        if self.array.ndim == 0:
            return format(self.item(), spec)
        return object.__format__(self, spec)

    def __array__(self, dtype=None, copy=None):
        """NumPy and matplotlib accept tensors: np.asarray(t) is t's array (no copy unless asked)."""
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        if copy:
            return self.array.astype(dtype or self.array.dtype, copy=True)
        return self.array if dtype is None else self.array.astype(dtype, copy=False)

    def numpy(self):
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self.array

    def tolist(self):
        return self.array.tolist()

    # ---- leaving the graph ----
    def detach(self):
        """The same memory, cut from the graph; it shares the version counter, so in-place changes are seen."""
        return Tensor(self.array, _version_counter=self._version_counter)

    @property
    def data(self):
        """As in PyTorch: a detached Tensor over the same memory (tensor.data.max(1) works as in tutorials).

        Unlike detach(), it has a version counter of its own, so changes through .data are not tracked:
        PyTorch's escape hatch, kept with its risk (a saved value changed this way gives wrong gradients).
        """
        return Tensor(self.array)

    @data.setter
    def data(self, value):
        new = value.array if isinstance(value, Tensor) else np.asarray(value)
        if self.requires_grad and not np.issubdtype(new.dtype, np.floating):
            raise RuntimeError("data set to a tensor that requires gradients must be floating point or complex dtype")
        if new.shape != self.array.shape or new.dtype != self.array.dtype:
            self.grad = None
        self.array = new
        self._version_counter = VersionCounter()

    @property
    def _version(self):
        """How many in-place changes the memory under this tensor has seen (torch's Tensor._version)."""
        return self._version_counter.value

    # ---- dtype and device ----
    def to(self, *args, **kwargs):
        """to(dtype), to(device), to(device, dtype), to(other_tensor), with keywords as in PyTorch.

        The device must be the CPU (a GPU is a clear error); a new dtype gives a copy through which
        gradients flow back, cast to this tensor's dtype.
        """
        dtype = parse_to(args, kwargs)
        if dtype is None or dtype == self.dtype:
            return self.clone() if kwargs.get("copy") else self
        return self._cast(dtype)

    def cpu(self):
        return self

    def cuda(self, device=None, non_blocking=False):
        check_device("cuda" if device is None else device)

    def type(self, dtype=None, non_blocking=False):
        """Without arguments, the type name PyTorch prints ('torch.FloatTensor'); with a dtype, a legacy type
        (torch.DoubleTensor) or its name ('torch.DoubleTensor'), this tensor converted to it."""
        from ..torch_api.legacy import dtype_of_type, type_name

        if dtype is None:
            return type_name(self.dtype)
        return self.to(dtype_of_type(dtype))

    def float(self):
        return self.to(float32)

    def double(self):
        return self.to(float64)

    def half(self):
        return self.to(dtypes.float16)

    def long(self):
        return self.to(int64)

    def int(self):
        return self.to(dtypes.int32)

    def bool(self):
        return self.to(dtypes.bool_)

    # ---- backpropagation ----
    def backward(self, gradient=None, retain_graph=None, create_graph=False):
        """Send d(self)/d(leaf) * gradient to every leaf that requires grad; leaves accumulate into .grad.

        The graph's saved values are freed on the way, so a second backward through it raises, unless
        retain_graph=True. create_graph (gradients of gradients) is not supported by this engine.
        """
        if create_graph:
            raise NotImplementedError("backward(create_graph=True): the engine's backward functions work on "
                                      "NumPy arrays and record no graph, so higher-order gradients are not supported")
        if not self.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        if gradient is None:
            if self.array.size != 1:
                raise RuntimeError(f"grad can be implicitly created only for scalar outputs, "
                                   f"but this tensor has shape {tuple(self.shape)}; pass gradient=")
            gradient = np.ones_like(self.array)
        gradient = np.asarray(gradient.array if isinstance(gradient, Tensor) else gradient, dtype=self.dtype)
        if gradient.shape != self.array.shape:
            raise RuntimeError(f"backward(): gradient shape {gradient.shape} does not match tensor shape "
                               f"{self.array.shape}")
        run_backward(self, gradient, retain_graph=bool(retain_graph))

    # ---- looking at gradients in flight ----
    _hooks = ()

    def register_hook(self, hook):
        """Call hook(grad) when this tensor's gradient is computed; a returned Tensor replaces the gradient.

        Returns a handle whose remove() unregisters the hook, as in PyTorch.
        """
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            hooks = self.grad_fn.hooks
        else:
            if not self._hooks:
                self._hooks = []
            hooks = self._hooks
        hooks.append(hook)
        return _HookHandle(hooks, hook)

    def requires_grad_(self, requires_grad=True):
        """Start (or stop) recording operations on this leaf, in place; returns self."""
        self.requires_grad = requires_grad
        return self

    def retain_grad(self):
        """Keep .grad on this intermediate tensor too (by default only leaves keep theirs)."""
        import weakref

        if self.grad_fn is not None:
            self.grad_fn.retained_output = weakref.ref(self)

    @property
    def retains_grad(self):
        return self.grad_fn is not None and self.grad_fn.retained_output is not None

    def _run_hooks(self, grad):
        for hook in self._hooks:
            grad = _hook_result(hook, grad, self.array.shape, self.dtype)
        return grad

    def _accumulate(self, grad, copy=True):
        """Leaves add up gradients across backward() calls until zero_grad(), as in PyTorch.
        copy=False: grad is a new array nobody else holds, kept as it is (backward.py decides)."""
        if self.grad is None:
            self.grad = Tensor(grad.copy() if copy else grad)
        else:
            self.grad.array = self.grad.array + grad


function.Tensor = Tensor  # what Function.apply wraps its results in (function.py cannot import this module)


def parse_to(args, kwargs):
    """The dtype asked for by to(...)'s PyTorch forms (None: keep it); the device is checked to be the CPU."""
    unknown = set(kwargs) - {"dtype", "device", "non_blocking", "copy", "memory_format"}
    if unknown:
        raise TypeError(f"to() got unexpected keyword argument(s) {sorted(unknown)}")
    dtype = kwargs.get("dtype")
    if "device" in kwargs and kwargs["device"] is not None:
        check_device(kwargs["device"])
    for arg in args:
        if isinstance(arg, Tensor):
            dtype = arg.dtype
        elif is_device(arg):
            check_device(arg)
        elif isinstance(arg, bool):
            continue  # non_blocking / copy given by position
        else:
            try:
                dtype = dtypes.to_engine(arg)
            except TypeError:
                raise TypeError(f"to(): expected a dtype, a device ('cpu') or a tensor, got {arg!r}") from None
    return None if dtype is None else dtypes.to_engine(dtype)


class _HookHandle:
    def __init__(self, hooks, hook):
        self._hooks, self._hook = hooks, hook

    def remove(self):
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)
