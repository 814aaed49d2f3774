"""Hidden checks for step 03 (the bare minimum model). Each test gets the
student's notebook variables as `nb` (see course/grading.py); its assertion
message is the student's feedback."""
import torch

from course.grader.judge import same_object, type_name

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


def test_model(nb):
    model = nb.model
    assert callable(model), f"model should be a function, found {type_name(model)}"
    for t in (torch.zeros(2), torch.arange(6.0).reshape(2, 3), torch.tensor([-1.5, 7.0], requires_grad=True)):
        out = model(t)
        assert out is not None, "model returned None: end it with `return x`"
        assert isinstance(out, torch.Tensor) and out.shape == t.shape and torch.equal(out, t), (
            f"model({t.tolist()}) should give back its input unchanged, found {out}: "
            "use the argument x, not a tensor from outside the function"
        )
        assert out is t, (
            f"model({t.tolist()}) returned a new tensor with the same numbers: "
            "the bare minimum model computes nothing, it returns x itself"
        )
    y = nb.y
    assert same_object(nb, "y", "x1"), (
        "y should be x1 itself, the result of y = model(x1); "
        f"found {'a different tensor' if isinstance(y, torch.Tensor) else type_name(y)}"
    )
