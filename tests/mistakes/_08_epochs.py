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
        "answers": {"train": _TRAIN.format(lr="0.1", body=(
            "        optimizer.zero_grad()\n"
            "        loss = loss_fn(layer(x), y)\n"
            "        loss.backward()\n"
            "        optimizer.step()\n"
            "        history.append(loss.item())"))},
        "fails": {
            "check-train": "the loss should go down over 20 epochs",
            "check-zero-grad": "from all zeros the losses should be",
        },
    },
    # The loss measured again after the step: the history is one epoch late.
    "loss-after-step": {
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
}
