"""CIFAR-10: 60,000 colour photos, 32 x 32, in 10 classes (50,000 to train in five batches, 10,000 to test).

Read from the "python version" of the dataset, in torchvision's layout:

    ROOT/cifar-10-batches-py/data_batch_1 .. data_batch_5, test_batch
        each a pickled dict: "data" uint8 (10000, 3072), one image per row, channel-major (1024 red values row by
        row, then 1024 green, then 1024 blue); "labels" a list of 10000 ints 0..9; also "batch_label", "filenames"
    ROOT/cifar-10-batches-py/batches.meta
        a pickled dict: "label_names" (the ten class names), "num_cases_per_batch", "num_vis"

(The files were pickled by Python 2, so their keys load as str; files re-saved by Python 3 may have bytes keys,
b"data": both are read.) They are pickles, and unpickling an untrusted file can run code, so they are loaded by
safe_pickle.safe_load, which allows only what these files contain.

Checksums: by default every file read is first checked against the md5 torchvision pins for the official files
(CIFAR10_MD5). Files you made yourself (a small copy for a test, a re-saved batch) have other md5s: pass their own
dict as `checksums=`, or checksums=None to skip the md5 check. The contents are validated either way.

Items are what torchvision gives with transform=Compose([ToTensor(), Normalize(mean, std)]), bit for bit:

    image[c] = (pixel[c] / 255 - mean[c]) / std[c]      float32, shape (3, 32, 32)
    label = the class index                             int64

normalised per batch on the fly (a training set normalised in advance would take 614 MB).
"""

import numpy as np

from ..dataset import Dataset, image_item
from .fetch import check_files, data_root, fetch_files
from .safe_pickle import safe_load

CIFAR10_MD5 = {  # torchvision.datasets.CIFAR10's train_list, test_list and meta
    "data_batch_1": "c99cafc152244af753f735de768cd75f",
    "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
    "data_batch_3": "54ebc095f3ab1f0389bbae665268c751",
    "data_batch_4": "634d18415352ddfa80567beed471001a",
    "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb",
    "test_batch": "40351d587109b95175f43aff81a1287e",
    "batches.meta": "5ff9c542aee3614f3951f8cda6e48888",
}
CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_TGZ_MD5 = "c58f30108f718f92721af3b95e74349a"
TRAIN_FILES = ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5"]
TEST_FILES = ["test_batch"]
META_FILE = "batches.meta"
MEAN = (0.4914, 0.4822, 0.4465)  # the training set's per-channel pixel mean and std, as commonly quoted
STD = (0.2470, 0.2435, 0.2616)


def cifar10_folder(root=None):
    """Where the CIFAR-10 batches live: ROOT/cifar-10-batches-py, as in torchvision."""
    return data_root(root) / "cifar-10-batches-py"


def _by_hand(root):
    return (f"download {CIFAR10_URL} (the 'python version' on https://www.cs.toronto.edu/~kriz/cifar.html) "
            f"and unpack it in {data_root(root)}/ with `tar xzf cifar-10-python.tar.gz`, so that "
            f"{cifar10_folder(root)}/data_batch_1 exists")


def check_cifar10(root=None, checksums=CIFAR10_MD5, names=None):
    """The batches folder, after checking the files `names` (default: all seven) against `checksums` (no network).

    checksums=None checks only that the files are there.
    """
    folder = cifar10_folder(root)
    names = list(CIFAR10_MD5) if names is None else list(names)
    remedy = f"Use download=True or fetch_cifar10(), or put them there by hand: {_by_hand(root)}."
    if checksums is None:
        if missing := [name for name in names if not (folder / name).is_file()]:
            listed = "\n".join(f"  {folder / name}: missing" for name in missing)
            raise FileNotFoundError(f"CIFAR10 files in {folder} are not usable:\n{listed}\n{remedy}")
        return folder
    if unknown := [name for name in names if name not in checksums]:
        raise ValueError(f"check_cifar10: checksums has no md5 for {', '.join(unknown)}; give one for every "
                         f"file read, or checksums=None to skip the md5 check")
    return check_files(folder, {name: checksums[name] for name in names}, "CIFAR10", remedy)


def fetch_cifar10(root=None):
    """The batches folder holding the seven verified CIFAR-10 files, downloading the archive if any is missing.

    Only the seven files are read out of the archive (never extracted by its own paths), each through a
    temporary file moved into place after its md5 matched.
    """
    return fetch_files(cifar10_folder(root), CIFAR10_MD5, tarball=(CIFAR10_URL, "cifar-10-batches-py/",
                                                                   CIFAR10_TGZ_MD5),
                       what="CIFAR10", by_hand=_by_hand(root))


def normalize_channels(images, mean=MEAN, std=STD):
    """uint8 images (N, C, H, W) -> float32: ToTensor (x / 255) then Normalize ((x - mean[c]) / std[c]).

    mean, std: one number per channel, or a single number for all (as torchvision's Normalize broadcasts).
    """
    images = np.asarray(images)
    if images.dtype != np.uint8 or images.ndim != 4:
        raise TypeError(f"normalize_channels: expects uint8 images of shape (N, C, H, W) with values 0..255, "
                        f"got {images.dtype} array of shape {images.shape}")
    channels = images.shape[1]
    mean, std = _per_channel(mean, "mean", channels), _per_channel(std, "std", channels)
    if np.any(std == 0):
        raise ValueError(f"normalize_channels: std must not be 0, got {std.tolist()}")
    # float32 throughout and in torchvision's order, so the values agree to the last bit
    out = images.astype(np.float32)
    out /= np.float32(255)
    out -= mean.reshape(1, channels, 1, 1)
    out /= std.reshape(1, channels, 1, 1)
    return out


