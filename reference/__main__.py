"""`python -m reference train|evaluate ...`: the engine's command line, run by PyTorch."""

import argparse
import re

from minitorch_mnist.app.interrupt import exit_with, quiet_start

if __name__ == "__main__":  # importing torch takes seconds: a Ctrl-C meanwhile ends the command with one line
    quiet_start()

import torch  # noqa: E402

from minitorch_mnist.app import cli  # noqa: E402
from .backend import TorchBackend  # noqa: E402
from .models import MODELS  # noqa: E402


def device_choice(text):
    """--device: cpu, or cuda (cuda:N) where PyTorch sees a GPU."""
    cuda = torch.cuda.is_available()
    if text == "cpu" or (cuda and re.fullmatch(r"cuda(:\d+)?", text)):
        return text
    available = "cuda is available" if cuda else "cuda is not available on this machine"
    raise argparse.ArgumentTypeError(f"choose cpu or cuda ({available}), got {text!r}")


def torch_framework(args):
    return dict(models=MODELS, backend=TorchBackend(args.device), optim_module=torch.optim,
                seed_everything=torch.manual_seed)


def main(argv=None):
    device_option = argparse.ArgumentParser(add_help=False)
    device_option.add_argument("--device", type=device_choice, default=None,
                               help="cpu or cuda (if not given: cuda when available, else cpu)")
    return cli.main(argv, prog="python -m reference",
                    description="Train and evaluate the MNIST tutorial models with PyTorch.",
                    parents=[device_option], framework=torch_framework)


if __name__ == "__main__":
    exit_with(main())
