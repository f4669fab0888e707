"""torch.utils's paths, so `import minitorch_mnist as torch` leaves tutorial code unchanged.

    minitorch_mnist.utils.data          the engine's data package (minitorch_mnist.data) under torch's path:
                                        DataLoader, Dataset, TensorDataset, Subset, random_split, samplers, ...
    minitorch_mnist.utils.tensorboard   SummaryWriter (imported on first use: it needs the tensorboard package)
"""

import sys

from .. import data

sys.modules[__name__ + ".data"] = data  # `import minitorch_mnist.utils.data` finds the very same module

__all__ = ["data", "tensorboard"]


def __getattr__(name):
    if name == "tensorboard":  # torch.utils.tensorboard is reached as an attribute after `import torch` too
        from . import tensorboard

        return tensorboard
    raise AttributeError(f"minitorch_mnist.utils has no {name!r} (it has data and tensorboard)")
