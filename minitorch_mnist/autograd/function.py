"""Function: the base of every differentiable op, the Node it records, and the switch that turns recording off.

A Function subclass writes two static methods side by side:
    forward(ctx, *arrays, **options)  -> output array       (plain NumPy in, NumPy out)
    backward(ctx, grad)               -> one gradient per input array (None: no gradient for that input)
`apply` wraps them: it unwraps Tensors, runs forward, and (when gradients are wanted) records a
Node so that Tensor.backward can later call backward with the upstream gradient.

Two safety rules, as in PyTorch:
- The arrays a forward saves with ctx.save must still hold the same values when backward runs. Every
  in-place change bumps a version counter shared by all tensors over the same memory; the Node records
  the versions at save time, and backward raises if one has moved (see docs/08-saved-values.md).
- backward frees the saved arrays (unless retain_graph=True): a second backward through the same ops
  raises instead of silently adding gradients from freed or stale values.

What users see of a Node is PyTorch's: print(t.grad_fn) gives <MulBackward0 object at 0x...>, and
grad_fn.next_functions lists ((node, 0), ...) with AccumulateGrad for leaves. Each op names its node
(Function.node_name / torch_name); callers rename it where PyTorch's node depends on the call (graph.py).
"""

import threading

import numpy as np

_grad_mode = threading.local()  # per thread, as in PyTorch: no_grad in one thread leaves the others recording


def is_grad_enabled():
    return getattr(_grad_mode, "enabled", True)


class _GradMode:
    """Context manager and decorator that sets grad mode for the current thread, restoring it on exit."""

    def __init__(self, enabled):
        self.enabled = enabled

    def __enter__(self):
        self.previous = is_grad_enabled()
        _grad_mode.enabled = self.enabled

    def __exit__(self, *exc_info):
        _grad_mode.enabled = self.previous

    def __call__(self, function):
        def with_grad_mode(*args, **kwargs):
            with _GradMode(self.enabled):
                return function(*args, **kwargs)
        with_grad_mode.__name__, with_grad_mode.__doc__ = function.__name__, function.__doc__
        return with_grad_mode


def no_grad():
    """Context manager or decorator (like torch.no_grad): ops inside record no graph, so nothing is saved."""
    return _GradMode(False)


def enable_grad():
    """Context manager or decorator that turns graph recording back on inside a no_grad block."""
    return _GradMode(True)


class set_grad_enabled:
    """Turn recording on or off for this thread now; as a context manager, the previous mode comes back on exit
    (like torch.set_grad_enabled)."""

    def __init__(self, mode):
        self.previous = is_grad_enabled()
        _grad_mode.enabled = bool(mode)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        _grad_mode.enabled = self.previous


class VersionCounter:
    """How many in-place changes the memory under a tensor has seen; shared by every tensor over that memory."""

    def __init__(self):
        self.value = 0
        self.has_graph_views = False  # a recorded op made a view of this memory (in-place changes then refuse)


FREED_MESSAGE = ("Trying to backward through the graph a second time (or directly access saved tensors after they "
                 "have already been freed). Saved intermediate values of the graph are freed when you call "
                 ".backward(). Specify retain_graph=True if you need to backward through the graph a second time "
                 "or if you need to access saved tensors after calling backward.")


class Context:
    """What a forward leaves for its backward: saved arrays and any plain values (shapes, options).

    needs_input_grad[i] says whether input i wants a gradient, so backward can skip work nobody needs.
    """

    def __init__(self, needs_input_grad=()):
        self.needs_input_grad = needs_input_grad
        self._saved = ()
        self.freed = False

    def save(self, *arrays):
        self._saved = arrays

    @property
    def saved(self):
        if self.freed:
            raise RuntimeError(FREED_MESSAGE)
        return self._saved


class Node:
    """One recorded op in the graph: which Function ran, its context, and where each input's gradient goes.

    inputs: the input Tensors (None for an absent input), kept until backward frees the graph.
    next: for each input, the Node that made it, the leaf Tensor itself (gradients accumulate there), or None.
    Each Node is an instance of a class named as PyTorch's node for the same call (MulBackward0, AddmmBackward0:
    node_type), so `print(t.grad_fn)` and type(t.grad_fn).__name__ read as in PyTorch (Function.torch_name).
    """

    def __init__(self, function, ctx, inputs, output):
        self.function, self.ctx, self.inputs = function, ctx, inputs
        self.next = tuple(_edge(tensor) for tensor in inputs)
        self.shown = None  # the edges next_functions lists, when asked (Function.shown_edges, or set by rename)
        self.hidden = False  # a dtype promotion PyTorch does inside the op: next_functions looks through it
        self.output_shape, self.output_dtype = output.array.shape, output.array.dtype
        self.hooks = []            # register_hook on the output tensor (it is not a leaf)
        self.retained_output = None  # the output Tensor, when retain_grad() asked to keep its .grad
        self.metadata = {}
        self.saved_versions = _saved_versions(ctx._saved, inputs, output)

    def name(self):
        """PyTorch's name for this node, e.g. 'MulBackward0' (the engine's op is self.function)."""
        return type(self).__name__

    def __repr__(self):
        return f"<{self.name()} object at {hex(id(self))}>"

    @property
    def next_functions(self):
        """As in PyTorch: ((node, 0), ...) per input, an AccumulateGrad for a leaf that requires grad, None for an
        input that needs no gradient."""
        from .graph import shown_entry

        if self.shown is None:
            self.shown = self.function.shown_edges(self)
        return tuple((shown_entry(edge), 0) for edge in self.shown)

    def check_versions(self):
        """Raise if a saved array was changed in place after forward (the gradient would silently be wrong)."""
        for counter, version, role, shape, dtype in self.saved_versions:
            if counter.value != version:
                raise RuntimeError(
                    f"one of the variables needed for gradient computation has been modified by an inplace "
                    f"operation: the {role} of {self.name()} (shape {shape}, dtype {dtype}) is at version "
                    f"{counter.value}; expected version {version} instead. Make a copy (x = x.clone()) before "
                    f"changing it, or change it only after backward()")

    def release(self):
        """Free what forward saved and the links to input tensors (the graph's memory); keep the structure."""
        if self.ctx._saved:
            self.ctx.freed = True
        self.ctx._saved = ()
        self.inputs = tuple(None for _ in self.inputs)


