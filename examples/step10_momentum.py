"""Step 10: SGD with momentum, the last change of the tutorial.

    python examples/step10_momentum.py [--limit N] [--epochs E]

With momentum 0.9 each step follows a running sum of past gradients, buf = 0.9 * buf + grad, instead of
the latest gradient alone (PyTorch's formula, minitorch_mnist/optim/sgd.py; docs/06-optimizers.md): it
trains step 9's network markedly faster.
"""

import common
from step07_fit import fit, get_data

lr = 0.1
bs = 64


def train(lib, mnist, epochs, start):
    """The step, for lib = minitorch_mnist or torch (same API); returns (validation loss, accuracy)."""
    nn, F, optim = lib.nn, lib.nn.functional, lib.optim
    data = common.data_api(lib)
    x_train, y_train, x_valid, y_valid = map(lib.tensor, mnist)

    class Lambda(nn.Module):
        def __init__(self, func):
            super().__init__()
            self.func = func

        def forward(self, x):
            return self.func(x)

    model = nn.Sequential(
        Lambda(lambda x: x.view(-1, 1, 28, 28)),
        nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.AvgPool2d(4),
        Lambda(lambda x: x.view(x.size(0), -1)),
    )

    train_dl, valid_dl = get_data(lib, data.TensorDataset(x_train, y_train), data.TensorDataset(x_valid, y_valid),
                                  bs, start.seed)
    model = start.same_weights(model)
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)  # NEW
    return fit(lib, epochs, model, F.cross_entropy, opt, train_dl, valid_dl)


if __name__ == "__main__":
    common.main(train, __doc__)
