"""What exists only to be PyTorch's namespace (re-exported by minitorch_mnist/__init__.py):

    creation.py          torch.tensor / zeros / arange / eye / linspace / ... (making tensors, by one keyword rule)
    sampling.py          torch.rand / randn / randint / randperm / normal / bernoulli (random tensors)
    tensor_functions.py  torch.add / mm / max / cat / where / ... (functions that take tensors: input.NAME(...))
    out.py               out=: writing a result into a given tensor, with PyTorch's shape and dtype rules
    legacy.py            torch.FloatTensor & co, Tensor.type() names, torch.autograd.Variable
    device.py, cuda.py, accelerator.py   devices: the engine computes on the CPU, and says so
    random.py            torch.Generator and the default one (torch.manual_seed)
    saving.py            torch.save / torch.load in the pickle-free format of storage/
    missing.py           one clear error for a PyTorch name the engine lacks
"""
