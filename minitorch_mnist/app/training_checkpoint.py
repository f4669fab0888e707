"""The training checkpoint (last.npz) that fit() writes: its fields, the checks a file passes before a run
continues from it, and the restore itself.

    epoch          epochs completed
    partial        None, or the epoch an interrupted run stopped in: {epoch, steps, loss_sum, samples,
                   loader_rng (the loader's RNG state when that epoch began, so its batch order is drawn again),
                   seconds}
    history        one dict of metrics per completed epoch
    best_accuracy, best_epoch
    settings       what the run was started with (model, dataset, optimizer, lr, batch_size, ...)
    model, optimizer, scheduler   their state_dicts (arrays as NumPy; scheduler None when there is none)
    rng            {"framework": its generator's state, "loader": the training loader's}

Every reader goes through read_training_checkpoint, so a damaged or hand-edited file (a field missing or of
the wrong type, an lr that is a string) stops with one DamagedFileError naming the file and the field, before
anything is loaded; a checkpoint of another model stops with CheckpointMismatchError.
"""

import numpy as np

from ..storage.checkpoint_format import checkpoint_from_arrays, is_checkpoint, load_checkpoint, save_checkpoint
from ..storage.weights_file import DamagedFileError, Weights, read_npz, weights_from_arrays

KIND = "checkpoint"
NUMBER = "number"
FIELDS = {"epoch": int, "history": list, "best_accuracy": NUMBER, "best_epoch": int, "model": dict,
          "optimizer": dict, "scheduler": (dict, type(None)), "rng": dict}
OPTIONAL_FIELDS = {"partial": (dict, type(None)), "settings": dict}  # absent from checkpoints of older versions
PARTIAL_FIELDS = {"epoch": int, "steps": int, "loss_sum": NUMBER, "samples": int, "loader_rng": dict,
                  "seconds": NUMBER}


class CheckpointMismatchError(ValueError):
    """A sound checkpoint that does not fit this run (another model, another scheduler)."""

    exit_code = 2


def new_run_state(settings=None):
    """The state of a run that has trained nothing yet (what a checkpoint holds besides model/optimizer/rng)."""
    return dict(epoch=0, partial=None, history=[], best_accuracy=-1.0, best_epoch=0, settings=dict(settings or {}))


def save_training_checkpoint(path, state, model, optimizer, scheduler, train_loader, backend):
    return save_checkpoint(path, dict(
        state,
        model=backend.numpy_state(model),
        optimizer=backend.to_numpy_tree(optimizer.state_dict()),
        scheduler=scheduler.state_dict() if scheduler is not None else None,
        rng=dict(framework=backend.rng_state(), loader=train_loader.rng.bit_generator.state),
    ))


def read_training_checkpoint(path, kind=KIND):
    """A checkpoint written by fit(), its fields checked (DamagedFileError names the first that is wrong)."""
    return _checked(path, load_checkpoint(path, kind), kind)


def _checked(path, checkpoint, kind=KIND):
    _check_fields(path, kind, checkpoint, FIELDS, "", required=True)
    _check_fields(path, kind, checkpoint, OPTIONAL_FIELDS, "", required=False)
    if checkpoint.get("partial") is not None:
        _check_fields(path, kind, checkpoint["partial"], PARTIAL_FIELDS, "partial.", required=True)
    for name, array in checkpoint["model"].items():
        if not isinstance(array, np.ndarray):
            raise DamagedFileError(path, kind, f"model entry {name!r} is not an array")
    for name in ("state", "param_groups"):
        if name not in checkpoint["optimizer"]:
            raise DamagedFileError(path, kind, f"the optimizer state lacks {name!r}")
    for name in ("framework", "loader"):
        if name not in checkpoint["rng"]:
            raise DamagedFileError(path, kind, f"the RNG state lacks {name!r}")
    checkpoint.setdefault("partial", None)
    checkpoint.setdefault("settings", {})
    return checkpoint


def weights_in(path):
    """Weights(model, dataset, state) from a weights file or from a training checkpoint (its model)."""
    kind = "weights or checkpoint file"
    arrays = read_npz(path, kind)
    if not is_checkpoint(arrays):
        return weights_from_arrays(path, arrays, kind)
    checkpoint = _checked(path, checkpoint_from_arrays(path, arrays, kind), kind)
    model = checkpoint["settings"].get("model")
    if model is None:
        raise DamagedFileError(path, kind, "the checkpoint does not name its model (written by an older version)")
    return Weights(model, checkpoint["settings"].get("dataset", "mnist"), checkpoint["model"])


