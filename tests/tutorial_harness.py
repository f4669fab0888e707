"""Runs a tutorial program written once for PyTorch in both frameworks: as written, and after the import rule.

The programs (tests/tutorials/*.py) are ordinary tutorial code; the harness gives them a few globals so both runs
start alike: DATA_ROOT, SUBSET (how many training images), initial_state(model, torch) (the same starting
weights for both frameworks, from a seeded NumPy generator) and RESULTS (a dict each run fills with what it
measured: losses, accuracies, ...).
"""

import zlib
from pathlib import Path

import numpy as np

from import_rule import to_engine

PROGRAMS = Path(__file__).resolve().parent / "tutorials"


def initial_state(model, torch):
    """Seeded weights for every parameter (by name); the running statistics as a fresh model has them."""
    state = {}
    for name, value in model.state_dict().items():
        if name.endswith(("running_mean", "running_var", "num_batches_tracked")):  # buffers: as they start
            state[name] = torch.from_numpy(np.array(value.numpy()))
            continue
        rng = np.random.default_rng(zlib.crc32(name.encode()))
        fan_in = int(np.prod(value.shape[1:])) if len(value.shape) > 1 else int(value.shape[0])
        bound = 1.0 / np.sqrt(max(fan_in, 1))
        array = rng.uniform(-bound, bound, size=tuple(value.shape)).astype(np.float32)
        if name.endswith("weight") and len(value.shape) == 1:  # a batch norm scale
            array = np.ones(tuple(value.shape), dtype=np.float32)
        state[name] = torch.from_numpy(array)
    return state


def run(program, framework, **settings):
    """Execute tests/tutorials/<program> under `framework` ("torch" or "engine"); returns its RESULTS dict."""
    source = (PROGRAMS / program).read_text()
    if framework == "engine":
        source = to_engine(source)
    results = {}
    namespace = {"__name__": "tutorial", "RESULTS": results, "initial_state": initial_state, **settings}
    exec(compile(source, f"{program} ({framework})", "exec"), namespace)
    return results
