"""Layers, Module and Parameter, with torch.nn's names."""

from . import functional, init
from .activation import Identity, Sigmoid, Softmax, Tanh
from .container import ModuleDict, ModuleList
from .dropout import Dropout
from .layers import AvgPool2d, Conv2d, Flatten, Lambda, Linear, LogSoftmax, MaxPool2d, ReLU, Sequential
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss
from .module import Module
from .normalization import BatchNorm1d, BatchNorm2d
from .parameter import Parameter

__all__ = ["functional", "init", "Module", "Parameter", "Linear", "Conv2d", "ReLU", "Flatten", "MaxPool2d",
           "AvgPool2d", "LogSoftmax", "CrossEntropyLoss", "NLLLoss", "Lambda", "Sequential",
           "BatchNorm1d", "BatchNorm2d", "Dropout", "Sigmoid", "Tanh", "Softmax", "Identity", "ModuleList",
           "ModuleDict", "MSELoss", "BCELoss", "BCEWithLogitsLoss"]


def __getattr__(name):
    from ..torch_api.missing import missing_name

    missing_name("minitorch_mnist.nn", name, [n for n in __all__ if n[0].isupper()])
