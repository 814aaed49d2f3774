ALTERNATIVES = {
    "sub-and-data-free": {
        "style": "p.sub_(lr * p.grad) over named_parameters; the optimizer with lr as a keyword in a list",
        "answers": {
            "manual-step": ("def manual_step(model, lr):\n"
                            "    with torch.no_grad():\n"
                            "        for name, p in model.named_parameters():\n"
                            "            if p.grad is not None:\n"
                            "                p.sub_(lr * p.grad)"),
            "make-optimizer": "optimizer = torch.optim.SGD(params=list(linear_layer1.parameters()), lr=0.1)",
        },
    },
    "copy-style": {
        "style": "p.copy_(p - lr * p.grad) under torch.no_grad",
        "answers": {
            "manual-step": ("@torch.no_grad()\n"
                            "def manual_step(model, lr):\n"
                            "    for p in model.parameters():\n"
                            "        p.copy_(p - lr * p.grad)"),
        },
    },
    "add-alpha-and-explicit-list": {
        "style": "p.add_(p.grad, alpha=-lr); the optimizer over an explicit list [weight, bias] with lr positional; "
                 "manual_step before optimizer.step()",
        "answers": {
            "manual-step": ("def manual_step(model, lr):\n"
                            "    with torch.no_grad():\n"
                            "        for p in list(model.parameters()):\n"
                            "            p.add_(p.grad, alpha=-lr)\n"
                            "    return None"),
            "make-optimizer": "optimizer = optim.SGD([linear_layer1.weight, linear_layer1.bias], 0.1)\nprint(optimizer)",
            "step-both": "manual_step(by_hand, 0.1)\noptimizer.step()",
        },
    },
}
