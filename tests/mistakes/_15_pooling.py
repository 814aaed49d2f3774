SOLUTION = """class PoolNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.fc1 = nn.Linear(6 * 14 * 14, 120)
        self.fc2 = nn.Linear(120, 10)

    def forward(self, x):
        x = self.pool(torch.sigmoid(self.conv1(x)))
        x = x.flatten(1)
        x = torch.sigmoid(self.fc1(x))
        return self.fc2(x)
"""

MISTAKES = {
    # fc1 left at step 14's size: the pooled maps hold 1176 numbers, not 4704.
    "fc1-not-resized": {
        "answers": {"poolnet": SOLUTION.replace("6 * 14 * 14", "6 * 28 * 28")},
        "fails": {"check-poolnet": "cannot be multiplied", "check-training": "loss_history"},
        "lesson": True,
    },
    # The pooling layer made but never used in forward.
    "pool-not-used": {
        "answers": {"poolnet": SOLUTION.replace("self.pool(torch.sigmoid(self.conv1(x)))", "torch.sigmoid(self.conv1(x))")
                                       .replace("6 * 14 * 14", "6 * 28 * 28")},
        "fails": {"check-poolnet": "forward should max-pool"},
        "lesson": True,
    },
    # ReLU, which step 16 brings in, where the exercise asks for a sigmoid.
    "relu-instead-of-sigmoid": {
        "answers": {"poolnet": SOLUTION.replace("torch.sigmoid", "torch.relu")},
        "fails": {"check-poolnet": "PoolNet uses ReLU where the exercise asks for a sigmoid"},
    },
    # Counting the parameter tensors instead of their numbers.
    "count-tensors": {
        "answers": {"count-parameters": "def count_parameters(model):\n    return len(list(model.parameters()))"},
        "fails": {"check-count-parameters": "gave 2, the number of parameter tensors"},
        "lesson": True,
    },
    # Weights only, biases forgotten.
    "weights-only": {
        "answers": {"count-parameters": (
            "def count_parameters(model):\n"
            "    return sum(p.numel() for name, p in model.named_parameters() if 'weight' in name)"
        )},
        "fails": {"check-count-parameters": "gave 8, the weights only"},
        "lesson": True,
    },
}
