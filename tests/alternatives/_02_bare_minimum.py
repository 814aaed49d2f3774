ALTERNATIVES = {
    "clone-and-lambda": {
        "style": "requires_grad_() after making the tensor; y = x returned as a copy (x.clone()); a lambda; "
                 "torch.mul for the product",
        "answers": {
            "make-input": "x1 = torch.tensor([1.0, 2.0, 3.0, 4.0]).requires_grad_()\nprint(x1)",
            "model": "model = lambda x: x.clone()\n\ny = model(x1)\nprint(y)",
            "make-variables": ("var_1 = torch.tensor(3.0, requires_grad=True)\n"
                               "var_2 = torch.tensor(4.0, requires_grad=True)\n"
                               "product = torch.mul(var_1, var_2)\n"
                               "print(var_1, var_2, product)"),
        },
    },
    "float-dtype-and-operator": {
        "style": "whole numbers with dtype=torch.float32 for the scalars; requires_grad_() afterwards; the * operator",
        "answers": {
            "make-variables": ("var_1 = torch.tensor(3, dtype=torch.float32).requires_grad_()\n"
                               "var_2 = torch.tensor(4, dtype=torch.float32, requires_grad=True)\n"
                               "product = var_1 * var_2"),
        },
    },
    "identity-module-and-methods": {
        "style": "x1 from torch.arange; the model is nn.Identity(); the scalars made in one tuple assignment; "
                 "the product with the mul method",
        "answers": {
            "make-input": "x1 = torch.arange(1.0, 5.0).requires_grad_(True)\nprint(x1)",
            "model": "from torch import nn\n\nmodel = nn.Identity()\ny = model(x1)\nprint(y)",
            "make-variables": ("var_1, var_2 = torch.tensor(3.0, requires_grad=True), torch.tensor(4.0, requires_grad=True)\n"
                               "product = var_1.mul(var_2)\n"
                               "print(var_1, var_2, product)"),
        },
    },
}
