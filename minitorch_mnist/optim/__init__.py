"""Optimizers with torch.optim's names and update formulas, and learning-rate schedulers (optim.lr_scheduler)."""

from . import lr_scheduler
from .adam import Adam
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "lr_scheduler"]
