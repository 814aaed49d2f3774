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
}
