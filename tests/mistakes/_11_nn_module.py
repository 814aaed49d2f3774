_NET = """class Net(nn.Module):
    def __init__(self):
{init}

    def forward(self, x):
{forward}"""
_INIT = """        super().__init__()
        self.fc1 = nn.Linear(2, HIDDEN)
        self.fc2 = nn.Linear(HIDDEN, 1)
        self.sigmoid = nn.Sigmoid()"""

MISTAKES = {
    # The original tutorial's slip: forward calls the notebook's loose `sigmoid`.
    # It works while that name exists, so only the check that hides it fails.
    "global-sigmoid": {
        "lesson": True,
        "answers": {"net-class": _NET.format(init=_INIT, forward=(
            "        x = self.fc1(x)\n"
            "        x = sigmoid(x)\n"
            "        x = self.fc2(x)\n"
            "        x = sigmoid(x)\n"
            "        return x"))},
        "fails": {"check-own-layers": "name 'sigmoid' is not defined"},
    },
    # Without super().__init__() nn.Module cannot register the layers.
    "no-super-init": {
        "lesson": True,
        "answers": {"net-class": _NET.format(init=_INIT.replace("        super().__init__()\n", ""), forward=(
            "        return self.sigmoid(self.fc2(self.sigmoid(self.fc1(x))))"))},
        "fails": {
            "check-net": "Module.__init__() call",
            "check-own-layers": "Module.__init__() call",
            "check-trained": "name 'net' is not defined",
        },
    },
    # Layers in a plain list are invisible to parameters(): nothing to train.
    "layers-in-a-list": {
        "lesson": True,
        "answers": {"net-class": _NET.format(
            init="        super().__init__()\n        self.layers = [nn.Linear(2, HIDDEN), nn.Linear(HIDDEN, 1)]",
            forward=(
                "        for layer in self.layers:\n"
                "            x = torch.sigmoid(layer(x))\n"
                "        return x"))},
        "fails": {
            "check-net": "should give 4 tensors",
            "check-trained": "should be on the right side of 0.5",
        },
    },
    # No sigmoid after fc2: the outputs are not probabilities, so BCELoss
    # refuses them (in training too).
    "no-final-sigmoid": {
        "lesson": True,
        "answers": {"net-class": _NET.format(init=_INIT, forward=(
            "        return self.fc2(self.sigmoid(self.fc1(x)))"))},
        "fails": {
            "check-net": "forward should be fc1, sigmoid, fc2, sigmoid",
            # Its reference is fc1, sigmoid, fc2, sigmoid of the net's own layers.
            "check-own-layers": "do not give as fc1, sigmoid, fc2, sigmoid",
            "check-trained": "probabilities between 0 and 1",
        },
    },
    # zero_grad() once per epoch: within an epoch each step also carries the
    # gradients of the batches before it. XOR is still fitted.
    "zero-grad-once-per-epoch": {
        "answers": {"train": (
            "net = Net()\n"
            "optimizer = optim.SGD(net.parameters(), lr=1.0)\n"
            "loss_history = []\n"
            "for epoch in range(EPOCHS):\n"
            "    optimizer.zero_grad()\n"
            "    for xb, yb in loader:\n"
            "        loss = loss_function(net(xb), yb)\n"
            "        loss.backward()\n"
            "        optimizer.step()\n"
            "        loss_history.append(loss.item())"
        )},
        "fails": {"check-trained": "once per batch, inside the loop over the loader"},
    },
    # The same, with zero_grad() at the end of each epoch: the last step's
    # gradients are cleared after it, yet it used those of the whole epoch.
    "zero-grad-at-end-of-epoch": {
        "answers": {"train": (
            "net = Net()\n"
            "optimizer = optim.SGD(net.parameters(), lr=1.0)\n"
            "loss_history = []\n"
            "for epoch in range(EPOCHS):\n"
            "    for xb, yb in loader:\n"
            "        loss = loss_function(net(xb), yb)\n"
            "        loss.backward()\n"
            "        optimizer.step()\n"
            "        loss_history.append(loss.item())\n"
            "    optimizer.zero_grad()"
        )},
        "fails": {"check-trained": "once per batch, inside the loop over the loader"},
    },
    # Another learning rate than the exercise's.
    "other-lr": {
        "answers": {"train": (
            "net = Net()\n"
            "optimizer = optim.SGD(net.parameters(), lr=2.0)\n"
            "loss_history = []\n"
            "for epoch in range(EPOCHS):\n"
            "    for xb, yb in loader:\n"
            "        optimizer.zero_grad()\n"
            "        loss = loss_function(net(xb), yb)\n"
            "        loss.backward()\n"
            "        optimizer.step()\n"
            "        loss_history.append(loss.item())"
        )},
        "fails": {"check-trained": "found SGD with lr=2.0"},
    },
    # Each epoch's mean loss kept, not each batch's.
    "loss-once-per-epoch": {
        "answers": {"train": (
            "net = Net()\n"
            "optimizer = optim.SGD(net.parameters(), lr=1.0)\n"
            "loss_history = []\n"
            "for epoch in range(EPOCHS):\n"
            "    total = 0.0\n"
            "    for xb, yb in loader:\n"
            "        optimizer.zero_grad()\n"
            "        loss = loss_function(net(xb), yb)\n"
            "        loss.backward()\n"
            "        optimizer.step()\n"
            "        total += loss.item()\n"
            "    loss_history.append(total / len(loader))"
        )},
        "fails": {"check-trained": "holds 500 losses, but the optimizer took 1000 steps"},
    },
}
