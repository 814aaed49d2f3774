"""Hidden checks for step 02 (the bare minimum model; leaves and non-leaves).
Each test gets the student's notebook variables as `nb` (see
course/grading.py); its assertion message is the student's feedback."""
import torch

from course.grader.judge import type_name

# Judged from outside the student's kernel (course/grader/judge): `nb` is remote.


def test_input(nb):
    x1 = nb.x1
    assert isinstance(x1, torch.Tensor), f"x1 should be a torch tensor, found {type_name(x1)}"
    assert x1.dtype == torch.float32, f"x1 should hold floats (torch.float32), found {x1.dtype}"
    assert x1.shape == (4,), f"x1 should be 1-D with 4 numbers, shape (4,), found {tuple(x1.shape)}"
    assert x1.tolist() == [1, 2, 3, 4], f"x1 should hold the numbers 1, 2, 3, 4, found {x1.tolist()}"
    assert x1.requires_grad and x1.is_leaf, (
        "x1 should be made with torch.tensor(..., requires_grad=True), so later steps can ask "
        "how the output changes with the input"
    )


def _unchanged(out, t):
    """Whether out holds t's numbers in t's shape and dtype: t itself, or a
    copy (the exercise asks for the input unchanged, not for the same object)."""
    return (isinstance(out, torch.Tensor) and out.shape == t.shape and out.dtype == t.dtype
            and torch.equal(out.detach(), t.detach()))


def test_model(nb):
    model = nb.model
    assert callable(model), f"model should be a function, found {type_name(model)}"
    for t in (torch.zeros(2), torch.arange(6.0).reshape(2, 3), torch.tensor([-1.5, 7.0], requires_grad=True),
              torch.tensor([3, 1, 2])):
        out = model(t)
        assert out is not None, "model returned None: end it with `return x`"
        assert _unchanged(out, t), (
            f"model({t.tolist()}) should give back its input unchanged (the same numbers, shape and "
            f"dtype), found {out}: use the argument x, not a tensor from outside the function"
        )
    y = nb.y
    assert _unchanged(y, nb.x1), (
        "y should be x1 unchanged, the result of y = model(x1); "
        f"found {y.tolist() if isinstance(y, torch.Tensor) else type_name(y)}"
    )


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
    product = nb.product
    assert isinstance(product, torch.Tensor), f"product should be a tensor, found {type_name(product)}"
    assert product.grad_fn is not None, (
        "product should be computed from var_1 and var_2 (var_1 * var_2), a non-leaf that "
        "remembers how it was made; found a tensor typed in by hand"
    )
    assert abs(product.item() - 12.0) < 1e-6, f"product should be 3 * 4 = 12, found {product.item()}"
