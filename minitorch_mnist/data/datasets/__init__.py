"""The datasets on disk: the IDX reader (idx.py), MNIST (mnist.py), FashionMNIST (fashion.py), CIFAR-10's python
batches (cifar.py, through safe_pickle.py), the fetchers (fetch.py: mirrors with checksums; debian.py: the
Debian package), and catalog.py, the names the command line knows."""
