"""One line while Numba compiles the engine's kernels: the first run on a machine spends about a minute there,
and the progress bar alone would sit at 0% without a word.

The kernels are compiled on their first call and cached on disk (@njit(cache=True)), so later runs load them.
Numba announces each real compilation (a cache miss) with its "numba:compile" event; the listener below prints
one line on the first one that compiles a kernel of this package, and nothing after. Only the command line
installs it: importing the engine never imports Numba.
"""

import sys

NOTICE = ("compiling the engine's Numba kernels for this CPU (the first run only, up to a minute; later runs load "
          "them from the cache)")
_installed = False


def announce_numba_compiling(say=None):
    """Install the listener once (nothing when the NumPy kernels are in use or Numba is not installed); returns it
    (numba.core.event.unregister("numba:compile", it) removes it), or None."""
    global _installed
    from .. import kernels

    if _installed or kernels.get_backend() != "numba":
        return None
    try:
        from numba.core import event
    except ImportError:
        return None
    say = say or _say

    class Notice(event.Listener):
        said = False

        def on_start(self, ev):
            function = getattr(ev.data.get("dispatcher"), "py_func", None)
            if not self.said and getattr(function, "__module__", "").startswith("minitorch_mnist."):
                self.said = True
                say(NOTICE)

        def on_end(self, ev):
            pass

    _installed, notice = True, Notice()
    event.register("numba:compile", notice)
    return notice


def _say(message):
    from tqdm import tqdm

    tqdm.write(message, file=sys.stderr)
