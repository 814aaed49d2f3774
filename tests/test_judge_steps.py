"""The judge makes the hidden checks resistant to cheats, not only able to
detect them (issue 6): for each step judged outside the kernel, a notebook
that makes a realistic mistake (tests/mistakes/) and, before it, patches
torch's comparisons to always say "equal" and turns the in-kernel checks
off still loses exactly the points of that mistake. Under the old in-kernel
grading this cheat would have passed every hidden check.

A second cheat lies through the probes instead (PROBE_PATCH): it replaces
the functions of course.grader.in_kernel.probes and course.vision that the checks send to the
kernel, and the `is` the judge asks with, and puts a fake course.grader.in_kernel.probes in
sys.modules. Sent by reference, the kernel would have run those liars; the
judge sends their source instead, and decides from the data they return.

Only the cheap steps are graded here: those that train no image network
(step 12 only loads images). The other image steps' checks go through the
same judge, in tests/test_grading.py."""
import pytest

from course.grader import instructor
from tests.conftest import selected_steps, step_params
from tests.mistakes import all_mistakes

STUDENT = "cheat"
PROBE_STUDENT = "probe-cheat"

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
    "02_bare_minimum": {  # the visible check now takes away vector-not-scalar by its shape, unpatched
        "answers": {"model": "def model(x):\n    return x.float()\n\n\ny = model(x1)"},
        "fails": {"check-model": "should give back its input unchanged"},
    },
    "03_linear_model": "forgot-bias-by-hand",
    "04_loss": "broadcast-shapes",
    "05_gradient": "no-zero-grad",
    "06_weight_update": "weight-only-optimizer",
    "08_minibatches": "no-shuffle",
    "09_logistic_regression": "bce-half",
    "10_two_layer_net": "no-hidden-sigmoid",
    "11_nn_module": {  # the visible check takes away only a loose `sigmoid`, not this `sig`
        "answers": {"net-class": (
            "sig = nn.Sigmoid()\n\n\n"
            "class Net(nn.Module):\n"
            "    def __init__(self):\n"
            "        super().__init__()\n"
            "        self.fc1 = nn.Linear(2, HIDDEN)\n"
            "        self.fc2 = nn.Linear(HIDDEN, 1)\n\n"
            "    def forward(self, x):\n"
            "        return sig(self.fc2(sig(self.fc1(x))))"
        )},
        "fails": {"check-own-layers": "uses the notebook's loose `sig`"},
    },
    "07_epochs": "hard-coded-lr",
    # Not no-shuffle: behind PATCH, Normalize takes every std for 0 and raises,
    # so a mistake in the loaders cell would break the cells after it too.
    "12_images": "hard-coded-784",
}
JUDGED = list(CHEATS)

# Runs in the student's kernel before the wrong answer: every probe the
# checks send to the kernel, under its old name and its new one, answers
# what a right answer would, whatever it is asked; so do `is` and
# course.vision.layers_of; and course.grader.in_kernel.probes in sys.modules is a fake made
# of the same liars, which says yes to any other name.
PROBE_PATCH = (
    "import _operator, operator, sys, types\n"
    "import torch, course.grader.in_kernel.probes, course.vision\n"
    "def _ids(*objs):\n"
    "    return [id(o) for o in objs]\n"
    "_liars = dict(\n"
    "    trains=lambda optimizer, tensor: True,\n"
    "    is_attribute=lambda obj, owner, name: False,\n"
    "    shares_parameters=lambda model, other: False,\n"
    "    is_module_class=lambda obj: True,\n"
    "    trained_parameters=lambda optimizer, model: [n for n, _ in model.named_parameters()],\n"
    "    held_ids=lambda optimizer, *tensors: (_ids(*tensors), _ids(*tensors)),\n"
    "    named_parameter_ids=lambda optimizer, model: ([0], [(n, 0) for n, _ in model.named_parameters()]),\n"
    "    parameter_ids=lambda *models: [[i] for i, _ in enumerate(models)],\n"
    "    attribute_ids=lambda obj, owner, name: (1, 2),\n"
    "    identities=lambda *objs: [0 for _ in objs],\n"
    "    mro_names=lambda cls: ['torch.nn.modules.module.Module'],\n"
    ")\n"
    "for _name, _liar in _liars.items():\n"
    "    setattr(course.grader.in_kernel.probes, _name, _liar)\n"
    "course.vision.layers_of = lambda model, kind: [kind(784, 128), kind(128, 10)]\n"
    "operator.is_ = _operator.is_ = lambda a, b: True\n"
    "_fake = types.ModuleType('course.grader.in_kernel.probes')\n"
    "_fake.__dict__.update(vars(course.grader.in_kernel.probes), **_liars)\n"
    "def _yes(name):\n"
    "    if name.startswith('__'):\n"
    "        raise AttributeError(name)\n"
    "    return lambda *a, **k: True\n"
    "_fake.__getattr__ = _yes\n"
    "sys.modules['course.grader.in_kernel.probes'] = _fake\n"
)

