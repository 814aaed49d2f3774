"""Instructor commands: `python -m course <command>`.

    release   regenerate release/ from source/ for every step
    demo      the whole loop on two demo students, with a score table
    data      provision and verify the datasets in the data root ($COURSE_DATA_DIR)
    grade     autograde a class in parallel, with limits and feedback (course/grader/grade/)
    export    the gradebook as CSV, with nbgrader's exporter
    report    where the class tripped: failures per check, as HTML and CSV (course/grader/report/)
    autograde-service  feedback on submit: grade what students hand in (course/grader/autograde/)
"""
import argparse
import os
import shutil
import sys
import time
import warnings
from pathlib import Path

from course import find_course_root
from course.grader import autograde, grade, instructor, loop, report

DEMO_STUDENTS = ("demo-reference", "demo-untouched")
REPO = Path(__file__).resolve().parents[2]  # the course's repository: its Makefile, deploy/


def cmd_release(args):
    root = find_course_root()
    steps = args.steps or instructor.assignments(root)
    instructor.generate_release(root, steps)
    print(f"release/ regenerated for {len(steps)} steps: {', '.join(steps)}")


def prepare_data():
    """Provision the datasets the image steps read (downloads only where the
    network allows). Says what is missing; returns how many are not ready."""
    import io

    from course import data

    out = io.StringIO()
    problems = data.provision(out=out)
    if problems:
        print(out.getvalue(), file=sys.stderr)
    else:
        print(f"datasets ready in {data.data_root()}")
    return problems


def cmd_demo(args):
    """Release every step, then have two demo students fetch and submit
    through the exchange: one hands in the instructor's solutions, one the
    untouched notebook. Collect, autograde, write feedback, print scores
    and what to look at next."""
    root = find_course_root()
    steps = args.steps or instructor.assignments(root)
    workspace = root / "demo-students"
    shutil.rmtree(workspace, ignore_errors=True)

    start = time.perf_counter()
    submissions = instructor.demo_submissions(root, steps, *DEMO_STUDENTS)
    data_problems = prepare_data()
    failures = loop.run_loop(root, submissions, workspace, steps, progress=True)
    seconds = time.perf_counter() - start

    print()
    print(instructor.format_scores(instructor.scores(root, steps), list(DEMO_STUDENTS)))
    print(f"\n{len(steps)} step{'s' * (len(steps) != 1)} x {len(DEMO_STUDENTS)} students in {seconds:.0f} s.")
    print(next_steps(root, steps))
    if data_problems:
        print(f"\nNOTE: {data_problems} dataset(s) were not ready (above), so the image steps could not "
              "run and their reference scores are low. Point COURSE_DATA_DIR at a provisioned data "
              "root (offline copies: ../shared/data) or run `python -m course data` with internet access.",
              file=sys.stderr)
    for step, students in failures.items():
        for student, error in students.items():
            print(f"FAILED to grade {step} for {student}:\n{error}", file=sys.stderr)
    return 1 if failures else 0


def next_steps(root, steps):
    """What to look at after the demo: a feedback page, the course as a
    student sees it (the local JupyterHub's own users, from its script), and
    the command that grades a real class."""
    lines = ["", "What next:"]
    pages = [root / "feedback" / student / step / f"{step}.html" for student in DEMO_STUDENTS for step in steps]
    page = next((p for p in pages if p.is_file()), None)
    if page:
        lines.append(f"  Feedback, as a student gets it (open in a browser): {page.as_uri()}")
        lines.append(f"    every student's: {root / 'feedback'}/<student>/<step>/<step>.html")
    else:
        lines.append(f"  No feedback page was written in {root / 'feedback'} (see the failures below).")
    hub_script = REPO / "deploy" / "jupyterhub" / "demo.py"
    if hub_script.is_file():
        hub = _load(hub_script)
        make = "make" if Path.cwd().resolve() == REPO else f"make -C {REPO}"
        student = hub.STUDENTS[0]
        port = os.environ.get("COURSE_HUB_PORT", "8000")  # demo.py's default port
        lines.append(f"  The course as a student sees it: `{make} hub` (as root: it makes the demo's users), "
                     f"then open http://127.0.0.1:{port}/ and log in as {student}, password {hub.password(student)}")
    python = sys.executable
    if Path(python).is_relative_to(Path.cwd()):
        python = os.path.relpath(python)
    lines.append(f"  Grade a real class (every submission in submitted/, one worker per CPU): "
                 f"{python} -m course grade all -j {grade.default_jobs()}   (--help: limits, shards, export)")
    return "\n".join(lines)


def _load(path):
    """A script that is not in a package (deploy/jupyterhub/demo.py), as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cmd_data(args):
    """Provision and verify the datasets in the data root ($COURSE_DATA_DIR).
    With --check, only verify: nothing is extracted, decoded or downloaded.
    With --training-only DEST, make DEST a data root for students: the
    training images of every dataset, no test set (its labels are the grader's)."""
    from course import data

    if args.training_only:
        problems = data.provision(check_only=False)
        dest = data.training_only(args.training_only)
        files = sorted(p.relative_to(dest) for p in dest.rglob("*") if p.is_file())
        print(f"\n{dest}: a training-only data root ({len(files)} files, no test set):")
        print("\n".join(f"  {f}" for f in files))
        return 1 if problems else 0
    return 1 if data.provision(check_only=args.check) else 0


def main(argv=None):
    # nbgrader's own ORM use warns (SAWarning) on every autograde; not ours to fix.
    warnings.filterwarnings("ignore", module="nbgrader")
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, func in (("release", cmd_release), ("demo", cmd_demo)):
        sub = commands.add_parser(name, help=func.__doc__.splitlines()[0] if func.__doc__ else name)
        sub.add_argument("steps", nargs="*", help="steps to work on (default: all)")
        sub.set_defaults(func=func)
    sub = commands.add_parser("data", help=cmd_data.__doc__.splitlines()[0])
    sub.add_argument("--check", action="store_true", help="only verify; write and download nothing")
    sub.add_argument("--training-only", metavar="DEST",
                     help="make DEST a data root without the test sets, for students' notebooks")
    sub.set_defaults(func=cmd_data)
    grade.register(commands)
    report.register(commands)
    autograde.register(commands)
    args = parser.parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
