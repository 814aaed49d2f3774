"""LimitedKernelManager: a grading kernel started through the sandbox's
launcher with the limits of the LimitedExecute that owns it
(course/grader/preprocessors/limited_execute.py says which limits and their
messages), and nothing of it left once it ends.

- processes and memory, per kernel: a cgroup of its own (cgroups.py) with
  `pids.max` = the process limit and a memory limit of memory_limit plus
  scratch_limit (tmpfs pages are memory), counting the kernel and all it
  starts. Where the machine gives no pids cgroup and the grader is root,
  each worker's kernels run as a uid of their own with RLIMIT_NPROC
  (kernel_user.worker_uid): no other kernel counts against it. What cannot
  be had is said once in the grader's log.
- the grading worker is a child subreaper, so whatever the kernel leaves
  running (even in a new session, or double-forked) ends up its child, and
  is killed when the kernel is shut down or found dead; its cgroups, home
  and sockets are removed then too.
"""
import contextlib
import ctypes
import glob
import os
import shutil
import signal
import sys
import tempfile
import uuid

import psutil
from jupyter_client.manager import AsyncKernelManager
from traitlets import CaselessStrEnum, Integer, Unicode

from course.grader.sandbox import cgroups, kernel_user, launcher
from course.grader.sandbox.launcher import NETWORK_MODES

# Room above memory_limit + scratch_limit in a kernel's memory cgroup: the
# code, stacks and page cache that RLIMIT_DATA does not count.
MEMORY_CGROUP_SLACK = 512 * 2**20

PR_SET_CHILD_SUBREAPER = 36


def children_of(pid):
    """The pids whose parent is `pid`."""
    try:
        return [child.pid for child in psutil.Process(pid).children()]
    except psutil.NoSuchProcess:
        return []


def reap_strays(keep):
    """Kill (and wait for) the children of this process that are not in
    `keep`: what a kernel left running. As a subreaper, this process inherits
    the kernel's orphans (daemons, double forks, new sessions), and the
    children of each one killed, hence the rounds."""
    for _ in range(20):
        strays = [pid for pid in children_of(os.getpid()) if pid not in keep]
        if not strays:
            return
        for pid in strays:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for pid in strays:
            try:
                os.waitpid(pid, 0)
            except (ChildProcessError, OSError):
                pass


_warned = set()


def warn_once(log, message):
    """Say `message` in the grader's log once per process."""
    if message not in _warned:
        _warned.add(message)
        log.warning(message)


