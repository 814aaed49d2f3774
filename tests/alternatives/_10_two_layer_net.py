ALTERNATIVES = {
    "sequential-and-chain": {
        "style": "forward through an nn.Sequential built from the two layers; itertools.chain of the parameters; "
                 "enumerate",
        "answers": {
            "network": ("layer1 = nn.Linear(2, HIDDEN)\n"
                        "layer2 = nn.Linear(HIDDEN, 1)\n"
                        "net = nn.Sequential(layer1, nn.Sigmoid(), layer2, nn.Sigmoid())\n\n\n"
                        "def forward(x):\n"
                        "    return net(x)"),
            "train": ("import itertools\n\n"
                      "optimizer = optim.SGD(itertools.chain(layer1.parameters(), layer2.parameters()), lr=1.0)\n"
                      "loss_history = []\n"
                      "for epoch in range(EPOCHS):\n"
                      "    for i, (xb, yb) in enumerate(loader):\n"
                      "        loss = loss_function(forward(xb), yb)\n"
                      "        optimizer.zero_grad()\n"
                      "        loss.backward()\n"
                      "        optimizer.step()\n"
                      "        loss_history += [loss.item()]\n"
                      "print(f\"loss of the last batch: {loss_history[-1]:.5f}\")"),
        },
    },
    "methods": {
        "style": "the sigmoid as a tensor method",
        "answers": {
            "network": ("layer1 = nn.Linear(2, HIDDEN)\n"
                        "layer2 = nn.Linear(HIDDEN, 1)\n\n\n"
                        "def forward(x):\n"
                        "    return layer2(layer1(x).sigmoid()).sigmoid()"),
        },
    },
    "clear-after-step": {
        "style": "zero_grad(set_to_none=False) after the step; enumerate; float(loss); a comment",
        "answers": {
            "train": ("optimizer = optim.SGD([*layer1.parameters(), *layer2.parameters()], lr=1.0)\n"
                      "loss_history = []\n"
                      "for epoch in range(EPOCHS):\n"
                      "    for i, (inputs, targets) in enumerate(loader):\n"
                      "        outputs = forward(inputs)\n"
                      "        loss = loss_function(outputs, targets)\n"
                      "        loss.backward()\n"
                      "        optimizer.step()\n"
                      "        optimizer.zero_grad(set_to_none=False)  # ready for the next batch\n"
                      "        loss_history.append(float(loss))"),
        },
    },
    "clear-between-forward-and-backward": {
        "style": "zero_grad between the forward pass and backward; while loop over epochs; 600 epochs",
        "answers": {
            "train": ("optimizer = optim.SGD(list(layer1.parameters()) + list(layer2.parameters()), lr=1.0)\n"
                      "loss_history = []\n"
                      "epoch = 0\n"
                      "while epoch < 600:\n"
                      "    for xb, yb in loader:\n"
                      "        loss = loss_function(forward(xb), yb)\n"
                      "        optimizer.zero_grad()\n"
                      "        loss.backward()\n"
                      "        optimizer.step()\n"
                      "        loss_history.append(loss.item())\n"
                      "    epoch += 1"),
        },
    },
    "layers-in-a-list": {
        "style": "the two layers kept in a Python list, not named; forward loops over them; the optimizer's "
                 "parameters from a comprehension",
        "answers": {
            "network": ("layers = [nn.Linear(2, HIDDEN), nn.Linear(HIDDEN, 1)]\n\n\n"
                        "def forward(x):\n"
                        "    for layer in layers:\n"
                        "        x = torch.sigmoid(layer(x))\n"
                        "    return x"),
            "train": ("optimizer = optim.SGD([p for layer in layers for p in layer.parameters()], lr=1.0)\n"
                      "loss_history = []\n"
                      "for epoch in range(EPOCHS):\n"
                      "    for xb, yb in loader:\n"
                      "        optimizer.zero_grad()\n"
                      "        loss = loss_function(forward(xb), yb)\n"
                      "        loss.backward()\n"
                      "        optimizer.step()\n"
                      "        loss_history.append(loss.item())"),
        },
    },
}
