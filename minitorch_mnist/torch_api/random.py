"""The engine's one random number generator, reseeded by manual_seed (like torch.manual_seed)."""

import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed):
    """Make weight initialisation, shuffling and dropout reproducible."""
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def generator():
    """The current global generator (read it at call time: manual_seed replaces it)."""
    return _generator
