"""Hidden checks for step 17 (a modern small CNN the student trains end to end).

The accuracy check grades with course.vision.budget: on a machine with a GPU
the notebook trains the GPU's budget and the threshold is the GPU's; without
one, the CPU's. Both live in one place, BUDGETS in course/vision.py.

train_one_epoch and evaluate are judged by running them in the student's
kernel on course.vision.probe_setup() (a tiny model with batch norm that
notes its mode at each forward pass) and comparing what comes back with the
same run done right here. The test set's labels never go to the student's
kernel: the check loads the test set itself, sends the model only the
images, and counts its answers."""
import torch
import torch.nn.functional as F
from torch import nn
from torchvision import transforms

from course.data import cifar10
from course.grader.judge import run_beside, the_object, type_name
from course.grader.in_kernel.probes import memory_addresses
from course.vision import (budget, evaluate_probe, graded_accuracy, in_chain_order, layer_shapes, layers_of,
                           probe_setup, scores_or_explain, train_epoch_probe, transform_steps)

# Judged from outside the student's kernel (course/grader/judge): `nb` is remote.

RANDOM = ("RandomCrop", "RandomHorizontalFlip", "RandomResizedCrop", "RandomRotation", "RandomAffine", "ColorJitter")


def _plain(nb):
    """ToTensor and Normalize with the notebook's mean and std: its val_transform done right."""
    return transforms.Compose([transforms.ToTensor(),
                               transforms.Normalize([float(v) for v in nb.mean], [float(v) for v in nb.std])])


def _accuracy_or_explain(model, dataset, which):
    """graded_accuracy, with a sentence instead of a traceback when the model
    cannot take the images."""
    try:
        return graded_accuracy(model, dataset)
    except RuntimeError as error:
        raise AssertionError(f"model failed on the {which} images: {str(error).splitlines()[0]}. "
                             "Check CIFARNet (Exercise 2) first") from None


def _close(a, b, tol=1e-4):
    return len(a) == len(b) and all(abs(float(x) - float(y)) < tol for x, y in zip(a, b))


def test_transforms(nb):
    mean, std = [float(v) for v in nb.mean], [float(v) for v in nb.std]
    train = run_beside(the_object(nb, "train_transform"), transform_steps)
    val = run_beside(the_object(nb, "val_transform"), transform_steps)
    names = [name for name, _ in train]
    crop = next((s for name, s in train if name == "RandomCrop"), None)
    assert crop is not None and tuple(crop["size"]) == (32, 32) and crop.get("padding") == 4, (
        f"train_transform should hold transforms.RandomCrop(32, padding=4); found {names}")
    assert "RandomHorizontalFlip" in names, f"train_transform should hold transforms.RandomHorizontalFlip(); found {names}"
    for which, steps in (("train_transform", train), ("val_transform", val)):
        norm = next((s for name, s in steps if name == "Normalize"), None)
        assert norm is not None and _close(norm["mean"], mean) and _close(norm["std"], std), (
            f"{which} should end with transforms.Normalize(mean, std), the mean and std computed above")
        assert "ToTensor" in [name for name, _ in steps], f"{which} should hold transforms.ToTensor()"
    augmenting = [name for name, _ in val if name in RANDOM]
    assert not augmenting, (
        f"val_transform holds {', '.join(augmenting)}: augmentation is for the training images only; the "
        "validation images are measured as they are (only ToTensor and Normalize)")


def _reference_scores(x, convs, norms, linear, norm_first):
    """(conv -> BN -> ReLU -> pool) x 3 -> flatten -> linear with the model's
    own layers (BN in training mode, on this batch's statistics); BN after
    the ReLU when not norm_first."""
    h = x
    for conv, norm in zip(convs, norms):
        h = conv(h)
        def bn(t):
            return F.batch_norm(t, None, None, norm.weight, norm.bias, training=True, eps=norm.eps)
        h = F.relu(bn(h)) if norm_first else bn(F.relu(h))
        h = F.max_pool2d(h, 2)
    return linear(h.flatten(1))


