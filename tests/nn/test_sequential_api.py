"""nn.Sequential's list API as torch's: slices are Sequentials that keep the names, del/insert/pop renumber,
append/extend/+ add at the end, and indexing raises what torch raises."""

from collections import OrderedDict

import torch

import minitorch_mnist as mm
from parity import outcome


def layers(m):
    return m.nn.Sequential(m.nn.Linear(3, 4), m.nn.ReLU(), m.nn.Linear(4, 2), m.nn.Tanh())


def state(sequential):
    """What a test compares: the type, the names, and the printed modules."""
    return type(sequential).__name__, list(sequential._modules), repr(sequential)


def test_slicing_gives_a_sequential_with_the_original_names_that_runs(rng):
    for index in [slice(1, None), slice(None, 2), slice(None, None, 2), slice(-2, None), slice(5, 9)]:
        assert state(layers(mm)[index]) == state(layers(torch)[index])
    named = [m.nn.Sequential(OrderedDict(first=m.nn.ReLU(), second=m.nn.Tanh(), third=m.nn.Sigmoid()))
             for m in (mm, torch)]
    assert state(named[0][1:]) == state(named[1][1:])
    model = layers(mm)
    x = mm.tensor(rng.standard_normal((2, 3)))
    model.double()
    np_out = model[2:](model[:2](x)).array
    assert (np_out == model(x).array).all()  # running the two halves is running the whole


def test_edits_renumber_as_torch():
    def edits(m):
        results = []
        sequential = layers(m)
        del sequential[1]
        results.append(state(sequential))
        sequential.append(m.nn.Sigmoid())
        sequential.insert(1, m.nn.Identity())
        sequential.insert(-1, m.nn.ReLU())
        results.append(state(sequential))
        sequential.extend([m.nn.Softmax(dim=1), m.nn.Identity()])
        results.append(state(sequential))
        results.append(repr(sequential.pop(0)))
        results.append(state(sequential))
        del sequential[1:3]
        results.append(state(sequential))
        named = m.nn.Sequential(OrderedDict(a=m.nn.ReLU(), b=m.nn.Tanh()))
        del named[0]
        results.append(state(named))
        combined = layers(m) + layers(m)
        results.append(state(combined))
        grown = layers(m)
        grown += layers(m)
        results.append(state(grown))
        return results
    assert edits(mm) == edits(torch)


def test_indexing_errors_are_torch_types():
    def attempts(m):
        sequential = layers(m)
        return [outcome(lambda: sequential[4]), outcome(lambda: sequential[-5]), outcome(lambda: sequential["a"]),
                repr(sequential[-1]), len(sequential), outcome(lambda: sequential + m.nn.ReLU()),
                outcome(lambda: sequential.insert(9, m.nn.ReLU())), outcome(lambda: sequential.insert(0, 3)),
                outcome(lambda: m.nn.Sequential(3)), outcome(lambda: sequential.append(3)),
                [type(layer).__name__ for layer in sequential]]
    assert attempts(mm) == attempts(torch)
