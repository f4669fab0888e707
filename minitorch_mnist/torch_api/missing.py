"""One clear error for a PyTorch name the engine lacks: what was asked for, where, and what exists instead.

Each package's module-level __getattr__ calls missing_name (Python calls it only when normal lookup fails), so
`torch.nn.GRU` says "minitorch_mnist.nn has no GRU: the engine provides Linear, Conv2d, ..." instead of a bare
AttributeError from deep inside user code. A Tensor method the engine lacks (t.kthvalue) says the same through
missing_method. Both point at docs/pytorch-api.md, the table of the PyTorch names the engine covers.
"""

DOCS = "docs/pytorch-api.md"


def missing_name(package, name, provided):
    if name.startswith("_"):  # dunders and private names: tools probe them (copy, pickle, pytest); stay quiet
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    raise AttributeError(f"{package} has no {name}: the engine provides {', '.join(provided)} "
                         f"(see {DOCS} for the PyTorch names it covers)")


def missing_method(type_name, name):
    if name.startswith("_"):
        raise AttributeError(f"{type_name!r} object has no attribute {name!r}")
    raise AttributeError(f"{type_name!r} object has no attribute {name!r}: the engine's {type_name} has no such "
                         f"PyTorch method (see {DOCS} for the ones it covers)")
