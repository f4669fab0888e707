"""`python -m reference train|evaluate ...`: the engine's command line, run by PyTorch."""

import argparse
import sys

import torch

from minitorch_mnist import cli

from .backend import TorchBackend
from .models import MODELS


def torch_framework(args):
    return dict(models=MODELS, backend=TorchBackend(args.device), optim_module=torch.optim,
                seed_everything=torch.manual_seed)


def main(argv=None):
    device_option = argparse.ArgumentParser(add_help=False)
    device_option.add_argument("--device", default=None, help="cpu or cuda (default: cuda when available)")
    return cli.main(argv, prog="python -m reference",
                    description="Train and evaluate the MNIST tutorial models with PyTorch.",
                    parents=[device_option], framework=torch_framework)


if __name__ == "__main__":
    sys.exit(main())
