"""JupyterHub for the course: instructors grade, students fetch, validate and submit.

One course, two JupyterHub groups:

- instructors: their JupyterLab opens in the course directory (source/,
  tests/hidden, the gradebook), with nbgrader's formgrader and
  create-assignment toolbar;
- students: JupyterLab in their own home, with nbgrader's Assignments list
  and Validate button only.

Everyone trades notebooks through nbgrader's exchange, a folder they can all
write to (COURSE_EXCHANGE, read by the course's nbgrader_config.py).
Single-user servers are local processes of real system users
(LocalProcessSpawner), so unix permissions keep students out of the course
directory (owned by the instructor, mode 0750) and out of each other's homes
(0700).

`demo.py start` (`make hub`) writes hub.json into COURSE_HUB_HOME, creates the
users and the course directory, then starts JupyterHub with this file. A real
deployment keeps the groups, the spawner settings and `prepare_user`, and
swaps the demo's fixed passwords for PAM, LDAP or OAuth.
"""
import json
import os
import pwd
import secrets
import subprocess
import sys
from pathlib import Path

from jupyterhub.auth import Authenticator
from traitlets import Dict

HERE = Path(__file__).resolve().parent
STATE = Path(os.environ.get("COURSE_HUB_HOME", "/srv/pytorch-course-hub"))
SETTINGS = json.loads((STATE / "hub.json").read_text())

COURSE_ID = SETTINGS["course_id"]
COURSE_DIR = SETTINGS["course_dir"]
EXCHANGE = SETTINGS["exchange"]
INSTRUCTORS = sorted(SETTINGS["users"]["instructors"])
STUDENTS = sorted(SETTINGS["users"]["students"])
# The Python of the single-user servers: every user must be able to run it.
PYTHON = SETTINGS.get("python", sys.executable)
# Jupyter settings per group (jupyter-config/ beside this file, or demo.py's copy).
JUPYTER_CONFIG = Path(SETTINGS.get("jupyter_config", HERE / "jupyter-config"))

c = get_config()  # noqa: F821 (JupyterHub provides get_config)


# -- who may log in ---------------------------------------------------------------

class CourseDemoAuthenticator(Authenticator):
    """A fixed password per user (demo only: hub.json holds them in plain text).

    Unlike JupyterHub's shared-password authenticator, a student's password
    does not open the instructor's account.
    """

    passwords = Dict(config=True, help="{username: password}")

    async def authenticate(self, handler, data):
        expected = self.passwords.get(data.get("username", ""))
        if expected and secrets.compare_digest(expected, data.get("password", "")):
            return data["username"]
        return None


c.JupyterHub.authenticator_class = CourseDemoAuthenticator
c.CourseDemoAuthenticator.passwords = {
    name: password
    for group in SETTINGS["users"].values()
    for name, password in group.items()
}
c.Authenticator.allowed_users = set(INSTRUCTORS + STUDENTS)
c.JupyterHub.load_groups = {
    "instructors": {"users": INSTRUCTORS},
    "students": {"users": STUDENTS},
}


# -- the hub and its proxy, on loopback only ---------------------------------------

c.JupyterHub.ip = SETTINGS.get("ip", "127.0.0.1")
c.JupyterHub.port = SETTINGS.get("port", 8000)
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = SETTINGS.get("hub_port", 8081)
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{SETTINGS.get('proxy_api_port', 8001)}"
# configurable-http-proxy from npm (`make hub-setup` runs `npm ci` here).
c.ConfigurableHTTPProxy.command = [str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "hub" / "proxy.pid")
c.JupyterHub.pid_file = str(STATE / "hub" / "jupyterhub.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'hub' / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "hub" / "jupyterhub_cookie_secret")
# Stopping the hub stops every single-user server and the proxy.
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True


# -- single-user servers: real system users, one group's settings each -------------

c.JupyterHub.spawner_class = "localprocess"
# Start each server in its root folder (the course directory for
# instructors), where JupyterLab's terminals then open; $0 is PYTHON.
c.Spawner.cmd = ["/bin/sh", "-c", 'cd "${JUPYTERHUB_ROOT_DIR:-$HOME}" && exec "$0" -m jupyterhub.singleuser "$@"',
                 PYTHON]
c.Spawner.default_url = "/lab"
# JupyterLab's first start on a loaded machine can take a while.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.Spawner.environment = {
    # What the Python of the single-user servers needs (demo.py says).
    **SETTINGS.get("environment", {}),
    # Read by the course's nbgrader_config.py (instructors) and used below.
    "COURSE_ID": COURSE_ID,
    "COURSE_EXCHANGE": EXCHANGE,
    "COURSE_DATA_DIR": SETTINGS.get("data_dir", ""),
    # The hub's own PATH may point into folders students cannot read.
    "PATH": os.pathsep.join([os.path.dirname(PYTHON), "/usr/local/bin", "/usr/bin", "/bin"]),
    # Mute the warnings that would otherwise go to every kernel's stderr.
    "PYTHONWARNINGS": "ignore",
    # Settings for everyone (no "Jupyter news" pop-up: there is no internet).
    "JUPYTER_CONFIG_PATH": str(JUPYTER_CONFIG / "all"),
}
# Each server's CPU share, and its kernels' math threads (OpenMP, MKL,
# OpenBLAS; torch's thread count follows OMP_NUM_THREADS) set from it: else
# every kernel starts a thread per core of the node and kernels that share it
# fight (issue #21). The grader does the same per worker (grade/pool.py).
# LocalProcessSpawner passes the share on (CPU_LIMIT) without enforcing it;
# SystemdSpawner and KubeSpawner enforce it.
CPU_LIMIT = float(SETTINGS.get("cpu_limit", 1))
c.Spawner.cpu_limit = CPU_LIMIT
c.Spawner.environment.update(dict.fromkeys(("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"),
                                           str(max(1, int(CPU_LIMIT)))))
