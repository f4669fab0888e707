"""The training loop of the tutorials, written once for both frameworks.

The engine copies PyTorch's API, so the very same loop trains an engine model or a PyTorch model; a
`backend` supplies what differs: turning a batch of engine Tensors into the framework's tensors, the
loss function, the no-grad context, and moving state (weights, optimizer buffers, RNG) to and from
NumPy for checkpoints. reference/backend.py is PyTorch's.
"""

import math

from tqdm import tqdm

from . import function, random
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

    @staticmethod
    def to_numpy_tree(tree):
        """Optimizer state as NumPy arrays and plain values (the engine's already is)."""
        return tree

    @staticmethod
    def from_numpy_tree(tree):
        return tree

    @staticmethod
    def rng_state():
        return random.generator().bit_generator.state

    @staticmethod
    def set_rng_state(state):
        random.generator().bit_generator.state = state


class NonFiniteLossError(RuntimeError):
    pass


def train_one_epoch(model, optimizer, loader, backend=EngineBackend, epoch=1, progress=True, on_step=None):
    """One pass over `loader`; returns the mean training loss. Shows a bar with the running loss.

    on_step(step, loss) is called after every optimizer step (step counts from 1 within the epoch).
    A NaN or infinite loss raises NonFiniteLossError before it can reach the weights.
    """
    model.train()
    total_loss, total_samples = 0.0, 0
    bar = tqdm(loader, desc=f"epoch {epoch}", unit="batch", disable=not progress, leave=False)
    for step, (images, labels) in enumerate(bar, start=1):
        x, y = backend.batch(images, labels)
        optimizer.zero_grad()
        loss = backend.cross_entropy(model(x), y)
        loss_value = loss.item()
        if not math.isfinite(loss_value):
            raise NonFiniteLossError(f"training loss became {loss_value} at epoch {epoch}, step {step}")
        loss.backward()
        optimizer.step()
        total_loss += loss_value * len(labels)
        total_samples += len(labels)
        bar.set_postfix(loss=f"{total_loss / total_samples:.4f}")
        if on_step is not None:
            on_step(step, loss_value)
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
