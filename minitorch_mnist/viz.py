"""Pictures of the autograd graph: draw_graph gives Graphviz DOT text, render turns it into SVG/PNG.

Each op that recorded a Node becomes a box (the Function's name and the shape it produced); each leaf
that requires grad becomes an ellipse (its parameter name when given, its shape, and optionally the
norm of its .grad). Edges point the way the forward pass went; backward walks them in reverse.
"""

import shutil
import subprocess
from pathlib import Path

import numpy as np

from .atomic import atomic_write


def draw_graph(tensor, params=None, show_grad_norms=False):
    """DOT text for the graph that produced `tensor`.

    params: optional {name: tensor} (e.g. dict(model.named_parameters())) to label the leaves.
    show_grad_norms: add ||grad|| to every leaf that has a .grad (call after backward()).
    """
    names = {id(value): name for name, value in (params or {}).items()}
    lines = ["digraph autograd {", '  node [fontname="Helvetica", fontsize=10];', "  rankdir=BT;"]
    seen, stack = set(), [tensor]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        lines.append(f'  t{id(node)} [{_node_style(node, names, show_grad_norms, is_output=node is tensor)}];')
        if node.grad_fn is None:
            continue
        for parent in node.grad_fn.inputs:
            if parent is not None and parent.requires_grad:
                lines.append(f"  t{id(parent)} -> t{id(node)};")
                stack.append(parent)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _node_style(tensor, names, show_grad_norms, is_output):
    shape = "x".join(str(size) for size in tensor.shape) or "scalar"
    if tensor.grad_fn is not None:
        label = f"{tensor.grad_fn.name}\\n{shape}"
        fill = "lightcoral" if is_output else "lightgrey"
        return f'label="{label}", shape=box, style=filled, fillcolor={fill}'
    label = f"{names.get(id(tensor), 'input')}\\n{shape}"
    if show_grad_norms and tensor.grad is not None:
        label += f"\\n|grad| = {np.linalg.norm(tensor.grad.data):.3g}"
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
