"""Hidden checks for step 04 (a linear model). Each test gets the student's
notebook variables as `nb` (see course/grading.py); its assertion message is
the student's feedback."""
import torch
import torch.nn as nn

from course.grader.judge import is_instance, type_name

# Judged from outside the student's kernel (course/grader/judge): `nb` is remote.

def _weight_and_bias(layer):
    assert is_instance(layer, nn.Module), f"linear_layer1 should be a layer, nn.Linear(4, 1), found {type_name(layer)}"
    weight, bias = getattr(layer, "weight", None), getattr(layer, "bias", None)
    assert isinstance(weight, torch.Tensor) and isinstance(bias, torch.Tensor), (
        "linear_layer1 should be a linear layer with a weight and a bias, nn.Linear(4, 1)"
    )
    return weight, bias


def test_layer(nb):
    weight, bias = _weight_and_bias(nb.linear_layer1)
    if weight.shape == (4, 1):
        raise AssertionError(
            "linear_layer1 has weights of shape (4, 1): that is nn.Linear(1, 4), 1 input and 4 outputs. "
            "The arguments are (in_features, out_features): nn.Linear(4, 1)"
        )
    assert weight.shape == (1, 4) and bias.shape == (1,), (
        f"linear_layer1 should take 4 inputs and give 1 output, nn.Linear(4, 1), with weight (1, 4) "
        f"and bias (1,); found weight {tuple(weight.shape)} and bias {tuple(bias.shape)}"
    )
    y = nb.predicted_y
    assert isinstance(y, torch.Tensor), (
        f"predicted_y should be the tensor linear_layer1(x1) returns, found {type_name(y)}"
    )
    assert y.shape == (1,), f"predicted_y should have shape (1,), found {tuple(y.shape)}"
    with torch.no_grad():
        expected = nb.linear_layer1(nb.x1)
    assert torch.allclose(y.detach(), expected), (
        f"predicted_y should be linear_layer1's output for x1, {expected.tolist()}, found {y.tolist()}: "
        "predicted_y must come from linear_layer1 itself, not from a new nn.Linear"
    )
    assert y.grad_fn is not None, (
        "predicted_y lost its link to the layer (no grad_fn): keep the tensor the layer returns, "
        "without .item(), .detach() or torch.no_grad()"
    )


def test_count(nb):
    n = nb.n_parameters
    if isinstance(n, torch.Tensor) and n.numel() == 1:
        n = n.item()
    assert isinstance(n, int), f"n_parameters should be a whole number, found {n!r}"
    weight, bias = _weight_and_bias(nb.linear_layer1)
    weights, biases = weight.numel(), bias.numel()
    expected = weights + biases
    assert n != weights or not biases, (
        f"n_parameters should count the bias too: {weights} weights + {biases} bias = {expected}, found {n}"
    )
    assert n == expected, (
        f"n_parameters should be the number of numbers linear_layer1 learns, "
        f"{weights} weights + {biases} bias = {expected}, found {n}"
    )


def _independent_linear(layer, x):
    # Without @: each output is the sum of weight row times x, plus its bias.
    with torch.no_grad():
        return (layer.weight * x).sum(dim=1) + layer.bias


def _by_hand(nb):
    for n_in, n_out in ((4, 1), (3, 2), (1, 1)):
        layer = nn.Linear(n_in, n_out)
        x = torch.randn(n_in)
        expected = _independent_linear(layer, x)
        got = nb.linear_by_hand(layer, x)
        assert isinstance(got, torch.Tensor), f"linear_by_hand should return a tensor, found {type_name(got)}"
        assert got.shape == expected.shape, (
            f"linear_by_hand(nn.Linear({n_in}, {n_out}), x) should have shape {tuple(expected.shape)}, found "
            f"{tuple(got.shape)}: use weight @ x (multiply and add up), not weight * x"
        )
        assert torch.allclose(got.detach(), expected, atol=1e-5), (
            f"linear_by_hand(nn.Linear({n_in}, {n_out}), x) should be {expected.tolist()}, found {got.tolist()}"
            + (": did you forget the bias?" if torch.allclose(got.detach(), expected - layer.bias.detach(), atol=1e-5) else "")
        )
    # A stand-in that holds a weight and a bias but gives x back when called:
    # only an answer computed from the two gets its sum right.
    stand_in = nn.Identity()
    stand_in.weight, stand_in.bias = nn.Parameter(torch.randn(2, 2)), nn.Parameter(torch.randn(2))
    x = torch.randn(2)
    got = nb.linear_by_hand(stand_in, x)
    expected = _independent_linear(stand_in, x)
    if isinstance(got, torch.Tensor) and got.shape == x.shape and torch.allclose(got.detach(), x):
        raise AssertionError("linear_by_hand(layer, x) calls layer(x): compute it yourself from layer.weight and "
                             "layer.bias, with @ and +")
    assert isinstance(got, torch.Tensor) and torch.allclose(got.detach(), expected, atol=1e-5), (
        f"linear_by_hand should use only layer.weight and layer.bias: on a layer with weight "
        f"{stand_in.weight.tolist()} and bias {stand_in.bias.tolist()} it should give {expected.tolist()}, found {got}"
    )
    weight, _ = _weight_and_bias(nb.linear_layer1)
    if weight.shape[-1] == nb.x1.shape[-1]:
        expected = _independent_linear(nb.linear_layer1, nb.x1)
        by_hand_y = nb.by_hand_y
        assert isinstance(by_hand_y, torch.Tensor) and by_hand_y.shape == expected.shape and torch.allclose(
            by_hand_y.detach(), expected, atol=1e-5
        ), f"by_hand_y should be linear_by_hand(linear_layer1, x1), {expected.tolist()}, found {by_hand_y}"


def test_by_hand(nb):
    # Seeded, without disturbing the random numbers of the notebook's later cells.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        _by_hand(nb)
