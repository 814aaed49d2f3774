"""The class report on the hub (course/grader/report/service.py and the
service in deploy/jupyterhub/jupyterhub_config.py), without a hub: the
service is configured for instructors only, its page answers 403 to anyone
outside the instructors group, and it regenerates after grading."""
import os
import time

import pytest

from course.grader.report import service
from tests.hub_service import fake_hub_users, fetch_as
from tests.test_hub_config import config, hub  # noqa: F401 (fixtures: the hub's config, loaded)

SCOPE = f"access:services!service={service.SERVICE}"


@pytest.mark.unit
def test_the_hub_runs_the_report_as_a_service_for_instructors_only(config):  # noqa: F811
    [spec] = [s for s in config.JupyterHub.services if s["name"] == service.SERVICE]
    assert spec["command"][:3] == ["/srv/x/python/bin/python", "-m", "course.grader.report.service"]
    assert spec["command"][spec["command"].index("--course") + 1] == "/srv/x/course"
    port = spec["command"][spec["command"].index("--port") + 1]
    assert spec["url"] == f"http://127.0.0.1:{port}"
    # As the instructor who owns the course directory (mode 0750), not as root.
    assert spec["user"] == "prof"
    assert spec["environment"]["LD_LIBRARY_PATH"] == "/srv/x/lib"
    # Only the instructors group may open it; the hub refuses everyone else.
    grants = [r for r in config.JupyterHub.load_roles if SCOPE in r["scopes"]]
    assert [(r["groups"], r.get("users", [])) for r in grants] == [(["instructors"], [])]
    assert not any("access:services" == s for r in config.JupyterHub.load_roles for s in r["scopes"])


@pytest.mark.unit
@pytest.mark.parametrize("model,allowed", [
    ({"kind": "user", "name": "prof", "groups": ["instructors"]}, True),
    ({"kind": "user", "name": "ada", "groups": ["students"]}, False),
    ({"kind": "user", "name": "ada"}, False),  # groups unknown: refused
    ({"kind": "service", "name": "x", "groups": ["instructors"]}, False),
    (None, False),
])
def test_who_is_an_instructor(model, allowed):
    assert service.is_instructor(model) is allowed


@pytest.fixture
def users(monkeypatch):
    return fake_hub_users(monkeypatch, "/services/class-report/", SCOPE)


class FakeReports(service.Reports):
    """Reports whose `make` writes a page that says how often it was made."""

    def __init__(self, course):
        super().__init__(course, make=self.write)
        self.made = 0

    def write(self):
        self.made += 1
        self.out.mkdir(exist_ok=True)
        (self.out / "index.html").write_text(f"<html>report {self.made}</html>")
        (self.out / "checks.csv").write_text("step,grade_id\n")


def fetch_all(reports, requests):
    """[(status, body)] for each (cookie, path), from the service's app."""
    return fetch_as(service.make_app(reports, "/services/class-report/"), "/services/class-report/", requests)


@pytest.mark.unit
def test_instructors_get_the_report_and_students_403(users, tmp_path):
    reports = FakeReports(tmp_path)
    results = fetch_all(reports, [("prof", ""), ("prof", "checks.csv"), ("ada", ""), ("bob", ""),
                                  ("bob", "checks.csv"), ("prof", "../gradebook.db")])
    assert results[0] == (200, "<html>report 1</html>")
    assert results[1] == (200, "step,grade_id\n")
    assert [code for code, _ in results[2:5]] == [403, 403, 403]
    assert not any("report" in body for _, body in results[2:5])
    assert results[5][0] == 404


@pytest.mark.unit
def test_nobody_logged_in_is_sent_to_the_hub_login(users, tmp_path):
    [(code, _)] = fetch_all(FakeReports(tmp_path), [("", "")])
    assert code == 302


@pytest.mark.unit
def test_the_report_is_made_again_after_grading(users, tmp_path):
    reports = FakeReports(tmp_path)
    assert fetch_all(reports, [("prof", "")])[0][1] == "<html>report 1</html>"
    assert fetch_all(reports, [("prof", "")])[0][1] == "<html>report 1</html>"  # nothing graded since
    notebook = tmp_path / "autograded" / "ada" / "01_x" / "01_x.ipynb"
    notebook.parent.mkdir(parents=True)
    notebook.write_text("{}")  # a grading run wrote an autograded notebook
    assert fetch_all(reports, [("prof", "")])[0][1] == "<html>report 2</html>"
    later = time.time() + 5
    os.utime(notebook, (later, later))  # graded again
    assert fetch_all(reports, [("prof", "")])[0][1] == "<html>report 3</html>"
