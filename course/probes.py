"""Small questions the hidden checks ask about a student's object through
course.judge.run_beside: under the judge they run in the student's kernel
(so they must be importable there) and only their plain answer comes back;
run by hand, they run right here."""
import torch


def first_item(iterable):
    """What a loop over `iterable` sees first (one batch of a DataLoader),
    without fetching all of it."""
    return next(iter(iterable))


def parameters_device(model):
    """The device type ('cpu', 'cuda') of the model's first parameter."""
    return next(model.parameters()).device.type


def value_and_slopes(func, *inputs):
    """func(*inputs), and the slopes of its result (summed) with respect to
    each input, or None when the result is not a tensor autograd can follow:
    the autograd graph never leaves the kernel, so it is followed there."""
    out = func(*inputs)
    slopes = None
    if isinstance(out, torch.Tensor) and out.requires_grad:
        slopes = torch.autograd.grad(out.sum(), inputs, allow_unused=True)
    return out, slopes


def trains(optimizer, tensor):
    """Whether `optimizer` holds `tensor` itself among its parameters."""
    return any(p is tensor for group in optimizer.param_groups for p in group["params"])
