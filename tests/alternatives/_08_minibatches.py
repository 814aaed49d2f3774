ALTERNATIVES = {
    "as-tensor-and-enumerate": {
        "style": "torch.tensor(..., dtype=float32) from the NumPy table; keyword arguments; enumerate over the loader",
        "answers": {
            "make-data": ("x = torch.tensor(table[:, 0:4], dtype=torch.float32)\n"
                          "y = torch.tensor(table[:, 4:5], dtype=torch.float32)\n"
                          "print(x.dtype, tuple(x.shape), y.dtype, tuple(y.shape))"),
            "make-loader": "dataset = TensorDataset(x, y)\nloader = DataLoader(dataset=dataset, shuffle=True, batch_size=2)",
            "train-batches": ("def train_batches(layer, loader, epochs, lr):\n"
                              "    optimizer = torch.optim.SGD(layer.parameters(), lr=lr)\n"
                              "    history = []\n"
                              "    for epoch in range(epochs):\n"
                              "        for i, (inputs, targets) in enumerate(loader):\n"
                              "            loss = nn.functional.mse_loss(layer(inputs), targets)\n"
                              "            optimizer.zero_grad()\n"
                              "            loss.backward()\n"
                              "            optimizer.step()\n"
                              "            history.append(loss.item())\n"
                              "    return history"),
        },
    },
    "clear-after-step-and-criterion": {
        "style": "a criterion made once; zero_grad(set_to_none=False) after the step; float(loss); a while loop",
        "answers": {
            "train-batches": ("def train_batches(layer, loader, epochs, lr):\n"
                              "    criterion = nn.MSELoss()\n"
                              "    opt = optim.SGD(params=layer.parameters(), lr=lr)\n"
                              "    losses = []\n"
                              "    epoch = 0\n"
                              "    while epoch < epochs:\n"
                              "        for batch_x, batch_y in loader:\n"
                              "            loss = criterion(layer(batch_x), batch_y)\n"
                              "            loss.backward()\n"
                              "            opt.step()\n"
                              "            opt.zero_grad(set_to_none=False)\n"
                              "            losses.append(float(loss))\n"
                              "        epoch += 1\n"
                              "    return losses"),
        },
    },
    "astype-and-helper": {
        "style": "the columns cut apart first and converted with astype and unsqueeze; the loader's arguments "
                 "positional; one update in a helper of its own, the history grown by a list comprehension",
        "answers": {
            "make-data": ("features, targets = table[:, :4], table[:, 4]\n"
                          "x = torch.from_numpy(features.astype(np.float32))\n"
                          "y = torch.from_numpy(targets).float().unsqueeze(1)\n"
                          "print(x.dtype, tuple(x.shape), y.dtype, tuple(y.shape))"),
            "make-loader": "dataset = TensorDataset(x, y)\nloader = DataLoader(dataset, 2, True)\nprint(len(loader), \"batches\")",
            "train-batches": ("def train_batches(layer, loader, epochs, lr):\n"
                              "    optimizer = optim.SGD(layer.parameters(), lr)\n"
                              "    loss_fn = nn.MSELoss()\n\n"
                              "    def update(xb, yb):\n"
                              "        optimizer.zero_grad()\n"
                              "        prediction = layer(xb)\n"
                              "        loss = loss_fn(prediction, yb)\n"
                              "        loss.backward()\n"
                              "        optimizer.step()\n"
                              "        return loss.item()\n\n"
                              "    history = []\n"
                              "    for _ in range(epochs):\n"
                              "        history += [update(xb, yb) for xb, yb in loader]\n"
                              "    return history"),
        },
    },
}
