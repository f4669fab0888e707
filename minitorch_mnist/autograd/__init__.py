"""The autograd heart: a Tensor records the Functions that made it, and backward() walks them in reverse.

    tensor.py          Tensor: the NumPy array, .grad, the Node that made it (grad_fn), backward()
    tensor_methods.py  the operators and methods that build the graph (+, @, sum, reshape, ...), mixed into Tensor;
                       tensor_math.py (abs, sqrt, clamp, softmax, ...) and tensor_inplace.py (+=, zero_, copy_, ...)
    function.py        Function (forward/backward on NumPy arrays), the recorded Node, saved values and their
                       version counters, no_grad / enable_grad
    graph.py           what PyTorch's users see of the graph: next_functions, AccumulateGrad, PyTorch's node names
    backward.py        the backward walk: Nodes in reverse topological order, gradients summed, the graph freed
    dtypes.py          dtypes (mm.float32 & co, printing torch.float32) and PyTorch's type promotion
    printing.py        how a tensor prints: PyTorch's text and set_printoptions
The differentiable functions themselves live in ops/.
"""
