"""Hidden checks for step 15 (a pooling layer)."""
import torch
from torch import nn

from course.grader.judge import run_beside, type_name
from course.vision import in_chain_order, layers_of, pooled_shapes, scores_or_explain

# Judged from outside the student's kernel (course/grader/judge): `nb` is remote.

def test_poolnet(nb):
    model = nb.PoolNet()
    scores_or_explain(model, "PoolNet")
    # The layers are found where the model lives (see course.grader.judge.run_beside).
    pooled = run_beside(model, pooled_shapes, torch.randn(5, 3, 32, 32))
    assert pooled, ("PoolNet's forward should max-pool the convolution's maps (nn.MaxPool2d(2, 2), or "
                    "F.max_pool2d(x, 2)): after pooling, 5 images should be (5, 6, 14, 14)")
    assert pooled[0] == (5, 6, 14, 14), (
        f"after pooling, 5 images should be (5, 6, 14, 14): 6 maps of 14 x 14; found {pooled[0]}")
    linears = run_beside(model, layers_of, nn.Linear)
    sizes = [(m.in_features, m.out_features) for m in in_chain_order(linears, 1176)]  # any declaration order
    assert sizes == [(1176, 120), (120, 10)], (
        f"PoolNet's linear layers should be 1176 -> 120 and 120 -> 10, found {[(m.in_features, m.out_features) for m in linears]}")
    convs = [tuple(m.weight.shape) for m in run_beside(model, layers_of, nn.Conv2d)]
    assert convs == [(6, 3, 5, 5)], f"PoolNet should have one nn.Conv2d(3, 6, 5), found weights of shapes {convs}"


def test_count_parameters(nb):
    models = {
        "nn.Linear(4, 2)": nn.Linear(4, 2),
        "nn.Conv2d(3, 6, 5)": nn.Conv2d(3, 6, 5),
        "nn.Linear(3, 5, bias=False)": nn.Linear(3, 5, bias=False),
        "a conv, a pooling and a linear layer": nn.Sequential(nn.Conv2d(1, 2, 3), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8, 3)),
    }
    for name, model in models.items():
        expected = sum(p.numel() for p in model.parameters())
        got = nb.count_parameters(model)
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
