"""A class of synthetic submissions, written straight into submitted/ of a
throwaway course copy (what `nbgrader collect` would leave there), for the
grading-at-scale tests and benchmarks/grading.py. Not a test module."""
import atexit
import contextlib
import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat
import pytest

from course.grader import instructor
from tests.conftest import copy_course
from tests.mistakes import all_mistakes


class CourseTemplate:
    """A course copy whose release/ (and SQLite gradebook) is generated once
    per step for the whole run, the first time a test asks for that step;
    course copies are copied from it (shutil.copytree: milliseconds), not
    regenerated (nbgrader generate_assignment: ~1 s a step, and ~3 s for
    the `alembic` process nbgrader starts to create each new gradebook)."""

    def __init__(self, root):
        self.root = Path(root)
        self.released = set()

    def release(self, steps):
        """Generate release/ of the `steps` not generated yet."""
        missing = [s for s in steps if s not in self.released]
        if not missing:
            return
        if not (self.root / "source").is_dir():
            copy_course(self.root)
        with _own_gradebook():
            instructor.generate_release(self.root, missing)
        self.released.update(missing)

    def copy(self, dest, steps):
        """`dest` as new_course(dest, steps) made it before: the course files,
        release/ of `steps`, and a gradebook that knows `steps` and no other."""
        from nbgrader.api import Gradebook

        self.release(steps)
        dest = Path(dest)
        dest.mkdir(parents=True, exist_ok=True)
        copy_course(dest)
        for step in steps:
            shutil.copytree(self.root / "release" / step, dest / "release" / step)
        shutil.copy2(self.root / "gradebook.db", dest / "gradebook.db")
        others = self.released - set(steps)
        if others:
            with Gradebook(f"sqlite:///{dest / 'gradebook.db'}", os.environ.get("COURSE_ID", "pytorch-baby-steps")) as gb:
                for step in sorted(others):
                    gb.remove_assignment(step)
        return dest


