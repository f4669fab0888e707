"""`python -m minitorch_mnist train|evaluate ...` (app/cli.py). A signal while the app is still being imported
ends the command with one line (interrupt.quiet_start); the command line's own handlers take over from there."""

from .app.interrupt import exit_with, quiet_start

if __name__ == "__main__":  # not when imported (tests import main from here)
    quiet_start()

from .app.cli import main  # noqa: E402 (after the handlers, so that a Ctrl-C during the import is quiet too)

if __name__ == "__main__":
    exit_with(main())
