"""Hidden checks for step 09 (logistic regression: sigmoid, binary
cross-entropy, and XOR beyond one layer). Each test gets the student's
notebook variables as `nb`; its assertion message is the student's feedback."""
import copy
import numbers

import torch
import torch.nn as nn
import torch.optim as optim

from course.grader.judge import type_name

# Judged from outside the student's kernel (course/grader/judge): `nb` is remote.

X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y_AND = torch.tensor([[0.0], [0.0], [0.0], [1.0]])


def test_bce(nb):
    generator = torch.Generator().manual_seed(9)
    for shape in ((5,), (4, 1), (2, 3)):
        p = torch.rand(shape, generator=generator) * 0.98 + 0.01
        y = (torch.rand(shape, generator=generator) > 0.5).float()
        got = nb.bce_by_hand(p, y)
        assert isinstance(got, torch.Tensor), f"bce_by_hand should return a tensor, found {type_name(got)}"
        assert got.numel() == 1, f"bce_by_hand should return one number, the mean, found shape {tuple(got.shape)}"
        expected = nn.BCELoss()(p, y).item()
        value = got.item()
        hint = ""
        if abs(value + expected) < 1e-4:
            hint = ": the sign is flipped, BCE is minus the mean of y*log(p) + (1-y)*log(1-p)"
        elif abs(value - expected * p.numel()) < 1e-3:
            hint = ": that is the sum; BCE is the mean"
        elif abs(value + (y * torch.log(p)).mean().item()) < 1e-4:
            hint = ": that is only the y = 1 half, add (1 - y) * log(1 - p)"
        assert abs(value - expected) < 1e-4, (
            f"bce_by_hand on {p.numel()} entries should be {expected:.4f} (nn.BCELoss), found {value:.4f}{hint}"
        )


def _reference(layer, x, y, epochs, lr):
    model = copy.deepcopy(layer)
    sgd = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        sgd.zero_grad()
        loss = nn.BCELoss()(torch.sigmoid(model(x)), y)
        loss.backward()
        sgd.step()
        losses.append(float(loss))
    return losses


def test_train(nb):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(99)
        layer = nn.Linear(2, 1)
    expected = _reference(layer, X, Y_AND, 40, 0.5)
    history = nb.train_logistic(copy.deepcopy(layer), X, Y_AND, 40, 0.5)
    assert history is not None, "train_logistic returned None: end it with `return history`"
    assert isinstance(history, (list, tuple)), (
        f"train_logistic should return a list of losses (loss.item() of each step), found {type_name(history)}"
    )
    history = list(history)
    assert len(history) == 40, f"train_logistic(layer, x, y, epochs=40, lr=0.5) should return 40 losses, found {len(history)}"
    assert all(isinstance(h, numbers.Real) for h in history), "the history should hold plain floats (loss.item())"
    with torch.no_grad():
        mse_first = nn.MSELoss()(torch.sigmoid(layer(X)), Y_AND).item()
    hint = ""
    if abs(history[0] - mse_first) < 1e-4:
        hint = ": that is the MSE of the first epoch; for 0/1 targets use nn.BCELoss()"
    assert abs(history[0] - expected[0]) < 1e-4, (
        f"on the AND targets the first loss should be the BCE of the untrained layer, {expected[0]:.4f}, "
        f"found {history[0]:.4f}{hint}"
    )
    worst = max(abs(a - b) for a, b in zip(history, expected))
    assert worst < 1e-3, (
        f"on the AND targets with lr=0.5 the losses should be {[round(v, 4) for v in expected[:4]]}..., "
        f"found {[round(float(v), 4) for v in history[:4]]}...: one zero_grad, BCE of sigmoid(layer(x)), "
        "backward and step per epoch, with the lr given"
    )
