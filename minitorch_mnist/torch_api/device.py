"""Devices, as PyTorch names them. The engine computes on the CPU only; code written for PyTorch that asks
`torch.cuda.is_available()` gets False and so picks "cpu", and asking for a GPU explicitly is a clear error."""

GPU_MESSAGE = ("minitorch_mnist computes on the CPU only, so it cannot move tensors or models to {name!r}; "
               "run the same model on a GPU with the PyTorch reference package "
               "(python -m reference train --device cuda)")
KNOWN_TYPES = ("cpu", "cuda", "mps", "xpu", "meta", "hip", "xla", "mtia")


class device:
    """device("cpu"), device("cuda:0"), device("cpu", 0): a type and an optional index, like torch.device."""

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        if not isinstance(type, str):
            raise TypeError(f"device(): expected a string such as 'cpu', got {type!r}")
        name, _, number = type.partition(":")
        if name not in KNOWN_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(KNOWN_TYPES)} device type at start of device string: {type}")
        if number:
            if not number.isdigit():
                raise RuntimeError(f"Invalid device string: {type!r}")
            index = int(number)
        self.type, self.index = name, index

    def __eq__(self, other):
        other = device(other) if isinstance(other, str) else other
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"


CPU = device("cpu")


def check_device(requested):
    """The device to use for `requested` (a device or a string): cpu, or a clear error for anything else."""
    requested = device(requested)
    if requested.type != "cpu":
        raise RuntimeError(GPU_MESSAGE.format(name=str(requested)))
    return CPU


def is_device(value):
    return isinstance(value, device) or (isinstance(value, str) and value.partition(":")[0] in KNOWN_TYPES)
