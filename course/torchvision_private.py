"""The parts of torchvision's private dataset API that course.data relies
on, in one place, for the torchvision version requirements.txt pins.

course.data subclasses torchvision's MNIST, FashionMNIST and CIFAR10 so that
a data root holding only the training split loads (torchvision's own
integrity checks ask for every split's files), and fills a CIFAR10 from the
offline JPEG copy. Those subclasses override private methods and read
private attributes; `missing_private_api()` lists what of that is gone, and
tests/test_data.py fails loudly on an upgrade that removes any of it.
"""
import functools
import inspect
import os
from pathlib import Path

TESTED_TORCHVISION = "0.29"

# class name -> the private attributes the subclasses below use
USED = {
    "MNIST": ("resources", "raw_folder", "_check_exists", "download", "train"),
    "CIFAR10": ("_check_integrity", "train_list", "test_list", "base_folder", "meta", "filename", "tgz_md5"),
}


def missing_private_api():
    """['CIFAR10._check_integrity', ...]: what the subclasses use and this
    torchvision lacks (empty when all is there)."""
    from torchvision import datasets
    from torchvision.datasets import utils, vision

    missing = []
    for name, attributes in USED.items():
        cls = getattr(datasets, name)
        probe = cls.__new__(cls)
        probe.root, probe.train = "/nonexistent", True
        for attribute in attributes:
            if not (hasattr(cls, attribute) or attribute in vars(probe) or
                    attribute in inspect.signature(cls.__init__).parameters):
                missing.append(f"{name}.{attribute}")
    if not hasattr(utils, "check_integrity"):
        missing.append("datasets.utils.check_integrity")
    if "transform" not in inspect.signature(vision.VisionDataset.__init__).parameters:
        missing.append("VisionDataset.__init__(transform=)")
    return missing


@functools.cache  # one class per dataset
def one_split(cls):
    """`cls` (MNIST, FashionMNIST) needing only the files of the split it
    loads: torchvision's own asks for all four, and a training-only data
    root has two."""
    from torchvision.datasets.utils import check_integrity

    class OneSplit(cls):
        def _split_resources(self):
            prefix = "train" if self.train else "t10k"
            return [(name, md5) for name, md5 in type(self).resources if name.startswith(prefix)]

        def _check_exists(self):
            return all(check_integrity(os.path.join(self.raw_folder, Path(name).stem))
                       for name, _ in self._split_resources())

        def download(self):
            self.resources = self._split_resources()  # for this object only
            try:
                super().download()
            finally:
                del self.resources

    OneSplit.__name__ = OneSplit.__qualname__ = cls.__name__
    OneSplit.__module__ = cls.__module__
    return OneSplit


@functools.cache
def cifar10_one_split():
    """torchvision's CIFAR10 needing only the batches of the split it loads
    (and the class names): a training-only data root has no test_batch."""
    from torchvision import datasets
    from torchvision.datasets.utils import check_integrity

    class CIFAR10(datasets.CIFAR10):
        def _check_integrity(self):
            files = self.train_list if self.train else self.test_list
            return all(check_integrity(os.path.join(self.root, self.base_folder, name), md5)
                       for name, md5 in files + [(self.meta["filename"], self.meta["md5"])])

    CIFAR10.__module__ = datasets.CIFAR10.__module__
    return CIFAR10


def has_official_cifar10_batches(root, train):
    """Whether torchvision's extracted, md5-verified CIFAR-10 batches of the
    split are in `root`."""
    loader = cifar10_one_split()
    probe = loader.__new__(loader)
    probe.root, probe.train = str(root), train
    return probe._check_integrity()


@functools.cache
def cifar10_from_arrays(load, classes, module):
    """A torchvision CIFAR10 whose images come from load(split) -> (uint8
    images (N, 32, 32, 3), labels) instead of the official batches: `.data`,
    `.targets`, `.classes`, items (PIL image, label) through `transform`."""
    from torchvision import datasets
    from torchvision.datasets.vision import VisionDataset

    class CIFAR10JPEG(datasets.CIFAR10):
        def __init__(self, root, train=True, transform=None, target_transform=None):
            VisionDataset.__init__(self, str(root), transform=transform, target_transform=target_transform)
            self.train = train
            images, labels = load("train" if train else "test")
            self.data = images
            self.targets = labels.tolist()
            self.classes = list(classes)
            self.class_to_idx = {name: i for i, name in enumerate(self.classes)}

    CIFAR10JPEG.__module__ = module
    return CIFAR10JPEG
