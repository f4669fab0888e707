"""What a run may write where, checked before any data is loaded (and again by fit() once it holds the locks).

A folder that already holds a run is never silently written over: a `train` given a --checkpoint-dir with a
last.npz or best_model.npz, or a --log-dir with metrics files, is refused, naming --resume (to continue that
run) and --overwrite (to start over: the old run's files are removed first, under the folder's lock, so the
two runs never mix). A resumed run goes on in the folders of its checkpoint; pointing it at a folder that holds
another run is refused the same way.

The paths themselves are checked too, so that no training is lost to a path that could never be written:
--save must not be a folder or one of the run's own files, its name must fit the file system, and the
folders must be folders where we may write.
"""

import os
from pathlib import Path

from ..storage.atomic import name_max
from .flag_types import UsageError
from .runlock import LOCK_NAME
from .training_checkpoint import describe_file

RUN_FILES = ("last.npz", "best_model.npz")
LOG_FILES = ("steps.csv", "epochs.csv", "epochs.jsonl")
PLOTS = ("curves.png", "samples.png")
UNKNOWN = object()  # the log folder of a checkpoint written before checkpoints recorded it


class RunExistsError(UsageError):
    pass


def conflicts(checkpoint_dir, log_dir, resume=None, resumed_log_dir=UNKNOWN):
    """{folder: [file names]} of the run files this run would write over: every one there for a new run; for a
    resumed run, those in a folder other than its own (the checkpoint's folder, the log folder it recorded)."""
    found = {}
    own_checkpoints = Path(resume).resolve().parent if resume else None
    own_logs = None if resumed_log_dir in (UNKNOWN, None) else Path(resumed_log_dir).resolve()
    for folder, names in ((checkpoint_dir, RUN_FILES), (log_dir, LOG_FILES)):
        if not folder:
            continue
        if resume and names is RUN_FILES and Path(folder).resolve() == own_checkpoints:
            continue
        if resume and names is LOG_FILES and (resumed_log_dir is UNKNOWN or Path(folder).resolve() == own_logs):
            continue
        there = [name for name in names if (Path(folder) / name).exists()]
        if there:
            found.setdefault(Path(folder), []).extend(there)
    return found


def resumed_folders(resume, folders):
    """(checkpoint folder, log folder) a resumed run goes on in: the folder of the --resume file, and the log folder
    its checkpoint recorded; when that was the checkpoint's own folder, the --resume file's folder if it is the same
    one or the recorded one is gone (a run folder moved elsewhere). The log folder is None if the run logged
    nowhere, UNKNOWN for a checkpoint that recorded no folders."""
    here = Path(resume).parent
    if not folders:
        return here, UNKNOWN
    log_dir = folders.get("log_dir")
    if log_dir is not None and log_dir == folders.get("checkpoint_dir") and (
            here.resolve() == Path(log_dir) or not Path(log_dir).is_dir()):
        return here, here
    return here, log_dir


def refusal(found, checkpoint_dir, resume=None):
    """The one-line message that refuses to write over `found` (conflicts()'s result)."""
    folder, names = next(iter(found.items()))
    if resume:
        return (f"{folder} holds another run ({', '.join(names)}); resuming {resume} there would mix the two runs: "
                f"choose another folder, or pass --overwrite to replace that run")
    last = Path(checkpoint_dir) / "last.npz" if checkpoint_dir else None
    if last is not None and last.is_file():
        return (f"{folder} already holds a run ({', '.join(names)}{_at_epoch(last)}); continue it with --resume "
                f"{last}, or start over with --overwrite (or choose another folder)")
    return (f"{folder} already holds files of a run ({', '.join(names)}) but no last.npz to resume from; start over "
            f"with --overwrite, or choose another folder")


def _at_epoch(last):
    at = describe_file(last)
    return f"; last.npz at {at}" if at else ""


def clear(found):
    """Remove the files of the run being replaced (with --overwrite): conflicts()'s files, the plots and
    TensorBoard events beside the logs."""
    for folder, names in found.items():
        extra = PLOTS if any(name in LOG_FILES for name in names) else ()
        for name in (*names, *extra):
            (folder / name).unlink(missing_ok=True)
        if extra and (folder / "tensorboard").is_dir():
            for events in (folder / "tensorboard").glob("events.out.tfevents.*"):
                events.unlink(missing_ok=True)


def check_paths(args, defaulted=()):
    """UsageError (exit 2) for a path flag that cannot work; `defaulted`: folder flags taken from --resume."""
    if args.data_dir is not None and os.path.lexists(args.data_dir) and not os.path.isdir(args.data_dir):
        raise UsageError(f"--data-dir {args.data_dir} is a file, not a folder")
    for flag, folder in (("--checkpoint-dir", args.checkpoint_dir), ("--log-dir", args.log_dir)):
        if folder:
            _check_folder(flag, Path(folder), flag in defaulted)
    if args.checkpoint_dir:
        for name in RUN_FILES:
            if (Path(args.checkpoint_dir) / name).is_dir():
                raise UsageError(f"{Path(args.checkpoint_dir) / name} is a folder, where the run's {name} should go")
    if args.save:
        _check_save(args)


def _check_folder(flag, folder, defaulted):
    blocking = next((f for f in (folder, *folder.parents) if os.path.lexists(f) and not os.path.isdir(f)), None)
    if blocking is not None:
        raise UsageError(f"{flag} {folder}: {blocking} is a file, not a folder")
    existing = next(f for f in (folder, *folder.absolute().parents) if os.path.isdir(f))
    if not os.access(existing, os.W_OK | os.X_OK):
        where = " (the folder of --resume)" if defaulted else ""
        raise UsageError(f"{flag} {folder}{where}: cannot write in {existing}; pass {flag} DIR to write the run "
                         f"elsewhere")


def _check_save(args):
    save = Path(args.save)
    if os.path.isdir(save):
        raise UsageError(f"--save {save} is a folder; give a file name, e.g. {save / 'weights.npz'}")
    limit = name_max(save.parent)
    if len(os.fsencode(save.name)) > limit:
        raise UsageError(f"--save: the name {save.name[:40]}... is {len(os.fsencode(save.name))} bytes long, but the "
                         f"file system allows at most {limit}")
    _check_folder("--save", save.parent, False)
    own = {}
    if args.checkpoint_dir:
        own.update({Path(args.checkpoint_dir) / name: "a file of --checkpoint-dir" for name in (*RUN_FILES, LOCK_NAME)})
    if args.log_dir:
        own.update({Path(args.log_dir) / name: "a file of --log-dir" for name in (*LOG_FILES, *PLOTS, LOCK_NAME)})
    if args.resume:
        own[Path(args.resume)] = "the --resume checkpoint"
    for path, what in own.items():
        if path.resolve() == save.resolve():
            raise UsageError(f"--save {save} is {what}, which the run writes itself; choose another name")