def _per_channel(value, name, channels):
    values = np.asarray(value, dtype=np.float32).reshape(-1)
    if values.size not in (1, channels):
        raise ValueError(f"normalize_channels: the images have {channels} channels, so {name} must have "
                         f"{channels} values (or 1), got {value!r}")
    return np.broadcast_to(values, (channels,)).copy()


class CIFAR10(Dataset):
    """The CIFAR-10 training set (train=True, data_batch_1..5) or test set (test_batch), torchvision's attributes.

    root: the data directory (see fetch.data_root); files are read from ROOT/cifar-10-batches-py.
    download: fetch the official files if any is missing or corrupt (fetch_cifar10); default False.
    mean, std: Normalize's per-channel constants.
    checksums: {file name: md5} the files read must match (default: the official ones); None skips the check.
    data: uint8 (N, 32, 32, 3), height x width x channel as in torchvision; targets: int64 (N,);
    classes: the ten names from batches.meta; class_to_idx: name -> index.
    """

    def __init__(self, root=None, train=True, download=False, mean=MEAN, std=STD, checksums=CIFAR10_MD5):
        files = TRAIN_FILES if train else TEST_FILES
        if download:
            fetch_cifar10(root)
        folder = check_cifar10(root, checksums, files + [META_FILE])
        self.train = train
        self.mean, self.std = mean, std
        normalize_channels(np.zeros((1, 3, 1, 1), np.uint8), mean, std)  # bad mean/std fail here, not in a batch
        self.chw, self.targets = read_cifar_batches([folder / name for name in files])  # (N, 3, 32, 32) as stored
        self.data = self.chw.transpose(0, 2, 3, 1)  # a view, as torchvision's
        self.classes = read_cifar_meta(folder / META_FILE)
        self.class_to_idx = {name: index for index, name in enumerate(self.classes)}

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, index):
        """(image Tensor float32 (3, 32, 32), label int); a slice or index array gives a batch of Tensors."""
        images = self.chw[index]
        if images.ndim == 3:
            return image_item(normalize_channels(images[None], self.mean, self.std)[0], self.targets[index])
        return image_item(normalize_channels(images, self.mean, self.std), self.targets[index])

    def __getitems__(self, indices):
        """A batch: (images float32 (B, 3, 32, 32), labels int64 (B,)), one gather each, normalised here."""
        return normalize_channels(self.chw[indices], self.mean, self.std), self.targets[indices]

    def __repr__(self):
        split = "train" if self.train else "test"
        return f"CIFAR10({split}: {len(self)} images, mean={self.mean}, std={self.std})"


def read_cifar_batches(paths):
    """(images uint8 (N, 3, 32, 32), labels int64 (N,)): the batch files at `paths`, in order, contents checked."""
    batches = [_read_batch(path) for path in paths]
    return np.concatenate([images for images, _ in batches]), np.concatenate([labels for _, labels in batches])


def _read_batch(path):
    """(images uint8 (n, 3, 32, 32), labels int64 (n,)) from one batch file, its contents checked."""
    batch = _str_keys(safe_load(path), path, ("data", "labels"))
    data, labels = batch["data"], batch["labels"]
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3072:
        shape = getattr(data, "shape", None)
        raise ValueError(f"{path}: 'data' must be a uint8 array of shape (n, 3072) (3 x 32 x 32 per row), got "
                         f"{type(data).__name__} {getattr(data, 'dtype', '')} {shape or ''}".rstrip())
    try:
        labels = np.array(labels, dtype=np.int64)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{path}: 'labels' must be a list of ints 0..9") from None
    if labels.shape != (len(data),) or labels.min(initial=0) < 0 or labels.max(initial=0) > 9:
        raise ValueError(f"{path}: 'labels' must hold one int 0..9 per image: {len(data)} images, labels of "
                         f"shape {labels.shape} in [{labels.min(initial=0)}, {labels.max(initial=0)}]")
    return data.reshape(len(data), 3, 32, 32), labels


def read_cifar_meta(path):
    """The ten class names in batches.meta."""
    names = _str_keys(safe_load(path), path, ("label_names",))["label_names"]
    if not isinstance(names, list) or len(names) != 10 or not all(isinstance(n, (str, bytes)) for n in names):
        raise ValueError(f"{path}: 'label_names' must be a list of 10 names, got {names!r:.200}")
    return [n.decode("latin1") if isinstance(n, bytes) else n for n in names]


def _str_keys(entry, path, required):
    """The dict with bytes keys decoded (Python 3 re-saves have b"data"), after checking it has `required`."""
    if not isinstance(entry, dict):
        raise ValueError(f"{path}: expected a pickled dict, got {type(entry).__name__}")
    entry = {key.decode("latin1") if isinstance(key, bytes) else key: value for key, value in entry.items()}
    if missing := [key for key in required if key not in entry]:
        raise ValueError(f"{path}: the dict has no {', '.join(repr(k) for k in missing)} (keys: "
                         f"{', '.join(repr(k) for k in entry)})")
    return entry
