"""Tensor: an n-d array that remembers how it was made, so backward() can send gradients to its inputs."""

from collections import namedtuple

import numpy as np

from .function import Node, is_grad_enabled
from .ops import elementwise, matmul, reduce
from .ops import shape as shape_ops

float32, float64, int64 = np.float32, np.float64, np.int64

MaxResult = namedtuple("MaxResult", ["values", "indices"])  # what max(dim) returns, as torch.return_types.max


def _checked_grad(op_name, tensor, grad):
    """A gradient an op's backward returned for `tensor`: its shape must match, its dtype becomes the tensor's."""
    if grad.shape != tensor.shape:
        raise RuntimeError(f"{op_name}.backward returned a gradient of shape {grad.shape} "
                           f"for an input of shape {tensor.shape}")
    return grad if grad.dtype == tensor.dtype else grad.astype(tensor.dtype)


class Tensor:
    """data: the NumPy array. grad: a Tensor (leaves only) or None. grad_fn: the Node that made it, None for a leaf."""

    __array_ufunc__ = None  # `ndarray + Tensor` defers to Tensor.__radd__ instead of making an object array

    def __init__(self, data, requires_grad=False):
        self.data = data if isinstance(data, np.ndarray) else np.asarray(data)
        self.grad = None
        self.grad_fn: Node | None = None
        self.requires_grad = requires_grad

    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        if value and not np.issubdtype(self.data.dtype, np.floating):
            raise RuntimeError(f"only floating point tensors can require gradients, got dtype {self.data.dtype}")
        self._requires_grad = bool(value)

    # ---- what it is ----
    shape = property(lambda self: self.data.shape)
    dtype = property(lambda self: self.data.dtype)
    ndim = property(lambda self: self.data.ndim)
    is_leaf = property(lambda self: self.grad_fn is None)

    def size(self, dim=None):
        return self.data.shape if dim is None else self.data.shape[dim]

    def numel(self):
        return self.data.size

    def dim(self):
        return self.data.ndim

    def __len__(self):
        return len(self.data)

    def __hash__(self):
        return id(self)  # identity, so tensors can key dicts (optimizer state) although == is elementwise

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extras = "" if self.dtype == float32 else f", dtype={self.dtype}"
        if self.grad_fn is not None:
            extras += f", grad_fn=<{self.grad_fn.name}Backward>"
        elif self.requires_grad:
            extras += ", requires_grad=True"
        return f"tensor({body}{extras})"

    # ---- leaving the graph ----
    def numpy(self):
        if self.requires_grad:
            raise RuntimeError("can't call numpy() on a tensor that requires grad; use tensor.detach().numpy()")
        return self.data

    def item(self):
        if self.data.size != 1:
            raise RuntimeError(f"item(): a tensor with {self.data.size} elements cannot be converted to a Python number")
        return self.data.item()

    def tolist(self):
        return self.data.tolist()

    def detach(self):
        """The same data, cut from the graph (shares memory, like PyTorch)."""
        return Tensor(self.data)

    def zero_(self):
        self.data[...] = 0
        return self

    # ---- in-place arithmetic: for updates under no_grad (x -= lr * x.grad), never part of a graph ----
    def _update_in_place(self, numpy_op, other):
        if is_grad_enabled() and self.requires_grad:
            raise RuntimeError("a tensor that requires grad is being used in an in-place operation; "
                               "do the update inside `with no_grad():`")
        numpy_op(self.data, other.data if isinstance(other, Tensor) else other, out=self.data, casting="same_kind")
        return self

    def __iadd__(self, other):
        return self._update_in_place(np.add, other)

    def __isub__(self, other):
        return self._update_in_place(np.subtract, other)

    def __imul__(self, other):
        return self._update_in_place(np.multiply, other)

    def __itruediv__(self, other):
        return self._update_in_place(np.divide, other)

    # ---- backpropagation ----
    def backward(self, gradient=None):
        """Send d(self)/d(leaf) * gradient to every leaf that requires grad; leaves accumulate into .grad."""
        if not self.requires_grad:
            raise RuntimeError("backward(): this tensor does not require grad and has no grad_fn")
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError(f"backward(): grad can be implicitly created only for scalar outputs, "
                                   f"but this tensor has shape {self.shape}; pass gradient=")
            gradient = np.ones_like(self.data)
        gradient = np.asarray(gradient.data if isinstance(gradient, Tensor) else gradient, dtype=self.dtype)
        if gradient.shape != self.shape:
            raise RuntimeError(f"backward(): gradient shape {gradient.shape} does not match tensor shape {self.shape}")

        pending = {self: gradient}  # gradients waiting for every consumer of a tensor to report
        for tensor in reversed(self._topological_order()):
            grad = tensor._run_hooks(pending.pop(tensor))  # complete now: every consumer has reported
            if tensor.grad_fn is None or tensor._retains_grad:
                tensor._accumulate(grad)
            if tensor.grad_fn is None:
                continue
            input_grads = tensor.grad_fn.function.backward(tensor.grad_fn.ctx, grad)
            for parent, parent_grad in zip(tensor.grad_fn.inputs, input_grads):
                if parent is None or parent_grad is None or not parent.requires_grad:
                    continue
                parent_grad = _checked_grad(tensor.grad_fn.name, parent, parent_grad)
                pending[parent] = pending[parent] + parent_grad if parent in pending else parent_grad

    def _topological_order(self):
        """Tensors that need a gradient, each after all of its inputs (iterative depth-first search)."""
        order, visited, stack = [], set(), [(self, False)]
        while stack:
            tensor, inputs_done = stack.pop()
            if inputs_done:
                order.append(tensor)
                continue
            if tensor in visited:
                continue
            visited.add(tensor)
            stack.append((tensor, True))
            if tensor.grad_fn is not None:
                for parent in tensor.grad_fn.inputs:
                    if parent is not None and parent.requires_grad and parent not in visited:
                        stack.append((parent, False))
        return order

    # ---- looking at gradients in flight ----
    _hooks = ()
    _retains_grad = False

    def register_hook(self, hook):
        """Call hook(grad) when this tensor's gradient is computed; a returned Tensor replaces the gradient.

        Returns a handle whose remove() unregisters the hook, as in PyTorch.
        """
        if not self.requires_grad:
            raise RuntimeError("register_hook: cannot register a hook on a tensor that doesn't require gradient")
        if not self._hooks:
            self._hooks = []
        self._hooks.append(hook)
        return _HookHandle(self._hooks, hook)

    def requires_grad_(self, requires_grad=True):
        """Start (or stop) recording operations on this leaf, in place; returns self."""
        self.requires_grad = requires_grad
        return self

    def retain_grad(self):
        """Keep .grad on this intermediate tensor too (by default only leaves keep theirs)."""
        self._retains_grad = True

    def _run_hooks(self, grad):
        for hook in self._hooks:
            replaced = hook(Tensor(grad))
            if replaced is None:
                continue
            replaced = np.asarray(replaced.data if isinstance(replaced, Tensor) else replaced)
            if replaced.shape != self.shape:
                raise RuntimeError(f"register_hook: a hook returned a gradient of shape {replaced.shape} "
                                   f"for a tensor of shape {self.shape}")
            grad = replaced.astype(self.dtype, copy=False)
        return grad

    def _accumulate(self, grad):
        """Leaves add up gradients across backward() calls until zero_grad(), as in PyTorch."""
        if self.grad is None:
            self.grad = Tensor(grad.copy())
        else:
            self.grad.data = self.grad.data + grad

    # ---- arithmetic ----
    def _lift(self, other):
        """Python numbers join a floating tensor in its dtype (float32 stays float32, as in PyTorch);
        with an integer or bool tensor they keep their own kind, so 0.5 is not truncated to 0."""
        if isinstance(other, Tensor):
            return other
        floating = np.issubdtype(self.dtype, np.floating)
        return Tensor(np.asarray(other, dtype=self.dtype if floating and isinstance(other, (int, float)) else None))

    def __add__(self, other):
        return elementwise.Add.apply(self, self._lift(other))

    def __radd__(self, other):
        return elementwise.Add.apply(self._lift(other), self)

    def __sub__(self, other):
        return elementwise.Sub.apply(self, self._lift(other))

    def __rsub__(self, other):
        return elementwise.Sub.apply(self._lift(other), self)

    def __mul__(self, other):
        return elementwise.Mul.apply(self, self._lift(other))

    def __rmul__(self, other):
        return elementwise.Mul.apply(self._lift(other), self)

    def __truediv__(self, other):
        return elementwise.Div.apply(self, self._lift(other))

    def __rtruediv__(self, other):
        return elementwise.Div.apply(self._lift(other), self)

    def __pow__(self, exponent):
        return elementwise.Pow.apply(self, self._lift(exponent))

    def __rpow__(self, base):
        return elementwise.Pow.apply(self._lift(base), self)

    def __neg__(self):
        return elementwise.Neg.apply(self)

    def __matmul__(self, other):
        return matmul.MatMul.apply(self, other)

    matmul = __matmul__

    def exp(self):
        return elementwise.Exp.apply(self)

    def log(self):
        return elementwise.Log.apply(self)

    def relu(self):
        return elementwise.ReLU.apply(self)

    # ---- comparisons: plain boolean tensors, outside the graph ----
    def _compare(self, other, numpy_op):
        return Tensor(numpy_op(self.data, other.data if isinstance(other, Tensor) else other))

    def __eq__(self, other):
        return self._compare(other, np.equal)

    def __ne__(self, other):
        return self._compare(other, np.not_equal)

    def __lt__(self, other):
        return self._compare(other, np.less)

    def __le__(self, other):
        return self._compare(other, np.less_equal)

    def __gt__(self, other):
        return self._compare(other, np.greater)

    def __ge__(self, other):
        return self._compare(other, np.greater_equal)

    eq = __eq__

    # ---- reductions ----
    def sum(self, dim=None, keepdim=False):
        return reduce.Sum.apply(self, dim=dim, keepdim=keepdim)

    def mean(self, dim=None, keepdim=False):
        return reduce.Mean.apply(self, dim=dim, keepdim=keepdim)

    def max(self, dim=None, keepdim=False):
        """max() gives the largest value; max(dim) gives (values, indices) like PyTorch."""
        values = reduce.Max.apply(self, dim=dim, keepdim=keepdim)
        if dim is None:
            return values
        return MaxResult(values, self.argmax(dim, keepdim))

    def argmax(self, dim=None, keepdim=False):
        if dim is None:
            return Tensor(np.argmax(self.data))
        return Tensor(np.argmax(self.data, axis=dim, keepdims=keepdim))

    # ---- shape ----
    def reshape(self, *shape):
        shape = tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        return shape_ops.Reshape.apply(self, shape=shape)

    def unsqueeze(self, dim):
        """A new axis of size 1 at `dim` (negative counts from the end of the result, as in torch)."""
        dim = dim if dim >= 0 else dim + self.ndim + 1
        return self.reshape(self.shape[:dim] + (1,) + self.shape[dim:])

    def squeeze(self, dim=None):
        """Drop axes of size 1 (only `dim`, when given and of size 1)."""
        if dim is None:
            return self.reshape(tuple(size for size in self.shape if size != 1))
        dim = dim % max(self.ndim, 1)
        if self.ndim == 0 or self.shape[dim] != 1:
            return self
        return self.reshape(self.shape[:dim] + self.shape[dim + 1:])

    def view(self, *shape):
        """Like reshape, but only for contiguous data (as PyTorch: a view never copies)."""
        if not self.data.flags.c_contiguous:
            raise RuntimeError(f"view: tensor of shape {self.shape} is not contiguous (after transpose/permute); use reshape")
        return self.reshape(*shape)

    def view_as(self, other):
        return self.view(other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        if self.ndim == 0:
            return self.reshape(1)
        start, end = start_dim % self.ndim, end_dim % self.ndim
        merged = int(np.prod(self.shape[start:end + 1]))
        return self.reshape(self.shape[:start] + (merged,) + self.shape[end + 1:])

    def permute(self, *dims):
        dims = tuple(dims[0]) if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
        return shape_ops.Permute.apply(self, dims=dims)

    def transpose(self, dim0, dim1):
        dims = list(range(self.ndim))
        dims[dim0], dims[dim1] = dims[dim1], dims[dim0]
        return shape_ops.Permute.apply(self, dims=tuple(dims))

    def t(self):
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with at most 2 dimensions, got shape {self.shape}")
        return self.transpose(0, 1) if self.ndim == 2 else self

    T = property(t)

    def __getitem__(self, index):
        if isinstance(index, Tensor):
            index = index.data
        elif isinstance(index, tuple):
            index = tuple(i.data if isinstance(i, Tensor) else i for i in index)
        return shape_ops.Index.apply(self, index=index)

    # ---- dtype ----
    def to(self, dtype):
        """A copy in another dtype; gradients flow back (cast back to this tensor's dtype)."""
        return self if dtype == self.dtype else elementwise.Cast.apply(self, dtype=dtype)

    def float(self):
        return self.to(float32)

    def double(self):
        return self.to(float64)

    def long(self):
        return self.to(int64)


class _HookHandle:
    def __init__(self, hooks, hook):
        self._hooks, self._hook = hooks, hook

    def remove(self):
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)
