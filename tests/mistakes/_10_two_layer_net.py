_TRAIN = """optimizer = optim.SGD({params}, lr={lr})
loss_history = []
for epoch in range({epochs}):
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_function(forward(xb), yb)
        loss.backward()
        optimizer.step()
        loss_history.append(loss.item())"""

MISTAKES = {
    # The original tutorial's bug: only layer 1's parameters in the optimizer.
    "one-layer-optimizer": {
        "lesson": True,
        "answers": {"train": _TRAIN.format(params="layer1.parameters()", lr="1.0", epochs="EPOCHS")},
        "fails": {
            "check-optimizer": "should hold 4 parameter tensors",
            "check-fits": "after training every output should be on the right side of 0.5",
        },
    },
    # The original tutorial's schedule: 3 epochs at lr 0.1.
    "three-epochs": {
        "lesson": True,
        "answers": {"train": _TRAIN.format(params="list(layer1.parameters()) + list(layer2.parameters())",
                                           lr="0.1", epochs="3")},
        "fails": {
            "check-optimizer": "found SGD with lr=0.1",
            "check-fits": "after training every output should be on the right side of 0.5",
        },
    },
    # No nonlinearity between the layers: one linear layer in disguise.
    "no-hidden-sigmoid": {
        "lesson": True,
        "answers": {"network": (
            "layer1 = nn.Linear(2, HIDDEN)\n"
            "layer2 = nn.Linear(HIDDEN, 1)\n\n\n"
            "def forward(x):\n"
            "    return torch.sigmoid(layer2(layer1(x)))"
        )},
        "fails": {
            "check-network": "forward has no sigmoid between the two layers",
            "check-fits": "after training every output should be on the right side of 0.5",
        },
    },
    # No sigmoid after the last layer: the outputs are not probabilities,
    # so BCELoss refuses them (in training too).
    "no-final-sigmoid": {
        "lesson": True,
        "answers": {"network": (
            "layer1 = nn.Linear(2, HIDDEN)\n"
            "layer2 = nn.Linear(HIDDEN, 1)\n\n\n"
            "def forward(x):\n"
            "    return layer2(torch.sigmoid(layer1(x)))"
        )},
        "fails": {
            "check-network": "forward(x) should be sigmoid(layer2(sigmoid(layer1(x))))",
            "check-fits": "probabilities between 0 and 1",
        },
    },
    # Step 9's single layer kept: forward is logistic regression, which
    # cannot fit XOR however long it trains.
    "one-layer-model": {
        "lesson": True,
        "answers": {
            "network": (
                "layer1 = nn.Linear(2, 1)\n\n\n"
                "def forward(x):\n"
                "    return torch.sigmoid(layer1(x))"
            ),
            "train": _TRAIN.format(params="layer1.parameters()", lr="1.0", epochs="EPOCHS"),
        },
        "fails": {
            "check-network": "forward should use exactly two layers",
            "check-optimizer": "should hold 4 parameter tensors",
            "check-fits": "after training every output should be on the right side of 0.5",
        },
    },
    # zero_grad() once per epoch: within an epoch each step also carries the
    # gradients of the batches before it. XOR is still fitted.
    "zero-grad-once-per-epoch": {
        "answers": {"train": (
            "optimizer = optim.SGD(list(layer1.parameters()) + list(layer2.parameters()), lr=1.0)\n"
            "loss_history = []\n"
            "for epoch in range(EPOCHS):\n"
            "    optimizer.zero_grad()\n"
            "    for xb, yb in loader:\n"
            "        loss = loss_function(forward(xb), yb)\n"
            "        loss.backward()\n"
            "        optimizer.step()\n"
            "        loss_history.append(loss.item())"
        )},
        "fails": {"check-fits": "once per batch, inside the loop over the loader"},
    },
    # The same, with zero_grad() at the end of each epoch: the last step's
    # gradients are cleared after it, yet it used those of the whole epoch.
    "zero-grad-at-end-of-epoch": {
        "answers": {"train": (
            "optimizer = optim.SGD(list(layer1.parameters()) + list(layer2.parameters()), lr=1.0)\n"
            "loss_history = []\n"
            "for epoch in range(EPOCHS):\n"
            "    for xb, yb in loader:\n"
            "        loss = loss_function(forward(xb), yb)\n"
            "        loss.backward()\n"
            "        optimizer.step()\n"
            "        loss_history.append(loss.item())\n"
            "    optimizer.zero_grad()"
        )},
        "fails": {"check-fits": "once per batch, inside the loop over the loader"},
    },
    # The loss kept once per epoch, after the loop over the batches: the
    # history the exercise asks for has one loss per batch.
    "loss-once-per-epoch": {
        "answers": {"train": _TRAIN.format(params="list(layer1.parameters()) + list(layer2.parameters())",
                                           lr="1.0", epochs="EPOCHS").replace(
            "        loss_history.append(loss.item())", "    loss_history.append(loss.item())")},
        "fails": {"check-fits": "holds 500 losses, but the optimizer took 1000 steps"},
    },
    # Plain SGD asked for, Adam used: it fits XOR too.
    "adam-not-sgd": {
        "answers": {"train": _TRAIN.format(params="list(layer1.parameters()) + list(layer2.parameters())",
                                           lr="0.05", epochs="EPOCHS").replace("optim.SGD", "optim.Adam")},
        "fails": {"check-optimizer": "should be an optim.SGD with lr=1.0, found Adam"},
    },
}
