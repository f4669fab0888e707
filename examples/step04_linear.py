"""Step 4: nn.Linear, a layer that holds (and initialises) the weight and bias for us.

    python examples/step04_linear.py [--limit N] [--epochs E]

nn.Linear(784, 10) computes x @ W^T + b with W of shape (10, 784), and draws W and b as PyTorch does
(kaiming-uniform, i.e. U(-1/sqrt(784), 1/sqrt(784)); see docs/03-linear-relu.md). The PyTorch twin starts
from the engine's freshly drawn weights (start.same_weights), so the two runs stay comparable.
"""

import common

lr = 0.5
bs = 64


def train(lib, mnist, epochs, start):
    """The step, for lib = minitorch_mnist or torch (same API); returns (validation loss, accuracy)."""
    nn, F = lib.nn, lib.nn.functional
    x_train, y_train, x_valid, y_valid = map(lib.tensor, mnist)

    class MnistLogistic(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(784, 10)  # NEW: weight (10, 784) and bias (10,), initialised by the layer

        def forward(self, xb):
            return self.lin(xb)

    model = start.same_weights(MnistLogistic())
    loss_func = F.cross_entropy
    n = len(x_train)
    for epoch in range(epochs):
        for i in range((n - 1) // bs + 1):
            start_i = i * bs
            end_i = start_i + bs
            xb = x_train[start_i:end_i]
            yb = y_train[start_i:end_i]
            loss = loss_func(model(xb), yb)

            loss.backward()
            with lib.no_grad():
                for p in model.parameters():
                    p -= p.grad * lr
                model.zero_grad()

    with lib.no_grad():
        pred = model(x_valid)
        return loss_func(pred, y_valid).item(), common.accuracy(pred, y_valid)


if __name__ == "__main__":
    common.main(train, __doc__)
