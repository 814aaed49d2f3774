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
}
