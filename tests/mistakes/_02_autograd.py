MISTAKES = {
    # Brackets make a 1-element vector, not a scalar. Training still works,
    # so only the first check notices.
    "vector-not-scalar": {
        "answers": {"make-variables": (
            "var_1 = torch.tensor([3.0], requires_grad=True)\n"
            "var_2 = torch.tensor([4.0], requires_grad=True)\n"
            "my_latent_value = var_1 * var_2"
        )},
        "fails": {"check-variables": "a scalar of shape ()"},
    },
    # Without requires_grad nothing can learn: backward() has nothing to reach.
    "no-requires-grad": {
        "answers": {"make-variables": (
            "var_1 = torch.tensor(3.0)\n"
            "var_2 = torch.tensor(4.0)\n"
            "my_latent_value = var_1 * var_2"
        )},
        "fails": {
            "check-variables": "should have requires_grad=True",
            "check-training": "should end within 0.001 of 15",
        },
    },
    # The seed's own loss: 15 - product goes negative, and SGD drives the
    # product past 15 towards infinity.
    "seed-loss": {
        "answers": {"loss": "def loss_fn(product):\n    return 15 - product"},
        "fails": {
            "check-loss": "a loss must never be negative",
            "check-training": "should end within 0.001 of 15",
        },
    },
    # Gradients add up across backward() calls unless cleared.
    "no-zero-grad": {
        "answers": {"training": (
            "my_sgd = SGD([var_1, var_2], lr=3e-3)\n"
            "for step in range(100):\n"
            "    loss = loss_fn(var_1 * var_2)\n"
            "    loss.backward()\n"
            "    my_sgd.step()"
        )},
        "fails": {"check-training": "my_sgd.zero_grad()"},
    },
    # Only var_1 is trained: the product still reaches 15, by var_1 alone.
    "one-tensor-trained": {
        "answers": {"training": (
            "my_sgd = SGD([var_1], lr=3e-3)\n"
            "for step in range(100):\n"
            "    my_sgd.zero_grad()\n"
            "    loss = loss_fn(var_1 * var_2)\n"
            "    loss.backward()\n"
            "    my_sgd.step()"
        )},
        "fails": {"check-training": "my_sgd was not given var_2"},
    },
}
