"""Under the judge (course/grader/judge/) a student's object that is not a plain
value reaches the hidden checks as a `Remote`: their messages must name its
own type (`course.grader.judge.type_name`), not "Remote". Checked here without a
kernel: the checks get objects that look like the judge's Remotes."""
import os
import types

import pytest
import torch
import torch.nn as nn

from course.grading import run_check
from course.grader.judge import Remote
from tests.conftest import REPO

pytestmark = pytest.mark.unit


def remote(*mro):
    """What the judge makes of an object in the kernel: its classes' names."""
    return Remote(None, 0, [*mro, "builtins.object"], False)


NDARRAY = ("numpy.ndarray",)
FUNCTION = ("builtins.function",)
GENERATOR = ("builtins.generator",)
MSELOSS = ("torch.nn.modules.loss.MSELoss", "torch.nn.modules.loss._Loss", "torch.nn.modules.module.Module")

CASES = [
    ("01_tensors::test_tensors", dict(x1=remote(*NDARRAY)), "x1 should be a torch tensor, found ndarray"),
    ("01_tensors::test_slices", dict(x2=torch.ones(2, 4), x3=torch.ones(2, 2, 4), first_row=remote(*GENERATOR), third_column=None, first_entries=None),
     "first_row should be a tensor sliced from x2 or x3, found generator"),
    ("02_bare_minimum::test_input", dict(x1=remote(*NDARRAY)), "x1 should be a torch tensor, found ndarray"),
    ("03_linear_model::test_layer", dict(linear_layer1=remote(*FUNCTION)),
     "linear_layer1 should be a layer, nn.Linear(4, 1), found function"),
    ("03_linear_model::test_by_hand", dict(linear_by_hand=lambda layer, x: remote(*GENERATOR)),
     "linear_by_hand should return a tensor, found generator"),
    ("04_loss::test_loss", dict(loss_function=nn.MSELoss(), loss=remote(*MSELOSS)),
     "loss should be the tensor that loss_function(predicted_y, target_y) returns, found MSELoss"),
    ("04_loss::test_by_hand", dict(mse_by_hand=lambda prediction, target: remote(*GENERATOR)),
     "mse_by_hand should return a tensor, found generator"),
    ("02_bare_minimum::test_variables", dict(var_1=torch.tensor(3.0, requires_grad=True),
                                           var_2=torch.tensor(4.0, requires_grad=True),
                                           product=remote(*NDARRAY)),
     "product should be a tensor, found ndarray"),
    ("13_mlp::test_accuracy", dict(accuracy=lambda model, loader: remote(*NDARRAY)),
     "accuracy should return a Python float, found ndarray"),
]


@pytest.mark.parametrize("check,variables,says", CASES, ids=[c for c, _, _ in CASES])
def test_messages_name_the_type_of_a_kernel_object(check, variables, says):
    message = run_check(check, types.SimpleNamespace(**variables), REPO)
    assert message is not None and says in message, message
    assert "Remote" not in message


def _train_one_epoch(slip):
    def train_one_epoch(model, batches, optimizer, scheduler, loss_fn):
        if slip != "no-train-mode":
            model.train()
        losses = []
        for images, labels in batches:
            optimizer.zero_grad()
            loss = loss_fn(model(images), labels)
            loss.backward()
            optimizer.step()
            if slip != "no-scheduler-step":
                scheduler.step()
            losses.append(loss.item())
        return losses
    return train_one_epoch


def _evaluate(slip):
    def evaluate(model, batches):
        if slip != "no-eval-mode":
            model.eval()
        right = total = 0
        with torch.no_grad() if slip != "no-no-grad" else torch.enable_grad():
            for images, labels in batches:
                right += (model(images).argmax(1) == labels).sum().item()
                total += len(labels) if slip != "count-batches" else 1
        return right / total
    return evaluate


@pytest.mark.parametrize("slip,says", [
    ("none", None),
    ("no-train-mode", "call model.train() first"),
    ("no-scheduler-step", "call scheduler.step() after every batch"),
])
def test_train_one_epoch_message_names_the_slip(slip, says):
    message = run_check("17_cnn_cifar10::test_train_one_epoch",
                        types.SimpleNamespace(train_one_epoch=_train_one_epoch(slip)), REPO)
    assert (message is None) if says is None else (message is not None and says in message), message


@pytest.mark.parametrize("slip,says", [
    ("none", None),
    ("no-eval-mode", "call model.eval() first"),
    ("no-no-grad", "under torch.no_grad()"),
    ("count-batches", "return the fraction of all the images"),
])
def test_evaluate_message_names_the_slip(slip, says):
    message = run_check("17_cnn_cifar10::test_evaluate", types.SimpleNamespace(evaluate=_evaluate(slip)), REPO)
    assert (message is None) if says is None else (message is not None and says in message), message


class _MLP(nn.Module):
    """Step 13's MLP with its output layer declared first; `activation` between the layers."""

    def __init__(self, in_features=784, hidden=128, classes=10, activation=torch.sigmoid):
        super().__init__()
        self.out = nn.Linear(hidden, classes)
        self.hidden = nn.Linear(in_features, hidden)
        self.activation = activation

    def forward(self, x):
        return self.out(self.activation(self.hidden(x.flatten(1))))


