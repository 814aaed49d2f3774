"""The report behind the hub's login: a JupyterHub managed service.

    python -m course.grader.report.service --course DIR [--port 8002]

JupyterHub starts it (deploy/jupyterhub/jupyterhub_config.py, service
"class-report"), as the instructor who owns the course directory, and
routes /services/class-report/ to it. Visitors log in through the hub
(HubOAuth); only members of the instructors group get the page
(index.html) and checks.csv, everyone else a 403. The hub itself already
refuses the service to users without the role that jupyterhub_config.py
gives the instructors group; the check here holds even if that role is
widened by mistake.

The report is regenerated when grading has changed something: the newest
autograded notebook or the SQLite gradebook is newer than the report. This
is checked every 30 s and before each page is served, so the page an
instructor opens after a grading run is that run's.
"""
import argparse
import asyncio
import os
from pathlib import Path

from tornado import ioloop, web

GROUP = "instructors"
SERVICE = "class-report"
FILES = {"": ("index.html", "text/html; charset=utf-8"), "index.html": ("index.html", "text/html; charset=utf-8"),
         "checks.csv": ("checks.csv", "text/csv; charset=utf-8")}


def is_instructor(user):
    """Whether the hub's user model is a member of the instructors group."""
    return bool(user) and user.get("kind", "user") == "user" and GROUP in (user.get("groups") or [])


class Reports:
    """The report folder of one course, regenerated when grading changed it."""

    def __init__(self, course, out=None, make=None):
        from course.grader.report import make_report

        self.course = Path(course)
        self.out = Path(out) if out else self.course / "reports"
        self.make = make or (lambda: make_report(self.course, self._steps(), self.out))
        self.built = None
        self.lock = asyncio.Lock()

    def _steps(self):
        from course.grader import instructor

        return instructor.assignments(self.course)

    def fingerprint(self):
        """What grading changes: (newest mtime, count) of the autograded
        notebooks, and the SQLite gradebook's mtime where there is one."""
        times = [p.stat().st_mtime for p in (self.course / "autograded").glob("*/*/*.ipynb")]
        db = self.course / "gradebook.db"
        return (max(times, default=0.0), len(times), db.stat().st_mtime if db.is_file() else 0.0)

    async def fresh(self):
        """Regenerate the report (in a thread: it reads the whole class) if
        grading changed something since it was made."""
        async with self.lock:
            now = self.fingerprint()
            if now != self.built or not (self.out / "index.html").is_file():
                await asyncio.get_running_loop().run_in_executor(None, self.make)
                self.built = now


def handler_class():
    """The page's handler, on JupyterHub's HubOAuth (imported here so that
    the report itself needs no JupyterHub)."""
    from jupyterhub.services.auth import HubOAuthenticated

    class ReportHandler(HubOAuthenticated, web.RequestHandler):
        def initialize(self, reports):
            self.reports = reports

        @web.authenticated
        async def get(self, name):
            if not is_instructor(self.current_user):
                raise web.HTTPError(403, "The class report is for instructors only.")
            if name not in FILES:
                raise web.HTTPError(404)
            await self.reports.fresh()
            filename, content_type = FILES[name]
            self.set_header("Content-Type", content_type)
            self.set_header("Cache-Control", "no-store")
            self.write((self.reports.out / filename).read_bytes())

    return ReportHandler


def make_app(reports, prefix="/"):
    from jupyterhub.services.auth import HubOAuthCallbackHandler
    from jupyterhub.utils import url_path_join

    return web.Application([
        (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
        (url_path_join(prefix, r"(|index\.html|checks\.csv)"), handler_class(), {"reports": reports}),
    ], cookie_secret=os.urandom(32))


async def serve(course, port, interval=30):
    reports = Reports(course)
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", f"/services/{SERVICE}/")
    make_app(reports, prefix).listen(port, "127.0.0.1")
    ioloop.PeriodicCallback(lambda: asyncio.ensure_future(reports.fresh()), interval * 1000).start()
    await asyncio.Event().wait()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--course", default=".", help="the course directory (default: here)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("COURSE_REPORT_PORT", "8002")))
    args = parser.parse_args(argv)
    asyncio.run(serve(args.course, args.port))


if __name__ == "__main__":
    main()
