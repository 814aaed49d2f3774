"""Hidden checks for step 14 (a convolutional layer)."""
import torch
import torch.nn.functional as F
from torch import nn

from course.grader.judge import run_beside, type_name
from course.vision import in_chain_order, layer_shapes, layers_of, scores_or_explain

# Judged from outside the student's kernel (course/grader/judge): `nb` is remote.

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
                    assert isinstance(got, int), f"conv_output_size should return an int, found {type_name(got)}"


def test_convnet(nb):
    model = nb.ConvNet()
    x, scores = scores_or_explain(model, "ConvNet", why="no sigmoid, no ReLU", sizes=(5,))
    # The layers are found where the model lives (see course.grader.judge.run_beside).
    shapes = run_beside(model, layer_shapes, torch.randn(5, 3, 32, 32))
    convs = run_beside(model, layers_of, nn.Conv2d)
    linears = run_beside(model, layers_of, nn.Linear)
    assert len(convs) == 1 and tuple(convs[0].weight.shape) == (6, 3, 5, 5), (
        "ConvNet should have one nn.Conv2d(3, 6, 5): 6 filters of 3 x 5 x 5; found "
        + (", ".join(str(tuple(c.weight.shape)) for c in convs) or "none"))
    assert (5, 6, 28, 28) in [shape for _, shape in shapes], (
        f"the convolution's output for 5 images should be (5, 6, 28, 28); the layers' outputs were {shapes}")
    chained = in_chain_order(linears, 4704)  # any declaration order
    sizes = [(m.in_features, m.out_features) for m in chained]
    assert sizes == [(4704, 120), (120, 10)], f"ConvNet's linear layers should be 4704 -> 120 and 120 -> 10, found {[(m.in_features, m.out_features) for m in linears]}"
    fc1, fc2 = chained
    # The text's sigmoids: the scores against its recipe computed with the
    # net's own layers (they run where they live; the rest is computed here).
    with torch.no_grad():
        expected = fc2(torch.sigmoid(fc1(torch.sigmoid(convs[0](x)).flatten(1))))
        with_relu = fc2(F.relu(fc1(F.relu(convs[0](x)).flatten(1))))
    if torch.allclose(scores, with_relu, atol=1e-5):
        raise AssertionError("ConvNet uses ReLU where the exercise asks for a sigmoid (after the convolution and "
                             "after fc1): ReLU comes in step 16; here, torch.sigmoid")
    assert torch.allclose(scores, expected, atol=1e-5), (
        "ConvNet's scores differ from conv -> sigmoid -> flatten -> fc1 -> sigmoid -> fc2 computed with its own "
        "layers: a sigmoid after the convolution and after the first linear layer, nothing after the last one")


def test_training(nb):
    losses = nb.loss_history
    assert len(losses) >= 300, f"loss_history should hold the losses of at least 300 batches, found {len(losses)}"
    assert all(isinstance(l, float) for l in losses), "loss_history should hold floats"
    assert run_beside(nb.model, layers_of, nn.Conv2d), "model should be the ConvNet that was trained"
    first, last = sum(losses[:50]) / 50, sum(losses[-50:]) / 50
    assert last < first - 0.2, (
        f"the loss should fall during training: the first 50 batches average {first:.3f}, the last 50 {last:.3f}")
    assert last < 2.30 - 0.2, (
        f"the loss should fall below 2.30, the loss of guessing (1/10 for every class): the last 50 batches "
        f"average {last:.3f}. Did it blow up at the start (first 50 batches: {first:.3f})?")
