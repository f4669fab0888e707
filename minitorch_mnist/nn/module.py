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
from .hooks import RemovableHandle
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
        object.__setattr__(self, "_non_persistent_buffers", set())  # buffer names left out of state_dict

    # ---- registration ----
    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"cannot assign {name!r} before Module.__init__() is called")
        if isinstance(value, (Parameter, Module)):  # register it, replacing whatever had that name
            self.__dict__.pop(name, None)
            for store in (self._parameters, self._buffers, self._modules):
                store.pop(name, None)
            store = self._parameters if isinstance(value, Parameter) else self._modules
            store[name] = value
        elif name in self._parameters or name in self._modules or name in self._buffers:
            self._reassign(name, value)  # a registered name keeps its kind
        else:
            object.__setattr__(self, name, value)

    def _reassign(self, name, value):
        """PyTorch's rule for a registered name given a value that is no Parameter or Module: None (an absent
        parameter, like bias=False, or an absent child), or for a buffer any Tensor; anything else is a TypeError."""
        kinds = [(self._parameters, "parameter", "torch.nn.Parameter or None"),
                 (self._modules, "child module", "torch.nn.Module or None"),
                 (self._buffers, "buffer", "torch.Tensor or None")]
        store, what, expected = next(kind for kind in kinds if name in kind[0])
        if value is not None and not (store is self._buffers and isinstance(value, Tensor)):
            raise TypeError(f"cannot assign '{type(value).__name__}' as {what} '{name}' ({expected} expected)")
        store[name] = value

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
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def register_parameter(self, name, parameter):
        """Register a Parameter (or None, for an absent one such as bias=False) under `name`."""
        if parameter is None:
            self._parameters[name] = None
        else:
            setattr(self, name, parameter)

    def register_buffer(self, name, tensor, persistent=True):
        """State that is not trained (e.g. BatchNorm running statistics); in state_dict unless persistent=False."""
        if not isinstance(name, str):
            raise TypeError(f"buffer name should be a string. Got {type(name).__name__}")
        if "." in name or name == "":
            raise KeyError('buffer name can\'t contain "."' if name else 'buffer name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                            f"(torch Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def add_module(self, name, module):
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {type(name).__name__}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name or name == "":
            raise KeyError(f'module name can\'t contain ".", got: {name}' if name
                           else 'module name can\'t be empty string ""')
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target):
        """The sub-module at a dotted path such as "features.0" ("" is the module itself)."""
        module = self
        for part in target.split(".") if target else []:
            if part not in module._modules or module._modules[part] is None:
                raise AttributeError(f"{type(module).__name__} has no attribute `{part}`")
            module = module._modules[part]
        return module

    def get_parameter(self, target):
        return self._get_member(target, "_parameters")

    def get_buffer(self, target):
        return self._get_member(target, "_buffers")

    def _get_member(self, target, store_name):
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if name not in getattr(module, store_name):
            raise AttributeError(f"{type(module).__name__} has no attribute `{name}`")
        return getattr(module, store_name)[name]

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
    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """(dotted name, module) for this module and all below it, depth first; a module reached twice is
        given once (under its first name) unless remove_duplicate=False."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if self in memo:
                return
            memo.add(self)
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(memo, f"{prefix}.{name}" if prefix else name, remove_duplicate)

    def modules(self):
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        seen = set()
        for name, child in self._modules.items():
            if child is not None and child not in seen:
                seen.add(child)
                yield name, child

    def children(self):
        for _, child in self.named_children():
            yield child

    def apply(self, fn):
        """fn(module) for every sub-module (children first, depth first) and then this one; returns self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def _named_members(self, store_name, prefix, recurse, remove_duplicate):
        seen = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, member in getattr(module, store_name).items():
                if member is None or (remove_duplicate and id(member) in seen):
                    continue
                seen.add(id(member))
                yield (f"{module_prefix}.{name}" if module_prefix else name), member

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        for _, parameter in self.named_parameters(recurse=recurse):
            yield parameter

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    # ---- modes and gradients ----
    def train(self, mode=True):
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
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
    def _state_items(self):
        """(dotted name, tensor) of every parameter and persistent buffer, in registration order; a module
        shared by two names appears under both (PyTorch's state_dict rule)."""
        for module_prefix, module in self.named_modules(remove_duplicate=False):
            for store in (module._parameters, module._buffers):
                for name, tensor in store.items():
                    if tensor is not None and not (store is module._buffers and name in module._non_persistent_buffers):
                        yield (f"{module_prefix}.{name}" if module_prefix else name), tensor

    def state_dict(self, *, destination=None, prefix="", keep_vars=False):
        """{name: Tensor} for every parameter and persistent buffer, in registration order, as PyTorch: detached
        tensors sharing memory with the model (copy them, e.g. with clone(), to keep a snapshot); keep_vars=True
        gives the parameters themselves. Names start with `prefix`; `destination` is filled and returned."""
        state = OrderedDict() if destination is None else destination
        for name, tensor in self._state_items():
            state[prefix + name] = tensor if keep_vars else tensor.detach()
        return state

    def load_state_dict(self, state_dict, strict=True):
        """Copy arrays (NumPy, engine or torch tensors) into this model's parameters and buffers.

        Like PyTorch: shape mismatches always raise; missing/unexpected keys raise when strict, and are
        returned as (missing_keys, unexpected_keys) otherwise. Nothing is changed if anything raises.
        """
        own = dict(self._state_items())
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


def _as_array(value):
    if isinstance(value, Tensor):
        return value.array
    if hasattr(value, "detach"):  # a torch tensor
        return value.detach().cpu().numpy()
    return np.asarray(value)
