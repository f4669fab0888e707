"""The training application: `python -m minitorch_mnist train|evaluate`, beside the engine, not part of it.

    cli.py, commands.py   the command line and what train / evaluate do
    loop.py               the tutorials' training loop, written once for both frameworks
    fit.py                epochs with evaluation, LR scheduling, early stopping, checkpoints and resume
    training_checkpoint.py, resume_rules.py   what last.npz holds, and which flags a resumed run may change
    monitor.py            metrics files, gradient statistics, plots, TensorBoard
    runlock.py, interrupt.py   one run per folder; Ctrl-C stops after the current step
"""
