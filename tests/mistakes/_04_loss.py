MISTAKES = {
    # .item() to "see the number" turns the loss into a Python float:
    # nothing to call backward() on.
    "item-loss": {
        "lesson": True,
        "answers": {"loss": "loss_function = nn.MSELoss()\nloss = loss_function(predicted_y, target_y).item()"},
        "fails": {"check-loss": "loss should be a tensor"},
    },
    # The tensors handed to the constructor instead of to the loss function:
    # the result is another MSELoss object, not a number.
    "tensors-to-constructor": {
        "lesson": True,
        "answers": {"loss": "loss_function = nn.MSELoss()\nloss = nn.MSELoss(predicted_y, target_y)"},
        "fails": {"check-loss": "found MSELoss"},
    },
    # The class without the parentheses: calling it makes another MSELoss
    # (its arguments read as options), and two-number tensors make it raise.
    "class-not-instance": {
        "answers": {"loss": "loss_function = nn.MSELoss\nloss = loss_function(predicted_y, target_y)"},
        "fails": {
            "check-loss": "with the parentheses",
            # The batch cell's loss_function(batch_pred, batch_targets) raises: no batch_loss.
            "check-batch": "batch_loss",
        },
    },
    # Sum instead of mean: right for one number, wrong for more.
    "sum-not-mean": {
        "lesson": True,
        "answers": {"by-hand": (
            "def mse_by_hand(prediction, target):\n    return ((prediction - target) ** 2).sum()"
        )},
        "fails": {"check-by-hand": "should be (0² + 2² + 3²) / 3 = 4.3333, found 13.0000"},
    },
    # Shapes (3, 1) and (3,) broadcast to (3, 3): PyTorch only warns.
    "broadcast-shapes": {
        "lesson": True,
        "answers": {"batch": "batch_loss = loss_function(batch_pred, batch_targets)"},
        "fails": {"check-batch": "were broadcast to (3, 3)"},
    },
}
