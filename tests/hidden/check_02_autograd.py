"""Hidden checks for step 02 (autograd). Each test gets the student's notebook
variables as `nb` (see course/grading.py); its assertion message is the
student's feedback, so it says what was expected and what was found."""
import torch

from course.grader.judge import is_instance, run_beside, the_object, type_name
from course.grader.in_kernel.probes import held_ids, value_and_slopes

# Judged from outside the student's kernel (course/grader/judge): `nb` is remote.

def _learnable_scalar(name, t):
    assert isinstance(t, torch.Tensor), f"{name} should be a torch tensor, found {type_name(t)}"
    assert t.is_floating_point(), f"{name} should hold a float (write 3.0, not 3), found {t.dtype}"
    assert t.requires_grad, f"{name} should have requires_grad=True, so that an optimizer may change it"
    assert t.is_leaf, (
        f"{name} should be a leaf tensor made with torch.tensor(..., requires_grad=True), "
        "not computed from other tensors"
    )


def test_variables(nb):
    for name, value in (("var_1", 3.0), ("var_2", 4.0)):
        t = getattr(nb, name)
        _learnable_scalar(name, t)
        assert t.shape == (), (
            f"{name} should be a single number, a scalar of shape (): write torch.tensor({value}, "
            f"requires_grad=True) without brackets; found shape {tuple(t.shape)}"
        )
        assert t.item() == value, f"{name} should be {value}, found {t.item()}"
    product = nb.my_latent_value
    assert isinstance(product, torch.Tensor), f"my_latent_value should be a tensor, found {type_name(product)}"
    assert product.grad_fn is not None, (
        "my_latent_value should be computed from var_1 and var_2 (var_1 * var_2), "
        "so it remembers how it was made; found a tensor typed in by hand"
    )
    assert abs(product.item() - 12.0) < 1e-6, f"my_latent_value should be 3 * 4 = 12, found {product.item()}"


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
    for name, t in (("var_1", var_1), ("var_2", var_2)):
        assert isinstance(t, torch.Tensor) and t.requires_grad and t.is_leaf, (
            f"{name} should still be a leaf tensor with requires_grad=True: change it only through "
            f"my_sgd.step(), never with {name} = {name} - ..."
        )
    assert is_instance(optimizer, torch.optim.Optimizer), (
        f"my_sgd should be an optimizer, SGD([var_1, var_2], lr=3e-3), found {type_name(optimizer)}"
    )
    for name in ("var_1", "var_2"):
        # Which tensors my_sgd holds, by id, asked where they live (course/grader/in_kernel/probes.py).
        held, (tensor,) = run_beside(the_object(nb, "my_sgd"), held_ids, the_object(nb, name))
        assert tensor in held, (
            f"my_sgd was not given {name}, so it never changed it: pass both tensors, SGD([var_1, var_2], lr=3e-3)"
        )
    assert var_1.item() != 3.0 or var_2.item() != 4.0, "var_1 and var_2 are still 3 and 4: did the loop run my_sgd.step()?"
    for name, t, start in (("var_1", var_1, 3.0), ("var_2", var_2, 4.0)):
        assert t.item() != start, f"{name} is still {start}: the optimizer should have changed both tensors"
    reached = (var_1 * var_2).item()
    assert abs(reached - 15) < 1e-3, (
        f"var_1 * var_2 should end within 0.001 of 15, found {reached:.4f}. Check that each step clears the "
        "old gradients (my_sgd.zero_grad()), uses loss_fn on a fresh var_1 * var_2, and that you take enough steps"
    )
