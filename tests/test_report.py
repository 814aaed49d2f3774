"""The class report (course/grader/report/): failure messages grouped into
kinds, counts per check, checks.csv and index.html; on the graded class the
suite builds, every count equals the gradebook's and each catalogued
mistake shows as its own kind."""
import contextlib
import csv
import json
from datetime import datetime

import pytest

from course.grader import instructor
from course.grader.preprocessors.limited_execute import LIMIT_ERRORS, TIME_LIMIT
from course.grader.report import kinds, make_report, summary
from course.grader.report.read import CellResult, Check, ClassData, StepData, Submission
from tests.conftest import mistake_student, selected_mistakes

# -- kinds ------------------------------------------------------------------------


@pytest.mark.unit
def test_messages_differing_only_in_numbers_fall_together():
    a = kinds.kind_of("expected [1.0, 9.0], found [1.0, 5.0]")
    b = kinds.kind_of("expected [1.0, 9.0], found [1.0, 13.0]")
    assert a == b == "expected [#, #], found [#, #]"


@pytest.mark.unit
@pytest.mark.parametrize("first,second", [
    ("x1 should hold floats (torch.float32), found torch.int64",
     "x1 should hold floats (torch.float32), found torch.float64"),
    ("expected [1.0, 9.0], found [1.0, 5.0]", "expected [1.0, 9.0], found nothing"),
    ("loss should be a tensor, found float", "loss should be a number, found tensor"),
    ("third_column should be entry 2", "first_row should be entry 0"),
])
def test_different_messages_stay_apart(first, second):
    assert kinds.kind_of(first) != kinds.kind_of(second)


@pytest.mark.unit
@pytest.mark.parametrize("message,label", [
    ("found tensor([[1., 2.],\n        [3., 4.]]) of shape (2, 2)", "found tensor(…) of shape (#, #)"),
    ("Your notebook does not define `x1`.", "Your notebook does not define `…`."),
    ("name 'lossfn' is not defined", "name '…' is not defined"),
    ("cannot open /home/ada/data/x.csv", "cannot open <path>"),
    ("\x1b[0;31mCheckFailed\x1b[0m: got -1e-05", "CheckFailed: got #"),
    ("<object at 0x7f3a2b>", "<object at 0x…>"),
])
def test_what_varies_is_taken_out(message, label):
    assert kinds.kind_of(message) == label


@pytest.mark.unit
def test_group_counts_and_deduplicates_examples():
    failures = [("expected 9, found 5", "y = x * 5"),
                ("expected 9, found 13", "y = x * 13"),
                ("expected 9, found 5", "y = x * 5  \n\n"),   # the same answer, spaced differently
                ("expected 9, found 5", "y = x * 5"),
                ("name 'y' is not defined", "")]
    grouped = kinds.group(failures, max_examples=2)
    assert [(k.label, k.count) for k in grouped] == [("expected #, found #", 4), ("name '…' is not defined", 1)]
    assert grouped[0].examples == ["y = x * 5", "y = x * 13"]  # the most common answer first, once
    assert grouped[1].examples == []
    assert kinds.group(failures, max_examples=1)[0].examples == ["y = x * 5"]


# -- counts, on a class made by hand ------------------------------------------------


def small_class():
    def sub(student, scores, errors=(), limits=()):
        cells = {g: CellResult(s, m) for g, (s, m) in scores.items()}
        for grade_id, ename, message, answer in errors:
            cells[grade_id].ename, cells[grade_id].message, cells[grade_id].answer = ename, message, answer
        return Submission(student, "01_x", datetime(2026, 1, 1), cells, list(limits), seconds=3.0)

    step = StepData("01_x", [Check("01_x", "check-a", 2.0), Check("01_x", "check-b", 1.0)], {
        "ada": sub("ada", {"check-a": (2, 2), "check-b": (1, 1)}),
        "bob": sub("bob", {"check-a": (0, 2), "check-b": (1, 1)},
                   [("check-a", "CheckFailed", "expected 9, found 5", "# bob's answer\ny = x * 5")]),
        "cy": sub("cy", {"check-a": (0, 2), "check-b": (0, 1)},
                  [("check-a", "CheckFailed", "expected 9, found 13", "y = x * 13"),
                   ("check-b", TIME_LIMIT, "ran longer than 60 s", "while True: pass")],
                  [(TIME_LIMIT, "ran longer than 60 s")]),
    })
    return ClassData(["ada", "bob", "cy", "dee"], [step])


