"""Hidden checks for step 11 (nn.Module). Each test gets the student's
notebook variables as `nb`; its assertion message is the student's feedback."""
import numbers

import torch
import torch.nn as nn

from course.grader.judge import assert_probabilities, is_instance, is_subclass, run_beside, the_object, type_name
from course.grader.in_kernel.probes import forward_alone, named_parameter_ids, parameter_ids
from course.grader.judge.training import assert_a_loss_per_step, assert_sgd, last_step_used_one_batch

# Judged from outside the student's kernel (course/grader/judge): `nb` is remote.

# XOR, as in step 10.
X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
HIDDEN = 8
SHAPES = sorted([(HIDDEN, 2), (HIDDEN,), (1, HIDDEN), (1,)])


def _new_net(nb):
    Net = the_object(nb, "Net")
    assert is_subclass(Net, nn.Module), (
        f"Net should be a class that inherits from nn.Module (class Net(nn.Module): ...), found {Net!r:.80}"
    )
    return Net()


def _expected(net, inputs):
    """fc1, sigmoid, fc2, sigmoid, computed here from the net's own parameters."""
    p = {tuple(q.shape): q for q in net.parameters()}
    hidden = torch.sigmoid(inputs @ p[(HIDDEN, 2)].T + p[(HIDDEN,)])
    return torch.sigmoid(hidden @ p[(1, HIDDEN)].T + p[(1,)])


def test_net(nb):
    a, b = _new_net(nb), _new_net(nb)
    shapes = sorted(tuple(p.shape) for p in a.parameters())
    assert shapes == SHAPES, (
        "list(Net().parameters()) should hold 4 tensors, the weight and bias of nn.Linear(2, HIDDEN) and of "
        f"nn.Linear(HIDDEN, 1) (HIDDEN = 8), found {len(shapes)}: {shapes}. Only layers stored on self in __init__ "
        "(self.fc1 = nn.Linear(2, HIDDEN)) are registered; a layer inside a plain Python list is not"
    )
    ids_a, ids_b = run_beside(a, parameter_ids, b)  # compared here, not in the kernel
    assert not set(ids_a) & set(ids_b), (
        "two Net() objects share their parameters: make the layers inside __init__ (self.fc1 = nn.Linear(2, HIDDEN)), "
        "so every Net() gets its own"
    )
    for n in (1, 3, 4):
        inputs = X if n == 4 else torch.rand(n, 2, generator=torch.Generator().manual_seed(n))
        with torch.no_grad():
            out = a(inputs)
            expected = _expected(a, inputs)
        assert isinstance(out, torch.Tensor) and tuple(out.shape) == (n, 1), (
            f"Net()(x) on a batch of shape ({n}, 2) should give shape ({n}, 1), found "
            f"{tuple(out.shape) if isinstance(out, torch.Tensor) else type_name(out)}"
        )
        assert torch.allclose(out, expected, atol=1e-6), (
            "forward should be fc1, sigmoid, fc2, sigmoid, using the net's own layers: for a new Net() and "
            f"x it gives {[round(v, 4) for v in out.flatten().tolist()]}, its layers give "
            f"{[round(v, 4) for v in expected.flatten().tolist()]}"
        )


def test_own_layers(nb):
    net = _new_net(nb)
    # forward looks up names it does not define among the globals of the
    # place it was written: the notebook. A probe runs it with the notebook's
    # models and tensors hidden for a moment (course/grader/in_kernel/probes.py); a net that
    # uses only its own layers (and torch) does not notice.
    try:
        out = run_beside(net, forward_alone, X)
    except NameError as err:
        name = str(err).split("'")[1] if "'" in str(err) else str(err)
        raise AssertionError(
            f"Net's forward uses the notebook's loose `{name}`, not a layer of its own: it works only while "
            f"that name exists in the notebook. Use self.{name} (made in __init__) or torch.sigmoid"
        ) from None
    if sorted(tuple(p.shape) for p in net.parameters()) != SHAPES:
        return  # the layers themselves are test_net's business
    with torch.no_grad():
        expected = _expected(net, X)
    assert torch.allclose(out, expected, atol=1e-6), (
        "Net's forward gives outputs that its own layers do not give as fc1, sigmoid, fc2, sigmoid: it should use "
        "the net's own layers (self.fc1, self.fc2), each followed by a sigmoid"
    )


def test_trained(nb):
    net = nb.net
    assert is_instance(net, nn.Module), f"net should be a Net(), found {type_name(net)}"
    with torch.no_grad():
        out = net(X)
    assert_probabilities(out, Y.shape, "net(x)")
    final = nn.BCELoss()(out, Y).item()
    hint = "train for EPOCHS epochs with optim.SGD(net.parameters(), lr=1.0)"
    assert ((out > 0.5) == (Y > 0.5)).all(), (
        "the trained net should answer XOR: every output on the right side of 0.5, found "
        f"{[round(v, 3) for v in out.flatten().tolist()]} for targets 0, 1, 1, 0: " + hint
    )
    assert final < 0.1, f"the trained net's loss (BCE) on x should be below 0.1, found {final:.4f}: " + hint
    assert_sgd(nb.optimizer, "optimizer", 1.0)
    held_ids, named = run_beside(the_object(nb, "optimizer"), named_parameter_ids, the_object(nb, "net"))
    held = [name for name, i in named if i in held_ids]
    assert len(held) == len(named) == len(list(net.parameters())), (
        "the optimizer does not hold every parameter of net: give it net.parameters()"
    )
    history = nb.loss_history
    assert isinstance(history, (list, tuple)), f"loss_history should be a list of every batch's loss.item(), found {type_name(history)}"
    assert len(history) >= 20 and all(isinstance(h, numbers.Real) for h in history), (
        "loss_history should hold the loss.item() of every batch"
    )
    start, end = sum(history[:10]) / 10, sum(history[-10:]) / 10
    assert end < start, f"loss_history should go down: mean of the first 10 batches {start:.4f}, of the last 10 {end:.4f}"
    assert_a_loss_per_step(nb)
    assert last_step_used_one_batch(nb, "net", X, Y, batch_size=2), (
        "the last optimizer.step() used more than the last batch's gradient: gradients of earlier batches were "
        "still in .grad. Clear them with optimizer.zero_grad() once per batch, inside the loop over the loader"
    )
