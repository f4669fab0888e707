"""Step 3: nn.Module and nn.Parameter, so the model keeps track of its own weights.

    python examples/step03_module.py [--limit N] [--epochs E]

A Module registers every Parameter assigned to one of its attributes (minitorch_mnist/nn/module.py,
Module.__setattr__), so model.parameters() finds them and model.zero_grad() clears them all: the update
loop no longer names each weight.
"""

import math

import numpy as np

import common

lr = 0.5
bs = 64


def train(lib, mnist, epochs, start):
    """The step, for lib = minitorch_mnist or torch (same API); returns (validation loss, accuracy)."""
    nn, F = lib.nn, lib.nn.functional
    x_train, y_train, x_valid, y_valid = map(lib.tensor, mnist)

    class MnistLogistic(nn.Module):  # NEW: the weights live in the model
        def __init__(self):
            super().__init__()
            self.weights = nn.Parameter(lib.tensor(start.randn(784, 10) / math.sqrt(784)))
            self.bias = nn.Parameter(lib.tensor(np.zeros(10, dtype=np.float32)))

        def forward(self, xb):
            return xb @ self.weights + self.bias

    model = MnistLogistic()
    loss_func = F.cross_entropy
    n = len(x_train)
    for epoch in range(epochs):
        for i in range((n - 1) // bs + 1):
            start_i = i * bs
            end_i = start_i + bs
            xb = x_train[start_i:end_i]
            yb = y_train[start_i:end_i]
            loss = loss_func(model(xb), yb)  # model(xb) calls model.forward(xb)

            loss.backward()
            with lib.no_grad():
                for p in model.parameters():  # NEW: every registered Parameter, whatever its name
                    p -= p.grad * lr
                model.zero_grad()  # NEW: clears every parameter's .grad

    with lib.no_grad():
        pred = model(x_valid)
        return loss_func(pred, y_valid).item(), common.accuracy(pred, y_valid)


if __name__ == "__main__":
    common.main(train, __doc__)
