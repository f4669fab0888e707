"""Tutorial code after `import minitorch_mnist as torch`: PyTorch's MNIST example runs unchanged, and names the
engine lacks fail with one clear message that lists what exists."""

import numpy as np
import pytest

import minitorch_mnist
import minitorch_mnist.nn.functional


@pytest.mark.parametrize("package, name, listed", [
    (minitorch_mnist, "fft", "tensor"), (minitorch_mnist.nn, "GRU", "Linear, Conv2d"),
    (minitorch_mnist.nn.functional, "gelu", "relu"), (minitorch_mnist.optim, "LBFGS", "SGD, Adam"),
])
def test_a_missing_name_says_where_and_what_exists(package, name, listed):
    with pytest.raises(AttributeError, match=f"{package.__name__} has no {name}: the engine provides .*{listed}"):
        getattr(package, name)
    assert not hasattr(package, name)


def test_private_names_stay_plain_attribute_errors():
    with pytest.raises(AttributeError, match="has no attribute '_secret'"):
        minitorch_mnist.nn._secret


def test_pytorch_mnist_example_runs_unchanged():
    """The model, loss, optimizer, scheduler and accuracy lines of PyTorch's examples/mnist/main.py."""
    import minitorch_mnist as torch
    import minitorch_mnist.nn as nn
    import minitorch_mnist.nn.functional as F
    import minitorch_mnist.optim as optim
    from minitorch_mnist.optim.lr_scheduler import StepLR

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 4, 3, 1)
            self.conv2 = nn.Conv2d(4, 8, 3, 1)
            self.dropout1 = nn.Dropout(0.25)
            self.dropout2 = nn.Dropout(0.5)
            self.fc1 = nn.Linear(8 * 5 * 5, 16)
            self.fc2 = nn.Linear(16, 10)

        def forward(self, x):
            x = F.relu(self.conv1(x))
            x = F.relu(self.conv2(x))
            x = F.max_pool2d(x, 2)
            x = self.dropout1(x)
            x = torch.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = self.dropout2(x)
            x = self.fc2(x)
            return F.log_softmax(x, dim=1)

    torch.manual_seed(1)
    model = Net()
    optimizer = optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
    data, target = torch.rand(8, 1, 14, 14), torch.randint(0, 10, (8,))
    model.train()
    for _ in range(2):
        optimizer.zero_grad()
        loss = F.nll_loss(model(data), target)
        loss.backward()
        optimizer.step()
        scheduler.step()
    model.eval()
    with torch.no_grad():
        output = model(data)
        test_loss = F.nll_loss(output, target, reduction="sum").item()
        pred = output.argmax(dim=1, keepdim=True)
        correct = pred.eq(target.view_as(pred)).sum().item()
    assert np.isfinite(test_loss) and 0 <= correct <= 8
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.49)
