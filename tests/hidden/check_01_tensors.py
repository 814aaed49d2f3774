"""Hidden checks for step 01 (tensors). Each test gets the student's notebook
variables as `nb` (see course/grading.py); its assertion message is the
student's feedback, so it says what was expected and what was found."""
import torch

from course.grader.judge import type_name

# Judged from outside the student's kernel (course/grader/judge): `nb` is remote.

def _expect_floats(name, t, values):
    assert isinstance(t, torch.Tensor), f"{name} should be a torch tensor, found {type_name(t)}"
    assert t.dtype == torch.float32, (
        f"{name} should hold floats (torch.float32), found {t.dtype}: write 1.0 instead of 1, "
        "or pass dtype=torch.float32"
    )
    expected = torch.tensor(values, dtype=torch.float32)
    assert t.shape == expected.shape, f"{name} should have shape {tuple(expected.shape)}, found {tuple(t.shape)}"
    assert torch.equal(t, expected), f"{name} holds the wrong numbers: expected {expected.tolist()}, found {t.tolist()}"


def test_tensors(nb):
    _expect_floats("x1", nb.x1, [1, 2, 3, 4])
    _expect_floats("x2", nb.x2, [[5, 6, 7, 8], [9, 10, 11, 12]])
    _expect_floats("x3", nb.x3, [[[1, 2, 3, 4], [5, 6, 7, 8]], [[9, 10, 11, 12], [13, 14, 15, 16]]])


def test_slices(nb):
    # Compared against the student's own x2 and x3, so a mistake in
    # exercise 1 is not punished twice.
    x2, x3 = nb.x2, nb.x3
    for name, got, expected, what in (
        ("first_row", nb.first_row, x2[0, :], "all of row 0 of x2, x2[0, :]"),
        ("third_column", nb.third_column, x2[:, 2], "entry 2 (the third, counting from 0) of every row of x2"),
        ("first_entries", nb.first_entries, x3[:, 0, 0], "the first entry of the first row of each grid of x3"),
    ):
        assert isinstance(got, torch.Tensor), f"{name} should be a tensor sliced from x2 or x3, found {type_name(got)}"
        assert got.shape == expected.shape and torch.equal(got, expected), (
            f"{name} should be {what}: expected {expected.tolist()}, found {got.tolist()}"
        )


def test_describe(nb):
    for t in (torch.zeros(5), torch.ones(2, 3, 4, dtype=torch.float64), torch.arange(6).reshape(3, 2)):
        expected = (tuple(t.shape), t.dtype, "cpu")
        got = nb.describe(t)
        assert isinstance(got, tuple) and len(got) == 3, f"describe should return a tuple of 3 things, found {got!r}"
        assert got[0] == expected[0] and isinstance(got[0], tuple), (
            f"describe(t)[0] should be the shape as a tuple, {expected[0]}, found {got[0]!r}"
        )
        assert got[1] == t.dtype, f"describe(t)[1] should be the dtype ({t.dtype}), found {got[1]!r}"
        assert got[2] == "cpu", f"describe(t)[2] should be the device type as a string ('cpu'), found {got[2]!r}"


def test_inplace(nb):
    a = torch.arange(4, dtype=torch.float32)
    b = nb.plus_five(a)
    assert isinstance(b, torch.Tensor), f"plus_five should return a tensor, found {type_name(b)}: end it with return"
    assert torch.equal(b, torch.arange(4) + 5.0), f"plus_five([0, 1, 2, 3]) should be [5, 6, 7, 8], found {b}"
    assert torch.equal(a, torch.arange(4, dtype=torch.float32)) and b is not a, (
        "plus_five changed its input: it should return a new tensor and leave t unchanged (use t.add(5) or t + 5)"
    )
    c = torch.arange(4, dtype=torch.float32)
    d = nb.plus_five_inplace(c)
    assert isinstance(d, torch.Tensor), f"plus_five_inplace should return t, found {type_name(d)}: end it with return t"
    assert torch.equal(c, torch.arange(4) + 5.0), (
        "plus_five_inplace did not change its input: use the in-place t.add_(5), not t = t + 5"
    )
    assert d is c, "plus_five_inplace should return the same tensor it was given (t itself)"
