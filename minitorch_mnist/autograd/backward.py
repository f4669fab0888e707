"""The backward pass: walk the recorded graph from an output back to the leaves, applying the chain rule.

Each Node gets the sum of the gradients its consumers sent it, then its Function's backward turns that into
one gradient per input, sent along Node.next: to the Node that made the input, or to a leaf Tensor, whose
.grad accumulates it. Nodes are visited consumers-first, so a Node runs only once every consumer has reported.
A leaf's first gradient is stored as its .grad without a copy when it is an array nobody else refers to (a sum
made here, or the result of a Function whose new_gradients is True), as PyTorch does; otherwise it is copied,
so that .grad never shares memory with another gradient, an array a hook saw or returned, or the `gradient`
passed in.
"""

import numpy as np

from .function import Node


def run_backward(root, gradient, retain_graph):
    """Send `gradient` (d loss / d root) through the graph below `root`; free saved values unless retain_graph."""
    if root.grad_fn is None:  # backward() on a leaf: its gradient is the one given
        root._accumulate(root._run_hooks(gradient))
        return
    pending = {root.grad_fn: gradient}  # gradients waiting for every consumer of a vertex to report
    new = set()  # the vertices whose pending gradient is a new array that nothing else refers to
    for vertex in _consumers_first(root.grad_fn):
        grad = pending.pop(vertex, None)
        if grad is None:  # every consumer returned None for it: nothing to send on
            continue
        if not isinstance(vertex, Node):  # a leaf Tensor
            # a hook may keep the array it is given, or return one it keeps: then .grad must be a copy
            vertex._accumulate(vertex._run_hooks(grad), copy=not (vertex in new and not vertex._hooks))
            continue
        for input_grad, edge in zip(_run_node(vertex, grad, retain_graph), vertex.next):
            if edge is None or input_grad is None:
                continue
            input_grad = _checked_grad(vertex.function.__name__, edge, input_grad)
            if edge in pending:  # a second consumer: the sum is a new array
                pending[edge] = pending[edge] + input_grad
                new.add(edge)
            else:
                pending[edge] = input_grad
                if vertex.function.new_gradients:
                    new.add(edge)


def _run_node(node, grad, retain_graph):
    """The gradients of node's inputs, given the gradient of its output."""
    for hook in node.hooks:  # hooks registered on the (non-leaf) output tensor
        grad = _hook_result(hook, grad, node.output_shape, node.output_dtype)
    retained = node.retained_output() if node.retained_output is not None else None
    if retained is not None:
        retained._accumulate(grad)
    node.check_versions()
    input_grads = node.function.backward(node.ctx, grad)
    if not retain_graph:
        node.release()
    return input_grads


def _hook_result(hook, grad, shape, dtype):
    """Call hook(grad); a returned Tensor or array replaces the gradient, None keeps it."""
    from .tensor import Tensor

    replaced = hook(Tensor(grad))
    if replaced is None:
        return grad
    if isinstance(replaced, Tensor) and replaced.dtype != dtype:
        raise RuntimeError(f"hook '{getattr(hook, '__name__', hook)}' has changed the type of value "
                           f"(was {np.dtype(dtype).name} got {np.dtype(replaced.dtype).name})")
    replaced = np.asarray(replaced.array if isinstance(replaced, Tensor) else replaced)
    if replaced.shape != shape:
        raise RuntimeError(f"register_hook: a hook returned a gradient of shape {replaced.shape} "
                           f"for a tensor of shape {shape}")
    return replaced.astype(dtype, copy=False)


def _checked_grad(op_name, edge, grad):
    """A gradient an op's backward returned for an input: its shape must match, its dtype becomes the input's."""
    shape, dtype = (edge.output_shape, edge.output_dtype) if isinstance(edge, Node) else (edge.array.shape, edge.array.dtype)
    if grad.shape != shape:
        raise RuntimeError(f"{op_name}.backward returned a gradient of shape {grad.shape} for an input of shape {shape}")
    return grad if grad.dtype == dtype else grad.astype(dtype)


def _consumers_first(root):
    """Nodes and leaves reachable from root, each before everything that feeds into it (iterative DFS)."""
    order, visited, stack = [], set(), [(root, False)]
    while stack:
        vertex, inputs_done = stack.pop()
        if inputs_done:
            order.append(vertex)
            continue
        if vertex in visited:
            continue
        visited.add(vertex)
        stack.append((vertex, True))
        if isinstance(vertex, Node):
            stack.extend((edge, False) for edge in vertex.next if edge is not None and edge not in visited)
    return reversed(order)
