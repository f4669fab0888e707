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

    folders        {checkpoint_dir, log_dir} of the run that wrote it (absolute; where a resumed run goes on)

Every reader goes through read_training_checkpoint, so a damaged or hand-edited file (a field missing, of the
wrong type or with a value no run could have written: see checkpoint_schema.py) stops with one
DamagedFileError naming the file and the field, before anything is loaded; a checkpoint of another model
stops with CheckpointMismatchError.
"""

import numpy as np

from ..storage.checkpoint_format import checkpoint_from_arrays, is_checkpoint, load_checkpoint, save_checkpoint
from ..storage.weights_file import DamagedFileError, Weights, read_npz, weights_from_arrays
from .checkpoint_schema import Invalid, check

KIND = "checkpoint"


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
    try:
        check(checkpoint)
    except Invalid as problem:
        raise DamagedFileError(path, kind, str(problem)) from None
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
    check_model_state(path, checkpoint["model"], backend.numpy_state(model), model_name,
                      checkpoint["settings"].get("model"))
    _check_optimizer_fits(path, checkpoint["optimizer"], optimizer)
    if (scheduler is None) != (checkpoint["scheduler"] is None):
        made = "with" if checkpoint["scheduler"] is not None else "without"
        raise CheckpointMismatchError(f"{path} was made {made} an LR scheduler; resume with the same --scheduler")
    if scheduler is not None:
        check_like(path, checkpoint["scheduler"], scheduler.state_dict(), "scheduler")
    check_like(path, checkpoint["rng"]["framework"], backend.rng_state(), "rng.framework")
    check_like(path, checkpoint["rng"]["loader"], train_loader.rng.bit_generator.state, "rng.loader")
    partial = checkpoint["partial"]
    if partial is not None and partial["steps"] >= len(train_loader):
        raise DamagedFileError(path, KIND, f"partial.steps should be below the {len(train_loader)} batches of an "
                                           f"epoch, got {partial['steps']}")

    loading = "the model"
    try:  # a last net under the checks above: whatever a loader still refuses names the file, in one line
        backend.load_numpy_state(model, checkpoint.pop("model"))
        loading = "the optimizer state"
        optimizer.load_state_dict(backend.from_numpy_tree(checkpoint.pop("optimizer")))
        loading = "the scheduler state"
        scheduler_state = checkpoint.pop("scheduler")
        if scheduler is not None:
            scheduler.load_state_dict(scheduler_state)
        loading = "the RNG states"
        rng = checkpoint.pop("rng")
        backend.set_rng_state(rng["framework"])
        train_loader.rng.bit_generator.state = rng["loader"]
    except Exception as error:
        raise DamagedFileError(path, KIND, f"{loading} does not load ({type(error).__name__}: {error})") from None
    return checkpoint


def _check_optimizer_fits(path, saved, optimizer):
    """The saved groups look like the optimizer's, and each parameter's buffers have its shape and a float dtype."""
    check_like(path, saved["param_groups"], optimizer.state_dict()["param_groups"], "optimizer.param_groups")
    shapes = [tuple(parameter.shape) for group in optimizer.param_groups for parameter in group["params"]]
    for key, state in saved["state"].items():
        for name, value in state.items():
            if isinstance(value, np.ndarray) and value.ndim and (key >= len(shapes) or value.shape != shapes[key]):
                raise DamagedFileError(path, KIND, f"optimizer.state[{key}].{name} should have its parameter's shape "
                                                   f"{shapes[key] if key < len(shapes) else '(none)'}, got "
                                                   f"{value.shape}")


def describe(state):
    """Where a run state stands: "epoch 2" or "epoch 3, step 57" (in the middle of epoch 3)."""
    partial = state.get("partial")
    return f"epoch {partial['epoch']}, step {partial['steps']}" if partial else f"epoch {state['epoch']}"


def describe_file(path):
    """describe() of the checkpoint at `path`, or None if it cannot be read."""
    try:
        return describe(load_checkpoint(path))
    except Exception:  # a message is being built: a damaged file only means less to say
        return None


def wrong_model_message(path, saved_model):
    return f"{path} holds a {saved_model} model; pass --model {saved_model}"


def check_model_state(path, found, expected, model_name, saved_model=None, kind=KIND):
    """`found` (a file's weights) must hold exactly the arrays of `expected` (a fresh model's state), with the same
    shapes and dtypes; else CheckpointMismatchError (another model) or DamagedFileError, in one line."""
    problems = []
    missing = [name for name in expected if name not in found]
    unexpected = [name for name in found if name not in expected]
    if missing:
        problems.append(f"missing {_listed(missing)}")
    if unexpected:
        problems.append(f"unexpected {_listed(unexpected)}")
    shapes = [f"{name} {found[name].shape} (model: {tuple(np.shape(expected[name]))})" for name in expected
              if name in found and found[name].shape != tuple(np.shape(expected[name]))]
    if shapes:
        problems.append(f"other shapes: {_listed(shapes)}")
    if problems:
        if saved_model is None:  # a file that does not say which model it holds: it may be another's
            raise CheckpointMismatchError(f"{path} does not fit the {model_name} model: {'; '.join(problems)}")
        if saved_model != model_name:
            raise CheckpointMismatchError(wrong_model_message(path, saved_model))
        raise DamagedFileError(path, kind, f"it names the {model_name} model, but its weights do not fit it: "
                                           f"{'; '.join(problems)}")
    for name, value in expected.items():
        dtype = np.asarray(value).dtype  # engine Tensors and the reference's NumPy copies alike
        if found[name].dtype != dtype:
            raise DamagedFileError(path, kind, f"model[{name!r}] should be a {dtype} array, got {found[name].dtype}")
        if dtype.kind == "f" and not np.isfinite(found[name]).all():
            raise DamagedFileError(path, kind, f"model[{name!r}] holds NaN or infinity")


def _listed(names, most=6):
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(names[:most]) + more


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


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
    elif _is_number(expected) and not _is_number(found):
        raise DamagedFileError(path, KIND, f"{where} should be a number, got {found!r:.60}")
    elif isinstance(expected, str) and not isinstance(found, str):
        raise DamagedFileError(path, KIND, f"{where} should be a string, got {found!r:.60}")
