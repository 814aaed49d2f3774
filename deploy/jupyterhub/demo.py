"""A local JupyterHub for trying the course, on 127.0.0.1 only.

    python deploy/jupyterhub/demo.py start   # or: make hub
    python deploy/jupyterhub/demo.py stop    # or: make hub-stop
    python deploy/jupyterhub/demo.py status
    python deploy/jupyterhub/demo.py remove  # stop, delete the demo users and COURSE_HUB_HOME

`start` (as root: it creates system users) sets up, in COURSE_HUB_HOME
(default /srv/pytorch-course-hub):

    hub.json     the settings jupyterhub_config.py reads, with the demo passwords
    hub/         JupyterHub's database, cookie secret, pid files and log (root only)
    course/      a copy of the course directory, owned by the instructor, mode 0750:
                 source/, release/, tests/hidden/, nbgrader_config.py, the gradebook
    exchange/    nbgrader's exchange, writable by everyone (mode 1777)
    home/<user>  each demo user's home, mode 0700
    python/      only where other users cannot run the course's .venv (it
                 lives under /root): a copy of it in hard links, on a copy
                 of the same interpreter (python-runtime/)
    jupyter-config/  the per-group Jupyter settings (a copy of the one here)
    student-data/    the students' data root: the training splits of the
                 datasets, no test set (`python -m course data --training-only`);
                 instructors get COURSE_DATA_DIR itself

then releases every step to the exchange as the instructor, and starts
JupyterHub (jupyterhub_config.py beside this file) with its proxy in the
background. `stop` stops the hub, which stops its proxy and every user's server.
"""
import argparse
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_HOME = "/srv/pytorch-course-hub"
COMMENT = "pytorch-baby-steps hub demo"  # marks the system users this script made
INSTRUCTORS = ("instructor",)
STUDENTS = ("student1", "student2")
COURSE_FILES = ("source", "release", "tests/hidden", "nbgrader_config.py")
PROXY = HERE / "node_modules" / ".bin" / "configurable-http-proxy"


class DemoError(RuntimeError):
    """Something the person running the demo must fix; the message says what."""


def password(name):
    """The demo's fixed password of `name`."""
    return f"{name}-demo"


# -- users -----------------------------------------------------------------------

def account(name):
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


def ensure_user(name, home):
    """A system user `name` with its home at `home` (mode 0700). Only users
    that this script created are reused; any other account is left alone."""
    user = account(name)
    if user is None:
        home.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["useradd", "--comment", COMMENT, "--home-dir", str(home), "--create-home",
                        "--shell", "/bin/bash", "--user-group", name], check=True)
    elif user.pw_gecos != COMMENT:
        raise DemoError(f"A system user {name!r} exists and was not made by this demo; "
                        "choose other names with --prefix.")
    elif user.pw_dir != str(home):
        subprocess.run(["usermod", "--home", str(home), name], check=True)
    user = account(name)
    home.mkdir(parents=True, exist_ok=True)
    os.chown(home, user.pw_uid, user.pw_gid)
    home.chmod(0o700)
    return user


def remove_user(name):
    user = account(name)
    if user is not None and user.pw_gecos == COMMENT:
        subprocess.run(["userdel", name], check=False)


def run_as(name, args, cwd, env=None, **kwargs):
    """Run `args` as the system user `name`, with a clean environment."""
    user = account(name)
    base = {"HOME": user.pw_dir, "USER": name, "LOGNAME": name, "LANG": "C.UTF-8",
            "PATH": os.pathsep.join([os.path.dirname(args[0]), "/usr/local/bin", "/usr/bin", "/bin"])}
    return subprocess.run(args, cwd=cwd, env={**base, **(env or {})}, user=user.pw_uid,
                          group=user.pw_gid, extra_groups=[], **kwargs)


# -- a Python every user can run ---------------------------------------------------

PROBE = "import jupyterhub, jupyterlab, nbgrader, torch, course.notebook"


def can_run(name, python, env):
    try:
        return run_as(name, [python, "-c", PROBE], cwd="/", env=env, capture_output=True).returncode == 0
    except OSError:  # not even allowed to start it
        return False


