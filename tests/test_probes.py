"""course/probes.py, without a kernel: quick."""
import copy

import pytest
import torch
from torch import nn

from course import probes


def _forward_of(model):
    """A function using `model` as a notebook's forward would: from its
    globals, where probes.parameters_used looks outside IPython."""
    namespace = {"model": model}
    exec("def forward(x):\n    return model(x)", namespace)
    return namespace["forward"]


def _same_state(a, b):
    """Whether two optimizer state_dicts hold the same numbers and settings."""
    if isinstance(a, torch.Tensor):
        return isinstance(b, torch.Tensor) and a.dtype == b.dtype and torch.equal(a, b)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same_state(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same_state(x, y) for x, y in zip(a, b))
    return a == b


@pytest.mark.parametrize("warm", [0, 2], ids=["fresh", "after-two-steps"])
@pytest.mark.parametrize("make", [
    lambda params: torch.optim.Adam(params, lr=0.1),
    lambda params: torch.optim.SGD(params, lr=0.1, momentum=0.9),
], ids=["adam", "sgd-momentum"])
def test_one_step_puts_the_optimizer_back(make, warm):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 2), nn.Sigmoid(), nn.Linear(2, 1))
    optimizer = make(model.parameters())
    inputs, targets = torch.randn(5, 4), torch.randn(5, 1)
    for _ in range(warm):  # moments, momentum buffers and step counts to keep
        optimizer.zero_grad()
        nn.functional.mse_loss(model(inputs), targets).backward()
        optimizer.step()
    state = copy.deepcopy(optimizer.state_dict())
    params = [p.detach().clone() for p in model.parameters()]
    grads = [None if p.grad is None else p.grad.clone() for p in model.parameters()]

    held, report = probes.one_step(optimizer, _forward_of(model), inputs, targets)

    assert sorted(held) == sorted(id(p) for p in model.parameters())
    assert [(shape, i) for shape, i, _, _ in report] == [(tuple(p.shape), id(p)) for p in model.parameters()]
    assert all(not torch.equal(before, after) for _, _, before, after in report), "the trial step moved nothing"
    assert _same_state(optimizer.state_dict(), state), "one_step left the optimizer's state changed"
    for p, value, grad in zip(model.parameters(), params, grads):
        assert torch.equal(p, value)
        assert (p.grad is None and grad is None) or torch.equal(p.grad, grad)
    # The next real step is the one it would have been without the probe.
    twin = copy.deepcopy(model)
    twin_optimizer = make(twin.parameters())
    twin_optimizer.load_state_dict(copy.deepcopy(state))
    for m, opt in ((model, optimizer), (twin, twin_optimizer)):
        opt.zero_grad()
        nn.functional.mse_loss(m(inputs), targets).backward()
        opt.step()
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), twin.parameters()))


def test_probes_answer_with_data():
    a, b = nn.Linear(2, 1), nn.Linear(2, 1)
    b.weight = a.weight
    ids_a, ids_b = probes.parameter_ids(a, b)
    assert set(ids_a) & set(ids_b) == {id(a.weight)}
    optimizer = torch.optim.SGD([a.weight], lr=0.1)
    held, (weight, bias) = probes.held_ids(optimizer, a.weight, a.bias)
    assert weight in held and bias not in held
    held, named = probes.named_parameter_ids(optimizer, a)
    assert [name for name, i in named if i in held] == ["weight"]
    assert probes.attribute_ids(a.weight, a, "weight") == (id(a.weight), id(a.weight))
    assert "torch.nn.modules.module.Module" in probes.mro_names(nn.Linear)
