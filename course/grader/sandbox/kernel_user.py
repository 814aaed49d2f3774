"""Which user a grading kernel runs as, and what that user may touch.

Run as root, a kernel could read the hidden checks and the other students'
notebooks, write the gradebook, or ptrace the grader itself. So when the
grader is root, student code runs as an unprivileged user (`nobody` unless
configured; course/grader/sandbox/launcher.py makes the switch), and before that:

- `check(user)`: can that user run this Python, import the kernel, torch
  and the course package? (A Python built under /root, a course package in
  a private folder, and the user cannot even start.) Asked in a throwaway
  kernel-like process (seconds: it imports torch), which also tries to open
  the grader's test-set files: `exposed(user)` lists those it could read.
  The answer is kept for CHECK_KEEPS seconds; a grading run asks it once
  and hands it to its workers (`findings`, `remember`).
- `close_course(root)`: the course's private parts (tests/, source/,
  submitted/, autograded/, feedback/, the gradebook) lose every permission
  of "others"; the course package stays readable.
- `kernel_home(user)`: a private folder for the kernel's HOME and TMPDIR
  with, in data/, the kernel's own data root: the training split of every
  dataset (hard links to the grader's files) and no test set
  (course.data.training_only). The kernel's COURSE_DATA_DIR points there,
  whoever it runs as: the test labels stay with the grader, who counts
  the model's answers on the test images (course.vision.graded_accuracy).

LimitedExecute.kernel_user says what to do: "auto" (the default: `nobody`
where the check passes, else the grader's own user, with a warning),
"none" (the grader's own user), or a user name (that user, or no grading).
"""
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from course.grader.sandbox.launcher import python_folders, user_ids

DEFAULT_USER = "nobody"
# What a student's kernel must not read or write: closed to "others".
PRIVATE = ("tests", "source", "submitted", "autograded", "feedback", "gradebook.db",
           "gradebook.db-journal", "gradebook.db-wal", "gradebook.db-shm")
# What the kernel must be able to do as the user, checked before grading.
# The test-set files given as arguments that the user can open are printed
# first, one per line, as "exposed <path>".
CHECK = """\
import sys, ipykernel, torch, course.data
for path in sys.argv[1:]:
    try:
        open(path, "rb").close()
        print("exposed", path)
    except OSError:
        pass
print("ok")
"""

# Where the machine gives no pids cgroup, a root grader runs each worker's
# kernels as a uid no user has, OWN_UIDS + the worker's pid (unique among
# the live workers of this machine), with RLIMIT_NPROC: that limit counts a
# user's processes, so no other kernel can use up this one's. The uid is in
# the class "others", as `nobody` is (and shares nobody's group), so it may
# do what the check of `nobody` found, and no more.
OWN_UIDS = 2_000_000_000

CHECK_KEEPS = 600  # seconds: a fix of the permissions shows in the next run after that

_checked = {}  # user: (works, why, when)
_exposed = {}


class KernelUserError(RuntimeError):
    """The configured kernel user cannot run the kernel here."""


def check(user):
    """(True, "") if `user` can run a grading kernel with this Python, else
    (False, why). Remembered for CHECK_KEEPS seconds."""
    if user not in _checked or time.monotonic() - _checked[user][2] > CHECK_KEEPS:
        _checked.pop(user, None)
        try:
            user_ids(user)
        except KeyError:
            _checked[user] = (False, f"there is no user {user!r} on this machine", time.monotonic())
            return _checked[user][:2]
        home = kernel_home(user, lend_data=False)
        hide = [arg for folder in hidden_folders(home) for arg in ("--hide", str(folder))]
        try:
            probe = subprocess.run(
                [sys.executable, "-m", "course.grader.sandbox.launcher", *hide, "--user", user, "--home", str(home), "--",
                 sys.executable, "-c", CHECK, *map(str, _test_files())],
                capture_output=True, text=True, timeout=120, cwd=home,
            )
        except subprocess.TimeoutExpired:  # a check that hangs must not stop grading
            probe = subprocess.CompletedProcess([], 124, "", "the check took more than 120 s")
        finally:
            shutil.rmtree(home, ignore_errors=True)
        _exposed[user] = [line.split(" ", 1)[1] for line in probe.stdout.splitlines()
                          if line.startswith("exposed ")]
        if probe.returncode == 0 and probe.stdout.strip().endswith("ok"):
            _checked[user] = (True, "", time.monotonic())
        else:
            lines = (probe.stderr or probe.stdout).strip().splitlines() or [f"exit {probe.returncode}"]
            _checked[user] = (False, f"{user} cannot run {sys.executable} with the course's packages "
                                     f"({lines[-1]}). Install the course's Python where every "
                                     "user can read it (deploy/GRADING.md)", time.monotonic())
    return _checked[user][:2]


