"""Reading the test labels from disk (issue 6).

The judge sends step 13's trained model only the test images and counts its
answers itself. A grading kernel gets its own data root, with the training
splits and no test set (course.data.training_only), and the grader's data
roots are covered for it by an empty folder (course.grader.sandbox.launcher --hide), so
even a data root that every user may read (../shared/data in CI) shows
nothing. So a "model" that looks each test image up in the test labels on
disk finds no labels to look up. This grades such a submission: it tries the
kernel's data root, the course's loader, and the grader's data root by its
path; its untrained network answers the validation images from their
labels (the student's to read), so the notebook's own check passes, and the
test images from the test labels if it found them: its accuracy check earns
nothing unless one of the three ways works. The same reading code, run in
the grader's process, reads all 10,000 labels.

Where the machine cannot cover a folder (no CAP_SYS_ADMIN, no user
namespaces), a world-readable data root stays open to the kernel: reported
as an expected failure (xfail) with the reason. A copy of the test set kept
elsewhere on the runner, readable by all, is not the grader's to cover
(README, "Untrusted submissions")."""
import inspect
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

from course import data
from course.grader import grade, instructor
from tests import classroom
from tests.adversarial.corpus import kernel_runs_as
from tests.test_data import real_root

pytestmark = pytest.mark.adversarial

STEP = "13_mlp"
STUDENT = "label-reader"


def hiding():
    """(works, why not): can the sandbox cover a folder for the kernel?
    (Asked when a test needs it, not at import: it starts a process.)"""
    cover = tempfile.mkdtemp(prefix="course-hide-probe-")
    try:
        probe = subprocess.run([sys.executable, "-m", "course.grader.sandbox.launcher", "--hide", cover, "--",
                                sys.executable, "-c", "pass"], capture_output=True, text=True, timeout=60)
    finally:
        os.rmdir(cover)
    if probe.returncode == 0 and "WARNING" not in probe.stderr:
        return True, ""
    return False, probe.stderr.strip() or f"exit {probe.returncode}"


def read_test_set(root):
    """(images, labels) of Fashion-MNIST's test set, read from the raw files
    under `root` (extracted or .gz), as a cheat would."""
    import gzip
    from pathlib import Path

    import numpy as np

    raw = Path(root) / "FashionMNIST" / "raw"

    def read(name, header):
        for path in (raw / name, raw / (name + ".gz")):
            try:
                blob = path.read_bytes()
            except OSError:
                continue
            return np.frombuffer(gzip.decompress(blob) if path.suffix == ".gz" else blob, np.uint8, offset=header)
        raise FileNotFoundError(f"no {name} in {raw}")

    return read("t10k-images-idx3-ubyte", 16).reshape(-1, 28, 28), read("t10k-labels-idx1-ubyte", 8)


# After the reference's accuracy(): the trained model is replaced by an
# untrained MLP that answers from a table of the validation labels and of
# the test set's labels, if it can find them anywhere; {grader_root} is the
# grader's data root. So it passes the notebook's own validation check, and
# the judge's test-accuracy check exactly when the test labels were read.
LOOK_UP = """

import os
from PIL import Image

{read_test_set}

found = None
for where in (os.environ.get("COURSE_DATA_DIR", ""), {grader_root!r}):
    try:
        found = read_test_set(where)
        print("the cheat read the test labels in", where)
        break
    except OSError as error:
        print("the cheat could not read the test labels in", where, "-", type(error).__name__)
if found is None:
    try:
        on_disk = fashion_mnist("test")
        found = (on_disk.data.numpy(), on_disk.targets.numpy())
        print("the cheat read the test labels through course.data")
    except Exception as error:
        print("the cheat could not load the test set:", str(error).splitlines()[0])


class LookUp(nn.Module):
    def __init__(self, inner, known):
        super().__init__()
        self.inner = inner
        # Keyed by the tensor the judge will send: the same transform.
        self.table = {{transform(Image.fromarray(i)).numpy().tobytes(): int(l)
                      for images, labels in known for i, l in zip(images, labels)}}

    def forward(self, x):
        scores = self.inner(x)
        for i, image in enumerate(x):
            label = self.table.get(image.detach().cpu().numpy().tobytes())
            if label is not None:
                scores[i] = -100.0
                scores[i, label] = 100.0
        return scores


# The validation labels are the student's to read: looked up too, the
# notebook's own validation check passes whatever the test set gives.
model = LookUp(MLP(), [(val_set.data.numpy(), val_set.targets.numpy())] + ([found] if found else []))
"""


@pytest.fixture(scope="module")
def graded():
    """Step 13 graded for the label reader, with the data root of this run
    (in CI ../shared/data, readable by every user of the machine)."""
    root = real_root()
    folder = Path(tempfile.mkdtemp(prefix="course-labels-"))
    folder.chmod(0o755)  # the course below must be reachable by the kernel's user
    try:
        course = classroom.new_course(folder / "course", [STEP])
        reference = classroom.reference(course, STEP)
        accuracy = next(c.source for c in reference.cells
                        if instructor.nbgrader_meta(c).get("grade_id") == "accuracy")
        cheat = LOOK_UP.format(read_test_set=inspect.getsource(read_test_set), grader_root=str(root))
        classroom.submit(course, STUDENT, STEP, instructor.with_cells(reference, {"accuracy": accuracy + cheat}))
        results = grade.grade(course, [STEP], students=[STUDENT], feedback=False, progress=False)
        assert not [r for r in results if r.failed], [r.message for r in results if r.failed]
        autograded = nbformat.read(instructor.notebook_path(course, f"autograded/{STUDENT}", STEP), as_version=4)
        said = "".join(o.get("text", "") for c in autograded.cells if "the cheat" in c.source
                       for o in c.get("outputs", []))
        return instructor.cell_results(course, STEP, STUDENT), said
    finally:
        shutil.rmtree(folder)


def test_the_cheat_works_where_the_labels_can_be_read():
    images, labels = read_test_set(real_root())
    assert images.shape == (10_000, 28, 28) and len(set(labels.tolist())) == 10


@pytest.mark.training
def test_a_model_that_looks_up_the_test_labels_earns_no_accuracy_points(graded):
    results, said = graded
    score, max_score, output = results["check-accuracy"]
    covers, why = hiding() if score > 0 else (True, "")
    if not covers:
        user, why_user = kernel_runs_as()
        pytest.xfail(f"known gap: the grader cannot cover its data root for the kernel ({why}), and "
                     f"{real_root()} is readable by the kernel's user ({user or why_user}); "
                     f"the look-up earned {score} of {max_score}")
    assert score == 0, f"the look-up earned {score} of {max_score}:\n{said}\n{output[-1500:]}"
    assert "test images" in output, output[-1500:]
    # Each way in failed (not, say, the cell never running).
    assert said.count("the cheat could not") == 3 and "the cheat read" not in said, said
