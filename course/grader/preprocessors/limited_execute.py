"""Limits per submission while autograding: time per cell, time per notebook,
memory, disk, processes, and no network for student code.

nbgrader_config.py puts `LimitedExecute` (through GradingExecute) in place of nbgrader's `Execute` in
autograde, so plain `nbgrader autograde`, the formgrader and
`python -m course grade` all grade under the same limits:

    c.Execute.timeout                 per cell, seconds (nbgrader's own setting)
    c.LimitedExecute.notebook_timeout whole notebook, seconds (0: none)
    c.LimitedExecute.memory_limit     "4G", "512M", "none"
    c.LimitedExecute.network          "none" | "auto" | "host"
    c.LimitedExecute.scratch_limit    "1G": the kernel's /tmp, /dev/shm and HOME together
    c.LimitedExecute.file_size_limit  "1G": one file, anywhere
    c.LimitedExecute.process_limit    512: processes and threads of one kernel (0: none)

A submission that breaks a limit is still graded: the cell that broke it gets
an error output that says which limit and what to do (nbgrader scores a test
cell with an error as 0, and shows the output in the feedback), the cells
after a notebook time limit or a dead kernel get a "not run" error, and every
cell that did run keeps its points. How each limit is enforced:

- time per cell: nbclient interrupts the kernel after `Execute.timeout`;
  the cell gets a TimeLimitExceeded error and the notebook goes on.
- time per notebook: each cell's timeout is cut to what is left of the
  notebook's budget; when it runs out the cell is interrupted and the rest
  are not run. `course.grader.grade` also kills a worker whose notebook is still
  running well past the budget (a kernel that ignores interrupts), and records
  that submission with every cell "not run" (see `not_run_reason`).
- memory and network: applied by `course.grader.sandbox.launcher`, a launcher put in front of
  the kernel's command (RLIMIT_DATA; a network namespace, with the kernel
  talking to nbclient over zmq's ipc transport instead of TCP).
- disk: the kernel's /tmp, /var/tmp, /dev/shm and HOME are one private
  tmpfs of `scratch_limit` (launcher --scratch), gone with the kernel; its
  data view is bound in read-only. Any file it writes stops at
  `file_size_limit` (RLIMIT_FSIZE). A write past either fails (ENOSPC,
  EFBIG), and the cell gets a DiskLimitExceeded note.
- processes and memory, per kernel: a cgroup of its own (sandbox/cgroups.py)
  with `pids.max` = `process_limit` and a memory limit of `memory_limit`
  plus `scratch_limit` (tmpfs pages are memory), counting the kernel and
  all it starts; without a pids cgroup, as root, a uid per worker with
  RLIMIT_NPROC (sandbox/kernel_manager.py). A fork that fails gets a
  ProcessLimitExceeded note. What the machine cannot give, the grader says
  once in its log (without a memory cgroup, RLIMIT_DATA per process is all
  that bounds memory).
- output: nbgrader's LimitOutput cuts outputs by lines; one output's text is
  also cut to `max_output_chars` characters (an 8 MB line stays 8 MB else).
- user: a grader running as root runs student code as `nobody` (see
  `kernel_user` and course/grader/sandbox/kernel_user.py), so it cannot read the hidden
  checks or the other submissions, nor write the gradebook or the course.
- processes: the grading worker is a child subreaper, so whatever the kernel
  leaves running (even in a new session, or double-forked) ends up its child,
  and is killed when the kernel is shut down (sandbox/kernel_manager.py).
"""
import math
import time

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import CaselessStrEnum, Integer, Unicode

from course import find_course_root
from course.grader.sandbox import kernel_user
from course.grader.sandbox.kernel_manager import LimitedKernelManager
from course.grader.sandbox.launcher import NETWORK_MODES

