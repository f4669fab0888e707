"""Files on disk, without pickle:

    atomic.py             every write goes to a temporary file beside the target, then is renamed into place
    checkpoint_format.py  the checkpoint format: one .npz of arrays beside a JSON description of everything else
    weights_file.py       model weights as .npz (the format the reference package shares), and the one .npz reader
"""
