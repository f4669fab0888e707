"""Tensor methods for matrix products under the names PyTorch gives them: mm, bmm, mv, dot, outer (ger), and .mT.
Each checks the dims its name requires (mm: two matrices, bmm: two batches, ...) with PyTorch's errors, then is
matmul (the @ operator, ops/linear.py::MatMul), so the gradients are matmul's. Mixed into Tensor.
"""


class TensorMatrix:
    def mm(self, mat2):
        """self (n, m) @ mat2 (m, p)"""
        _check_matrices("mm", self, mat2, 2, 2)
        return self @ mat2

    def bmm(self, mat2):
        """self (b, n, m) @ mat2 (b, m, p): one matrix product per batch element"""
        _check_matrices("bmm", self, mat2, 3, 3)
        if mat2.shape[:2] != (self.shape[0], self.shape[2]):
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                               f"[{self.shape[0]}, {self.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}].")
        return self @ mat2

    def mv(self, vec):
        """self (n, m) @ vec (m,)"""
        _check_matrices("mv", self, vec, 2, 1)
        return self @ vec

    def dot(self, other):
        """the sum of self * other, for two 1-d tensors of one length"""
        _check_matrices("dot", self, other, 1, 1)
        return self @ other

    def outer(self, vec2):
        """z[i, j] = self[i] * vec2[j], for 1-d tensors"""
        _check_matrices("outer", self, vec2, 1, 1, same_inner=False)
        return self.reshape(-1, 1) * vec2.reshape(1, -1)

    ger = outer

    @property
    def mT(self):
        """The last two dims swapped (a batch of matrices transposed)."""
        if self.ndim < 2:
            raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {self.ndim}-D "
                               f"tensor.")
        return self.transpose(-2, -1)


def _check_matrices(call, a, b, a_dims, b_dims, same_inner=True):
    """The dims mm, bmm, mv, dot and outer require, and the same dtype (matmul checks the inner sizes)."""
    from .tensor import Tensor

    for name, value, dims in (("input", a, a_dims), ("other", b, b_dims)):
        if not isinstance(value, Tensor):
            raise TypeError(f"{call}(): argument '{name}' must be Tensor, not {type(value).__name__}")
        if value.ndim != dims:
            raise RuntimeError(f"{call}: expected {dims}-D tensors, but got shapes {tuple(a.shape)} and "
                               f"{tuple(b.shape)}")
    if a.dtype != b.dtype:
        raise RuntimeError(f"{call}: expected both arguments to have the same dtype, but got {a.dtype} and {b.dtype}")
    if same_inner and a.shape[-1] != b.shape[0 if b_dims < 3 else 1]:
        raise RuntimeError(f"{call}: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be multiplied")