def findings(setting):
    """check()'s answer for the user that `setting` (LimitedExecute.kernel_user)
    names, found here (or remembered), for `remember` in the grading
    workers: one probe per run, not one per worker."""
    user = DEFAULT_USER if (setting or "").strip().lower() == "auto" else (setting or "").strip()
    if os.geteuid() != 0 or user.lower() in ("", "none"):
        return {}
    check(user)
    return {user: (_checked[user][:2], _exposed.get(user, []))}


def remember(found):
    """Take check()'s answers that `findings` gave in the grading parent."""
    for user, ((works, why), exposed_files) in found.items():
        _checked[user] = (works, why, time.monotonic())
        _exposed[user] = exposed_files


def _test_files():
    """The grader's files that hold a test set (course.data.test_files)."""
    from course import data

    return data.test_files()


_data_folders = {}


def needed_folders():
    """What a kernel needs to see as the grader does, wherever it is: this
    Python, the course package and the course (the launcher neither hides
    them nor lets a private /tmp cover them)."""
    import course
    from course import find_course_root

    needed = [*map(Path, python_folders()), Path(course.__file__).parent]
    try:
        needed.append(find_course_root())
    except FileNotFoundError:
        pass
    return [p.resolve() for p in needed]


def hidden_folders(home):
    """The grader's data folders that a kernel must not see (course.grader.sandbox.launcher
    --hide covers them): the data root, the work folder, and the folders of
    the test-set files and of where their links lead. Left out: a folder
    that holds something the kernel needs (its HOME, its Python, the course
    package, the course) or that a folder already hidden holds."""
    from course import data

    needed = [Path(home).resolve(), *needed_folders()]
    key = (data.data_root(), data.work_dir())
    if key not in _data_folders:  # once per process: the walk of the data roots is on every kernel start
        _data_folders[key] = {*key, *(p.parent for p in data.test_files())}
    candidates = _data_folders[key]
    hidden = []
    for folder in sorted(p.resolve() for p in candidates if p.is_dir()):
        if any(n.is_relative_to(folder) for n in needed) or any(folder.is_relative_to(h) for h in hidden):
            continue
        hidden.append(folder)
    return hidden


def exposed(user):
    """The grader's test-set files that `user` could open (from check),
    with the data folders hidden as a kernel's are."""
    check(user)
    return _exposed.get(user, [])


def worker_uid():
    """The uid of this worker's own for its kernels (see OWN_UIDS)."""
    return str(OWN_UIDS + os.getpid())


def resolve(setting):
    """(user, why) from LimitedExecute.kernel_user (see the module's
    docstring): the user to run grading kernels as, or None for the
    grader's own user, with the reason. Raises KernelUserError where a
    named user cannot run the kernel."""
    setting = (setting or "none").strip()
    if setting.lower() == "none":
        return None, "kernel_user is none: student code runs as the grader's own user"
    if os.geteuid() != 0:
        return None, (f"the grader is not root, so student code runs as the grader's own user "
                      f"({os.environ.get('USER', os.geteuid())})")
    user = DEFAULT_USER if setting.lower() == "auto" else setting
    works, why = check(user)
    if works:
        return user, ""
    if setting.lower() != "auto":
        raise KernelUserError(f"refusing to grade: student code must run as {why}")
    return None, f"student code runs as root, with access to the grader's files: {why}"


_warned = set()


def _warn_once(log, message, *args):
    if log and (message, args) not in _warned:
        _warned.add((message, args))
        log.warning(message, *args)


def choose(setting, log=None):
    """resolve(setting)'s user; what the grader should know goes to `log`,
    once per process: a fallback to its own user, test labels the kernel's
    user could read."""
    user, why = resolve(setting)
    asked = (setting or "none").strip().lower()
    # Silent where nothing else was possible: "none", or "auto" without root.
    if user is None and asked != "none" and (asked != "auto" or os.geteuid() == 0):
        _warn_once(log, "%s", why)
    if user and exposed(user):
        _warn_once(log, "%s can read the test labels in %s (and %d more files): a submission could "
                        "look its answers up. Close them to others: chmod -R o-rwx (deploy/GRADING.md)",
                   user, exposed(user)[0], len(exposed(user)) - 1)
    return user


def close_course(root):
    """Take every permission of "others" off the course's private parts
    (the owner's and the group's stay)."""
    for name in PRIVATE:
        path = Path(root) / name
        if path.exists() and not path.is_symlink():
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o007:
                path.chmod(mode & ~0o007)


def kernel_home(user, lend_data=True):
    """A new private folder for one kernel (the sandbox gives it to `user`,
    or to the grader's own user when None), with the kernel's data root in
    data/ when `lend_data` (see the module's docstring)."""
    from course import data

    home = Path(tempfile.mkdtemp(prefix="course-kernel-"))
    if lend_data:
        view = data.training_only(home / "data")
        if user:  # its own folder: the kernel may add derived files; the lent files stay the grader's
            uid, gid = user_ids(user)
            for folder in [view, *(p for p in view.rglob("*") if p.is_dir())]:
                os.chown(folder, uid, gid)
    return home
