"""Tutorial programs written once for PyTorch run on the engine with only their import lines changed
(tests/import_rule.py), and measure what PyTorch measures. The programs are in tests/tutorials/."""

import numpy as np
import pytest

from import_rule import to_engine
from tutorial_harness import run


def test_the_import_rule_changes_import_lines_only():
    source = "\n".join([
        "import torch", "import torch.nn as nn", "import torch.nn.functional as F", "from torch import nn, optim",
        "from torch.utils.data import DataLoader", "from torchvision import datasets, transforms",
        "import torchvision.transforms as transforms", "import torchvision", "from torchsummary import summary",
        "from torch.optim.lr_scheduler import StepLR", "import numpy as np", "x = torch.zeros(2)  # import torch"])
    assert to_engine(source).split("\n") == [
        "import minitorch_mnist as torch", "import minitorch_mnist.nn as nn", "import minitorch_mnist.nn.functional as F",
        "from minitorch_mnist import nn, optim", "from minitorch_mnist.utils.data import DataLoader",
        "from minitorch_mnist.vision import datasets, transforms",
        "import minitorch_mnist.vision.transforms as transforms", "import minitorch_mnist.vision as torchvision",
        "from minitorch_mnist.summary import summary", "from minitorch_mnist.optim.lr_scheduler import StepLR",
        "import numpy as np", "x = torch.zeros(2)  # import torch"]


def run_both(program, **settings):
    return run(program, "engine", **settings), run(program, "torch", **settings)


def test_fashion_quickstart_trains_saves_and_reloads_like_pytorch(fashion_root, tmp_path):
    ours, theirs = run_both("fashion_quickstart.py", DATA_ROOT=str(fashion_root), SUBSET=640,
                            SAVE_PATH=str(tmp_path / "model.pth"))
    assert len(ours["losses"]) == len(theirs["losses"]) == 20
    np.testing.assert_allclose(ours["losses"], theirs["losses"], rtol=1e-4)  # float32, same start and batches
    assert ours["accuracy"] == pytest.approx(theirs["accuracy"], abs=1 / 320)  # at most one image apart
    assert ours["reloaded_accuracy"] == ours["accuracy"] and ours["first_prediction"] == theirs["first_prediction"]
