"""Pictures of the autograd graph: draw_graph gives Graphviz DOT text, render turns it into SVG/PNG.

Each op that recorded a Node becomes a box (the Function's name and the shape it produced); each leaf
that requires grad becomes an ellipse (its parameter name when given, its shape, and optionally the
norm of its .grad). Edges point the way the forward pass went; backward walks them in reverse.
"""

import shutil
import subprocess
from pathlib import Path

import numpy as np

from ..storage.atomic import atomic_write


def draw_graph(tensor, params=None, show_grad_norms=False):
    """DOT text for the graph that produced `tensor` (it stays drawable after backward() has freed the values).

    params: optional {name: tensor} (e.g. dict(model.named_parameters())) to label the leaves.
    show_grad_norms: add ||grad|| to every leaf that has a .grad (call after backward()).
    """
    from ..autograd.function import Node

    names = {id(value): name for name, value in (params or {}).items()}
    lines = ["digraph autograd {", '  node [fontname="Helvetica", fontsize=10];', "  rankdir=BT;"]
    root = tensor.grad_fn if tensor.grad_fn is not None else tensor
    seen, stack = set(), [root]
    while stack:
        vertex = stack.pop()  # a Node (an op) or a leaf Tensor
        if id(vertex) in seen:
            continue
        seen.add(id(vertex))
        is_op = isinstance(vertex, Node)
        style = _op_style(vertex, vertex is root) if is_op else _leaf_style(vertex, names, show_grad_norms)
        lines.append(f"  t{id(vertex)} [{style}];")
        for edge in vertex.next if is_op else ():
            if edge is not None:
                lines.append(f"  t{id(edge)} -> t{id(vertex)};")
                stack.append(edge)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _shape_text(shape):
    return "x".join(str(size) for size in shape) or "scalar"


def _op_style(node, is_output):
    fill = "lightcoral" if is_output else "lightgrey"
    return f'label="{node.function.__name__}\\n{_shape_text(node.output_shape)}", shape=box, style=filled, fillcolor={fill}'


def _leaf_style(tensor, names, show_grad_norms):
    label = f"{names.get(id(tensor), 'input')}\\n{_shape_text(tensor.array.shape)}"
    if show_grad_norms and tensor.grad is not None:
        label += f"\\n|grad| = {np.linalg.norm(tensor.grad.array):.3g}"
    return f'label="{label}", shape=ellipse, style=filled, fillcolor=lightblue'


def render(dot_text, path):
    """Write `dot_text` to `path` as .svg, .png or .dot (the file's suffix decides); needs Graphviz's `dot` for images."""
    path = Path(path)
    if path.suffix == ".dot":
        with atomic_write(path) as temporary:
            temporary.write_text(dot_text)
        return path
    if path.suffix not in (".svg", ".png"):
        raise ValueError(f"render: {path} must end in .svg, .png or .dot")
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError("render: Graphviz's `dot` program is not installed (Debian: apt-get install graphviz); "
                           "save the .dot text instead, or paste it into any Graphviz viewer")
    with atomic_write(path) as temporary:
        subprocess.run([dot, f"-T{path.suffix[1:]}", "-o", str(temporary)], input=dot_text, text=True, check=True)
    return path
