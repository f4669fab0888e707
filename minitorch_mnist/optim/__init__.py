"""Optimizers with torch.optim's names and update formulas."""

from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["Optimizer", "SGD"]
