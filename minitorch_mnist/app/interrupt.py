"""Stopping a run cleanly: Ctrl-C (SIGINT) or SIGTERM asks the training loop to stop after the current step.

Inside `StopRequests()`, the first signal only sets `requested`; the loop checks it after every optimizer step,
saves a checkpoint there and raises TrainingInterrupted, so no finished step is lost. A second signal
interrupts at once (KeyboardInterrupt), for a run stuck somewhere else. A signal the process was told to
ignore (SIG_IGN, e.g. a background job's SIGINT) stays ignored.
"""

import signal
import threading

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class TrainingInterrupted(Exception):
    """The run stopped on a signal at `epoch`, `step`; `checkpoint` is the file to resume from (or None)."""

    exit_code = 130  # 128 + SIGINT, what shells report for a run stopped by Ctrl-C

    def __init__(self, signal_name, epoch, step, checkpoint=None, checkpoint_at=None):
        super().__init__(f"{signal_name}: interrupted at epoch {epoch}, step {step}")
        self.signal_name, self.epoch, self.step = signal_name, epoch, step
        self.checkpoint, self.checkpoint_at = checkpoint, checkpoint_at


class StopRequests:
    """Context manager: `requested` becomes the signal's name ("SIGINT") when a stop is asked for."""

    def __init__(self):
        self.requested, self._previous = None, {}

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():  # only the main thread may set handlers
            for number in SIGNALS:
                if signal.getsignal(number) is not signal.SIG_IGN:
                    self._previous[number] = signal.signal(number, self._handle)
        return self

    def __exit__(self, *exc_info):
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous.clear()

    def _handle(self, number, frame):
        if self.requested is not None:
            raise KeyboardInterrupt
        self.requested = signal.Signals(number).name