@pytest.mark.unit
def test_summary_counts_kinds_limits_and_who_did_not_submit():
    [step] = summary.summarise(small_class())
    a, b = step.checks
    assert (a.submitted, a.passed, a.failed, a.limit) == (3, 1, 2, 0)
    assert (b.submitted, b.passed, b.failed, b.limit) == (3, 2, 1, 1)
    assert [(k.label, k.count) for k in a.kinds] == [("CheckFailed: expected #, found #", 2)]
    # Student ids in answers are replaced: no student's name reaches the page.
    assert a.kinds[0].examples[0] == "# <student>'s answer\ny = x * 5"
    assert step.scores == [3, 1, 0] and step.points_lost == 5
    assert step.not_submitted == ["dee"]
    assert step.limits == [("cy", TIME_LIMIT, "ran longer than 60 s")]


@pytest.mark.unit
def test_csv_has_exactly_the_columns_and_a_row_per_check(tmp_path):
    summary.write_csv(summary.summarise(small_class()), tmp_path / "checks.csv")
    with open(tmp_path / "checks.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["step", "grade_id", "points", "submitted", "passed", "failed", "limit",
                       "top_kind", "top_kind_count"]
    assert rows[1:] == [["01_x", "check-a", "2", "3", "1", "2", "0", "CheckFailed: expected #, found #", "2"],
                        ["01_x", "check-b", "1", "3", "2", "1", "1", "TimeLimitExceeded: ran longer than # s", "1"]]


@pytest.mark.unit
def test_page_is_self_contained(tmp_path):
    from course.grader.report import html

    page = html.render(summary.summarise(small_class()), ["ada", "bob", "cy", "dee"])
    assert page.count('src="data:image/png;base64,') == 3  # points lost, pass rates, one histogram
    for external in ("http://", "https://", "<link", "<script"):
        assert external not in page
    assert "bob&#x27;s answer" not in page and "&lt;student&gt;&#x27;s answer" in page


# -- the graded class (reference, untouched, one student per catalogued mistake) ----


def gradebook_counts(root, steps):
    """{(step, grade_id): {points, submitted, passed, failed, limit}}, read
    with nbgrader's Gradebook one object at a time, and the autograded
    notebooks' limit errors: independently of the report's own queries."""
    from nbgrader.api import Gradebook

    db_url = instructor.load_config(root).CourseDirectory.db_url
    counts = {}
    with contextlib.closing(Gradebook(db_url)) as gb:
        for step in steps:
            for notebook in gb.find_assignment(step).notebooks:
                for cell in notebook.grade_cells:
                    counts[(step, cell.name)] = dict(points=cell.max_score, submitted=0, passed=0, failed=0, limit=0)
            for submission in gb.find_assignment(step).submissions:
                for notebook in submission.notebooks:
                    path = root / "autograded" / submission.student.id / step / f"{notebook.name}.ipynb"
                    errors = {instructor.nbgrader_meta(c).get("grade_id"): [o.get("ename") for o in c.get("outputs", [])]
                              for c in json.loads(path.read_text())["cells"]}
                    for grade in notebook.grades:
                        row = counts[(step, grade.name)]
                        row["submitted"] += 1
                        if grade.score >= grade.max_score:
                            row["passed"] += 1
                        else:
                            row["failed"] += 1
                            row["limit"] += any(e in LIMIT_ERRORS for e in errors.get(grade.name, []))
    return counts


@pytest.fixture(scope="module")
def class_report(graded_course, steps, tmp_path_factory):
    root, _ = graded_course
    out, summaries = make_report(root, steps, tmp_path_factory.mktemp("report"))
    return root, out, summaries


