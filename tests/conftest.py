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
