"""Tensor methods that make new tensors like this one (new_ones, new_zeros, new_full, new_empty, new_tensor: this
tensor's dtype unless told), convert it (half, short, char, byte, type_as), and fill it with random numbers in
place (uniform_, normal_, bernoulli_). The factories themselves are in torch_api/creation.py and sampling.py.
"""

import numpy as np


def _new(factory_name):
    """new_NAME(*args, dtype=None, ...): torch.NAME(*args, ...) in this tensor's dtype unless dtype= is given."""
    def method(self, *args, dtype=None, **kwargs):
        from ..torch_api import creation

        return getattr(creation, factory_name)(*args, dtype=self.dtype if dtype is None else dtype, **kwargs)

    method.__name__ = f"new_{factory_name}"
    method.__doc__ = f"torch.{factory_name}(...) with this tensor's dtype unless dtype= says otherwise."
    return method


class TensorFactories:
    new_ones, new_zeros, new_empty, new_full = _new("ones"), _new("zeros"), _new("empty"), _new("full")
    new_tensor = _new("tensor")

    def half(self):
        return self.to(np.float16)

    def short(self):
        return self.to(np.int16)

    def char(self):
        return self.to(np.int8)

    def byte(self):
        return self.to(np.uint8)

    def type_as(self, other):
        return self.to(other.dtype)

    # ---- random fills, in place (as nn.init uses them) ----
    def uniform_(self, a=0.0, b=1.0, *, generator=None):
        from ..torch_api.sampling import fill_uniform

        return fill_uniform(self, a, b, generator)

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        from ..torch_api.sampling import fill_normal

        return fill_normal(self, mean, std, generator)

    def bernoulli_(self, p=0.5, *, generator=None):
        from ..torch_api.sampling import fill_bernoulli

        return fill_bernoulli(self, p, generator)
