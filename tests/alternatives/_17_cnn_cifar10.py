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
}
