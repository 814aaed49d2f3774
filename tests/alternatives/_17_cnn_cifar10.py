ALTERNATIVES = {
    "functional-and-norm-after-relu": {
        "style": "F.max_pool2d and F.relu in a loop over blocks, batch norm after the ReLU; evaluate under "
                 "@torch.no_grad(); the best weights copied tensor by tensor",
        "answers": {
            "cifarnet": ("class CIFARNet(nn.Module):\n"
                         "    def __init__(self):\n"
                         "        super().__init__()\n"
                         "        self.convs = nn.ModuleList([nn.Conv2d(a, b, 3, padding=1) for a, b in ((3, 32), (32, 64), (64, 128))])\n"
                         "        self.norms = nn.ModuleList([nn.BatchNorm2d(b) for b in (32, 64, 128)])\n"
                         "        self.fc = nn.Linear(2048, 10)\n\n"
                         "    def forward(self, x):\n"
                         "        for conv, norm in zip(self.convs, self.norms):\n"
                         "            x = F.max_pool2d(norm(F.relu(conv(x))), 2)\n"
                         "        return self.fc(torch.flatten(x, 1))"),
            "evaluate": ("@torch.no_grad()\n"
                         "def evaluate(model, batches):\n"
                         "    model.eval()\n"
                         "    hits = []\n"
                         "    for images, labels in batches:\n"
                         "        hits.append(model(images).argmax(1) == labels)\n"
                         "    return torch.cat(hits).float().mean().item()"),
            "training-run": ("loss_history, val_history = [], []\n"
                             "best = None\n"
                             "for epoch in range(plan.epochs):\n"
                             "    loss_history.extend(train_one_epoch(model, train_batches, optimizer, scheduler, loss_fn))\n"
                             "    val_history.append(evaluate(model, val_batches))\n"
                             "    if best is None or val_history[-1] >= max(val_history):\n"
                             "        best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}\n"
                             "        best = val_history[-1]\n"
                             "model.load_state_dict(best_state)"),
        },
    },
    "sequential-and-saved-file": {
        "style": "an nn.Sequential CIFARNet; transforms in another order of Compose; enumerate in the training loop; "
                 "the best weights written with torch.save and read back",
        "answers": {
            "transforms": ("normalize = transforms.Normalize(mean=mean, std=std)\n"
                           "train_transform = transforms.Compose([transforms.RandomHorizontalFlip(p=0.5),\n"
                           "                                      transforms.RandomCrop(size=32, padding=4),\n"
                           "                                      transforms.ToTensor(), normalize])\n"
                           "val_transform = transforms.Compose([transforms.ToTensor(), normalize])"),
            "cifarnet": ("class CIFARNet(nn.Module):\n"
                         "    def __init__(self):\n"
                         "        super().__init__()\n"
                         "        def block(c_in, c_out):\n"
                         "            return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out),\n"
                         "                    nn.ReLU(), nn.MaxPool2d(2, 2)]\n"
                         "        self.net = nn.Sequential(*block(3, 32), *block(32, 64), *block(64, 128), nn.Flatten(),\n"
                         "                                 nn.Linear(128 * 4 * 4, 10))\n\n"
                         "    def forward(self, x):\n"
                         "        return self.net(x)"),
            "train-one-epoch": ("def train_one_epoch(model, batches, optimizer, scheduler, loss_fn):\n"
                                "    model.train()\n"
                                "    losses = []\n"
                                "    for i, (x, y) in enumerate(batches):\n"
                                "        loss = loss_fn(model(x), y)\n"
                                "        optimizer.zero_grad(set_to_none=True)\n"
                                "        loss.backward()\n"
                                "        optimizer.step()\n"
                                "        scheduler.step()\n"
                                "        losses.append(float(loss))\n"
                                "    return losses"),
            "training-run": ("import os, tempfile\n"
                             "loss_history, val_history = [], []\n"
                             "path = os.path.join(tempfile.gettempdir(), 'best_cifarnet.pt')\n"
                             "best_accuracy = 0\n"
                             "for epoch in range(plan.epochs):\n"
                             "    loss_history += train_one_epoch(model, train_batches, optimizer, scheduler, loss_fn)\n"
                             "    accuracy = evaluate(model, val_batches)\n"
                             "    val_history.append(accuracy)\n"
                             "    if accuracy > best_accuracy:\n"
                             "        best_accuracy = accuracy\n"
                             "        torch.save(model.state_dict(), path)\n"
                             "best_state = torch.load(path)\n"
                             "model.load_state_dict(best_state)"),
        },
    },
    "block-class-and-while": {
        "style": "the two transforms sharing a list of their last two steps; a ConvBlock module of their own; "
                 "OneCycleLR given epochs and steps_per_epoch; evaluate from per-batch counts; a while loop "
                 "over the epochs keeping the best epoch's number",
        "answers": {
            "transforms": ("to_tensor_and_normalize = [transforms.ToTensor(), transforms.Normalize(mean, std)]\n"
                           "train_transform = transforms.Compose([transforms.RandomCrop(32, padding=4),\n"
                           "                                      transforms.RandomHorizontalFlip()] + to_tensor_and_normalize)\n"
                           "val_transform = transforms.Compose(to_tensor_and_normalize)"),
            "cifarnet": ("class ConvBlock(nn.Module):\n"
                         "    \"\"\"conv 3x3 (no bias), batch norm, ReLU, then halve the size\"\"\"\n"
                         "    def __init__(self, c_in, c_out):\n"
                         "        super().__init__()\n"
                         "        self.conv = nn.Conv2d(c_in, c_out, kernel_size=3, padding=1, bias=False)\n"
                         "        self.bn = nn.BatchNorm2d(c_out)\n\n"
                         "    def forward(self, x):\n"
                         "        return F.max_pool2d(torch.relu(self.bn(self.conv(x))), 2)\n\n\n"
                         "class CIFARNet(nn.Module):\n"
                         "    def __init__(self):\n"
                         "        super().__init__()\n"
                         "        self.block1 = ConvBlock(3, 32)\n"
                         "        self.block2 = ConvBlock(32, 64)\n"
                         "        self.block3 = ConvBlock(64, 128)\n"
                         "        self.fc = nn.Linear(2048, 10)\n\n"
                         "    def forward(self, x):\n"
                         "        x = self.block3(self.block2(self.block1(x)))\n"
                         "        return self.fc(x.flatten(1))"),
            "training-setup": ("model = CIFARNet()\n"
                               "model.to(device)\n"
                               "optimizer = torch.optim.AdamW(params=model.parameters(), lr=plan.lr, weight_decay=plan.weight_decay)\n"
                               "scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=plan.lr, epochs=plan.epochs,\n"
                               "                                                steps_per_epoch=len(train_batches))\n"
                               "loss_fn = nn.CrossEntropyLoss(label_smoothing=plan.label_smoothing)"),
            "evaluate": ("def evaluate(model, batches):\n"
                         "    model.eval()\n"
                         "    with torch.no_grad():\n"
                         "        counts = [((model(x).argmax(1) == y).sum().item(), y.numel()) for x, y in batches]\n"
                         "    return sum(right for right, _ in counts) / sum(n for _, n in counts)"),
            "training-run": ("loss_history, val_history = [], []\n"
                             "best_epoch = None\n"
                             "epoch = 0\n"
                             "while epoch < plan.epochs:\n"
                             "    loss_history.extend(train_one_epoch(model, train_batches, optimizer, scheduler, loss_fn))\n"
                             "    val_history.append(evaluate(model, val_batches))\n"
                             "    print(f\"epoch {epoch + 1}/{plan.epochs}: validation accuracy {val_history[-1]:.1%}\")\n"
                             "    if best_epoch is None or val_history[-1] > val_history[best_epoch]:\n"
                             "        best_epoch = epoch\n"
                             "        best_state = copy.deepcopy(model.state_dict())\n"
                             "    epoch += 1\n"
                             "model.load_state_dict(best_state)\n"
                             "print(\"best epoch:\", best_epoch + 1)"),
        },
    },
}