@contextlib.contextmanager
def _own_gradebook():
    """The template's gradebook is its own SQLite file, whatever COURSE_DB_URL says."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("COURSE_DB_URL", raising=False)
        yield


@functools.cache
def template():
    """The process's course template, in a temporary folder removed at exit."""
    folder = Path(tempfile.mkdtemp(prefix="course-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return CourseTemplate(folder / "course")


def new_course(dest, steps):
    """A course copy with release/ of `steps` and its own SQLite gradebook
    that knows them (COURSE_DB_URL is the caller's to set or leave unset),
    copied from the run's template."""
    return template().copy(dest, steps)


def reference(root, step):
    source = nbformat.read(instructor.notebook_path(root, "source", step), as_version=4)
    release = nbformat.read(instructor.notebook_path(root, "release", step), as_version=4)
    return instructor.reference_solution(source, release)


def untouched(root, step):
    return nbformat.read(instructor.notebook_path(root, "release", step), as_version=4)


def submit(root, student, step, nb):
    """Put `nb` where nbgrader collect puts a student's submission."""
    path = instructor.notebook_path(root, f"submitted/{student}", step)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def with_mistake(root, step, name):
    """The reference solution with one realistic mistake of tests/mistakes/."""
    return instructor.with_cells(reference(root, step), all_mistakes()[step][name]["answers"])


def mixed_class(root, step, size):
    """`size` students for `step`: the reference, the untouched notebook, and
    each realistic mistake of tests/mistakes/, in turn. {student: kind}."""
    kinds = [("reference", reference(root, step)), ("untouched", untouched(root, step))]
    for name, mistake in sorted(all_mistakes().get(step, {}).items()):
        kinds.append((f"mistake-{name}", instructor.with_cells(reference(root, step), mistake["answers"])))
    students = {}
    for i in range(size):
        kind, nb = kinds[i % len(kinds)]
        student = f"s{i:03d}"
        submit(root, student, step, nb)
        students[student] = kind
    return students


def reset_grades(root):
    """Forget every grade: a fresh gradebook, no autograded/ or feedback/."""
    root = Path(root)
    for name in ("autograded", "feedback"):
        shutil.rmtree(root / name, ignore_errors=True)
    for db in root.glob("gradebook.db*"):
        db.unlink()


def gradebook_rows(db_url, step):
    """{student: (score, max_score, number of grades)} straight from the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    rows = {}
    with Gradebook(db_url, os.environ.get("COURSE_ID", "pytorch-baby-steps")) as gb:
        try:
            assignment = gb.find_assignment(step)
        except MissingEntry:
            return rows
        for submission in assignment.submissions:
            grades = [g for nb in submission.notebooks for g in nb.grades]
            rows[submission.student.id] = (submission.score, submission.max_score, len(grades))
    return rows


def cell_scores(db_url, step, student):
    from nbgrader.api import Gradebook

    with Gradebook(db_url, os.environ.get("COURSE_ID", "pytorch-baby-steps")) as gb:
        nb = gb.find_submission_notebook(step, step, student)
        return {g.name: g.score for g in nb.grades}


def hammer(hosts, step, jobs, env=None):
    """Grading processes at the same time, one per (course root, (i, n)) of
    `hosts` (like several machines, each grading shard i of n), each recording
    its students through nbgrader's whole autograde but without a kernel, so
    the gradebook writes come thick and fast. {student: status}."""
    import json
    import sys

    code = ("import json, sys; from course.grader import grade; "
            "r = grade.grade(sys.argv[1], [sys.argv[2]], jobs=int(sys.argv[3]), "
            "shard=(int(sys.argv[4]), int(sys.argv[5])), feedback=False, progress=False, "
            "not_run_reason='stress test'); "
            "print(json.dumps({x.student: x.status for x in r}))")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(root), step, str(jobs), str(i), str(n)],
                              cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, **(env or {})})
             for root, (i, n) in hosts]
    statuses = {}
    for p in procs:
        out, err = p.communicate(timeout=900)
        assert p.returncode == 0, err[-3000:]
        statuses.update(json.loads(out.strip().splitlines()[-1]))
    return statuses


# -- PostgreSQL -----------------------------------------------------------------

def postgres_bindir():
    """The folder with initdb, pg_ctl and createdb (Debian keeps them in
    /usr/lib/postgresql/<version>/bin, off PATH), or None."""
    needed = ("initdb", "pg_ctl", "createdb")
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    if shutil.which("pg_ctl"):
        candidates.append(Path(shutil.which("pg_ctl")).resolve().parent)
    for candidate in candidates:
        if all((candidate / name).is_file() for name in needed):
            return candidate
    return None


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """A throwaway PostgreSQL server on loopback: initdb, pg_ctl start, one
    database; stop() removes it all. PostgreSQL refuses to run as root, so as
    root it runs as the `postgres` user (Debian's package creates it)."""

    def __init__(self, bindir, database="gradebook"):
        self.bindir = Path(bindir)
        self.database = database
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="course-pg-"))
        self.user = None
        if os.geteuid() == 0:
            import pwd

            self.user = pwd.getpwnam("postgres")
            os.chown(self.dir, self.user.pw_uid, self.user.pw_gid)
        self.data = self.dir / "data"

    def _run(self, *args, **kw):
        def demote():
            if self.user:
                os.setgid(self.user.pw_gid)
                os.setuid(self.user.pw_uid)
        return subprocess.run([str(self.bindir / args[0]), *args[1:]], preexec_fn=demote,
                              capture_output=True, text=True, check=True, cwd=self.dir, **kw)

    def start(self):
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "grader", "--no-sync", "-E", "UTF8")
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.dir} "
                   "-c fsync=off -c max_connections=100")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), "-w", "start")
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "grader", self.database)
        return self

    @property
    def url(self):
        return f"postgresql+psycopg://grader@127.0.0.1:{self.port}/{self.database}"

    def stop(self):
        try:
            if (self.data / "postmaster.pid").exists():
                try:
                    self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
                except subprocess.CalledProcessError:
                    self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
