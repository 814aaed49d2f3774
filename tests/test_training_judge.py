"""course.grader.judge.training, run by hand (no kernel): the last step of a
training loop is told apart when it carried earlier batches' gradients
(zero_grad() once per epoch), and not judged when nothing is left to judge."""
import warnings
from types import SimpleNamespace

import pytest
import torch
import torch.nn as nn
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

from course.grader.judge.training import last_step_used_one_batch
from course.notebook import prepare

pytestmark = pytest.mark.unit

X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])


def trained(clear, make_optimizer=lambda params: optim.SGD(params, lr=1.0), epochs=50):
    """The notebook of step 10 after its loop, with zero_grad() where `clear` says."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.Sigmoid(), nn.Linear(8, 1), nn.Sigmoid())
    optimizer = make_optimizer(model.parameters())
    history = []
    for _ in range(epochs):
        if clear == "per epoch":
            optimizer.zero_grad()
        for xb, yb in DataLoader(TensorDataset(X, Y), batch_size=2, shuffle=True):
            if clear == "per batch":
                optimizer.zero_grad()
            loss = nn.BCELoss()(model(xb), yb)
            loss.backward()
            optimizer.step()
            if clear == "after step":
                optimizer.zero_grad(set_to_none=False)
            history.append(loss.item())
        if clear == "end of epoch":
            optimizer.zero_grad()
    return SimpleNamespace(optimizer=optimizer, forward=model, loss_history=history)


@pytest.mark.parametrize("clear", ["per batch", "after step"])
def test_one_update_per_batch_passes(clear):
    assert last_step_used_one_batch(trained(clear), "forward", X, Y, batch_size=2)


def test_gradients_added_up_over_an_epoch_fail():
    assert not last_step_used_one_batch(trained("per epoch"), "forward", X, Y, batch_size=2)


def test_gradients_cleared_at_the_end_of_each_epoch_fail():
    """The last step used the whole epoch's gradients, then zero_grad()
    cleared them: course.notebook.prepare (every notebook's first cell)
    keeps what each step used, and the step is judged all the same."""
    with warnings.catch_warnings():
        prepare(seed=0)
    assert not last_step_used_one_batch(trained("end of epoch"), "forward", X, Y, batch_size=2)
    assert last_step_used_one_batch(trained("per batch"), "forward", X, Y, batch_size=2)


def test_an_optimizer_whose_step_cannot_be_undone_is_not_judged():
    nb = trained("per epoch", lambda params: optim.Adam(params, lr=0.05))
    assert last_step_used_one_batch(nb, "forward", X, Y, batch_size=2)


def test_the_parameters_are_put_back():
    nb = trained("per batch")
    before = [p.detach().clone() for p in nb.forward.parameters()]
    last_step_used_one_batch(nb, "forward", X, Y, batch_size=2)
    assert all(torch.equal(p, b) for p, b in zip(nb.forward.parameters(), before))
