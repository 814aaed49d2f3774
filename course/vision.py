"""Helpers for the image steps (12 and up), shared by the notebooks, their
hidden checks and benchmarks/cnn.py.

    show_images(images, labels, classes)   a grid of images with their labels
    layer_shapes(model, x)   the output shape of every layer, in the order they run
    pooled_shapes(model, x)  the output shape of every max pooling (a layer or F.max_pool2d)
    print_layer_shapes(model, x)
    train_epoch(model, loader, optimizer, loss_fn, device, max_batches, scheduler)
    accuracy(model, loader, device)     the loops the students write in step 13
    graded_accuracy(model, test_set)   the hidden checks' count: labels stay with the grader
    scores_or_explain(model, name, hint, why)   the hidden checks' first call of a CNN
    ImageBatches(dataset, batch_size, device)   batches of uint8 images in memory, transformed
                             whole batches at a time (step 17)
    transform_steps(transform)   a transforms.Compose as plain data
    budget(device)           how long step 17 trains on this device, and the
                             accuracy its trained CNN must reach
"""
from dataclasses import dataclass

import torch
from torch import nn
from torch.utils.data import DataLoader


def show_images(images, labels, classes, predicted=None, ncols=8, mean=0.5, std=0.5):
    """Show a batch of normalized images (N, C, H, W) in a grid, each titled
    with its class name; with `predicted`, titled "prediction (true class)",
    in red where they differ. `mean` and `std` undo transforms.Normalize."""
    import matplotlib.pyplot as plt

    n = len(images)
    nrows = (n + ncols - 1) // ncols
    row_height = 1.8 if predicted is None else 2.1  # two-line titles need room
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.6 * ncols, row_height * nrows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for i, ax in enumerate(axes.flat[:n]):
        image = (images[i].detach().cpu() * std + mean).clamp(0, 1)
        if image.shape[0] == 1:
            ax.imshow(image[0], cmap="gray")
        else:
            ax.imshow(image.permute(1, 2, 0))  # matplotlib wants (H, W, C)
        true = classes[int(labels[i])]
        if predicted is None:
            ax.set_title(true, fontsize=9)
        else:
            guess = classes[int(predicted[i])]
            ax.set_title(f"{guess}\n({true})", fontsize=8, color="black" if guess == true else "red")
    fig.tight_layout()
    plt.show()


# Operations whose outputs are worth showing: the ones that change a shape
# or hold weights, whether a layer (nn.MaxPool2d) or a function
# (F.max_pool2d, x.view) runs them. Activations keep the shape: left out.
SHAPED_LAYERS = (nn.Conv2d, nn.Linear, nn.MaxPool2d, nn.AvgPool2d, nn.Flatten)
SHAPED_OPS = ("conv2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d",
              "linear", "flatten", "view", "reshape")


def operation_shapes(model, x):
    """[(name, operation, output shape)] for every shape-changing operation a
    forward pass of `model` on `x` runs, in order: `name` is the layer's
    name when a layer of SHAPED_LAYERS ran it (conv1, pool), else the
    operation's own (max_pool2d, view), so a model that pools with
    F.max_pool2d is seen exactly like one that pools with nn.MaxPool2d."""
    from torch.overrides import TorchFunctionMode

    names = {module: name for name, module in model.named_modules()}
    running = []  # the shaped layers whose forward is running now

    class Record(TorchFunctionMode):
        def __init__(self):
            super().__init__()
            self.found = []

        def __torch_function__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            op = getattr(func, "__name__", "")
            if op in SHAPED_OPS and isinstance(out, torch.Tensor):
                self.found.append((names[running[-1]] if running else op, op, tuple(out.shape)))
            return out

    def enter(module, inputs):
        running.append(module)

    def leave(module, inputs, output):
        running.pop()

    hooks = []
    for module in model.modules():
        if isinstance(module, SHAPED_LAYERS):
            hooks += [module.register_forward_pre_hook(enter), module.register_forward_hook(leave)]
    record = Record()
    try:
        with torch.no_grad(), record:
            model(x)
    finally:
        for hook in hooks:
            hook.remove()
    return record.found


def layer_shapes(model, x):
    """[(name, output shape)] for every conv, pooling, flatten and linear
    step of `model`, in the order a forward pass on `x` runs them (see
    operation_shapes): layers as attributes, an nn.Sequential, a pooling
    layer used twice (listed twice), or the functions of torch.nn.functional."""
    return [(name, shape) for name, _, shape in operation_shapes(model, x)]


def pooled_shapes(model, x):
    """The output shape of every max pooling a forward pass on `x` runs,
    as a layer or as F.max_pool2d."""
    return [shape for _, op, shape in operation_shapes(model, x) if op == "max_pool2d"]


