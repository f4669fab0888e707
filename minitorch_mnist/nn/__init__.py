"""Layers, Module and Parameter, with torch.nn's names.

    module.py, parameter.py   Module (sub-modules, parameters, state_dict, hooks, train/eval) and Parameter
    hooks.py                  RemovableHandle, what register_forward_hook returns
    functional.py             the stateless functions the layers call, and the losses (torch.nn.functional)
    init.py                   PyTorch's initialisations
    linear.py, conv.py, pool.py, activation.py, normalization.py, dropout.py, flatten.py, sparse.py   the layers
                              by kind (sparse.py: Embedding, torch's module name)
    container.py              Sequential, ModuleList, ModuleDict
    loss.py                   the loss layers (CrossEntropyLoss, ...), each calling its function
"""

from . import functional, init
from .activation import Identity, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .container import ModuleDict, ModuleList, Sequential
from .conv import Conv2d
from .dropout import Dropout, Dropout2d
from .flatten import Flatten, Lambda, Unflatten
from .linear import Linear
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss
from .module import Module
from .normalization import BatchNorm1d, BatchNorm2d
from .parameter import Parameter
from .pool import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d
from .sparse import Embedding

__all__ = ["functional", "init", "Module", "Parameter", "Linear", "Conv2d", "ReLU", "Flatten", "MaxPool2d",
           "AvgPool2d", "LogSoftmax", "CrossEntropyLoss", "NLLLoss", "Lambda", "Sequential",
           "BatchNorm1d", "BatchNorm2d", "Dropout", "Sigmoid", "Tanh", "Softmax", "Identity", "ModuleList",
           "ModuleDict", "MSELoss", "BCELoss", "BCEWithLogitsLoss", "LeakyReLU", "Dropout2d", "Unflatten",
           "AdaptiveAvgPool2d", "Embedding"]


def __getattr__(name):
    from ..torch_api.missing import missing_name

    missing_name("minitorch_mnist.nn", name, [n for n in __all__ if n[0].isupper()])
