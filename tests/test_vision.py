"""course.vision: the per-layer shapes the checks rely on, and the
device -> (budget, threshold) rule of step 17, GPU branch included (it is
exercised here by pretending CUDA is available: the CI has no GPU)."""
import importlib.util

import pytest
import torch
from torch import nn

from course import vision
from course.grading import Notebook
from tests.conftest import REPO


def test_budget_by_device():
    cpu, gpu = vision.budget("cpu"), vision.budget("cuda")
    assert vision.budget("cuda:0") == gpu and vision.budget(torch.device("cuda", 1)) == gpu
    assert vision.budget(torch.device("cpu")) == cpu and vision.budget("mps") == cpu
    # The GPU trains longer and is held to more.
    assert gpu.epochs > cpu.epochs and gpu.min_accuracy > cpu.min_accuracy
    # Thresholds an untrained or diverged model (10%) cannot reach, below
    # what the reference reaches (65% after 2 epochs, 73% after 6).
    assert 0.3 < cpu.min_accuracy <= 0.60 and 0.3 < gpu.min_accuracy <= 0.70


def test_layer_shapes_whatever_the_style():
    class Attributes(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 3, padding=1)
            self.pool = nn.MaxPool2d(2)
            self.fc = nn.Linear(4 * 4 * 4, 10)

        def forward(self, x):
            x = self.pool(self.pool(torch.relu(self.conv(x))))  # the same pool, twice
            return self.fc(x.flatten(1))

    sequential = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.MaxPool2d(2),
                               nn.Flatten(), nn.Linear(64, 10))
    x = torch.randn(2, 3, 16, 16)
    expected = [(2, 4, 16, 16), (2, 4, 8, 8), (2, 4, 4, 4), (2, 10)]
    assert [s for _, s in vision.layer_shapes(Attributes(), x)] == expected
    assert [s for _, s in vision.layer_shapes(sequential, x)] == expected[:3] + [(2, 64), (2, 10)]


def _check_17():
    spec = importlib.util.spec_from_file_location("check_17", REPO / "tests/hidden/check_17_cnn_cifar10.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Labelled(torch.utils.data.Dataset):
    """10,000 'test images' whose label is written in pixel (0, 0, 0); pixel
    (0, 0, 1) decides whether the model below answers right."""
    train = False

    def __init__(self, right):
        self.labels = torch.arange(10_000) % 10
        self.right = torch.rand(10_000, generator=torch.Generator().manual_seed(0)) < right

    def __len__(self):
        return 10_000

    def __getitem__(self, i):
        x = torch.zeros(3, 2, 2)
        x[0, 0, 0], x[0, 0, 1] = self.labels[i], float(self.right[i])
        return x, int(self.labels[i])


class _Oracle(nn.Module):
    """Right exactly where the dataset says so."""

    def __init__(self):
        super().__init__()
        self.unused = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        label = x[:, 0, 0, 0].long()
        answer = torch.where(x[:, 0, 0, 1] > 0, label, (label + 1) % 10)
        return nn.functional.one_hot(answer, 10).float()


@pytest.mark.parametrize("cuda", [False, True], ids=["cpu", "gpu"])
def test_accuracy_check_uses_the_device_threshold(monkeypatch, cuda):
    """A model between the two thresholds passes on a CPU runner and fails on
    a GPU runner; one below both fails on both; one above both passes."""
    check = _check_17()
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    plan = vision.budget("cuda" if cuda else "cpu")
    low, high = vision.BUDGETS["cpu"].min_accuracy, vision.BUDGETS["cuda"].min_accuracy
    for right in (0.10, (low + high) / 2, high + 0.05):
        nb = Notebook({"model": _Oracle(), "test_set": _Labelled(right)})
        measured = _Labelled(right).right.float().mean().item()
        if measured > plan.min_accuracy:
            check.test_accuracy(nb)
        else:
            with pytest.raises(AssertionError, match=f"{plan.epochs} epochs \\({plan.device}\\)"):
                check.test_accuracy(nb)
