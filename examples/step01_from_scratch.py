"""Step 1: a neural net from scratch, with nothing but tensors and autograd.

    python examples/step01_from_scratch.py [--limit N] [--epochs E]

Logistic regression by hand, as the first part of PyTorch's tutorial "What is torch.nn really?": a weight
matrix and a bias that require gradients, a hand-written log_softmax and negative log-likelihood, and the
gradient step written out under no_grad. Nothing from nn or optim yet.
"""

import math

import numpy as np

import common

lr = 0.5  # learning rate
bs = 64  # batch size


def train(lib, mnist, epochs, start):
    """The step, for lib = minitorch_mnist or torch (same API); returns (validation loss, accuracy)."""
    x_train, y_train, x_valid, y_valid = map(lib.tensor, mnist)

    # Xavier initialisation: random weights scaled by 1/sqrt(n_inputs); both ask autograd for gradients
    weights = lib.tensor(start.randn(784, 10) / math.sqrt(784), requires_grad=True)
    bias = lib.tensor(np.zeros(10, dtype=np.float32), requires_grad=True)

    def log_softmax(x):
        # log(exp(x_i) / sum_j exp(x_j)); docs/04-log-softmax-nll.md shows why the engine's F.log_softmax
        # subtracts the row maximum first (here the logits stay small, so this plain form is safe)
        return x - x.exp().sum(-1, keepdim=True).log()

    def model(xb):
        return log_softmax(xb @ weights + bias)

    def nll(input, target):
        # the negative log-likelihood: minus the log-probability of the right class, averaged over the batch
        return -input[range(target.shape[0]), target].mean()

    loss_func = nll
    n = len(x_train)
    for epoch in range(epochs):
        for i in range((n - 1) // bs + 1):
            start_i = i * bs
            end_i = start_i + bs
            xb = x_train[start_i:end_i]
            yb = y_train[start_i:end_i]
            pred = model(xb)
            loss = loss_func(pred, yb)

            loss.backward()  # fills weights.grad and bias.grad
            with lib.no_grad():  # the update must not become part of the graph
                # in place: `weights = weights - ...` would make a new tensor and lose the parameter
                weights -= weights.grad * lr
                bias -= bias.grad * lr
                weights.grad.zero_()  # gradients add up across backward() calls until they are zeroed
                bias.grad.zero_()

    with lib.no_grad():
        pred = model(x_valid)
        return loss_func(pred, y_valid).item(), common.accuracy(pred, y_valid)


if __name__ == "__main__":
    common.main(train, __doc__)
