"""PyTorch's side of the shared training loop (minitorch_mnist.train): device, batches, loss, no_grad."""

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

    def batch(self, images, labels):
        """Engine Tensors from the shared DataLoader -> torch tensors on the device (no copy on CPU)."""
        return (torch.from_numpy(images.numpy()).to(self.device, non_blocking=True),
                torch.from_numpy(labels.numpy()).to(self.device, non_blocking=True))

    def prepare(self, model):
        return model.to(self.device)

    @staticmethod
    def load_numpy_state(model, state):
        model.load_state_dict({name: torch.from_numpy(array) for name, array in state.items()})

    @staticmethod
    def numpy_state(model):
        return {name: value.detach().cpu().numpy() for name, value in model.state_dict().items()}
