"""Small questions the hidden checks ask about a student's object through
course.grader.judge.run_beside: under the judge they run in the student's
kernel, from this file's text (docs/design.md, "Why probes go to the kernel
as source text"), and only their plain answer comes back; run by hand, they
run right here. They answer with data (ids of objects, names, shapes,
tensors), never with a yes or no: the check decides, outside the kernel.
"""
import copy

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


def identities(*objs):
    """The id() of each object, where they live: the same id is the same
    object (`y is x1`), compared by the caller."""
    return [id(obj) for obj in objs]


def _held(optimizer):
    return [id(p) for group in optimizer.param_groups for p in group["params"]]


def held_ids(optimizer, *tensors):
    """The ids of the tensors `optimizer` holds, and the ids of `tensors`:
    the check sees whether each of these is among those (it trains it)."""
    return _held(optimizer), identities(*tensors)


def steps_of(optimizer):
    """How many steps the notebook's optimizer took (course.notebook.prepare
    counts them on the optimizer, as steps_taken)."""
    return getattr(optimizer, "steps_taken", 0)


def _copied(value):
    """value with its tensors cloned (a tensor, or a tuple or list of them), so
    that a later call cannot change it in place (a `.grad` does)."""
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if type(value) in (tuple, list):
        return type(value)(_copied(v) for v in value)
    return value


def calls_with_grads(func, model, grads_per_call, *args):
    """func(model, *args) once per entry of grads_per_call, all on this one
    model, so gradients one call leaves in .grad are there for the next (as
    in the student's own kernel). An entry that is not None first gives the
    model's parameters those gradients: .grad does not cross the wire
    (torch.save drops it), so a check sends them beside the model.
    Returns the results (copied at once), the parameters after the last
    call, and the ids of the model's parameters before the first call and
    after the last (the same ids: still its own parameter objects)."""
    params = list(model.parameters())
    results = []
    for grads in grads_per_call:
        if grads is not None:
            for p, g in zip(params, grads):
                p.grad = g.to(p.device).clone()
        results.append(_copied(func(model, *args)))
    after = list(model.parameters())
    return results, after, identities(*params), identities(*after)


def named_parameter_ids(optimizer, model):
    """The ids of the tensors `optimizer` holds, and (name, id) of each of
    the model's parameters: the check sees which names the optimizer trains."""
    return _held(optimizer), [(name, id(p)) for name, p in model.named_parameters()]


def attribute_ids(obj, owner, name):
    """The ids of obj and of owner.<name> (the same: obj is that attribute
    itself, `weight_grad is layer.weight`), asked where both live."""
    return id(obj), id(getattr(owner, name))


def seeded(obj, seed, func, *args):
    """func(obj, *args) with torch's random numbers seeded, and those of the
    notebook's later cells left as they were (shuffling a loader draws from
    them): a check's seed reaches the kernel, where the drawing happens."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return func(obj, *args)


def passes(iterable, count):
    """What `count` loops over `iterable` see: a DataLoader's epochs."""
    return [list(iterable) for _ in range(count)]


def batches_dealt(loader, count):
    """What `count` passes over a DataLoader deal, without reading an image:
    for each pass, the dataset's indices in the order dealt (a tensor) and
    the size of each batch, from what the loader draws them from (its batch
    sampler; without batching, its sampler, one sample at a time)."""
    source = loader.batch_sampler if loader.batch_sampler is not None else loader.sampler
    dealt = []
    for _ in range(count):
        batches = [list(batch) if isinstance(batch, (list, tuple)) else [batch] for batch in source]
        dealt.append((torch.tensor([int(i) for batch in batches for i in batch]), [len(b) for b in batches]))
    return dealt


def memory_addresses(model, state):
    """{name: (where model.state_dict()[name]'s numbers are in memory, where
    state[name]'s are)} for the tensors both hold: the same address is the
    same memory, a `state` that changes whenever the model trains (the
    caller compares)."""
    return {name: (tensor.data_ptr(), state[name].data_ptr()) for name, tensor in model.state_dict().items()
            if isinstance(state.get(name), torch.Tensor)}


class RecordingDataset(torch.utils.data.Dataset):
    """The samples (inputs[i], targets[i]), noting which indices are read."""

    def __init__(self, inputs, targets):
        self.inputs, self.targets, self.reads = inputs, targets, []

    def __len__(self):
        return len(self.inputs)

    def __getitem__(self, i):
        self.reads.append(int(i))
        return self.inputs[i], self.targets[i]


def with_recording_loader(func, model, inputs, targets, *args):
    """func(model, loader, *args) with a shuffled loader, batches of one, over
    a RecordingDataset (it must live where func runs to see its reads): the
    result, and the indices read, in order."""
    data = RecordingDataset(inputs, targets)
    result = func(model, torch.utils.data.DataLoader(data, batch_size=1, shuffle=True), *args)
    return result, data.reads


def mro_names(cls):
    """The classes a class inherits from (its __mro__), as "module.qualname"
    names: course.grader.judge.is_subclass looks for the base among them."""
    return [f"{c.__module__}.{c.__qualname__}" for c in cls.__mro__]


def parameter_ids(*models):
    """For each model, the ids of its parameters (two models share a
    parameter when a same id is in both)."""
    return [identities(*model.parameters()) for model in models]


