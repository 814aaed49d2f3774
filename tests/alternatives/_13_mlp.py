ALTERNATIVES = {
    "sequential-and-enumerate": {
        "style": "the MLP as an nn.Sequential inside the module; enumerate over the loader; "
                 "torch.no_grad as a decorator",
        "answers": {
            "mlp": ("class MLP(nn.Module):\n"
                    "    def __init__(self, in_features=784, hidden=128, classes=10):\n"
                    "        super().__init__()\n"
                    "        self.layers = nn.Sequential(nn.Flatten(), nn.Linear(in_features, hidden), nn.Sigmoid(),\n"
                    "                                    nn.Linear(hidden, classes))\n\n"
                    "    def forward(self, x):\n"
                    "        return self.layers(x)"),
            "train-epoch": ("def train_epoch(model, loader, optimizer, loss_fn):\n"
                            "    model.train()\n"
                            "    losses = []\n"
                            "    for i, (images, labels) in enumerate(loader):\n"
                            "        scores = model(images)\n"
                            "        loss = loss_fn(scores, labels)\n"
                            "        optimizer.zero_grad()\n"
                            "        loss.backward()\n"
                            "        optimizer.step()\n"
                            "        losses.append(float(loss))\n"
                            "    return losses"),
            "accuracy": ("@torch.no_grad()\n"
                         "def accuracy(model, loader):\n"
                         "    model.eval()\n"
                         "    right = total = 0\n"
                         "    for images, labels in loader:\n"
                         "        predicted = torch.argmax(model(images), 1)\n"
                         "        right += int((predicted == labels).sum())\n"
                         "        total += labels.numel()\n"
                         "    model.train()\n"
                         "    return right / total"),
        },
    },
    "modules-and-concatenated-predictions": {
        "style": "nn.Flatten and nn.Sigmoid as modules of the subclass; a for loop unpacking each batch inside; "
                 "float(loss); accuracy from the predictions of all batches concatenated",
        "answers": {
            "mlp": ("class MLP(nn.Module):\n"
                    "    def __init__(self, in_features=784, hidden=128, classes=10):\n"
                    "        super().__init__()\n"
                    "        self.flatten = nn.Flatten()\n"
                    "        self.hidden_layer = nn.Linear(in_features, hidden)\n"
                    "        self.activation = nn.Sigmoid()\n"
                    "        self.output_layer = nn.Linear(hidden, classes)\n\n"
                    "    def forward(self, x):\n"
                    "        x = self.flatten(x)\n"
                    "        x = self.activation(self.hidden_layer(x))\n"
                    "        x = self.output_layer(x)\n"
                    "        return x"),
            "train-epoch": ("def train_epoch(model, loader, optimizer, loss_fn):\n"
                            "    model.train()\n"
                            "    epoch_losses = []\n"
                            "    for batch in loader:\n"
                            "        images, labels = batch\n"
                            "        optimizer.zero_grad(set_to_none=True)\n"
                            "        outputs = model(images)\n"
                            "        loss = loss_fn(outputs, labels)\n"
                            "        loss.backward()\n"
                            "        optimizer.step()\n"
                            "        epoch_losses.append(float(loss.detach()))\n"
                            "    return epoch_losses"),
            "accuracy": ("def accuracy(model, loader):\n"
                         "    model.eval()\n"
                         "    predictions, targets = [], []\n"
                         "    with torch.no_grad():\n"
                         "        for images, labels in loader:\n"
                         "            predictions.append(model(images).argmax(dim=1))\n"
                         "            targets.append(labels)\n"
                         "    model.train()\n"
                         "    return (torch.cat(predictions) == torch.cat(targets)).float().mean().item()"),
        },
    },
    "tutorial-style-and-progress": {
        "style": "layers declared output first, the sigmoid and flatten as tensor methods; enumerate over the "
                 "batches with a progress print every 200; accuracy with torch.max(scores, 1) and labels.size(0)",
        "answers": {
            "mlp": ("class MLP(nn.Module):\n"
                    "    def __init__(self, in_features=784, hidden=128, classes=10):\n"
                    "        super(MLP, self).__init__()\n"
                    "        self.out = nn.Linear(hidden, classes)\n"
                    "        self.fc = nn.Linear(in_features, hidden)\n\n"
                    "    def forward(self, x):\n"
                    "        return self.out(self.fc(x.flatten(start_dim=1)).sigmoid())"),
            "train-epoch": ("def train_epoch(model, loader, optimizer, loss_fn):\n"
                            "    losses = []\n"
                            "    for i, (images, labels) in enumerate(loader):\n"
                            "        optimizer.zero_grad()\n"
                            "        loss = loss_fn(model(images), labels)\n"
                            "        loss.backward()\n"
                            "        optimizer.step()\n"
                            "        losses.append(loss.item())\n"
                            "        if i % 200 == 0:\n"
                            "            print(f\"batch {i}: loss {loss.item():.3f}\")\n"
                            "    return losses"),
            "accuracy": ("def accuracy(model, loader):\n"
                         "    correct = 0\n"
                         "    total = 0\n"
                         "    model.eval()\n"
                         "    with torch.no_grad():\n"
                         "        for images, labels in loader:\n"
                         "            outputs = model(images)\n"
                         "            _, predicted = torch.max(outputs, 1)\n"
                         "            total += labels.size(0)\n"
                         "            correct += (predicted == labels).sum().item()\n"
                         "    model.train()\n"
                         "    return correct / total"),
        },
    },
}
