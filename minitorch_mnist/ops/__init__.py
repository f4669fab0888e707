"""The differentiable functions, grouped by kind. Each op's forward and backward sit side by side.

    arithmetic.py     + - * / ** // %, neg, exp, log (with broadcasting), cast, clone
    pointwise.py      abs, sqrt, round, clamp; where, maximum, minimum
    unary.py          log1p, expm1, log2, log10, rsqrt, square, reciprocal, sin, cos; floor, ceil, trunc, sign
    activation.py     relu, sigmoid, tanh, softmax, log_softmax
    reduce.py         sum, mean, max, min, prod, amax, amin, cumsum
    statistics.py     var, std, vector norms
    shape.py, join.py reshape, permute, indexing, expand, repeat; cat, stack
    index.py          gather, scatter, scatter_add, index_select, masked_fill
    linear.py         matmul (@) and linear (x @ W^T + b)
    conv.py, pool.py  conv2d; max, average and adaptive average pooling (their loops in kernels/)
    loss.py           nll_loss, binary cross entropy (with logits), smooth L1
    normalization.py, dropout.py   batch norm; dropout
    checks.py         the argument checks ops share (dims, broadcasting, floating dtypes)
A layer over an op lives in nn/ under the same file name (nn/conv.py calls ops/conv.py, nn/loss.py ops/loss.py).
"""
