"""torch.accelerator's questions (used by PyTorch's official MNIST example): the engine has no accelerator."""


def is_available():
    return False


def current_accelerator(check_available=False):
    """None: no accelerator, as torch.accelerator.current_accelerator() says on a CPU-only machine."""
    return None


def device_count():
    return 0