# The `ename` of the error outputs this module writes: feedback shows them,
# and course.grader.grade reads them back to say which limit a submission broke.
TIME_LIMIT = "TimeLimitExceeded"
MEMORY_LIMIT = "MemoryLimitExceeded"
KERNEL_DIED = "KernelDied"
NOT_RUN = "NotRun"
NO_NETWORK = "NoNetwork"
DISK_LIMIT = "DiskLimitExceeded"
PROCESS_LIMIT = "ProcessLimitExceeded"
LIMIT_ERRORS = (TIME_LIMIT, MEMORY_LIMIT, KERNEL_DIED, NOT_RUN, NO_NETWORK, DISK_LIMIT, PROCESS_LIMIT)
# What Python says when code without a network tries to use one.
NETWORK_ERRORS = ("Network is unreachable", "Temporary failure in name resolution",
                  "Name or service not known", "No address associated with hostname")
# What Python (and torch) say when a write goes past the disk or file-size limit.
DISK_ERRORS = ("No space left on device", "File too large", "Disk quota exceeded")
# ... and when a process or thread cannot be started (fork's EAGAIN).
PROCESS_ERRORS = ("Resource temporarily unavailable", "can't start new thread")
_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def parse_size(text):
    """Bytes in "4G", "512M", "1.5G", "1000000" (powers of 1024); None for
    no limit ("", "0", "none")."""
    text = str(text).strip().upper().removesuffix("B").removesuffix("I")
    if text in ("", "0", "NONE", "UNLIMITED"):
        return None
    unit = text[-1] if text[-1] in _UNITS else ""
    number = text[:-1] if unit else text
    try:
        value = float(number) * _UNITS[unit]
    except ValueError:
        raise ValueError(f"not a memory size: {text!r} (write e.g. 4G, 512M or none)") from None
    if value <= 0:
        return None
    return int(value)


def format_size(nbytes):
    for unit in ("T", "G", "M", "K"):
        if nbytes >= _UNITS[unit] and nbytes % _UNITS[unit] == 0:
            return f"{nbytes // _UNITS[unit]} {unit}iB"
    if nbytes >= _UNITS["M"]:
        return f"{nbytes / _UNITS['G']:.1f} GiB" if nbytes >= _UNITS["G"] else f"{nbytes / _UNITS['M']:.0f} MiB"
    return f"{nbytes} bytes"


def error_output(ename, message):
    """A cell output that nbgrader scores as an error and feedback shows."""
    return NotebookNode(output_type="error", ename=ename, evalue=message,
                        traceback=[f"\x1b[0;31m{ename}\x1b[0m: {message}"])


def is_out_of_memory(output):
    if output.get("output_type") != "error":
        return False
    text = f"{output.get('ename', '')}: {output.get('evalue', '')}"
    return (output.get("ename", "").endswith("MemoryError") or "can't allocate memory" in text
            or "Cannot allocate memory" in text or "bad_alloc" in text)


