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
}
