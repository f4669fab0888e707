"""Module: the container of parameters, buffers and sub-modules, with PyTorch's bookkeeping.

Assigning a Parameter or a Module to an attribute registers it (as in torch.nn.Module), which is how
parameters(), state_dict() and train()/eval() find everything without being told.

Calling a module runs forward() and then its forward hooks (register_forward_hook), which is how
summary() records every layer's output shape and the ONNX exporter learns which layer made a tensor.
"""

from collections import OrderedDict, namedtuple

import numpy as np

from ..autograd import dtypes
from ..torch_api.device import check_device
from ..autograd.function import no_grad
from ..autograd.tensor import Tensor, parse_to
from .parameter import Parameter


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What load_state_dict returns: (missing_keys, unexpected_keys), printed as PyTorch prints it."""

    __slots__ = ()

    def __repr__(self):
        if self.missing_keys or self.unexpected_keys:
            return super().__repr__()  # _IncompatibleKeys(missing_keys=[...], unexpected_keys=[...])
        return "<All keys matched successfully>"

    __str__ = __repr__


class Module:
    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_forward_hooks", OrderedDict())

    # ---- registration ----
    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"cannot assign {name!r} before Module.__init__() is called")
        for store in (self._parameters, self._buffers, self._modules):
            store.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        # only reached when normal lookup fails: registered things, else a real AttributeError (never None)
        stores = self.__dict__.get("_parameters", {}), self.__dict__.get("_buffers", {}), self.__dict__.get("_modules", {})
        for store in stores:
            if name in store:
                return store[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for store in (self._parameters, self._buffers, self._modules):
            if name in store:
                del store[name]
                return
        object.__delattr__(self, name)

    def register_parameter(self, name, parameter):
        """Register a Parameter (or None, for an absent one such as bias=False) under `name`."""
        if parameter is None:
            self._parameters[name] = None
        else:
            setattr(self, name, parameter)

    def register_buffer(self, name, tensor):
        """State that is saved in state_dict but not trained (e.g. BatchNorm running statistics)."""
        for store in (self._parameters, self._modules):
            store.pop(name, None)
        self.__dict__.pop(name, None)
        self._buffers[name] = tensor if tensor is None or isinstance(tensor, Tensor) else Tensor(np.asarray(tensor))

    def add_module(self, name, module):
        self._modules[name] = module

    # ---- calling ----
    def __call__(self, *args, **kwargs):
        if not hasattr(type(self), "forward"):
            raise TypeError(f"{type(self).__name__} has no forward() method to call")
        output = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks.values()):  # a copy: a hook may remove itself
            replaced = hook(self, args, output)
            if replaced is not None:
                output = replaced
        return output

    def register_forward_hook(self, hook, *, prepend=False):
        """Call hook(module, inputs, output) after every forward(), as in PyTorch.

        `inputs` is the tuple of positional arguments (keyword arguments are not passed); a hook that
        returns something other than None replaces the output, and later hooks see the replacement.
        Hooks run in registration order (prepend=True puts this one first). Returns a handle whose
        remove() unregisters the hook; the handle is also a context manager that removes it on exit.
        """
        if not callable(hook):
            raise TypeError(f"register_forward_hook: hook must be callable, got {type(hook).__name__}")
        handle = RemovableHandle(self._forward_hooks)
        self._forward_hooks[handle.id] = hook
        if prepend:
            self._forward_hooks.move_to_end(handle.id, last=False)
        return handle

    # ---- walking the tree ----
    def named_modules(self, prefix=""):
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self):
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        for name, child in self._modules.items():
            if child is not None:
                yield name, child

    def children(self):
        for _, child in self.named_children():
            yield child

    def _named_members(self, store_name, recurse):
        seen = set()
        modules = self.named_modules() if recurse else [("", self)]
        for module_prefix, module in modules:
            for name, member in getattr(module, store_name).items():
                if member is None or id(member) in seen:
                    continue
                seen.add(id(member))
                yield (f"{module_prefix}.{name}" if module_prefix else name), member

    def named_parameters(self, prefix="", recurse=True):
        for name, parameter in self._named_members("_parameters", recurse):
            yield (f"{prefix}.{name}" if prefix else name), parameter

    def parameters(self, recurse=True):
        for _, parameter in self.named_parameters(recurse=recurse):
            yield parameter

    def named_buffers(self, recurse=True):
        yield from self._named_members("_buffers", recurse)

    def buffers(self, recurse=True):
        for _, buffer in self.named_buffers(recurse):
            yield buffer

    # ---- modes and gradients ----
    def train(self, mode=True):
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self):
        return self.train(False)

    def zero_grad(self, set_to_none=True):
        """Clear gradients (PyTorch's default since 2.0: set them to None)."""
        for parameter in self.parameters():
            if set_to_none:
                parameter.grad = None
            elif parameter.grad is not None:
                parameter.grad.zero_()

    def requires_grad_(self, requires_grad=True):
        for parameter in self.parameters():
            parameter.requires_grad = requires_grad
        return self

    def to(self, *args, **kwargs):
        """model.to(device) / to(dtype) / to(device, dtype), in place, returning the model (as in PyTorch).

        The device must be the CPU (the engine has no GPU: a clear error names the reference package);
        a dtype converts the floating parameters and buffers.
        """
        dtype = parse_to(args, kwargs)
        if dtype is not None:
            for tensor in list(self.parameters()) + list(self.buffers()):
                if np.issubdtype(tensor.dtype, np.floating) and tensor.dtype != dtype:
                    tensor.data = tensor.array.astype(dtypes.as_numpy(dtype))
                    tensor.grad = None
        return self

    def cpu(self):
        return self

    def cuda(self, device=None):
        check_device("cuda" if device is None else device)

    def float(self):
        return self.to(np.float32)

    def double(self):
        return self.to(np.float64)

    # ---- saving and loading ----
    def state_dict(self):
        """{name: Tensor} for every parameter and buffer, in registration order, as PyTorch: detached tensors
        sharing memory with the model (copy them, e.g. with clone(), to keep a snapshot)."""
        state = OrderedDict()
        for module_prefix, module in self.named_modules():
            for store in (module._parameters, module._buffers):
                for name, tensor in store.items():
                    if tensor is not None:
                        state[f"{module_prefix}.{name}" if module_prefix else name] = tensor.detach()
        return state

    def load_state_dict(self, state_dict, strict=True):
        """Copy arrays (NumPy, engine or torch tensors) into this model's parameters and buffers.

        Like PyTorch: shape mismatches always raise; missing/unexpected keys raise when strict, and are
        returned as (missing_keys, unexpected_keys) otherwise. Nothing is changed if anything raises.
        """
        own = {}
        for module_prefix, module in self.named_modules():
            for store in (module._parameters, module._buffers):
                for name, tensor in store.items():
                    if tensor is not None:
                        own[f"{module_prefix}.{name}" if module_prefix else name] = tensor
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        incoming = {key: _as_array(value) for key, value in state_dict.items() if key in own}
        errors = [f"size mismatch for {key}: copying a param with shape {value.shape} from checkpoint, "
                  f"the shape in current model is {tuple(own[key].shape)}."
                  for key, value in incoming.items() if value.shape != own[key].shape]
        if strict and missing:
            errors.insert(0, "Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ".")
        if strict and unexpected:
            errors.insert(0, "Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected) + ".")
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + "\n\t".join(errors))
        with no_grad():
            for key, value in incoming.items():
                own[key].copy_(value)  # in place, bumping the version: a pending backward must not use old values
        return _IncompatibleKeys(missing, unexpected)

    # ---- printing, as PyTorch does ----
    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = [f"({name}): " + repr(child).replace("\n", "\n  ") for name, child in self._modules.items()]
        extra = self.extra_repr()
        if not lines:
            return f"{type(self).__name__}({extra})"
        body = "\n  ".join(([extra] if extra else []) + lines)
        return f"{type(self).__name__}(\n  {body}\n)"


class RemovableHandle:
    """What register_forward_hook returns: remove() takes the hook out again (a second call does nothing)."""

    _next_id = 0

    def __init__(self, hooks):
        self._hooks = hooks
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self):
        self._hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.remove()


def _as_array(value):
    if isinstance(value, Tensor):
        return value.array
    if hasattr(value, "detach"):  # a torch tensor
        return value.detach().cpu().numpy()
    return np.asarray(value)
