"""Step 8: a convolutional network, trained by the very same fit() as step 7.

    python examples/step08_cnn.py [--limit N] [--epochs E]

Three stride-2 convolutions take the 28x28 image to 14x14, 7x7 and 4x4 (the last with 10 channels, one
per digit); an average over the 4x4 positions gives the 10 scores. Conv2d is im2col + a matrix product
(docs/05-conv-pool.md). Only the model and the learning rate change; get_data, loss_batch and fit are
step 7's.
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

    class MnistCNN(nn.Module):  # NEW
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1)
            self.conv2 = nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1)
            self.conv3 = nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1)

        def forward(self, xb):
            xb = xb.view(-1, 1, 28, 28)  # the flat 784 pixels back into a 1-channel 28x28 image
            xb = F.relu(self.conv1(xb))  # (N, 16, 14, 14)
            xb = F.relu(self.conv2(xb))  # (N, 16, 7, 7)
            xb = F.relu(self.conv3(xb))  # (N, 10, 4, 4)
            xb = F.avg_pool2d(xb, 4)  # (N, 10, 1, 1)
            return xb.view(-1, xb.size(1))  # (N, 10)

    train_dl, valid_dl = get_data(lib, data.TensorDataset(x_train, y_train), data.TensorDataset(x_valid, y_valid),
                                  bs, start.seed)
    model = start.same_weights(MnistCNN())
    opt = optim.SGD(model.parameters(), lr=lr)
    return fit(lib, epochs, model, F.cross_entropy, opt, train_dl, valid_dl)


if __name__ == "__main__":
    common.main(train, __doc__)
