"""A class graded by a Slurm job array (deploy/grading/slurm-submit.sh) on a
one-node Slurm cluster that the test starts on loopback (munged, slurmctld and
slurmd with a throwaway slurm.conf), every task writing to a PostgreSQL
gradebook started as in tests/test_gradebook_postgres.py.

- The array's scores equal, cell by cell, what `python -m course grade` gives
  on one machine for the same class (computed here, SQLite).
- One task is killed in the middle of its shard (`scontrol requeue`: Slurm
  kills it and queues it again): nothing is lost, nothing counted twice (one
  submission per step and student, one grade per graded cell).
- A task cancelled for good is reported by the dependent job with the
  students it did not grade.

Needs root (slurmd starts jobs as their user) and Slurm and munge (Debian:
slurm-wlm munge; installed here with apt-get when missing); skips, saying
why, where they cannot be had. Prints its figures (tasks, seconds, students).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest

from course.grader.grade import read_grades_csv, shard_of
from tests import classroom
from tests.test_gradebook_postgres import postgres  # noqa: F401 (the PostgreSQL server fixture)

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[1]
SUBMIT = REPO / "deploy/grading/slurm-submit.sh"
STEPS = ["01_tensors", "02_bare_minimum"]
# Four students, each with both steps: reference, untouched, and realistic
# mistakes from tests/mistakes/ (one per step).
CLASS = {
    "ref": {step: "reference" for step in STEPS},
    "blank": {step: "untouched" for step in STEPS},
    "mis-a": {"01_tensors": "off-by-one-column", "02_bare_minimum": "no-return"},
    "mis-b": {"01_tensors": "integer-tensors", "02_bare_minimum": "returns-global"},
}
BINARIES = ("munged", "slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "scancel", "sinfo")
PACKAGES = ("slurm-wlm", "munge")


def hand_in(root, students, exchange, monkeypatch):
    """The class through nbgrader's exchange, as on a hub: release, each
    student fetches, answers (reference, untouched, or a mistake of
    tests/mistakes/) and submits, the instructor collects into submitted/."""
    from course.grader import instructor, loop
    from tests.mistakes import all_mistakes

    def answer(step, kind):
        solve = instructor.solve(root, step)
        if kind == "reference":
            return solve
        if kind == "untouched":
            return instructor.leave_untouched
        cells = all_mistakes()[step][kind]["answers"]
        return lambda fetched: instructor.with_cells(solve(fetched), cells)

    exchange.mkdir()
    monkeypatch.setenv("COURSE_EXCHANGE", str(exchange))  # read by nbgrader_config.py
    steps = sorted({step for answers in students.values() for step in answers})
    submissions = {student: {step: answer(step, kind) for step, kind in answers.items()}
                   for student, answers in students.items()}
    loop.hand_out(root, submissions, root.parent / f"{root.name}-students", steps)


# -- the cluster ------------------------------------------------------------------

def find_or_install_slurm():
    """None when Slurm and munge are here (installed now if need be), else why not."""
    missing = [b for b in BINARIES if not shutil.which(b)]
    if missing and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (["apt-get", "update", "-qq"],
                        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES]):
            try:
                out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
            except subprocess.TimeoutExpired:
                return f"{' '.join(command)} took over 900 s"
            if out.returncode != 0:
                return f"{' '.join(command)} failed: {out.stderr.strip()[-500:]}"
        missing = [b for b in BINARIES if not shutil.which(b)]
    if missing:
        return f"Slurm and munge not found ({', '.join(missing)}): apt-get install -y {' '.join(PACKAGES)}"
    return None


class SlurmCluster:
    """One node on loopback: munged (its own key and socket), slurmctld and
    slurmd, all in the foreground as children of this process, with their
    config, state and logs in one temp folder. stop() ends the jobs and the
    daemons and removes the folder. Every command gets SLURM_CONF (env)."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="course-slurm-"))
        self.dir.chmod(0o755)  # munge's socket must be reachable by every user
        self.conf = self.dir / "slurm.conf"
        self.socket = self.dir / "munge" / "munge.socket"
        self.daemons = []

    @property
    def env(self):
        return {**os.environ, "SLURM_CONF": str(self.conf)}

    def run(self, *command, check=True, timeout=60):
        out = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and out.returncode != 0:
            raise RuntimeError(f"{' '.join(command)}: {out.stdout}{out.stderr}\n{self.logs()}")
        return out.stdout

    def _daemon(self, name, *command):
        log = open(self.dir / "log" / f"{name}.out", "w")
        self.daemons.append((name, subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT)))

    def start(self):
        from tests.classroom import free_port

        (self.dir / "log").mkdir()
        (self.dir / "munge").mkdir(mode=0o755)
        key = self.dir / "key"
        key.mkdir(mode=0o700)
        (key / "munge.key").write_bytes(os.urandom(1024))
        (key / "munge.key").chmod(0o400)
        self._daemon("munged", "munged", "--foreground", f"--socket={self.socket}", f"--key-file={key / 'munge.key'}",
                     f"--pid-file={self.dir / 'munge' / 'munged.pid'}", f"--seed-file={key / 'munged.seed'}",
                     f"--log-file={self.dir / 'log' / 'munged.log'}")
        self.wait(lambda: self.socket.exists(), 20, "munged's socket")
        # This machine's CPUs and memory, as slurmd sees them (a node that
        # claims more than it has is drained).
        node = dict(item.split("=", 1) for item in self.run("slurmd", "-C").split()[:7] if "=" in item)
        self.conf.write_text(f"""\
ClusterName=coursetest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort={free_port()}
SlurmdPort={free_port()}
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire: how long a requeued job waits before it may start again (default 120 s)
AuthInfo=socket={self.socket},cred_expire=10
StateSaveLocation={self.dir / 'state'}
SlurmdSpoolDir={self.dir / 'spool'}
SlurmctldPidFile={self.dir / 'slurmctld.pid'}
SlurmdPidFile={self.dir / 'slurmd.pid'}
SlurmctldLogFile={self.dir / 'log' / 'slurmctld.log'}
SlurmdLogFile={self.dir / 'log' / 'slurmd.log'}
# No cgroups in a container: processes tracked by their parents, no binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
KillWait=5
ReturnToService=2
MpiDefault=none
NodeName=localhost NodeAddr=127.0.0.1 CPUs={node['CPUs']} RealMemory={node['RealMemory']} State=UNKNOWN
PartitionName=grading Nodes=localhost Default=YES MaxTime=INFINITE State=UP
""")
        for folder in ("state", "spool"):
            (self.dir / folder).mkdir()
        self._daemon("slurmctld", "slurmctld", "-D", "-f", str(self.conf))
        self._daemon("slurmd", "slurmd", "-D", "-f", str(self.conf), "-N", "localhost")
        self.wait(lambda: self.run("sinfo", "-h", "-o", "%T", check=False).strip() == "idle", 60, "the node idle")
        self.cpus = int(node["CPUs"])
        return self

    def wait(self, ready, seconds, what):
        """Until ready(), or fail (with the daemons' logs) after `seconds` or if a daemon exits."""
        deadline = time.monotonic() + seconds
        while not ready():
            for name, process in self.daemons:
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited ({process.returncode}) while waiting for {what}\n{self.logs()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"no {what} after {seconds} s\n{self.logs()}")
            time.sleep(0.5)

    def logs(self, lines=30):
        text = []
        for path in sorted((self.dir / "log").glob("*")):
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            text.append(f"--- {path.name}\n" + "\n".join(tail))
        return "\n".join(text)

    def jobs(self, *ids):
        """{job or array task id: state} of these jobs still known to squeue."""
        out = self.run("squeue", "-h", "-j", ",".join(ids), "-o", "%i %T", check=False)
        return dict(line.split() for line in out.splitlines() if line.strip())

    def show(self, job):
        """scontrol show job, as {field: value} (first record)."""
        out = self.run("scontrol", "show", "job", "-o", job)
        return dict(item.split("=", 1) for item in out.splitlines()[0].split() if "=" in item)

    def wait_done(self, *ids, seconds):
        self.wait(lambda: not self.jobs(*ids), seconds, f"end of jobs {', '.join(ids)}")

    def stop(self):
        try:
            if any(name == "slurmctld" and p.poll() is None for name, p in self.daemons):
                self.run("scancel", f"--user={os.geteuid()}", check=False)
                deadline = time.monotonic() + 60
                while self.run("squeue", "-h", check=False).strip() and time.monotonic() < deadline:
                    time.sleep(1)
        finally:
            for name, process in reversed(self.daemons):
                process.terminate()
            for name, process in reversed(self.daemons):
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster():
    if os.geteuid() != 0:
        pytest.skip("needs root: slurmd starts each job as the user who submitted it")
    why = find_or_install_slurm()
    if why:
        pytest.skip(why)
    cluster = SlurmCluster()
    try:
        cluster.start()
    except Exception as e:
        cluster.stop()
        pytest.fail(f"the Slurm cluster did not start: {e}")
    try:
        yield cluster
    finally:
        cluster.stop()


