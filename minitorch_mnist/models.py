"""The models of the classic PyTorch MNIST (and CIFAR-10) tutorials; reference/models.py defines their PyTorch twins
with the same parameter names and shapes, so state_dicts move between the two unchanged."""

from . import nn


class MnistLogistic(nn.Module):
    """Logistic regression: Linear 784 -> 10 (softmax lives in the loss)."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(784, 10)

    def forward(self, x):
        return self.lin(x.reshape(x.shape[0], 784))


class MnistMLP(nn.Module):
    """784 -> 512 -> 512 -> 10 with ReLU."""

    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(784, 512), nn.ReLU(),
            nn.Linear(512, 512), nn.ReLU(),
            nn.Linear(512, 10),
        )

    def forward(self, x):
        return self.linear_relu_stack(self.flatten(x))


class MnistCNN(nn.Module):
    """Three stride-2 convolutions 1 -> 16 -> 16 -> 10 (28 -> 14 -> 7 -> 4), then average-pool 4 to 10 logits."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1)
        self.conv3 = nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1)
        self.relu = nn.ReLU()
        self.pool = nn.AvgPool2d(4)

    def forward(self, x):
        x = x.reshape(x.shape[0], 1, 28, 28)
        x = self.relu(self.conv1(x))
        x = self.relu(self.conv2(x))
        x = self.relu(self.conv3(x))
        return self.pool(x).reshape(x.shape[0], 10)


class LeNet(nn.Module):
    """conv 1->6 k3, pool, conv 6->16 k3, pool, then 400 -> 120 -> 84 -> 10."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.pool = nn.MaxPool2d(2)
        self.relu = nn.ReLU()
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(self.relu(self.conv1(x)))  # (N, 6, 13, 13)
        x = self.pool(self.relu(self.conv2(x)))  # (N, 16, 5, 5)
        x = x.flatten(1)
        x = self.relu(self.fc1(x))
        x = self.relu(self.fc2(x))
        return self.fc3(x)


class CifarAlexNet(nn.Module):
    """The AlexNet-style CIFAR-10 net: five conv blocks 3->96->256->384->384->256 (32 -> 16 -> 8 -> 3 pixels)
    with BatchNorm and ReLU, max-pooling after blocks 1, 2 and 5, then Dropout, Linear 2304 -> 512,
    BatchNorm1d, ReLU, Dropout, Linear 512 -> 10."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 96, 3, padding=1), nn.BatchNorm2d(96), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(96, 256, 3, padding=1), nn.BatchNorm2d(256), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(256, 384, 3, padding=1), nn.BatchNorm2d(384), nn.ReLU(),
            nn.Conv2d(384, 384, 3, padding=1), nn.BatchNorm2d(384), nn.ReLU(),
            nn.Conv2d(384, 256, 3, padding=1), nn.BatchNorm2d(256), nn.ReLU(), nn.MaxPool2d(3, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Dropout(0.5),
            nn.Linear(256 * 3 * 3, 512), nn.BatchNorm1d(512), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(512, 10),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


MODELS = {"logistic": MnistLogistic, "mlp": MnistMLP, "cnn": MnistCNN, "lenet": LeNet, "alexnet": CifarAlexNet}
MODEL_INPUTS = {"logistic": (1, 28, 28), "mlp": (1, 28, 28), "cnn": (1, 28, 28), "lenet": (1, 28, 28),
                "alexnet": (3, 32, 32)}
