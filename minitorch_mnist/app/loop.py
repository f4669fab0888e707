"""The training loop of the tutorials, written once for both frameworks.

The engine copies PyTorch's API, so the very same loop trains an engine model or a PyTorch model; a
`backend` supplies what differs: turning a batch of engine Tensors into the framework's tensors, the
loss function, the no-grad context, and moving state (weights, optimizer buffers, RNG) to and from
NumPy for checkpoints. reference/backend.py is PyTorch's.
"""

import itertools
import math
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from ..autograd import function

from .. import kernels
from ..torch_api import random
from ..nn import functional as F


class EngineBackend:
    name = "minitorch_mnist"
    cross_entropy = staticmethod(F.cross_entropy)
    no_grad = staticmethod(function.no_grad)

    @staticmethod
    def start_epoch():
        """Speed only: let the kernels fit BLAS's threads to the machine's load (kernels/threads.py)."""
        kernels.fit_threads_to_load()

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


@dataclass
class EpochProgress:
    """How far an epoch has got: optimizer steps taken, and the summed loss and count of their samples."""

    steps: int = 0
    loss_sum: float = 0.0
    samples: int = 0


def train_one_epoch(model, optimizer, loader, backend=EngineBackend, epoch=1, progress=True, on_step=None,
                    done=None):
    """One pass over `loader`; returns the mean training loss. Shows a bar with the running loss.

    on_step(step, loss) is called after every optimizer step (step counts from 1 within the epoch).
    done: an EpochProgress, updated after every step. To finish an epoch that an interrupted run began, pass
    the one it reached (with the loader's RNG as it was when that epoch began): its first done.steps batches
    are skipped and the mean loss goes on from its sums.
    A NaN or infinite loss raises NonFiniteLossError before it can reach the weights.
    """
    if len(loader) == 0:
        raise ValueError("train_one_epoch: the training loader yields no batches (an empty dataset)")
    model.train()
    backend.start_epoch()
    done = done if done is not None else EpochProgress()
    batches = itertools.islice(loader, done.steps, None)
    bar = tqdm(batches, desc=f"epoch {epoch}", unit="batch", disable=not progress, leave=False,
               initial=done.steps, total=len(loader))
    # the loss check below names the step where values stop being finite; NumPy's warnings would only come first
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for images, labels in bar:
            step = done.steps + 1
            x, y = backend.batch(images, labels)
            optimizer.zero_grad()
            loss = backend.cross_entropy(model(x), y)
            loss_value = loss.item()
            if not math.isfinite(loss_value):
                raise NonFiniteLossError(f"training loss became {loss_value} at epoch {epoch}, step {step}")
            loss.backward()
            optimizer.step()
            done.steps = step
            done.loss_sum += loss_value * len(labels)
            done.samples += len(labels)
            bar.set_postfix(loss=f"{done.loss_sum / done.samples:.4f}")
            if on_step is not None:
                on_step(step, loss_value)
    return done.loss_sum / done.samples


def evaluate(model, loader, backend=EngineBackend):
    """(mean loss, accuracy in %) of `model` over `loader`, without recording a graph."""
    if len(loader) == 0:
        raise ValueError("evaluate: the loader yields no batches (an empty dataset)")
    model.eval()
    total_loss, correct, total = 0.0, 0, 0
    # weights that stopped being finite give a NaN loss, which fit() reports in one line; no NumPy warnings first
    with backend.no_grad(), np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for images, labels in loader:
            x, y = backend.batch(images, labels)
            logits = model(x)
            total_loss += backend.cross_entropy(logits, y, reduction="sum").item()
            correct += (logits.argmax(1) == y).sum().item()
            total += len(labels)
    return total_loss / total, 100.0 * correct / total
