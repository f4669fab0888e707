"""The benchmark's data, prepared once by bench_models.py's parent and read by every worker as .npy files.

mnist  MNIST normalised as the command line does it (minitorch_mnist.data.MNIST): 60,000 + 10,000 images 1x28x28.
cifar  CIFAR-10-shaped data generated here (3x32x32 float32 images, standard normal, random labels): speed does
       not depend on the pixels, and the real files need not be fetched. A training epoch of CIFAR-10 is 50,000
       images; GENERATED_TRAIN of them are made and cycled through (a fresh shuffle each time).
"""

from pathlib import Path

DATASET_OF = {"logistic": "mnist", "mlp": "mnist", "cnn": "mnist", "lenet": "mnist", "alexnet": "cifar"}
EPOCH_SAMPLES = {"mnist": 60_000, "cifar": 50_000}  # what an epoch of the real data set holds
GENERATED_TRAIN, GENERATED_TEST = 2_560, 512
FILES = ("x_train", "y_train", "x_test", "y_test")


def prepare(folder, datasets, data_dir=None, seed=0):
    """Write each data set's arrays into folder/NAME/; returns {name: {array: shape}}."""
    import numpy as np

    shapes = {}
    for name in datasets:
        arrays = _mnist(data_dir) if name == "mnist" else _generated_cifar(np, seed)
        target = Path(folder) / name
        target.mkdir(parents=True, exist_ok=True)
        for key, array in arrays.items():
            np.save(target / f"{key}.npy", np.ascontiguousarray(array))
        shapes[name] = {key: list(array.shape) for key, array in arrays.items()}
    return shapes


def load(folder, model, np):
    """The arrays of the model's data set, as prepared."""
    return {key: np.load(Path(folder) / DATASET_OF[model] / f"{key}.npy") for key in FILES}


def _mnist(data_dir):
    from minitorch_mnist.data import MNIST, data_root

    root = data_root(data_dir)
    train, test = MNIST(root, train=True, download=True), MNIST(root, train=False, download=True)
    return dict(x_train=train.images, y_train=train.targets, x_test=test.images, y_test=test.targets)


def _generated_cifar(np, seed):
    rng = np.random.default_rng(seed)
    return dict(x_train=rng.standard_normal((GENERATED_TRAIN, 3, 32, 32), dtype=np.float32),
                y_train=rng.integers(0, 10, GENERATED_TRAIN),
                x_test=rng.standard_normal((GENERATED_TEST, 3, 32, 32), dtype=np.float32),
                y_test=rng.integers(0, 10, GENERATED_TEST))