c.Spawner.group_overrides = {
    "01-instructors": {
        "groups": ["instructors"],
        "spawner_override": {
            # nbgrader's formgrader needs the course directory at or below the server's root.
            "notebook_dir": COURSE_DIR,
        },
    },
    "02-students": {
        "groups": ["students"],
        # No formgrader, no create-assignment toolbar, no course list.
        "spawner_override": {
            "environment": {
                "JUPYTER_CONFIG_PATH": os.pathsep.join(
                    str(JUPYTER_CONFIG / group) for group in ("students", "all")),
                # The training splits only: the test labels are the grader's.
                "COURSE_DATA_DIR": SETTINGS.get("student_data_dir", ""),
            },
        },
    },
}


def nbgrader_config(username, groups):
    """The user's ~/.jupyter/nbgrader_config.py."""
    if "instructors" in groups:
        # The course's own settings (timeouts, gradebook, stubs); it reads
        # COURSE_ID and COURSE_EXCHANGE from the environment set above.
        return (
            "# Written by JupyterHub at every start of your server (jupyterhub_config.py).\n"
            f"load_subconfig({os.path.join(COURSE_DIR, 'nbgrader_config.py')!r})\n"
        )
    return (
        "# Written by JupyterHub at every start of your server (jupyterhub_config.py).\n"
        "c = get_config()\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        f"c.CourseDirectory.student_id = {username!r}\n"
        f"c.Exchange.root = {EXCHANGE!r}\n"
    )


def prepare_user(spawner):
    """Before each start: write the user's ~/.jupyter/nbgrader_config.py.

    Written by a process running as the user: the hub runs as root, and a
    home is the user's to fill with symbolic links (~/.jupyter -> /etc...).
    """
    name = spawner.user.name
    groups = {group.name for group in spawner.user.groups}
    if not groups & {"instructors", "students"}:
        raise PermissionError(f"{name} is in neither the instructors nor the students group")
    account = pwd.getpwnam(name)
    subprocess.run(
        ["/bin/sh", "-c", 'umask 077 && mkdir -p "$HOME/.jupyter" && cat > "$HOME/.jupyter/nbgrader_config.py"'],
        input=nbgrader_config(name, groups), text=True, check=True, timeout=30, cwd="/",
        user=account.pw_uid, group=account.pw_gid, extra_groups=[],
        env={"HOME": account.pw_dir, "PATH": "/usr/bin:/bin"})
    if account.pw_uid == 0:
        # Only when a user's server runs as root (never in the demo).
        spawner.args = list(spawner.args) + ["--allow-root"]


c.Spawner.pre_spawn_hook = prepare_user


# -- the class report, for instructors only (docs/report.md) ------------------------

# `python -m course report` as a service: /services/class-report/ shows the
# report of the course directory, regenerated after each grading run. It runs
# as the instructor who owns the course directory, on loopback.
REPORT_SERVICE = "class-report"
REPORT_PORT = SETTINGS.get("report_port", 8002)
c.JupyterHub.services = [{
    "name": REPORT_SERVICE,
    "url": f"http://127.0.0.1:{REPORT_PORT}",
    "command": [PYTHON, "-m", "course.grader.report.service", "--course", COURSE_DIR,
                "--port", str(REPORT_PORT)],
    "user": SETTINGS.get("instructor", INSTRUCTORS[0] if INSTRUCTORS else ""),
    "cwd": COURSE_DIR,
    "environment": {
        **SETTINGS.get("environment", {}),
        "COURSE_ID": COURSE_ID,
        "COURSE_EXCHANGE": EXCHANGE,
        "PATH": os.pathsep.join([os.path.dirname(PYTHON), "/usr/local/bin", "/usr/bin", "/bin"]),
        "PYTHONWARNINGS": "ignore",
        "MPLBACKEND": "Agg",
    },
    # The page checks the visitor's groups: its login token may read them.
    "oauth_client_allowed_scopes": ["read:users:groups!user"],
    "oauth_no_confirm": True,
    "display": True,
}]
# Only instructors may open the service; the hub answers anyone else with 403.
c.JupyterHub.load_roles = [{
    "name": "class-report-readers",
    "description": "Open the class report (the class-report service)",
    "groups": ["instructors"],
    "scopes": [f"access:services!service={REPORT_SERVICE}"],
}]


# -- feedback on submit, and its queue page for instructors (course/grader/autograde/) --

# `python -m course autograde-service run` as a service: it grades what
# students hand in and releases their feedback, as the instructor who owns
# the course directory (never a student); /services/autograde/ shows its
# queue. demo.py --no-autograde (hub.json "autograde": false) leaves it out.
if SETTINGS.get("autograde", True):
    AUTOGRADE_SERVICE = "autograde"
    AUTOGRADE_PORT = SETTINGS.get("autograde_port", 8003)
    c.JupyterHub.services.append({
        **c.JupyterHub.services[0],  # the class report's user, folder, environment and login
        "name": AUTOGRADE_SERVICE,
        "url": f"http://127.0.0.1:{AUTOGRADE_PORT}",
        "command": [PYTHON, "-m", "course", "autograde-service", "run", "--port", str(AUTOGRADE_PORT)],
        # Grading reads the test sets, as the instructor's own grading does.
        "environment": {**c.JupyterHub.services[0]["environment"],
                        "COURSE_DATA_DIR": SETTINGS.get("data_dir", "")},
    })
    c.JupyterHub.load_roles.append({
        "name": "autograde-queue-readers",
        "description": "Open the grading queue (the autograde service)",
        "groups": ["instructors"],
        "scopes": [f"access:services!service={AUTOGRADE_SERVICE}"],
    })
