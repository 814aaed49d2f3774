"""Hidden checks for step 15 (a pooling layer)."""
import torch
import torch.nn.functional as F
from torch import nn

from course.grader.judge import run_beside, type_name
from course.vision import in_chain_order, layers_of, pooled_shapes, scores_or_explain

# Judged from outside the student's kernel (course/grader/judge): `nb` is remote.

def test_poolnet(nb):
    model = nb.PoolNet()
    x, scores = scores_or_explain(model, "PoolNet", sizes=(5,))
    # The layers are found where the model lives (see course.grader.judge.run_beside).
    pooled = run_beside(model, pooled_shapes, torch.randn(5, 3, 32, 32))
    assert pooled, ("PoolNet's forward should max-pool the convolution's maps (nn.MaxPool2d(2, 2), or "
                    "F.max_pool2d(x, 2)): after pooling, 5 images should be (5, 6, 14, 14)")
    assert pooled[0] == (5, 6, 14, 14), (
        f"after pooling, 5 images should be (5, 6, 14, 14): 6 maps of 14 x 14; found {pooled[0]}")
    linears = run_beside(model, layers_of, nn.Linear)
    chained = in_chain_order(linears, 1176)  # any declaration order
    sizes = [(m.in_features, m.out_features) for m in chained]
    assert sizes == [(1176, 120), (120, 10)], (
        f"PoolNet's linear layers should be 1176 -> 120 and 120 -> 10, found {[(m.in_features, m.out_features) for m in linears]}")
    convs = run_beside(model, layers_of, nn.Conv2d)
    shapes = [tuple(m.weight.shape) for m in convs]
    assert shapes == [(6, 3, 5, 5)], f"PoolNet should have one nn.Conv2d(3, 6, 5), found weights of shapes {shapes}"
    # The text's sigmoids: the scores against its recipe computed with the
    # net's own layers (they run where they live; the rest is computed here).
    # Max pooling and a sigmoid commute: either order gives the same scores.
    (conv,), (fc1, fc2) = convs, chained
    with torch.no_grad():
        expected = fc2(torch.sigmoid(fc1(F.max_pool2d(torch.sigmoid(conv(x)), 2).flatten(1))))
        with_relu = fc2(F.relu(fc1(F.max_pool2d(F.relu(conv(x)), 2).flatten(1))))
    if torch.allclose(scores, with_relu, atol=1e-5):
        raise AssertionError("PoolNet uses ReLU where the exercise asks for a sigmoid (after the convolution and "
                             "after fc1): ReLU comes in step 16; here, step 14's torch.sigmoid")
    assert torch.allclose(scores, expected, atol=1e-5), (
        "PoolNet's scores differ from conv -> sigmoid -> max pool -> flatten -> fc1 -> sigmoid -> fc2 computed "
        "with its own layers: a sigmoid after the convolution and after the first linear layer, nothing after "
        "the last one")


def test_count_parameters(nb):
    models = {
        "nn.Linear(4, 2)": nn.Linear(4, 2),
        "nn.Conv2d(3, 6, 5)": nn.Conv2d(3, 6, 5),
        "nn.Linear(3, 5, bias=False)": nn.Linear(3, 5, bias=False),
        "a conv, a pooling and a linear layer": nn.Sequential(nn.Conv2d(1, 2, 3), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8, 3)),
    }
    for name, model in models.items():
        expected = sum(p.numel() for p in model.parameters())
        tensors = len(list(model.parameters()))
        weights = sum(p.numel() for n, p in model.named_parameters() if n.endswith("weight"))
        got = nb.count_parameters(model)
        # A hint for the slip made, when the count says which (one tensor, or no bias, counts right by chance).
        if got != expected and got == tensors:
            raise AssertionError(f"count_parameters({name}) gave {got}, the number of parameter tensors: add up the "
                                 f"numbers in each (t.numel()), {expected} in all")
        if got != expected and got == weights:
            raise AssertionError(f"count_parameters({name}) gave {got}, the weights only: the biases are parameters "
                                 f"too, {expected} in all")
        assert got == expected, (
            f"count_parameters({name}) should be {expected} (every weight and every bias), found {got!r}")


def test_training(nb):
    losses = nb.loss_history
    assert len(losses) >= 300, f"loss_history should hold the losses of at least 300 batches, found {len(losses)}"
    assert type_name(nb.model) == "PoolNet", f"model should be the PoolNet that was trained, found {type_name(nb.model)}"
    first, last = sum(losses[:50]) / 50, sum(losses[-50:]) / 50
    assert last < first - 0.2, (
        f"the loss should fall during training: the first 50 batches average {first:.3f}, the last 50 {last:.3f}")
    assert last < 2.30 - 0.2, (
        f"the loss should fall below 2.30, the loss of guessing (1/10 for every class): the last 50 batches "
        f"average {last:.3f}. Did it blow up at the start (first 50 batches: {first:.3f})?")
