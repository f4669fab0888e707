"""Draw the autograd graph of an MLP's loss (docs/images/mlp_graph.svg) with mm.viz.draw_graph and Graphviz.

    python examples/draw_graph.py [OUTPUT.svg]

The model is models.MnistMLP (784 -> 512 -> 512 -> 10 with ReLU), the input a seeded batch of 64 random
images, the loss cross_entropy; after backward() every parameter's ellipse shows the norm of its gradient.
Node names are renumbered in drawing order, so the same graph always gives the same file. Without
Graphviz's `dot` there is no SVG: the DOT text is written beside it (OUTPUT with the suffix .dot), with the
command that renders it once Graphviz is installed.
"""

import re
import shutil
import sys
from pathlib import Path

import numpy as np

import minitorch_mnist as mm
from minitorch_mnist import models
from minitorch_mnist.tools import viz
from minitorch_mnist.nn import functional as F

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "images" / "mlp_graph.svg"


def mlp_loss_graph():
    """DOT text of the graph of cross_entropy(MnistMLP(images), labels), after backward()."""
    mm.manual_seed(0)
    model = models.MnistMLP()
    rng = np.random.default_rng(0)
    images = mm.tensor(rng.standard_normal((64, 1, 28, 28), dtype=np.float32))
    labels = mm.tensor(rng.integers(0, 10, 64))
    loss = F.cross_entropy(model(images), labels)
    loss.backward()
    dot = viz.draw_graph(loss, dict(model.named_parameters()), show_grad_norms=True)
    return renumber(dot)


def renumber(dot):
    """draw_graph names nodes by id(tensor), which changes from run to run: use 0, 1, 2, ... instead."""
    numbers = {}
    return re.sub(r"\bt(\d+)\b", lambda match: f"t{numbers.setdefault(match.group(1), len(numbers))}", dot)


def main():
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    dot = mlp_loss_graph()
    if shutil.which("dot") is None:
        dot_file = viz.render(dot, output.with_suffix(".dot"))
        print(f"Graphviz's `dot` is not installed, so there is no {output.name}; wrote the graph as {dot_file}. "
              f"Install Graphviz (Debian: apt-get install graphviz) and render it with:\n"
              f"    dot -T{output.suffix[1:] or 'svg'} {dot_file} -o {output}\n"
              f"or paste the file into any Graphviz viewer.")
        return
    print(f"wrote {viz.render(dot, output)}")


if __name__ == "__main__":
    main()
