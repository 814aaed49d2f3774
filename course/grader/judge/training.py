"""Judging how a notebook's training loop ran, from what it left behind:
the loop is top-level notebook code, not a function a check could call."""
import torch

from course.grader.in_kernel.probes import last_step_undone
from course.grader.judge.api import is_instance, run_beside, the_object


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
