"""reference: the same MNIST models, loop and command line as minitorch_mnist, run by PyTorch
(CUDA when present, else CPU), to check the engine against."""
