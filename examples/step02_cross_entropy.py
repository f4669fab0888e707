"""Step 2: torch.nn.functional, i.e. F.cross_entropy instead of our own log_softmax and nll.

    python examples/step02_cross_entropy.py [--limit N] [--epochs E]

cross_entropy(logits, target) = nll_loss(log_softmax(logits), target), computed stably (the row maximum is
subtracted before exp), and the model no longer ends in a log_softmax: it returns raw scores (logits).
Everything else is step 1.
"""

import math

import numpy as np

import common

lr = 0.5
bs = 64


def train(lib, mnist, epochs, start):
    """The step, for lib = minitorch_mnist or torch (same API); returns (validation loss, accuracy)."""
    F = lib.nn.functional
    x_train, y_train, x_valid, y_valid = map(lib.tensor, mnist)

    weights = lib.tensor(start.randn(784, 10) / math.sqrt(784), requires_grad=True)
    bias = lib.tensor(np.zeros(10, dtype=np.float32), requires_grad=True)

    loss_func = F.cross_entropy  # NEW: log_softmax + nll in one call (minitorch_mnist/nn/functional.py)

    def model(xb):
        return xb @ weights + bias  # NEW: logits; the softmax now lives in the loss

    n = len(x_train)
    for epoch in range(epochs):
        for i in range((n - 1) // bs + 1):
            start_i = i * bs
            end_i = start_i + bs
            xb = x_train[start_i:end_i]
            yb = y_train[start_i:end_i]
            pred = model(xb)
            loss = loss_func(pred, yb)

            loss.backward()
            with lib.no_grad():
                weights -= weights.grad * lr
                bias -= bias.grad * lr
                weights.grad.zero_()
                bias.grad.zero_()

    with lib.no_grad():
        pred = model(x_valid)
        return loss_func(pred, y_valid).item(), common.accuracy(pred, y_valid)


if __name__ == "__main__":
    common.main(train, __doc__)
