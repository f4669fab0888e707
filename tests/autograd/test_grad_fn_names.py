"""grad_fn prints as PyTorch's: each op records a node of PyTorch's class name (MulBackward0, AddmmBackward0, ...),
and next_functions lists what PyTorch's node lists, so the graph walks of the tutorials print the same names.

Each case builds the same call in both frameworks from the same arrays and compares type(t.grad_fn).__name__
and the names in t.grad_fn.next_functions. Where the engine's op is coarser than PyTorch's (one node where
PyTorch records two), the engine's node takes the name of the node PyTorch exposes as t.grad_fn, and the
case sets deep=False: only the top name is compared (the list below each such case says why).
"""

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as torch_F

import minitorch_mnist as mm
import minitorch_mnist.nn.functional as mm_F

ARRAYS = {  # name -> (shape, requires_grad)
    "x": ((3, 4), True), "y": ((3, 4), True), "v": ((4,), True), "m": ((4, 5), True), "b3": ((2, 3, 4), True),
    "c3": ((2, 4, 5), True), "img": ((2, 3, 6, 6), True), "kernel": ((4, 3, 3, 3), True), "w": ((5, 4), True),
    "bias": ((5,), True), "gamma": ((3,), True), "beta": ((3,), True), "data": ((3, 4), False),
    "probs": ((3, 4), False), "x64": ((3, 4), True),
}
LABELS = np.array([0, 1, 2])


def inputs(lib, rng_seed=0):
    """The same random arrays as `lib` tensors (torch or the engine); x64 is float64, the others float32."""
    rng = np.random.default_rng(rng_seed)
    made = {}
    for name, (shape, requires_grad) in ARRAYS.items():
        array = rng.standard_normal(shape).astype(np.float64 if name == "x64" else np.float32)
        if name in ("x", "y"):  # positive, so that log, sqrt and x ** y have values
            array = np.abs(array) + np.float32(0.5)
        if name == "probs":
            array = (1 / (1 + np.exp(-array))).astype(np.float32)
        made[name] = lib.tensor(array, requires_grad=requires_grad)
    made["labels"] = lib.tensor(LABELS)
    return made


