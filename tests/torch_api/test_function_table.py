"""Every torch.* function of torch_api/tensor_functions.py against PyTorch's function of the same name, and the
Tensor method it forwards to: same values, dtypes and shapes. The table must name every exported function, so a new
one cannot be added without its parity check; each name must exist in PyTorch (the engine invents none)."""

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist.torch_api import tensor_functions

X = np.array([[0.5, 1.5, 2.0, 3.25], [1.0, 0.25, 4.0, 2.5], [2.0, 2.125, 0.75, 1.25]])  # no ties in a row
Y = np.array([[1.5, 0.5, 2.0, 1.0], [0.25, 3.0, 1.0, 2.0], [1.0, 0.5, 2.0, 4.0]])
I = np.array([[1, 0, 3], [2, 2, 0]])  # noqa: E741 (an index tensor)

# name: call(lib, x, y, i) with x, y float64 (3, 4) tensors and i an int64 (2, 3) tensor
CALLS = {
    "add": lambda lib, x, y, i: lib.add(x, y, alpha=2), "sub": lambda lib, x, y, i: lib.sub(x, 1, alpha=0.5),
    "subtract": lambda lib, x, y, i: lib.subtract(2, x), "mul": lambda lib, x, y, i: lib.mul(2, x),
    "multiply": lambda lib, x, y, i: lib.multiply(x, y), "div": lambda lib, x, y, i: lib.div(x, y),
    "divide": lambda lib, x, y, i: lib.divide(i, 2), "true_divide": lambda lib, x, y, i: lib.true_divide(i, i + 1),
    "floor_divide": lambda lib, x, y, i: lib.floor_divide(x, y), "remainder": lambda lib, x, y, i: lib.remainder(x, y),
    "pow": lambda lib, x, y, i: lib.pow(x, y), "exp": lambda lib, x, y, i: lib.exp(x),
    "expm1": lambda lib, x, y, i: lib.expm1(x), "log": lambda lib, x, y, i: lib.log(x),
    "log1p": lambda lib, x, y, i: lib.log1p(x), "log2": lambda lib, x, y, i: lib.log2(x),
    "log10": lambda lib, x, y, i: lib.log10(x), "sqrt": lambda lib, x, y, i: lib.sqrt(x),
    "rsqrt": lambda lib, x, y, i: lib.rsqrt(x), "sigmoid": lambda lib, x, y, i: lib.sigmoid(x),
    "tanh": lambda lib, x, y, i: lib.tanh(x), "sin": lambda lib, x, y, i: lib.sin(x),
    "cos": lambda lib, x, y, i: lib.cos(x), "reciprocal": lambda lib, x, y, i: lib.reciprocal(x),
    "square": lambda lib, x, y, i: lib.square(i), "maximum": lambda lib, x, y, i: lib.maximum(x, y),
    "minimum": lambda lib, x, y, i: lib.minimum(x, y), "eq": lambda lib, x, y, i: lib.eq(x, y),
    "ne": lambda lib, x, y, i: lib.ne(x, 2.0), "lt": lambda lib, x, y, i: lib.lt(x, y),
    "le": lambda lib, x, y, i: lib.le(x, 1.5), "gt": lambda lib, x, y, i: lib.gt(x, y),
    "ge": lambda lib, x, y, i: lib.ge(x, y), "not_equal": lambda lib, x, y, i: lib.not_equal(x, y),
    "less": lambda lib, x, y, i: lib.less(x, y), "less_equal": lambda lib, x, y, i: lib.less_equal(x, y),
    "greater": lambda lib, x, y, i: lib.greater(x, y), "greater_equal": lambda lib, x, y, i: lib.greater_equal(x, y),
    "logical_not": lambda lib, x, y, i: lib.logical_not(i), "logical_and": lambda lib, x, y, i: lib.logical_and(x, i[:1, :1]),
    "logical_or": lambda lib, x, y, i: lib.logical_or(i, i - 1), "logical_xor": lambda lib, x, y, i: lib.logical_xor(x > 1, y > 1),
    "bitwise_not": lambda lib, x, y, i: lib.bitwise_not(i), "bitwise_and": lambda lib, x, y, i: lib.bitwise_and(i, 2),
    "bitwise_or": lambda lib, x, y, i: lib.bitwise_or(i, i * 4), "bitwise_xor": lambda lib, x, y, i: lib.bitwise_xor(x > 1, y > 1),
    "mean": lambda lib, x, y, i: lib.mean(x, 1, keepdim=True), "std": lambda lib, x, y, i: lib.std(x, dim=0),
    "var": lambda lib, x, y, i: lib.var(x, 1, correction=0), "logsumexp": lambda lib, x, y, i: lib.logsumexp(x, 1),
    "sum": lambda lib, x, y, i: lib.sum(x, (0, 1)), "prod": lambda lib, x, y, i: lib.prod(i, 1),
    "cumsum": lambda lib, x, y, i: lib.cumsum(x, dim=1), "abs": lambda lib, x, y, i: lib.abs(x - y),
    "absolute": lambda lib, x, y, i: lib.absolute(y - x), "neg": lambda lib, x, y, i: lib.neg(x),
    "negative": lambda lib, x, y, i: lib.negative(i), "floor": lambda lib, x, y, i: lib.floor(x),
    "ceil": lambda lib, x, y, i: lib.ceil(x), "trunc": lambda lib, x, y, i: lib.trunc(-x),
    "fix": lambda lib, x, y, i: lib.fix(-x), "sign": lambda lib, x, y, i: lib.sign(x - y),
    "clamp": lambda lib, x, y, i: lib.clamp(x, min=1.0, max=2.0), "clip": lambda lib, x, y, i: lib.clip(x, max=1.0),
    "round": lambda lib, x, y, i: lib.round(x, decimals=1), "softmax": lambda lib, x, y, i: lib.softmax(x, 1),
    "log_softmax": lambda lib, x, y, i: lib.log_softmax(x, dim=0), "matmul": lambda lib, x, y, i: lib.matmul(x, y.T),
    "mm": lambda lib, x, y, i: lib.mm(x, y.t()), "bmm": lambda lib, x, y, i: lib.bmm(x[None], y.T[None]),
    "mv": lambda lib, x, y, i: lib.mv(x, y[0]), "dot": lambda lib, x, y, i: lib.dot(x[0], y[1]),
    "outer": lambda lib, x, y, i: lib.outer(x[0], y[1]), "ger": lambda lib, x, y, i: lib.ger(x[1], y[0]),
    "gather": lambda lib, x, y, i: lib.gather(x, 1, i), "index_select": lambda lib, x, y, i: lib.index_select(x, 1, i[0]),
    "scatter": lambda lib, x, y, i: lib.scatter(x, 1, i[:, :1], 9.0),
    "scatter_add": lambda lib, x, y, i: lib.scatter_add(x, 1, i, y),
    "masked_select": lambda lib, x, y, i: lib.masked_select(x, x > y),
    "argmax": lambda lib, x, y, i: lib.argmax(x, dim=1, keepdim=True), "argmin": lambda lib, x, y, i: lib.argmin(x, keepdim=True),
    "amax": lambda lib, x, y, i: lib.amax(x, 0), "amin": lambda lib, x, y, i: lib.amin(x, (0, 1)),
    "sort": lambda lib, x, y, i: lib.sort(x, 1, descending=True), "topk": lambda lib, x, y, i: lib.topk(x, 2),
    "nonzero": lambda lib, x, y, i: lib.nonzero(i), "relu": lambda lib, x, y, i: lib.relu(x - 1.5),
    "flatten": lambda lib, x, y, i: lib.flatten(x), "reshape": lambda lib, x, y, i: lib.reshape(x, (4, 3)),
    "squeeze": lambda lib, x, y, i: lib.squeeze(x[None]), "unsqueeze": lambda lib, x, y, i: lib.unsqueeze(x, 1),
    "transpose": lambda lib, x, y, i: lib.transpose(x, 0, 1), "permute": lambda lib, x, y, i: lib.permute(x, (1, 0)),
    "t": lambda lib, x, y, i: lib.t(x), "narrow": lambda lib, x, y, i: lib.narrow(x, 1, 1, 2),
    "chunk": lambda lib, x, y, i: lib.chunk(x, 2, 1), "split": lambda lib, x, y, i: lib.split(x, [1, 2]),
    "unbind": lambda lib, x, y, i: lib.unbind(x, 1), "masked_fill": lambda lib, x, y, i: lib.masked_fill(x, x > 2, 0.0),
    "argsort": lambda lib, x, y, i: lib.argsort(y, descending=True), "clone": lambda lib, x, y, i: lib.clone(x),
    "numel": lambda lib, x, y, i: lib.numel(x), "is_floating_point": lambda lib, x, y, i: lib.is_floating_point(i),
    "isnan": lambda lib, x, y, i: lib.isnan(x), "isinf": lambda lib, x, y, i: lib.isinf(x / 0),
    "isfinite": lambda lib, x, y, i: lib.isfinite(x), "isclose": lambda lib, x, y, i: lib.isclose(x, y),
    "allclose": lambda lib, x, y, i: lib.allclose(x, x + 1e-9), "equal": lambda lib, x, y, i: lib.equal(x, y),
    "max": lambda lib, x, y, i: lib.max(x, 1), "min": lambda lib, x, y, i: lib.min(x, y),
    "norm": lambda lib, x, y, i: lib.norm(x, 1, dim=1), "std_mean": lambda lib, x, y, i: lib.std_mean(x, 0),
    "var_mean": lambda lib, x, y, i: lib.var_mean(x, dim=1, correction=0), "cat": lambda lib, x, y, i: lib.cat((x, y), 1),
    "concat": lambda lib, x, y, i: lib.concat([x, y]), "concatenate": lambda lib, x, y, i: lib.concatenate([x, y], -1),
    "stack": lambda lib, x, y, i: lib.stack([x, y], 2), "where": lambda lib, x, y, i: lib.where(x > y, x, 0.0),
    "any": lambda lib, x, y, i: lib.any(i, 1), "all": lambda lib, x, y, i: lib.all(x > 0.3),
    "is_tensor": lambda lib, x, y, i: lib.is_tensor(x), "is_nonzero": lambda lib, x, y, i: lib.is_nonzero(x[0, :1]),
}


