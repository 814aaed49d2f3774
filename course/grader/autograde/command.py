"""Feedback on submit: `python -m course autograde-service <command>`, in the
course directory, as the instructor (the user who owns it).

    run [--port P] [--interval 3] [-j N]   the service: watch the exchange, grade, release feedback;
                                 with --port (JupyterHub starts it so), also the queue page
    status                       the queue: waiting, held, grading, failed, done
    off STEP...                  no automatic grading for these steps (an exam): the instructor grades them
    on STEP...                   automatic grading again (submissions made while off stay for the instructor)
    limit N [--per MINUTES]      N graded submissions per student and step per period (0: no limit)

With the service stopped, or a step off, nothing changes: `nbgrader
collect`, `python -m course grade` and `nbgrader release_feedback` work as
before. How it is turned on in JupyterHub: deploy/jupyterhub/README.md.
"""
import argparse
import asyncio
import os
import sys
import threading

from course import find_course_root
from course.grader import instructor
import course.grader.autograde.settings as settings_module


def cmd_run(args):
    from course.grader.autograde.service import Service

    root = find_course_root()
    service = Service(root, jobs=args.jobs)
    if not args.port:
        service.run(args.interval)
        return 0
    # The page in the main thread (tornado), the rounds in a thread that lives
    # as long as the process: grading workers die with the thread that started them.
    threading.Thread(target=service.run, args=(args.interval,), daemon=True, name="autograde").start()
    return asyncio.run(serve_page(service, args.port))


async def serve_page(service, port):
    from course.grader.autograde.page import SERVICE, make_app

    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", f"/services/{SERVICE}/")
    make_app(service.journal, service.root, prefix).listen(port, "127.0.0.1")
    await asyncio.Event().wait()


def cmd_status(args):
    from course.grader.autograde.journal import Journal, journal_path

    root = find_course_root()
    settings = settings_module.load(root)
    print(f"limit: {settings.limit or 'none'} graded per student and step per {settings.period_minutes:g} min; "
          f"off: {', '.join(settings.off) or 'no step'}")
    rows = Journal(journal_path(root)).all()
    if not rows:
        print("No submissions seen yet.")
    for s in rows:
        score = f"{s.score:g}/{s.max_score:g}" if s.score is not None else "-"
        print(f"{s.state:10} {s.student:20} {s.step:22} {s.submitted_at[:19]}  {score:>9}  {s.message}")
    return 0


def cmd_switch(args):
    root = find_course_root()
    unknown = set(args.steps) - set(instructor.assignments(root))
    if unknown:
        print(f"Unknown steps: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    settings = settings_module.switch(root, args.steps, on=args.command == "on")
    print(f"automatic grading is off for: {', '.join(settings.off) or 'no step'}")
    return 0


def cmd_limit(args):
    root = find_course_root()
    settings = settings_module.load(root)
    settings.limit = args.count
    if args.per is not None:
        settings.period_minutes = args.per
    settings_module.save(root, settings)
    print(f"limit: {settings.limit or 'none'} graded per student and step per {settings.period_minutes:g} minutes")
    return 0


def main(args):
    return args.func(args)


def register(commands):
    """Add `autograde-service` to `python -m course`'s subcommands."""
    sub = commands.add_parser("autograde-service", help="feedback on submit: grade what students hand in",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = sub.add_subparsers(dest="command", required=True)
    run = actions.add_parser("run", help="the service (and, with --port, its queue page)")
    run.add_argument("--port", type=int, default=None, help="serve the queue page on 127.0.0.1:PORT")
    run.add_argument("--interval", type=float, default=3.0, help="seconds between looks at the exchange")
    run.add_argument("-j", "--jobs", type=int, default=None, help="grading workers (default: one per CPU)")
    run.set_defaults(func=cmd_run)
    actions.add_parser("status", help="the queue").set_defaults(func=cmd_status)
    for name in ("on", "off"):
        switch = actions.add_parser(name, help=f"automatic grading {name} for these steps")
        switch.add_argument("steps", nargs="+")
        switch.set_defaults(func=cmd_switch)
    limit = actions.add_parser("limit", help="graded submissions per student and step per period")
    limit.add_argument("count", type=int, help="0: no limit")
    limit.add_argument("--per", type=float, default=None, metavar="MINUTES", help="the period (default 60)")
    limit.set_defaults(func=cmd_limit)
