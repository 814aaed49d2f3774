ALTERNATIVES = {
    "outer-and-grad-none": {
        "style": "torch.outer for the weight's slope; gradients set to None instead of zero_grad; "
                 "F.mse_loss",
        "answers": {
            "formulas": ("def mse_grads(w, b, x, y):\n"
                         "    error = (w @ x + b - y)\n"
                         "    return 2 * torch.outer(error, x), 2 * error\n\n\n"
                         "print(mse_grads(linear_layer1.weight.detach(), linear_layer1.bias.detach(), x1.detach(), target_y))"),
            "fresh": ("import torch.nn.functional as F\n\n"
                      "def gradients(layer, x, y):\n"
                      "    for p in layer.parameters():\n"
                      "        p.grad = None\n"
                      "    F.mse_loss(layer(x), y).backward()\n"
                      "    return layer.weight.grad, layer.bias.grad"),
        },
    },
    "unpacked": {
        "style": "the gradients unpacked from the parameters in one line",
        "answers": {
            "backward": ("loss.backward()\n"
                         "weight_grad, bias_grad = (p.grad for p in (linear_layer1.weight, linear_layer1.bias))\n"
                         "x1_grad = x1.grad\n"
                         "print(\"weight_grad:\", weight_grad)\nprint(\"bias_grad:  \", bias_grad)\nprint(\"x1_grad:    \", x1_grad)"),
        },
    },
    "named-and-broadcast": {
        "style": "the gradients read from a dict of named_parameters; the weight's slope by broadcasting a column "
                 "against a row; only existing gradients zeroed, by hand",
        "answers": {
            "backward": ("loss.backward()\n"
                         "grads = {name: p.grad for name, p in linear_layer1.named_parameters()}\n"
                         "weight_grad = grads[\"weight\"]\n"
                         "bias_grad = grads[\"bias\"]\n"
                         "x1_grad = x1.grad\n"
                         "print(grads, x1_grad)"),
            "formulas": ("def mse_grads(w, b, x, y):\n"
                         "    e = (w * x).sum() + b - y\n"
                         "    dw = 2 * e.unsqueeze(1) * x.unsqueeze(0)\n"
                         "    db = 2 * e\n"
                         "    return dw, db"),
            "fresh": ("def gradients(layer, x, y):\n"
                      "    for p in layer.parameters():\n"
                      "        if p.grad is not None:\n"
                      "            p.grad.zero_()\n"
                      "    loss_fn = nn.MSELoss()\n"
                      "    prediction = layer(x)\n"
                      "    loss_fn(prediction, y).backward()\n"
                      "    return layer.weight.grad, layer.bias.grad"),
        },
    },
}
