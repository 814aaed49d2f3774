MISTAKES = {
    # Forgetting requires_grad: the model still "works", but nothing can
    # ever ask how y depends on x1.
    "no-requires-grad": {
        "answers": {"make-input": "x1 = torch.tensor([1.0, 2.0, 3.0, 4.0])"},
        "fails": {"check-input": "x1 should have requires_grad=True"},
    },
    # The function ignores its argument and returns the global x1: right for
    # model(x1), wrong for anything else.
    "returns-global": {
        "answers": {"model": "def model(x):\n    return x1\n\n\ny = model(x1)"},
        "fails": {"check-model": "model(torch.zeros(2)) should be [0, 0]"},
    },
    # A function without `return` gives None.
    "no-return": {
        "answers": {"model": "def model(x):\n    x\n\n\ny = model(x1)"},
        "fails": {"check-model": "y is None"},
    },
}
