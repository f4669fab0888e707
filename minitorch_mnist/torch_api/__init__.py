"""What exists only to be PyTorch's namespace (re-exported by minitorch_mnist/__init__.py):

    creation.py          torch.tensor / zeros / arange / rand / ... (making tensors)
    tensor_functions.py  torch.max / cat / stack / where / ... (functions that take tensors)
    device.py, cuda.py, accelerator.py   devices: the engine computes on the CPU, and says so
    random.py            the engine's one random generator (torch.manual_seed)
    saving.py            torch.save / torch.load in the pickle-free format of storage/
    missing.py           one clear error for a PyTorch name the engine lacks
"""
