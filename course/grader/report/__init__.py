"""Where the class tripped: `python -m course report [STEP ...|all] [--out DIR]`.

For each step and each graded cell: how many students submitted, passed,
failed and hit a limit, the failure messages grouped into kinds (what varies
between students taken out) with counts and anonymised example answers; the
score distribution per step; the steps ordered by points lost; time and
limits per submission; who has not submitted.

    read.py     the gradebook and the autograded notebooks -> records
    kinds.py    failure messages -> kinds
    summary.py  records -> counts per check and step; checks.csv
    html.py     index.html, with its charts inline

Writes DIR/index.html and DIR/checks.csv (default DIR: reports/ in the
course directory). docs/report.md says what the page shows.
"""
import sys
import time
from pathlib import Path

from course.grader.report import html, read, summary


def make_report(root, steps, out=None, db_url=None):
    """Write index.html and checks.csv for `steps` into `out` (default
    root/reports); returns (out, [StepSummary])."""
    root = Path(root)
    out = Path(out) if out else root / "reports"
    out.mkdir(parents=True, exist_ok=True)
    data = read.read_class(root, steps, db_url)
    summaries = summary.summarise(data)
    summary.write_csv(summaries, out / "checks.csv")
    page = html.render(summaries, data.students)
    # Written whole, then renamed: a reader never sees half a page.
    partial = out / "index.html.partial"
    partial.write_text(page, encoding="utf-8")
    partial.replace(out / "index.html")
    return out, summaries


def main(args):
    from course import find_course_root
    from course.grader import instructor

    root = find_course_root()
    known = instructor.assignments(root)
    steps = known if not args.steps or args.steps == ["all"] else args.steps
    unknown = set(steps) - set(known)
    if unknown:
        print(f"Unknown steps: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    out, summaries = make_report(root, steps, args.out)
    seconds = time.perf_counter() - start
    print(f"Report on {len(steps)} steps, {sum(s.submitted for s in summaries)} submissions, "
          f"in {seconds:.1f} s: {out / 'index.html'} and {out / 'checks.csv'}")
    return 0


def register(commands):
    """Add `report` to `python -m course`'s subcommands."""
    import argparse

    sub = commands.add_parser("report", help="where the class tripped: failures per check, as HTML and CSV",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub.add_argument("steps", nargs="*", help='steps to report on, or "all" (default: all)')
    sub.add_argument("--out", metavar="DIR", help="folder for index.html and checks.csv (default: reports/)")
    sub.set_defaults(func=main)
