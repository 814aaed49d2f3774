"""The launcher's disk, file-size and process limits (course/grader/sandbox/launcher.py
--scratch, --keep, --file-size, --cgroup; course/grader/sandbox/cgroups.py): each holds,
and nothing the limited process wrote or started is left on the runner."""
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from course.grader.sandbox import cgroups, launcher

REPO = Path(__file__).resolve().parents[1]

ROOT = os.geteuid() == 0
MiB = 2**20


def run(options, code, timeout=60):
    if "--scratch" in options:  # this Python stays visible, as for a kernel (a .venv may live under /tmp)
        options = [*options, *(a for p in launcher.python_folders() for a in ("--keep", p))]
    return subprocess.run([sys.executable, "-m", "course.grader.sandbox.launcher", *options, "--",
                           sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def home():
    """A kernel home as the worker makes it: in /tmp, with a data/ folder."""
    folder = Path(tempfile.mkdtemp(prefix="course-kernel-"))
    (folder / "data").mkdir()
    (folder / "data" / "train.txt").write_text("training data")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


FILL = """\
import os, sys
block = bytes({mib})
def fill(path, mib):
    try:
        with open(path, "wb") as f:
            for _ in range(mib):
                f.write(block)
        return "ok"
    except OSError as e:
        return e.strerror
home = os.environ.get("HOME") if {user} else {home!r}
print(fill("/tmp/{token}-a", 24), fill("/dev/shm/{token}-b", 24), fill(home + "/{token}-c", 24))
print(open(home + "/data/train.txt").read())
try:
    open(home + "/data/new", "w")
except OSError as e:
    print(e.strerror)
print(sorted(os.listdir("/tmp")))
"""


@pytest.mark.unit
@pytest.mark.skipif(not ROOT or not launcher.scratch_works()[0], reason="needs a mount namespace (root)")
def test_tmp_shm_and_home_share_one_private_budget_and_leave_nothing(home):
    """64 MiB for /tmp, /dev/shm and HOME together: 24 + 24 MiB fit, the
    third file does not; the data view reads but takes no file; the runner's
    /tmp and /dev/shm never see any of it."""
    token = f"limits{uuid.uuid4().hex[:8]}"
    probe = run(["--scratch", str(64 * MiB), "--keep-ro", str(home / "data"), "--home", str(home)],
                FILL.format(mib=MiB, user=False, home=str(home), token=token))
    assert probe.returncode == 0, probe.stderr
    lines = probe.stdout.splitlines()
    assert lines[0] == "ok ok No space left on device", probe.stdout
    assert lines[1] == "training data"
    assert lines[2] == "Read-only file system"
    assert ".scratch" in lines[3] and home.name in lines[3], "a fresh /tmp, with the kernel's home"
    assert not [p for folder in ("/tmp", "/dev/shm") for p in Path(folder).glob(f"{token}-*")]
    assert sorted(p.name for p in home.iterdir()) == ["data"], "the home on disk is untouched"


@pytest.mark.unit
@pytest.mark.skipif(not ROOT or not launcher.scratch_works()[0], reason="needs a mount namespace (root)")
def test_what_the_kernel_needs_under_tmp_stays_visible(home):
    """A course (or a Python) under /tmp is bound back over the private /tmp."""
    needed = Path(tempfile.mkdtemp(prefix="course-needed-"))
    (needed / "notebook.ipynb").write_text("{}")
    try:
        probe = run(["--scratch", str(8 * MiB), "--keep", str(needed), "--home", str(home)],
                    f"import os; print(os.listdir({str(needed)!r}))")
    finally:
        shutil.rmtree(needed)
    assert probe.returncode == 0 and probe.stdout.strip() == "['notebook.ipynb']", probe.stderr


@pytest.mark.unit
def test_a_file_past_the_size_limit_is_an_error_not_a_kill(tmp_path):
    code = (f"f = open({str(tmp_path / 'big')!r}, 'wb')\n"
            "try:\n    f.write(bytes(3 * 2**20)); f.flush()\nexcept OSError as e:\n    print(e.errno == 27)\n")
    probe = run(["--file-size", str(2 * MiB)], code)
    assert probe.returncode == 0 and probe.stdout.strip() == "True", (probe.returncode, probe.stderr)
    assert (tmp_path / "big").stat().st_size <= 2 * MiB


COUNT = """\
import subprocess
started = []
try:
    for _ in range(100):
        started.append(subprocess.Popen(["sleep", "60"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
except OSError as e:
    print(len(started), e.strerror)
"""
# COUNT, then its sleeps stopped: nothing left that a second run under the
# same uid would count.
COUNT_AND_STOP = COUNT + """\
for p in started:
    p.kill()
    p.wait()
"""


@pytest.mark.unit
@pytest.mark.skipif(bool(cgroups.missing("pids")), reason=f"no pids cgroup here: {cgroups.missing('pids')}")
def test_a_pids_cgroup_stops_a_fork_flood_and_its_removal_kills_what_is_left():
    folders = cgroups.make({"pids": 20})
    try:
        probe = run([a for f in folders for a in ("--cgroup", f)], COUNT)
        left = [pid for f in folders for pid in cgroups._procs(f)]
    finally:
        cgroups.remove(folders)
    started, why = probe.stdout.split(" ", 1)
    assert why.strip() == "Resource temporarily unavailable" and 10 < int(started) < 20, probe.stdout
    assert len(left) == int(started), "the sleeps outlive their parent, in the cgroup"
    assert not any(os.path.isdir(f) for f in folders)
    for pid in left:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split(")")[1][:3]


@pytest.mark.unit
def test_the_scratch_probe_keeps_a_python_under_tmp(tmp_path):
    """A CI checkout's .venv may live under /tmp, which the private /tmp
    covers: the probe must keep it, as the kernel's command does, or the
    grader turns the private folders off everywhere (it did)."""
    if not launcher.scratch_works()[0]:
        pytest.skip("no private /tmp on this machine")
    python = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(python)], check=True)
    assert str(python).startswith("/tmp/") or pytest.skip("pytest's temp folder is not under /tmp")
    answer = subprocess.run([str(python / "bin" / "python"), "-c",
                             "from course.grader.sandbox import launcher; print(launcher.scratch_works())"],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert answer.stdout.strip() == "(True, '')", answer.stdout + answer.stderr


HOLD = """\
import subprocess, sys, time
held = [subprocess.Popen(["sleep", "60"]) for _ in range(15)]
print("holding", flush=True)
time.sleep(60)
"""


def start_as(uid, nproc, code, home):
    return [sys.executable, "-m", "course.grader.sandbox.launcher", "--user", str(uid), "--home", str(home),
            "--nproc", str(nproc), "--", sys.executable, "-c", code]


@pytest.mark.unit
@pytest.mark.skipif(not ROOT, reason="a uid of its own needs root")
def test_a_uid_of_its_own_with_rlimit_nproc_is_a_process_limit_another_kernel_cannot_use_up(tmp_path):
    """The fallback where no pids cgroup can be had: a kernel whose worker's
    uid already runs 15 processes can start only a few more under
    RLIMIT_NPROC 20, while a kernel with a uid of its own starts its 19."""
    from course.grader.sandbox import kernel_user

    homes = [tmp_path / name for name in ("a", "b", "c")]
    for home in homes:
        home.mkdir()
    tmp_path.chmod(0o755)
    uid_a, uid_b = (kernel_user.OWN_UIDS + n * 1_000_000 + os.getpid() % 1000 for n in (1, 2))
    holder = subprocess.Popen(start_as(uid_a, 20, HOLD, homes[0]), stdout=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        own = subprocess.run(start_as(uid_b, 20, COUNT_AND_STOP, homes[1]), capture_output=True, text=True, timeout=60)
        shared = subprocess.run(start_as(uid_a, 20, COUNT_AND_STOP, homes[2]), capture_output=True, text=True, timeout=60)
    finally:
        os.killpg(holder.pid, 9)
        holder.wait()
    started, why = own.stdout.split(" ", 1)
    assert why.strip() == "Resource temporarily unavailable" and 10 < int(started) < 20, own.stdout + own.stderr
    started, why = shared.stdout.split(" ", 1)
    assert why.strip() == "Resource temporarily unavailable" and int(started) < 5, shared.stdout + shared.stderr


@pytest.mark.unit
def test_without_a_pids_cgroup_a_root_graders_kernel_gets_a_uid_of_its_own(monkeypatch, caplog):
    import logging

    from course.grader.sandbox import kernel_manager, kernel_user

    monkeypatch.setattr(cgroups, "missing", lambda controller: "no pids here" if controller == "pids" else None)
    monkeypatch.setattr(kernel_manager, "_warned", set())
    log = logging.getLogger("test-fallback")
    for _ in range(2):
        km = kernel_manager.LimitedKernelManager(process_limit=64, user="nobody", log=log)
        with caplog.at_level(logging.WARNING, logger="test-fallback"):
            assert km._make_cgroups() == []
        assert (km.user, km._nproc) == (kernel_user.worker_uid(), 64)
    said = [r.getMessage() for r in caplog.records]
    assert len(said) == 1 and "no pids here" in said[0] and "RLIMIT_NPROC 64" in said[0], said
    # Not root (no kernel user): nothing to fall back on, and the log says so.
    km = kernel_manager.LimitedKernelManager(process_limit=64, user="", log=log)
    with caplog.at_level(logging.WARNING, logger="test-fallback"):
        km._make_cgroups()
    assert km.user == "" and km._nproc == 0
    assert "no process limit per kernel" in caplog.records[-1].getMessage()


LEAVE = """\
import os, subprocess
from course.grader.sandbox import cgroups
folders = cgroups.make({"pids": 50})
sleep = subprocess.Popen(["sleep", "60"], stdout=subprocess.DEVNULL)
for folder in folders:
    with open(os.path.join(folder, "cgroup.procs"), "w") as f:
        f.write(str(sleep.pid))
print(sleep.pid, *folders, flush=True)
os._exit(0)  # killed, as a worker stuck past the hard limit is: nothing removed
"""


@pytest.mark.unit
@pytest.mark.skipif(bool(cgroups.missing("pids")), reason=f"no pids cgroup here: {cgroups.missing('pids')}")
def test_the_pool_reclaims_a_dead_workers_kernel_cgroups_at_once():
    from course.grader.grade import pool

    worker = subprocess.Popen([sys.executable, "-c", LEAVE], stdout=subprocess.PIPE, text=True, cwd=REPO)
    out, _ = worker.communicate(timeout=60)
    sleep, *folders = out.split()
    assert folders and all(os.path.isdir(f) for f in folders), out
    assert sorted(cgroups.left_by(worker.pid)) == sorted(folders)
    assert cgroups.left_by(os.getpid()) == [], "only that worker's"
    pool.reclaim(worker.pid)
    assert not any(os.path.isdir(f) for f in folders)
    assert not Path(f"/proc/{sleep}").exists() or "Z" in Path(f"/proc/{sleep}/stat").read_text().split(")")[1][:3]