def link_or_copy(src, dst):
    """A hard link where the file system allows it (instant), else a copy."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
    return dst


def mirror(src, dst):
    """dst: a copy of the tree src made of hard links (instant, no extra
    space); where the file system cannot link, a symbolic link to src, which
    then must be readable by every user."""
    try:
        shutil.copytree(src, dst, symlinks=True, copy_function=os.link)
    except (OSError, shutil.Error):
        shutil.rmtree(dst, ignore_errors=True)
        dst.symlink_to(src)


def users_python(state, probe_user):
    """(python, environment) for the users' servers, kernels and the
    instructor's commands: the course's .venv where every user can run it.

    A .venv made from a Python under /root (pyenv's, on the project's
    machines), or kept in a checkout under /root, cannot be run by other
    users. Then the demo gets its own copy, in hard links: the same
    interpreter and standard library (python-runtime/), and a venv of it
    (python/) holding the .venv's packages, Jupyter's data and settings, and
    the course package. Another Python would not do: the packages are built
    for this one, and Debian's Python 3.11.2 has a regular-expression bug
    that breaks BeautifulSoup, which nbgrader's feedback needs.
    """
    if can_run(probe_user, sys.executable, {}):
        return sys.executable, {}
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    base = Path(sys.base_prefix)
    runtime, env = state / "python-runtime", state / "python"
    shutil.rmtree(runtime, ignore_errors=True)
    shutil.rmtree(env, ignore_errors=True)
    (runtime / "bin").mkdir(parents=True)
    (runtime / "lib").mkdir()
    link_or_copy(Path(sys._base_executable).resolve(), runtime / "bin" / version)
    for lib in (base / "lib").glob("libpython*.so*"):
        if lib.is_symlink():
            (runtime / "lib" / lib.name).symlink_to(os.readlink(lib))
        else:
            link_or_copy(lib, runtime / "lib" / lib.name)
    shutil.copytree(base / "lib" / version, runtime / "lib" / version, symlinks=True,
                    copy_function=link_or_copy, ignore=shutil.ignore_patterns("site-packages", "test"))
    (runtime / "lib" / version / "site-packages").mkdir()
    # The interpreter looks for libpython where it was built (under /root).
    environment = {"LD_LIBRARY_PATH": str(runtime / "lib")}
    subprocess.run([str(runtime / "bin" / version), "-m", "venv", "--without-pip", str(env)],
                   check=True, env={**os.environ, **environment})
    site = env / "lib" / version / "site-packages"
    shutil.rmtree(site)
    mirror(Path(sysconfig.get_path("purelib")), site)
    if sysconfig.get_path("platlib") != sysconfig.get_path("purelib"):
        (site / "course_venv_platlib.pth").write_text(sysconfig.get_path("platlib") + "\n")
    # The course package itself (the .venv may only point at the checkout).
    if not site.is_symlink() and not (site / "course").exists():
        shutil.copytree(REPO / "course", site / "course", ignore=shutil.ignore_patterns("__pycache__"))
    # Jupyter finds extensions, kernels and their settings under sys.prefix.
    for folder in ("share", "etc"):
        if (Path(sys.prefix) / folder).is_dir():
            mirror(Path(sys.prefix) / folder, env / folder)
    python = str(env / "bin" / "python")
    # The .venv's commands (jupyter, nbgrader, alembic, which nbgrader runs
    # as a program...), started with this Python.
    for script in Path(sys.executable).parent.iterdir():
        target = env / "bin" / script.name
        if target.exists() or not script.is_file():
            continue
        with open(script, "rb") as f:
            first, rest = f.readline(), f.read()
        if first.startswith(b"#!") and b"python" in first:
            target.write_bytes(f"#!{python}\n".encode() + rest)
            target.chmod(0o755)
    if not can_run(probe_user, python, environment):
        result = run_as(probe_user, [python, "-c", PROBE], cwd="/", env=environment,
                        capture_output=True, text=True)
        raise DemoError(f"{probe_user} cannot import the course's packages with {python}:\n{result.stderr}")
    return python, environment


# -- the course directory and the exchange -------------------------------------------

def restrict(path, user, dir_mode=0o750, file_mode=0o640):
    """Give `path` (recursively) to `user`; others get nothing."""
    for folder, dirs, files in os.walk(path):
        os.chown(folder, user.pw_uid, user.pw_gid)
        os.chmod(folder, dir_mode)
        for f in files:
            p = os.path.join(folder, f)
            os.chown(p, user.pw_uid, user.pw_gid, follow_symlinks=False)
            if not os.path.islink(p):
                os.chmod(p, file_mode)


def instructor_env(settings):
    """The environment of the instructor's commands: what their server has."""
    return {**settings["environment"], "COURSE_ID": settings["course_id"],
            "COURSE_EXCHANGE": settings["exchange"], "COURSE_DATA_DIR": settings["data_dir"],
            "PYTHONWARNINGS": "ignore"}