# (name, call(lib, F, t), deep): deep=True also compares the names in next_functions
CASES = [
    ("add", lambda lib, F, t: t["x"] + t["y"], True),
    ("add number", lambda lib, F, t: t["x"] + 1, True),
    ("radd number", lambda lib, F, t: 1 + t["x"], True),
    ("sub", lambda lib, F, t: t["x"] - t["y"], True),
    ("sub number", lambda lib, F, t: t["x"] - 1, True),
    ("rsub number", lambda lib, F, t: 1 - t["x"], True),
    ("mul", lambda lib, F, t: t["x"] * t["y"], True),
    ("mul number", lambda lib, F, t: t["x"] * 2, True),
    ("rmul number", lambda lib, F, t: 2 * t["x"], True),
    ("mul promoted", lambda lib, F, t: t["x"] * t["x64"], True),
    ("div", lambda lib, F, t: t["x"] / t["y"], True),
    ("div number", lambda lib, F, t: t["x"] / 2, True),
    ("rdiv number", lambda lib, F, t: 2 / t["x"], True),
    ("pow number", lambda lib, F, t: t["x"] ** 2, True),
    ("pow tensor", lambda lib, F, t: t["x"] ** t["y"], True),
    ("rpow number", lambda lib, F, t: 2 ** t["x"], True),
    ("neg", lambda lib, F, t: -t["x"], True),
    ("exp", lambda lib, F, t: t["x"].exp(), True),
    ("log", lambda lib, F, t: t["x"].log(), True),
    ("abs", lambda lib, F, t: t["x"].abs(), True),
    ("sqrt", lambda lib, F, t: t["x"].sqrt(), True),
    ("round", lambda lib, F, t: t["x"].round(), True),
    ("round decimals", lambda lib, F, t: t["x"].round(decimals=0), True),
    ("clamp numbers", lambda lib, F, t: t["x"].clamp(-1, 1), True),
    ("clamp min", lambda lib, F, t: t["x"].clamp(min=0), True),
    ("clamp tensor", lambda lib, F, t: t["x"].clamp(min=t["y"]), True),
    ("where", lambda lib, F, t: lib.where(t["data"] > 0, t["x"], t["y"]), True),
    ("where number", lambda lib, F, t: lib.where(t["data"] > 0, t["x"], 0.0), True),
    ("maximum", lambda lib, F, t: lib.maximum(t["x"], t["y"]), True),
    ("minimum", lambda lib, F, t: lib.minimum(t["x"], t["y"]), True),
    ("to float64", lambda lib, F, t: t["x"].to(lib.float64), True),
    ("double", lambda lib, F, t: t["x"].double(), True),
    ("half", lambda lib, F, t: t["x"].half(), True),
    ("clone", lambda lib, F, t: t["x"].clone(), True),
    ("contiguous of a transpose", lambda lib, F, t: t["x"].t().contiguous(), True),
    ("relu", lambda lib, F, t: t["x"].relu(), True),
    ("F.relu", lambda lib, F, t: F.relu(t["x"]), True),
    ("sigmoid", lambda lib, F, t: t["x"].sigmoid(), True),
    ("tanh", lambda lib, F, t: t["x"].tanh(), True),
    ("softmax", lambda lib, F, t: t["x"].softmax(1), True),
    ("log_softmax", lambda lib, F, t: t["x"].log_softmax(1), True),
    ("softmax dtype", lambda lib, F, t: F.softmax(t["x"], 1, dtype=lib.float64), True),
    ("sum", lambda lib, F, t: t["x"].sum(), True),
    ("sum dim", lambda lib, F, t: t["x"].sum(1), True),
    ("sum dtype", lambda lib, F, t: t["x"].sum(dtype=lib.float64), True),
    ("mean", lambda lib, F, t: t["x"].mean(), True),
    ("mean dim", lambda lib, F, t: t["x"].mean(1), True),
    ("max", lambda lib, F, t: t["x"].max(), True),
    ("max dim", lambda lib, F, t: t["x"].max(1).values, True),
    ("min", lambda lib, F, t: t["x"].min(), True),
    ("min dim", lambda lib, F, t: t["x"].min(1)[0], True),
    ("mm", lambda lib, F, t: t["x"] @ t["m"], True),
    ("dot", lambda lib, F, t: t["v"] @ t["v"], True),
    ("mv", lambda lib, F, t: t["x"] @ t["v"], True),
    # PyTorch views a vector, or batch dims, around mm/bmm: the engine's one node takes the top name
    ("vector @ matrix", lambda lib, F, t: t["v"] @ t["m"], False),
    ("batch @ matrix", lambda lib, F, t: t["b3"] @ t["m"], False),
    ("batch @ batch", lambda lib, F, t: t["b3"] @ t["c3"], False),
    ("matrix @ batch", lambda lib, F, t: t["m"].t() @ t["c3"], False),
    ("linear", lambda lib, F, t: F.linear(t["x"], t["w"], t["bias"]), True),
    ("linear without bias", lambda lib, F, t: F.linear(t["x"], t["w"]), True),
    ("linear, weight needs no grad", lambda lib, F, t: F.linear(t["x"], t["w"].detach(), t["bias"].detach()), True),
    ("linear of a batch of sequences", lambda lib, F, t: F.linear(t["b3"], t["w"], t["bias"]), False),
    ("linear of a vector", lambda lib, F, t: F.linear(t["v"], t["w"]), False),
    ("view", lambda lib, F, t: t["x"].view(12), True),
    ("reshape", lambda lib, F, t: t["x"].reshape(2, 6), True),
    ("reshape needing a copy", lambda lib, F, t: t["x"].t().reshape(12), False),  # PyTorch: clone, then view
    ("flatten", lambda lib, F, t: t["b3"].flatten(1), True),
    ("flatten of one dim is the tensor itself", lambda lib, F, t: t["x"].flatten(1) * 1, True),
    ("unsqueeze", lambda lib, F, t: t["x"].unsqueeze(0), True),
    ("squeeze", lambda lib, F, t: t["x"].unsqueeze(0).squeeze(), True),
    ("squeeze dim", lambda lib, F, t: t["x"].unsqueeze(0).squeeze(0), True),
    ("squeeze dims", lambda lib, F, t: t["x"].unsqueeze(0).squeeze((0,)), True),
    ("t", lambda lib, F, t: t["x"].t(), True),
    ("t of a vector", lambda lib, F, t: t["v"].t(), True),
    ("T", lambda lib, F, t: t["x"].T, True),
    ("transpose", lambda lib, F, t: t["x"].transpose(0, 1), True),
    ("permute", lambda lib, F, t: t["b3"].permute(2, 0, 1), True),
    ("select", lambda lib, F, t: t["x"][0], True),
    ("select negative", lambda lib, F, t: t["x"][-1], True),
    ("select column", lambda lib, F, t: t["x"][:, 1], True),
    ("slice", lambda lib, F, t: t["x"][1:3], True),
    ("slice whole", lambda lib, F, t: t["x"][:], True),
    ("slice columns", lambda lib, F, t: t["x"][:, 1:3], True),
    ("slices of the whole (alias)", lambda lib, F, t: t["x"][:, 0:4], True),
    ("ellipsis", lambda lib, F, t: t["x"][..., 1], True),
    ("new axis", lambda lib, F, t: t["x"][:, None], True),
    ("select twice", lambda lib, F, t: t["b3"][0, :, 1], False),  # PyTorch: a node per step
    ("slice then select", lambda lib, F, t: t["x"][1:3, 0], False),
    ("index list", lambda lib, F, t: t["x"][[0, 2]], True),
    ("index mask", lambda lib, F, t: t["x"][t["data"] > 0], True),
    ("index tensor", lambda lib, F, t: t["x"][lib.tensor([0, 1])], True),
    ("select then index", lambda lib, F, t: t["x"][0, [1, 2]], False),
    ("conv2d", lambda lib, F, t: F.conv2d(t["img"], t["kernel"]), True),
    ("max_pool2d", lambda lib, F, t: F.max_pool2d(t["img"], 2), True),
    ("avg_pool2d", lambda lib, F, t: F.avg_pool2d(t["img"], 2), True),
    ("batch_norm training", lambda lib, F, t: F.batch_norm(t["img"], lib.zeros(3), lib.ones(3), t["gamma"],
                                                           t["beta"], training=True), True),
    ("batch_norm eval", lambda lib, F, t: F.batch_norm(t["img"], lib.zeros(3), lib.ones(3), t["gamma"], t["beta"]),
     True),
    ("dropout", lambda lib, F, t: F.dropout(t["x"], 0.5, True), True),
    ("cat", lambda lib, F, t: lib.cat([t["x"], t["y"]]), True),
    ("cat promoted", lambda lib, F, t: lib.cat([t["x"], t["x64"]]), True),
    ("stack", lambda lib, F, t: lib.stack([t["x"], t["y"]]), True),
    ("nll_loss", lambda lib, F, t: F.nll_loss(t["x"].log_softmax(1), t["labels"]), True),
    ("nll_loss none", lambda lib, F, t: F.nll_loss(t["x"].log_softmax(1), t["labels"], reduction="none"), True),
    ("cross_entropy", lambda lib, F, t: F.cross_entropy(t["x"], t["labels"]), True),
    ("cross_entropy probabilities", lambda lib, F, t: F.cross_entropy(t["x"], t["probs"]), True),
    ("cross_entropy smoothed", lambda lib, F, t: F.cross_entropy(t["x"], t["labels"], label_smoothing=0.1), False),
    ("mse_loss", lambda lib, F, t: F.mse_loss(t["x"], t["data"]), True),
    ("mse_loss sum", lambda lib, F, t: F.mse_loss(t["x"], t["data"], reduction="sum"), True),
    ("mse_loss none", lambda lib, F, t: F.mse_loss(t["x"], t["data"], reduction="none"), True),
    ("binary_cross_entropy", lambda lib, F, t: F.binary_cross_entropy(t["x"].sigmoid(), t["probs"]), True),
    ("binary_cross_entropy weight", lambda lib, F, t: F.binary_cross_entropy(t["x"].sigmoid(), t["probs"],
                                                                             weight=t["probs"]), True),
    ("bce with logits", lambda lib, F, t: F.binary_cross_entropy_with_logits(t["x"], t["probs"]), True),
    ("bce with logits none", lambda lib, F, t: F.binary_cross_entropy_with_logits(t["x"], t["probs"],
                                                                                  reduction="none"), True),
]


