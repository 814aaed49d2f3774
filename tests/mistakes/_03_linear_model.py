MISTAKES = {
    # The weight's shape is (out, in), so nn.Linear(1, 4) "looks" right.
    # Calling it on x1 fails, and so does everything built on it.
    "in-out-swapped": {
        "lesson": True,
        "answers": {"layer": "linear_layer1 = nn.Linear(1, 4)\npredicted_y = linear_layer1(x1)"},
        "fails": {
            "check-layer": "should have shape (1, 4), found (4, 1)",
            "check-by-hand": "by_hand_y",
        },
    },
    # A second, fresh layer makes the prediction: another set of random weights.
    "prediction-from-a-new-layer": {
        "lesson": True,
        "answers": {"layer": "linear_layer1 = nn.Linear(4, 1)\npredicted_y = nn.Linear(4, 1)(x1)"},
        "fails": {"check-layer": "predicted_y should be linear_layer1's output for x1"},
    },
    # Counting only the weights.
    "forgot-bias-in-count": {
        "lesson": True,
        "answers": {"count": "n_parameters = linear_layer1.weight.numel()"},
        "fails": {"check-count": "should count the bias too"},
    },
    # `*` multiplies entry by entry and adds nothing up.
    "elementwise-product": {
        "lesson": True,
        "answers": {"by-hand": (
            "def linear_by_hand(layer, x):\n    return layer.weight * x + layer.bias\n\n\n"
            "by_hand_y = linear_by_hand(linear_layer1, x1)"
        )},
        "fails": {"check-by-hand": "found (1, 4)"},
    },
    # Right for the student's own layer only (the bias added outside):
    # the checks try linear_by_hand on other layers.
    "forgot-bias-by-hand": {
        "lesson": True,
        "answers": {"by-hand": (
            "def linear_by_hand(layer, x):\n    return layer.weight @ x\n\n\n"
            "by_hand_y = linear_by_hand(linear_layer1, x1) + linear_layer1.bias"
        )},
        "fails": {"check-by-hand": "did you forget the bias?"},
    },
    # The shortcut: the layer computes it, so nothing is done by hand.
    "calls-the-layer": {
        "lesson": True,
        "answers": {"by-hand": (
            "def linear_by_hand(layer, x):\n    return layer(x)\n\n\n"
            "by_hand_y = linear_by_hand(linear_layer1, x1)"
        )},
        "fails": {"check-by-hand": "calls layer(x)"},
    },
}