def prepare_course(settings, steps):
    """Copy the course for the instructor, then release `steps` (default:
    all) to the exchange as the instructor, with nbgrader."""
    course = Path(settings["course_dir"])
    if course.exists():
        return False
    instructor = account(settings["instructor"])
    course.mkdir(mode=0o750)
    for name in COURSE_FILES:
        src, dst = REPO / name, course / name
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    restrict(course, instructor)
    # One step at a time: a step that nbgrader cannot generate is reported,
    # and the others are still released.
    code = ("import sys; from course.grader import instructor as i\n"
            "released, failed = [], []\n"
            "for step in sys.argv[1:] or i.assignments('.'):\n"
            "    try:\n"
            "        i.generate_release('.', [step]); i.publish('.', [step]); released.append(step)\n"
            "    except Exception as e:\n"
            "        failed.append(step); print(f'could not release {step}: {e}', file=sys.stderr)\n"
            "print('released:', *released)\n"
            "sys.exit(1 if failed or not released else 0)\n")
    result = run_as(settings["instructor"], [settings["python"], "-c", code, *steps], cwd=course,
                    env=instructor_env(settings), capture_output=True, text=True)
    print(result.stdout.strip())
    if result.returncode:
        if "released: " not in result.stdout or result.stdout.strip().endswith("released:"):
            raise DemoError(f"Releasing the steps as {settings['instructor']} failed:\n{result.stderr}")
        print(f"warning: some steps were not released:\n{result.stderr[-3000:]}", file=sys.stderr)
    return True


def student_data(state, data_dir):
    """The students' data root, made from the instructor's `data_dir`: the
    training splits and no test set, whose labels are the grader's."""
    if not data_dir:
        return ""
    dest = state / "student-data"
    shutil.rmtree(dest, ignore_errors=True)
    made = subprocess.run([sys.executable, "-m", "course", "data", "--training-only", str(dest)],
                          cwd=REPO, env={**os.environ, "COURSE_DATA_DIR": data_dir},
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if made.returncode:
        print(f"warning: the students' data root is incomplete:\n{made.stderr[-2000:]}", file=sys.stderr)
    return str(dest)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- start, stop ------------------------------------------------------------------

def hub_pid(state):
    try:
        pid = int((state / "hub" / "jupyterhub.pid").read_text())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def wait_healthy(url, proc, log, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise DemoError(f"JupyterHub exited with {proc.returncode}; its log ({log}) ends:\n"
                            + log.read_text()[-3000:])
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise DemoError(f"JupyterHub did not answer {url} within {timeout} s; see {log}")


def start(state, port, prefix, steps, autograde=True):
    if os.geteuid() != 0:
        raise DemoError("The demo hub runs each user's server as a real system user: run it as root "
                        "(sudo make hub).")
    if not PROXY.exists():
        raise DemoError(f"configurable-http-proxy is missing ({PROXY}): run `make hub-setup` (npm ci).")
    if hub_pid(state):
        raise DemoError(f"A demo hub is already running from {state}: `make hub-stop` first.")
    state.mkdir(parents=True, exist_ok=True)
    state.chmod(0o755)
    (state / "hub").mkdir(mode=0o700, exist_ok=True)

    instructors = [prefix + n for n in INSTRUCTORS]
    students = [prefix + n for n in STUDENTS]
    for name in instructors + students:
        ensure_user(name, state / "home" / name)

    exchange = state / "exchange"
    exchange.mkdir(exist_ok=True)
    exchange.chmod(0o1777)  # everyone writes; nobody deletes what others made

    # The per-group Jupyter settings, where every user can read them.
    jupyter_config = state / "jupyter-config"
    shutil.rmtree(jupyter_config, ignore_errors=True)
    shutil.copytree(HERE / "jupyter-config", jupyter_config)

    data_dir = os.environ.get("COURSE_DATA_DIR", "")
    python, environment = users_python(state, students[0])
    settings = {
        "course_id": os.environ.get("COURSE_ID", "pytorch-baby-steps"),
        "course_dir": str(state / "course"),
        "exchange": str(exchange),
        "jupyter_config": str(jupyter_config),
        "data_dir": str(Path(data_dir).resolve()) if data_dir else "",
        "student_data_dir": student_data(state, str(Path(data_dir).resolve()) if data_dir else ""),
        "python": python,
        "environment": environment,
        "instructor": instructors[0],
        "ip": "127.0.0.1",
        "port": port,
        "hub_port": free_port(),
        "proxy_api_port": free_port(),
        "report_port": free_port(),  # the class report service (jupyterhub_config.py)
        "autograde": autograde,  # feedback on submit: the autograde service (jupyterhub_config.py)
        "autograde_port": free_port(),
        "users": {"instructors": {n: password(n) for n in instructors},
                  "students": {n: password(n) for n in students}},
    }
    settings_file = state / "hub.json"
    settings_file.write_text(json.dumps(settings, indent=2))
    settings_file.chmod(0o600)
    prepare_course(settings, steps)

    log = state / "hub" / "jupyterhub.log"
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(HERE / "jupyterhub_config.py")],
            cwd=state / "hub", stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, "COURSE_HUB_HOME": str(state)}, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(f"{url}/hub/health", proc, log)
    print(f"JupyterHub is up at {url}/ (log: {log})")
    for group, users in settings["users"].items():
        for name, pw in users.items():
            print(f"  {group[:-1]:10}  user {name:20} password {pw}")
    print(f"Stop it with: make hub-stop (or python {Path(__file__).relative_to(REPO)} stop --home {state})")
    return settings


