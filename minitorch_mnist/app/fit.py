"""fit(): epochs of training with evaluation, LR scheduling, early stopping, checkpoints and resume.

After every epoch the model is evaluated (on a validation split, or on the test set when there is
none); ReduceLROnPlateau steps on that loss, other schedulers once per epoch. The best model by
evaluation accuracy is kept as weights (best_model.npz), and a full checkpoint (last.npz: epoch,
model, optimizer, scheduler, every RNG state, metrics; see training_checkpoint.py) is written atomically, so
`resume=` continues exactly where the run stood: an interrupted run, resumed, ends with the same weights
as one that was never interrupted.

A run holds the locks of its checkpoint and log folders (runlock.py) and first removes the temporary files
that killed writes left there. With overwrite=False it refuses folders that hold another run, with
overwrite=True it removes that run's files first (run_folders.py; None, the default for library callers,
writes over them). Ctrl-C or SIGTERM (interrupt.py) stops it after the current step, with a checkpoint of
that very step, and raises TrainingInterrupted naming it. The checkpoint of an epoch is written before its
logs: logging is best effort and never costs training state (monitor.py). Weights that stopped being finite
are never saved as good.
"""

import time
from pathlib import Path

import numpy as np

from ..storage.atomic import remove_leftovers
from ..storage.weights_file import save_weights
from .interrupt import StopRequests, TrainingInterrupted
from .loop import EngineBackend, EpochProgress, NonFiniteLossError, evaluate, train_one_epoch
from .monitor import (TENSORBOARD_MISSING, MetricsLog, format_gradient_stats, gradient_stats, plot_curves,
                      plot_samples, to_numpy)
from .run_folders import UNKNOWN, RunExistsError, clear, conflicts, refusal, resumed_folders
from .runlock import locked_folders
from .training_checkpoint import describe, new_run_state, restore_training, save_training_checkpoint


def fit(model, optimizer, train_loader, eval_loader, epochs, backend=EngineBackend, *, model_name="model",
        dataset="mnist", settings=None, eval_set="test", scheduler=None, patience=None, checkpoint_dir=None,
        resume=None, log_dir=None, show_grad_stats=False, class_names=None, progress=True, log=print,
        overwrite=None, files=None):
    """Train for up to `epochs` epochs; returns the history (one dict of metrics per epoch).

    patience: stop after this many epochs without a better evaluation accuracy (None: never).
    checkpoint_dir: where last.npz and best_model.npz go. resume: a last.npz to continue from.
    settings: what the run was started with (stored in the checkpoint, with model_name and dataset).
    log_dir: metrics files, plots and TensorBoard events (see monitor.py).
    overwrite: what to do with folders that already hold a run: None writes over them, False refuses
        (RunExistsError), True removes that run's files first.
    files: a dict that fit fills as it writes: "last" and "best" (paths), "logs" (the MetricsLog).
    """
    checkpoint_dir = Path(checkpoint_dir) if checkpoint_dir else None
    settings = dict(settings or {}, model=model_name, dataset=dataset)
    files = {} if files is None else files
    with locked_folders([checkpoint_dir, log_dir]), StopRequests() as stop:
        for folder in dict.fromkeys(folder for folder in (checkpoint_dir, log_dir) if folder):
            removed = remove_leftovers(folder)
            if removed:
                log(f"removed {len(removed)} temporary file(s) that an interrupted write left in {folder}")
        state = new_run_state(settings)
        resumed_log_dir = UNKNOWN
        if resume is not None:
            state = restore_training(resume, model, optimizer, scheduler, train_loader, backend, model_name)
            state["settings"] = settings
            resumed_log_dir = resumed_folders(resume, state.get("folders"))[1]
            log(f"resumed from {resume} at {describe(state)}")
        if overwrite is not None:
            found = conflicts(checkpoint_dir, log_dir, resume, resumed_log_dir)
            if found and not overwrite:
                raise RunExistsError(refusal(found, checkpoint_dir, resume))
            clear(found)
        state["folders"] = {"checkpoint_dir": str(checkpoint_dir.resolve()) if checkpoint_dir else None,
                            "log_dir": str(Path(log_dir).resolve()) if log_dir else None}
        metrics = MetricsLog(log_dir, _position(state, len(train_loader)) if resume else None) if log_dir else None
        files["logs"] = metrics
        if metrics is not None and metrics.tensorboard is None and not metrics.failed:
            log(TENSORBOARD_MISSING)
        run = _Run(model, optimizer, scheduler, train_loader, eval_loader, backend, state, checkpoint_dir, metrics,
                   stop, log, dict(model_name=model_name, dataset=dataset, eval_set=eval_set,
                                   show_grad_stats=show_grad_stats, progress=progress), files, resume)
        try:
            for epoch in range(state["epoch"] + 1, epochs + 1):
                if patience is not None and epoch - state["best_epoch"] > patience:
                    log(f"early stopping: no better {eval_set} accuracy for {patience} epoch(s) "
                        f"(best {state['best_accuracy']:.2f}% at epoch {state['best_epoch']})")
                    break
                run.train_epoch(epoch)
        finally:
            if metrics is not None:
                metrics.close()
        if metrics is not None and state["history"]:
            metrics.guard("curves.png", lambda: plot_curves(state["history"], metrics.dir / "curves.png"))
            metrics.guard("samples.png", lambda: _plot_predictions(model, eval_loader, backend,
                                                                   metrics.dir / "samples.png", class_names))
        if stop.requested:  # asked for after the last step (during the evaluation or the plots): stop here too
            run.stopped_after_training()
    return state["history"]


