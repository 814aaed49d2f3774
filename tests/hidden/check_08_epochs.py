"""Hidden checks for step 08 (epochs). Each test gets the student's notebook
variables as `nb`; its assertion message is the student's feedback."""
import copy
import numbers

import torch
import torch.nn as nn
import torch.optim as optim

from course.grader.judge import type_name

# Judged from outside the student's kernel (course/grader/judge): `nb` is remote.

# Another input and target than the notebook's: train must use its arguments.
X2 = torch.tensor([0.5, -1.0, 2.0, 1.0])
Y2 = torch.tensor([1.0])


def _reference(layer, x, y, epochs, lr, zero_grad=True):
    """The training loop, written out here: the loss history and the layer."""
    model = copy.deepcopy(layer)
    sgd = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        if zero_grad:
            sgd.zero_grad()
        loss = nn.MSELoss()(model(x), y)
        loss.backward()
        sgd.step()
        losses.append(float(loss))
    return losses, model


def _history(nb, layer, x, y, epochs, lr, floats=True):
    history = nb.train(layer, x, y, epochs, lr)
    assert history is not None, "train returned None: end it with `return history`"
    history = list(history)
    assert len(history) == epochs, (
        f"train(layer, x, y, epochs={epochs}, lr={lr}) should return {epochs} losses, one per epoch, found {len(history)}"
    )
    for h in history if floats else ():
        assert isinstance(h, numbers.Real), (
            f"the history should hold plain floats (loss.item()), found a {type_name(h)}: "
            "append loss.item(), not loss"
        )
    return [float(h) for h in history]


def test_train(nb):
    for x, y, lr in ((torch.tensor([1.0, 2.0, 3.0, 4.0]), torch.tensor([0.0]), 0.01), (X2, Y2, 0.05)):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(8)
            layer = nn.Linear(4, 1)
        with torch.no_grad():
            first = nn.MSELoss()(layer(x), y).item()
        history = _history(nb, layer, x, y, 25, lr)
        assert abs(history[0] - first) <= 1e-4 * max(1.0, first), (
            f"with x={x.tolist()} and y={y.tolist()} the first entry of the history should be the loss before any "
            f"update, {first:.4f}, found {history[0]:.4f}: append the loss you called backward() on"
        )
        for epoch, (a, b) in enumerate(zip(history, history[1:]), start=1):
            assert b <= a * (1 + 1e-6), (
                f"with x={x.tolist()} and lr={lr} the loss should go down every epoch, found "
                f"{a:.4f} at epoch {epoch} then {b:.4f} at epoch {epoch + 1}"
            )
        assert history[-1] < 1e-3 * history[0], (
            f"with x={x.tolist()} and lr={lr} the loss should fall below a thousandth of its start in 25 epochs, "
            f"found {history[0]:.4f} then {history[-1]:.4f}"
        )


def test_zero_grad(nb):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(88)
        start = nn.Linear(4, 1)
    epochs, lr = 5, 0.05
    expected, trained = _reference(start, X2, Y2, epochs, lr)
    _, accumulated = _reference(start, X2, Y2, epochs, lr, zero_grad=False)

    layer = copy.deepcopy(start)
    history = _history(nb, layer, X2, Y2, epochs, lr, floats=False)  # test_train checks the type
    got = torch.cat([layer.weight.detach().flatten(), layer.bias.detach()])
    want = torch.cat([trained.weight.detach().flatten(), trained.bias.detach()])
    summed = torch.cat([accumulated.weight.detach().flatten(), accumulated.bias.detach()])
    before = torch.cat([start.weight.detach().flatten(), start.bias.detach()])

    assert not torch.equal(got, before), (
        "train did not change the layer: every epoch needs zero_grad(), then the loss, backward(), and step(), in that order"
    )
    assert not torch.allclose(got, summed, atol=1e-5), (
        "the gradients of all epochs were added up: every step used the sum of the gradients so far. "
        "Clear them with optimizer.zero_grad() in every epoch, before backward()"
    )
    assert torch.allclose(got, want, atol=1e-5), (
        f"after {epochs} epochs with lr={lr} the layer's weight and bias should be "
        f"{[round(v, 4) for v in want.tolist()]}, found {[round(v, 4) for v in got.tolist()]}: "
        "one epoch is zero_grad(), loss, backward(), step(), with an optim.SGD over layer.parameters() and lr=lr"
    )
    assert torch.allclose(torch.tensor(history), torch.tensor(expected), rtol=1e-4, atol=1e-6), (
        f"the loss history should be {[round(v, 4) for v in expected]}, found {[round(v, 4) for v in history]}"
    )
