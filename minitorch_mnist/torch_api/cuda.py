"""torch.cuda's questions, answered for a CPU-only engine: no GPU is available, so tutorials pick "cpu"."""

from .device import GPU_MESSAGE


def is_available():
    return False


def device_count():
    return 0


def manual_seed(seed):
    """Nothing to seed without a GPU (torch.cuda.manual_seed is likewise a no-op without CUDA)."""


manual_seed_all = manual_seed


def current_device():
    raise RuntimeError(GPU_MESSAGE.format(name="cuda"))


def synchronize(device=None):
    """Nothing runs asynchronously on the CPU."""