def restore_training(path, model, optimizer, scheduler, train_loader, backend, model_name="model"):
    """Load a checkpoint into the run's objects, after checking that it fits them; returns the run state."""
    checkpoint = read_training_checkpoint(path)
    _check_model(path, checkpoint, backend.numpy_state(model), model_name)
    check_like(path, checkpoint["optimizer"]["param_groups"], optimizer.state_dict()["param_groups"],
               "optimizer.param_groups")
    if (scheduler is None) != (checkpoint["scheduler"] is None):
        made = "with" if checkpoint["scheduler"] is not None else "without"
        raise CheckpointMismatchError(f"{path} was made {made} an LR scheduler; resume with the same --scheduler")
    if scheduler is not None:
        check_like(path, checkpoint["scheduler"], scheduler.state_dict(), "scheduler")
    check_like(path, checkpoint["rng"]["framework"], backend.rng_state(), "rng.framework")
    check_like(path, checkpoint["rng"]["loader"], train_loader.rng.bit_generator.state, "rng.loader")

    backend.load_numpy_state(model, checkpoint.pop("model"))
    optimizer.load_state_dict(backend.from_numpy_tree(checkpoint.pop("optimizer")))
    scheduler_state = checkpoint.pop("scheduler")
    if scheduler is not None:
        scheduler.load_state_dict(scheduler_state)
    rng = checkpoint.pop("rng")
    backend.set_rng_state(rng["framework"])
    train_loader.rng.bit_generator.state = rng["loader"]
    return checkpoint


def describe(state):
    """Where a run state stands: "epoch 2" or "epoch 3, step 57" (in the middle of epoch 3)."""
    partial = state.get("partial")
    return f"epoch {partial['epoch']}, step {partial['steps']}" if partial else f"epoch {state['epoch']}"


def wrong_model_message(path, saved_model):
    return f"{path} holds a {saved_model} model; pass --model {saved_model}"


def _check_model(path, checkpoint, expected, model_name):
    found = checkpoint["model"]
    problems = []
    missing = [name for name in expected if name not in found]
    unexpected = [name for name in found if name not in expected]
    if missing:
        problems.append(f"missing {_listed(missing)}")
    if unexpected:
        problems.append(f"unexpected {_listed(unexpected)}")
    shapes = [f"{name} {found[name].shape} (model: {np.shape(expected[name])})" for name in expected
              if name in found and found[name].shape != np.shape(expected[name])]
    if shapes:
        problems.append(f"other shapes: {_listed(shapes)}")
    if not problems:
        return
    saved_model = checkpoint["settings"].get("model")
    if saved_model is not None and saved_model != model_name:
        raise CheckpointMismatchError(wrong_model_message(path, saved_model))
    raise CheckpointMismatchError(f"{path} does not fit the {model_name} model: {'; '.join(problems)}")


def _listed(names, most=6):
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(names[:most]) + more


def _check_fields(path, kind, record, fields, prefix, required):
    for name, expected in fields.items():
        if name not in record:
            if required:
                raise DamagedFileError(path, kind, f"field {prefix + name!r} is missing")
            continue
        if not _is(record[name], expected):
            wanted = "a number" if expected == NUMBER else " or ".join(
                "null" if t is type(None) else t.__name__ for t in (expected if isinstance(expected, tuple)
                                                                     else (expected,)))
            raise DamagedFileError(path, kind, f"field {prefix + name!r} should be {wanted}, got {record[name]!r:.60}")


def _is(value, expected):
    if expected == NUMBER:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def check_like(path, found, expected, where):
    """`found` must be shaped like `expected` (a fresh object's state) where both have a value: numbers and
    strings stay so, dicts dicts, lists lists of the same length. Keys missing in `found` are left to the loader."""
    if isinstance(expected, dict):
        if not isinstance(found, dict):
            raise DamagedFileError(path, KIND, f"{where} should be a mapping, got {found!r:.60}")
        for key, value in expected.items():
            if key in found:
                check_like(path, found[key], value, f"{where}.{key}")
    elif isinstance(expected, (list, tuple)):
        if not isinstance(found, (list, tuple)) or len(found) != len(expected):
            raise DamagedFileError(path, KIND, f"{where} should be a list of {len(expected)}, got {found!r:.60}")
        for index, (item, value) in enumerate(zip(found, expected)):
            check_like(path, item, value, f"{where}[{index}]")
    elif _is(expected, NUMBER) and not _is(found, NUMBER):
        raise DamagedFileError(path, KIND, f"{where} should be a number, got {found!r:.60}")
    elif isinstance(expected, str) and not isinstance(found, str):
        raise DamagedFileError(path, KIND, f"{where} should be a string, got {found!r:.60}")
