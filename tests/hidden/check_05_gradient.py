"""Hidden checks for step 06 (the gradient). Each test gets the student's
notebook variables as `nb` (see course/grading.py); its assertion message is
the student's feedback. Expected gradients come from the calculus, not from
the student's code: dL/dw = 2 e x, dL/db = 2 e, dL/dx = 2 e w with
e = w @ x + b - y, and torch.autograd.gradcheck (finite differences) judges
the student's own formulas."""
import torch
import torch.nn as nn

from course.grader.judge import run_beside, same_object, student_call, the_object, type_name
from course.grader.in_kernel.probes import attribute_ids, calls_with_grads

# Judged from outside the student's kernel (course/grader/judge): `nb` is remote.

def _analytic(w, b, x, y):
    """(dw, db, dx) of (w @ x + b - y) ** 2 for one output."""
    with torch.no_grad():
        e = (w @ x + b - y).reshape(())
        return 2 * e * w.new_ones(w.shape) * x, 2 * e * b.new_ones(b.shape), (2 * e * w).reshape(x.shape)


def _same(got, expected):
    return isinstance(got, torch.Tensor) and got.shape == expected.shape and torch.allclose(
        got.detach().to(expected.dtype), expected, rtol=1e-4, atol=1e-5
    )


def _is_attribute(nb, name, owner, attr):
    """Whether the notebook's `name` is `owner.attr` itself: their ids, asked
    where they live (course/grader/in_kernel/probes.py), compared here."""
    obj_id, attr_id = run_beside(the_object(nb, name), attribute_ids, the_object(nb, owner), attr)
    return obj_id == attr_id


def test_backward(nb):
    layer, x1, y = nb.linear_layer1, nb.x1, nb.target_y
    dw, db, dx = _analytic(layer.weight, layer.bias, x1, y)
    for name, got, expected, tensor in (
        ("weight_grad", nb.weight_grad, dw, "linear_layer1.weight"),
        ("bias_grad", nb.bias_grad, db, "linear_layer1.bias"),
        ("x1_grad", nb.x1_grad, dx, "x1"),
    ):
        # `is` asked where the tensors live (fetched values are copies): their ids.
        itself = same_object(nb, name, "x1") or any(
            _is_attribute(nb, name, "linear_layer1", attr) for attr in ("weight", "bias")
        )
        assert got is not None, f"{name} is None: .grad stays None until loss.backward() runs"
        assert isinstance(got, torch.Tensor), f"{name} should be the tensor {tensor}.grad, found {type_name(got)}"
        assert not itself, (
            f"{name} is {tensor} itself, not its gradient: use {tensor}.grad"
        )
        assert got.shape == expected.shape, (
            f"{name} should have the shape of {tensor}, {tuple(expected.shape)}, found {tuple(got.shape)}"
        )
        if _same(got, 2 * expected) and expected.abs().max() > 1e-6:
            raise AssertionError(
                f"{name} is twice the true gradient {expected.tolist()}: backward() ran twice and the "
                "gradients added up. Call loss.backward() once"
            )
        assert _same(got, expected), (
            f"{name} should be the gradient of the loss with respect to {tensor}, {expected.tolist()}, "
            f"found {got.tolist()}"
        )


class _StudentFormulas(torch.autograd.Function):
    """(w @ x + b - y) ** 2 whose backward is the student's mse_grads, so
    that gradcheck compares the student's formulas with finite differences."""

    formulas = None

    @staticmethod
    def forward(ctx, w, b, x, y):
        ctx.save_for_backward(w, b, x, y)
        return ((w @ x + b - y) ** 2).sum()

    @staticmethod
    def backward(ctx, grad_output):
        w, b, x, y = ctx.saved_tensors
        # Copies: under the judge the call mirrors back what it did to its
        # arguments, which must not touch the tensors autograd saved.
        dw, db = _StudentFormulas.formulas(w.detach().clone(), b.detach().clone(), x.clone(), y.clone())
        return grad_output * dw, grad_output * db, None, None


