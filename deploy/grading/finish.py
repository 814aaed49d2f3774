"""After a grading array on a cluster, when every task has ended (Slurm's
afterany: deploy/grading/slurm-finish.sh): say which tasks did not finish and
which submissions were left ungraded, release the feedback (nbgrader
release_feedback, each step) and export the grades (nbgrader's CSV exporter).

    python deploy/grading/finish.py RUN_DIR --shards N STEP... (or all)

Run in the course directory. RUN_DIR is the run's log folder: its `started`
file was made before any task ran, and task i writes `shard-<i>.exit` (its
exit status) when its grading command ends. A submission counts as graded
in this run when the gradebook has it and its autograded notebook is newer
than `started` (both on the shared filesystem, so one clock). Exit status 1
when a task did not finish or a submission was not graded, else 0; feedback
and grades are released and exported for what was graded either way.
"""
import argparse
import contextlib
import sys
from pathlib import Path

from course import find_course_root
from course.grader import grade, instructor


def task_states(run_dir, shards):
    """{shard: None if it exited 0, else why not}."""
    states = {}
    for i in range(shards):
        exit_file = Path(run_dir) / f"shard-{i}.exit"
        if not exit_file.is_file():
            states[i] = "did not finish (killed, cancelled, out of time, or its node was lost)"
        else:
            code = exit_file.read_text().strip()
            states[i] = None if code == "0" else f"exited {code} (see {Path(run_dir) / f'shard-{i}'})"
    return states


def ungraded(root, steps, shards, since, config):
    """{shard: [(step, student)]}: the submissions of submitted/ in each shard
    that this run did not grade (not in the gradebook, or autograded before `since`)."""
    from nbgrader.api import Gradebook, MissingEntry

    left = {i: [] for i in range(shards)}
    with contextlib.closing(Gradebook(config.CourseDirectory.db_url,
                                      config.CourseDirectory.get("course_id", "default_course"))) as gb:
        for step in steps:
            students = grade.submitted_students(root, step)
            for i in range(shards):
                for student in grade.shard_of(students, i, shards):
                    notebook = instructor.notebook_path(root, f"autograded/{student}", step)
                    try:
                        gb.find_submission(step, student)
                        fresh = notebook.is_file() and notebook.stat().st_mtime >= since
                    except MissingEntry:
                        fresh = False
                    if not fresh:
                        left[i].append((step, student))
    return left


def release_feedback(root, steps, config):
    """nbgrader release_feedback for each step: [problem]."""
    api = grade.make_api(config)
    problems = []
    for step in steps:
        result = api.release_feedback(step)
        if not result.get("success"):
            why = (result.get("error") or result.get("log") or "").strip().splitlines()
            problems.append(f"release_feedback {step} failed: {why[-1] if why else 'no message'}")
    return problems


def finish(root, run_dir, steps, shards):
    """Report, release, export; the exit status."""
    run_dir = Path(run_dir)
    config = grade.grading_config(root)
    since = (run_dir / "started").stat().st_mtime
    states = task_states(run_dir, shards)
    left = ungraded(root, steps, shards, since, config)
    total = sum(len(grade.submitted_students(root, step)) for step in steps)
    missed = sum(len(v) for v in left.values())
    print(f"{shards} tasks, {total} submissions of {len(steps)} steps: {total - missed} graded in this run, "
          f"{missed} not")
    for i in range(shards):
        if states[i] or left[i]:
            print(f"task {i} (shard {i}/{shards}): {states[i] or 'exited 0'}")
            for step, student in left[i]:
                print(f"  not graded: {step} {student}")
    if missed:
        print("Grade them again: `scontrol requeue <array job>_<task>` while Slurm remembers the task, "
              "or `python -m course grade STEP --student ID`; then run this report again, in the course "
              f"directory: {sys.executable} {Path(__file__).resolve()} {run_dir} --shards {shards} {' '.join(steps)}")
    problems = release_feedback(root, steps, config)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"Feedback released for {len(steps)} steps" + (f", {len(problems)} failed" if problems else ""))
    csv_path = grade.export_grades(root, run_dir / "grades.csv", config)
    print(f"Grades exported to {csv_path}")
    return 1 if missed or problems or any(states.values()) else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir")
    parser.add_argument("--shards", type=int, required=True)
    parser.add_argument("steps", nargs="+")
    args = parser.parse_args(argv)
    root = find_course_root()
    steps = instructor.assignments(root) if args.steps == ["all"] else args.steps
    return finish(root, args.run_dir, steps, args.shards)


if __name__ == "__main__":
    sys.exit(main())
