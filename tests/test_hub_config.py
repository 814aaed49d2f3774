"""deploy/jupyterhub/jupyterhub_config.py on its own: no root, browser or
network needed (tests/test_hub_e2e.py runs the real hub)."""
import asyncio
import json
import os
import subprocess
import sys

import pytest
from traitlets.config import Config

from tests.conftest import REPO

pytestmark = pytest.mark.unit

HUB = REPO / "deploy" / "jupyterhub"
USERS = {"instructors": {"prof": "prof-password"}, "students": {"ada": "ada-password", "bob": "bob-password"}}


@pytest.fixture
def hub(tmp_path, monkeypatch):
    """(the hub's config, the config file's names), as JupyterHub loads it."""
    settings = {"course_id": "course-x", "course_dir": "/srv/x/course", "exchange": "/srv/x/exchange",
                "data_dir": "/srv/x/data", "student_data_dir": "/srv/x/student-data",
                "python": "/srv/x/python/bin/python", "environment": {"LD_LIBRARY_PATH": "/srv/x/lib"},
                "port": 8123, "hub_port": 8124, "proxy_api_port": 8125, "users": USERS}
    (tmp_path / "hub.json").write_text(json.dumps(settings))
    monkeypatch.setenv("COURSE_HUB_HOME", str(tmp_path))
    config, path = Config(), HUB / "jupyterhub_config.py"
    scope = {"get_config": lambda: config, "__file__": str(path), "__name__": "jupyterhub_config"}
    exec(compile(path.read_text(), str(path), "exec"), scope)
    return config, scope


@pytest.fixture
def config(hub):
    return hub[0]


def test_groups_and_logins(config):
    assert config.JupyterHub.load_groups == {"instructors": {"users": ["prof"]},
                                             "students": {"users": ["ada", "bob"]}}
    assert config.Authenticator.allowed_users == {"prof", "ada", "bob"}
    assert config.JupyterHub.ip == "127.0.0.1" and config.JupyterHub.port == 8123

    authenticator = config.JupyterHub.authenticator_class(config=config)

    def login(name, password):
        return asyncio.run(authenticator.authenticate(None, {"username": name, "password": password}))

    assert login("ada", "ada-password") == "ada"
    assert login("prof", "prof-password") == "prof"
    # A student's password opens no other account, the instructor's least.
    assert login("prof", "ada-password") is None
    assert login("bob", "ada-password") is None
    assert login("eve", "ada-password") is None


def test_each_group_gets_its_settings(config):
    overrides = config.Spawner.group_overrides
    assert overrides["01-instructors"]["groups"] == ["instructors"]
    assert overrides["01-instructors"]["spawner_override"]["notebook_dir"] == "/srv/x/course"
    students = overrides["02-students"]["spawner_override"]["environment"]["JUPYTER_CONFIG_PATH"]
    assert students.split(":")[0].endswith("jupyter-config/students")
    # Students read the training splits only; instructors the whole data root.
    assert overrides["02-students"]["spawner_override"]["environment"]["COURSE_DATA_DIR"] == "/srv/x/student-data"
    env = config.Spawner.environment
    assert env["COURSE_DATA_DIR"] == "/srv/x/data"
    assert env["COURSE_EXCHANGE"] == "/srv/x/exchange" and env["COURSE_ID"] == "course-x"
    assert env["LD_LIBRARY_PATH"] == "/srv/x/lib"
    assert env["PATH"].startswith("/srv/x/python/bin:")
    # The students' settings turn the formgrader off, server and JupyterLab sides.
    server = json.loads((HUB / "jupyter-config/students/jupyter_server_config.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"] is False
    lab = json.loads((HUB / "jupyter-config/students/labconfig/page_config.json").read_text())
    assert lab["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True


def test_nbgrader_config_per_user(hub):
    _, scope = hub
    student = scope["nbgrader_config"]("ada", {"students"})
    assert "c.CourseDirectory.student_id = 'ada'" in student
    assert "c.Exchange.root = '/srv/x/exchange'" in student
    assert "c.CourseDirectory.course_id = 'course-x'" in student
    instructor = scope["nbgrader_config"]("prof", {"instructors"})
    assert "load_subconfig('/srv/x/course/nbgrader_config.py')" in instructor


THREADS = "import torch; print(torch.get_num_threads())"


@pytest.mark.parametrize("cpu_limit, threads", [(None, 1), (2, 2), (0.5, 1)])
def test_a_kernel_uses_the_threads_of_its_cpu_share(tmp_path, monkeypatch, cpu_limit, threads):
    """The hub's CPU limit per server is the thread count of its kernels'
    torch: a Python started with the servers' environment, as a kernel is
    (it inherits its server's), counts the threads the share allows."""
    settings = {"course_id": "c", "course_dir": "/srv/c", "exchange": "/srv/e", "users": USERS}
    if cpu_limit is not None:
        settings["cpu_limit"] = cpu_limit
    (tmp_path / "hub.json").write_text(json.dumps(settings))
    monkeypatch.setenv("COURSE_HUB_HOME", str(tmp_path))
    config, path = Config(), HUB / "jupyterhub_config.py"
    exec(compile(path.read_text(), str(path), "exec"),
         {"get_config": lambda: config, "__file__": str(path), "__name__": "jupyterhub_config"})
    assert config.Spawner.cpu_limit == (cpu_limit or 1)
    environment = config.Spawner.environment
    for override in config.Spawner.group_overrides.values():  # no group's settings take them away
        assert "OMP_NUM_THREADS" not in override["spawner_override"].get("environment", {})
    kernel_env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    kernel_env.update({k: v for k, v in environment.items() if k.endswith("_NUM_THREADS")})
    counted = subprocess.run([sys.executable, "-c", THREADS], env=kernel_env, capture_output=True, text=True,
                             timeout=120)
    assert counted.stdout.strip() == str(threads), counted.stderr
