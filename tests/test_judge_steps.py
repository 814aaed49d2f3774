"""The judge makes the hidden checks resistant to cheats, not only able to
detect them (issue 6): for each step judged outside the kernel, a notebook
that makes a realistic mistake (tests/mistakes/) and, before it, patches
torch's comparisons to always say "equal" and turns the in-kernel checks
off still loses exactly the points of that mistake. Under the old in-kernel
grading this cheat would have passed every hidden check.

Only the cheap steps are graded here: those that train no image network
(step 12 only loads images). The other image steps' checks go through the
same judge, in tests/test_grading.py."""
import pytest

from course import grade, instructor
from course.judge import judged_outside_kernel
from tests import classroom
from tests.conftest import REPO
from tests.mistakes import all_mistakes

STUDENT = "cheat"

# Runs in the student's kernel before the wrong answer.
PATCH = (
    "import torch, course.grading\n"
    "torch.equal = lambda *a, **k: True\n"
    "torch.allclose = lambda *a, **k: True\n"
    "torch.Tensor.__eq__ = lambda self, other: torch.ones_like(self, dtype=torch.bool)\n"
    "course.grading.run_check = lambda *a, **k: None  # every in-kernel check passes\n"
)

# Per cheap step, a wrong answer that only the hidden checks catch: behind
# PATCH it kept all its points when the checks ran in the kernel (found by
# grading every mistake of tests/mistakes/ so). A realistic mistake by name,
# or, where the visible asserts catch them all, one made up here.
CHEATS = {
    "01_tensors": "not-in-place",
    "02_autograd": "one-tensor-trained",
    "03_bare_minimum": {  # a copy with the same numbers passes the visible `y.tolist() == ...`
        "answers": {"model": "def model(x):\n    return x.clone()\n\n\ny = model(x1)"},
        "fails": {"check-model": "returned a new tensor with the same numbers"},
    },
    "04_linear_model": "forgot-bias-by-hand",
    "05_loss": "broadcast-shapes",
    "06_gradient": "no-zero-grad",
    "07_weight_update": "weight-only-optimizer",
    "09_minibatches": "no-shuffle",
    "10_two_layer_net": "no-hidden-sigmoid",
    "11_nn_module": {  # the visible check takes away only a loose `sigmoid`, not this `sig`
        "answers": {"net-class": (
            "sig = nn.Sigmoid()\n\n\n"
            "class Net(nn.Module):\n"
            "    def __init__(self):\n"
            "        super().__init__()\n"
            "        self.fc1 = nn.Linear(4, 2)\n"
            "        self.fc2 = nn.Linear(2, 1)\n\n"
            "    def forward(self, x):\n"
            "        return sig(self.fc2(sig(self.fc1(x))))"
        )},
        "fails": {"check-own-layers": "uses the notebook's loose `sig`"},
    },
    "08_epochs": "hard-coded-lr",
    # Not no-shuffle: behind PATCH, Normalize takes every std for 0 and raises,
    # so a mistake in the loaders cell would break the cells after it too.
    "12_images": "hard-coded-784",
}
JUDGED = [s for s in CHEATS if judged_outside_kernel(f"{s}::x", REPO)]


def cheat(step):
    """(the mistake, its answers with PATCH before the first of them)."""
    mistake = CHEATS[step]
    if isinstance(mistake, str):
        mistake = all_mistakes()[step][mistake]
    answers = dict(mistake["answers"])
    first = next(iter(answers))
    answers[first] = PATCH + answers[first]
    return mistake, answers


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = classroom.new_course(tmp_path_factory.mktemp("course"), JUDGED)
    for step in JUDGED:
        classroom.submit(root, STUDENT, step,
                         instructor.with_cells(classroom.reference(root, step), cheat(step)[1]))
    results = grade.grade(root, JUDGED, students=[STUDENT], feedback=False, progress=False)
    assert not [r for r in results if r.failed], [r.message for r in results if r.failed]
    return root


def test_every_cheat_is_judged():
    assert JUDGED == list(CHEATS), f"not judged outside the kernel: {sorted(set(CHEATS) - set(JUDGED))}"


@pytest.mark.parametrize("step", JUDGED)
def test_patched_torch_still_loses_the_points(graded, step):
    mistake, _ = cheat(step)
    for grade_id, (score, max_score, output) in instructor.cell_results(graded, step, STUDENT).items():
        if grade_id in mistake["fails"]:
            assert score == 0, f"{step} {grade_id}: the cheat kept {score} of {max_score} points:\n{output[-1500:]}"
        else:
            assert score == max_score, f"{step} {grade_id}: scored {score} of {max_score}:\n{output[-1500:]}"
