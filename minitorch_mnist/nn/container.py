"""Sequential, ModuleList and ModuleDict: run sub-modules in order, or hold them in a list or a dict so that parameters(), state_dict(),
train()/eval() and to() see them (a plain Python list would hide them), with torch.nn's methods and reprs."""

import operator
from collections import OrderedDict

from .module import Module


def _check_module(module, container):
    if not isinstance(module, Module):
        raise TypeError(f"{container} can only hold Modules, got {type(module).__name__}")
    return module


class _Numbered(Module):
    """Sub-modules named "0", "1", ... in order (ModuleList, Sequential): their length, iteration, renumbering,
    extend (each class's own append, in turn)."""

    def _renumber(self, modules):
        self._modules.clear()
        for position, module in enumerate(modules):
            self._modules[str(position)] = module

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def extend(self, modules):
        for module in modules:
            self.append(module)
        return self


class ModuleList(_Numbered):
    """A list of modules, registered under the names '0', '1', ...; it has no forward of its own."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _index(self, index):
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} is out of range")
        return index % len(self)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return ModuleList(list(self._modules.values())[index])
        return self._modules[str(self._index(index))]

    def __setitem__(self, index, module):
        self._modules[str(self._index(index))] = _check_module(module, "ModuleList")

    def __delitem__(self, index):
        modules = list(self._modules.values())
        del modules[index if isinstance(index, slice) else self._index(index)]
        self._renumber(modules)

    def __iadd__(self, modules):
        return self.extend(modules)

    def __add__(self, other):
        return ModuleList(list(self) + list(other))

    def append(self, module):
        self._modules[str(len(self))] = _check_module(module, "ModuleList")
        return self

    def insert(self, index, module):
        modules = list(self._modules.values())
        modules.insert(index, _check_module(module, "ModuleList"))
        self._renumber(modules)

    def __repr__(self):
        """PyTorch's form: consecutive identical modules are shown once, as '(0-2): 3 x Linear(...)'."""
        blocks = []  # [first index, last index, repr]
        for index, module in enumerate(self):
            text = repr(module)
            if blocks and blocks[-1][2] == text:
                blocks[-1][1] = index
            else:
                blocks.append([index, index, text])
        if not blocks:
            return "ModuleList()"
        lines = [(f"({first}): {text}" if first == last else f"({first}-{last}): {last - first + 1} x {text}")
                 .replace("\n", "\n  ") for first, last, text in blocks]
        return "ModuleList(\n  " + "\n  ".join(lines) + "\n)"


class ModuleDict(Module):
    """An ordered dict of modules, registered under their keys; it has no forward of its own."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        if not isinstance(key, str):
            raise TypeError(f"module name should be a string. Got {type(key).__name__}")
        self._modules[key] = _check_module(module, "ModuleDict")

    def __delitem__(self, key):
        del self._modules[key]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key):
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def items(self):
        return self._modules.items()

    def values(self):
        return self._modules.values()

    def pop(self, key):
        return self._modules.pop(key)

    def clear(self):
        self._modules.clear()

    def update(self, modules):
        pairs = modules.items() if isinstance(modules, (dict, OrderedDict, ModuleDict)) else modules
        for key, module in pairs:
            self[key] = module


class Sequential(_Numbered):
    """Run the given modules in order; Sequential(a, b) or Sequential(OrderedDict(name=module)).

    Indexing, slicing (a Sequential keeping the names), assignment, del, append, insert, extend, pop and + work
    as torch.nn.Sequential's: del, insert and pop number the modules 0, 1, ... again.
    """

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, module in modules[0].items():
                self.add_module(name, module)
        else:
            for index, module in enumerate(modules):
                self.add_module(str(index), module)

    def forward(self, input):
        for module in self._modules.values():
            input = module(input)
        return input

    def _key(self, index):
        """The name of the module at position `index` (negative counts from the end), as PyTorch checks it."""
        index = operator.index(index)
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} is out of range")
        return list(self._modules)[index % len(self)]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return type(self)(OrderedDict(list(self._modules.items())[index]))
        return self._modules[self._key(index)]

    def __setitem__(self, index, module):
        setattr(self, self._key(index), module)

    def __delitem__(self, index):
        keys = list(self._modules)[index] if isinstance(index, slice) else [self._key(index)]
        for key in keys:
            del self._modules[key]
        self._renumber(list(self._modules.values()))

    def __add__(self, other):
        if not isinstance(other, Sequential):
            raise ValueError(f"add operator supports only objects of Sequential class, but {type(other)} is given.")
        return Sequential(*self, *other)

    def __iadd__(self, other):
        if not isinstance(other, Sequential):
            raise ValueError(f"add operator supports only objects of Sequential class, but {type(other)} is given.")
        return self.extend(list(other))

    def append(self, module):
        self.add_module(str(len(self)), module)
        return self

    def insert(self, index, module):
        if not isinstance(module, Module):
            raise AssertionError(f"module should be of type: {Module}")
        if not -len(self) <= index <= len(self):
            raise IndexError(f"Index out of range: {index}")
        modules = list(self._modules.values())
        modules.insert(index, module)
        self._renumber(modules)
        return self

    def pop(self, index):
        module = self[index]
        del self[index]
        return module