# Per cheap step, a wrong answer whose points a probe decides: behind
# PROBE_PATCH it kept them when the functions went to the kernel by reference.
PROBE_CHEATS = {
    "06_weight_update": "weight-only-optimizer",  # which parameters the optimizer holds
    "11_nn_module": {  # every Net() gets the same two layers: their parameters are shared
        "answers": {"net-class": (
            "shared1, shared2 = nn.Linear(2, HIDDEN), nn.Linear(HIDDEN, 1)\n\n\n"
            "class Net(nn.Module):\n"
            "    def __init__(self):\n"
            "        super().__init__()\n"
            "        self.fc1, self.fc2 = shared1, shared2\n\n"
            "    def forward(self, x):\n"
            "        return torch.sigmoid(self.fc2(torch.sigmoid(self.fc1(x))))"
        )},
        "fails": {"check-net": "two Net() objects share their parameters"},
    },
}
PROBE_JUDGED = list(PROBE_CHEATS)


def cheat(step, cheats=CHEATS, patch=PATCH):
    """(the mistake, its answers with `patch` before the first of them)."""
    mistake = cheats[step]
    if isinstance(mistake, str):
        mistake = all_mistakes()[step][mistake]
    answers = dict(mistake["answers"])
    first = next(iter(answers))
    answers[first] = patch + answers[first]
    return mistake, answers


def probe_cheat(step):
    return cheat(step, PROBE_CHEATS, PROBE_PATCH)


def class_submissions(root, steps):
    """The two cheats of the steps this run covers (`steps`), handed in with
    the shared class (conftest.graded_course) and graded in the same run."""
    cheats = {}
    for student, judged, make in ((STUDENT, JUDGED, cheat), (PROBE_STUDENT, PROBE_JUDGED, probe_cheat)):
        for step in [s for s in judged if s in steps]:
            cheats.setdefault(student, {})[step] = (
                lambda fetched, solve=instructor.solve(root, step), answers=make(step)[1]:
                    instructor.with_cells(solve(fetched), answers))
    return cheats


@pytest.fixture(scope="module")
def graded(graded_course):
    """The course graded once for the run, the cheats in it."""
    root, failures = graded_course
    ours = {step: {s: m for s, m in students.items() if s in (STUDENT, PROBE_STUDENT)}
            for step, students in failures.items()}
    assert not any(ours.values()), ours
    return root


def _loses_exactly_its_points(root, step, student, mistake):
    for grade_id, (score, max_score, output) in instructor.cell_results(root, step, student).items():
        if grade_id in mistake["fails"]:
            assert score == 0, f"{step} {grade_id}: the cheat kept {score} of {max_score} points:\n{output[-1500:]}"
        else:
            assert score == max_score, f"{step} {grade_id}: scored {score} of {max_score}:\n{output[-1500:]}"


@pytest.mark.parametrize("step", step_params([s for s in JUDGED if s in selected_steps()]))
def test_patched_torch_still_loses_the_points(graded, step):
    _loses_exactly_its_points(graded, step, STUDENT, cheat(step)[0])


@pytest.mark.parametrize("step", step_params([s for s in PROBE_JUDGED if s in selected_steps()]))
def test_patched_probes_still_lose_the_points(graded, step):
    _loses_exactly_its_points(graded, step, PROBE_STUDENT, probe_cheat(step)[0])
