ALTERNATIVES = {
    "functional": {
        "style": "F.max_pool2d and torch.relu in forward, no pooling layer; flatten with start_dim=; torch.device "
                 "for the device",
        "answers": {
            "cnn": ("class CNN(nn.Module):\n"
                    "    def __init__(self):\n"
                    "        super().__init__()\n"
                    "        self.conv1 = nn.Conv2d(3, 10, 5)\n"
                    "        self.conv2 = nn.Conv2d(10, 20, 5)\n"
                    "        self.fc1 = nn.Linear(500, 120)\n"
                    "        self.fc2 = nn.Linear(120, 10)\n\n"
                    "    def forward(self, x):\n"
                    "        x = F.max_pool2d(torch.relu(self.conv1(x)), 2)\n"
                    "        x = F.max_pool2d(torch.relu(self.conv2(x)), kernel_size=2, stride=2)\n"
                    "        x = x.flatten(start_dim=1)\n"
                    "        return self.fc2(torch.relu(self.fc1(x)))"),
            "device": ("device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')\n"
                       "model = CNN()\n"
                       "model.to(device)"),
        },
    },
    "sequential": {
        "style": "conv blocks in nn.Sequential with nn.ReLU modules",
        "answers": {
            "cnn": ("class CNN(nn.Module):\n"
                    "    def __init__(self):\n"
                    "        super().__init__()\n"
                    "        self.features = nn.Sequential(\n"
                    "            nn.Conv2d(3, 10, 5), nn.ReLU(), nn.MaxPool2d(2, 2),\n"
                    "            nn.Conv2d(10, 20, 5), nn.ReLU(), nn.MaxPool2d(2, 2),\n"
                    "        )\n"
                    "        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(500, 120), nn.ReLU(), nn.Linear(120, 10))\n\n"
                    "    def forward(self, x):\n"
                    "        return self.classifier(self.features(x))"),
        },
    },
    "one-module-per-use": {
        "style": "a pooling and a ReLU module for each use (pool1, pool2, relu1 ...); torch.flatten; the device as "
                 "torch.device('cuda:0'), the model moved in a second line and printed",
        "answers": {
            "cnn": ("class CNN(nn.Module):\n"
                    "    def __init__(self):\n"
                    "        super().__init__()\n"
                    "        self.conv1, self.relu1, self.pool1 = nn.Conv2d(3, 10, 5), nn.ReLU(), nn.MaxPool2d(2, 2)\n"
                    "        self.conv2, self.relu2, self.pool2 = nn.Conv2d(10, 20, 5), nn.ReLU(), nn.MaxPool2d(2, 2)\n"
                    "        self.fc1, self.relu3 = nn.Linear(20 * 5 * 5, 120), nn.ReLU()\n"
                    "        self.fc2 = nn.Linear(120, 10)\n\n"
                    "    def forward(self, x):\n"
                    "        x = self.pool1(self.relu1(self.conv1(x)))\n"
                    "        x = self.pool2(self.relu2(self.conv2(x)))\n"
                    "        x = torch.flatten(x, 1)\n"
                    "        x = self.relu3(self.fc1(x))\n"
                    "        return self.fc2(x)"),
            "device": ("device = torch.device(\"cuda:0\") if torch.cuda.is_available() else torch.device(\"cpu\")\n"
                       "model = CNN()\n"
                       "model = model.to(device)\n"
                       "print(model)"),
        },
    },
}
