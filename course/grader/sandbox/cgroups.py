"""A cgroup per grading kernel: a process limit (pids) and a memory limit
(memory) that count every process of that kernel, and nothing else.

RLIMIT_NPROC counts every process of a user, so kernels that all run as
`nobody` would share one; RLIMIT_DATA counts one process's heap, not its
children's nor the tmpfs pages it writes. A cgroup counts them all:

- `make(limits)`: a new cgroup under the grader's own one, in each
  hierarchy that has the controller (cgroup v1: one per controller; v2:
  one), with `pids.max` and `memory.max` (v1: `memory.limit_in_bytes`)
  written. The launcher (course/grader/sandbox/launcher.py --cgroup) moves the kernel
  into it before it starts anything.
- `remove(folders)`: kill whatever is still in them, then remove them;
  `left_by(pid)`: those a killed grading worker left (named by its pid).
- `missing(controllers)`: why a controller cannot be used here (a grader
  that is not root, a cgroup v2 tree that does not delegate it), for the
  grader's log; `COURSE_KERNEL_CGROUP` names the cgroup to make the kernels'
  cgroups in when the grader's own is not the right one (deploy/GRADING.md).
"""
import os
import signal
import time
import uuid

ENV = "COURSE_KERNEL_CGROUP"
# The file that holds each limit: (cgroup v2, cgroup v1).
LIMIT_FILES = {"pids": ("pids.max", "pids.max"), "memory": ("memory.max", "memory.limit_in_bytes")}
PREFIX = "course-kernel-"


def _mounts():
    """[(mount point, fstype, super options)] of the cgroup file systems."""
    found = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            sep = fields.index("-")
            fstype, options = fields[sep + 1], fields[sep + 3]
            if fstype in ("cgroup", "cgroup2"):
                found.append((fields[4], fstype, options.split(",")))
    return found


def _own_paths():
    """{controller or "": this process's cgroup path} from /proc/self/cgroup."""
    paths = {}
    with open("/proc/self/cgroup") as f:
        for line in f:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            for name in controllers.split(",") if controllers else [""]:
                paths[name] = path
    return paths


def parent_folder(controller):
    """(folder, version) where a kernel's cgroup for `controller` is made,
    or (None, why not)."""
    base = os.environ.get(ENV)
    own = _own_paths()
    for mount, fstype, options in _mounts():
        if fstype == "cgroup" and controller in options and controller in own:
            folder = base or os.path.join(mount, own[controller].lstrip("/"))
            return folder, 1
    for mount, fstype, _ in _mounts():
        if fstype == "cgroup2" and "" in own:
            folder = base or os.path.join(mount, own[""].lstrip("/"))
            try:
                with open(os.path.join(mount, "cgroup.controllers")) as f:
                    if controller not in f.read().split():
                        continue  # this v2 tree does not have it (v1 may)
                with open(os.path.join(folder, "cgroup.subtree_control")) as f:
                    if controller not in f.read().split():
                        return None, (f"the cgroup {folder} does not give its children the {controller} "
                                      f"controller (set {ENV} to one that does)")
            except OSError as e:
                return None, f"cannot read {folder}: {e.strerror}"
            return folder, 2
    return None, f"no cgroup hierarchy with the {controller} controller is mounted"


_missing = {}


def missing(controller):
    """Why a kernel cannot get a cgroup with `controller` here, or None.
    Tried once per process (a cgroup made and removed)."""
    if controller not in _missing:
        _missing[controller] = None
        try:
            folders = make({controller: 1 << 30 if controller == "memory" else 1000})
        except OSError as e:
            _missing[controller] = str(e)
        else:
            remove(folders)
    return _missing[controller]


def make(limits):
    """New cgroup folders for one kernel with `limits` ({controller: value});
    a controller that cannot be had raises OSError, with what was made
    removed. Returns the folders (for the launcher's --cgroup)."""
    name = f"{PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"  # the maker's pid: see left_by
    made = {}
    try:
        for controller, value in limits.items():
            parent, version = parent_folder(controller)
            if parent is None:
                raise OSError(version)
            folder = os.path.join(parent, name)
            if folder not in made:
                prune(parent)
                try:
                    os.mkdir(folder)
                except OSError as e:
                    raise OSError(e.errno, f"cannot make a cgroup in {parent}: {e.strerror}") from None
                made[folder] = version
            with open(os.path.join(folder, LIMIT_FILES[controller][version == 1]), "w") as f:
                f.write(str(value))
    except OSError:
        remove(list(made))
        raise
    return list(made)


STALE_S = 600


def prune(parent):
    """Remove the kernel cgroups in `parent` left empty for STALE_S seconds
    or more (a grader killed with its kernel cannot remove its own; another
    grader's on this machine may be new and about to be joined)."""
    for entry in os.scandir(parent):
        if entry.name.startswith(PREFIX) and entry.is_dir():
            try:
                if time.time() - entry.stat().st_mtime > STALE_S and not _procs(entry.path):
                    os.rmdir(entry.path)
            except OSError:
                pass


def left_by(pid):
    """The kernel cgroups that process `pid` made and has not removed: a
    grading worker that was killed leaves its kernel's; the pool that
    started it removes them at once (course/grader/grade/pool.py)."""
    found = []
    for controller in LIMIT_FILES:
        parent, _ = parent_folder(controller)
        try:
            entries = list(os.scandir(parent)) if parent else []
        except OSError:
            continue
        found += [e.path for e in entries if e.name.startswith(f"{PREFIX}{pid}-") and e.path not in found]
    return found


def _procs(folder):
    try:
        with open(os.path.join(folder, "cgroup.procs")) as f:
            return [int(pid) for pid in f.read().split()]
    except OSError:
        return []


def remove(folders, seconds=10):
    """Kill the processes left in each cgroup, then remove it (best effort:
    a cgroup that cannot be removed is left, empty or not)."""
    deadline = time.monotonic() + seconds
    for folder in folders:
        while os.path.isdir(folder):
            for pid in _procs(folder):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            try:
                os.rmdir(folder)
            except OSError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.02)
