"""Reading the test labels from disk (issue 6): the one cheat of the issue's
list that grading does not defend yet (README, "Untrusted submissions").

The judge sends step 13's trained model only the test images and counts its
answers itself, but the grading kernel re-runs the whole notebook with the
data root readable, test labels included. So a "model" that looks each test
image up in the test set on disk is right on every one, though it never
learned anything. This grades such a submission: its accuracy check must
earn nothing. Until the grading kernel loses the test labels it is reported
as an expected failure (xfail) with the reason; the day it earns nothing,
the test passes by itself."""
import os

import pytest

from course import grade, instructor
from tests import classroom

STEP = "13_mlp"
STUDENT = "label-reader"

# After the reference's accuracy(): the trained model is replaced by an
# untrained MLP that answers from a table of the test set's own labels.
LOOK_UP = """

class LookUp(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner
        on_disk = fashion_mnist(train=False, transform=transform)
        self.table = {on_disk[i][0].numpy().tobytes(): on_disk[i][1] for i in range(len(on_disk))}

    def forward(self, x):
        scores = self.inner(x)
        for i, image in enumerate(x):
            label = self.table.get(image.detach().cpu().numpy().tobytes())
            if label is not None:
                scores[i] = -100.0
                scores[i, label] = 100.0
        return scores


model = LookUp(MLP())
"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    os.environ.pop("COURSE_DB_URL", None)
    root = classroom.new_course(tmp_path_factory.mktemp("labels") / "course", [STEP])
    reference = classroom.reference(root, STEP)
    accuracy = next(c.source for c in reference.cells
                    if instructor.nbgrader_meta(c).get("grade_id") == "accuracy")
    classroom.submit(root, STUDENT, STEP, instructor.with_cells(reference, {"accuracy": accuracy + LOOK_UP}))
    results = grade.grade(root, [STEP], students=[STUDENT], feedback=False, progress=False)
    assert not [r for r in results if r.failed], [r.message for r in results if r.failed]
    return instructor.cell_results(root, STEP, STUDENT)


def test_a_model_that_looks_up_the_test_labels_earns_no_accuracy_points(graded):
    score, max_score, output = graded["check-accuracy"]
    # The cheat works in the kernel: the notebook's own count says so.
    assert "test accuracy: 100.0%" in output, output[-1500:]
    if score > 0:
        pytest.xfail(f"known gap: the grading kernel reads the test labels in the data root, and the "
                     f"look-up earned {score} of {max_score} (README, 'Not defended yet')")
    assert score == 0
