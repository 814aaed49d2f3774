"""Hidden checks for step 12 (images). Each test gets the student's notebook
variables as `nb`; its assertion message is the student's feedback."""
import numpy as np
import torch
from torch.utils.data import DataLoader
from torchvision import transforms

from course.data import fashion_mnist
from course.grader.judge import is_instance, run_beside, the_object, type_name
from course.grader.in_kernel.probes import batches_dealt, first_item, on_pil_image, seeded

# Judged from outside the student's kernel (course/grader/judge): `nb` is remote.

def test_transform(nb):
    raw = fashion_mnist("val")
    transform = the_object(nb, "transform")
    for index in (0, 1, 2):
        image = raw[index][0]
        # A PIL image cannot go to the kernel: its pixels do, and the probe
        # makes the image again there (course/grader/in_kernel/probes.py).
        got = run_beside(transform, on_pil_image, torch.from_numpy(np.array(image)))
        expected = (transforms.functional.to_tensor(image) - 0.5) / 0.5
        assert isinstance(got, torch.Tensor), f"transform should return a tensor, found {type_name(got)}"
        assert tuple(got.shape) == (1, 28, 28), f"transform(image) should have shape (1, 28, 28), found {tuple(got.shape)}"
        assert got.dtype == torch.float32, f"transform(image) should hold floats, found {got.dtype}"
        if got.min() >= 0:
            raise AssertionError(
                f"transform(image) goes from {got.min().item():.2f} to {got.max().item():.2f}: expected -1 to 1. "
                "Did you forget transforms.Normalize((0.5,), (0.5,)) after ToTensor()?")
        assert torch.allclose(got, expected, atol=1e-5), (
            "transform(image) should be ToTensor() then Normalize((0.5,), (0.5,)), that is (pixel / 255 - 0.5) / 0.5; "
            f"pixel 0 should be {expected.flatten()[0].item():.3f}, found {got.flatten()[0].item():.3f}")


SPLIT_NAMES = {"train": "training", "val": "validation"}


def _check_split(name, loader, size, split):
    assert is_instance(loader, DataLoader), f"{name} should be a DataLoader, found {type_name(loader)}"
    dataset = loader.dataset
    # `split` is what course.data's datasets say they are: "train", "val" or "test".
    found = getattr(dataset, "split", split)
    assert len(dataset) == size and found == split, (
        f"{name} should go over the {size:,} {SPLIT_NAMES[split]} images (fashion_mnist({split!r}, ...)), "
        f"found a dataset of {len(dataset):,}" + (f" from the {found!r} split" if found != split else ""))


def _batches_of(name, dealt, size):
    """Fails unless a pass of `dealt` deals batches of `size` (the last one may be smaller)."""
    sizes = dealt[0][1]
    assert sizes and all(n == size for n in sizes[:-1]) and sizes[-1] <= size, (
        f"{name} should deal batches of {size} (batch_size={size}); found batches of "
        f"{', '.join(str(n) for n in sorted(set(sizes), reverse=True)[:3])}")


def test_loaders(nb):
    train_loader, val_loader = nb.train_loader, nb.val_loader
    _check_split("train_loader", train_loader, 50000, "train")
    _check_split("val_loader", val_loader, 10000, "val")
    # Judged by what the loaders deal over two passes (their indices, drawn in
    # the kernel from a seed, no image read), whatever made them shuffle or not.
    train = run_beside(the_object(nb, "train_loader"), seeded, 12, batches_dealt, 2)
    val = run_beside(the_object(nb, "val_loader"), seeded, 12, batches_dealt, 2)
    _batches_of("train_loader", train, 64)
    assert not torch.equal(train[0][0], train[1][0]), (
        "train_loader should shuffle the training images (shuffle=True): found them in the same order every epoch")
    assert torch.equal(val[0][0], val[1][0]), (
        "val_loader should not shuffle: validation images in a fixed order make the picture grids and "
        "per-image results the same every run (leave shuffle at its default, False)")
    _batches_of("val_loader", val, 1000)
    # One batch, made in the kernel; only it comes back.
    xb, _ = run_beside(val_loader, first_item)
    assert xb.shape[1:] == (1, 28, 28), (
        f"the validation images should be transformed like the training images, to (1, 28, 28) tensors; found {tuple(xb.shape)}")


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
        assert isinstance(got, torch.Tensor), (
            f"to_vectors(x) should return a tensor (a batch of vectors), found {type_name(got)}")
        assert tuple(got.shape) == tuple(expected.shape), (
            f"to_vectors(x) for x of shape {shape} should have shape {tuple(expected.shape)} "
            f"(one vector of {expected.shape[1]} numbers per image), found {tuple(got.shape)}")
        assert torch.equal(got, expected), (
            f"to_vectors(x) for x of shape {shape}: row i should hold the pixels of image i, in order")
