"""The engine's random numbers: torch.Generator (a stream of its own, a NumPy Generator inside) and the default one,
reseeded by manual_seed (like torch.manual_seed). The streams are NumPy's, not PyTorch's: a seed makes the engine
reproducible, it does not reproduce PyTorch's numbers.
"""

import numpy as np


class Generator:
    """torch.Generator(device='cpu'): random factories take it as generator=; manual_seed(seed) returns it."""

    def __init__(self, device="cpu"):
        from .device import check_device

        self.device = check_device(device)
        self.manual_seed(np.random.SeedSequence().entropy % 2**63)

    def manual_seed(self, seed):
        self._seed = int(seed)
        self.numpy = np.random.default_rng(self._seed)  # the NumPy Generator every draw comes from
        return self

    def seed(self):
        """Reseed from fresh entropy; returns the new seed."""
        self.manual_seed(np.random.SeedSequence().entropy % 2**63)
        return self._seed

    def initial_seed(self):
        return self._seed

    def __repr__(self):
        return f"<minitorch_mnist.Generator object (seed {self._seed})>"


default_generator = Generator()


def manual_seed(seed):
    """Make weight initialisation, shuffling and dropout reproducible; returns the default generator."""
    return default_generator.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def generator(chosen=None):
    """The NumPy generator to draw from: that of `chosen` (a Generator) or of the default one, read at call time."""
    if chosen is None:
        return default_generator.numpy
    if not isinstance(chosen, Generator):
        raise TypeError(f"generator must be a minitorch_mnist.Generator, not {type(chosen).__name__}")
    return chosen.numpy