def test_the_table_names_every_exported_function_and_each_exists_in_torch():
    assert sorted(CALLS) == sorted(tensor_functions.__all__)
    assert [name for name in tensor_functions.__all__ if not hasattr(torch, name)] == []
    assert all(getattr(mm, name) is getattr(tensor_functions, name) for name in tensor_functions.__all__)


def compare(ours, theirs, what):
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, (tuple, list)) and len(ours) == len(theirs), what
        for a, b in zip(ours, theirs):
            compare(a, b, what)
        return
    if not isinstance(theirs, torch.Tensor):
        assert type(ours) is type(theirs) and ours == theirs, what
        return
    assert isinstance(ours, mm.Tensor) and ours.dtype == theirs.numpy().dtype and ours.shape == theirs.shape, what
    np.testing.assert_allclose(ours.array, theirs.numpy(), rtol=1e-12, err_msg=what)  # float64: a rounding or two


@pytest.mark.parametrize("name", CALLS)
def test_function_matches_torch(name):
    call = CALLS[name]
    ours = call(mm, mm.tensor(X), mm.tensor(Y), mm.tensor(I))
    theirs = call(torch, torch.tensor(X), torch.tensor(Y), torch.tensor(I))
    compare(ours, theirs, name)


@pytest.mark.parametrize("name", [n for n in tensor_functions.__all__ if hasattr(torch.Tensor, n) and n != "where"])
def test_the_method_of_the_same_name_agrees_with_the_function(name):
    """torch.NAME(x, ...) == x.NAME(...): where the function forwards to a method, calling it as a method must work
    with the same arguments (checked on the calls whose first argument is x; x.where(condition, y) is
    torch.where(condition, x, y), another order, tested with where)."""
    call = CALLS[name]

    class AsMethod:
        """lib stand-in: lib.NAME(x, *args) becomes x.NAME(*args); everything else is the real lib."""

        def __init__(self, lib):
            self.lib = lib

        def __getattr__(self, attribute):
            if attribute != name:
                return getattr(self.lib, attribute)
            return lambda first, *args, **kwargs: getattr(first, name)(*args, **kwargs)

    x, y, i = mm.tensor(X), mm.tensor(Y), mm.tensor(I)
    try:
        as_method = call(AsMethod(mm), x, y, i)
    except AttributeError:  # the call's first argument is a number (torch.mul(2, x)): no method form
        return
    compare(as_method, call(torch, torch.tensor(X), torch.tensor(Y), torch.tensor(I)), name)


