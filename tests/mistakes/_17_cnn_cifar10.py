SOLUTION = """class CIFARNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.conv3 = nn.Conv2d(32, 64, 3, padding=1)
        self.pool = nn.MaxPool2d(2, 2)
        self.fc1 = nn.Linear(64 * 4 * 4, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = self.pool(F.relu(self.conv3(x)))
        x = x.flatten(1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)
"""

MISTAKES = {
    # The tutorial's learning rate, 1e-1, with Adam: training diverges, the
    # model stays at chance. This is the mistake that proves the accuracy
    # threshold fails (the CPU one, here; tests/test_vision.py shows the GPU
    # one failing a model between the two thresholds).
    "seed-learning-rate": {
        "answers": {"model-optimizer": (
            "model = CIFARNet().to(device)\n"
            "optimizer = torch.optim.Adam(model.parameters(), lr=1e-1)"
        )},
        "fails": {"check-training": "the loss should fall over the first few hundred batches",
                  "check-accuracy": "CIFARNet should classify more than"},
    },
    # padding forgotten: the maps shrink to 2 x 2, fc1 does not fit (fails fast).
    "no-padding": {
        "answers": {"cifarnet": SOLUTION.replace(", padding=1", "")},
        "fails": {"check-cifarnet": "cannot be multiplied",
                  "check-training": "found 0",
                  "check-accuracy": "name 'val_accuracy' is not defined",
                  "check-per-class": "cannot be multiplied"},
    },
    # Divided by every image instead of the images of the class.
    "divide-by-all": {
        "answers": {"per-class": (
            "def per_class_accuracy(model, loader, device):\n"
            "    correct = [0] * 10\n"
            "    n = 0\n"
            "    model.eval()\n"
            "    with torch.no_grad():\n"
            "        for images, labels in loader:\n"
            "            predicted = model(images.to(device)).argmax(dim=1).cpu()\n"
            "            n += len(labels)\n"
            "            for c in range(10):\n"
            "                correct[c] += ((predicted == c) & (labels == c)).sum().item()\n"
            "    return [k / n for k in correct]"
        )},
        "fails": {"check-per-class": "the mean of the per-class accuracies should be close to the overall accuracy"},
    },
}
