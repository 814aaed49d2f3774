SOLUTION = """class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.fc1 = nn.Linear(6 * 28 * 28, 120)
        self.fc2 = nn.Linear(120, 10)

    def forward(self, x):
        x = torch.sigmoid(self.conv1(x))
        x = x.flatten(1)
        x = torch.sigmoid(self.fc1(x))
        return self.fc2(x)
"""

MISTAKES = {
    # Padding forgotten in the formula.
    "no-padding": {
        "answers": {"conv-size": "def conv_output_size(size, kernel, padding=0, stride=1):\n    return (size - kernel) // stride + 1"},
        "fails": {"check-conv-size": "conv_output_size(32, 5, padding=2) should be 32, found 28"},
        "lesson": True,
    },
    # Stride forgotten.
    "no-stride": {
        "answers": {"conv-size": "def conv_output_size(size, kernel, padding=0, stride=1):\n    return size + 2 * padding - kernel + 1"},
        "fails": {"check-conv-size": "stride=2) should be"},
        "lesson": True,
    },
    # The input size of the image, not of the feature maps: 6 * 32 * 32.
    "fc1-sized-for-the-image": {
        "answers": {"convnet": SOLUTION.replace("6 * 28 * 28", "6 * 32 * 32")},
        "fails": {"check-convnet": "cannot be multiplied", "check-training": "loss_history"},
        "lesson": True,
    },
    # ReLU, which step 16 brings in, where the exercise asks for a sigmoid: it
    # trains (well), but it is not the network the text describes.
    "relu-instead-of-sigmoid": {
        "answers": {"convnet": SOLUTION.replace("torch.sigmoid", "torch.relu")},
        "fails": {"check-convnet": "ConvNet uses ReLU where the exercise asks for a sigmoid"},
    },
    # super().__init__() forgotten: no layer can be assigned, nothing trains.
    "no-super-init": {
        "answers": {"convnet": SOLUTION.replace("        super().__init__()\n", "")},
        "fails": {"check-convnet": "Module.__init__() call", "check-training": "loss_history"},
    },
}
