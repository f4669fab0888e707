"""Step 7: a validation loop after every epoch, and the training wrapped into fit() for the steps to come.

    python examples/step07_fit.py [--limit N] [--epochs E]

The training batches are now shuffled each epoch (the validation ones need not be); model.train() and
model.eval() switch layers such as Dropout and BatchNorm between their two behaviours (this model has none,
but the habit matters); validation runs under no_grad, so it records no graph. get_data, loss_batch and fit
are reused by steps 8 to 10.
"""

import numpy as np

import common

lr = 0.5
bs = 64


def get_data(lib, train_ds, valid_ds, bs, seed):
    """Shuffled training batches, and validation batches twice as large (no backward, so they fit)."""
    data = common.data_api(lib)
    # seed=: the engine's loader owns its generator (PyTorch passes a torch.Generator instead); here it
    # also gives the PyTorch twin the engine's order
    return (data.DataLoader(train_ds, batch_size=bs, shuffle=True, seed=seed),
            data.DataLoader(valid_ds, batch_size=bs * 2))


def loss_batch(model, loss_func, xb, yb, opt=None):
    """The loss of one batch, and one optimizer step when `opt` is given; also the batch's accuracy."""
    out = model(xb)
    loss = loss_func(out, yb)
    if opt is not None:
        loss.backward()
        opt.step()
        opt.zero_grad()
    return loss.item(), common.accuracy(out, yb), len(xb)


def fit(lib, epochs, model, loss_func, opt, train_dl, valid_dl):
    """Train for `epochs`, validating after each; returns the last (validation loss, accuracy)."""
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss_batch(model, loss_func, xb, yb, opt)

        model.eval()
        with lib.no_grad():
            losses, accuracies, nums = zip(*[loss_batch(model, loss_func, xb, yb) for xb, yb in valid_dl])
        val_loss = np.sum(np.multiply(losses, nums)) / np.sum(nums)  # the mean over images, not over batches
        val_accuracy = np.sum(np.multiply(accuracies, nums)) / np.sum(nums)
        print(f"  {lib.__name__} epoch {epoch + 1}: validation loss {val_loss:.4f}")
    return val_loss, val_accuracy


def train(lib, mnist, epochs, start):
    """The step, for lib = minitorch_mnist or torch (same API); returns (validation loss, accuracy)."""
    nn, F, optim = lib.nn, lib.nn.functional, lib.optim
    data = common.data_api(lib)
    x_train, y_train, x_valid, y_valid = map(lib.tensor, mnist)

    class MnistLogistic(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(784, 10)

        def forward(self, xb):
            return self.lin(xb)

    train_dl, valid_dl = get_data(lib, data.TensorDataset(x_train, y_train), data.TensorDataset(x_valid, y_valid),
                                  bs, start.seed)
    model = start.same_weights(MnistLogistic())
    opt = optim.SGD(model.parameters(), lr=lr)
    return fit(lib, epochs, model, F.cross_entropy, opt, train_dl, valid_dl)


if __name__ == "__main__":
    common.main(train, __doc__)
