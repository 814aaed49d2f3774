SOLUTION = {
    "transforms": (
        "train_transform = transforms.Compose([\n"
        "    transforms.RandomCrop(32, padding=4),\n"
        "    transforms.RandomHorizontalFlip(),\n"
        "    transforms.ToTensor(),\n"
        "    transforms.Normalize(mean, std),\n"
        "])\n"
        "val_transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize(mean, std)])"),
    "cifarnet": (
        "class CIFARNet(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.conv1, self.bn1 = nn.Conv2d(3, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32)\n"
        "        self.conv2, self.bn2 = nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64)\n"
        "        self.conv3, self.bn3 = nn.Conv2d(64, 128, 3, padding=1, bias=False), nn.BatchNorm2d(128)\n"
        "        self.pool = nn.MaxPool2d(2)\n"
        "        self.fc = nn.Linear(128 * 4 * 4, 10)\n\n"
        "    def forward(self, x):\n"
        "        x = self.pool(F.relu(self.bn1(self.conv1(x))))\n"
        "        x = self.pool(F.relu(self.bn2(self.conv2(x))))\n"
        "        x = self.pool(F.relu(self.bn3(self.conv3(x))))\n"
        "        return self.fc(x.flatten(1))"),
    "train-one-epoch": (
        "def train_one_epoch(model, batches, optimizer, scheduler, loss_fn):\n"
        "    model.train()\n"
        "    losses = []\n"
        "    for images, labels in batches:\n"
        "        optimizer.zero_grad()\n"
        "        loss = loss_fn(model(images), labels)\n"
        "        loss.backward()\n"
        "        optimizer.step()\n"
        "        scheduler.step()\n"
        "        losses.append(loss.item())\n"
        "    return losses"),
    "evaluate": (
        "def evaluate(model, batches):\n"
        "    model.eval()\n"
        "    correct = total = 0\n"
        "    with torch.no_grad():\n"
        "        for images, labels in batches:\n"
        "            correct += (model(images).argmax(dim=1) == labels).sum().item()\n"
        "            total += len(labels)\n"
        "    return correct / total"),
    "training-run": (
        "loss_history, val_history = [], []\n"
        "best_accuracy = -1\n"
        "for epoch in range(plan.epochs):\n"
        "    loss_history += train_one_epoch(model, train_batches, optimizer, scheduler, loss_fn)\n"
        "    val_accuracy = evaluate(model, val_batches)\n"
        "    val_history.append(val_accuracy)\n"
        "    if val_accuracy > best_accuracy:\n"
        "        best_accuracy = val_accuracy\n"
        "        best_state = copy.deepcopy(model.state_dict())\n"
        "model.load_state_dict(best_state)"),
}

MISTAKES = {
    # The training transform reused for the validation images: crops and flips
    # at measuring time, so the epoch's accuracies are of other pictures.
    "validation-augmented": {
        "answers": {"transforms": SOLUTION["transforms"].replace(
            "val_transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize(mean, std)])",
            "val_transform = train_transform")},
        "fails": {"check-transforms": "val_transform should give the same tensor each time",
                  "check-training-run": "after the run, model should hold the weights of its best epoch"},
        "lesson": True,
    },
    # No augmentation: the training images as they are. Graded, the model
    # still cleared the CPU's 65 % (the grading run of 2 December); the text
    # asks for the crops and flips, and the checks read them.
    "no-augmentation": {
        "answers": {"transforms": SOLUTION["transforms"].replace(
            "    transforms.RandomCrop(32, padding=4),\n    transforms.RandomHorizontalFlip(),\n", "")},
        "fails": {"check-transforms": "train_transform should hold transforms.RandomCrop(32, padding=4)"},
        "lesson": True,
    },
    # model.eval() forgotten in evaluate: batch norm measures with each
    # validation batch's own statistics, and updates its running averages.
    "eval-mode-forgotten": {
        "answers": {"evaluate": SOLUTION["evaluate"].replace("    model.eval()\n", "")},
        "fails": {"check-evaluate": "evaluate ran the model in training mode: call model.eval() first",
                  "check-training-run": "model should hold best_state"},
        "lesson": True,
    },
    # torch.no_grad() left out of evaluate: the same accuracy, but a graph is
    # built for every validation batch and thrown away.
    "no-grad-forgotten": {
        "answers": {"evaluate": (
            "def evaluate(model, batches):\n"
            "    model.eval()\n"
            "    correct = total = 0\n"
            "    for images, labels in batches:\n"
            "        correct += (model(images).argmax(dim=1) == labels).sum().item()\n"
            "        total += len(labels)\n"
            "    return correct / total")},
        "fails": {"check-evaluate": "evaluate should run the model under torch.no_grad()"},
        "lesson": True,
    },
    # The schedule stepped once per epoch: OneCycleLR then stays near its
    # starting learning rate, plan.lr / 25, for the whole run. Graded, the
    # model still cleared the CPU's 65 % (the grading run of 2 December), so
    # only the train_one_epoch check catches it.
    "schedule-stepped-per-epoch": {
        "answers": {
            "train-one-epoch": SOLUTION["train-one-epoch"].replace("        scheduler.step()\n", ""),
            "training-run": SOLUTION["training-run"].replace(
                "    val_accuracy = evaluate(model, val_batches)\n",
                "    scheduler.step()\n    val_accuracy = evaluate(model, val_batches)\n"),
        },
        "fails": {"check-train-one-epoch": "the scheduler should step once per batch"},
        "lesson": True,
    },
    # The best weights kept without a copy: model.state_dict() holds the
    # model's own tensors, so best_state follows every later step. In a run
    # whose last epoch is the best (the CPU budget's 3) nothing else shows it.
    "state-not-copied": {
        "answers": {"training-run": SOLUTION["training-run"].replace(
            "best_state = copy.deepcopy(model.state_dict())", "best_state = model.state_dict()")},
        "fails": {"check-training-run": "best_state holds the model's own tensors, not a copy"},
        "lesson": True,
    },
    # total_steps counted in epochs: OneCycleLR refuses to step past it, so
    # the run stops with an error in its first epoch.
    "schedule-total-in-epochs": {
        "answers": {"training-setup": (
            "model = CIFARNet().to(device)\n"
            "optimizer = torch.optim.AdamW(model.parameters(), lr=plan.lr, weight_decay=plan.weight_decay)\n"
            "scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=plan.lr, total_steps=plan.epochs)\n"
            "loss_fn = nn.CrossEntropyLoss(label_smoothing=plan.label_smoothing)")},
        "fails": {"check-training-setup": "OneCycleLR's total_steps should be",
                  "check-training-run": "val_history should hold one accuracy per epoch",
                  "check-accuracy": "val_accuracy"},
    },
    # padding forgotten: the maps shrink to 2 x 2, fc does not fit (fails fast).
    "no-padding": {
        "answers": {"cifarnet": SOLUTION["cifarnet"].replace(", padding=1", "")},
        "fails": {"check-cifarnet": "cannot be multiplied",
                  "check-evaluate": "cannot be multiplied",
                  "check-training-run": "val_history should hold one accuracy per epoch",
                  "check-accuracy": "val_accuracy"},
    },
}
