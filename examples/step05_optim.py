"""Step 5: optim.SGD, which does the update and clears the gradients for us.

    python examples/step05_optim.py [--limit N] [--epochs E]

opt.step() subtracts lr * grad from every parameter it was given (minitorch_mnist/optim/sgd.py), and
opt.zero_grad() clears their gradients: the hand-written update of steps 1 to 4 becomes two calls.
"""

import common

lr = 0.5
bs = 64


def train(lib, mnist, epochs, start):
    """The step, for lib = minitorch_mnist or torch (same API); returns (validation loss, accuracy)."""
    nn, F, optim = lib.nn, lib.nn.functional, lib.optim
    x_train, y_train, x_valid, y_valid = map(lib.tensor, mnist)

    class MnistLogistic(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(784, 10)

        def forward(self, xb):
            return self.lin(xb)

    model = start.same_weights(MnistLogistic())
    opt = optim.SGD(model.parameters(), lr=lr)  # NEW
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
            opt.step()  # NEW: p -= lr * p.grad for every parameter
            opt.zero_grad()  # NEW

    with lib.no_grad():
        pred = model(x_valid)
        return loss_func(pred, y_valid).item(), common.accuracy(pred, y_valid)


if __name__ == "__main__":
    common.main(train, __doc__)