def demo_users(state):
    try:
        users = json.loads((state / "hub.json").read_text())["users"]
    except (OSError, ValueError, KeyError):
        return []
    return [name for group in users.values() for name in group]


def wait_gone(pid, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            return True
        time.sleep(0.2)
    return False


def user_processes(name):
    user = account(name)
    if user is None:
        return []
    out = subprocess.run(["ps", "-o", "pid=", "-u", str(user.pw_uid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def stop(state):
    """Stop the hub (it stops the proxy and the users' servers), then make
    sure none of them is left."""
    pid = hub_pid(state)
    if pid:
        os.kill(pid, signal.SIGTERM)
        if not wait_gone(pid, 60):
            os.kill(pid, signal.SIGKILL)
        print(f"JupyterHub ({pid}) stopped.")
    else:
        print(f"No demo hub is running from {state}.")
    try:
        proxy = int((state / "hub" / "proxy.pid").read_text())
        os.kill(proxy, signal.SIGTERM)
        print(f"Stopped a proxy the hub left running ({proxy}).")
    except (OSError, ValueError):
        pass
    # The hub stops every server it started; a kernel or server it lost
    # track of belongs to a demo user, and goes too.
    left = {p: name for name in demo_users(state) for p in user_processes(name)}
    for p in left:
        try:
            os.kill(p, signal.SIGTERM)
        except OSError:
            pass
    if left:
        print(f"Stopped {len(left)} leftover processes of the demo users.")
        for p in left:
            if not wait_gone(p, 10):
                os.kill(p, signal.SIGKILL)


def remove(state):
    stop(state)
    for name in demo_users(state):
        remove_user(name)
    shutil.rmtree(state, ignore_errors=True)
    print(f"Removed the demo users and {state}.")


def status(state):
    pid = hub_pid(state)
    if not pid:
        print(f"No demo hub is running from {state}.")
        return 1
    settings = json.loads((state / "hub.json").read_text())
    print(f"JupyterHub ({pid}) is running at http://127.0.0.1:{settings['port']}/")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("start", "stop", "status", "remove"))
    parser.add_argument("steps", nargs="*", help="steps to release at start (default: all)")
    parser.add_argument("--home", default=os.environ.get("COURSE_HUB_HOME", DEFAULT_HOME),
                        help=f"the demo's folder (COURSE_HUB_HOME, default {DEFAULT_HOME})")
    parser.add_argument("--port", type=int, default=int(os.environ.get("COURSE_HUB_PORT", "8000")),
                        help="the hub's port on 127.0.0.1 (COURSE_HUB_PORT, default 8000)")
    parser.add_argument("--prefix", default="", help="prefix of the demo users' names (e.g. e2e-)")
    parser.add_argument("--no-autograde", action="store_true",
                        help="no feedback on submit: the instructor collects, grades and releases feedback")
    args = parser.parse_intermixed_args(argv)
    state = Path(args.home).resolve()
    try:
        if args.command == "start":
            start(state, args.port, args.prefix, args.steps, autograde=not args.no_autograde)
        elif args.command == "stop":
            stop(state)
        elif args.command == "remove":
            remove(state)
        else:
            return status(state)
    except DemoError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
