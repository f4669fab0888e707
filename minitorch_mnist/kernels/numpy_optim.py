"""The optimizers' update rules as NumPy array expressions: the readable reference (numba_optim.py is its twin).

sgd_update is torch.optim.SGD's rule for one parameter, in place. Scalars are Python floats, so a float32
parameter stays float32 (NumPy 2 computes float32 * Python float in float32).
"""

import numpy as np


def sgd_update(weights, grad, buffer, lr, momentum, dampening, weight_decay, nesterov, first_step):
    """One SGD step on `weights` (and its momentum `buffer`, None without momentum), both changed in place:

        g   = grad + weight_decay * weights
        buf = g  on the first step,  else  momentum * buf + (1 - dampening) * g
        g   = g + momentum * buf  with Nesterov,  else  buf          (only with momentum)
        weights = weights - lr * g
    """
    with np.errstate(over="ignore", invalid="ignore"):  # inf and NaN go through silently, as in PyTorch
        if weight_decay != 0:
            grad = grad + weight_decay * weights
        if buffer is not None:
            if first_step:
                buffer[...] = grad
            else:
                buffer *= momentum
                buffer += grad if dampening == 0 else (1 - dampening) * grad
            grad = grad + momentum * buffer if nesterov else buffer
        weights -= lr * grad