_NODE_TYPES = {}

# The class apply() wraps results in. tensor.py imports this module, so this one cannot import it back; tensor.py
# sets it once Tensor exists (an import inside apply would cost about 1 us on every op).
Tensor = None


def node_type(name, base=None):
    """The Node subclass called `name` (one per name, made on first use), as PyTorch has one class per node kind."""
    found = _NODE_TYPES.get(name) if base is None else None  # the common case, checked first: it runs on every op
    if found is None:
        key = name if base is None else (name, base)
        found = _NODE_TYPES.get(key) or _NODE_TYPES.setdefault(key, type(name, (base or Node,), {}))
    return found


def _edge(tensor):
    if tensor is None or not tensor.requires_grad:
        return None
    return tensor.grad_fn if tensor.grad_fn is not None else tensor


def _saved_versions(saved, inputs, output):
    """(counter, version, role, shape, dtype) for every saved array that lives in an input's or the output's memory."""
    candidates = [(tensor, f"input {i}") for i, tensor in enumerate(inputs) if tensor is not None]
    candidates.append((output, "output"))
    records = []
    for array in saved:
        if not isinstance(array, np.ndarray):
            continue
        for tensor, role in candidates:
            if _same_memory(array, tensor.array):
                counter = tensor._version_counter
                records.append((counter, counter.value, role, tensor.array.shape, tensor.array.dtype))
                break
    return records


class Function:
    """Base of the differentiable ops; subclasses define the static methods forward and backward."""

    # True where backward returns arrays it has just computed, a different one per input, that nothing else refers
    # to (Linear, MatMul): a leaf may then keep one as its .grad without copying it (backward.py)
    new_gradients = False

    # PyTorch's name for the node this op records (what print(t.grad_fn) shows); None: the class name + "Backward0"
    node_name = None
    # the inputs PyTorch's node lists in next_functions, as a slice of this op's inputs (None: all of them)
    shown_inputs = None

    @classmethod
    def shown_edges(cls, node):
        """What `node`'s next_functions lists (computed when first asked): its edges, or the slice shown_inputs."""
        return node.next if cls.shown_inputs is None else node.next[cls.shown_inputs]

    @classmethod
    def torch_name(cls, inputs, options):
        """The name of the node recorded for these inputs and options (an op overrides it where PyTorch's node
        depends on the call: sum() is SumBackward0, sum(dim) SumBackward1)."""
        return cls.node_name or f"{cls.__name__}Backward0"

    @classmethod
    def apply(cls, *inputs, **options):
        recording = is_grad_enabled() and any(tensor is not None and tensor.requires_grad for tensor in inputs)
        ctx = Context(tuple(recording and tensor is not None and tensor.requires_grad for tensor in inputs))
        arrays = [None if tensor is None else tensor.array for tensor in inputs]  # None: an absent input (no bias)
        output_array = np.asarray(cls.forward(ctx, *arrays, **options))
        shared = _shared_counter(output_array, inputs)
        output = Tensor(output_array, _version_counter=shared)
        if recording and output_array.dtype.kind == "f":  # integer results (x.long()) carry no gradient
            if shared is not None:
                shared.has_graph_views = True
            output.requires_grad = True
            output.grad_fn = node_type(cls.torch_name(inputs, options))(cls, ctx, inputs, output)
        return output


def _shared_counter(output_array, inputs):
    """A view (reshape, slicing) shares its input's version counter, so changing either is seen by both."""
    for tensor in inputs:
        if tensor is not None and output_array.base is not None and _same_memory(output_array, tensor.array):
            return tensor._version_counter
    return None


def _same_memory(a, b):
    """Whether array a is b, a view of it, or overlaps it (empty arrays overlap nothing, so bases are compared)."""
    return a is b or _base(a) is _base(b) or np.may_share_memory(a, b)


def _base(array):
    while array.base is not None and isinstance(array.base, np.ndarray):
        array = array.base
    return array
