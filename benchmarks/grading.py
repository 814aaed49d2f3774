"""Grading throughput: plain nbgrader autograde, one submission after another,
against `python -m course grade` with N workers, on the same class.

    python benchmarks/grading.py                  # every step, 4 students, N = the CPUs
    python benchmarks/grading.py --students 8 --jobs 2 --steps 01_tensors 02_bare_minimum
    make bench-grading                            # the same (BENCH_STUDENTS, BENCH_JOBS)

Builds a throwaway course with K synthetic submissions per step (the
reference solution, the untouched notebook and realistic mistakes, in turn),
copies it, then grades one copy with `nbgrader autograde <step>` per step
(nbgrader's own serial loop, one process per step) and the other with
`python -m course grade <steps> -j N --no-feedback`. Both grade under the same
nbgrader_config.py (limits included). Prints submissions per minute for
each, their ratio (the goal is >= 0.9 N when the steps are CPU-bound), and
checks that both gave every submission the same score.

Prints; not a test. Timings depend on what else the machine is doing.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from course.grader import grade, instructor  # noqa: E402
from tests import classroom  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from record import record  # noqa: E402


def timed(command, cwd):
    start = time.perf_counter()
    out = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=int(os.environ.get("BENCH_STUDENTS", 4)),
                        help="submissions per step (default 4)")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("BENCH_JOBS", 0)) or grade.default_jobs(),
                        help="workers for the parallel run (default: the CPUs)")
    parser.add_argument("--steps", nargs="*", help="steps (default: every step)")
    parser.add_argument("--keep", action="store_true", help="keep the course copies (printed)")
    args = parser.parse_args(argv)
    steps = args.steps or instructor.assignments(REPO)
    os.environ.pop("COURSE_DB_URL", None)

    work = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    serial_root = classroom.new_course(work / "serial", steps)
    kinds = {step: classroom.mixed_class(serial_root, step, args.students) for step in steps}
    parallel_root = work / "parallel"
    shutil.copytree(serial_root, parallel_root)
    # Each copy's gradebook knows the steps already (generate_release).
    count = len(steps) * args.students
    print(f"{count} submissions: {len(steps)} steps x {args.students} students "
          f"(reference, untouched, mistakes); {grade.default_jobs()} CPUs", flush=True)

    serial_seconds, failed = 0.0, []
    for step in steps:
        seconds, out = timed([sys.executable, "-m", "nbgrader", "autograde", step, "--force"], serial_root)
        serial_seconds += seconds
        if out.returncode != 0:
            failed.append(step)
        print(f"  nbgrader autograde {step}: {seconds:.0f} s", flush=True)
    parallel_seconds, out = timed([sys.executable, "-m", "course", "grade", *steps, "-j", str(args.jobs),
                                   "--no-feedback", "--quiet"], parallel_root)
    if out.returncode != 0:
        print(out.stdout[-3000:], out.stderr[-3000:], file=sys.stderr)
        print("the grading command failed: no throughput to compare", file=sys.stderr)
        return 1

    serial_rate = 60 * count / serial_seconds
    parallel_rate = 60 * count / parallel_seconds
    ratio = parallel_rate / serial_rate
    print()
    print(f"{'':32}{'seconds':>9}{'per minute':>12}")
    print(f"{'nbgrader autograde (serial)':32}{serial_seconds:9.0f}{serial_rate:12.1f}")
    print(f"{f'course grade -j {args.jobs}':32}{parallel_seconds:9.0f}{parallel_rate:12.1f}")
    print(f"ratio {ratio:.2f} (goal >= {0.9 * args.jobs:.1f} = 0.9 x {args.jobs} workers, for CPU-bound steps)")

    differ = []
    for step in steps:
        a = classroom.gradebook_rows(f"sqlite:///{serial_root / 'gradebook.db'}", step)
        b = classroom.gradebook_rows(f"sqlite:///{parallel_root / 'gradebook.db'}", step)
        if a != b:
            differ.append((step, a, b))
    print("same scores in both runs" if not differ else f"SCORES DIFFER: {differ}")
    record("grading", {"serial s": round(serial_seconds, 1), "parallel s": round(parallel_seconds, 1),
                       "ratio": round(ratio, 2), "same scores": not differ},
           setting=f"{','.join(steps)} x{args.students} -j{args.jobs}")
    for step in steps:
        rows = classroom.gradebook_rows(f"sqlite:///{parallel_root / 'gradebook.db'}", step)
        print(f"{step}: " + ", ".join(f"{kind} {rows[s][0]:g}/{rows[s][1]:g}" if s in rows else f"{kind} ungraded"
                                      for s, kind in kinds[step].items()))
    if failed:
        print(f"nbgrader autograde reported failures for: {', '.join(failed)}")
    if args.keep:
        print(f"course copies kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