class LimitedKernelManager(AsyncKernelManager):
    """Starts the kernel through course.grader.sandbox.launcher, with the limits
    of the LimitedExecute that owns it. Off the network, the kernel's zmq
    sockets are Unix sockets (ipc) in its private HOME (or a short path in /tmp)."""

    memory_bytes = Integer(0)
    scratch_bytes = Integer(0)
    file_size_bytes = Integer(0)
    process_limit = Integer(0)
    network = CaselessStrEnum(NETWORK_MODES, default_value="host")
    user = Unicode("", help="The user the kernel runs as ('': the grader's own).")

    def _make_cgroups(self):
        """The kernel's cgroup folders, with its process and memory limits.
        Without a pids cgroup, a root grader's kernel runs as a uid of its
        worker's own with RLIMIT_NPROC instead (self._nproc). A limit the
        machine cannot give is said once in the log."""
        wanted = {}
        if self.process_limit > 0:
            wanted["pids"] = self.process_limit
        if self.memory_bytes > 0:
            wanted["memory"] = self.memory_bytes + self.scratch_bytes + MEMORY_CGROUP_SLACK
        missing = {controller: cgroups.missing(controller) for controller in wanted}
        missing = {controller: why for controller, why in missing.items() if why}
        folders = []
        try:
            folders = cgroups.make({c: v for c, v in wanted.items() if c not in missing})
        except OSError as e:
            missing = {controller: str(e) for controller in wanted}
        self._nproc = 0
        if "pids" in missing:
            if self.user:  # root: a uid that only this worker's kernels use
                self.user, self._nproc = kernel_user.worker_uid(), self.process_limit
                warn_once(self.log, f"no pids cgroup per kernel ({missing['pids']}): each worker's kernel runs as "
                                    f"a uid of its own, with RLIMIT_NPROC {self.process_limit} (deploy/GRADING.md)")
            else:
                warn_once(self.log, "no process limit per kernel: a submission can start processes until the "
                                    f"machine runs out ({missing['pids']}; deploy/GRADING.md)")
        if "memory" in missing:
            warn_once(self.log, "no memory limit per kernel across its processes and tmpfs (RLIMIT_DATA per "
                                f"process only) ({missing['memory']}; deploy/GRADING.md)")
        return folders

    async def start_kernel(self, **kwargs):
        # Orphans of the kernel (daemons, double forks) become our children,
        # not init's, so they can be killed when the kernel is shut down:
        # killing the kernel's process group misses those in a new session.
        ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        self._children_before = set(children_of(os.getpid()))
        self._cgroups = self._make_cgroups()  # first: it may choose the kernel's uid
        try:
            # The kernel's own data root, without the test sets (whoever it runs
            # as): only the grader reads the test labels (course/grader/sandbox/kernel_user.py).
            self._home = kernel_user.kernel_home(self.user or None)
            if self.transport == "ipc" and self.scratch_bytes > 0:
                # The sockets go in the kernel's private HOME, reached through
                # /proc/<kernel>/root (_async_launch_kernel): no folder of the
                # runner's is left for the kernel to write into.
                self.ip = str(self._home / "k")
            if self.scratch_bytes > 0:
                works, why = launcher.scratch_works()
                if not works:
                    warn_once(self.log, "no private /tmp, /dev/shm and HOME per kernel: what student code writes "
                                        f"there stays on the runner, with no size limit ({why}; deploy/GRADING.md)")
            env = dict(kwargs.get("env") or os.environ)
            env["COURSE_DATA_DIR"] = str(self._home / "data")
            env["COURSE_DATA_CACHE"] = str(self._home / "data-cache")
            kwargs["env"] = env
            return await super().start_kernel(**kwargs)
        except BaseException:  # no kernel to shut down later: leave nothing behind now
            cgroups.remove(self._cgroups)
            self._cgroups = []
            raise

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        await super()._async_launch_kernel(kernel_cmd, **kw)
        if self.transport == "ipc" and self.scratch_bytes > 0:
            seen = f"/proc/{self.provisioner.process.pid}/root{self.ip}"
            if len(seen) < 100:  # a Unix socket's path has room for 107 bytes, and "-<port>"
                self.ip = seen

    async def shutdown_kernel(self, now=False, restart=False):
        try:
            return await super().shutdown_kernel(now=now, restart=restart)
        finally:
            self._leave_nothing()

    async def _async_cleanup_resources(self, restart=False):
        # nbclient calls this alone (no shutdown_kernel) for a kernel that
        # already died: os._exit, a segfault, the memory cgroup's kill.
        try:
            return await super()._async_cleanup_resources(restart=restart)
        finally:
            self._leave_nothing()

    cleanup_resources = _async_cleanup_resources

    def _leave_nothing(self):
        """Kill what the kernel left running, remove its cgroups, its home
        and its sockets (once; after a shutdown, or a kernel found dead)."""
        reap_strays(getattr(self, "_children_before", set()))
        cgroups.remove(getattr(self, "_cgroups", []))
        self._cgroups = []
        if getattr(self, "_home", None):
            shutil.rmtree(self._home, ignore_errors=True)
        if self.transport == "ipc":  # a kernel that died mid-run leaves its sockets behind
            for path in glob.glob(f"{self.ip}-*"):
                with contextlib.suppress(OSError):
                    os.unlink(path)

    def isolate(self):
        self.transport = "ipc" if self.network != "host" else "tcp"
        if self.transport == "ipc":
            # Unix socket paths are short (108 bytes): not the runtime dir
            # (start_kernel moves them into the kernel's home).
            self.ip = f"{tempfile.gettempdir()}/ck-{uuid.uuid4().hex[:16]}"

    def format_kernel_cmd(self, extra_arguments=None):
        command = super().format_kernel_cmd(extra_arguments)
        user = ["--user", self.user] if self.user else []
        if getattr(self, "_nproc", 0):
            user += ["--nproc", str(self._nproc)]
        # The grader's data roots, test labels included, covered for the kernel.
        hide = [arg for folder in kernel_user.hidden_folders(self._home) for arg in ("--hide", str(folder))]
        scratch = []
        if self.scratch_bytes > 0:  # what the kernel needs from under the folders made private
            scratch = ["--scratch", str(self.scratch_bytes), "--keep-ro", str(self._home / "data"),
                       *(a for p in kernel_user.needed_folders() for a in ("--keep", str(p)))]
        cgroup = [arg for folder in self._cgroups for arg in ("--cgroup", folder)]
        return [sys.executable, "-m", "course.grader.sandbox.launcher", "--memory", str(self.memory_bytes),
                "--file-size", str(self.file_size_bytes), "--network", self.network, *cgroup, *hide,
                *scratch, "--home", str(self._home), *user, "--", *command]
