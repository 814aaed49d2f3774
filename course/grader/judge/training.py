"""Judging how a notebook's training loop ran, from what it left behind:
the loop is top-level notebook code, not a function a check could call."""
import torch

from course.grader.in_kernel.probes import last_step_undone, steps_of
from course.grader.judge.api import is_instance, run_beside, the_object, type_name


def assert_sgd(optimizer, name, lr):
    """The optimizer an exercise names: an optim.SGD with learning rate `lr`
    (the visible cells ask the same)."""
    assert is_instance(optimizer, torch.optim.SGD), (
        f"{name} should be an optim.SGD, as the exercise asks, found {type_name(optimizer)}")
    found = optimizer.param_groups[0]["lr"]
    assert found == lr, f"{name}'s learning rate should be {lr}, as the exercise asks, found {found}"


def assert_a_loss_per_step(nb, history="loss_history", optimizer="optimizer"):
    """One entry of the loss history for each step the optimizer took (the
    steps counted by course.notebook.prepare): every batch's loss kept, one
    update per batch."""
    steps, entries = run_beside(the_object(nb, optimizer), steps_of), len(getattr(nb, history))
    assert steps == entries, (
        f"{history} holds {entries} losses, but {optimizer} took {steps} steps: keep the loss.item() of "
        "every batch, one for each optimizer.step()")


def last_step_used_one_batch(nb, model_name, inputs, targets, batch_size):
    """Whether the last optimizer.step() of the notebook's loop used the
    gradient of one batch alone (zero_grad() once per batch): undo that step
    (p + lr * p.grad), and some batch of `batch_size` rows must there give
    that very gradient and the last entry of loss_history. The gradient is
    the one the step used, kept by course.notebook.prepare, so a zero_grad()
    after the last step (at the end of each epoch) hides nothing. True also
    when nothing can be judged: no plain SGD (other optimizers' steps cannot
    be undone this way), or no gradient to be seen."""
    optimizer = nb.optimizer
    plain = is_instance(optimizer, torch.optim.SGD) and not any(
        group.get(k) for group in optimizer.param_groups for k in ("momentum", "weight_decay", "nesterov", "maximize"))
    if not plain:
        return True
    grads, candidates = run_beside(the_object(nb, "optimizer"), last_step_undone, the_object(nb, model_name),
                                   inputs, targets, batch_size)
    if not candidates or not any(g.any() for g in grads):
        return True
    last = float(nb.loss_history[-1])
    return any(abs(loss - last) < 1e-5 and all(
        b is not None and torch.allclose(g, b, rtol=1e-4, atol=1e-6) for g, b in zip(grads, batch_grads))
        for loss, batch_grads in candidates)
