ALTERNATIVES = {
    "functional-and-view": {
        "style": "F.mse_loss, a mean of squares with torch.mean and pow, view(-1, 1) for the targets",
        "answers": {
            "loss": ("import torch.nn.functional as F\n\n"
                     "loss_function = nn.MSELoss(reduction='mean')\n"
                     "loss = F.mse_loss(predicted_y, target_y)\nprint(loss)"),
            "by-hand": ("def mse_by_hand(prediction, target):\n"
                        "    diff = prediction - target\n"
                        "    return torch.mean(diff.pow(2))\n\n\n"
                        "print(mse_by_hand(predicted_y, target_y), loss)"),
            "batch": ("batch_loss = loss_function(batch_pred, batch_targets.view(-1, 1))\n"
                      "print(f\"batch_loss = {batch_loss.item():.4f}   (with mismatched shapes: {mismatched.item():.4f})\")"),
        },
    },
}
