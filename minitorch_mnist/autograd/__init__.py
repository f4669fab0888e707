"""The autograd heart: a Tensor records the Functions that made it, and backward() walks them in reverse.

    tensor.py          Tensor: the NumPy array, .grad, the Node that made it (grad_fn), backward()
    tensor_methods.py  the operators and methods that build the graph (+, @, sum, reshape, ...), mixed into Tensor;
                       tensor_math.py (abs, sqrt, clamp, softmax, ...), tensor_logic.py (== < & any, ...),
                       tensor_index.py (gather, scatter, split, expand, ...), tensor_reduce.py (var, norm, sort,
                       topk, ...), tensor_factories.py (new_ones, half, uniform_, ...) and tensor_inplace.py
                       (+=, zero_, copy_, and every NAME_ by one rule)
    function.py        Function (forward/backward on NumPy arrays), the recorded Node, saved values and their
                       version counters, no_grad / enable_grad
    graph.py           what PyTorch's users see of the graph: next_functions, AccumulateGrad, PyTorch's node names
    backward.py        the backward walk: Nodes in reverse topological order, gradients summed, the graph freed
    dtypes.py          dtypes (mm.float32 & co, printing torch.float32) and PyTorch's type promotion
    printing.py        how a tensor prints: PyTorch's text and set_printoptions
The differentiable functions themselves live in ops/.
"""


def __getattr__(name):
    """torch.autograd.Variable, the pre-0.4 wrapper: now a plain Tensor (torch_api/legacy.py)."""
    if name == "Variable":
        from ..torch_api.legacy import Variable

        return Variable
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
