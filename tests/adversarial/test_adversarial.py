"""Untrusted submissions (issue 6): every broken or hostile notebook of the
corpus (tests/adversarial/corpus.py) is graded fairly by `python -m course
grade`, and nothing else is harmed.

- One batch: every entry that does not attack the course itself, and the
  reference solution, graded together by the command with 2 workers and
  small limits. Per entry: the score of each graded cell, the message in its
  feedback, the grade command's status.
- Whole batch: the reference still gets full marks, the gradebook's
  assignment and every other row are intact, nothing outside autograded/ and
  feedback/ changed, no process the submissions started is left running,
  the kernels reached no network, and grading again gives the same scores.
- Entries that attack the course (`alone`) are graded each in its own copy
  of the graded course, next to a witness (the reference solution), and
  everything outside their own and the witness's autograded/ and feedback/
  folders is compared before and after, the gradebook row by row.

What the system does not defend yet is marked xfail(strict=True) with the
exact gap (corpus.py, `gaps`): see the README section on untrusted submissions.
"""
import hashlib
import html
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from course.grader import grade
from tests import classroom
from tests.adversarial import corpus as C

pytestmark = pytest.mark.adversarial

ENTRIES = C.corpus()
BY_NAME = {e.name: e for e in ENTRIES}
BATCH = [e for e in ENTRIES if not e.alone]
ALONE = [e for e in ENTRIES if e.alone]
REFERENCE = "reference"
WITNESS = "witness"
LIMIT_FLAGS = ["--cell-timeout", str(C.CELL_TIMEOUT), "--notebook-timeout", str(C.NOTEBOOK_TIMEOUT),
               "--memory-limit", C.MEMORY_LIMIT, "--network", "auto"]
# What the grader itself writes outside autograded/ and feedback/: the gradebook,
# and pytest's bytecode cache of the hidden checks it imports.
GRADER_WRITES = ("autograded", "feedback", "gradebook.db", "gradebook.db-journal", "gradebook.db-wal",
                 "gradebook.db-shm", "tests/hidden/__pycache__")
REGRADED = [REFERENCE, "os-exit", "patch-torch", "forged-judge-reply"]
MAX_OUTPUT_BYTES = 1 << 20  # an autograded notebook or feedback page of step 01 is ~50 kB


def gap(entry, aspect, gaps=None):
    """Why `aspect` of `entry` is a known gap, or None. A submission that is
    not graded at all has no score and no feedback either."""
    gaps = entry.gaps if gaps is None else gaps
    if aspect in ("score", "says") and "graded" in gaps:
        return gaps.get(aspect) or "not graded: " + gaps["graded"]
    return gaps.get(aspect)


def params(entries, aspect):
    """One pytest param per entry; xfail(strict) where `aspect` is a known gap
    (only an AssertionError counts as the expected failure). Gaps that depend
    on who student code runs as (corpus.as_grader) are marked as_grader_gap
    here and made xfail when the test runs (gap_where_code_runs_as_grader)."""
    def marks(e):
        if not gap(e, aspect):
            return []
        if isinstance(e.gaps, C.AsGrader):
            return [pytest.mark.as_grader_gap(aspect)]
        return [pytest.mark.xfail(strict=True, raises=AssertionError, reason=gap(e, aspect))]
    return [pytest.param(e, id=e.name, marks=marks(e)) for e in entries]


@pytest.fixture(autouse=True)
def gap_where_code_runs_as_grader(request):
    """xfail(strict) a test marked as_grader_gap where student code runs as
    the grader's own user (known here, not at collection: it takes a probe)."""
    mark = request.node.get_closest_marker("as_grader_gap")
    if mark:
        entry = request.node.callspec.params["entry"]
        reason = gap(entry, mark.args[0], C.known_gaps(entry))
        if reason:
            request.applymarker(pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason))


# -- reading what grading left ----------------------------------------------------

