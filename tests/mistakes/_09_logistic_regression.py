_TRAIN = """def train_logistic(layer, x, y, epochs, lr):
    optimizer = optim.SGD(layer.parameters(), lr=lr)
    loss_fn = {loss}
    history = []
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = loss_fn({output}, y)
        loss.backward()
        optimizer.step()
        history.append(loss.item())
    return history"""

MISTAKES = {
    # Sign forgotten: the "loss" is negative and pushing it down makes the
    # model worse.
    "bce-sign": {
        "lesson": True,
        "answers": {"bce": "def bce_by_hand(p, y):\n    return (y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()"},
        "fails": {"check-bce": "the sign is flipped"},
    },
    # Only the y = 1 half of the formula.
    "bce-half": {
        "lesson": True,
        "answers": {"bce": "def bce_by_hand(p, y):\n    return -(y * torch.log(p)).mean()"},
        "fails": {"check-bce": "only the y = 1 half"},
    },
    # MSE kept from step 7: it trains, more slowly, and it is not the loss asked for.
    "mse-not-bce": {
        "lesson": True,
        "answers": {"train": _TRAIN.format(loss="nn.MSELoss()", output="torch.sigmoid(layer(x))")},
        "fails": {"check-train": "the first loss should be the BCE of the untrained layer"},
    },
    # No sigmoid: BCELoss refuses scores outside 0..1.
    "no-sigmoid": {
        "lesson": True,
        "answers": {"train": _TRAIN.format(loss="nn.BCELoss()", output="layer(x)")},
        "fails": {"check-train": "between 0 and 1"},
    },
}
