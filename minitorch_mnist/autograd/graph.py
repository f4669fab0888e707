"""What PyTorch's users see of the graph: grad_fn.next_functions, AccumulateGrad, and PyTorch's node names.

    >>> loss.grad_fn, loss.grad_fn.next_functions[0][0]
    (<MseLossBackward0 object at 0x...>, <AddmmBackward0 object at 0x...>)

Each op records a Node named after PyTorch's node for the same call (function.py: Function.node_name and
torch_name). Where PyTorch's node depends on how the op was called (x.view and x.unsqueeze are both the
engine's Reshape), or PyTorch records one node for several engine ops (mse_loss), the caller renames the
node here, and may say what its next_functions lists. Backward never looks at any of this: it walks Node.next.
"""

from .function import Node, _edge, node_type


class AccumulateGrad:
    """What next_functions shows for a leaf that requires grad (as in PyTorch): `.variable` is the leaf."""

    next_functions = ()

    def __init__(self, variable):
        self.variable = variable
        self.metadata = {}

    def name(self):
        return "AccumulateGrad"

    def __repr__(self):
        return f"<AccumulateGrad object at {hex(id(self))}>"


class ShownNode(Node):
    """A node that exists only in next_functions, where PyTorch records a step the engine folds into one op
    (the TBackward0 of the weight under AddmmBackward0)."""

    def __init__(self, edges):  # noqa: super().__init__ is not called: nothing runs here, it is only shown
        self.next = self.shown = edges
        self.hidden, self.metadata = False, {}


def shown_node(name, *items):
    """A ShownNode named `name` over these tensors or edges; None when none of them needs a gradient."""
    edges = tuple(_shown_edge(item) for item in items)
    return node_type(name, ShownNode)(edges) if any(edge is not None for edge in edges) else None


def shown_entry(edge):
    """What next_functions lists for an edge: the Node (seen through hidden ones), the leaf's AccumulateGrad, None."""
    while isinstance(edge, Node) and edge.hidden:
        edge = edge.next[0]
    if edge is None or isinstance(edge, Node):
        return edge
    if getattr(edge, "_grad_accumulator", None) is None:
        edge._grad_accumulator = AccumulateGrad(edge)  # one per leaf, so two walks find the same object
    return edge._grad_accumulator


def rename(output, name=None, inputs=None, hidden=False):
    """Give the Node that made `output` PyTorch's name for the call that made it, when the op alone does not tell
    (x.view and x.unsqueeze are both Reshape; mse_loss is several ops, PyTorch's MseLossBackward0 one node).
    inputs: what PyTorch's node lists in next_functions, when it differs from the op's inputs (Tensors, None, or
    shown_node(...)). hidden: next_functions looks through this node (a dtype cast PyTorch makes inside the op).
    name=None keeps the name. Returns output; a tensor made without recording (no grad_fn) is returned unchanged."""
    node = output.grad_fn
    if node is not None:
        if name is not None:
            node.__class__ = node_type(name)
        if inputs is not None:
            node.shown = tuple(_shown_edge(item) for item in inputs)
        node.hidden = hidden
    return output


def _shown_edge(item):
    """An edge for next_functions from a Node (kept), a Tensor (its edge), or anything else (a number: None)."""
    if isinstance(item, Node):
        return item
    return _edge(item) if hasattr(item, "requires_grad") else None
