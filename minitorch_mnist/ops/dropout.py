"""Dropout: zero each element with probability p and scale the survivors by 1 / (1 - p), so that the
expected value of every output element equals its input (the layer can then be skipped at eval time).

The random keep-mask is drawn by the caller (nn.functional.dropout, from the engine's generator) and
handed to the op, so the op itself is deterministic and a test can give it any mask.
"""

import numpy as np

from ..autograd.function import Function


def check_probability(p):
    """torch's check and message: p must lie in [0, 1]."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def draw_keep_mask(generator, shape, p):
    """True where an element survives: u >= p with u ~ U[0, 1), which happens with probability 1 - p."""
    return generator.random(shape) >= p


class Dropout(Function):
    """z = x * keep / (1 - p)"""

    node_name = "MulBackward0"  # PyTorch's CPU dropout multiplies by a mask tensor

    @classmethod
    def shown_edges(cls, node):
        return node.next + (None,)  # x and the mask, which needs no gradient

    @staticmethod
    def forward(ctx, x, keep, p):
        check_probability(p)
        if keep.shape != x.shape:
            raise RuntimeError(f"dropout: keep-mask shape {keep.shape} does not match input shape {x.shape}")
        # p == 1 keeps nothing; multiply by 0 instead of by 1/0 (torch also returns zeros)
        scale = np.zeros((), dtype=x.dtype) if p == 1 else np.asarray(1 / (1 - p), dtype=x.dtype)
        multiplier = keep * scale  # 0 or 1/(1-p), in x's dtype
        ctx.save(multiplier)
        return x * multiplier

    @staticmethod
    def backward(ctx, grad):
        (multiplier,) = ctx.saved
        # dz/dx = keep / (1 - p)
        return (grad * multiplier,)
