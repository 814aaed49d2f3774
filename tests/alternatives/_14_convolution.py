ALTERNATIVES = {
    "functional-and-math": {
        "style": "math.floor for the size; sigmoid as a tensor method; view to flatten",
        "answers": {
            "conv-size": ("import math\n\n"
                          "def conv_output_size(size, kernel, padding=0, stride=1):\n"
                          "    return int(math.floor((size + 2 * padding - kernel) / stride)) + 1"),
            "convnet": ("class ConvNet(nn.Module):\n"
                        "    def __init__(self):\n"
                        "        super().__init__()\n"
                        "        self.conv1 = nn.Conv2d(in_channels=3, out_channels=6, kernel_size=5)\n"
                        "        self.fc1 = nn.Linear(4704, 120)\n"
                        "        self.fc2 = nn.Linear(120, 10)\n\n"
                        "    def forward(self, x):\n"
                        "        x = self.conv1(x).sigmoid()\n"
                        "        x = x.view(x.size(0), -1)\n"
                        "        return self.fc2(self.fc1(x).sigmoid())"),
        },
    },
    "sequential": {
        "style": "the layers in an nn.Sequential with nn.Flatten",
        "answers": {
            "convnet": ("class ConvNet(nn.Module):\n"
                        "    def __init__(self):\n"
                        "        super().__init__()\n"
                        "        self.net = nn.Sequential(nn.Conv2d(3, 6, 5), nn.Sigmoid(), nn.Flatten(),\n"
                        "                                 nn.Linear(6 * 28 * 28, 120), nn.Sigmoid(), nn.Linear(120, 10))\n\n"
                        "    def forward(self, x):\n"
                        "        return self.net(x)"),
        },
    },
    "divmod-and-shared-modules": {
        "style": "the size with divmod; one nn.Sigmoid module used twice and an nn.Flatten module; the linear "
                 "layer's size computed with their own conv_output_size; the output layer declared first",
        "answers": {
            "conv-size": ("def conv_output_size(size, kernel, padding=0, stride=1):\n"
                          "    moves, _ = divmod(size + 2 * padding - kernel, stride)\n"
                          "    return moves + 1"),
            "convnet": ("class ConvNet(nn.Module):\n"
                        "    def __init__(self):\n"
                        "        super().__init__()\n"
                        "        self.scores = nn.Linear(120, 10)\n"
                        "        self.conv = nn.Conv2d(3, 6, kernel_size=5, stride=1, padding=0)\n"
                        "        self.act = nn.Sigmoid()\n"
                        "        self.flatten = nn.Flatten()\n"
                        "        side = conv_output_size(32, 5)\n"
                        "        self.hidden = nn.Linear(6 * side * side, 120)\n\n"
                        "    def forward(self, x):\n"
                        "        x = self.act(self.conv(x))\n"
                        "        x = self.flatten(x)\n"
                        "        x = self.act(self.hidden(x))\n"
                        "        return self.scores(x)"),
        },
    },
}
