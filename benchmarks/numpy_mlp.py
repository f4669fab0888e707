"""The MNIST MLP (784 -> 512 -> 512 -> 10, ReLU) written by hand in plain NumPy: the floor the engine is measured
against. Not part of the engine and not built on it: forward, backward and SGD with momentum in about 20 lines,
as someone would write them for this one network (PyTorch's initialisation, float32 throughout).
"""

import numpy as np


class NumpyMLP:
    def __init__(self, seed=0, lr=0.01, momentum=0.9, sizes=(784, 512, 512, 10)):
        rng = np.random.default_rng(seed)
        self.lr, self.momentum = lr, momentum
        self.params = []  # W (out, in), b (out,): PyTorch's layout and its U(-1/sqrt(in), 1/sqrt(in)) init
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            bound = 1 / np.sqrt(n_in)
            self.params += [rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32),
                            rng.uniform(-bound, bound, n_out).astype(np.float32)]
        self.buffers = [np.zeros_like(p) for p in self.params]
        self.scratch = [np.empty_like(p) for p in self.params]

    def forward(self, x):
        """Logits and the layer inputs the backward needs."""
        inputs = [x.reshape(len(x), -1)]
        for k in range(0, len(self.params), 2):
            z = inputs[-1] @ self.params[k].T + self.params[k + 1]
            inputs.append(np.maximum(z, 0, out=z) if k + 2 < len(self.params) else z)
        return inputs.pop(), inputs

    def train_step(self, x, y):
        """One SGD step on cross-entropy; returns the loss (a Python float)."""
        logits, inputs = self.forward(x)
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        rows = np.arange(len(y))
        grad = np.exp(log_probs)  # dL/dlogits = (softmax - onehot) / N
        grad[rows, y] -= 1
        grad /= len(y)
        grads = [None] * len(self.params)
        for k in range(len(self.params) - 2, -1, -2):
            grads[k], grads[k + 1] = grad.T @ inputs[k // 2], grad.sum(axis=0)
            if k:  # no gradient for the images themselves
                grad = (grad @ self.params[k]) * (inputs[k // 2] > 0)
        for p, g, buffer, scratch in zip(self.params, grads, self.buffers, self.scratch):
            buffer *= self.momentum  # buf = momentum * buf + g; p -= lr * buf (PyTorch's SGD, in place)
            buffer += g
            p -= np.multiply(buffer, self.lr, out=scratch)
        return float(-log_probs[rows, y].mean())

    def predict(self, x):
        return self.forward(x)[0].argmax(axis=1)