# -- grading ---------------------------------------------------------------------

def grading_env(cluster, root, postgres_url, tmp_path):
    data = os.environ.get("COURSE_DATA_DIR") or str(tmp_path / "data")
    Path(data).mkdir(parents=True, exist_ok=True)
    # COURSE_EXCHANGE (the class's exchange, set by hand_in) goes along:
    # release_feedback puts the feedback there.
    return {**cluster.env, "COURSE_DIR": str(root), "COURSE_DATA_DIR": data, "COURSE_DB_URL": postgres_url,
            "COURSE_PYTHON": sys.executable, "GRADE_SHARDS": "2"}


def submit(cluster, env, steps):
    """slurm-submit.sh STEPS, one CPU per task: (array job id, finish job id, run dir)."""
    out = subprocess.run(["bash", str(SUBMIT), *steps, "--", "--cpus-per-task=1", "--mem=2G", "--time=30:00"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    array, finish = re.search(r"array job (\d+), then job (\d+)", out.stdout).groups()
    run_dir = Path(re.search(r"Logs: (\S+)", out.stdout).group(1))
    return array, finish, run_dir


def started(log):
    """The submissions a grading worker's log says it started, in order."""
    return re.findall(r"^--- (\S+) (\S+)$", log.read_text(), re.M) if log.is_file() else []


def gradebook_census(db_url, students):
    """The rows of these students, as Counters: submissions per (step,
    student), grades per (submitted notebook, cell)."""
    from nbgrader.api import Gradebook, Grade, SubmittedAssignment

    with Gradebook(db_url, os.environ.get("COURSE_ID", "pytorch-baby-steps")) as gb:
        submissions = Counter((s.assignment.name, s.student_id) for s in gb.db.query(SubmittedAssignment)
                              if s.student_id in students)
        grades = Counter((g.notebook_id, g.cell_id) for g in gb.db.query(Grade)
                         if g.notebook.assignment.student_id in students)
    return submissions, grades


def scores(db_url, students):
    return {(step, student): classroom.cell_scores(db_url, step, student)
            for student, steps in students.items() for step in steps}


def test_array_grades_like_one_machine_and_survives_a_killed_task(cluster, postgres, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.delenv("COURSE_DB_URL", raising=False)  # each copy's release is made locally
    alone = classroom.new_course(tmp_path / "alone", STEPS)
    shared = classroom.new_course(tmp_path / "shared", STEPS)
    for root in (alone, shared):
        hand_in(root, CLASS, tmp_path / f"{root.name}-exchange", monkeypatch)
    notebooks = sum(len(steps) for steps in CLASS.values())

    # One machine, the command itself, SQLite.
    start = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "course", "grade", *STEPS, "-j", str(cluster.cpus), "--quiet"],
                         cwd=alone, capture_output=True, text=True, timeout=1800)
    alone_seconds = time.monotonic() - start
    assert out.returncode == 0, out.stdout + out.stderr
    expected = scores(f"sqlite:///{alone / 'gradebook.db'}", CLASS)
    assert expected[("01_tensors", "ref")] != expected[("01_tensors", "mis-a")]  # the class is not all alike

    # The array: two tasks, one shard of the students each.
    env = grading_env(cluster, shared, postgres.url, tmp_path)
    start = time.monotonic()
    array, finish, run_dir = submit(cluster, env, STEPS)
    # Kill task 1 in the middle of its shard: once its worker has recorded
    # one submission and started the next.
    log = run_dir / "shard-1" / "worker-0.log"
    cluster.wait(lambda: len(started(log)) >= 2, 900, "second submission in task 1")
    assert cluster.jobs(f"{array}_1").get(f"{array}_1") == "RUNNING"
    before, _ = gradebook_census(postgres.url, shard_of(sorted(CLASS), 1, 2))
    recorded_before = sorted(before)
    assert recorded_before  # task 1 has written to the gradebook: this is the middle of its shard
    cluster.run("scontrol", "requeue", f"{array}_1")
    cluster.wait_done(array, finish, seconds=1800)
    array_seconds = time.monotonic() - start

    task_1 = cluster.show(f"{array}_1")
    assert task_1["Restarts"] == "1" and task_1["JobState"] == "COMPLETED", task_1
    assert "DUE TO JOB REQUEUE" in (run_dir / f"slurm-{array}_1.out").read_text()
    report = (run_dir / f"slurm-{finish}-finish.out").read_text()
    assert cluster.show(finish)["ExitCode"] == "0:0", report
    assert f"{notebooks} graded in this run, 0 not" in report, report

    # Nothing lost: every score as on one machine, cell by cell.
    assert scores(postgres.url, CLASS) == expected
    # Nothing counted twice: one submission per step and student, one grade per graded cell.
    submissions, grades = gradebook_census(postgres.url, CLASS)
    assert set(submissions) == {(step, s) for s, steps in CLASS.items() for step in steps}
    assert set(submissions.values()) == {1} and set(grades.values()) == {1}
    assert len(grades) == sum(len(cells) for cells in expected.values())
    # The dependent job released the feedback and exported the grades.
    released = list(Path(env["COURSE_EXCHANGE"]).glob("*/feedback/*.html"))
    assert len(released) == notebooks, released
    exported = read_grades_csv(run_dir / "grades.csv")
    assert {(r["assignment"], r["student_id"]) for r in exported} >= set(expected)

    print(f"\nSlurm: {notebooks} submissions of {len(CLASS)} students x {len(STEPS)} steps in 2 tasks "
          f"(1 CPU each) + 1 finish job: {array_seconds:.0f} s from sbatch to report, task 1 killed and requeued "
          f"with {len(recorded_before)} of its 4 submissions in the gradebook ({', '.join(map(' '.join, recorded_before))}); "
          f"one machine, {cluster.cpus} workers: {alone_seconds:.0f} s. Same scores, cell by cell "
          f"(load {os.getloadavg()[0]:.1f})")


def test_finish_job_reports_a_task_that_failed_for_good(cluster, postgres, tmp_path, monkeypatch):  # noqa: F811
    """A task cancelled for good: the dependent job still runs (afterany),
    names the task and the students it did not grade, releases and exports
    the rest, and exits 1."""
    monkeypatch.delenv("COURSE_DB_URL", raising=False)
    step = "01_tensors"
    students = {"gone-a": {step: "reference"}, "gone-b": {step: "untouched"}}
    root = classroom.new_course(tmp_path / "course", [step])
    hand_in(root, students, tmp_path / "exchange", monkeypatch)
    env = grading_env(cluster, root, postgres.url, tmp_path)
    start = time.monotonic()
    array, finish, run_dir = submit(cluster, env, [step])
    cluster.wait(lambda: started(run_dir / "shard-1" / "worker-0.log"), 900, "task 1 grading")
    cluster.run("scancel", f"{array}_1")
    cluster.wait_done(array, finish, seconds=900)

    report = (run_dir / f"slurm-{finish}-finish.out").read_text()
    assert cluster.show(finish)["ExitCode"] == "1:0", report
    assert "1 graded in this run, 1 not" in report, report
    assert re.search(r"task 1 \(shard 1/2\): did not finish.*\n  not graded: 01_tensors gone-b\n", report), report
    assert "task 0" not in report, report
    assert (run_dir / "grades.csv").is_file()
    print(f"\nSlurm: task 1 of 2 cancelled for good; the finish job named gone-b "
          f"({time.monotonic() - start:.0f} s)\n{report}")
