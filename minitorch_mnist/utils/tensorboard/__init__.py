"""torch.utils.tensorboard for the engine: SummaryWriter writes the event files TensorBoard reads, the same ones
torch.utils.tensorboard writes for the same calls (with the `tensorboard` package, as torch; tensorboardX works
too).

    writer.py    SummaryWriter, FileWriter
    summary.py   the summaries (scalar, histogram, image, text, pr_curve) as protocol buffers
"""

from .writer import FileWriter, SummaryWriter

__all__ = ["SummaryWriter", "FileWriter"]
