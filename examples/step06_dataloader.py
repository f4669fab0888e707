"""Step 6: TensorDataset and DataLoader, which cut the data into batches for us.

    python examples/step06_dataloader.py [--limit N] [--epochs E]

TensorDataset(x, y)[i] is the pair (x[i], y[i]); DataLoader walks a dataset in batches and hands out
(xb, yb) Tensors (minitorch_mnist/data/dataset.py, dataloader.py). The index arithmetic of steps 1 to 5 is gone.
"""

import common

lr = 0.5
bs = 64


def train(lib, mnist, epochs, start):
    """The step, for lib = minitorch_mnist or torch (same API); returns (validation loss, accuracy)."""
    nn, F, optim = lib.nn, lib.nn.functional, lib.optim
    data = common.data_api(lib)  # minitorch_mnist.data, or torch.utils.data with the engine's batch order
    x_train, y_train, x_valid, y_valid = map(lib.tensor, mnist)

    class MnistLogistic(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(784, 10)

        def forward(self, xb):
            return self.lin(xb)

    train_ds = data.TensorDataset(x_train, y_train)  # NEW
    train_dl = data.DataLoader(train_ds, batch_size=bs)  # NEW: in order, as steps 1 to 5 were

    model = start.same_weights(MnistLogistic())
    opt = optim.SGD(model.parameters(), lr=lr)
    loss_func = F.cross_entropy
    for epoch in range(epochs):
        for xb, yb in train_dl:  # NEW: the loader slices the batches
            loss = loss_func(model(xb), yb)

            loss.backward()
            opt.step()
            opt.zero_grad()

    with lib.no_grad():
        pred = model(x_valid)
        return loss_func(pred, y_valid).item(), common.accuracy(pred, y_valid)


if __name__ == "__main__":
    common.main(train, __doc__)
