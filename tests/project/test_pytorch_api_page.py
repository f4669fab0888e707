"""docs/pytorch-api.md cannot drift from the code: every PyTorch name it lists exists in PyTorch and in the engine,
every torch.* function and factory the engine exports is listed, and a missing name's message points at the page."""

import re
from pathlib import Path

import pytest
import torch
import torchvision

import minitorch_mnist as mm
from minitorch_mnist.torch_api import creation, legacy, sampling, tensor_functions

PAGE = Path(__file__).resolve().parents[2] / "docs" / "pytorch-api.md"
NAME = re.compile(r"`((?:torch|torchvision|Tensor)\.[\w.]+)`")


def listed_names():
    """The names in the page's tables: `torch.X`, `torch.nn.functional.X`, `Tensor.X`, `torchvision.X`."""
    rows = [line for line in PAGE.read_text().splitlines() if line.startswith("|")]
    return sorted({name for row in rows for name in NAME.findall(row.split("|")[1])})


def resolve(root, dotted):
    value = root
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


def roots(name):
    """(engine object, PyTorch object, rest of the dotted name) for a name as the page writes it."""
    first, _, rest = name.partition(".")
    if first == "Tensor":
        return mm.Tensor, torch.Tensor, rest
    if first == "torchvision":
        return mm.vision, torchvision, rest
    return mm, torch, rest


@pytest.mark.parametrize("name", listed_names())
def test_every_listed_name_exists_in_pytorch_and_in_the_engine(name):
    engine, pytorch, rest = roots(name)
    resolve(pytorch, rest)
    resolve(engine, rest)


def test_every_exported_function_and_factory_is_listed():
    listed = set(listed_names())
    exported = tensor_functions.__all__ + creation.__all__ + sampling.__all__ + legacy.__all__
    assert [name for name in exported if f"torch.{name}" not in listed] == []


def test_a_missing_name_points_at_the_page():
    for lookup in (lambda: mm.kron, lambda: mm.nn.functional.gelu_tanh_fancy, lambda: mm.ones(1).kthvalue):
        with pytest.raises(AttributeError, match="docs/pytorch-api.md"):
            lookup()
    with pytest.raises(AttributeError) as plain:
        mm.ones(1)._private_thing
    assert "docs/" not in str(plain.value)
    assert not hasattr(mm.ones(1), "kthvalue")
