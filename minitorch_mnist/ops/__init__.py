"""The differentiable functions, grouped by kind. Each op's forward and backward sit side by side.

    arithmetic.py     + - * / **, neg, exp, log (with broadcasting), cast, clone
    pointwise.py      abs, sqrt, round, clamp; where, maximum, minimum
    activation.py     relu, sigmoid, tanh, softmax, log_softmax
    reduce.py         sum, mean, max, min
    shape.py, join.py reshape, permute, indexing; cat, stack
    linear.py         matmul (@) and linear (x @ W^T + b)
    conv.py, pool.py  conv2d; max and average pooling (their loops in kernels/)
    loss.py         nll_loss, binary cross entropy (with logits)
    normalization.py, dropout.py   batch norm; dropout
    checks.py         the argument checks ops share (dims, broadcasting, floating dtypes)
A layer over an op lives in nn/ under the same file name (nn/conv.py calls ops/conv.py, nn/loss.py ops/loss.py).
"""
