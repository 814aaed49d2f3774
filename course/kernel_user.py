"""Which user a grading kernel runs as, and what that user may touch.

Run as root, a kernel could read the hidden checks and the other students'
notebooks, write the gradebook, or ptrace the grader itself. So when the
grader is root, student code runs as an unprivileged user (`nobody` unless
configured; course/sandbox.py makes the switch), and before that:

- `check(user)`: can that user run this Python, import the kernel, torch
  and the course package, and read the data root? (A Python built under
  /root, a course package in a private folder, and the user cannot even
  start.) Asked once per process, in a throwaway kernel-like process.
- `close_course(root)`: the course's private parts (tests/, source/,
  submitted/, autograded/, feedback/, the gradebook) lose every permission
  of "others"; the course package and data stay readable.
- `kernel_home(user)`: a private folder for the kernel's HOME and TMPDIR,
  with the grader's decoded datasets hard-linked in (read-only to the
  user), so each kernel need not decode CIFAR-10 again.

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
from pathlib import Path

from course.sandbox import user_ids

DEFAULT_USER = "nobody"
# What a student's kernel must not read or write: closed to "others".
PRIVATE = ("tests", "source", "submitted", "autograded", "feedback", "gradebook.db",
           "gradebook.db-journal", "gradebook.db-wal", "gradebook.db-shm")
# What the kernel must be able to do as the user, checked before grading.
CHECK = """\
import os, ipykernel, torch, course.data
root = course.data.data_root()
if root.exists():
    os.listdir(root)
print("ok")
"""

_checked = {}


class KernelUserError(RuntimeError):
    """The configured kernel user cannot run the kernel here."""


def check(user):
    """(True, "") if `user` can run a grading kernel with this Python, else
    (False, why). Remembered for the life of the process."""
    if user not in _checked:
        try:
            user_ids(user)
        except KeyError:
            _checked[user] = (False, f"there is no user {user!r} on this machine")
            return _checked[user]
        home = kernel_home(user, link_data=False)
        try:
            probe = subprocess.run(
                [sys.executable, "-m", "course.sandbox", "--user", user, "--home", str(home), "--",
                 sys.executable, "-c", CHECK],
                capture_output=True, text=True, timeout=120, cwd=home,
            )
        except subprocess.TimeoutExpired:  # a check that hangs must not stop grading
            probe = subprocess.CompletedProcess([], 124, "", "the check took more than 120 s")
        finally:
            shutil.rmtree(home, ignore_errors=True)
        if probe.returncode == 0 and probe.stdout.strip().endswith("ok"):
            _checked[user] = (True, "")
        else:
            lines = (probe.stderr or probe.stdout).strip().splitlines() or [f"exit {probe.returncode}"]
            _checked[user] = (False, f"{user} cannot run {sys.executable} with the course's packages "
                                     f"and data ({lines[-1]}). Install the course's Python where every "
                                     "user can read it (deploy/GRADING.md)")
    return _checked[user]


def choose(setting, log=None):
    """The user to run grading kernels as, or None for the grader's own
    user, from LimitedExecute.kernel_user (see the module's docstring)."""
    setting = (setting or "none").strip()
    if setting.lower() == "none" or os.geteuid() != 0:
        if setting.lower() not in ("none", "auto") and log:
            log.warning("kernel_user=%s needs a grader running as root; student code runs as %s",
                        setting, os.environ.get("USER", os.geteuid()))
        return None
    user = DEFAULT_USER if setting.lower() == "auto" else setting
    works, why = check(user)
    if works:
        return user
    if setting.lower() != "auto":
        raise KernelUserError(f"refusing to grade: student code must run as {why}")
    if log:
        log.warning("Student code runs as root, with access to the grader's files: %s", why)
    return None


def close_course(root):
    """Take every permission of "others" off the course's private parts
    (the owner's and the group's stay)."""
    for name in PRIVATE:
        path = Path(root) / name
        if path.exists() and not path.is_symlink():
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o007:
                path.chmod(mode & ~0o007)


def kernel_home(user, link_data=True):
    """A new private folder for one kernel (the sandbox gives it to `user`),
    with the grader's decoded datasets linked in when `link_data`."""
    home = Path(tempfile.mkdtemp(prefix="course-kernel-"))
    if link_data:
        _link_data_cache(home / "data-cache")
    return home


def _link_data_cache(target):
    """Hard links to the grader's derived data files (extracted MNIST,
    decoded CIFAR-10) in `target`: readable, not writable, by the kernel's
    user, whatever the folders above the grader's copy allow. Symlinks are
    copied as they are; a file on another file system is left out (the
    kernel then derives it again, in its own folder)."""
    from course import data

    source = data.work_dir()
    for path in data.derived_files():
        link = target / path.relative_to(source)
        link.parent.mkdir(parents=True, exist_ok=True)
        try:
            if path.is_symlink():
                link.symlink_to(os.readlink(path))
            else:
                os.link(path, link)
        except OSError:
            continue
