"""Feedback on submit: a service that grades what students hand in through
nbgrader's exchange and releases their feedback, with no instructor at the
keyboard (`python -m course autograde-service run`; on the hub, the managed
service "autograde" in deploy/jupyterhub/jupyterhub_config.py).

The parts:
    journal.py    every submission seen and what became of it (SQLite), read back on start
    settings.py   steps switched off, the per-student limit (autograde/settings.json)
    exchange.py   nbgrader's exchange: inbound/, collect one, release feedback, a queued notice
    service.py    the loop: scan, plan, grade with course.grader.grade, release
    page.py       the queue page for instructors (HubOAuth; students get 403)
    command.py    python -m course autograde-service run | status | on | off | limit
"""
from course.grader.autograde.command import register  # noqa: F401