@pytest.mark.grading
def test_report_counts_equal_the_gradebook(class_report, steps):
    root, out, _ = class_report
    with open(out / "checks.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(summary.CSV_COLUMNS)
    expected = gradebook_counts(root, steps)
    assert {(r["step"], r["grade_id"]) for r in rows} == set(expected)
    for row in rows:
        want = expected[(row["step"], row["grade_id"])]
        got = dict(points=float(row["points"]), **{k: int(row[k]) for k in ("submitted", "passed", "failed", "limit")})
        assert got == want, f"{row['step']} {row['grade_id']}"
        assert want["submitted"] == want["passed"] + want["failed"] > 0


def first_errors(root, step, grade_id):
    """{student: "ename: evalue"} of the first error each autograded notebook
    shows in this graded cell (where the cell stopped), and {student: all
    its error text, tracebacks included}."""
    first, everything = {}, {}
    for path in (root / "autograded").glob(f"*/{step}/{step}.ipynb"):
        student = path.parents[1].name
        for cell in json.loads(path.read_text())["cells"]:
            if instructor.nbgrader_meta(cell).get("grade_id") != grade_id:
                continue
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if errors:
                first[student] = kinds.clean(f"{errors[0]['ename']}: {errors[0]['evalue']}")
                # All a student's feedback shows of them, tracebacks included: where
                # tests/mistakes/ phrases are looked for (tests/test_grading.py).
                everything[student] = " ".join(
                    kinds.clean(o.get("evalue", "") + "\n" + "\n".join(o.get("traceback", []))) for o in errors)
    return first, everything


@pytest.mark.grading
def test_each_catalogued_mistake_is_its_own_kind(class_report):
    import html

    root, out, summaries = class_report
    checks = {(c.step, c.grade_id): c for s in summaries for c in s.checks}
    page = (out / "index.html").read_text()
    labels = {}
    for step, mistakes in selected_mistakes().items():
        for name, mistake in mistakes.items():
            student = mistake_student(step, name)
            for grade_id, phrase in mistake["fails"].items():
                first, everything = first_errors(root, step, grade_id)
                assert phrase in everything.get(student, ""), f"{step} {name}: {phrase!r} not in its errors"
                message = first[student]
                # Its kind: the one whose label its message gives, counting every
                # student whose cell stopped with a message of that kind (the same
                # words, other numbers), and no other.
                label = kinds.kind_of(message)
                found = [k for k in checks[(step, grade_id)].kinds if k.label == label]
                assert len(found) == 1, f"{step} {grade_id}: no kind for {message!r}"
                same = [s for s, m in first.items() if kinds.kind_of(m) == label]
                assert found[0].count == len(same), f"{step} {grade_id} {message!r}: {found[0].count} != {len(same)}"
                assert found[0].examples, f"{step} {grade_id}: no example answer for {name}"
                assert html.escape(found[0].label) in page
                labels.setdefault((step, name), {})[grade_id] = found[0].label
    # A mistake that makes a later cell fail too shares that cell's kind with
    # others (06: three mistakes leave by_hand unlike the optimizer's model);
    # the report still tells them apart when the kinds of all their cells differ.
    # Where two mistakes' messages differ only in their numbers, it cannot: the
    # known pairs (KNOWN_SAME_KINDS) wait for checks with hints of their own.
    signatures, same_kinds = {}, set()
    for (step, name), seen in labels.items():
        signature = (step, tuple(sorted(seen.items())))
        if signature in signatures:
            same_kinds.add((step, *sorted((name, signatures[signature]))))
        signatures.setdefault(signature, name)
    steps = {step for step, _ in labels}
    assert same_kinds == {k for k in KNOWN_SAME_KINDS if k[0] in steps}, (
        f"mistakes that fall into the same kinds: {sorted(same_kinds)}")


# (step, mistake, mistake) that the report shows as one kind (docs/report.md):
# their messages are the same, or differ only in numbers, at every cell they fail.
KNOWN_SAME_KINDS = {
    # One slip each, in two forms: var_1 and var_2 moved without my_sgd.step()
    # (typed in, or SGD's arithmetic by hand); zero_grad() once per epoch (at
    # its start, or at its end).
    ("07_epochs", "hand-made-step", "typed-in-values"),
    ("10_two_layer_net", "zero-grad-at-end-of-epoch", "zero-grad-once-per-epoch"),
    ("11_nn_module", "zero-grad-at-end-of-epoch", "zero-grad-once-per-epoch"),
}


@pytest.mark.grading
def test_the_command_writes_the_same_report(class_report, steps, tmp_path):
    """`python -m course report STEP ... --out DIR`, run in the course directory."""
    import subprocess
    import sys

    root, out, _ = class_report
    done = subprocess.run([sys.executable, "-m", "course", "report", *steps, "--out", str(tmp_path)],
                          cwd=root, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"Report on {len(steps)} steps" in done.stdout
    assert (tmp_path / "checks.csv").read_text() == (out / "checks.csv").read_text()
    assert (tmp_path / "index.html").stat().st_size > 10_000
    refused = subprocess.run([sys.executable, "-m", "course", "report", "no_such_step"], cwd=root,
                             capture_output=True, text=True, timeout=600)
    assert refused.returncode == 2 and "Unknown steps: no_such_step" in refused.stderr