@pytest.mark.parametrize("activation,says", [(torch.sigmoid, None), (torch.relu, "a sigmoid between the two linear layers")],
                         ids=["sigmoid", "relu"])
def test_mlp_check_reads_layers_in_chain_order_and_the_sigmoid(activation, says):
    """Declaration order does not matter (the audit's 13 (b)); the sigmoid the text asks for does (13 (a))."""
    def make(**kwargs):
        return _MLP(activation=activation, **kwargs)
    message = run_check("13_mlp::test_mlp", types.SimpleNamespace(MLP=make), REPO)
    assert (message is None) if says is None else (message is not None and says in message), message


def test_the_graders_pytest_options_do_not_reach_the_checks(monkeypatch):
    """A test run's PYTEST_ADDOPTS (or a deployment's) is not an option of
    the hidden checks' own pytest: the check runs, and says what it found."""
    monkeypatch.setenv("PYTEST_ADDOPTS", "--no-such-option")
    check, variables, says = CASES[-1]
    message = run_check(check, types.SimpleNamespace(**variables), REPO)
    assert message is not None and says in message, message
    assert os.environ["PYTEST_ADDOPTS"] == "--no-such-option"


def _raises(*args):
    raise ValueError("shapes do not match")


SENTENCES = [
    ("03_linear_model::test_count", dict(n_parameters=5, linear_layer1=None), "linear_layer1 should be a layer"),
    ("05_gradient::test_fresh", dict(gradients=_raises),
     "gradients(layer, x, y), called three times on one layer, raised ValueError: shapes do not match"),
    ("05_gradient::test_fresh", dict(gradients=lambda layer, x, y: ([0.0] * 4, [0.0])),
     "gradients should return two tensors"),
]


@pytest.mark.parametrize("check,variables,says", SENTENCES, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(SENTENCES)])
def test_a_broken_answer_gets_a_sentence_not_a_traceback(check, variables, says):
    message = run_check(check, types.SimpleNamespace(**variables), REPO)
    assert message is not None and message.startswith(says.split(":")[0][:20]) and says in message, message


# The image steps' guards that their visible cells reach first in a graded
# notebook (the cell stops there), so only a direct call shows them.
IMAGE_SENTENCES = [
    ("12_images::test_to_vectors", dict(to_vectors=lambda x: x.flatten(1).numpy()),
     "to_vectors(x) should return a tensor (a batch of vectors), found ndarray"),
    ("16_relu_gpu::test_device", dict(device="gpu"), "device should be the string 'cuda' or 'cpu', found 'gpu'"),
    ("15_pooling::test_count_parameters", dict(count_parameters=lambda model: len(list(model.parameters()))),
     "count_parameters(nn.Linear(4, 2)) gave 2, the number of parameter tensors"),
    ("15_pooling::test_count_parameters",
     dict(count_parameters=lambda model: sum(p.numel() for n, p in model.named_parameters() if "weight" in n)),
     "count_parameters(nn.Linear(4, 2)) gave 8, the weights only"),
]


@pytest.mark.parametrize("check,variables,says", IMAGE_SENTENCES,
                         ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(IMAGE_SENTENCES)])
def test_an_image_step_slip_gets_a_sentence(check, variables, says):
    message = run_check(check, types.SimpleNamespace(**variables), REPO)
    assert message is not None and says in message, message


def _loaders(train_batching, val_batching):
    """Step 12's two loaders, made with the given DataLoader arguments (the
    training images untransformed: the check reads only their indices)."""
    from torch.utils.data import DataLoader
    from torchvision import transforms
    from course.data import fashion_mnist

    train_set, val_set = fashion_mnist("train"), fashion_mnist("val", transform=transforms.ToTensor())
    return dict(train_loader=DataLoader(train_set, **train_batching(train_set)),
                val_loader=DataLoader(val_set, **val_batching(val_set)))


@pytest.mark.parametrize("train,val,says", [
    # A batch sampler over a RandomSampler: shuffled batches of 64 (batch_size is None, the sampler sequential).
    (lambda data: dict(batch_sampler=torch.utils.data.BatchSampler(torch.utils.data.RandomSampler(data), 64, False)),
     lambda data: dict(batch_size=1000), None),
    (lambda data: dict(batch_size=64, shuffle=True),
     lambda data: dict(sampler=torch.utils.data.SubsetRandomSampler(range(len(data))), batch_size=1000),
     "val_loader should not shuffle"),
    (lambda data: dict(batch_size=64, shuffle=True), lambda data: dict(batch_size=500), "val_loader should deal batches of 1000"),
], ids=["batch-sampler", "val-subset-random", "val-500"])
def test_step_12_judges_loaders_by_the_batches_they_deal(train, val, says):
    message = run_check("12_images::test_loaders", types.SimpleNamespace(**_loaders(train, val)), REPO)
    assert (message is None) if says is None else (message is not None and says in message), message
