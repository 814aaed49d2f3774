"""Hidden checks for step 17 (the CNN for CIFAR-10).

The accuracy check grades with course.vision.budget: on a machine with a GPU
the notebook trains the full budget and the threshold is the GPU's; without
one, the notebook trains the smaller CPU budget and the threshold is the
CPU's. Both live in one place, BUDGETS in course/vision.py.

The notebook measures its model on the validation split ("val", the last
5,000 training images). The test set's labels never go to the student's
kernel: the check loads the test set itself, sends the model only the
images, and counts its answers."""
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader
from torchvision import transforms

from course.data import cifar10
from course.grader.judge import run_beside
from course.vision import budget, graded_accuracy, in_chain_order, layer_shapes, layers_of, scores_or_explain

# Judged from outside the student's kernel (course/grader/judge): `nb` is remote.

# The notebook's own validation transform: the images the model was trained on, unflipped.
TEST_TRANSFORM = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])


def test_cifarnet(nb):
    model = nb.CIFARNet()
    x, scores = scores_or_explain(model, "CIFARNet", hint="Check each layer against the table (padding=1 keeps the size)",
                                  why="a ReLU on the scores blocks learning, step 16", sizes=(5,))
    # The layers are found where the model lives (see course.grader.judge.run_beside).
    conv_layers, linear_layers = run_beside(model, layers_of, nn.Conv2d), run_beside(model, layers_of, nn.Linear)
    convs = in_chain_order(conv_layers, 3)
    linears = in_chain_order(linear_layers, 1024)
    assert [tuple(c.weight.shape) for c in convs] == [(16, 3, 3, 3), (32, 16, 3, 3), (64, 32, 3, 3)], (
        "CIFARNet should have nn.Conv2d(3, 16, 3), nn.Conv2d(16, 32, 3) and nn.Conv2d(32, 64, 3); found weights of shapes "
        f"{[tuple(c.weight.shape) for c in conv_layers]}")
    assert [(m.in_features, m.out_features) for m in linears] == [(1024, 128), (128, 10)], (
        "CIFARNet's linear layers should be 1024 -> 128 and 128 -> 10; found "
        f"{[(m.in_features, m.out_features) for m in linear_layers]}")
    shapes = [shape for _, shape in run_beside(model, layer_shapes, x)]
    for expected in ((5, 16, 32, 32), (5, 16, 16, 16), (5, 32, 16, 16), (5, 32, 8, 8), (5, 64, 8, 8), (5, 64, 4, 4)):
        assert expected in shapes, (
            f"for 5 images, some layer should output {expected} (see the table); the layers' outputs were {shapes}")
    with torch.no_grad():
        h = x
        for conv in convs:
            h = F.max_pool2d(F.relu(conv(h)), 2)
        expected = linears[1](F.relu(linears[0](h.flatten(1))))
    assert torch.allclose(scores, expected, atol=1e-5), (
        "CIFARNet's scores differ from (conv -> ReLU -> pool) x 3 -> flatten -> fc1 -> ReLU -> fc2 computed with "
        "its own layers: check the order, and that each ReLU and pooling is where the table says")


def test_training(nb):
    losses = nb.loss_history
    assert len(losses) >= 300, f"loss_history should hold the losses of at least 300 batches, found {len(losses)}"
    first, later = sum(losses[:50]) / 50, sum(losses[250:300]) / 50
    guessing = 2.30  # log(10): the loss of scores that give every class 1/10
    assert later < min(first, guessing) - 0.25, (
        f"the loss should fall over the first few hundred batches, and below the {guessing} of guessing: "
        f"batches 0-49 average {first:.3f}, batches 250-299 {later:.3f}"
        + (" (it blew up at the start: is the learning rate too large?)" if first > 3 else ""))


def test_accuracy(nb):
    plan = budget("cuda" if torch.cuda.is_available() else "cpu")
    val_set = nb.val_set
    assert len(val_set) == 5000 and getattr(val_set, "split", None) == "val", (
        'val_set should be the 5,000 CIFAR-10 validation images: cifar10("val", transform=val_transform)')
    measured = graded_accuracy(nb.model, cifar10("test", transform=TEST_TRANSFORM))
    assert measured > plan.min_accuracy, (
        f"the trained model classifies {measured:.1%} of the 10,000 test images right (the grader keeps their "
        f"labels and counts your model's answers); trained for {plan.epochs} epochs ({plan.device}), it should be "
        f"above {plan.min_accuracy:.0%}")


def test_per_class_accuracy(nb):
    torch.manual_seed(3)
    model = nn.Sequential(nn.Flatten(), nn.Linear(12, 10))
    x = torch.randn(200, 3, 2, 2)
    y = torch.cat([torch.arange(10).repeat(5), torch.randint(0, 3, (150,))])  # classes 0-2 much more frequent
    with torch.no_grad():
        predicted = model(x).argmax(1)
    expected = [((predicted == c) & (y == c)).sum().item() / (y == c).sum().item() for c in range(10)]
    got = nb.per_class_accuracy(model, DataLoader(list(zip(x, y)), batch_size=64), "cpu")
    got = [float(v) for v in got]
    assert len(got) == 10, f"per_class_accuracy should return 10 numbers, found {len(got)}"
    right = [((predicted == c) & (y == c)).sum().item() for c in range(10)]
    # The usual slips, recognised so that the hint names the one made.
    slips = {
        "Divide by the number of images of that class, not by all images": [r / len(y) for r in right],
        "Divide by the number of images whose label is that class, not by how often the model predicted it":
            [r / max(1, (predicted == c).sum().item()) for c, r in enumerate(right)],
    }
    for c in range(10):
        if abs(got[c] - expected[c]) < 1e-6:
            continue
        hint = next((h for h, wrong in slips.items() if all(abs(g - w) < 1e-6 for g, w in zip(got, wrong))),
                    "Count, for each class, the images of that class the model got right, and divide by how many "
                    "images of that class there are")
        raise AssertionError(
            f"for class {c}, per_class_accuracy gave {got[c]:.4f}; the model classifies {expected[c]:.4f} of the "
            f"images of class {c} as {c}. {hint}")