def test_cifarnet(nb):
    model = nb.CIFARNet()
    model.train()
    x, scores = scores_or_explain(model, "CIFARNet", hint="Check each layer against the table (padding=1 keeps the size)",
                                  why="the scores go to the loss as they are, step 16", sizes=(8,))
    # The layers are found where the model lives (see course.grader.judge.run_beside).
    conv_layers = run_beside(model, layers_of, nn.Conv2d)
    norm_layers = run_beside(model, layers_of, nn.BatchNorm2d)
    linear_layers = run_beside(model, layers_of, nn.Linear)
    convs = in_chain_order(conv_layers, 3)
    assert [tuple(c.weight.shape) for c in convs] == [(32, 3, 3, 3), (64, 32, 3, 3), (128, 64, 3, 3)], (
        "CIFARNet should have nn.Conv2d(3, 32, 3), nn.Conv2d(32, 64, 3) and nn.Conv2d(64, 128, 3); found weights of "
        f"shapes {[tuple(c.weight.shape) for c in conv_layers]}")
    sizes = sorted(int(m.num_features) for m in norm_layers)
    assert sizes == [32, 64, 128], (
        f"CIFARNet should have nn.BatchNorm2d(32), nn.BatchNorm2d(64) and nn.BatchNorm2d(128); found {sizes or 'none'}")
    norms = [next(m for m in norm_layers if int(m.num_features) == c.out_channels) for c in convs]
    assert [(m.in_features, m.out_features) for m in linear_layers] == [(2048, 10)], (
        "CIFARNet should have one linear layer, 2048 -> 10; found "
        f"{[(m.in_features, m.out_features) for m in linear_layers]}")
    shapes = [shape for _, shape in run_beside(model, layer_shapes, x)]
    for expected in ((8, 32, 16, 16), (8, 64, 8, 8), (8, 128, 4, 4)):
        assert expected in shapes, (
            f"for 8 images, some pooling should output {expected} (see the table); the layers' outputs were {shapes}")
    with torch.no_grad():
        matches = [torch.allclose(scores, _reference_scores(x, convs, norms, linear_layers[0], first), atol=1e-4)
                   for first in (True, False)]
    assert any(matches), (
        "CIFARNet's scores differ from (conv -> batch norm -> ReLU -> pool) x 3 -> flatten -> linear computed "
        "with its own layers: check the order, and that each batch norm follows its convolution")


def test_training_setup(nb):
    plan = budget("cuda" if torch.cuda.is_available() else "cpu")
    assert type_name(nb.optimizer) == "AdamW", f"optimizer should be a torch.optim.AdamW, found {type_name(nb.optimizer)}"
    group = nb.optimizer.param_groups[0]
    assert abs(group["weight_decay"] - plan.weight_decay) < 1e-12, (
        f"AdamW's weight_decay should be plan.weight_decay ({plan.weight_decay}), found {group['weight_decay']}")
    n_params = len(list(nb.model.parameters()))
    assert len(group["params"]) == n_params, "optimizer should update all of model's parameters: model.parameters()"
    assert type_name(nb.scheduler) == "OneCycleLR", f"scheduler should be a OneCycleLR, found {type_name(nb.scheduler)}"
    steps = plan.epochs * len(nb.train_batches)
    assert nb.scheduler.total_steps == steps, (
        f"OneCycleLR counts batches: total_steps should be plan.epochs * len(train_batches) = {steps}, "
        f"found {nb.scheduler.total_steps}")
    assert abs(max(group.get("max_lr", 0), 0) - plan.lr) < 1e-12, f"OneCycleLR's max_lr should be plan.lr ({plan.lr})"
    assert type_name(nb.loss_fn) == "CrossEntropyLoss", f"loss_fn should be nn.CrossEntropyLoss, found {type_name(nb.loss_fn)}"
    assert abs(nb.loss_fn.label_smoothing - plan.label_smoothing) < 1e-12, (
        f"loss_fn's label_smoothing should be plan.label_smoothing ({plan.label_smoothing})")


def _right_epoch():
    """The probe's epoch done right: (the losses, the weights after)."""
    net, probe_batches, opt, sched, criterion = probe_setup()
    net.train()
    seen = []
    for x, y in probe_batches:
        opt.zero_grad()
        batch_loss = criterion(net(x), y)
        batch_loss.backward()
        opt.step()
        sched.step()
        seen.append(float(batch_loss))
    return seen, net.state_dict()


