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
}
