"""The training loop of the tutorials, written once for both frameworks.

The engine copies PyTorch's API, so the very same loop trains an engine model or a PyTorch model; a
`backend` supplies the three things that differ: turning a batch of engine Tensors into the
framework's tensors, the loss function and the no-grad context. reference/backend.py is PyTorch's.
"""

import math
import time

from tqdm import tqdm

from . import function
from .nn import functional as F


class EngineBackend:
    name = "minitorch_mnist"
    cross_entropy = staticmethod(F.cross_entropy)
    no_grad = staticmethod(function.no_grad)

    @staticmethod
    def batch(images, labels):
        return images, labels

    @staticmethod
    def prepare(model):
        return model

    @staticmethod
    def numpy_state(model):
        return model.state_dict()

    @staticmethod
    def load_numpy_state(model, state):
        model.load_state_dict(state)


class NonFiniteLossError(RuntimeError):
    pass


def train_one_epoch(model, optimizer, loader, backend=EngineBackend, epoch=1, progress=True):
    """One pass over `loader`; returns the mean training loss. Shows a bar with the running loss."""
    model.train()
    total_loss, total_samples = 0.0, 0
    bar = tqdm(loader, desc=f"epoch {epoch}", unit="batch", disable=not progress, leave=False)
    for step, (images, labels) in enumerate(bar, start=1):
        x, y = backend.batch(images, labels)
        optimizer.zero_grad()
        loss = backend.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        loss_value = loss.item()
        if not math.isfinite(loss_value):
            raise NonFiniteLossError(f"training loss became {loss_value} at epoch {epoch}, step {step}")
        total_loss += loss_value * len(labels)
        total_samples += len(labels)
        bar.set_postfix(loss=f"{total_loss / total_samples:.4f}")
    return total_loss / total_samples


def evaluate(model, loader, backend=EngineBackend):
    """(mean loss, accuracy in %) of `model` over `loader`, without recording a graph."""
    model.eval()
    total_loss, correct, total = 0.0, 0, 0
    with backend.no_grad():
        for images, labels in loader:
            x, y = backend.batch(images, labels)
            logits = model(x)
            total_loss += backend.cross_entropy(logits, y, reduction="sum").item()
            correct += (logits.argmax(1) == y).sum().item()
            total += len(labels)
    return total_loss / total, 100.0 * correct / total


def fit(model, optimizer, train_loader, test_loader, epochs, backend=EngineBackend, progress=True, log=print):
    """Train for `epochs`, evaluating on `test_loader` after each; returns one dict of metrics per epoch."""
    history = []
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        train_loss = train_one_epoch(model, optimizer, train_loader, backend, epoch, progress)
        seconds = time.perf_counter() - start
        test_loss, test_accuracy = evaluate(model, test_loader, backend)
        history.append(dict(epoch=epoch, train_loss=train_loss, test_loss=test_loss,
                            test_accuracy=test_accuracy, seconds=seconds))
        log(f"epoch {epoch}: train loss {train_loss:.4f} | test loss {test_loss:.4f}, "
            f"test accuracy {test_accuracy:.2f}% | {seconds:.1f} s")
    return history