def layers_of(model, kind):
    """Every submodule of `model` that is a `kind` (nn.Conv2d, nn.Linear...)."""
    return [m for m in model.modules() if isinstance(m, kind)]


def in_chain_order(layers, first_in):
    """The layers in the order their sizes chain (conv1 reads 3 channels, ...),
    whatever order they were declared in."""
    # By attribute, not isinstance: the layers may be course.grader.judge.Remote
    # handles to layers in the student's kernel.
    def sizes(m):
        return (m.in_channels, m.out_channels) if hasattr(m, "in_channels") else (m.in_features, m.out_features)

    ordered, size, rest = [], first_in, [(m, sizes(m)) for m in layers]
    while rest:
        nxt = next((item for item in rest if item[1][0] == size), None)
        if nxt is None:
            break
        ordered.append(nxt[0])
        rest.remove(nxt)
        size = nxt[1][1]
    return ordered


def print_layer_shapes(model, x):
    """Print the shape of `x` and then after every layer (see layer_shapes)."""
    print(f"{'input':>12}: {tuple(x.shape)}")
    for name, shape in layer_shapes(model, x):
        print(f"{name:>12}: {shape}")


def train_epoch(model, loader, optimizer, loss_fn, device="cpu", max_batches=None, scheduler=None):
    """One pass over `loader` (or its first `max_batches` batches): for each
    batch, zero_grad, loss, backward, step. Returns the batches' losses.
    This is step 13's exercise, with the batches moved to `device` (step 16)
    and, given a learning-rate `scheduler` (step 17), scheduler.step() after
    every batch."""
    model.train()
    losses = []
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(images), labels)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        losses.append(loss.item())
        if max_batches is not None and len(losses) >= max_batches:
            break
    return losses


def accuracy(model, loader, device="cpu"):
    """The fraction of the images in `loader` whose highest score is their
    label (step 13's exercise, on `device`)."""
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            correct += (model(images).argmax(dim=1) == labels).sum().item()
            total += len(labels)
    model.train()
    return correct / total


def graded_accuracy(model, test_set, batch_size=500):
    """The fraction of `test_set` that `model` classifies right, as the hidden
    checks of steps 13 and 17 count it: only the images go to `model`, which
    under the judge lives in the student's kernel (a course.grader.judge.Remote);
    the labels stay here, and the predictions are counted here.

    A local model gets the images on its own device; a remote one's kernel
    moves them there itself (course/grader/in_kernel/kernel_side.py)."""
    local = isinstance(model, nn.Module)
    device = next(model.parameters()).device if local else None
    model.eval()
    hits = 0
    with torch.no_grad():
        for images, labels in DataLoader(test_set, batch_size=batch_size):
            scores = model(images.to(device) if local else images)
            hits += int((scores.argmax(1).cpu() == labels).sum())
    return hits / len(test_set)


def scores_or_explain(model, name, hint="", why="", sizes=(5, 1)):
    """The hidden checks' first call of a CNN (steps 14 to 17): `model` on
    random batches of `sizes` CIFAR-sized images, 3 x 32 x 32, seeded.
    Returns (the last batch, its scores). Fails with a message naming `name`
    ("CIFARNet") when a call raises a RuntimeError (sizes that do not chain;
    `hint` says where to look), when the scores are not of shape (n, 10), or
    when no score is negative (`why` says why that is wrong).

    `model` may be a course.grader.judge.Remote: the images go to the student's
    kernel, their scores (and a RuntimeError's message) come back."""
    torch.manual_seed(0)
    for n in sizes:
        x = torch.randn(n, 3, 32, 32)
        try:
            scores = model(x)
        except RuntimeError as error:
            raise AssertionError(f"{name}() failed on a batch of {n} images: {str(error).splitlines()[0]}"
                                 + (f". {hint}" if hint else "")) from None
        assert tuple(scores.shape) == (n, 10), (
            f"{name}() on {n} images should give scores of shape ({n}, 10), found {tuple(scores.shape)}")
    if scores.min() >= 0:
        raise AssertionError(f"{name}'s scores are never negative: nothing should come after the last linear layer"
                             + (f" ({why})" if why else ""))
    return x, scores


