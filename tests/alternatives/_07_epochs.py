ALTERNATIVES = {
    "while-loop-and-pow": {
        "style": "pow for the loss; a while loop; zero_grad(set_to_none=True); F.mse_loss in train",
        "answers": {
            "loss": "def loss_fn(product):\n    return torch.pow(product - 15, 2)",
            "training": ("my_sgd = optim.SGD([var_1, var_2], lr=0.003)\n"
                         "step = 0\n"
                         "while step < 100:\n"
                         "    my_sgd.zero_grad(set_to_none=True)\n"
                         "    loss_fn(var_1 * var_2).backward()\n"
                         "    my_sgd.step()\n"
                         "    step += 1\n"
                         "print(f\"var_1 = {var_1.item():.4f}, var_2 = {var_2.item():.4f}, product = {(var_1 * var_2).item():.4f}\")"),
            "train": ("import torch.nn.functional as F\n\n"
                      "def train(layer, x, y, epochs, lr):\n"
                      "    opt = torch.optim.SGD(layer.parameters(), lr)\n"
                      "    history = []\n"
                      "    for _ in range(epochs):\n"
                      "        loss = F.mse_loss(layer(x), y)\n"
                      "        opt.zero_grad()\n"
                      "        loss.backward()\n"
                      "        opt.step()\n"
                      "        history.append(float(loss))\n"
                      "    return history"),
        },
    },
    "reversed-and-longer": {
        "style": "(15 - product) ** 2; the tensors given in the other order; zero_grad after step; 300 steps",
        "answers": {
            "loss": "def loss_fn(product):\n    return (15 - product) ** 2",
            "training": ("my_sgd = torch.optim.SGD(params=[var_2, var_1], lr=3e-3)\n"
                         "for _ in range(300):\n"
                         "    loss = loss_fn(var_1 * var_2)\n"
                         "    loss.backward()\n"
                         "    my_sgd.step()\n"
                         "    my_sgd.zero_grad()"),
        },
    },
    "mse-and-a-helper": {
        "style": "nn.MSELoss against 15 as the loss; one training step in a helper function; enumerate and a print",
        "answers": {
            "loss": ("def loss_fn(product):\n"
                     "    return nn.MSELoss()(product, torch.tensor(15.0))"),
            "training": ("my_sgd = optim.SGD([var_1, var_2], lr=3e-3)\n\n\n"
                         "def one_step():\n"
                         "    my_sgd.zero_grad()\n"
                         "    loss = loss_fn(var_1 * var_2)\n"
                         "    loss.backward()\n"
                         "    my_sgd.step()\n"
                         "    return loss.item()\n\n\n"
                         "for i, _ in enumerate(range(150)):\n"
                         "    last = one_step()\n"
                         "    if i % 50 == 0:\n"
                         "        print(i, last)"),
        },
    },
}
