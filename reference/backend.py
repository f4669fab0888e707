"""PyTorch's side of the shared training loop (minitorch_mnist.app.loop): device, batches, loss, no_grad,
and moving weights, optimizer state and RNG state to and from NumPy for checkpoints."""

import numpy as np
import torch
import torch.nn.functional as F


def default_device():
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def make_deterministic():
    """For parity runs on CUDA: no TF32 (it rounds float32 matmuls to 10 mantissa bits), deterministic kernels."""
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = False
    torch.use_deterministic_algorithms(True, warn_only=False)


class TorchBackend:
    cross_entropy = staticmethod(F.cross_entropy)
    no_grad = staticmethod(torch.no_grad)

    def __init__(self, device=None):
        self.device = torch.device(device) if device is not None else default_device()
        self.name = f"reference (PyTorch {torch.__version__}, {self.device})"
        if self.device.type == "cuda":
            make_deterministic()

    def start_epoch(self):
        """Nothing to do: PyTorch manages its own threads."""

    def batch(self, images, labels):
        """Engine Tensors from the shared DataLoader -> torch tensors on the device (no copy on CPU)."""
        return (torch.from_numpy(images.numpy()).to(self.device, non_blocking=True),
                torch.from_numpy(labels.numpy()).to(self.device, non_blocking=True))

    def prepare(self, model):
        return model.to(self.device)

    @staticmethod
    def numpy_state(model):
        return {name: value.detach().cpu().numpy() for name, value in model.state_dict().items()}

    @staticmethod
    def load_numpy_state(model, state):
        model.load_state_dict({name: torch.from_numpy(np.asarray(array)) for name, array in state.items()})

    @classmethod
    def to_numpy_tree(cls, tree):
        """Every tensor in a nested optimizer state becomes a NumPy array."""
        if isinstance(tree, torch.Tensor):
            return tree.detach().cpu().numpy()
        if isinstance(tree, dict):
            return {key: cls.to_numpy_tree(value) for key, value in tree.items()}
        if isinstance(tree, (list, tuple)):
            return [cls.to_numpy_tree(value) for value in tree]
        return tree

    def from_numpy_tree(self, tree):
        """The way back: arrays become tensors (torch's optimizers move them to their parameters' device)."""
        if isinstance(tree, np.ndarray):
            return torch.from_numpy(tree)
        if isinstance(tree, dict):
            return {key: self.from_numpy_tree(value) for key, value in tree.items()}
        if isinstance(tree, list):
            return [self.from_numpy_tree(value) for value in tree]
        return tree

    def rng_state(self):
        state = {"cpu": torch.get_rng_state().numpy()}
        if self.device.type == "cuda":
            state["cuda"] = torch.cuda.get_rng_state(self.device).numpy()
        return state

    def set_rng_state(self, state):
        torch.set_rng_state(torch.from_numpy(np.asarray(state["cpu"])))
        if "cuda" in state:
            torch.cuda.set_rng_state(torch.from_numpy(np.asarray(state["cuda"])), self.device)