class ImageBatches:
    """Batches of an image dataset held whole in memory, as uint8, on `device`,
    with the dataset's `transform` applied to whole batches at once.

    A DataLoader prepares each image alone, in Python (ToTensor, Normalize,
    RandomCrop...): a few thousand images a second per process, so a CNN
    that trains faster than that waits for its data. Here the dataset's
    uint8 images (`dataset.data`, N x H x W x C, as in torchvision's CIFAR10)
    are read once, and each batch gets the same transforms as a handful of
    tensor operations over the whole batch, on the CPU or on a GPU.

    It honours the dataset's transform, a transforms.Compose of these only
    (SUPPORTED), in this order of effect whatever their order in the Compose:
    RandomCrop(size, padding) with zero padding, RandomHorizontalFlip(p),
    ToTensor() (/255) and Normalize(mean, std). Any other transform raises a
    ValueError that names it, instead of being skipped: what the notebook
    shows is what the network gets. shuffle=False keeps the dataset's order
    (validation). Yields (images, labels), both on `device`; len() is the
    number of batches per epoch."""

    SUPPORTED = ("RandomCrop", "RandomHorizontalFlip", "ToTensor", "Normalize")

    def __init__(self, dataset, batch_size, device="cpu", shuffle=True):
        self.images = torch.as_tensor(dataset.data).permute(0, 3, 1, 2).contiguous().to(device)
        self.labels = torch.as_tensor(dataset.targets).to(device)
        self.batch_size, self.shuffle = batch_size, shuffle
        self.crop = self.flip = None
        self.mean, self.std = torch.zeros(1, device=device), torch.ones(1, device=device)
        self.scale = 1.0
        for kind, settings in transform_steps(dataset.transform):
            if kind == "RandomCrop" and settings["fill"] == 0 and settings["padding_mode"] == "constant":
                self.crop = (settings["size"], _padding(settings["padding"]))
            elif kind == "RandomHorizontalFlip":
                self.flip = settings["p"]
            elif kind == "ToTensor":
                self.scale = 1 / 255
            elif kind == "Normalize":
                self.mean = torch.tensor(settings["mean"], device=device).view(1, -1, 1, 1)
                self.std = torch.tensor(settings["std"], device=device).view(1, -1, 1, 1)
            else:
                raise ValueError(f"ImageBatches cannot apply {kind}({settings}) to whole batches: it supports "
                                 f"{', '.join(self.SUPPORTED)} (RandomCrop with zero padding); use a DataLoader")

    def __len__(self):
        return (len(self.labels) + self.batch_size - 1) // self.batch_size

    def __iter__(self):
        n = len(self.labels)
        order = torch.randperm(n, device=self.labels.device) if self.shuffle else torch.arange(n, device=self.labels.device)
        for start in range(0, n, self.batch_size):
            picked = order[start:start + self.batch_size]
            images = self.images[picked]
            if self.crop is not None:
                images = random_crop(images, *self.crop)
            images = images.float() * self.scale
            if self.flip:
                mirrored = torch.rand(len(picked), 1, 1, 1, device=images.device) < self.flip
                images = torch.where(mirrored, images.flip(3), images)
            # channels_last: the memory layout in which the CPU's and the GPU's
            # convolutions run fastest (the same tensor to the network).
            images = ((images - self.mean) / self.std).contiguous(memory_format=torch.channels_last)
            yield images, self.labels[picked]


def transform_steps(transform):
    """[(name, settings)] for each single transform of `transform` (Composes
    opened), as plain data: ("RandomCrop", {"size": (32, 32), "padding": 4,
    ...}), ("Normalize", {"mean": [...], "std": [...]}). What ImageBatches
    applies, and what step 17's hidden check reads of the notebook's transforms."""
    steps = []
    for step in _flattened(transform):
        settings = {}
        for key in ("size", "padding", "fill", "padding_mode", "p", "mean", "std"):
            value = getattr(step, key, None)
            if isinstance(value, torch.Tensor):
                value = value.tolist()
            if isinstance(value, (tuple, list)):
                value = tuple(float(v) if isinstance(v, float) else v for v in value)
            if value is not None:
                settings[key] = value
        steps.append((type(step).__name__, settings))
    return steps


def _flattened(transform):
    """The single transforms of `transform`, Composes opened."""
    if transform is None:
        return []
    if hasattr(transform, "transforms"):
        return [step for inner in transform.transforms for step in _flattened(inner)]
    return [transform]


def _padding(padding):
    """torchvision's RandomCrop padding (an int, or 2 or 4 numbers) as
    (left, right, top, bottom) for F.pad."""
    if padding is None:
        return (0, 0, 0, 0)
    if isinstance(padding, int):
        return (padding,) * 4
    if len(padding) == 2:
        return (padding[0], padding[0], padding[1], padding[1])
    left, top, right, bottom = padding
    return (left, right, top, bottom)


def random_crop(images, size, padding=(0, 0, 0, 0)):
    """transforms.RandomCrop(size, padding) on a whole batch (N, C, H, W):
    each image zero-padded, then cut at its own random place."""
    height, width = size
    padded = torch.nn.functional.pad(images, padding)
    n, device = len(images), images.device
    top = torch.randint(0, padded.shape[2] - height + 1, (n,), device=device)
    left = torch.randint(0, padded.shape[3] - width + 1, (n,), device=device)
    rows = (top[:, None] + torch.arange(height, device=device))[:, None, :, None]
    cols = (left[:, None] + torch.arange(width, device=device))[:, None, None, :]
    which = torch.arange(n, device=device)[:, None, None, None]
    channels = torch.arange(images.shape[1], device=device)[None, :, None, None]
    return padded[which, channels, rows, cols]


