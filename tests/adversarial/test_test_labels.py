"""Reading the test labels from disk (issue 6).

The judge sends step 13's trained model only the test images and counts its
answers itself. A grading kernel gets its own data root, with the training
splits and no test set (course.data.training_only), and runs as `nobody`,
who cannot open the grader's data root (kept 0700 here, as deploy/GRADING.md
asks). So a "model" that looks each test image up in the test labels on
disk finds no labels to look up. This grades such a submission: it tries the
kernel's data root, the course's loader, and the grader's own data root by
its path; its untrained network answers the validation images from their
labels (the student's to read), so the notebook's own check passes, and the
test images from the test labels if it found them: its accuracy check earns
nothing unless one of the three ways works. The same code, run in
the grader's process, reads all 10,000 labels (the cheat would work).

Where student code runs as the grader's user (not root, or
COURSE_KERNEL_USER=none), the grader's own data root is readable: reported
as an expected failure (xfail) with the reason, like the corpus's escapes."""
import inspect
import os
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest

from course import data, grade, instructor
from tests import classroom
from tests.adversarial.corpus import KERNEL_USER
from tests.test_data import real_root

STEP = "13_mlp"
STUDENT = "label-reader"


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
def private_data():
    """A copy of the data root (hard links) that only the grader may open."""
    folder = Path(tempfile.mkdtemp(prefix="course-labels-"))
    folder.chmod(0o755)  # the course below must be reachable by the kernel's user
    root = folder / "private-data"
    source = real_root()
    for path in source.rglob("*"):
        if path.is_file() and (path.parts[len(source.parts)] in ("FashionMNIST", "cifar10")):
            target = root / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, target)
            except OSError:
                shutil.copyfile(path, target)
    root.chmod(0o700)
    yield folder, root
    shutil.rmtree(folder)


@pytest.fixture(scope="module")
def graded(private_data):
    folder, root = private_data
    saved = {k: os.environ.get(k) for k in ("COURSE_DB_URL", data.ENV)}
    os.environ.pop("COURSE_DB_URL", None)
    os.environ[data.ENV] = str(root)
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
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


def test_the_cheat_works_where_the_labels_can_be_read(private_data):
    images, labels = read_test_set(private_data[1])
    assert images.shape == (10_000, 28, 28) and len(set(labels.tolist())) == 10


def test_a_model_that_looks_up_the_test_labels_earns_no_accuracy_points(graded):
    results, said = graded
    score, max_score, output = results["check-accuracy"]
    if score > 0 and not KERNEL_USER[0]:
        pytest.xfail(f"known gap: student code runs as the grader's user ({KERNEL_USER[1]}), who may read "
                     f"its own data root; the look-up earned {score} of {max_score}")
    assert score == 0, f"the look-up earned {score} of {max_score}:\n{said}\n{output[-1500:]}"
    assert "test images" in output, output[-1500:]
    # Each way in failed (not, say, the cell never running).
    assert said.count("the cheat could not") == 3 and "the cheat read" not in said, said
