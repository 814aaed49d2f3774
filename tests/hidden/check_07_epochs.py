"""Hidden checks for step 07 (epochs: the training loop on two numbers, then on a layer). Each test gets the student's notebook
variables as `nb`; its assertion message is the student's feedback."""
import copy
import numbers

import torch
import torch.nn as nn
import torch.optim as optim

from course.grader.judge import is_instance, run_beside, the_object, type_name
from course.grader.in_kernel.probes import held_ids, steps_of, value_and_slopes
from course.grader.judge.training import assert_sgd

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
    assert isinstance(history, (list, tuple)), (
        f"train should return a list of losses (loss.item() of each step), found {type_name(history)}"
    )
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


def test_loss(nb):
    for p in (15.0, 12.0, 18.0, 0.0, 20.5):
        product = torch.tensor(p, requires_grad=True)
        # The slope is taken where the autograd graph lives (course/grader/in_kernel/probes.py).
        loss, slopes = run_beside(nb.loss_fn, value_and_slopes, product)
        assert isinstance(loss, torch.Tensor), (
            f"loss_fn should return a tensor, found {type_name(loss)}: use tensor arithmetic, no .item() or float()"
        )
        assert loss.numel() == 1, f"loss_fn should return a single number, found shape {tuple(loss.shape)}"
        expected = (p - 15) ** 2
        got = loss.item()
        assert got >= 0, (
            f"loss_fn({p}) is {got:g}: a loss must never be negative, or SGD keeps pushing it down and the "
            "product runs off past 15 (like 15 - product does). Square the difference."
        )
        assert abs(got - expected) < 1e-4, (
            f"loss_fn({p}) should be the squared difference ({p} - 15) ** 2 = {expected:g}, found {got:g}"
        )
        assert loss.grad_fn is not None, (
            "loss_fn's result is not connected to its input: compute it from product with tensor "
            "arithmetic, so that backward() can reach var_1 and var_2"
        )
        (grad,) = slopes
        assert abs(grad.item() - 2 * (p - 15)) < 1e-3, (
            f"loss_fn's slope at {p} should be 2 * ({p} - 15) = {2 * (p - 15):g}, found {grad.item():g}"
        )


def test_training(nb):
    var_1, var_2, optimizer = nb.var_1, nb.var_2, nb.my_sgd
    for name, t in {"var_1": var_1, "var_2": var_2}.items():
        assert isinstance(t, torch.Tensor) and t.requires_grad and t.is_leaf, (
            f"{name} should still be a leaf tensor with requires_grad=True: change it only through "
            f"my_sgd.step(), never with {name} = {name} - ..."
        )
    assert is_instance(optimizer, torch.optim.Optimizer), (
        f"my_sgd should be an optimizer, SGD([var_1, var_2], lr=3e-3), found {type_name(optimizer)}"
    )
    assert_sgd(optimizer, "my_sgd", 3e-3)
    for name in ("var_1", "var_2"):
        # Which tensors my_sgd holds, by id, asked where they live (course/grader/in_kernel/probes.py).
        held, (tensor,) = run_beside(the_object(nb, "my_sgd"), held_ids, the_object(nb, name))
        assert tensor in held, (
            f"{name} is not among my_sgd's parameters, so my_sgd.step() never moves it: "
            "make my_sgd with both, SGD([var_1, var_2], lr=3e-3)"
        )
    assert var_1.item() != 3.0 or var_2.item() != 4.0, "var_1 and var_2 are still 3 and 4: did the loop run my_sgd.step()?"
    for name, t, start in (("var_1", var_1, 3.0), ("var_2", var_2, 4.0)):
        assert t.item() != start, f"{name} is still {start}: the optimizer should have changed both tensors"
    reached = (var_1 * var_2).item()
    assert abs(reached - 15) < 1e-3, (
        f"var_1 * var_2 should end within 0.001 of 15, found {reached:.4f}. Check that each step clears the "
        "old gradients (my_sgd.zero_grad()), uses loss_fn on a fresh var_1 * var_2, and that you take enough steps"
    )
    assert run_beside(the_object(nb, "my_sgd"), steps_of) > 0, (
        "my_sgd took no step, yet var_1 and var_2 moved: change them only through my_sgd.step(), "
        "not with an update of your own"
    )
    assert _on_the_path_of(optimizer, var_1.item(), var_2.item()), (
        f"var_1 and var_2 ({var_1.item():.4f}, {var_2.item():.4f}) are not where steps of my_sgd take them from "
        "(3, 4): change them only through my_sgd.step(), never by assigning or updating them yourself"
    )


def _on_the_path_of(optimizer, end_1, end_2, max_steps=20_000):
    """Whether some number of steps of an optimizer like `optimizer` (SGD, its
    settings), each on a fresh (a * b - 15) ** 2 with cleared gradients, takes
    (a, b) from (3, 4) to (end_1, end_2): what only my_sgd.step() can do."""
    settings = {k: v for k, v in optimizer.param_groups[0].items() if k != "params"}
    a, b = torch.tensor(3.0, requires_grad=True), torch.tensor(4.0, requires_grad=True)
    replay = optim.SGD([a, b], **{k: settings[k] for k in ("lr", "momentum", "dampening", "weight_decay", "nesterov")
                                   if k in settings})
    end, before = torch.tensor([end_1, end_2]), None
    for _ in range(max_steps):
        replay.zero_grad()
        ((a * b - 15) ** 2).backward()
        replay.step()
        now = torch.stack([a, b]).detach()
        if torch.allclose(now, end, rtol=0, atol=1e-5):
            return True
        if before is not None and torch.equal(now, before):  # settled, short of the end
            return False
        before = now
    return False
