_TRAIN = """def train(layer, x, y, epochs, lr):
    optimizer = optim.SGD(layer.parameters(), lr={lr})
    loss_fn = nn.MSELoss()
    history = []
    for epoch in range(epochs):
{body}
    return history"""

MISTAKES = {
    # The loop runs and nothing crashes, but each step uses every gradient so far.
    "no-zero-grad": {
        "lesson": True,
        "answers": {"train": _TRAIN.format(lr="lr", body=(
            "        loss = loss_fn(layer(x), y)\n"
            "        loss.backward()\n"
            "        optimizer.step()\n"
            "        history.append(loss.item())"))},
        "fails": {
            "check-train": "the loss should go down",
            "check-zero-grad": "clear them with optimizer.zero_grad() in every epoch",
        },
    },
    # Keeping the loss tensors (and their graphs) instead of their numbers.
    "history-of-tensors": {
        "lesson": True,
        "answers": {"train": _TRAIN.format(lr="lr", body=(
            "        optimizer.zero_grad()\n"
            "        loss = loss_fn(layer(x), y)\n"
            "        loss.backward()\n"
            "        optimizer.step()\n"
            "        history.append(loss)"))},
        "fails": {"check-train": "the history should hold plain floats (loss.item())"},
    },
    # Step 7's learning rate typed in, the lr argument ignored: it diverges.
    "hard-coded-lr": {
        "lesson": True,
        "answers": {"train": _TRAIN.format(lr="0.1", body=(
            "        optimizer.zero_grad()\n"
            "        loss = loss_fn(layer(x), y)\n"
            "        loss.backward()\n"
            "        optimizer.step()\n"
            "        history.append(loss.item())"))},
        "fails": {
            "check-train": "the loss should go down over 20 epochs",
            "check-zero-grad": "does train() step with the lr it is given?",
        },
    },
    # The loss measured again after the step: the history is one epoch late.
    "loss-after-step": {
        "lesson": True,
        "answers": {"train": _TRAIN.format(lr="lr", body=(
            "        optimizer.zero_grad()\n"
            "        loss_fn(layer(x), y).backward()\n"
            "        optimizer.step()\n"
            "        history.append(loss_fn(layer(x), y).item())"))},
        "fails": {
            "check-train": "should be the loss before any update",
            "check-zero-grad": "from all zeros the losses should be",
        },
    },
    # The seed's own loss: 15 - product goes negative, and SGD drives the
    # product past 15 towards infinity.
    "seed-loss": {
        "lesson": True,
        "answers": {"loss": "def loss_fn(product):\n    return 15 - product"},
        "fails": {
            "check-loss": "a loss must never be negative",
            "check-training": "should end within 0.001 of 15",
        },
    },
    # Gradients add up across backward() calls unless cleared.
    "lab-no-zero-grad": {
        "lesson": True,
        "answers": {"training": (
            "my_sgd = optim.SGD([var_1, var_2], lr=3e-3)\n"
            "for step in range(100):\n"
            "    loss = loss_fn(var_1 * var_2)\n"
            "    loss.backward()\n"
            "    my_sgd.step()"
        )},
        "fails": {"check-training": "my_sgd.zero_grad()"},
    },
    # Only var_1 is trained: the product still reaches 15, by var_1 alone.
    "one-tensor-trained": {
        "lesson": True,
        "answers": {"training": (
            "my_sgd = optim.SGD([var_1], lr=3e-3)\n"
            "for step in range(100):\n"
            "    my_sgd.zero_grad()\n"
            "    loss = loss_fn(var_1 * var_2)\n"
            "    loss.backward()\n"
            "    my_sgd.step()"
        )},
        "fails": {"check-training": "my_sgd was not given var_2"},
    },
    # Two numbers whose product is 15, put in by hand: still leaves with
    # requires_grad, held by my_sgd, and both changed, but no step took them there.
    "typed-in-values": {
        "answers": {"training": (
            "my_sgd = optim.SGD([var_1, var_2], lr=3e-3)\n"
            "with torch.no_grad():  # 2.5 * 6 = 15\n"
            "    var_1.fill_(2.5)\n"
            "    var_2.fill_(6.0)"
        )},
        "fails": {"check-training": "change them only through my_sgd.step()"},
    },
    # SGD's own arithmetic, typed out by hand: the same numbers, but my_sgd
    # never steps, which the exercise asks for.
    "hand-made-step": {
        "lesson": True,
        "answers": {"training": (
            "my_sgd = optim.SGD([var_1, var_2], lr=3e-3)\n"
            "for step in range(100):\n"
            "    my_sgd.zero_grad()\n"
            "    loss = loss_fn(var_1 * var_2)\n"
            "    loss.backward()\n"
            "    with torch.no_grad():\n"
            "        var_1 -= 3e-3 * var_1.grad\n"
            "        var_2 -= 3e-3 * var_2.grad"
        )},
        "fails": {"check-training": "only through my_sgd.step()"},
    },
    # Another optimizer than the one asked for: Adam reaches 15 too, but the
    # step is about plain SGD and its learning rate.
    "adam-not-sgd": {
        "answers": {"training": (
            "my_sgd = optim.Adam([var_1, var_2], lr=1e-2)\n"
            "for step in range(300):\n"
            "    my_sgd.zero_grad()\n"
            "    loss = loss_fn(var_1 * var_2)\n"
            "    loss.backward()\n"
            "    my_sgd.step()"
        )},
        "fails": {"check-training": "my_sgd should be optim.SGD([var_1, var_2], lr=3e-3), found Adam"},
    },
    # Another learning rate, with more steps to make up for it.
    "other-lr": {
        "answers": {"training": (
            "my_sgd = optim.SGD([var_1, var_2], lr=1e-3)\n"
            "for step in range(300):\n"
            "    my_sgd.zero_grad()\n"
            "    loss = loss_fn(var_1 * var_2)\n"
            "    loss.backward()\n"
            "    my_sgd.step()"
        )},
        "fails": {"check-training": "with lr=0.001"},
    },
    # The last loss returned instead of the history of all of them.
    "returns-last-loss": {
        "lesson": True,
        "answers": {"train": _TRAIN.replace("    return history", "    return loss.item()").format(lr="lr", body=(
            "        optimizer.zero_grad()\n"
            "        loss = loss_fn(layer(x), y)\n"
            "        loss.backward()\n"
            "        optimizer.step()\n"
            "        history.append(loss.item())"))},
        "fails": {
            "check-train": "should return a list of 20 losses",
            "check-zero-grad": "should return a list of 3 losses",
        },
    },
}
