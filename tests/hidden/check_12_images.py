"""Hidden checks for step 12 (images). Each test gets the student's notebook
variables as `nb`; its assertion message is the student's feedback."""
import torch
from torch.utils.data import DataLoader, RandomSampler
from torchvision import transforms

from course.data import fashion_mnist


def test_transform(nb):
    raw = fashion_mnist(train=False)
    for index in (0, 1, 2):
        image = raw[index][0]
        got = nb.transform(image)
        expected = (transforms.functional.to_tensor(image) - 0.5) / 0.5
        assert isinstance(got, torch.Tensor), f"transform should return a tensor, found {type(got).__name__}"
        assert tuple(got.shape) == (1, 28, 28), f"transform(image) should have shape (1, 28, 28), found {tuple(got.shape)}"
        assert got.dtype == torch.float32, f"transform(image) should hold floats, found {got.dtype}"
        if got.min() >= 0:
            raise AssertionError(
                f"transform(image) goes from {got.min().item():.2f} to {got.max().item():.2f}: expected -1 to 1. "
                "Did you forget transforms.Normalize((0.5,), (0.5,)) after ToTensor()?")
        assert torch.allclose(got, expected, atol=1e-5), (
            "transform(image) should be ToTensor() then Normalize((0.5,), (0.5,)), that is (pixel / 255 - 0.5) / 0.5; "
            f"pixel 0 should be {expected.flatten()[0].item():.3f}, found {got.flatten()[0].item():.3f}")


def _check_split(name, loader, size, train):
    assert isinstance(loader, DataLoader), f"{name} should be a DataLoader, found {type(loader).__name__}"
    dataset = loader.dataset
    assert len(dataset) == size and getattr(dataset, "train", train) == train, (
        f"{name} should go over the {size:,} {'training' if train else 'test'} images, "
        f"found a dataset of {len(dataset):,}")


def test_loaders(nb):
    _check_split("train_loader", nb.train_loader, 60000, True)
    _check_split("test_loader", nb.test_loader, 10000, False)
    assert nb.train_loader.batch_size == 64, f"train_loader should make batches of 64, found {nb.train_loader.batch_size}"
    assert isinstance(nb.train_loader.sampler, RandomSampler), (
        "train_loader should shuffle the training images (shuffle=True): found them in the same order every epoch")
    xb, _ = next(iter(nb.test_loader))
    assert xb.shape[1:] == (1, 28, 28), (
        f"the test images should be transformed like the training images, to (1, 28, 28) tensors; found {tuple(xb.shape)}")


def test_to_vectors(nb):
    torch.manual_seed(0)
    for shape in ((5, 1, 28, 28), (1, 1, 28, 28), (7, 3, 32, 32)):
        x = torch.randn(shape)
        expected = x.reshape(shape[0], -1)
        try:
            got = nb.to_vectors(x)
        except RuntimeError as error:
            raise AssertionError(
                f"to_vectors failed on a batch of shape {shape}: {str(error).splitlines()[0]}. "
                "It should work for any image size (CIFAR-10 images are (3, 32, 32): 3072 numbers): "
                "hard-coding 784 only fits 28x28 grey images; use x.flatten(1)") from None
        assert tuple(got.shape) == tuple(expected.shape), (
            f"to_vectors(x) for x of shape {shape} should have shape {tuple(expected.shape)} "
            f"(one vector of {expected.shape[1]} numbers per image), found {tuple(got.shape)}")
        assert torch.equal(got, expected), (
            f"to_vectors(x) for x of shape {shape}: row i should hold the pixels of image i, in order")
