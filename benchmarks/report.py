"""The report's run time on a large synthetic class: 300 students x 17 steps.

    python benchmarks/report.py                        # 300 students, every step, SQLite
    python benchmarks/report.py --students 50 --steps 01_tensors 04_loss
    python benchmarks/report.py --postgres             # a throwaway local PostgreSQL server
    python benchmarks/report.py --db-url postgresql://user:pw@host/bench   # an empty database

Builds a throwaway course: the steps' assignments, notebooks and graded cells
go into the gradebook through nbgrader (generate_assignment), then every
student's submission, notebook and grades are written with bulk SQL inserts
into nbgrader's own tables (the Gradebook API adds one row at a time, which
takes minutes for 5,000 submissions), and an autograded notebook per
submission: the release notebook with an answer in each answer cell and,
in each failing graded cell, an error such as a check writes (some with
numbers that vary, some a limit hit). ~5% of submissions are missing.

Prints the time `python -m course report` takes on it (the target: under a
minute) and where the report is. Not a test; timings depend on the machine's load.
"""
import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from course.grader import instructor  # noqa: E402
from course.grader.report import make_report  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from record import record  # noqa: E402

MESSAGES = [  # (how often, ename, message made from a random number generator)
    (5, "CheckFailed", lambda r: f"expected [1.0, 9.0], found [1.0, {r.choice([5, 13, 7, 11])}.0]"),
    (3, "CheckFailed", lambda r: "x1 should hold floats (torch.float32), found torch.int64"),
    (2, "CheckFailed", lambda r: f"loss should be a tensor, found float {r.random():.4f}"),
    (1, "NameError", lambda r: f"name '{r.choice(['x', 'model', 'lossfn'])}' is not defined"),
    (1, "TimeLimitExceeded", lambda r: "This cell ran longer than 600 seconds and was stopped."),
]
ANSWERS = ["x = torch.tensor([1, 2, 3])", "x = torch.tensor([1., 2., 3.])\nx = x.int()",
           "loss = loss_fn(a, b).item()", "raise NotImplementedError()"]


def new_id():
    return uuid.uuid4().hex


def build_gradebook(root, db_url, steps, students, rng):
    """Assignments via nbgrader; students, submissions and grades via bulk SQL.
    Returns {(step, student): {grade_id: passed}}."""
    from nbgrader.api import Grade, Gradebook, Student, SubmittedAssignment, SubmittedNotebook
    from sqlalchemy import insert

    api = instructor.nbgrader_api(root, db_url=db_url)
    for step in steps:
        result = api.generate_assignment(step, force=True, create=True)
        if not result.get("success"):
            raise RuntimeError(f"generate_assignment {step}: {result.get('error')}")
    outcome = {}
    with Gradebook(db_url) as gb:
        gb.db.execute(insert(Student.__table__), [{"id": s} for s in students])
        handed_in, notebooks, grades = [], [], []
        for step in steps:
            assignment = gb.find_assignment(step)
            for notebook in assignment.notebooks:
                cells = [(c.id, c.name, c.max_score) for c in notebook.grade_cells]
                for student in students:
                    if rng.random() < 0.05:
                        continue  # not handed in
                    sub_id, nb_id = new_id(), new_id()
                    handed_in.append({"id": sub_id, "assignment_id": assignment.id, "student_id": student,
                                      "timestamp": datetime(2026, 11, 1) + timedelta(minutes=rng.randrange(40000))})
                    notebooks.append({"id": nb_id, "assignment_id": sub_id, "notebook_id": notebook.id,
                                      "flagged": False})
                    passed = {}
                    for cell_id, name, points in cells:
                        passed[name] = rng.random() < 0.7
                        grades.append({"id": new_id(), "notebook_id": nb_id, "cell_id": cell_id,
                                       "auto_score": points if passed[name] else 0.0,
                                       "needs_manual_grade": False})
                    outcome[(step, student)] = passed
        gb.db.execute(insert(SubmittedAssignment.__table__), handed_in)
        gb.db.execute(insert(SubmittedNotebook.__table__), notebooks)
        gb.db.execute(insert(Grade.__table__), grades)
        gb.db.commit()
    return outcome


def write_autograded(root, outcome, rng):
    """An autograded notebook per submission: answers in the answer cells, an
    error output in each failing graded cell."""
    weights = [w for w, _, _ in MESSAGES]
    release = {}
    for (step, student), passed in outcome.items():
        if step not in release:
            release[step] = json.loads(instructor.notebook_path(root, "release", step).read_text())
        nb = json.loads(json.dumps(release[step]))
        for cell in nb["cells"]:
            meta = instructor.nbgrader_meta(cell)
            if meta.get("solution") and not meta.get("grade"):
                cell["source"] = rng.choice(ANSWERS)
            if meta.get("grade") and not passed.get(meta["grade_id"], True):
                _, ename, message = rng.choices(MESSAGES, weights)[0]
                text = message(rng)
                cell["outputs"] = [{"output_type": "error", "ename": ename, "evalue": text,
                                    "traceback": [f"\x1b[0;31m{ename}\x1b[0m: {text}"]}]
        path = instructor.notebook_path(root, f"autograded/{student}", step)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(nb))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--steps", nargs="*", help="default: every step")
    parser.add_argument("--db-url", help="an empty gradebook database (default: SQLite in the temp course)")
    parser.add_argument("--postgres", action="store_true",
                        help="start a throwaway PostgreSQL server here (tests/classroom.py) for the gradebook")
    parser.add_argument("--keep", action="store_true", help="keep the synthetic course and its report")
    args = parser.parse_args(argv)
    if args.postgres:
        from tests import classroom

        server = classroom.PostgresServer(classroom.postgres_bindir())
        server.start()
        try:
            return main([a for a in (argv or sys.argv[1:]) if a != "--postgres"] + ["--db-url", server.url])
        finally:
            server.stop()

    steps = args.steps or instructor.assignments(REPO)
    rng = random.Random(18)
    root = Path(tempfile.mkdtemp(prefix="course-report-bench-"))
    try:
        for name in ("source", "tests/hidden"):
            shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        shutil.copy2(REPO / "nbgrader_config.py", root)
        db_url = args.db_url or f"sqlite:///{root / 'gradebook.db'}"
        students = [f"student{i:03d}" for i in range(args.students)]
        start = time.perf_counter()
        outcome = build_gradebook(root, db_url, steps, students, rng)
        write_autograded(root, outcome, rng)
        print(f"synthetic class: {len(students)} students x {len(steps)} steps, {len(outcome)} submissions, "
              f"built in {time.perf_counter() - start:.0f} s")
        start = time.perf_counter()
        out, summaries = make_report(root, steps, root / "reports", db_url)
        seconds = time.perf_counter() - start
        assert sum(s.submitted for s in summaries) == len(outcome)
        load = os.getloadavg()[0]
        print(f"report: {seconds:.1f} s for {len(outcome)} submissions "
              f"(target: under 60 s; load average {load:.1f}) -> {out / 'index.html'}")
        record("report", {"seconds": round(seconds, 1), "submissions": len(outcome)},
               setting=f"{len(students)} students x {len(steps)} steps, {db_url.split(':', 1)[0]}")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
