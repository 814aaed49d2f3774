"""Hidden checks for step 16 (ReLU, a second convolution, the device)."""
import torch
import torch.nn.functional as F
from torch import nn

from course.grader.judge import run_beside
from course.grader.in_kernel.probes import parameters_device
from course.vision import in_chain_order, layer_shapes, layers_of, scores_or_explain

# Judged from outside the student's kernel (course/grader/judge): `nb` is remote.

def test_cnn(nb):
    model = nb.CNN()
    x, scores = scores_or_explain(model, "CNN", hint="Check each layer's sizes against the table",
                                  why="the tutorial's F.relu(self.fc2(x)) keeps scores from going below 0", sizes=(5,))
    # The layers are found where the model lives (see course.grader.judge.run_beside).
    conv_layers, linear_layers = run_beside(model, layers_of, nn.Conv2d), run_beside(model, layers_of, nn.Linear)
    convs = in_chain_order(conv_layers, 3)
    linears = in_chain_order(linear_layers, 500)
    assert [tuple(c.weight.shape) for c in convs] == [(10, 3, 5, 5), (20, 10, 5, 5)], (
        "CNN should have nn.Conv2d(3, 10, 5) and nn.Conv2d(10, 20, 5); found weights of shapes "
        f"{[tuple(c.weight.shape) for c in conv_layers]}")
    assert [(m.in_features, m.out_features) for m in linears] == [(500, 120), (120, 10)], (
        "CNN's linear layers should be 500 -> 120 and 120 -> 10; found "
        f"{[(m.in_features, m.out_features) for m in linear_layers]}")
    shapes = [shape for _, shape in run_beside(model, layer_shapes, x)]
    for expected in ((5, 10, 28, 28), (5, 10, 14, 14), (5, 20, 10, 10), (5, 20, 5, 5)):
        assert expected in shapes, (
            f"for 5 images, some layer should output {expected} (see the table); the layers' outputs were {shapes}")
    # The layers run where they live; what is made of their outputs is computed here.
    with torch.no_grad():
        conv1, conv2 = convs
        fc1, fc2 = linears
        h = F.max_pool2d(F.relu(conv1(x)), 2)
        h = F.max_pool2d(F.relu(conv2(h)), 2).flatten(1)
        expected = fc2(F.relu(fc1(h)))
        with_sigmoid = fc2(torch.sigmoid(fc1(F.max_pool2d(torch.sigmoid(conv2(
            F.max_pool2d(torch.sigmoid(conv1(x)), 2))), 2).flatten(1))))
    if torch.allclose(scores, with_sigmoid, atol=1e-5):
        raise AssertionError("CNN still uses sigmoids: use ReLU (F.relu) after each convolution and after fc1")
    assert torch.allclose(scores, expected, atol=1e-5), (
        "CNN's scores differ from conv1 -> ReLU -> pool -> conv2 -> ReLU -> pool -> flatten -> fc1 -> ReLU -> fc2 "
        "computed with its own layers: check the order, and that each ReLU is where the table says")


def test_device(nb):
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    device = nb.device
    try:
        kind = torch.device(device).type
    except (RuntimeError, TypeError):
        raise AssertionError(f"device should be the string 'cuda' or 'cpu', found {device!r}") from None
    assert kind == expected, (
        f"device should be 'cuda' when torch.cuda.is_available() and 'cpu' otherwise: here {expected!r}; found {device!r}")
    model = nb.model
    where = run_beside(model, parameters_device)
    assert where == expected, f"model's weights should be on {expected}: model = CNN().to(device); found them on {where}"
    assert len(run_beside(model, layers_of, nn.Conv2d)) == 2, "model should be a new CNN"


def test_training(nb):
    losses = nb.loss_history
    assert len(losses) >= 300, f"loss_history should hold the losses of at least 300 batches, found {len(losses)}"
    assert len(run_beside(nb.model, layers_of, nn.Conv2d)) == 2, "model should be the CNN that was trained"
    first, last = sum(losses[:50]) / 50, sum(losses[-50:]) / 50
    assert last < first - 0.3, (
        f"the loss should fall during training: the first 50 batches average {first:.3f}, the last 50 {last:.3f}")
    assert last < 2.30 - 0.3, (
        f"the loss should fall below 2.30, the loss of guessing (1/10 for every class): the last 50 batches "
        f"average {last:.3f}. Did it blow up at the start (first 50 batches: {first:.3f})?")