def tree_digest(root, skip=()):
    """{relative path: sha256} of every file under root, but those under `skip`."""
    root = Path(root)
    digest = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if any(rel == s or rel.startswith(s + "/") for s in skip) or not path.is_file():
            continue
        digest[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def gradebook_dump(db):
    """The gradebook as plain rows: {"course": the assignment's definition
    (cells, sources, points), "students": {id: that student's rows}}."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        q = lambda sql, *a: sorted(tuple(r) for r in con.execute(sql, a))  # noqa: E731
        course = {t: q(f"SELECT * FROM {t}") for t in ("course", "assignment", "notebook", "base_cell",
                                                        "source_cell", "grade_cells", "solution_cells",
                                                        "task_cells")}
        students = {}
        for (sid,) in con.execute("SELECT id FROM student"):
            students[sid] = {
                "student": q("SELECT * FROM student WHERE id = ?", sid),
                "submission": q("SELECT a.name, s.timestamp, s.extension FROM submitted_assignment s "
                                "JOIN assignment a ON a.id = s.assignment_id WHERE s.student_id = ?", sid),
                "notebooks": q("SELECT n.flagged, n.late_submission_penalty FROM submitted_notebook n "
                               "JOIN submitted_assignment s ON s.id = n.assignment_id WHERE s.student_id = ?", sid),
                "grades": q("SELECT c.name, g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade "
                            "FROM grade g JOIN base_cell c ON c.id = g.cell_id JOIN submitted_notebook n "
                            "ON n.id = g.notebook_id JOIN submitted_assignment s ON s.id = n.assignment_id "
                            "WHERE s.student_id = ?", sid),
                "comments": q("SELECT c.name, m.auto_comment, m.manual_comment FROM comment m "
                              "JOIN base_cell c ON c.id = m.cell_id JOIN submitted_notebook n "
                              "ON n.id = m.notebook_id JOIN submitted_assignment s ON s.id = n.assignment_id "
                              "WHERE s.student_id = ?", sid),
            }
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()
    return {"course": course, "students": students, "integrity": integrity}


def cell_scores(dump, student):
    """{grade_id: score} of a student's graded cells, or None if the
    gradebook has no grades for them. A cell that autograde never scored
    (no auto or manual score: nbgrader flags it for manual grading) is None."""
    rows = dump["students"].get(student, {}).get("grades")
    if not rows:
        return None
    return {name: (manual if manual is not None else auto) for name, auto, manual, _, _ in rows
            if name in C.POINTS}


def text_of_html(path):
    """What a student reads on a feedback page: its text, without markup."""
    if not path.is_file():
        return ""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", path.read_text(errors="replace"), flags=re.S | re.I)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return re.sub(r"\s+", " ", text)


def expected_cells(entry):
    return {cell: 0 if cell in entry.lost else points for cell, points in C.POINTS.items()}


def summary_rows(stdout):
    """{student: (score text, status, message)} from the grade command's table."""
    rows = {}
    for line in stdout.splitlines():
        parts = re.split(r"\s{2,}", line.strip(), maxsplit=5)
        if len(parts) >= 5 and parts[0] == C.STEP:
            rows[parts[1]] = (parts[2], parts[3], parts[5] if len(parts) > 5 else "")
    return rows


def processes_with(token):
    """[(pid, cmdline)] of the running processes whose command line holds token."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if token in cmdline:
            found.append((process.pid, cmdline))
    return found


def grade_command(root, *args, timeout=1200):
    env = {k: v for k, v in os.environ.items() if k != "COURSE_DB_URL"} | C.LIMIT_ENV
    return subprocess.run([sys.executable, "-m", "course", "grade", C.STEP, "-j", "2", "--quiet",
                           "--log-dir", str(Path(root).parent / f"logs-{uuid.uuid4().hex[:6]}"),
                           *LIMIT_FLAGS, *args],
                          cwd=root, env=env, capture_output=True, text=True, timeout=timeout)


# -- grading the corpus -----------------------------------------------------------

class Listener:
    """A TCP server on the grader's loopback that counts connections: the
    grader reaches it, a kernel without network must not."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.server.settimeout(0.5)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stop.is_set():
            try:
                self.server.accept()[0].close()
                self.connections += 1
            except OSError:
                pass

    def close(self):
        self.stop.set()
        self.thread.join()
        self.server.close()


@dataclass
class Graded:
    root: Path
    dump: dict
    rows: dict = field(default_factory=dict)        # the grade command's summary
    survivors: dict = field(default_factory=dict)   # entry -> [(pid, cmdline)]
    leftovers: dict = field(default_factory=dict)   # entry -> what it left on the runner
    before: dict = field(default_factory=dict)      # tree digest before grading
    after: dict = field(default_factory=dict)
    dump_before: dict = field(default_factory=dict)
    stdout: str = ""
    stderr: str = ""
    returncode: int = 0
    seconds: float = 0.0

    def feedback(self, student):
        return text_of_html(self.root / "feedback" / student / C.STEP / f"{C.STEP}.html")

    def files(self, student):
        return [self.root / "autograded" / student / C.STEP / f"{C.STEP}.ipynb",
                self.root / "feedback" / student / C.STEP / f"{C.STEP}.html"]


@pytest.fixture(scope="module")
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.fixture(scope="module")
def open_folder():
    """A folder every user may enter, as an instructor's home or /srv is:
    what keeps the kernel out of the course must be the grader's doing, not
    pytest's private temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="course-adversarial-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def context(open_folder, listener):
    root = classroom.new_course(open_folder / "adversarial" / "course", [C.STEP])
    return C.Context(classroom.reference(root, C.STEP), classroom.untouched(root, C.STEP),
                     port=listener.port, token=f"adv{uuid.uuid4().hex[:10]}"), root


def descendants(pids):
    """`pids` and every process below them."""
    found = set(pids)
    for pid in pids:
        try:
            found.update(child.pid for child in psutil.Process(pid).children(recursive=True))
        except psutil.NoSuchProcess:
            pass
    return found


def kill_survivors(token):
    """Record, then end, the processes that the submissions left behind:
    those carrying this run's token (the test started them) and their
    children (`sleep`)."""
    survivors = {}
    found = processes_with(token)
    for pid, cmdline in found:
        name = ("child-process" if f"{token}-child" in cmdline else
                "fork-flood" if f"{token}-flood" in cmdline else "daemon-process")
        survivors.setdefault(name, []).append((pid, cmdline))
    for pid in descendants([pid for pid, _ in found]):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return survivors


# Where anyone may write on the runner, and so where a kernel's files could stay.
SHARED_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock")


def with_token_in_environment(token):
    """[(pid, cmdline)] of the processes whose environment holds token."""
    found = []
    for process in psutil.process_iter(["cmdline", "environ"]):
        environ = process.info["environ"] or {}
        if any(token in name or token in value for name, value in environ.items()):
            found.append((process.pid, " ".join(process.info["cmdline"] or [])))
    return found


def kernel_cgroups():
    """The kernel cgroups that exist now, in every hierarchy the grader uses."""
    from course.grader.sandbox import cgroups

    found = set()
    for controller in ("pids", "memory"):
        parent, _ = cgroups.parent_folder(controller)
        if parent:
            found |= {str(p) for p in Path(parent).glob(cgroups.PREFIX + "*")}
    return found


def leftovers(token, names, cgroups_before):
    """{entry: [what it left]}: files named after `token`-entry in the
    runner's shared folders (and the kernels' homes there, which the grader
    removes), processes carrying the token, and any kernel cgroup made since
    `cgroups_before` (the pids hierarchy may be the host's, shared with other
    graders on the machine, whose cgroups are not this batch's)."""
    files = [p for folder in SHARED_FOLDERS if os.path.isdir(folder)
             for p in [*Path(folder).glob(f"{token}-*"), *Path(folder).glob(f"course-kernel-*/{token}-*")]]
    processes = with_token_in_environment(token) + [p for p in processes_with(token) if "-flood" in p[1]]
    found = {name: [str(p) for p in files if p.name.startswith(f"{token}-{name}-")] for name in names}
    found["fork-flood"] = found.get("fork-flood", []) + [f"process {pid}: {cmd}" for pid, cmd in processes]
    left = sorted(kernel_cgroups() - cgroups_before)
    for name in found:
        found[name] += left
    return found


@pytest.fixture(scope="module")
def batch(context):
    """Every entry but the `alone` ones, and the reference, graded in one go."""
    ctx, root = context
    C.write_submission(root, REFERENCE, ctx.reference)
    for entry in BATCH:
        C.write_submission(root, entry.name, entry.build(ctx))
    students = [REFERENCE] + [e.name for e in BATCH]
    config = grade.grading_config(root)
    # What grade() does first; done here so the gradebook can be compared before/after.
    grade.prepare_gradebook(root, config, [C.STEP], students)
    graded = Graded(root, dump={})
    graded.before = tree_digest(root, GRADER_WRITES)
    graded.dump_before = gradebook_dump(root / "gradebook.db")
    cgroups_before = kernel_cgroups()
    start = time.monotonic()
    out = grade_command(root)
    graded.seconds = time.monotonic() - start
    graded.stdout, graded.stderr, graded.returncode = out.stdout, out.stderr, out.returncode
    graded.leftovers = leftovers(ctx.token, [e.name for e in BATCH], cgroups_before)
    graded.survivors = kill_survivors(ctx.token)
    graded.after = tree_digest(root, GRADER_WRITES)
    graded.dump = gradebook_dump(root / "gradebook.db")
    graded.rows = summary_rows(out.stdout)
    for student in students:
        C.REPORT[student] = (cell_scores(graded.dump, student), graded.rows.get(student))
    return graded


@pytest.fixture(scope="module")
def alone(batch, open_folder):
    """{entry: Graded}: each attack on the course graded in its own copy of
    the graded batch, next to a witness."""
    ctx = C.Context(classroom.reference(batch.root, C.STEP), classroom.untouched(batch.root, C.STEP))
    runs = {}
    for entry in ALONE:
        root = open_folder / entry.name / "course"
        shutil.copytree(batch.root, root, symlinks=True)
        C.write_submission(root, entry.name, entry.build(ctx))
        C.write_submission(root, WITNESS, ctx.reference)
        grade.prepare_gradebook(root, grade.grading_config(root), [C.STEP], [entry.name, WITNESS])
        own = [f"{folder}/{who}" for folder in ("autograded", "feedback") for who in (entry.name, WITNESS)]
        graded = Graded(root, dump={})
        graded.before = tree_digest(root, ("gradebook.db", "tests/hidden/__pycache__", *own))
        graded.dump_before = gradebook_dump(root / "gradebook.db")
        start = time.monotonic()
        out = grade_command(root, "--student", entry.name, "--student", WITNESS)
        graded.seconds = time.monotonic() - start
        graded.stdout, graded.stderr, graded.returncode = out.stdout, out.stderr, out.returncode
        graded.after = tree_digest(root, ("gradebook.db", "tests/hidden/__pycache__", *own))
        graded.dump = gradebook_dump(root / "gradebook.db")
        graded.rows = summary_rows(out.stdout)
        C.REPORT[entry.name] = (cell_scores(graded.dump, entry.name), graded.rows.get(entry.name))
        runs[entry.name] = graded
    return runs


def graded_for(entry, batch, alone):
    return alone[entry.name] if entry.alone else batch


# -- the corpus -------------------------------------------------------------------

def test_corpus_is_broad():
    kinds = {e.kind for e in ENTRIES}
    assert kinds == {"broken", "limits", "numbers", "cheat", "escape"}
    assert len(BY_NAME) == len(ENTRIES), "two corpus entries share a name"
    print(f"\nadversarial corpus: {len(ENTRIES)} submissions")


# -- per entry --------------------------------------------------------------------

@pytest.mark.parametrize("entry", params(ENTRIES, "graded"))
def test_is_graded(entry, batch, alone):
    """The grade command grades it (a limit it broke is a status, not a
    failure) and the gradebook holds a grade for each graded cell."""
    graded = graded_for(entry, batch, alone)
    row = graded.rows.get(entry.name)
    assert row is not None, f"the grade command did not report {entry.name}:\n{graded.stdout[-3000:]}"
    assert row[1] != "failed", f"{entry.name} failed to grade: {row}\n{graded.stderr[-2000:]}"
    if entry.status:
        assert row[1] == entry.status, row
    cells = cell_scores(graded.dump, entry.name)
    assert cells is not None and None not in cells.values(), f"{entry.name} not graded: {cells}"


@pytest.mark.parametrize("entry", params(ENTRIES, "score"))
def test_score(entry, batch, alone):
    """Each graded cell: 0 where the submission is wrong or broken, full
    points where it is right, like the reference."""
    graded = graded_for(entry, batch, alone)
    assert cell_scores(graded.dump, entry.name) == expected_cells(entry), graded.rows.get(entry.name)


@pytest.mark.parametrize("entry", params([e for e in ENTRIES if e.says], "says"))
def test_feedback_says_what_went_wrong(entry, batch, alone):
    text = graded_for(entry, batch, alone).feedback(entry.name)
    assert text, f"no feedback page for {entry.name}"
    for phrase in entry.says:
        assert phrase in text, f"{phrase!r} not in the feedback of {entry.name}: ...{text[-1500:]}"


@pytest.mark.parametrize("entry", params([e for e in ENTRIES if "output" in e.name], "size"))
def test_output_is_bounded(entry, batch):
    for path in batch.files(entry.name):
        assert path.stat().st_size < MAX_OUTPUT_BYTES, f"{path.name}: {path.stat().st_size} bytes"


@pytest.mark.parametrize("entry", params([BY_NAME[n] for n in ("child-process", "daemon-process", "fork-flood")],
                                         "processes"))
def test_no_process_outlives_grading(entry, batch):
    assert not batch.survivors.get(entry.name), (
        f"still running after grading (now killed by the test): {batch.survivors[entry.name]}")


DISK_AND_PROCESSES = ["huge-file-in-home", "fill-tmp", "fill-shm", "full-disk", "fork-flood"]


@pytest.mark.parametrize("entry", params([BY_NAME[n] for n in DISK_AND_PROCESSES], "leftovers"))
def test_nothing_is_left_on_the_runner(entry, batch):
    """What a kernel wrote in /tmp, /dev/shm or its HOME, and the processes
    it started, are gone once it is graded."""
    assert not batch.leftovers[entry.name], f"left on the runner: {batch.leftovers[entry.name][:5]}"


def test_no_network_for_student_code(batch, listener):
    assert listener.connections == 0, "a kernel reached the grader's loopback"
    socket.create_connection(("127.0.0.1", listener.port), timeout=5).close()  # the grader can


def test_a_forged_reply_runs_no_code_in_the_grader(batch):
    ran = [p for p in batch.root.rglob("FORGED-REPLY-RAN-IN-GRADER")]
    assert not ran, f"the kernel's pickle ran code: {ran}"


@pytest.mark.parametrize("entry", params([BY_NAME["read-hidden-tests"]], "leak"))
def test_hidden_checks_and_other_submissions_do_not_leak(entry, batch):
    text = html.unescape(batch.feedback(entry.name))
    hidden = (Path(__file__).parents[1] / "hidden" / "check_01_tensors.py").read_text().splitlines()
    distinctive = [line.strip() for line in hidden if len(line.strip()) > 30]
    assert distinctive, "nothing to look for"
    leaked = [line for line in distinctive if line in text]
    assert not leaked, f"the hidden checks' source is in the student's feedback: {leaked[:2]}"
    assert "submitted/reference" not in text, "another student's submission is in this student's feedback"


@pytest.mark.parametrize("entry", params([BY_NAME["probe-access"]], "leak"))
def test_kernel_cannot_touch_what_grading_trusts(entry, batch):
    probes = re.findall(r"PROBE ([^:]+): read=(\w+) write=(\w+) uid=(\d+)", batch.feedback(entry.name))
    assert len(probes) == 7, probes
    writable = [name for name, _, write, _ in probes if write == "True"]
    readable = [name for name, read, _, _ in probes if read == "True" and name in
                ("gradebook", "tests/hidden/", "other students' submissions")]
    assert not writable and not readable, f"the kernel may write {writable} and read {readable}"


@pytest.mark.parametrize("entry", params(ALONE, "isolation"))
def test_an_attack_changes_nothing_outside_its_own_folders(entry, alone):
    graded = alone[entry.name]
    changed = sorted(k for k in set(graded.before) | set(graded.after)
                     if graded.before.get(k) != graded.after.get(k))
    assert not changed, f"{entry.name} changed {changed[:10]}"
    before, after = graded.dump_before, graded.dump
    assert after["integrity"] == "ok"
    assert after["course"] == before["course"], "the assignment's definition in the gradebook changed"
    others = sorted(set(before["students"]) - {entry.name, WITNESS})
    touched = [s for s in others if after["students"].get(s) != before["students"][s]]
    assert not touched, f"{entry.name} changed the gradebook rows of {touched}"


@pytest.mark.parametrize("entry", params(ALONE, "witness"))
def test_the_witness_next_to_an_attack_gets_full_marks(entry, alone):
    graded = alone[entry.name]
    assert graded.rows.get(WITNESS, ("", "", ""))[1] == "graded", graded.stdout[-2000:]
    assert cell_scores(graded.dump, WITNESS) == C.POINTS
    assert "inplace: passed" in graded.feedback(WITNESS)


# -- the batch as a whole ---------------------------------------------------------

def test_the_reference_in_the_same_batch_gets_full_marks(batch):
    assert batch.rows.get(REFERENCE, ("", "", ""))[1] == "graded", batch.stdout[-3000:]
    assert batch.rows[REFERENCE][0] == "7 / 7"
    assert cell_scores(batch.dump, REFERENCE) == C.POINTS
    assert "inplace: passed" in batch.feedback(REFERENCE)


def test_every_submission_is_reported_and_only_known_gaps_fail(batch):
    students = {REFERENCE} | {e.name for e in BATCH}
    assert set(batch.rows) == students, batch.stdout[-3000:]
    failed = {s for s, row in batch.rows.items() if row[1] == "failed"}
    known = {e.name for e in BATCH if "graded" in C.known_gaps(e)}
    assert failed <= known, f"failed to grade: {failed - known}\n{batch.stderr[-3000:]}"
    assert batch.returncode == (1 if failed else 0)


def test_the_gradebook_is_intact(batch):
    before, after = batch.dump_before, batch.dump
    assert after["integrity"] == "ok"
    assert after["course"] == before["course"], "the assignment's definition in the gradebook changed"
    for student, rows in after["students"].items():
        if rows["grades"]:
            assert sorted(r[0] for r in rows["grades"]) == sorted(C.POINTS), f"{student}: {rows['grades']}"
            assert all(r[2] is None and r[3] is None for r in rows["grades"]), f"{student}: manual scores set"


def test_nothing_outside_autograded_and_feedback_changes(batch):
    changed = sorted(k for k in set(batch.before) | set(batch.after) if batch.before.get(k) != batch.after.get(k))
    assert not changed, f"changed by grading the batch: {changed[:10]}"
    for folder in ("autograded", "feedback"):
        strays = [p.name for p in (batch.root / folder).iterdir()
                  if p.name not in {REFERENCE} | {e.name for e in BATCH}]
        assert not strays, f"{folder}/ holds folders of no student: {strays}"


def test_grading_again_gives_the_same_scores(batch):
    first = {s: cell_scores(batch.dump, s) for s in REGRADED}
    out = grade_command(batch.root, *[a for s in REGRADED for a in ("--student", s)])
    again = gradebook_dump(batch.root / "gradebook.db")
    assert {s: cell_scores(again, s) for s in REGRADED} == first, out.stdout[-3000:]
    rows = summary_rows(out.stdout)
    assert {s: rows[s][:2] for s in REGRADED} == {s: batch.rows[s][:2] for s in REGRADED}
