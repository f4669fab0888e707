"""draw_graph shows every op and parameter of a loss; render writes DOT, SVG or PNG."""

import re
import shutil

import numpy as np
import pytest

import minitorch_mnist as mm
from minitorch_mnist import models
from minitorch_mnist.tools import viz
from minitorch_mnist.nn import functional as F


@pytest.fixture
def mlp_loss():
    model = models.MnistMLP()
    images = mm.tensor(np.random.default_rng(0).standard_normal((4, 784)).astype(np.float32))
    loss = F.cross_entropy(model(images), mm.tensor([1, 2, 3, 4]))
    loss.backward()
    return model, loss


def test_graph_has_one_box_per_op_and_one_ellipse_per_parameter(mlp_loss):
    model, loss = mlp_loss
    dot = viz.draw_graph(loss, dict(model.named_parameters()))
    boxes = re.findall(r'label="(\w+)\\n[^"]*", shape=box', dot)
    assert sorted(boxes) == sorted(["NLLLoss", "LogSoftmax", "Linear", "ReLU", "Linear", "ReLU", "Linear"])
    for name, parameter in model.named_parameters():
        assert f'label="{name}\\n{"x".join(map(str, parameter.shape))}"' in dot
    # the first Linear gets W and b (the images need no gradient), the others x, W and b;
    # the two ReLUs, LogSoftmax and NLLLoss one input each
    assert dot.count("->") == 2 + 3 + 3 + 4


def test_grad_norms_are_shown_after_backward(mlp_loss):
    model, loss = mlp_loss
    dot = viz.draw_graph(loss, dict(model.named_parameters()), show_grad_norms=True)
    expected = np.linalg.norm(model.linear_relu_stack[4].bias.grad.array)
    assert f"linear_relu_stack.4.bias\\n10\\n|grad| = {expected:.3g}" in dot


def test_render_writes_dot_text(mlp_loss, tmp_path):
    _, loss = mlp_loss
    path = viz.render(viz.draw_graph(loss), tmp_path / "graph.dot")
    assert path.read_text().startswith("digraph autograd {")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_render_makes_an_svg_with_graphviz(mlp_loss, tmp_path):
    _, loss = mlp_loss
    path = viz.render(viz.draw_graph(loss), tmp_path / "graph.svg")
    assert "<svg" in path.read_text() and "NLLLoss" in path.read_text()


def test_render_without_graphviz_says_how_to_get_it(mlp_loss, tmp_path, monkeypatch):
    _, loss = mlp_loss
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        viz.render(viz.draw_graph(loss), tmp_path / "graph.png")
    assert list(tmp_path.iterdir()) == []
