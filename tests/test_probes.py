"""course/grader/in_kernel/probes.py and the way the judge sends its functions to the kernel
(course/grader/judge/, course/grader/in_kernel/kernel_side.py), without a kernel: quick."""
import copy
import operator
import sys
import types
import warnings

import pytest
import torch
from torch import nn

from course.grader.in_kernel import probes
from course import vision
from course.notebook import prepare
from course.grader.judge.client import KERNEL_SIDE, Judge, module_source

pytestmark = pytest.mark.unit


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
    with warnings.catch_warnings():
        prepare(seed=0)  # its step hook counts the trial step too: one_step must put that back
    optimizer.steps_taken, optimizer.last_step_grads = 7, ["kept"]

    held, report = probes.one_step(optimizer, _forward_of(model), inputs, targets)

    assert (optimizer.steps_taken, optimizer.last_step_grads) == (7, ["kept"])

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


@pytest.fixture
def kernel_side():
    """course/grader/in_kernel/kernel_side.py run as the judge runs it in a kernel: in a fresh
    namespace of its own."""
    namespace = {}
    exec(compile(KERNEL_SIDE.read_text(), "course-judge", "exec"), namespace)
    return namespace


@pytest.fixture
def judge():
    """A Judge without a kernel: only its encode is used."""
    judge = Judge.__new__(Judge)
    judge._sources_sent = set()
    return judge


def test_course_functions_go_as_source(judge):
    first = judge.encode(probes.held_ids)
    assert first == ("function", "course.grader.in_kernel.probes", "held_ids", module_source("course.grader.in_kernel.probes"))
    assert judge.encode(probes.identities) == ("function", "course.grader.in_kernel.probes", "identities", None)  # sent once
    assert judge.encode([vision.layers_of])[1][0][3] == module_source("course.vision")
    # The standard library's and torch's own functions still go by reference.
    assert judge.encode(operator.is_) == ("value", operator.is_)
    assert judge.encode(torch.sigmoid) == ("value", torch.sigmoid)


def test_patched_probes_do_not_reach_the_kernel_side(judge, kernel_side, monkeypatch):
    """What the student does to course.grader.in_kernel.probes and course.vision in their
    kernel (patched functions, a fake module in sys.modules) is not what runs."""
    sent = [judge.encode(f) for f in (probes.parameter_ids, probes.held_ids, vision.layers_of)]
    # Then, in the "kernel" (this process), the student's patches.
    fake = types.ModuleType("course.grader.in_kernel.probes")
    fake.parameter_ids = fake.held_ids = lambda *a: "a lie"
    monkeypatch.setattr(probes, "parameter_ids", lambda *a: "a lie")
    monkeypatch.setattr(vision, "layers_of", lambda *a: "a lie")
    monkeypatch.setitem(sys.modules, "course.grader.in_kernel.probes", fake)
    decode = kernel_side["decode"]

    model, other = nn.Linear(2, 1), nn.Linear(2, 1)
    parameter_ids = decode(sent[0])
    assert parameter_ids is not probes.parameter_ids and parameter_ids is not fake.parameter_ids
    assert parameter_ids(model, other) == [[id(model.weight), id(model.bias)], [id(other.weight), id(other.bias)]]
    assert sent[1][3] is None
    held_ids = decode(sent[1])  # from the text sent before
    assert held_ids(torch.optim.SGD(model.parameters(), lr=0.1), model.bias) == (
        [id(model.weight), id(model.bias)], [id(model.bias)])
    layers_of = decode(sent[2])
    assert layers_of(nn.Sequential(model, nn.ReLU(), other), nn.Linear) == [model, other]
    # A fresh module each session, never put in sys.modules.
    assert sys.modules["course.grader.in_kernel.probes"] is fake and kernel_side["modules"]["course.grader.in_kernel.probes"] is not vars(probes)
    assert layers_of.__module__ == "course.vision" and layers_of is not vision.layers_of


def test_a_module_never_sent_is_an_error(kernel_side):
    with pytest.raises(LookupError, match="never sent"):
        kernel_side["decode"](("function", "course.grader.in_kernel.probes", "held_ids", None))


def test_numbers_of_numpy_and_subclasses_cross_as_plain_numbers(kernel_side):
    """A per-class accuracy counted in NumPy is a list of np.float64 (a float
    subclass): it must reach the judge as plain floats, loadable with
    weights_only, not fail the student's correct answer."""
    import enum
    import io

    import numpy as np

    class Level(enum.IntEnum):
        HIGH = 3

    answer = [np.float64(0.5), np.int64(2), np.bool_(True), Level.HIGH, True, 1.5]
    buffer = io.BytesIO()
    torch.save(kernel_side["encode"](answer), buffer)
    kind, items = torch.load(io.BytesIO(buffer.getvalue()), weights_only=True)
    values = [value for _, value in items]
    assert kind == "list" and values == [0.5, 2, True, 3, True, 1.5]
    assert [type(v) for v in values] == [float, int, bool, int, bool, float]