def forward_alone(model, *inputs):
    """model(*inputs), without autograd, while the models and tensors among
    the globals of the place its forward was written (the notebook) are
    hidden: a model that uses only its own layers (and torch) does not
    notice; one that reads a loose notebook name raises NameError."""
    namespace = getattr(type(model).forward, "__globals__", {})
    hidden = {k: v for k, v in namespace.items()
              if isinstance(v, (torch.nn.Module, torch.Tensor)) and not k.startswith("_")}
    for k in hidden:
        del namespace[k]
    try:
        with torch.no_grad():
            return model(*inputs)
    finally:
        namespace.update(hidden)


def _notebook_parameters(func):
    """Every parameter the notebook holds, in a module or loose, or kept in a
    list, tuple or dict of them: the variables of the IPython kernel this
    runs in (else func's globals)."""
    try:
        from IPython import get_ipython
        shell = get_ipython()
    except ImportError:
        shell = None
    namespace = shell.user_ns if shell is not None else getattr(func, "__globals__", {})
    values = []
    for value in list(namespace.values()):
        values.append(value)
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, (list, tuple)) and len(value) <= 1000:  # `layers = [nn.Linear(...), ...]`
            values.extend(value)
    found = {}
    for value in values:
        if isinstance(value, torch.nn.Module):
            for p in value.parameters():
                found[id(p)] = p
        elif isinstance(value, torch.Tensor) and value.requires_grad and value.is_leaf:
            found[id(value)] = value
    return list(found.values())


def parameters_used(func, *inputs):
    """The notebook's parameters that func(*inputs) depends on, found by
    asking autograd, where the graph lives (so a network may be built from
    loose layers or as a module, under any names)."""
    params = _notebook_parameters(func)
    out = func(*inputs)
    if not params or not isinstance(out, torch.Tensor) or not out.requires_grad:
        return []
    grads = torch.autograd.grad(out.sum(), params, allow_unused=True)
    return [p for p, g in zip(params, grads) if g is not None]


def one_step(optimizer, func, inputs, targets):
    """The ids of the tensors `optimizer` holds, and for each parameter
    func's output depends on (parameters_used): its shape, its id, and its
    values before and after one step of the optimizer on the MSE loss of
    func(inputs) against targets (compared by the check, not here, where
    torch may be patched). Everything is put back afterwards: the
    parameters, their .grad, and the optimizer's state (momentum buffers,
    Adam's moments and step counts, and what course.notebook.prepare counts
    on it), so the notebook's trained network and its optimizer stay as
    they were."""
    used = parameters_used(func, inputs)
    held = _held(optimizer)
    saved = [(p, p.detach().clone(), None if p.grad is None else p.grad.clone()) for p in used]
    # load_state_dict copies the saved tensors back into the optimizer's own
    # state, so the copy must not share them with the state the step changes.
    state = copy.deepcopy(optimizer.state_dict())
    counted = {k: v for k, v in vars(optimizer).items() if k in ("steps_taken", "last_step_grads")}
    try:
        optimizer.zero_grad()
        torch.nn.MSELoss()(func(inputs), targets).backward()
        optimizer.step()
        after = [p.detach().clone() for p in used]
    finally:
        with torch.no_grad():
            for p, value, grad in saved:
                p.copy_(value)
                p.grad = grad
        optimizer.load_state_dict(state)
        for k in ("steps_taken", "last_step_grads"):
            vars(optimizer).pop(k, None)
        vars(optimizer).update(counted)
    return held, [(tuple(p.shape), id(p), value, new) for (p, value, _), new in zip(saved, after)]


def on_pil_image(func, pixels):
    """func(the PIL image of `pixels`): a PIL image cannot cross the wire, so
    its pixels do (a uint8 tensor or array, H x W grey or H x W x C), and the
    image is made again here, as a dataset hands it to a transform."""
    import numpy as np
    from PIL import Image

    if isinstance(pixels, torch.Tensor):
        pixels = pixels.numpy()
    return func(Image.fromarray(np.asarray(pixels, dtype=np.uint8)))


def last_step_undone(optimizer, func, inputs, targets, batch_size):
    """What a plain SGD optimizer's last step started from: each held
    parameter p + lr * g, where g is the gradient that step used (kept by
    course.notebook.prepare as optimizer.last_step_grads, else .grad).
    Returns those gradients, and, at that start, for every batch of
    `batch_size` rows of inputs, the BCE loss of func and its gradients:
    the check looks for the batch the last step was taken on.
    The parameters are put back; nothing else is touched."""
    import itertools

    params = [p for group in optimizer.param_groups for p in group["params"]]
    steps = [group["lr"] for group in optimizer.param_groups for _ in group["params"]]
    grads = [None if p.grad is None else p.grad.detach().clone() for p in params]
    kept = getattr(optimizer, "last_step_grads", None)  # course.notebook.prepare keeps them
    if isinstance(kept, list) and len(kept) == len(params):
        grads = [None if g is None else g.detach().clone() for g in kept]
    if any(g is None for g in grads):
        return grads, []
    saved = [p.detach().clone() for p in params]
    candidates = []
    try:
        with torch.no_grad():
            for p, g, lr in zip(params, grads, steps):
                p.add_(lr * g)
        for rows in itertools.combinations(range(len(inputs)), batch_size):
            rows = list(rows)
            loss = torch.nn.BCELoss()(func(inputs[rows]), targets[rows])
            batch_grads = torch.autograd.grad(loss, params, allow_unused=True)
            candidates.append((loss.item(), [None if g is None else g.detach().clone() for g in batch_grads]))
    finally:
        with torch.no_grad():
            for p, value in zip(params, saved):
                p.copy_(value)
    return grads, candidates
