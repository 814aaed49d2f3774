"""Hidden checks for step 13 (an MLP classifier on Fashion-MNIST)."""
import copy

import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision import transforms

from course.data import fashion_mnist
from course.grader.judge import run_beside, type_name
from course.vision import graded_accuracy, in_chain_order, layers_of

# Judged from outside the student's kernel (course/grader/judge): `nb` is remote.

# The notebook's own transform: the images the model was trained on.
TEST_TRANSFORM = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
FASHION_THRESHOLD = 0.82  # the graded reference: 84.8% validation, 84.3% test after 2 epochs; with a sigmoid on its scores, 80.0% and 79.1%


def test_mlp(nb):
    torch.manual_seed(0)
    for in_features, shape in ((784, (64, 1, 28, 28)), (3 * 32 * 32, (5, 3, 32, 32))):
        model = nb.MLP(in_features=in_features)
        try:
            scores = model(torch.randn(shape))
        except RuntimeError as error:
            raise AssertionError(
                f"MLP(in_features={in_features}) failed on images of shape {shape}: {str(error).splitlines()[0]}. "
                "Flatten the images with x.flatten(1) and use in_features for the first layer") from None
        assert tuple(scores.shape) == (shape[0], 10), (
            f"MLP(in_features={in_features}) on images of shape {shape} should give scores of shape "
            f"{(shape[0], 10)}, found {tuple(scores.shape)}")
        if scores.min() >= 0 and scores.max() <= 1:
            raise AssertionError(
                "every score of MLP is between 0 and 1: the last layer's output should be raw scores, "
                "with no sigmoid (or softmax) after it; nn.CrossEntropyLoss does the softmax itself")
    model = nb.MLP()
    found = run_beside(model, layers_of, nn.Linear)  # asked where the model lives
    linear = in_chain_order(found, 784)  # whatever order they were declared in
    sizes = [(m.in_features, m.out_features) for m in linear]
    assert sizes == [(784, 128), (128, 10)], (
        "MLP() should have two linear layers, 784 -> 128 and 128 -> 10; found "
        f"{[(m.in_features, m.out_features) for m in found]}")
    x = torch.randn(4, 1, 28, 28)
    scores = model(x)
    with torch.no_grad():
        expected = linear[1](torch.sigmoid(linear[0](x.flatten(1))))
    assert torch.allclose(scores, expected, atol=1e-5), (
        "MLP's scores differ from flatten -> linear -> sigmoid -> linear computed with its own layers: a sigmoid "
        "between the two linear layers (not a ReLU, not nothing), and nothing after the last one")
    assert len(list(nb.MLP(classes=3).parameters())) and nb.MLP(classes=3)(torch.randn(2, 1, 28, 28)).shape == (2, 3), (
        "MLP(classes=3) should give 3 scores per image")


def _tiny_setup():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Flatten(), nn.Linear(12, 3))
    x, y = torch.randn(9, 1, 3, 4), torch.randint(0, 3, (9,))
    loader = [(x[:3], y[:3]), (x[3:6], y[3:6]), (x[6:], y[6:])]
    return model, loader


def _reference_epoch(model, loader, zero_grad=True):
    sgd = torch.optim.SGD(model.parameters(), lr=0.5)
    seen = []
    for xb, yb in loader:
        if zero_grad:
            sgd.zero_grad()
        batch_loss = nn.functional.cross_entropy(model(xb), yb)
        batch_loss.backward()
        sgd.step()
        seen += [batch_loss.item()]
    return seen


def test_train_epoch(nb):
    model, loader = _tiny_setup()
    expected_model, accumulated_model = copy.deepcopy(model), copy.deepcopy(model)
    expected = _reference_epoch(expected_model, loader)
    _reference_epoch(accumulated_model, loader, zero_grad=False)
    start = [p.detach().clone() for p in model.parameters()]
    got = nb.train_epoch(model, loader, torch.optim.SGD(model.parameters(), lr=0.5), nn.CrossEntropyLoss())
    assert isinstance(got, list) and len(got) == 3, (
        f"train_epoch over 3 batches should return a list of 3 losses, found {got!r}")
    assert all(isinstance(l, float) for l in got), (
        f"train_epoch should return the losses as Python floats (loss.item()), found {[type_name(l) for l in got]}")
    params = list(model.parameters())
    if all(torch.equal(p, s) for p, s in zip(params, start)):
        raise AssertionError("train_epoch did not change the weights: call optimizer.step() after loss.backward()")
    if all(torch.allclose(p, a, atol=1e-6) for p, a in zip(params, accumulated_model.parameters())):
        raise AssertionError(
            "the gradients add up from batch to batch: call optimizer.zero_grad() for every batch, before loss.backward()")
    assert all(torch.allclose(p, e, atol=1e-6) for p, e in zip(params, expected_model.parameters())), (
        "after train_epoch the weights differ from one SGD step per batch "
        "(zero_grad, scores, loss, backward, step, in that order, for each batch)")
    assert torch.allclose(torch.tensor(got), torch.tensor(expected), atol=1e-5), (
        f"train_epoch should return each batch's loss before its update: expected {expected}, found {got}")


def test_accuracy(nb):
    # The student's function, against a count made here.
    torch.manual_seed(2)
    model = nn.Sequential(nn.Flatten(), nn.Linear(6, 4))
    x, y = torch.randn(30, 1, 2, 3), torch.randint(0, 4, (30,))
    with torch.no_grad():
        expected = (model(x).argmax(1) == y).float().mean().item()
    got = nb.accuracy(model, DataLoader(list(zip(x, y)), batch_size=7))
    assert isinstance(got, float), f"accuracy should return a Python float, found {type_name(got)}"
    assert abs(got - expected) < 1e-6, (
        f"accuracy gave {got:.4f} for a model that is right on {expected:.4f} of the images: count "
        "(scores.argmax(dim=1) == labels) over every batch, and divide by the number of images")
    # The notebook measured on its validation split; the grade counts the
    # trained model's answers on the test split, loaded here, so that only
    # its images go to the student's model, never its labels.
    val_set = nb.val_set
    assert len(val_set) == 10000 and getattr(val_set, "split", None) == "val", (
        'val_set should be the 10,000 Fashion-MNIST validation images: fashion_mnist("val", transform=transform)')
    measured = graded_accuracy(nb.model, fashion_mnist("test", transform=TEST_TRANSFORM))
    assert measured > FASHION_THRESHOLD, (
        f"the trained model classifies {measured:.1%} of the 10,000 test images right (the grader keeps their "
        f"labels and counts your model's answers); after two epochs it should be above {FASHION_THRESHOLD:.0%}. "
        "Is it trained (see the loss curve)?")
