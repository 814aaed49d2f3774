"""Hidden checks for step 14 (a convolutional layer)."""
import torch
from torch import nn

from course.vision import layer_shapes


def test_conv_output_size(nb):
    for size in (32, 28, 9):
        for kernel in (1, 3, 5):
            for padding in (0, 1, 2):
                for stride in (1, 2, 3):
                    conv = nn.Conv2d(1, 1, kernel, padding=padding, stride=stride)
                    expected = conv(torch.zeros(1, 1, size, size)).shape[-1]
                    got = nb.conv_output_size(size, kernel, padding=padding, stride=stride)
                    assert got == expected, (
                        f"conv_output_size({size}, {kernel}, padding={padding}, stride={stride}) should be "
                        f"{expected} (what nn.Conv2d gives), found {got!r}")
                    assert isinstance(got, int), f"conv_output_size should return an int, found {type(got).__name__}"


def check_scores(model, name):
    torch.manual_seed(0)
    for n in (5, 1):
        try:
            scores = model(torch.randn(n, 3, 32, 32))
        except RuntimeError as error:
            raise AssertionError(f"{name} failed on a batch of {n} images: {str(error).splitlines()[0]}") from None
        assert tuple(scores.shape) == (n, 10), (
            f"{name} on a batch of {n} images should give scores of shape ({n}, 10), found {tuple(scores.shape)}")
    if scores.min() >= 0:
        raise AssertionError(f"{name}'s scores are never negative: nothing (no sigmoid, no ReLU) should come after the last linear layer")


def test_convnet(nb):
    model = nb.ConvNet()
    check_scores(model, "ConvNet()")
    shapes = layer_shapes(model, torch.randn(5, 3, 32, 32))
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    assert len(convs) == 1 and tuple(convs[0].weight.shape) == (6, 3, 5, 5), (
        "ConvNet should have one nn.Conv2d(3, 6, 5): 6 filters of 3 x 5 x 5; found "
        + (", ".join(str(tuple(c.weight.shape)) for c in convs) or "none"))
    assert shapes[0][1] == (5, 6, 28, 28), (
        f"the convolution's output for 5 images should be (5, 6, 28, 28), found {shapes[0][1]}")
    sizes = [(m.in_features, m.out_features) for m in linears]
    assert sizes == [(4704, 120), (120, 10)], f"ConvNet's linear layers should be 4704 -> 120 and 120 -> 10, found {sizes}"


def test_training(nb):
    losses = nb.loss_history
    assert len(losses) >= 300, f"loss_history should hold the losses of at least 300 batches, found {len(losses)}"
    assert all(isinstance(l, float) for l in losses), "loss_history should hold floats"
    assert any(isinstance(m, nn.Conv2d) for m in nb.model.modules()), "model should be the ConvNet that was trained"
    first, last = sum(losses[:50]) / 50, sum(losses[-50:]) / 50
    assert last < first - 0.2, (
        f"the loss should fall during training: the first 50 batches average {first:.3f}, the last 50 {last:.3f}")
    assert last < 2.30 - 0.2, (
        f"the loss should fall below 2.30, the loss of guessing (1/10 for every class): the last 50 batches "
        f"average {last:.3f}. Did it blow up at the start (first 50 batches: {first:.3f})?")