def _position(state, steps_per_epoch):
    """(completed epochs, steps taken over the whole run) of a run state: where a resumed run's logs end."""
    partial = state["partial"]
    if partial:
        return state["epoch"], (partial["epoch"] - 1) * steps_per_epoch + partial["steps"]
    return state["epoch"], state["epoch"] * steps_per_epoch


class _Run:
    """What the epochs of one fit() call share: the objects trained, the run state, where things are written."""

    def __init__(self, model, optimizer, scheduler, train_loader, eval_loader, backend, state, checkpoint_dir,
                 metrics, stop, log, options, files, resume):
        self.model, self.optimizer, self.scheduler, self.backend = model, optimizer, scheduler, backend
        self.train_loader, self.eval_loader = train_loader, eval_loader
        self.state, self.checkpoint_dir, self.metrics, self.stop, self.log = state, checkpoint_dir, metrics, stop, log
        self.options, self.files, self.resume = options, files, resume

    def train_epoch(self, epoch):
        """Train (or finish, after a mid-epoch checkpoint) epoch `epoch`, evaluate, checkpoint, log."""
        state, options = self.state, self.options
        partial, state["partial"] = state["partial"], None
        done = EpochProgress()
        if partial is not None:  # draw the interrupted epoch's batch order again, and skip the batches it trained on
            done = EpochProgress(partial["steps"], partial["loss_sum"], partial["samples"])
            self.train_loader.rng.bit_generator.state = partial["loader_rng"]
        loader_rng = self.train_loader.rng.bit_generator.state
        seconds_before, start = (partial["seconds"] if partial else 0.0), time.perf_counter()
        steps_per_epoch = len(self.train_loader)

        def on_step(step, loss):
            if self.metrics is not None:
                self.metrics.log_step(epoch, (epoch - 1) * steps_per_epoch + step, loss,
                                      self.optimizer.param_groups[0]["lr"])
            if self.stop.requested:
                self._stopped(epoch, step, dict(epoch=epoch, steps=done.steps, loss_sum=done.loss_sum,
                                                samples=done.samples, loader_rng=loader_rng,
                                                seconds=seconds_before + time.perf_counter() - start))

        try:
            train_loss = train_one_epoch(self.model, self.optimizer, self.train_loader, self.backend, epoch,
                                         options["progress"], on_step, done)
        except NonFiniteLossError as error:
            raise self._non_finite(str(error)) from None
        seconds = seconds_before + time.perf_counter() - start
        grads = gradient_stats(self.model.named_parameters())
        eval_loss, eval_accuracy = evaluate(self.model, self.eval_loader, self.backend)
        weights = self.backend.numpy_state(self.model)
        if not np.isfinite(eval_loss) or not all(np.isfinite(np.asarray(value)).all() for value in weights.values()):
            raise self._non_finite(f"the weights stopped being finite at the end of epoch {epoch} "
                                   f"({options['eval_set']} loss {eval_loss})")
        eval_set = options["eval_set"]
        row = dict(epoch=epoch, train_loss=train_loss, eval_loss=eval_loss, eval_accuracy=eval_accuracy,
                   eval_set=eval_set, lr=self.optimizer.param_groups[0]["lr"], seconds=seconds)
        _step_scheduler(self.scheduler, eval_loss)
        state["history"].append(row)
        state["epoch"] = epoch
        self.log(f"epoch {epoch}: train loss {train_loss:.4f} | {eval_set} loss {eval_loss:.4f}, "
                 f"{eval_set} accuracy {eval_accuracy:.2f}% | lr {row['lr']:.3g} | {seconds:.1f} s")
        if options["show_grad_stats"]:
            self.log(format_gradient_stats(grads))
        if eval_accuracy > state["best_accuracy"]:
            state["best_accuracy"], state["best_epoch"] = eval_accuracy, epoch
            if self.checkpoint_dir:
                self.files["best"] = save_weights(self.checkpoint_dir / "best_model.npz", weights,
                                                  options["model_name"], options["dataset"])
        self._save()
        if self.metrics is not None:  # after the checkpoints: a failing log never costs them
            self.metrics.log_epoch(row, grads)
        if self.stop.requested:
            self._stopped(epoch, done.steps, None)

    def _save(self):
        if self.checkpoint_dir:
            self.files["last"] = save_training_checkpoint(self.checkpoint_dir / "last.npz", self.state, self.model,
                                                          self.optimizer, self.scheduler, self.train_loader,
                                                          self.backend)

    def last_good(self):
        """The checkpoint to go back to: the one this run wrote last, else the one it resumed from (or None)."""
        return self.files.get("last") or (Path(self.resume) if self.resume else None)

    def _non_finite(self, problem):
        kept = self.last_good()
        return NonFiniteLossError(f"{problem}; stopped. Last good checkpoint: {kept if kept else 'none written'}")

    def _stopped(self, epoch, step, partial):
        """Stop on the signal received: checkpoint the step just taken (`partial`; None at an epoch's end)."""
        self.stop.stopping = True
        if self.checkpoint_dir and partial is not None:
            self.state["partial"] = partial
            self._save()
        raise TrainingInterrupted(self.stop.requested, epoch, step, self.last_good(),
                                  describe(self.state) if self.files.get("last") else None)

    def stopped_after_training(self):
        """A stop asked for once the epochs were done: the checkpoint of the last epoch is complete."""
        self.stop.stopping = True
        epoch = self.state["epoch"]
        raise TrainingInterrupted(self.stop.requested, epoch, len(self.train_loader), self.last_good(),
                                  describe(self.state) if self.files.get("last") else None)


def _step_scheduler(scheduler, eval_loss):
    if scheduler is None:
        return
    if type(scheduler).__name__ == "ReduceLROnPlateau":  # by name: the engine's and torch's class alike
        scheduler.step(eval_loss)
    else:
        scheduler.step()


def _plot_predictions(model, loader, backend, path, class_names, count=32):
    """The first `count` evaluation images with the model's predictions (image data only)."""
    images, labels = next(iter(loader))
    if images.ndim != 4:
        return
    x, y = backend.batch(images, labels)
    model.eval()
    with backend.no_grad():
        predictions = model(x[:count]).argmax(1)
    plot_samples(images.numpy()[:count], to_numpy(predictions), labels.numpy()[:count], path, class_names)