def _hint(got, expected):
    if _same(got, expected / 2):
        return ": it is half the true gradient, the derivative of e² is 2e, not e"
    if _same(got, -expected):
        return ": it has the wrong sign, the error is e = prediction - target = w @ x + b - y"
    return ""


def _formulas(nb):
    for n in (4, 3, 1):
        w = torch.randn(1, n, dtype=torch.float64)
        b = torch.randn(1, dtype=torch.float64)
        x = torch.randn(n, dtype=torch.float64)
        y = torch.randn(1, dtype=torch.float64)
        result = nb.mse_grads(w.clone(), b.clone(), x.clone(), y.clone())
        assert isinstance(result, tuple) and len(result) == 2, (
            f"mse_grads should return a pair (dw, db), found {type_name(result)}"
        )
        got_dw, got_db = result
        exp_dw, exp_db, _ = _analytic(w, b, x, y)
        for name, got, expected, of in (("dw", got_dw, exp_dw, "w"), ("db", got_db, exp_db, "b")):
            assert isinstance(got, torch.Tensor), f"mse_grads's {name} should be a tensor, found {type_name(got)}"
            assert got.shape == expected.shape, (
                f"{name} should have the shape of {of}, {tuple(expected.shape)}, found {tuple(got.shape)} "
                f"(for w of shape (1, {n}))"
            )
            assert _same(got, expected), (
                f"mse_grads's {name} for w of shape (1, {n}) should be {expected.tolist()}, "
                f"found {got.tolist()}{_hint(got, expected)}"
            )
        # The formulas, used as a backward pass, must agree with the slopes
        # measured by nudging w and b (finite differences).
        _StudentFormulas.formulas = nb.mse_grads
        ok = torch.autograd.gradcheck(
            _StudentFormulas.apply,
            (w.clone().requires_grad_(), b.clone().requires_grad_(), x, y),
            raise_exception=False,
        )
        assert ok, "mse_grads disagrees with the slopes measured by nudging w and b a little (gradcheck)"


def _fresh(nb):
    layer = nn.Linear(4, 1)
    x, y = torch.randn(4), torch.randn(1)
    dw, db, _ = _analytic(layer.weight, layer.bias, x, y)
    # Three calls on one layer, in the kernel (course/grader/in_kernel/probes.py); before the
    # third, as if some earlier backward() had left gradients behind.
    leftover = [torch.full_like(layer.weight, 100.0), torch.full_like(layer.bias, 100.0)]
    results, *_ = student_call("gradients(layer, x, y), called three times on one layer,", run_beside,
                               the_object(nb, "gradients"), calls_with_grads, layer, [None, None, leftover], x, y)
    for call, result in zip(("first", "second", "third"), results):
        assert isinstance(result, tuple) and len(result) == 2, (
            f"gradients should return a pair (weight_grad, bias_grad), found {type_name(result)}"
        )
        got_dw, got_db = result
        assert got_dw is not None and got_db is not None, (
            f"gradients returned None on the {call} call: return layer.weight.grad and layer.bias.grad "
            "after loss.backward(), and clear old gradients before backward(), not after"
        )
        assert isinstance(got_dw, torch.Tensor) and isinstance(got_db, torch.Tensor), (
            f"gradients should return two tensors (layer.weight.grad, layer.bias.grad), found "
            f"{type_name(got_dw)} and {type_name(got_db)} on the {call} call"
        )
        stale = "" if call == "first" else (
            ": the gradients of an earlier backward() were still in .grad and the new ones were added to them. "
            "Clear them first, with layer.zero_grad()"
        )
        assert _same(got_dw, dw) and _same(got_db, db), (
            f"on the {call} call, gradients should give weight_grad {dw.tolist()} and bias_grad {db.tolist()}, "
            f"found {got_dw.tolist()} and {got_db.tolist()}{stale}"
        )


def test_formulas(nb):
    # Seeded, without disturbing the random numbers of the notebook's later cells.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        _formulas(nb)


def test_fresh(nb):
    # Seeded, without disturbing the random numbers of the notebook's later cells.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        _fresh(nb)
