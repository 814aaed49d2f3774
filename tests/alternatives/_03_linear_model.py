ALTERNATIVES = {
    "keywords-and-functional": {
        "style": "keyword arguments; a loop to count; torch.matmul for the layer by hand",
        "answers": {
            "layer": "linear_layer1 = nn.Linear(in_features=4, out_features=1, bias=True)\npredicted_y = linear_layer1(x1)\nprint(predicted_y)",
            "count": ("n_parameters = 0\n"
                      "for name, p in linear_layer1.named_parameters():\n"
                      "    n_parameters += p.numel()\n"
                      "print(n_parameters)"),
            "by-hand": ("def linear_by_hand(layer, x):\n"
                        "    return torch.matmul(layer.weight, x) + layer.bias\n\n\n"
                        "by_hand_y = linear_by_hand(linear_layer1, x1)\n"
                        "print(\"by hand:\", by_hand_y)\nprint(\"layer:  \", predicted_y)"),
        },
    },
    "transpose-and-forward": {
        "style": "predicted_y from layer.forward; the count as weight plus bias numel; x @ weight.T + bias",
        "answers": {
            "layer": "linear_layer1 = nn.Linear(4, 1)\npredicted_y = linear_layer1.forward(x1)",
            "count": "n_parameters = linear_layer1.weight.numel() + linear_layer1.bias.numel()",
            "by-hand": ("def linear_by_hand(layer, x):\n"
                        "    w, b = layer.weight, layer.bias\n"
                        "    return x @ w.T + b\n\n\n"
                        "by_hand_y = linear_by_hand(linear_layer1, x1)"),
        },
    },
    "batch-of-one-and-vector": {
        "style": "x1 run as a batch of one row and flattened back; the count from parameters_to_vector; "
                 "the bias added first, in two lines",
        "answers": {
            "layer": ("linear_layer1 = nn.Linear(4, 1)\n"
                      "predicted_y = linear_layer1(x1.view(1, -1)).view(-1)\n"
                      "print(predicted_y)"),
            "count": ("from torch.nn.utils import parameters_to_vector\n\n"
                      "n_parameters = parameters_to_vector(linear_layer1.parameters()).numel()\n"
                      "print(n_parameters)"),
            "by-hand": ("def linear_by_hand(layer, x):\n"
                        "    out = layer.bias + layer.weight @ x\n"
                        "    return out\n\n\n"
                        "by_hand_y = linear_by_hand(linear_layer1, x1)\n"
                        "print(\"by hand:\", by_hand_y, \"layer:\", predicted_y)"),
        },
    },
}
