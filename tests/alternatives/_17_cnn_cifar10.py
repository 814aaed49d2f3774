ALTERNATIVES = {
    "functional-and-bincount": {
        "style": "F.max_pool2d in forward; per-class accuracy with torch.bincount over all predictions",
        "answers": {
            "cifarnet": ("class CIFARNet(nn.Module):\n"
                         "    def __init__(self):\n"
                         "        super().__init__()\n"
                         "        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)\n"
                         "        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)\n"
                         "        self.conv3 = nn.Conv2d(32, 64, 3, padding=1)\n"
                         "        self.fc1 = nn.Linear(1024, 128)\n"
                         "        self.fc2 = nn.Linear(128, 10)\n\n"
                         "    def forward(self, x):\n"
                         "        for conv in (self.conv1, self.conv2, self.conv3):\n"
                         "            x = F.max_pool2d(F.relu(conv(x)), 2)\n"
                         "        return self.fc2(F.relu(self.fc1(x.flatten(1))))"),
            "per-class": ("def per_class_accuracy(model, loader, device):\n"
                          "    model.eval()\n"
                          "    predictions, truth = [], []\n"
                          "    with torch.no_grad():\n"
                          "        for images, labels in loader:\n"
                          "            predictions.append(model(images.to(device)).argmax(1).cpu())\n"
                          "            truth.append(labels)\n"
                          "    predictions, truth = torch.cat(predictions), torch.cat(truth)\n"
                          "    right = torch.bincount(truth[predictions == truth], minlength=10)\n"
                          "    return (right / torch.bincount(truth, minlength=10)).tolist()"),
        },
    },
    "sequential-and-numpy": {
        "style": "an nn.Sequential CIFARNet; per-class accuracy counted in NumPy",
        "answers": {
            "cifarnet": ("class CIFARNet(nn.Module):\n"
                         "    def __init__(self):\n"
                         "        super().__init__()\n"
                         "        def block(c_in, c_out):\n"
                         "            return [nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]\n"
                         "        self.net = nn.Sequential(*block(3, 16), *block(16, 32), *block(32, 64), nn.Flatten(),\n"
                         "                                 nn.Linear(64 * 4 * 4, 128), nn.ReLU(), nn.Linear(128, 10))\n\n"
                         "    def forward(self, x):\n"
                         "        return self.net(x)"),
            "per-class": ("import numpy as np\n\n"
                          "def per_class_accuracy(model, loader, device):\n"
                          "    model.eval()\n"
                          "    right, seen = np.zeros(10), np.zeros(10)\n"
                          "    with torch.no_grad():\n"
                          "        for images, labels in loader:\n"
                          "            guess = model(images.to(device)).argmax(dim=1).cpu().numpy()\n"
                          "            labels = labels.numpy()\n"
                          "            np.add.at(seen, labels, 1)\n"
                          "            np.add.at(right, labels[guess == labels], 1)\n"
                          "    return list(right / seen)"),
        },
    },
}
