ALTERNATIVES = {
    "functions-and-methods": {
        "style": "torch.arange/reshape to build the tensors; index_select and narrow; methods and size()",
        "answers": {
            "make-tensors": ("x1 = torch.arange(1, 5, dtype=torch.float32)\n"
                             "x2 = torch.arange(5, 13).float().reshape(2, 4)\n"
                             "x3 = torch.arange(1.0, 17.0).view(2, 2, 4)"),
            "slices": ("first_row = x2[0]\n"
                       "third_column = x2.select(1, 2)\n"
                       "first_entries = x3[..., 0, 0]"),
            "describe": "def describe(t):\n    return tuple(t.size()), t.dtype, str(t.device.type)",
            "inplace": ("def plus_five(t):\n    return t + 5\n\n\n"
                        "def plus_five_inplace(t):\n    t += 5\n    return t"),
        },
    },
}
