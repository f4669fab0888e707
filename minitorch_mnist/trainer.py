"""fit(): epochs of training with evaluation, LR scheduling, early stopping, checkpoints and resume.

After every epoch the model is evaluated (on a validation split, or on the test set when there is
none); ReduceLROnPlateau steps on that loss, other schedulers once per epoch. The best model by
evaluation accuracy is kept as weights (best_model.npz), and a full checkpoint (last.npz: epoch,
model, optimizer, scheduler, every RNG state, metrics) is written atomically, so `resume=` continues
exactly where the run stood: an interrupted run, resumed, ends with the same weights as one that was
never interrupted.
"""

import time
from pathlib import Path

import numpy as np

from .checkpoint import load_checkpoint, save_checkpoint
from .monitor import MetricsLog, format_gradient_stats, gradient_stats, plot_curves, plot_samples, to_numpy
from .serialization import save_weights
from .train import EngineBackend, NonFiniteLossError, evaluate, train_one_epoch


def fit(model, optimizer, train_loader, eval_loader, epochs, backend=EngineBackend, *, model_name="model",
        eval_set="test", scheduler=None, patience=None, checkpoint_dir=None, resume=None, log_dir=None,
        show_grad_stats=False, class_names=None, progress=True, log=print):
    """Train for up to `epochs` epochs; returns the history (one dict of metrics per epoch).

    patience: stop after this many epochs without a better evaluation accuracy (None: never).
    checkpoint_dir: where last.npz and best_model.npz go. resume: a last.npz to continue from.
    log_dir: metrics files, plots and TensorBoard events (see monitor.py).
    """
    state = dict(epoch=0, history=[], best_accuracy=-1.0, best_epoch=0)
    if resume is not None:
        state = _restore(resume, model, optimizer, scheduler, train_loader, backend)
        log(f"resumed from {resume} after epoch {state['epoch']}")
    metrics = MetricsLog(log_dir, resume_after_epoch=state["epoch"] if resume else None) if log_dir else None
    checkpoint_dir = Path(checkpoint_dir) if checkpoint_dir else None
    steps_per_epoch = len(train_loader)

    for epoch in range(state["epoch"] + 1, epochs + 1):
        if patience is not None and epoch - state["best_epoch"] > patience:
            log(f"early stopping: no better {eval_set} accuracy for {patience} epoch(s) "
                f"(best {state['best_accuracy']:.2f}% at epoch {state['best_epoch']})")
            break
        start = time.perf_counter()

        def on_step(step, loss):
            if metrics is not None:
                metrics.log_step(epoch, (epoch - 1) * steps_per_epoch + step, loss, optimizer.param_groups[0]["lr"])

        try:
            train_loss = train_one_epoch(model, optimizer, train_loader, backend, epoch, progress, on_step)
        except NonFiniteLossError as error:
            kept = checkpoint_dir / "last.npz" if checkpoint_dir and state["epoch"] else None
            raise NonFiniteLossError(f"{error}; stopped. Last good checkpoint: "
                                     f"{kept if kept else 'none written'}") from None
        seconds = time.perf_counter() - start
        grads = gradient_stats(model.named_parameters())
        eval_loss, eval_accuracy = evaluate(model, eval_loader, backend)
        row = dict(epoch=epoch, train_loss=train_loss, eval_loss=eval_loss, eval_accuracy=eval_accuracy,
                   eval_set=eval_set, lr=optimizer.param_groups[0]["lr"], seconds=seconds)
        _step_scheduler(scheduler, eval_loss)
        state["history"].append(row)
        state["epoch"] = epoch
        log(f"epoch {epoch}: train loss {train_loss:.4f} | {eval_set} loss {eval_loss:.4f}, "
            f"{eval_set} accuracy {eval_accuracy:.2f}% | lr {row['lr']:.3g} | {seconds:.1f} s")
        if show_grad_stats:
            log(format_gradient_stats(grads))
        if metrics is not None:
            metrics.log_epoch(row, grads)
        if eval_accuracy > state["best_accuracy"]:
            state["best_accuracy"], state["best_epoch"] = eval_accuracy, epoch
            if checkpoint_dir:
                save_weights(checkpoint_dir / "best_model.npz", backend.numpy_state(model), model_name)
        if checkpoint_dir:
            _save(checkpoint_dir / "last.npz", state, model, optimizer, scheduler, train_loader, backend)

    if metrics is not None:
        metrics.close()
        if state["history"]:
            plot_curves(state["history"], metrics.dir / "curves.png")
            _plot_predictions(model, eval_loader, backend, metrics.dir / "samples.png", class_names)
    return state["history"]


def _step_scheduler(scheduler, eval_loss):
    if scheduler is None:
        return
    if type(scheduler).__name__ == "ReduceLROnPlateau":  # by name: the engine's and torch's class alike
        scheduler.step(eval_loss)
    else:
        scheduler.step()


def _save(path, state, model, optimizer, scheduler, train_loader, backend):
    save_checkpoint(path, dict(
        state,
        model=backend.numpy_state(model),
        optimizer=backend.to_numpy_tree(optimizer.state_dict()),
        scheduler=scheduler.state_dict() if scheduler is not None else None,
        rng=dict(framework=backend.rng_state(), loader=train_loader.rng.bit_generator.state),
    ))


def _restore(path, model, optimizer, scheduler, train_loader, backend):
    checkpoint = load_checkpoint(path)
    backend.load_numpy_state(model, checkpoint.pop("model"))
    optimizer.load_state_dict(backend.from_numpy_tree(checkpoint.pop("optimizer")))
    scheduler_state = checkpoint.pop("scheduler")
    if (scheduler is None) != (scheduler_state is None):
        raise ValueError(f"{path}: the checkpoint was made {'with' if scheduler_state else 'without'} an LR "
                         f"scheduler; resume with the same --scheduler")
    if scheduler is not None:
        scheduler.load_state_dict(scheduler_state)
    rng = checkpoint.pop("rng")
    backend.set_rng_state(rng["framework"])
    train_loader.rng.bit_generator.state = rng["loader"]
    return checkpoint


def _plot_predictions(model, loader, backend, path, class_names, count=32):
    """The first `count` evaluation images with the model's predictions (image data only)."""
    images, labels = next(iter(loader))
    if images.ndim != 4:
        return
    x, y = backend.batch(images, labels)
    model.eval()
    with backend.no_grad():
        predictions = model(x[:count]).argmax(1)
    plot_samples(images.array[:count], to_numpy(predictions), np.asarray(labels.array[:count]), path, class_names)
