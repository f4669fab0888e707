"""One clear error for a PyTorch name the engine lacks: what was asked for, where, and what exists instead.

Each package's module-level __getattr__ calls missing_name (Python calls it only when normal lookup fails), so
`torch.nn.GRU` says "minitorch_mnist.nn has no GRU: the engine provides Linear, Conv2d, ..." instead of a bare
AttributeError from deep inside user code.
"""


def missing_name(package, name, provided):
    if name.startswith("_"):  # dunders and private names: tools probe them (copy, pickle, pytest); stay quiet
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    raise AttributeError(f"{package} has no {name}: the engine provides {', '.join(provided)} "
                         f"(see README, 'Using the engine')")
