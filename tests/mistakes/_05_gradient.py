MISTAKES = {
    # Reading .grad before anything computed it.
    "no-backward": {
        "lesson": True,
        "answers": {"backward": (
            "weight_grad = linear_layer1.weight.grad\n"
            "bias_grad = linear_layer1.bias.grad\n"
            "x1_grad = x1.grad"
        )},
        "fails": {"check-backward": "weight_grad is None"},
    },
    # The parameter itself instead of its gradient: same shape, wrong numbers.
    "weight-not-grad": {
        "lesson": True,
        "answers": {"backward": (
            "loss.backward()\n"
            "weight_grad = linear_layer1.weight\n"
            "bias_grad = linear_layer1.bias.grad\n"
            "x1_grad = x1.grad"
        )},
        "fails": {"check-backward": "use linear_layer1.weight.grad"},
    },
    # d(e^2)/de = 2e: forgetting the 2.
    "no-factor-two": {
        "lesson": True,
        "answers": {"formulas": (
            "def mse_grads(w, b, x, y):\n"
            "    e = w @ x + b - y\n"
            "    return (e * x).reshape(w.shape), e"
        )},
        "fails": {"check-formulas": "dw should be 2 * 10.5 * [3, 4] = [[63, 84]], found [[31.5, 42.0]]"},
    },
    # Chain rule stopped at e: the weight gradient lacks its factor x.
    "forgot-x": {
        "lesson": True,
        "answers": {"formulas": (
            "def mse_grads(w, b, x, y):\n"
            "    e = w @ x + b - y\n"
            "    return 2 * e, 2 * e"
        )},
        "fails": {"check-formulas": "dw should have the shape of w, (1, 2), found (1,)"},
    },
    # Without zero_grad() the second call adds onto the first.
    "no-zero-grad": {
        "lesson": True,
        "answers": {"fresh": (
            "def gradients(layer, x, y):\n"
            "    loss = nn.MSELoss()(layer(x), y)\n"
            "    loss.backward()\n"
            "    return layer.weight.grad, layer.bias.grad"
        )},
        "fails": {"check-fresh": "should give the same weight gradient every time"},
    },
    # Clearing after backward() instead of before: nothing left to return.
    "zero-grad-after-backward": {
        "lesson": True,
        "answers": {"fresh": (
            "def gradients(layer, x, y):\n"
            "    loss = nn.MSELoss()(layer(x), y)\n"
            "    loss.backward()\n"
            "    layer.zero_grad()\n"
            "    return layer.weight.grad, layer.bias.grad"
        )},
        "fails": {"check-fresh": "should return two gradient tensors, found (None, None)"},
    },
}