class LimitedExecute(Execute):
    """nbgrader's Execute, with a notebook time limit, memory and network
    limits for the kernel, and clear messages for each limit."""

    notebook_timeout = Integer(
        0, help="Seconds a whole notebook may run while autograding (0: no limit)."
    ).tag(config=True)
    memory_limit = Unicode(
        "none", help='Memory (RLIMIT_DATA) of the grading kernel: "4G", "512M" or "none".'
    ).tag(config=True)
    network = CaselessStrEnum(
        NETWORK_MODES, default_value="auto",
        help="Network for student code: none (isolate, or refuse to grade), "
             "auto (isolate where the machine allows it), host (no isolation).",
    ).tag(config=True)
    scratch_limit = Unicode(
        "1G", help='Size of the kernel\'s private /tmp, /var/tmp, /dev/shm and HOME, together (one tmpfs, so '
                   'memory too): "1G", "256M" or "none" (the runner\'s own folders, no limit).',
    ).tag(config=True)
    file_size_limit = Unicode(
        "1G", help='Largest file the kernel may write, anywhere (RLIMIT_FSIZE): "1G" or "none".',
    ).tag(config=True)
    process_limit = Integer(
        512, help="Processes and threads one kernel may run at once (a pids cgroup; 0: no limit).",
    ).tag(config=True)
    kernel_user = Unicode(
        "auto", help="Who student code runs as when the grader is root: auto (nobody, where "
                     "nobody can run this Python; else root, with a warning), none (the "
                     "grader's own user), or a user name (that user, or refuse to grade).",
    ).tag(config=True)
    max_output_chars = Integer(
        100_000, help="Characters of text one output of a cell keeps while grading; "
                      "the rest is cut, with a note (0: no limit).",
    ).tag(config=True)
    not_run_reason = Unicode(
        "", help="If set, run no cell and record every code cell as not run, "
                 "with this message (course.grader.grade uses it for a submission whose "
                 "worker it had to kill).",
    ).tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", LimitedKernelManager)
        super().__init__(*args, **kwargs)

    # -- the kernel ------------------------------------------------------------

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        if isinstance(km, LimitedKernelManager):
            km.memory_bytes = parse_size(self.memory_limit) or 0
            km.scratch_bytes = parse_size(self.scratch_limit) or 0
            km.file_size_bytes = parse_size(self.file_size_limit) or 0
            km.process_limit = max(0, self.process_limit)
            km.network = self.network
            km.user = self._kernel_user() or ""
            km.isolate()
        return km

    def _kernel_user(self):
        """The user to run this notebook's kernel as (None: the grader's),
        with the course's private parts closed to it."""
        user = kernel_user.choose(self.kernel_user, self.log)
        if user:
            kernel_user.close_course(find_course_root())
        return user

    def _disk_text(self):
        scratch, file_size = parse_size(self.scratch_limit), parse_size(self.file_size_limit)
        limits = ([f"{format_size(scratch)} for all it writes in HOME, /tmp and /dev/shm together"] if scratch else []) + \
                 ([f"{format_size(file_size)} for one file"] if file_size else [])
        return ("This cell wrote more than a notebook may write while grading ("
                + (" and ".join(limits) or "the disk was full") + "), and the write failed. Write smaller "
                "files, delete those you no longer need, or keep results in memory.")

    def _memory_text(self):
        limit = parse_size(self.memory_limit)
        return format_size(limit) if limit else "the machine's memory"

    # -- time ------------------------------------------------------------------

    def _cell_timeout(self, cell):
        return self._this_cell_limit

    def preprocess(self, nb, resources=None, km=None):
        self._started = time.monotonic()
        self._stopped = self.not_run_reason or None
        self._this_cell_limit = self.timeout
        self.timeout_func = self._cell_timeout
        if self._stopped:
            # No kernel at all: every code cell is recorded as not run.
            for cell in nb.cells:
                if cell.cell_type == "code" and cell.source.strip():
                    cell.outputs = [error_output(NOT_RUN, self._stopped)]
            return nb, resources
        return super().preprocess(nb, resources, km)

    def _limit_for_cell(self):
        """(seconds, message) for the next cell, or None if the notebook's
        time is up."""
        cell_limit = self.timeout if self.timeout and self.timeout > 0 else None
        cell_message = (f"This cell ran longer than {cell_limit} s, the time limit for one cell "
                        "while grading, and was stopped. Make it faster (fewer steps, less data) "
                        "and check that it finishes when you run it yourself.")
        if not self.notebook_timeout:
            return cell_limit, cell_message
        left = self.notebook_timeout - (time.monotonic() - self._started)
        if left <= 0:
            return None
        if cell_limit is None or left < cell_limit:
            return max(1, math.ceil(left)), (
                f"The notebook ran longer than {self.notebook_timeout} s, the time limit for a "
                "whole notebook while grading: this cell was stopped and the cells after it "
                "were not run. Cells that ran before it keep their points.")
        return cell_limit, cell_message

    def _stop(self, message):
        self._stopped = message

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, resources
        if self._stopped:
            cell.outputs = [error_output(NOT_RUN, self._stopped)]
            return cell, resources
        limit = self._limit_for_cell()
        if limit is None:
            self._stop(f"Not run: the notebook had used up its time limit of "
                       f"{self.notebook_timeout} s before this cell.")
            cell.outputs = [error_output(NOT_RUN, self._stopped)]
            return cell, resources
        self._this_cell_limit, message = limit
        self.error_on_timeout = {"ename": TIME_LIMIT, "evalue": message,
                                 "traceback": [f"\x1b[0;31m{TIME_LIMIT}\x1b[0m: {message}"]}
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except CellTimeoutError:
            # Interrupted, and the kernel did not stop: nothing more can run.
            cell.outputs.append(error_output(TIME_LIMIT, message + " (The kernel did not stop "
                                             "when interrupted, so the cells after it were not run.)"))
            self._stop("Not run: an earlier cell ran past its time limit and could not be stopped.")
        except DeadKernelError:
            died = (f"The notebook's kernel died while running this cell: it probably used more "
                    f"memory than the {self._memory_text()} a notebook may use while grading "
                    "(or crashed). The cells after it were not run.")
            cell.outputs.append(error_output(KERNEL_DIED, died))
            self._stop("Not run: the kernel died in an earlier cell.")
        else:
            self._explain(cell, message)
        self._cut_long_outputs(cell)
        return cell, resources

    def _cut_long_outputs(self, cell):
        """nbgrader's LimitOutput counts lines: one huge line would be kept
        whole in the autograded notebook and the feedback page."""
        limit = self.max_output_chars
        for output in cell.outputs if limit else []:
            for holder, key in ((output, "text"), (output.get("data", {}), "text/plain")):
                text = holder.get(key)
                if isinstance(text, str) and len(text) > limit:
                    holder[key] = (text[:limit] + f"\n[... {len(text) - limit} more characters cut: one output "
                                   f"may keep {limit} characters while grading]\n")

    def _explain(self, cell, timeout_message):
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        timed_out = any(o.get("ename") == TIME_LIMIT for o in errors)
        if timed_out:
            # The interrupt's own KeyboardInterrupt traceback says nothing useful.
            cell.outputs = [o for o in cell.outputs if o.get("ename") != "KeyboardInterrupt"]
            if "whole notebook" in timeout_message:
                self._stop(f"Not run: the notebook ran past its time limit of {self.notebook_timeout} s "
                           "in an earlier cell.")
        elif self.network != "host" and any(
                m in f"{o.get('ename')}: {o.get('evalue')}" for o in errors for m in NETWORK_ERRORS):
            cell.outputs.append(error_output(
                NO_NETWORK, "Student code has no network access while grading: nothing can be "
                "downloaded or sent. Use the data the course provides (the data root)."))
        elif any(m in f"{o.get('ename')}: {o.get('evalue')}" for o in errors for m in DISK_ERRORS):
            cell.outputs.append(error_output(DISK_LIMIT, self._disk_text()))
        elif self.process_limit > 0 and any(
                m in f"{o.get('ename')}: {o.get('evalue')}" for o in errors for m in PROCESS_ERRORS):
            cell.outputs.append(error_output(
                PROCESS_LIMIT,
                f"This cell could not start a process or thread: a notebook may run {self.process_limit} "
                "processes and threads at once while grading. Start fewer (a DataLoader needs no more "
                "than num_workers=4) and let them finish before starting more."))
        elif any(is_out_of_memory(o) for o in errors):
            cell.outputs.append(error_output(
                MEMORY_LIMIT,
                f"This cell ran out of memory: a notebook may use {self._memory_text()} while "
                "grading. Use smaller tensors or batches, and do not keep what you no longer need."))
