ALTERNATIVES = {
    "functional-pooling": {
        "style": "F.max_pool2d in forward instead of an nn.MaxPool2d layer (PyTorch's own examples); the "
                 "layers declared last to first; parameters counted with a loop",
        "answers": {
            "poolnet": ("class PoolNet(nn.Module):\n"
                        "    def __init__(self):\n"
                        "        super().__init__()\n"
                        "        self.fc2 = nn.Linear(120, 10)\n"
                        "        self.fc1 = nn.Linear(1176, 120)\n"
                        "        self.conv1 = nn.Conv2d(3, 6, 5)\n\n"
                        "    def forward(self, x):\n"
                        "        x = torch.nn.functional.max_pool2d(torch.sigmoid(self.conv1(x)), 2)\n"
                        "        x = torch.sigmoid(self.fc1(torch.flatten(x, 1)))\n"
                        "        return self.fc2(x)"),
            "count-parameters": ("def count_parameters(model):\n"
                                 "    total = 0\n"
                                 "    for p in model.parameters():\n"
                                 "        total += p.numel()\n"
                                 "    return total"),
        },
    },
    "sequential-pooling": {
        "style": "an nn.Sequential of conv, sigmoid, pool, flatten; numel via math.prod",
        "answers": {
            "poolnet": ("class PoolNet(nn.Module):\n"
                        "    def __init__(self):\n"
                        "        super().__init__()\n"
                        "        self.features = nn.Sequential(nn.Conv2d(3, 6, 5), nn.Sigmoid(), nn.MaxPool2d(2), nn.Flatten())\n"
                        "        self.classifier = nn.Sequential(nn.Linear(6 * 14 * 14, 120), nn.Sigmoid(), nn.Linear(120, 10))\n\n"
                        "    def forward(self, x):\n"
                        "        return self.classifier(self.features(x))"),
            "count-parameters": ("import math\n\n"
                                 "def count_parameters(model):\n"
                                 "    return sum(math.prod(p.shape) for p in model.parameters())"),
        },
    },
    "size-from-a-dummy-pass": {
        "style": "fc1's input size measured by a dummy forward pass in __init__; sigmoids as tensor methods; "
                 "MaxPool2d with keywords; the count with map(torch.numel, ...)",
        "answers": {
            "poolnet": ("class PoolNet(nn.Module):\n"
                        "    def __init__(self):\n"
                        "        super().__init__()\n"
                        "        self.conv1 = nn.Conv2d(3, 6, 5)\n"
                        "        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)\n"
                        "        with torch.no_grad():\n"
                        "            flat = self.pool(self.conv1(torch.zeros(1, 3, 32, 32))).flatten(1).shape[1]\n"
                        "        self.fc1 = nn.Linear(flat, 120)\n"
                        "        self.fc2 = nn.Linear(120, 10)\n\n"
                        "    def forward(self, x):\n"
                        "        x = self.pool(self.conv1(x).sigmoid())\n"
                        "        x = x.flatten(1)\n"
                        "        x = self.fc1(x).sigmoid()\n"
                        "        return self.fc2(x)"),
            "count-parameters": "def count_parameters(model):\n    return sum(map(torch.numel, model.parameters()))",
        },
    },
}
