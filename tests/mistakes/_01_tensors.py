MISTAKES = {
    # Whole numbers without a dot make an int64 tensor.
    "integer-tensors": {
        "lesson": True,
        "answers": {"make-tensors": (
            "x1 = torch.tensor([1, 2, 3, 4])\n"
            "x2 = torch.tensor([[5, 6, 7, 8], [9, 10, 11, 12]])\n"
            "x3 = torch.tensor([[[1, 2, 3, 4], [5, 6, 7, 8]], [[9, 10, 11, 12], [13, 14, 15, 16]]])"
        )},
        "fails": {"check-tensors": "should hold floats (torch.float32), found torch.int64"},
    },
    # Counting from 1: "the third entry" taken as index 3.
    "off-by-one-column": {
        "lesson": True,
        "answers": {"slices": "first_row = x2[0, :]\nthird_column = x2[:, 3]\nfirst_entries = x3[:, 0, 0]"},
        "fails": {"check-slices": "third_column should be entry 2 (the third, counting from 0)"},
    },
    # The device object itself, not its type as a string.
    "device-not-string": {
        "lesson": True,
        "answers": {"describe": "def describe(t):\n    return tuple(t.shape), t.dtype, t.device"},
        "fails": {"check-describe": "device(type='cpu')"},
    },
    # `t = t + 5` rebinds the name; the caller's tensor is untouched.
    "not-in-place": {
        "lesson": True,
        "answers": {"inplace": (
            "def plus_five(t):\n    return t + 5\n\n\n"
            "def plus_five_inplace(t):\n    t = t + 5\n    return t"
        )},
        "fails": {"check-inplace": "should change its input t itself"},
    },
    # The sum computed and dropped: without return a function gives None.
    "forgot-return": {
        "lesson": True,
        "answers": {"inplace": (
            "def plus_five(t):\n    t + 5\n\n\n"
            "def plus_five_inplace(t):\n    return t.add_(5)"
        )},
        "fails": {"check-inplace": "should return a tensor"},
    },
}