def test_functions_check_their_input_is_a_tensor_as_torch():
    for lib in (mm, torch):
        for call in (lambda: lib.exp(2.0), lambda: lib.maximum(1, lib.ones(2)), lambda: lib.matmul([1.0], lib.ones(1)),
                     lambda: lib.gather([[1.0]], 0, lib.tensor([[0]]))):
            with pytest.raises(TypeError):
                call()
    assert mm.sub(1, 2).tolist() == torch.sub(1, 2).tolist() == -1
    assert mm.add(1, mm.ones(2), alpha=2).tolist() == torch.add(1, torch.ones(2), alpha=2).tolist()


def test_add_and_sub_alpha_rules_follow_torch():
    for lib in (mm, torch):
        with pytest.raises(RuntimeError, match="alpha must not be a floating point"):
            lib.add(lib.tensor([1]), lib.tensor([2]), alpha=0.5)
        with pytest.raises(RuntimeError, match="Boolean alpha"):
            lib.add(lib.ones(2), lib.ones(2), alpha=True)
        with pytest.raises(NotImplementedError):
            lib.sub(lib.tensor([True]), lib.tensor([True]))
        x = lib.ones(3)
        assert x.add(x, alpha=3).tolist() == [4.0] * 3 and x.sub(1, alpha=2).tolist() == [-1.0] * 3


def test_keywords_by_name_work_as_in_torch():
    for lib in (mm, torch):
        x = lib.tensor(X)
        assert lib.add(input=x, other=x).tolist() == (2 * X).tolist()
        assert lib.sum(input=x, dim=0).tolist() == X.sum(0).tolist()
        assert x.mul(other=2).tolist() == (2 * X).tolist()
        assert lib.pow(x, exponent=2).tolist() == (X**2).tolist()
