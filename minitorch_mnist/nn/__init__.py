"""Layers, Module and Parameter, with torch.nn's names."""

from . import functional, init
from .dropout import Dropout
from .layers import (AvgPool2d, Conv2d, CrossEntropyLoss, Flatten, Lambda, Linear, LogSoftmax, MaxPool2d, NLLLoss,
                     ReLU, Sequential)
from .module import Module
from .normalization import BatchNorm1d, BatchNorm2d
from .parameter import Parameter

__all__ = ["functional", "init", "Module", "Parameter", "Linear", "Conv2d", "ReLU", "Flatten", "MaxPool2d",
           "AvgPool2d", "LogSoftmax", "CrossEntropyLoss", "NLLLoss", "Lambda", "Sequential",
           "BatchNorm1d", "BatchNorm2d", "Dropout"]
