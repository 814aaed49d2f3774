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
    "keywords-and-squeeze": {
        "style": "the loss called with keyword arguments; the error computed in steps with - and ** 2; "
                 "the predictions squeezed to the targets' shape",
        "answers": {
            "loss": ("loss_function = nn.MSELoss()\n"
                     "loss = loss_function(input=predicted_y, target=target_y)\n"
                     "print(loss)"),
            "by-hand": ("def mse_by_hand(prediction, target):\n"
                        "    errors = prediction - target\n"
                        "    squared = errors ** 2\n"
                        "    return squared.mean()\n\n\n"
                        "print(mse_by_hand(predicted_y, target_y), loss)"),
            "batch": ("print(batch_pred.shape, batch_targets.shape)\n"
                      "batch_loss = loss_function(batch_pred.squeeze(1), batch_targets)\n"
                      "print(f\"batch_loss = {batch_loss.item():.4f}\")"),
        },
    },
    "full-names-and-reshape": {
        "style": "torch.nn.MSELoss by its full name; square() as a method; the targets reshaped to the predictions' "
                 "shape with reshape_as",
        "answers": {
            "loss": ("loss_function = torch.nn.MSELoss()\n"
                     "loss = loss_function(predicted_y, target_y)"),
            "by-hand": ("def mse_by_hand(prediction, target):\n"
                        "    return (prediction - target).square().mean()"),
            "batch": "batch_loss = loss_function(batch_pred, batch_targets.reshape_as(batch_pred))",
        },
    },
}
