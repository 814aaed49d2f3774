"""Grade a class in parallel: `python -m course grade <step> [options]`.

nbgrader autogrades one submission at a time. This command runs N worker
processes (default: one per CPU this process may use), and each worker runs
nbgrader's own autograde, then generate_feedback, for one submission after
another, through nbgrader's API. Every result lands in the one gradebook
(nbgrader's db_url: SQLite by default, PostgreSQL for several machines).

    python -m course grade 01_tensors                 # every submission in submitted/
    python -m course grade 01_tensors --student ada -j 4
    python -m course grade all --shard 0/8            # one machine's eighth of the class
    python -m course export --to grades.csv           # nbgrader's CSV exporter

Limits per submission (course/grader/preprocessors/limited_execute.py) come from nbgrader_config.py and can
be changed for one run: --cell-timeout, --notebook-timeout, --memory-limit,
--network. A submission that breaks one is graded with a message in its
feedback and its points for what did run; the others go on.

On a machine with GPUs, each worker sees one of them (CUDA_VISIBLE_DEVICES,
round-robin over the workers; several workers share a GPU); without one,
everything grades on the CPU.

The exit status is 1 if any submission failed to grade (nbgrader raised),
0 otherwise: a submission that broke a limit is graded, and says so.
"""
import sys
import time
from pathlib import Path

from course import find_course_root
from course.grader import instructor, preflight
from course.grader.grade.gradebook import Limits, effective_limits, export_grades, grading_config
from course.grader.grade.plan import default_jobs, detect_gpus, parse_shard
from course.grader.grade.pool import grade
from course.grader.grade.submission import summary_row


def format_summary(results):
    """One line per submission: step, student, score/max, status, message."""
    if not results:
        return "No submissions to grade."
    rows = [("step", "student", "score", "status", "seconds", "message")]
    rows += [summary_row(r) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row[:5], widths)) + "  " + row[5] for row in rows]
    counts = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    lines.append(", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
    return "\n".join(line.rstrip() for line in lines)


def add_arguments(parser):
    parser.add_argument("steps", nargs="+", help='step(s) to grade, or "all"')
    parser.add_argument("--student", action="append", metavar="ID", help="only this student (repeatable)")
    parser.add_argument("-j", "--jobs", type=int, default=None,
                        help=f"worker processes (default: the CPUs this process may use, here {default_jobs()})")
    parser.add_argument("--shard", type=parse_shard, metavar="I/N",
                        help="grade only shard I of N (0-based) of the students: one machine of N")
    parser.add_argument("--cell-timeout", type=int, metavar="S", help="seconds per cell (Execute.timeout)")
    parser.add_argument("--notebook-timeout", type=int, metavar="S",
                        help="seconds per notebook (LimitedExecute.notebook_timeout; 0: none)")
    parser.add_argument("--memory-limit", metavar="SIZE", help="memory per kernel: 4G, 512M or none")
    parser.add_argument("--network", choices=("none", "auto", "host"), help="network for student code")
    parser.add_argument("--gpus", metavar="IDS", help='GPU ids to spread workers over ("0,1"), or "none"')
    parser.add_argument("--no-feedback", action="store_true", help="skip nbgrader generate_feedback")
    parser.add_argument("--export", metavar="CSV", help="then export all grades to this CSV file")
    parser.add_argument("--log-dir", metavar="DIR",
                        help="keep the worker logs here (default: a temp folder, kept only if something failed)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar, no line per graded notebook")


def main(args):
    from course.grader.preprocessors.limited_execute import parse_size

    root = find_course_root()
    steps = instructor.assignments(root) if args.steps == ["all"] else args.steps
    unknown = set(steps) - set(instructor.assignments(root))
    if unknown:
        print(f"Unknown steps: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    if args.memory_limit is not None:
        parse_size(args.memory_limit)  # fail now, not in every worker
    not_ready = preflight.problems(str(root))
    if not_ready:
        for problem in not_ready:
            print(f"Cannot grade here: {problem}", file=sys.stderr)
        return 2
    limits = Limits(args.cell_timeout, args.notebook_timeout, args.memory_limit, args.network)
    gpus = None if args.gpus is None else ([] if args.gpus == "none" else args.gpus.split(","))
    jobs = args.jobs or default_jobs()
    config = grading_config(root, limits)
    shown = effective_limits(config)
    network = shown.network
    if network != "host":
        from course.grader.sandbox.launcher import network_isolation_works

        works, why = network_isolation_works()
        if not works:
            if network == "none":
                print(f"Cannot cut student code off the network here: {why}", file=sys.stderr)
                return 2
            network = f"host (WARNING: no network namespace here: {why})"
    found = detect_gpus() if gpus is None else gpus
    print(f"Grading {', '.join(steps)} with {jobs} workers on "
          f"{'GPUs ' + ','.join(found) if found else 'the CPU'}; limits: "
          f"{shown.cell_timeout} s per cell, {shown.notebook_timeout or 'no limit'} s per notebook, "
          f"memory {shown.memory_limit}, network {network}", file=sys.stderr)
    start = time.perf_counter()
    results = grade(root, steps, args.student, jobs, args.shard, limits, not args.no_feedback,
                    gpus, progress=not args.quiet, log_dir=args.log_dir)
    seconds = time.perf_counter() - start
    print(format_summary(results))
    if results:
        logs = {str(Path(r.log).parent) for r in results if r.log}
        print(f"{len(results)} submissions in {seconds:.0f} s ({60 * len(results) / seconds:.1f} per minute)"
              + (f"; worker logs: {', '.join(sorted(logs))}" if logs else ""))
    if args.export:
        print(f"Grades exported to {export_grades(root, args.export)}")
    missing = sorted(set(args.student or []) - {r.student for r in results})
    if missing:
        print(f"No submission in submitted/ for: {', '.join(missing)}", file=sys.stderr)
    failed = [r for r in results if r.failed]
    for r in failed:
        print(f"FAILED to grade {r.step} for {r.student}: {r.message} (log: {r.log})", file=sys.stderr)
    return 1 if failed else 0


def export_main(args):
    root = find_course_root()
    print(f"Grades exported to {export_grades(root, args.to)}")
    return 0


def register(commands):
    """Add `grade` and `export` to `python -m course`'s subcommands."""
    import argparse

    sub = commands.add_parser("grade", help="autograde a class in parallel, with limits and feedback",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(sub)
    sub.set_defaults(func=main)
    sub = commands.add_parser("export", help="the gradebook as CSV (nbgrader's exporter)")
    sub.add_argument("--to", default="grades.csv", help="CSV file to write (default: grades.csv)")
    sub.set_defaults(func=export_main)
