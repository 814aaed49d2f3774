SOLUTION = """class MLP(nn.Module):
    def __init__(self, in_features=784, hidden=128, classes=10):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, classes)

    def forward(self, x):
        x = x.flatten(1)
        x = torch.sigmoid(self.fc1(x))
        return self.fc2(x)
"""

MISTAKES = {
    # The seed's step 10: a sigmoid on the scores as well.
    "sigmoid-on-scores": {
        "answers": {"mlp": SOLUTION.replace("return self.fc2(x)", "return torch.sigmoid(self.fc2(x))")},
        "fails": {"check-mlp": "no sigmoid (or softmax) after it", "check-accuracy": "should classify more than 82%"},
    },
    # The seed's `loss.backwards()`: no such method; nothing trains.
    "backwards": {
        "answers": {"train-epoch": (
            "def train_epoch(model, loader, optimizer, loss_fn):\n"
            "    losses = []\n"
            "    for images, labels in loader:\n"
            "        optimizer.zero_grad()\n"
            "        loss = loss_fn(model(images), labels)\n"
            "        loss.backwards()\n"
            "        optimizer.step()\n"
            "        losses.append(loss.item())\n"
            "    return losses"
        )},
        "fails": {"check-train-epoch": "has no attribute 'backwards'",
                  "check-accuracy": "should classify more than 82%"},
    },
    # Clearing the gradients after backward(): the step sees zeros, nothing trains.
    "zero-grad-after-backward": {
        "answers": {"train-epoch": (
            "def train_epoch(model, loader, optimizer, loss_fn):\n"
            "    losses = []\n"
            "    for images, labels in loader:\n"
            "        loss = loss_fn(model(images), labels)\n"
            "        loss.backward()\n"
            "        optimizer.zero_grad()\n"
            "        optimizer.step()\n"
            "        losses.append(loss.item())\n"
            "    return losses"
        )},
        "fails": {"check-train-epoch": "did not change the weights", "check-accuracy": "should classify more than 82%"},
    },
    # Counting correct answers of the last batch only.
    "last-batch-only": {
        "answers": {"accuracy": (
            "def accuracy(model, loader):\n"
            "    with torch.no_grad():\n"
            "        for images, labels in loader:\n"
            "            correct = (model(images).argmax(dim=1) == labels).sum().item()\n"
            "    return correct / len(labels)"
        )},
        "fails": {"check-accuracy": "count (scores.argmax(dim=1) == labels) over every batch"},
    },
}