def names(node):
    return [None if child is None else type(child).__name__ for child, _ in node.next_functions]


@pytest.mark.parametrize("name, call, deep", CASES, ids=[case[0] for case in CASES])
def test_grad_fn_is_named_as_in_pytorch(name, call, deep):
    theirs = call(torch, torch_F, inputs(torch))
    ours = call(mm, mm_F, inputs(mm))
    assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__
    assert ours.grad_fn.name() == theirs.grad_fn.name()
    if deep:
        assert names(ours.grad_fn) == names(theirs.grad_fn)
        assert all(index == 0 for _, index in ours.grad_fn.next_functions)


def _without_addresses(text):
    return re.sub(r"0x[0-9a-f]+", "0x...", text)


def test_grad_fn_prints_as_in_pytorch():
    theirs = inputs(torch)["x"] * 2
    ours = inputs(mm)["x"] * 2
    assert _without_addresses(repr(ours.grad_fn)) == _without_addresses(repr(theirs.grad_fn)) \
        == "<MulBackward0 object at 0x...>"
    assert _without_addresses(str(ours.grad_fn.next_functions)) == \
        _without_addresses(str(theirs.grad_fn.next_functions))


def test_accumulate_grad_holds_the_leaf_and_is_the_same_object_each_walk():
    t = inputs(mm)
    out = t["x"] * t["y"]
    accumulate = out.grad_fn.next_functions[0][0]
    assert type(accumulate).__name__ == "AccumulateGrad" and accumulate.name() == "AccumulateGrad"
    assert accumulate.variable is t["x"] and accumulate.next_functions == ()
    assert (t["x"] + 1).grad_fn.next_functions[0][0] is accumulate


