"""Optimizers with torch.optim's names and update formulas, and learning-rate schedulers (optim.lr_scheduler)."""

from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamw import AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "Adadelta", "RMSprop", "Adagrad", "lr_scheduler"]


def __getattr__(name):
    from ..torch_api.missing import missing_name

    missing_name("minitorch_mnist.optim", name, __all__)
