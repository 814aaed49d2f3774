"""The queue page, behind the hub's login, for instructors only: what is
waiting, held, grading, failed and why, and what was graded lately.

Served by the grading service's own process (JupyterHub service
"autograde", /services/autograde/), on HubOAuth as the class report is
(course/grader/report/service.py): members of the instructors group get the
page, everyone else a 403; the hub itself already refuses the service to
anyone without the role jupyterhub_config.py gives instructors.
"""
import datetime
import html
import os

from tornado import web

import course.grader.autograde.settings as settings_module
from course.grader.report.service import is_instructor

SERVICE = "autograde"
ORDER = ("grading", "waiting", "held", "failed", "manual", "done", "superseded")
RECENT = 50  # rows of done / superseded shown


def when(seconds):
    if seconds is None:
        return ""
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def render(journal, root):
    """The page, as HTML text."""
    settings = settings_module.load(root)
    rows = journal.all()
    counts = {state: sum(s.state == state for s in rows) for state in ORDER}
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>Grading queue</title>",
             "<meta http-equiv='refresh' content='10'>",
             "<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px;text-align:left}"
             "tr.failed{background:#fdd}tr.grading{background:#dfd}tr.held{background:#ffd}</style></head><body>",
             "<h1>Grading queue</h1>",
             f"<p>Automatic grading on submit. Limit: {settings.limit or 'none'} graded submissions per student "
             f"and step per {settings.period_minutes:g} minutes. Off for: "
             f"{html.escape(', '.join(settings.off)) or 'no step'}.</p>",
             "<p id='counts'>" + ", ".join(f"{n} {state}" for state, n in counts.items()) + "</p>"]
    for state in ORDER:
        shown = [s for s in rows if s.state == state]
        if state in ("done", "superseded"):
            shown = sorted(shown, key=lambda s: s.finished_at or s.seen_at, reverse=True)[:RECENT]
        if not shown:
            continue
        parts.append(f"<h2 id='{state}'>{state} ({counts[state]})</h2><table><tr><th>student</th><th>step</th>"
                     "<th>handed in</th><th>started</th><th>finished</th><th>score</th><th>message</th></tr>")
        for s in shown:
            score = f"{s.score:g} / {s.max_score:g}" if s.score is not None else ""
            message = s.message + (f" (not before {when(s.not_before)})" if s.state == "held" else "")
            parts.append(f"<tr class='{state}'><td>{html.escape(s.student)}</td><td>{html.escape(s.step)}</td>"
                         f"<td>{html.escape(s.submitted_at[:19])}</td><td>{when(s.started_at)}</td>"
                         f"<td>{when(s.finished_at)}</td><td>{score}</td><td>{html.escape(message)}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def handler_class():
    from jupyterhub.services.auth import HubOAuthenticated

    class QueueHandler(HubOAuthenticated, web.RequestHandler):
        def initialize(self, journal, root):
            self.journal, self.root = journal, root

        @web.authenticated
        def get(self):
            if not is_instructor(self.current_user):
                raise web.HTTPError(403, "The grading queue is for instructors only.")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.write(render(self.journal, self.root))

    return QueueHandler


def make_app(journal, root, prefix="/"):
    from jupyterhub.services.auth import HubOAuthCallbackHandler
    from jupyterhub.utils import url_path_join

    return web.Application([
        (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
        (url_path_join(prefix, r"(?:index\.html)?"), handler_class(), {"journal": journal, "root": root}),
    ], cookie_secret=os.urandom(32))
