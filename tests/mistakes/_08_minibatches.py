MISTAKES = {
    # The seed's flat targets: shape (4,), which broadcasts against (N, 1) outputs.
    "flat-targets": {
        "lesson": True,
        "answers": {"make-data": (
            "x = torch.tensor([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0]])\n"
            "y = torch.tensor([0.0, 1.0, 1.0, 0.0])"
        )},
        "fails": {
            "check-data": "y should have shape (4, 1)",
            "check-loader": "a batch of targets yb should have shape (2, 1)",
        },
    },
    # Batches in the same order every epoch.
    "no-shuffle": {
        "lesson": True,
        "answers": {"make-loader": "dataset = TensorDataset(x, y)\nloader = DataLoader(dataset, batch_size=2, shuffle=False)"},
        "fails": {"check-loader": "pass shuffle=True"},
    },
    # One batch per epoch: only half of the data is ever used in an epoch.
    "one-batch-per-epoch": {
        "lesson": True,
        "answers": {"train-batches": (
            "def train_batches(layer, loader, epochs, lr):\n"
            "    optimizer = optim.SGD(layer.parameters(), lr=lr)\n"
            "    loss_fn = nn.MSELoss()\n"
            "    history = []\n"
            "    for epoch in range(epochs):\n"
            "        xb, yb = next(iter(loader))\n"
            "        optimizer.zero_grad()\n"
            "        loss = loss_fn(layer(xb), yb)\n"
            "        loss.backward()\n"
            "        optimizer.step()\n"
            "        history.append(loss.item())\n"
            "    return history"
        )},
        "fails": {"check-train-batches": "one loss per batch"},
    },
    # One update per epoch with the gradients of all batches added up.
    "step-once-per-epoch": {
        "lesson": True,
        "answers": {"train-batches": (
            "def train_batches(layer, loader, epochs, lr):\n"
            "    optimizer = optim.SGD(layer.parameters(), lr=lr)\n"
            "    loss_fn = nn.MSELoss()\n"
            "    history = []\n"
            "    for epoch in range(epochs):\n"
            "        optimizer.zero_grad()\n"
            "        for xb, yb in loader:\n"
            "            loss = loss_fn(layer(xb), yb)\n"
            "            loss.backward()\n"
            "            history.append(loss.item())\n"
            "        optimizer.step()\n"
            "    return history"
        )},
        "fails": {"check-train-batches": "one update per batch"},
    },
    # NumPy's float64 kept: the layer's float32 weights refuse it.
    "float64-from-numpy": {
        "lesson": True,
        "answers": {"make-data": "x = torch.from_numpy(table[:, :4])\ny = torch.from_numpy(table[:, 4:])"},
        "fails": {
            "check-data": "should hold float32 numbers",
            "check-train-batches": "must have the same dtype, but got Double and Float",
        },
    },
}
