"""Hidden checks for step 05 (the loss). Each test gets the student's notebook
variables as `nb` (see course/grading.py); its assertion message is the
student's feedback."""
import torch

from course.grader.judge import is_instance, student_call, type_name

# Judged from outside the student's kernel (course/grader/judge): `nb` is remote.

def _mse(prediction, target):
    # Independent of the student's code: the definition, entry by entry.
    with torch.no_grad():
        diffs = (prediction - target).flatten().tolist()
    return sum(d * d for d in diffs) / len(diffs)


def test_loss(nb):
    loss_function = nb.loss_function
    assert callable(loss_function), f"loss_function should be nn.MSELoss(), found {loss_function!r}"
    assert not is_instance(loss_function, type), (
        "loss_function is the class nn.MSELoss itself: make one loss function with nn.MSELoss() "
        "(with the parentheses), then call it on two tensors"
    )
    a, b = torch.tensor([1.0, -2.0]), torch.tensor([0.0, 2.0])
    got = student_call("loss_function([1, -2], [0, 2])", loss_function, a, b,
                       hint="loss_function should be nn.MSELoss() (with the parentheses)")
    assert isinstance(got, torch.Tensor) and got.numel() == 1, (
        f"loss_function should be nn.MSELoss() (with the parentheses), a function of two tensors that gives one "
        f"number; loss_function([1, -2], [0, 2]) gave {got!r}"
    )
    assert abs(got.item() - 8.5) < 1e-5, (
        f"loss_function should be the mean squared error: loss_function([1, -2], [0, 2]) = (1 + 16) / 2 = 8.5, "
        f"found {got.item():g}"
    )
    loss = nb.loss
    assert isinstance(loss, torch.Tensor), (
        f"loss should be the tensor that loss_function(predicted_y, target_y) returns, found {type_name(loss)}"
    )
    expected = _mse(nb.predicted_y, nb.target_y)
    assert loss.shape == () and abs(loss.item() - expected) < 1e-5, (
        f"loss should be the mean squared error of predicted_y against target_y, {expected:.4f}, found {loss.tolist()}"
    )
    assert loss.grad_fn is not None, (
        "loss lost its link to linear_layer1 (no grad_fn): compute it from predicted_y as it is, "
        "without .item(), .detach() or torch.no_grad()"
    )


def _by_hand(nb):
    for shape in ((1,), (5,), (2, 3)):
        prediction, target = torch.randn(shape, requires_grad=True), torch.randn(shape)
        got = nb.mse_by_hand(prediction, target)
        expected = _mse(prediction, target)
        assert isinstance(got, torch.Tensor), f"mse_by_hand should return a tensor, found {type_name(got)}"
        assert got.numel() == 1, (
            f"mse_by_hand should return one number, the mean over all entries; for shape {shape} it returned "
            f"shape {tuple(got.shape)}"
        )
        value = got.item()
        n = prediction.numel()
        hint = ""
        if n > 1 and abs(value - expected * n) < 1e-4:
            hint = ": that is the sum of the squared differences; MSE is their mean"
        assert abs(value - expected) < 1e-4, (
            f"mse_by_hand on {n} entries of shape {shape} should be {expected:.4f}, found {value:.4f}{hint}"
        )
        assert got.grad_fn is not None, (
            "mse_by_hand's result lost its link to the prediction: use tensor arithmetic only "
            "(no .item(), no float(), no numpy)"
        )


def test_batch(nb):
    batch_loss, pred, targets = nb.batch_loss, nb.batch_pred, nb.batch_targets
    assert isinstance(batch_loss, torch.Tensor) and batch_loss.numel() == 1, (
        f"batch_loss should be one number, found {batch_loss!r}"
    )
    expected = _mse(pred.reshape(-1), targets.reshape(-1))
    broadcast = _mse(pred - targets, torch.zeros(1))
    got = batch_loss.item()
    assert abs(got - broadcast) > 1e-5 or abs(got - expected) < 1e-5, (
        f"batch_loss is {got:.4f}, expected {expected:.4f}: batch_pred {tuple(pred.shape)} and batch_targets "
        f"{tuple(targets.shape)} were broadcast to (3, 3), comparing every prediction with every target. "
        "Make the shapes equal first, e.g. batch_targets.unsqueeze(1)"
    )
    assert abs(got - expected) < 1e-5, (
        f"batch_loss should be the mean squared error of each prediction against its own target, "
        f"{expected:.4f}, found {got:.4f}"
    )
    assert batch_loss.grad_fn is not None, (
        "batch_loss lost its link to linear_layer1 (no grad_fn): no .item(), .detach() or torch.no_grad()"
    )


def test_by_hand(nb):
    # Seeded, without disturbing the random numbers of the notebook's later cells.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        _by_hand(nb)
