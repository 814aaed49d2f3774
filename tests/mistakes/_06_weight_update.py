MISTAKES = {
    # In-place update of a parameter while autograd is recording.
    "forgot-no-grad": {
        "lesson": True,
        "answers": {"manual-step": (
            "def manual_step(model, lr):\n"
            "    for p in model.parameters():\n"
            "        p -= lr * p.grad"
        )},
        "fails": {
            "check-manual-step": "a leaf Variable that requires grad is being used in an in-place operation",
            # step-both calls manual_step too: by_hand never moves.
            "check-step-both": "should hold the same numbers",
        },
    },
    # Written for the one layer at hand: a model without .weight breaks it.
    "single-layer-manual-step": {
        "answers": {"manual-step": (
            "def manual_step(model, lr):\n"
            "    with torch.no_grad():\n"
            "        model.weight -= lr * model.weight.grad\n"
            "        model.bias -= lr * model.bias.grad"
        )},
        "fails": {"check-manual-step": "manual_step should work for any model"},
    },
    # `p = p - ...` rebinds the loop variable; the model's parameter is untouched.
    "new-tensor-not-in-place": {
        "lesson": True,
        "answers": {"manual-step": (
            "def manual_step(model, lr):\n"
            "    with torch.no_grad():\n"
            "        for p in model.parameters():\n"
            "            p = p - lr * p.grad"
        )},
        "fails": {
            "check-manual-step": "after manual_step the weight should be w - lr * grad",
            "check-step-both": "should hold the same numbers",
        },
    },
    # Only the weight given to the optimizer: the bias never learns
    # (the same slip as the seed's one-layer optimizer in step 10).
    "weight-only-optimizer": {
        "lesson": True,
        "answers": {"make-optimizer": "optimizer = optim.SGD([linear_layer1.weight], lr=0.1)"},
        "fails": {
            "check-optimizer": "your optimizer would never change linear_layer1.bias",
            "check-step-both": "should hold the same numbers",
        },
    },
    # Recomputing the loss and calling backward() again before stepping:
    # the gradients add up and both models step twice as far.
    "backward-again": {
        "lesson": True,
        "answers": {"step-both": (
            "loss = loss_function(linear_layer1(x1), target_y)\n"
            "loss.backward()\n"
            "optimizer.step()\n"
            "loss_function(by_hand(x1), target_y).backward()\n"
            "manual_step(by_hand, 0.1)"
        )},
        "fails": {"check-step-both": "moved twice as far as one step"},
    },
}
