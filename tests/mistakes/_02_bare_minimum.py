MISTAKES = {
    # Forgetting requires_grad: the model still "works", but nothing can
    # ever ask how y depends on x1.
    "no-requires-grad": {
        "lesson": True,
        "answers": {"make-input": "x1 = torch.tensor([1.0, 2.0, 3.0, 4.0])"},
        "fails": {"check-input": "x1 should have requires_grad=True"},
    },
    # The function ignores its argument and returns the global x1: right for
    # model(x1), wrong for anything else.
    "returns-global": {
        "lesson": True,
        "answers": {"model": "def model(x):\n    return x1\n\n\ny = model(x1)"},
        "fails": {"check-model": "model(torch.zeros(2)) should be [0, 0]"},
    },
    # A function without `return` gives None.
    "no-return": {
        "lesson": True,
        "answers": {"model": "def model(x):\n    x\n\n\ny = model(x1)"},
        "fails": {"check-model": "y is None"},
    },
    # Brackets make a 1-element vector, not a scalar: the values are right,
    # the shape () is not.
    "vector-not-scalar": {
        "lesson": True,
        "answers": {"make-variables": (
            "var_1 = torch.tensor([3.0], requires_grad=True)\n"
            "var_2 = torch.tensor([4.0], requires_grad=True)\n"
            "product = var_1 * var_2"
        )},
        "fails": {"check-variables": "a scalar of shape ()"},
    },
    # The product typed in by hand is a leaf: it remembers nothing.
    "product-typed-in": {
        "lesson": True,
        "answers": {"make-variables": (
            "var_1 = torch.tensor(3.0, requires_grad=True)\n"
            "var_2 = torch.tensor(4.0, requires_grad=True)\n"
            "product = torch.tensor(12.0, requires_grad=True)"
        )},
        "fails": {"check-variables": "a non-leaf"},
    },
}