@dataclass(frozen=True)
class Budget:
    """How step 17 trains its CNN on a device, and what it must reach.

    epochs: passes over the 45,000 training images (cifar10("train")), in
    batches of `batch_size`, with AdamW (`weight_decay`) under a one-cycle
    schedule peaking at `lr` (OneCycleLR, stepped per batch), and
    cross-entropy with `label_smoothing`.
    min_accuracy: the accuracy on all 10,000 test images that the hidden
    check asks of the trained model (the grader counts it: the test labels
    never reach the notebook). The notebook asks the same of its accuracy on
    the 5,000 validation images. The reference clears both with margin; a
    schedule stepped per epoch instead of per batch does not.
    """
    device: str
    epochs: int
    min_accuracy: float
    why: str
    batch_size: int = 128
    lr: float = 0.01
    weight_decay: float = 0.05
    label_smoothing: float = 0.1


# Measured with benchmarks/cnn.py (figures in docs/cnn.md): on 2 CPU cores
# the reference trains the CPU budget in about a minute. The GPU's budget
# was not re-measured since the recipe changed (no GPU was lent): it trains
# longer, in bigger batches, and keeps the old GPU threshold, which the
# older, weaker network (no batch norm, no crops) cleared at 75.9%.
BUDGETS = {
    "cuda": Budget("cuda", epochs=20, min_accuracy=0.72, batch_size=256,
                   why="a GPU: the full budget, 20 epochs (about a second each on an H100)"),
    "cpu": Budget("cpu", epochs=3, min_accuracy=0.65,
                  why="no GPU: a smaller budget of 3 epochs, about a minute on two CPU cores"),
}


def budget(device):
    """The Budget for `device`: "cuda", "cpu", "cuda:0" or a torch.device.
    The notebook of step 17 trains with it; its hidden check grades with it."""
    kind = torch.device(device).type
    return BUDGETS["cuda" if kind == "cuda" else "cpu"]


# -- what step 17's hidden checks run in the student's kernel ------------------
# The student's train_one_epoch and evaluate run there on a tiny model that
# notes, at each forward pass, whether it was in training mode and whether
# gradients were being recorded; the probes return plain data (the kernel may
# lie), which the check compares here with the same run done right.

class _Recorder(nn.Module):
    """A tiny classifier of 3 x 2 x 2 images with batch norm (so that
    train() and eval() give different scores), noting each forward pass's
    (self.training, torch.is_grad_enabled())."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(5)
        self.fc = nn.Linear(12, 10)
        self.bn = nn.BatchNorm1d(10)
        self.bn.running_mean += torch.randn(10)  # running averages far from one batch's
        self.seen = []

    def forward(self, x):
        self.seen.append((self.training, torch.is_grad_enabled()))
        return self.bn(self.fc(x.flatten(1)))


def probe_setup():
    """(model, batches, optimizer, scheduler, loss_fn), the same each call:
    4 batches of 8 tiny images; the model starts in eval mode."""
    model = _Recorder().eval()
    torch.manual_seed(6)
    batches = [(torch.randn(8, 3, 2, 2), torch.randint(0, 10, (8,))) for _ in range(4)]
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1 / (1 + step))
    return model, batches, optimizer, scheduler, nn.CrossEntropyLoss()


def train_epoch_probe(train_one_epoch):
    """The student's train_one_epoch(model, batches, optimizer, scheduler,
    loss_fn) on probe_setup(): what it returned, how often the scheduler
    stepped, what each forward pass saw, and the weights after."""
    model, batches, optimizer, scheduler, loss_fn = probe_setup()
    returned = train_one_epoch(model, batches, optimizer, scheduler, loss_fn)
    losses = [float(v) for v in returned] if isinstance(returned, (list, tuple)) else returned
    return {"returned": losses, "scheduler_steps": scheduler.last_epoch, "seen": list(model.seen),
            "weights": {k: v.detach().clone() for k, v in model.state_dict().items()}}


def evaluate_probe(evaluate):
    """The student's evaluate(model, batches) on probe_setup()'s model
    (left in training mode) and batches: what it returned, and what each
    forward pass saw."""
    model, batches, *_ = probe_setup()
    model.train()
    returned = evaluate(model, batches)
    return {"returned": float(returned) if isinstance(returned, (int, float, torch.Tensor)) else returned,
            "seen": list(model.seen)}
