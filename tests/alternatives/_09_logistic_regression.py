ALTERNATIVES = {
    "functional-and-logits": {
        "style": "F.binary_cross_entropy; BCEWithLogitsLoss on the layer's raw output",
        "answers": {
            "bce": ("import torch.nn.functional as F\n\n"
                    "def bce_by_hand(p, y):\n"
                    "    return F.binary_cross_entropy(p, y)\n\n\n"
                    "print(bce_by_hand(torch.tensor([0.9, 0.2]), torch.tensor([1.0, 0.0])))"),
            "train": ("def train_logistic(layer, x, y, epochs, lr):\n"
                      "    optimizer = optim.SGD(layer.parameters(), lr=lr)\n"
                      "    loss_fn = nn.BCEWithLogitsLoss()\n"
                      "    history = []\n"
                      "    for epoch in range(epochs):\n"
                      "        optimizer.zero_grad()\n"
                      "        loss = loss_fn(layer(x), y)\n"
                      "        loss.backward()\n"
                      "        optimizer.step()\n"
                      "        history.append(loss.item())\n"
                      "    return history"),
        },
    },
    "by-hand-with-where": {
        "style": "BCE by hand with torch.where, summed then divided",
        "answers": {
            "bce": ("def bce_by_hand(p, y):\n"
                    "    per_item = torch.where(y == 1, -torch.log(p), -torch.log(1 - p))\n"
                    "    return per_item.sum() / p.numel()\n\n\n"
                    "print(bce_by_hand(torch.tensor([0.9, 0.2]), torch.tensor([1.0, 0.0])))"),
        },
    },
    "sequential-and-progress": {
        "style": "BCE as two terms subtracted; the model as nn.Sequential(layer, nn.Sigmoid()); epochs counted from 1 "
                 "with a progress print every 250; the loss recorded before backward",
        "answers": {
            "bce": ("def bce_by_hand(p, y):\n"
                    "    losses = -y * torch.log(p) - (1 - y) * torch.log(1 - p)\n"
                    "    return losses.mean()\n\n\n"
                    "print(bce_by_hand(torch.tensor([0.9, 0.2]), torch.tensor([1.0, 0.0])))"),
            "train": ("def train_logistic(layer, x, y, epochs, lr):\n"
                      "    model = nn.Sequential(layer, nn.Sigmoid())\n"
                      "    criterion = nn.BCELoss()\n"
                      "    optimizer = optim.SGD(model.parameters(), lr=lr)\n"
                      "    history = []\n"
                      "    for epoch in range(1, epochs + 1):\n"
                      "        p = model(x)\n"
                      "        loss = criterion(p, y)\n"
                      "        history.append(loss.item())\n"
                      "        optimizer.zero_grad()\n"
                      "        loss.backward()\n"
                      "        optimizer.step()\n"
                      "        if epoch % 250 == 0:\n"
                      "            print(f\"epoch {epoch}: BCE {loss.item():.4f}\")\n"
                      "    return history"),
        },
    },
}
