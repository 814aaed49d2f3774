ALTERNATIVES = {
    "functional-forward": {
        "style": "torch.sigmoid in forward instead of an nn.Sigmoid module; parameters in a list; a helper function",
        "answers": {
            "net-class": ("class Net(nn.Module):\n"
                          "    def __init__(self):\n"
                          "        super().__init__()\n"
                          "        self.hidden = nn.Linear(2, HIDDEN)\n"
                          "        self.out = nn.Linear(HIDDEN, 1)\n\n"
                          "    def forward(self, x):\n"
                          "        return torch.sigmoid(self.out(torch.sigmoid(self.hidden(x))))"),
            "train": ("def one_epoch(net, optimizer):\n"
                      "    losses = []\n"
                      "    for xb, yb in loader:\n"
                      "        optimizer.zero_grad()\n"
                      "        loss = loss_function(net(xb), yb)\n"
                      "        loss.backward()\n"
                      "        optimizer.step()\n"
                      "        losses.append(loss.item())\n"
                      "    return losses\n\n\n"
                      "net = Net()\n"
                      "optimizer = optim.SGD(list(net.parameters()), lr=1.0)\n"
                      "loss_history = []\n"
                      "for epoch in range(EPOCHS):\n"
                      "    loss_history.extend(one_epoch(net, optimizer))"),
        },
    },
    "sequential-inside": {
        "style": "the layers in an nn.Sequential attribute",
        "answers": {
            "net-class": ("class Net(nn.Module):\n"
                          "    def __init__(self):\n"
                          "        super().__init__()\n"
                          "        self.layers = nn.Sequential(nn.Linear(2, HIDDEN), nn.Sigmoid(), nn.Linear(HIDDEN, 1), nn.Sigmoid())\n\n"
                          "    def forward(self, x):\n"
                          "        return self.layers(x)"),
        },
    },
    "clear-after-step": {
        "style": "zero_grad(set_to_none=False) after the step; enumerate; net.train(); float(loss)",
        "answers": {
            "train": ("net = Net()\n"
                      "net.train()\n"
                      "optimizer = optim.SGD(params=net.parameters(), lr=1.0)\n"
                      "loss_history = []\n"
                      "for epoch in range(EPOCHS):\n"
                      "    for i, (inputs, targets) in enumerate(loader):\n"
                      "        loss = loss_function(net(inputs), targets)\n"
                      "        loss.backward()\n"
                      "        optimizer.step()\n"
                      "        optimizer.zero_grad(set_to_none=False)\n"
                      "        loss_history.append(float(loss))"),
        },
    },
}
