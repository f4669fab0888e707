"""The training application: `python -m minitorch_mnist train|evaluate`, beside the engine, not part of it.

    cli.py, commands.py   the command line and what train / evaluate do
    flag_types.py         the values each flag accepts (the parser and the checkpoint checks share them)
    run_folders.py        what a run may write where: a folder that holds a run, paths that cannot be written
    loop.py               the tutorials' training loop, written once for both frameworks
    fit.py                epochs with evaluation, LR scheduling, early stopping, checkpoints and resume
    training_checkpoint.py, checkpoint_schema.py, resume_rules.py   what last.npz holds, the checks every
                          reader runs on it, and which flags a resumed run may change
    monitor.py            metrics files, gradient statistics, plots, TensorBoard (best effort)
    runlock.py, interrupt.py   one run per folder; Ctrl-C stops after the current step, one line at any moment
    compile_notice.py     one line while Numba compiles the kernels on a first run
"""