def test_calls_that_change_nothing_return_the_tensor_itself_as_in_pytorch():
    for lib, F in ((torch, torch_F), (mm, mm_F)):
        x = inputs(lib)["x"]
        assert F.dropout(x, 0.0, True) is x and F.dropout(x, 0.5, False) is x and x.flatten(1) is x
        assert x.float() is x and x.grad_fn is None


def test_functions_of_tensors_that_need_no_gradient_are_none():
    assert (mm.ones(2) * 2).grad_fn is None
    with mm.no_grad():
        assert (inputs(mm)["x"] * 2).grad_fn is None


def _blitz_net(lib):
    """The network of the 60-minute Blitz ("Neural Networks"), written once for both frameworks."""
    nn, F = lib.nn, lib.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1, self.conv2 = nn.Conv2d(1, 6, 5), nn.Conv2d(6, 16, 5)
            self.fc1, self.fc2, self.fc3 = nn.Linear(16 * 5 * 5, 120), nn.Linear(120, 84), nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = lib.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    return Net()


def _walk(node, depth=0, seen=None):
    """Every node below `node` (depth first, in next_functions order) as 'depth name' lines."""
    lines = [f"{depth} {type(node).__name__}"]
    for child, _ in node.next_functions:
        if child is not None:
            lines += _walk(child, depth + 1)
    return lines


def test_the_blitz_graph_walk_prints_pytorch_names():
    rng = np.random.default_rng(0)
    image, target = rng.standard_normal((1, 1, 32, 32)).astype(np.float32), rng.standard_normal((1, 10))
    walks = []
    for lib in (torch, mm):
        net = _blitz_net(lib)
        loss = lib.nn.MSELoss()(net(lib.tensor(image)), lib.tensor(target.astype(np.float32)))
        # the tutorial's three prints
        first = loss.grad_fn.next_functions[0][0]
        walks.append(([type(loss.grad_fn).__name__, type(first).__name__,
                       type(first.next_functions[0][0]).__name__], _walk(loss.grad_fn)))
    (ours_prints, ours_walk), (theirs_prints, theirs_walk) = walks[1], walks[0]
    assert ours_prints == theirs_prints == ["MseLossBackward0", "AddmmBackward0", "AccumulateGrad"]
    assert ours_walk == theirs_walk
