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
    "dtype-keyword-and-index-lists": {
        "style": "integers with dtype=torch.float32; slices with explicit ranges and index lists; plus_five via torch.add",
        "answers": {
            "make-tensors": ("x1 = torch.tensor([1, 2, 3, 4], dtype=torch.float32)\n"
                             "x2 = torch.tensor([[5, 6, 7, 8], [9, 10, 11, 12]], dtype=torch.float32)\n"
                             "x3 = torch.tensor([[[1, 2, 3, 4], [5, 6, 7, 8]], [[9, 10, 11, 12], [13, 14, 15, 16]]]).float()"),
            "slices": ("first_row = x2[0, 0:4]\n"
                       "third_column = x2[0:2, 2]\n"
                       "first_entries = x3[[0, 1], 0, 0]"),
            "inplace": ("def plus_five(t):\n    return torch.add(t, 5)\n\n\n"
                        "def plus_five_inplace(t):\n    t.add_(5)\n    return t"),
        },
    },
    "numpy-and-transpose": {
        "style": "the tensors from NumPy arrays and torch.stack; slices through the transpose and chained indexing; "
                 "describe unpacks the shape; plus_five_inplace with copy_",
        "answers": {
            "make-tensors": ("import numpy as np\n\n"
                             "x1 = torch.from_numpy(np.array([1, 2, 3, 4], dtype=np.float32))\n"
                             "x2 = torch.stack([torch.arange(5.0, 9.0), torch.arange(9.0, 13.0)])\n"
                             "x3 = torch.from_numpy(np.arange(1, 17, dtype=np.float32).reshape(2, 2, 4))\n"
                             "print(x1, x2, x3, sep=\"\\n\")"),
            "slices": ("first_row = x2[0, ...]\n"
                       "third_column = x2.T[2]\n"
                       "first_entries = x3[:, 0][:, 0]\n"
                       "print(first_row, third_column, first_entries)"),
            "describe": ("def describe(t):\n"
                         "    shape = tuple(int(size) for size in t.shape)\n"
                         "    return (shape, t.dtype, f\"{t.device.type}\")"),
            "inplace": ("def plus_five(t):\n    return 5 + t\n\n\n"
                        "def plus_five_inplace(t):\n    t.copy_(t + 5)\n    return t"),
        },
    },
}
