"""Stopping a run cleanly: Ctrl-C (SIGINT) or SIGTERM asks the training loop to stop after the current step.

Three layers, so that a signal at any moment ends the command with one line and exit code 130, never a
traceback or a silent death:
- quiet_start(), at the top of `python -m minitorch_mnist|reference`: while the app is being imported, a signal
  just ends the process with one line;
- Guard(), around the whole command (cli.main): the first signal raises KeyboardInterrupt, which the command
  line turns into its message; any further signal is ignored, so that message and the exit code always come out;
- StopRequests(), around fit(): the first signal only sets `requested`; the loop checks it after every
  optimizer step, saves a checkpoint there and raises TrainingInterrupted, so no finished step is lost. A second
  signal interrupts at once (KeyboardInterrupt), for a run stuck somewhere else, unless the stop is already
  under way.
A signal the process was told to ignore (SIG_IGN, e.g. a background job's SIGINT) stays ignored.
"""

import os
import signal
import sys
import threading

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_received = None  # the first signal of the current command (Guard), once one arrived


class TrainingInterrupted(Exception):
    """The run stopped on a signal at `epoch`, `step`; `checkpoint` is the file to resume from (or None)."""

    exit_code = 130  # 128 + SIGINT, what shells report for a run stopped by Ctrl-C

    def __init__(self, signal_name, epoch, step, checkpoint=None, checkpoint_at=None):
        super().__init__(f"{signal_name}: interrupted at epoch {epoch}, step {step}")
        self.signal_name, self.epoch, self.step = signal_name, epoch, step
        self.checkpoint, self.checkpoint_at = checkpoint, checkpoint_at


def received():
    """The name of the first signal the current command received ("SIGINT"), or None."""
    return _received


def _install(handler):
    """Set `handler` for SIGINT and SIGTERM where they are not ignored; {signal: previous handler}."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        return {}
    return {number: signal.signal(number, handler) for number in SIGNALS if signal.getsignal(number) is not signal.SIG_IGN}


def _restore(previous):
    for number, handler in previous.items():
        signal.signal(number, handler)
    previous.clear()


def quiet_start():
    """Until the command line's Guard takes over: a signal ends the process at once, with one line."""
    def stop(number, frame):
        sys.stderr.write(f"error: interrupted ({signal.Signals(number).name}) while starting; nothing was done\n")
        sys.stderr.flush()
        os._exit(TrainingInterrupted.exit_code)

    for number in SIGNALS:
        if signal.getsignal(number) in (signal.default_int_handler, signal.SIG_DFL):
            signal.signal(number, stop)


class Guard:
    """Context manager around a whole command: the first signal raises KeyboardInterrupt, later ones are ignored."""

    def __enter__(self):
        global _received
        _received = None
        self._previous = _install(self._handle)
        return self

    def __exit__(self, *exc_info):
        _restore(self._previous)

    @staticmethod
    def _handle(number, frame):
        global _received
        if _received is not None:  # already stopping: let the message and the exit code come out
            return
        _received = signal.Signals(number).name
        raise KeyboardInterrupt


class StopRequests:
    """Context manager: `requested` becomes the signal's name ("SIGINT") when a stop is asked for.

    Set `stopping` once the stop is under way (the checkpoint being written, TrainingInterrupted raised): from
    then on further signals are ignored."""

    def __init__(self):
        self.requested, self.stopping, self._raised, self._previous = None, False, False, {}

    def __enter__(self):
        self._previous = _install(self._handle)
        return self

    def __exit__(self, *exc_info):
        _restore(self._previous)

    def _handle(self, number, frame):
        global _received
        if self.requested is None:
            self.requested = signal.Signals(number).name
            _received = _received or self.requested  # the Guard, back in charge after fit, ignores later signals
            return
        if self.stopping or self._raised:
            return
        self._raised = True
        raise KeyboardInterrupt


def exit_with(code):
    """End the process with `code`. After an interruption (130) through os._exit: CPython ends a process whose
    KeyboardInterrupt once escaped code run by exec or eval (namedtuple and dataclasses do that while a module is
    imported) by killing it with SIGINT, whatever the exit code, even when the interrupt was caught."""
    if code == TrainingInterrupted.exit_code:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
