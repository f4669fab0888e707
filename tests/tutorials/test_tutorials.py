"""Tutorial programs written once for PyTorch run on the engine with only their import lines changed
(tests/import_rule.py), and measure what PyTorch measures. The programs are in tests/tutorials/."""

import numpy as np
import pytest

from import_rule import to_engine
from parity import assert_same_accuracy
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


def test_what_is_torch_nn_really_from_scratch_to_sequential_matches_pytorch(mnist_root):
    from minitorch_mnist.data import MNIST

    train, valid = MNIST(mnist_root, train=True, mean=0.0, std=1.0), MNIST(mnist_root, train=False, mean=0.0, std=1.0)
    settings = dict(X_TRAIN=train.images[:1280].reshape(-1, 784), Y_TRAIN=train.targets[:1280],
                    X_VALID=valid.images[:256].reshape(-1, 784), Y_VALID=valid.targets[:256],
                    INITIAL_WEIGHTS=np.random.default_rng(0).standard_normal((784, 10)).astype(np.float32))
    ours, theirs = run_both("nn_really.py", **settings)
    # each logit is a 784-term float32 dot product, summed in another order by each BLAS: they differ by up to
    # 4 sqrt(784) u sum|x w| ~ 7e-6 of the logits' size (u = 2^-24), and the loss moves at most twice as much
    assert ours["first_loss"] == pytest.approx(theirs["first_loss"], rel=2e-5)
    np.testing.assert_allclose(ours["scratch"], theirs["scratch"], rtol=1e-4)
    assert ours["logistic_valid_loss"] == pytest.approx(theirs["logistic_valid_loss"], rel=1e-4)
    assert len(ours["cnn_losses"]) == 20
    np.testing.assert_allclose(ours["cnn_losses"], theirs["cnn_losses"], rtol=1e-3)  # 20 momentum steps in float32


def test_lenet_with_transforms_and_torch_max_of_outputs_data_matches_pytorch(mnist_root):
    ours, theirs = run_both("lenet_transforms.py", DATA_ROOT=str(mnist_root), SUBSET=640)
    np.testing.assert_allclose(ours["losses"], theirs["losses"], rtol=1e-3)  # 40 momentum steps in float32
    assert ours["total"] == theirs["total"] == 320
    assert abs(ours["correct"] - theirs["correct"]) <= 1


def test_cifar_net_with_batch_norm_dropout_adam_plateau_checkpoints_and_summary_writer(tmp_path):
    from cifar_files import write_cifar
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    md5 = write_cifar(tmp_path, np.random.default_rng(0), train_sizes=(32,) * 5, test_size=48)
    results = {}
    for framework in ("engine", "torch"):
        results[framework] = run("cifar_checkpoints.py", framework, DATA_ROOT=str(tmp_path), CIFAR_MD5=md5, EPOCHS=3,
                                 LOG_DIR=str(tmp_path / framework), CHECKPOINT=str(tmp_path / f"{framework}.pt"))
        events = EventAccumulator(str(tmp_path / framework)).Reload()
        assert [event.step for event in events.Scalars("Loss/val")] == [0, 1, 2]
    ours, theirs = results["engine"], results["torch"]
    # same starting weights, eval mode: the same loss and accuracy (dropout masks differ once training starts)
    assert ours["initial_eval"][0] == pytest.approx(theirs["initial_eval"][0], rel=1e-5)
    assert ours["initial_eval"][1] == theirs["initial_eval"][1]
    for result in (ours, theirs):
        assert result["train_losses"][-1] < result["train_losses"][0]
        assert result["resumed_epoch"] == 2 and result["resumed_eval"] == result["final_eval"]
        assert result["resumed_lr"] == result["lrs"][-1]


@pytest.mark.slow
def test_the_official_mnist_example_style_program_reaches_pytorchs_accuracy(mnist_root, tmp_path):
    settings = dict(DATA_ROOT=str(mnist_root), SUBSET=6000, SAVE_PATH=str(tmp_path / "mnist_cnn.pt"),
                    ARGV=["--epochs", "1", "--save-model", "--log-interval", "50"])
    ours, theirs = run_both("mnist_example.py", **settings)
    assert ours["saved"] and theirs["saved"]
    # each framework draws its own dropout masks: the accuracies agree as two equally good models do
    assert ours["labels"] == theirs["labels"]
    assert_same_accuracy(ours["predictions"], theirs["predictions"], ours["labels"], "MNIST example")
