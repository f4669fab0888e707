"""print(model) in the engine is print(model) in torch: a zoo of every layer, with their options, nested in
Sequential, ModuleList and ModuleDict, printed by both frameworks."""

from collections import OrderedDict

import torch

import minitorch_mnist as mm


def zoo(m):
    nn = m.nn
    features = nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.Conv2d(6, 6, (3, 5), stride=2, padding=1, bias=False),
        nn.Conv2d(6, 4, 3, padding="same"), nn.Conv2d(4, 4, 3, 1, "valid"),
        nn.Conv2d(4, 4, kernel_size=(1, 3), stride=(2, 1), padding=(0, 1)),
        nn.BatchNorm2d(4), nn.BatchNorm2d(4, 1e-3, None, False, False),
        nn.MaxPool2d(2), nn.MaxPool2d(2, 2), nn.MaxPool2d((3, 3), 1, 1, ceil_mode=True),
        nn.MaxPool2d(kernel_size=3, stride=(2, 1)), nn.AvgPool2d(2), nn.AvgPool2d(3, 2, 1, ceil_mode=True),
        nn.AdaptiveAvgPool2d(1), nn.AdaptiveAvgPool2d((7, 7)), nn.AdaptiveAvgPool2d((None, 3)), nn.Dropout2d(0.25),
        nn.Dropout2d())
    classifier = nn.Sequential(OrderedDict(
        flatten=nn.Flatten(), unflatten=nn.Unflatten(1, (2, 8)), flat=nn.Flatten(0, -1), fc1=nn.Linear(16, 8),
        norm=nn.BatchNorm1d(8, momentum=0.2), relu=nn.ReLU(), relu_inplace=nn.ReLU(inplace=True),
        leaky=nn.LeakyReLU(), leaky2=nn.LeakyReLU(0.2, inplace=True), drop=nn.Dropout(),
        drop_inplace=nn.Dropout(0.1, True), fc2=nn.Linear(8, 10, bias=False), identity=nn.Identity(54, unused="x"),
        sigmoid=nn.Sigmoid(), tanh=nn.Tanh(), softmax=nn.Softmax(dim=1), log_softmax=nn.LogSoftmax(1),
        log_softmax_default=nn.LogSoftmax()))
    losses = nn.ModuleDict({"ce": nn.CrossEntropyLoss(), "ce_smooth": nn.CrossEntropyLoss(label_smoothing=0.1),
                            "nll": nn.NLLLoss(reduction="sum"), "mse": nn.MSELoss(), "bce": nn.BCELoss(),
                            "bce_logits": nn.BCEWithLogitsLoss()})
    heads = nn.ModuleList([nn.Linear(10, 2) for _ in range(3)] + [nn.Sequential(nn.Linear(10, 2), nn.ReLU())])
    return nn.Sequential(OrderedDict(features=features, classifier=classifier, losses=losses, heads=heads,
                                     empty=nn.Sequential(), empty_list=nn.ModuleList()))


def test_a_zoo_of_layers_prints_as_in_torch():
    ours, theirs = repr(zoo(mm)), repr(zoo(torch))
    assert ours.splitlines() == theirs.splitlines()


def test_max_pool_prints_dilation_and_ceil_mode():
    assert repr(mm.nn.MaxPool2d(2, 2)) == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    assert repr(mm.nn.MaxPool2d(2, 2)) == repr(torch.nn.MaxPool2d(2, 2))
