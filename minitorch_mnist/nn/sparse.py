"""Embedding: a lookup table of learnable vectors, row i for index i, with torch.nn.Embedding's arguments and repr.

y = weight[input]; the gradient of each used row is the sum of the upstream gradients of the places it was looked
up at (the indexing op's backward), except the padding_idx row, which gets none (it stays as initialised: zeros).
max_norm, scale_grad_by_freq and sparse are not supported (NotImplementedError), as they change the computation.
"""

import numpy as np

from ..autograd.function import no_grad
from ..autograd.tensor import Tensor
from ..torch_api.tensor_functions import where
from . import init
from .module import Module
from .parameter import Parameter, layer_dtype


class Embedding(Module):
    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, device=None, dtype=None):
        super().__init__()
        for name, value in (("max_norm", max_norm), ("scale_grad_by_freq", scale_grad_by_freq or None),
                            ("sparse", sparse or None)):
            if value is not None:
                raise NotImplementedError(f"Embedding: {name}={value} is not supported by the engine")
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx %= num_embeddings
        self.num_embeddings, self.embedding_dim, self.padding_idx = num_embeddings, embedding_dim, padding_idx
        self.max_norm, self.norm_type, self.scale_grad_by_freq, self.sparse = max_norm, norm_type, False, False
        if _weight is None:
            self.weight = Parameter(np.empty((num_embeddings, embedding_dim), dtype=layer_dtype(device, dtype)),
                                    requires_grad=not _freeze)
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != (num_embeddings, embedding_dim):
                raise AssertionError("Shape of weight does not match num_embeddings and embedding_dim")
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self):
        """N(0, 1) rows, the padding row zeros."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight.array[self.padding_idx] = 0

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None, norm_type=2.0,
                        scale_grad_by_freq=False, sparse=False):
        if embeddings.ndim != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        rows, columns = embeddings.shape
        return cls(rows, columns, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse, _weight=embeddings,
                   _freeze=freeze)

    def forward(self, input):
        indices = input.array if isinstance(input, Tensor) else np.asarray(input)
        if not np.issubdtype(indices.dtype, np.integer):
            raise RuntimeError(f"Embedding: expected indices of an integer dtype (Long, Int), got {indices.dtype}")
        if indices.size and (indices.min() < 0 or indices.max() >= self.num_embeddings):
            raise IndexError(f"index out of range in self (indices from {indices.min()} to {indices.max()}, "
                             f"{self.num_embeddings} embeddings)")
        rows = self.weight[Tensor(indices)]
        if self.padding_idx is None:
            return rows
        keep = Tensor((indices != self.padding_idx)[..., None])  # the padding row gets no gradient
        return where(keep, rows, rows.detach())

    def extra_repr(self):
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        return text
