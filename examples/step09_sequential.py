"""Step 9: the same CNN as an nn.Sequential, with a Lambda layer for the reshapes.

    python examples/step09_sequential.py [--limit N] [--epochs E]

Sequential runs its layers in order (minitorch_mnist/nn/container.py, Sequential.forward), so the model needs
no class of its own; the two reshapes become layers through Lambda, a Module whose forward calls a
function. Same network, same weights as step 8.
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

    class Lambda(nn.Module):  # NEW: any function as a layer (the engine also ships one: nn.Lambda)
        def __init__(self, func):
            super().__init__()
            self.func = func

        def forward(self, x):
            return self.func(x)

    def preprocess(x):
        return x.view(-1, 1, 28, 28)

    model = nn.Sequential(  # NEW
        Lambda(preprocess),
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
    opt = optim.SGD(model.parameters(), lr=lr)
    return fit(lib, epochs, model, F.cross_entropy, opt, train_dl, valid_dl)


if __name__ == "__main__":
    common.main(train, __doc__)
