"""Run the ten steps one after the other in one Python process (PyTorch is imported once, not ten times).

    python examples/run_all.py --limit 1000 --epochs 1            every step, on a small slice
    python examples/run_all.py --steps 8,9,10 --epochs 2          some steps; other flags go to each step

Each step runs exactly as `python examples/stepNN_*.py FLAGS` would: as __main__, with the same sys.argv.
"""

import argparse
import runpy
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent
STEPS = sorted(EXAMPLES.glob("step[0-9][0-9]_*.py"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", default=None, help="comma-separated step numbers (default: all ten)")
    args, step_flags = parser.parse_known_args()
    wanted = None if args.steps is None else {int(number) for number in args.steps.split(",")}
    sys.path.insert(0, str(EXAMPLES))  # what `python examples/stepNN.py` does: the steps import common, step07_fit
    for script in STEPS:
        number = int(script.name[4:6])
        if wanted is not None and number not in wanted:
            continue
        print(f"==== {script.name} {' '.join(step_flags)}", flush=True)
        sys.argv = [str(script)] + step_flags
        runpy.run_path(str(script), run_name="__main__")
        print(flush=True)


if __name__ == "__main__":
    main()