def test_train_one_epoch(nb):
    got = run_beside(the_object(nb, "train_one_epoch"), train_epoch_probe)
    losses, weights = _right_epoch()
    n = len(losses)
    assert isinstance(got["returned"], list) and len(got["returned"]) == n, (
        f"train_one_epoch should return a list with one loss per batch ({n} batches here), found {got['returned']!r}")
    assert all(training for training, _ in got["seen"]), (
        "train_one_epoch ran the model in evaluation mode: call model.train() first (evaluate() leaves it in eval mode)")
    assert got["scheduler_steps"] == n, (
        f"the scheduler stepped {got['scheduler_steps']} times over {n} batches: call scheduler.step() after every "
        "batch, inside train_one_epoch (OneCycleLR counts batches, not epochs)")
    assert _close(got["returned"], losses), (
        f"train_one_epoch's losses {[round(v, 4) for v in got['returned']]} differ from those of "
        f"zero_grad, loss, backward, step on each batch: {[round(v, 4) for v in losses]}")
    assert all(torch.allclose(got["weights"][k], v, atol=1e-5) for k, v in weights.items()), (
        "after train_one_epoch the weights differ from one optimizer.step() per batch")


def test_evaluate(nb):
    got = run_beside(the_object(nb, "evaluate"), evaluate_probe)
    model, batches, *_ = probe_setup()
    with torch.no_grad():
        right = sum(int((model.eval()(x).argmax(1) == y).sum()) for x, y in batches) / sum(len(y) for _, y in batches)
        in_training = sum(int((model.train()(x).argmax(1) == y).sum()) for x, y in batches) / 32
    seen = got["seen"]
    assert seen and not any(training for training, _ in seen), (
        "evaluate ran the model in training mode: call model.eval() first, so that batch norm uses its running "
        "averages" + (f" (found {got['returned']}, instead of {right})" if got["returned"] != right else ""))
    assert not any(grad for _, grad in seen), "evaluate should run the model under torch.no_grad(): no graph is needed"
    assert isinstance(got["returned"], float) and abs(got["returned"] - right) < 1e-9, (
        f"evaluate gave {got['returned']!r} on 32 images of which the model gets {right:.4f} right: return the "
        "fraction of all the images whose highest score is their label"
        + (" (that is its accuracy in training mode)" if abs(got["returned"] - in_training) < 1e-9 else ""))


def test_training_run(nb):
    plan = budget("cuda" if torch.cuda.is_available() else "cpu")
    history = [float(v) for v in nb.val_history]
    assert len(history) == plan.epochs, f"val_history should hold one accuracy per epoch: {plan.epochs}, found {len(history)}"
    losses = nb.loss_history
    per_epoch = len(nb.train_batches)
    assert len(losses) == plan.epochs * per_epoch, (
        f"loss_history should hold the losses of every batch: {plan.epochs} x {per_epoch}, found {len(losses)}")
    first, last = sum(losses[:50]) / 50, sum(losses[-50:]) / 50
    assert last < first - 0.3, f"the loss should fall: first 50 batches {first:.3f}, last 50 {last:.3f}"
    addresses = run_beside(the_object(nb, "model"), memory_addresses, the_object(nb, "best_state"))
    shared = [name for name, (mine, kept) in addresses.items() if mine == kept]
    assert not shared, (
        "best_state holds the model's own tensors, not a copy, so it changed with every later step: "
        "best_state = copy.deepcopy(model.state_dict())")
    state = nb.model.state_dict()
    best = nb.best_state
    assert all(torch.equal(state[k].cpu(), best[k].cpu()) for k in state), (
        "after the run, model should hold best_state: model.load_state_dict(best_state)")
    measured = _accuracy_or_explain(nb.model, cifar10("val", transform=_plain(nb)), "validation")
    assert abs(measured - max(history)) < 0.003, (
        f"the model classifies {measured:.1%} of the validation images right, but the best epoch had {max(history):.1%}: "
        "keep a copy of the weights of the best epoch (copy.deepcopy(model.state_dict())) and load it back")


def test_accuracy(nb):
    plan = budget("cuda" if torch.cuda.is_available() else "cpu")
    val_set = nb.val_set
    assert len(val_set) == 5000 and getattr(val_set, "split", None) == "val", (
        'val_set should be the 5,000 CIFAR-10 validation images: cifar10("val", transform=val_transform)')
    measured = _accuracy_or_explain(nb.model, cifar10("test", transform=_plain(nb)), "test")
    assert measured > plan.min_accuracy, (
        f"the trained model classifies {measured:.1%} of the 10,000 test images right (the grader keeps their "
        f"labels and counts your model's answers); trained for {plan.epochs} epochs ({plan.device}), it should be "
        f"above {plan.min_accuracy:.0%}")
