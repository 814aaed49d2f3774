"""Hidden checks for step 10 (two-layer network on XOR). Each test gets the student's
notebook variables as `nb`; its assertion message is the student's feedback.

The student may build the network from two loose layers and a function, or as
an nn.Sequential, with any sigmoid: the checks find the parameters the
network uses by asking autograd which of the notebook's parameters its output
depends on, and never rely on variable names other than `forward`,
`optimizer` and `loss_history`."""
import numbers

import torch
import torch.nn as nn

from course.grader.judge import assert_probabilities, run_beside, the_object, type_name
from course.grader.in_kernel.probes import one_step, parameters_used
from course.grader.judge.training import assert_a_loss_per_step, assert_sgd, last_step_used_one_batch

# Judged from outside the student's kernel (course/grader/judge): `nb` is remote.

# XOR: no single linear layer fits it (step 09).
X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
HIDDEN = 8
SHAPES = {(HIDDEN, 2): "the first layer's weight", (HIDDEN,): "the first layer's bias",
          (1, HIDDEN): "the second layer's weight", (1,): "the second layer's bias"}


def _used(nb):
    """The parameters forward's output depends on, asked where its autograd
    graph lives (course/grader/in_kernel/probes.py)."""
    return run_beside(the_object(nb, "forward"), parameters_used, X)


def _by_shape(used):
    shapes = sorted(tuple(p.shape) for p in used)
    assert shapes == sorted(SHAPES), (
        "forward should use exactly two layers, nn.Linear(2, HIDDEN) then nn.Linear(HIDDEN, 1) with HIDDEN = 8: "
        "4 parameter tensors of "
        f"shapes {sorted(SHAPES)}, found {shapes}"
    )
    return {tuple(p.shape): p for p in used}


def test_network(nb):
    for inputs in (X, torch.rand(3, 2, generator=torch.Generator().manual_seed(10))):
        out = nb.forward(inputs)
        n = inputs.shape[0]
        assert isinstance(out, torch.Tensor) and tuple(out.shape) == (n, 1), (
            f"forward on a batch of shape ({n}, 2) should return shape ({n}, 1), found "
            f"{tuple(out.shape) if isinstance(out, torch.Tensor) else type_name(out)}"
        )
    p = _by_shape(_used(nb))
    with torch.no_grad():
        hidden = torch.sigmoid(X @ p[(HIDDEN, 2)].T + p[(HIDDEN,)])
        expected = torch.sigmoid(hidden @ p[(1, HIDDEN)].T + p[(1,)])
        linear_hidden = torch.sigmoid((X @ p[(HIDDEN, 2)].T + p[(HIDDEN,)]) @ p[(1, HIDDEN)].T + p[(1,)])
        out = nb.forward(X)
    assert not torch.allclose(out, linear_hidden, atol=1e-6), (
        "forward has no sigmoid between the two layers: without it, the two layers are one linear layer. "
        "Put a sigmoid after layer 1 as well as after layer 2"
    )
    assert torch.allclose(out, expected, atol=1e-6), (
        "forward(x) should be sigmoid(layer2(sigmoid(layer1(x)))), the first layer nn.Linear(2, HIDDEN), found "
        f"{[round(v, 4) for v in out.flatten().tolist()]} where that gives "
        f"{[round(v, 4) for v in expected.flatten().tolist()]}"
    )


def test_optimizer(nb):
    assert_sgd(nb.optimizer, "optimizer", 1.0)
    # Which parameters of forward the optimizer holds, and which one step of
    # it moves: tried in the kernel, then everything put back (course/grader/in_kernel/probes.py).
    held, report = run_beside(the_object(nb, "optimizer"), one_step, the_object(nb, "forward"), X, Y)
    missing = [shape for shape, tensor, _, _ in report if tensor not in held]
    assert not missing, (
        "the optimizer was not given " + ", ".join(SHAPES.get(shape, f"a parameter of shape {shape}")
                                                   for shape in missing)
        + ": that layer never learns, it keeps its random start. Give the optimizer the parameters of both layers"
    )
    frozen = [shape for shape, _, before, after in report if torch.equal(after, before)]
    assert not frozen, (
        "optimizer.step() does not change " + ", ".join(SHAPES.get(shape, str(shape)) for shape in frozen)
        + ": is the learning rate 0?"
    )


def test_fits(nb):
    with torch.no_grad():
        out = nb.forward(X)
    assert_probabilities(out, Y.shape, "forward(x)")
    final = nn.BCELoss()(out, Y).item()
    hint = ("Train for EPOCHS epochs with lr=1.0 (3 epochs, as in the original tutorial, are far too few), "
            "with an optimizer over both layers")
    assert ((out > 0.5) == (Y > 0.5)).all(), (
        f"the trained network should answer XOR: every output on the right side of 0.5, found "
        f"{[round(v, 3) for v in out.flatten().tolist()]} for targets 0, 1, 1, 0. " + hint
    )
    assert final < 0.1, f"the trained network's loss (BCE) on x should be below 0.1, found {final:.4f}. " + hint
    history = nb.loss_history
    assert isinstance(history, (list, tuple)), f"loss_history should be a list of every batch's loss.item(), found {type_name(history)}"
    assert len(history) >= 20, f"loss_history should hold the loss of every batch, found {len(history)} entries"
    assert all(isinstance(h, numbers.Real) for h in history), "loss_history should hold plain floats (loss.item())"
    start, end = sum(history[:10]) / 10, sum(history[-10:]) / 10
    assert end < start, f"loss_history should go down: mean of the first 10 batches {start:.4f}, of the last 10 {end:.4f}"
    assert_a_loss_per_step(nb)
    assert last_step_used_one_batch(nb, "forward", X, Y, batch_size=2), (
        "the last optimizer.step() used more than the last batch's gradient: gradients of earlier batches were "
        "still in .grad. Clear them with optimizer.zero_grad() once per batch, inside the loop over the loader"
    )
