"""Several grading machines, one PostgreSQL gradebook (nbgrader's db_url,
set by COURSE_DB_URL in nbgrader_config.py). A real server, started here on
loopback: each "machine" is its own copy of the course grading its shard of
the class, all at once, and nothing is lost or overwritten.

Needs the PostgreSQL server binaries (Debian: apt-get install -y postgresql)
and psycopg (requirements.txt); skips, saying so, without them."""
import os
import subprocess
import sys

import pytest

from tests import classroom

pytestmark = pytest.mark.e2e

STEP = "01_tensors"


@pytest.fixture(scope="module")
def postgres():
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -r requirements.txt)")
    bindir = classroom.postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found (initdb, pg_ctl): apt-get install -y postgresql")
    if os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no `postgres` user to run the server as")
    server = classroom.PostgresServer(bindir)
    try:
        server.start()
    except Exception as e:  # stop whatever did start, then say why
        server.stop()
        detail = f"{e.cmd}\n{e.stdout}\n{e.stderr}" if isinstance(e, subprocess.CalledProcessError) else repr(e)
        pytest.fail(f"PostgreSQL did not start: {detail}")
    try:
        yield server
    finally:
        server.stop()


def hosts(tmp_path, count, students):
    """`count` course copies ("machines"), each with the same submissions."""
    roots = []
    for i in range(count):
        root = classroom.new_course(tmp_path / f"host{i}", [STEP])
        for student, nb in students(root).items():
            classroom.submit(root, student, STEP, nb)
        roots.append(root)
    return roots


def test_machines_sharing_postgres_lose_nothing(postgres, tmp_path):
    """Two machines, two workers each, 20 submissions recorded at once,
    racing to create the assignment in an empty gradebook as well."""
    names = [f"p{i:02d}" for i in range(20)]
    roots = hosts(tmp_path, 2, lambda root: {s: classroom.untouched(root, STEP) for s in names})
    statuses = classroom.hammer([(root, (i, 2)) for i, root in enumerate(roots)], STEP, jobs=2,
                                env={"COURSE_DB_URL": postgres.url})
    assert sorted(statuses) == names and set(statuses.values()) == {"not run"}, statuses
    rows = classroom.gradebook_rows(postgres.url, STEP)
    assert sorted(rows) == names, f"lost: {sorted(set(names) - set(rows))}"
    assert all(n == 4 for _, _, n in rows.values())


def test_two_machines_grade_a_class_into_postgres(postgres, tmp_path):
    """The command itself, on two machines at once: real kernels (cut off
    the network) while the workers write to PostgreSQL over loopback."""
    students = lambda root: {"pg-reference": classroom.reference(root, STEP),
                             "pg-untouched": classroom.untouched(root, STEP),
                             "pg-mistake": classroom.with_mistake(root, STEP, "off-by-one-column")}
    roots = hosts(tmp_path, 2, students)
    env = {**os.environ, "COURSE_DB_URL": postgres.url}
    procs = [subprocess.Popen([sys.executable, "-m", "course", "grade", STEP, "--shard", f"{i}/2",
                               "-j", "1", "--quiet"], cwd=root, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for i, root in enumerate(roots)]
    outputs = [p.communicate(timeout=900) for p in procs]
    for p, (out, err) in zip(procs, outputs):
        assert p.returncode == 0, out + err
    graded = [line.split()[1] for out, _ in outputs for line in out.splitlines() if line.startswith(STEP)]
    assert sorted(graded) == ["pg-mistake", "pg-reference", "pg-untouched"], "each student graded once"
    rows = classroom.gradebook_rows(postgres.url, STEP)
    assert rows["pg-reference"][:2] == (7, 7)
    assert rows["pg-untouched"][:2] == (0, 7)
    assert rows["pg-mistake"][:2] == (5, 7)
    # Feedback lands with the machine that graded the student.
    pages = [p for root in roots for p in (root / "feedback").glob(f"*/{STEP}/*.html")]
    assert sorted(p.parts[-3] for p in pages) == ["pg-mistake", "pg-reference", "pg-untouched"]


def test_feedback_on_submit_into_postgres(postgres, tmp_path, monkeypatch):
    """The feedback-on-submit service (course/grader/autograde/) with the
    gradebook in PostgreSQL: a round grades the latest submission of each
    student into it, the student fetches the feedback, and a second round
    grades nothing again."""
    from course.grader import instructor
    from course.grader.autograde.service import Service
    from tests.conftest import copy_course
    from tests.test_autograde import MISTAKE, MISTAKE_MESSAGE, fetched_feedback, hand_in

    monkeypatch.setenv("COURSE_DB_URL", postgres.url)
    monkeypatch.setenv("COURSE_EXCHANGE", str(tmp_path / "exchange"))
    root = copy_course(tmp_path / "course", [STEP])
    instructor.publish(root, [STEP])
    service = Service(root, jobs=2, log=print)
    hand_in(root, "svc-ada")  # replaced by her next submission before grading
    hand_in(root, "svc-ada", MISTAKE["answers"])
    hand_in(root, "svc-bob")
    assert service.round() == 2
    rows = classroom.gradebook_rows(postgres.url, STEP)
    assert rows["svc-bob"][:2] == (7, 7) and rows["svc-ada"][:2] == (5, 7), rows
    assert "svc-bob" not in classroom.gradebook_rows(f"sqlite:///{root / 'gradebook.db'}", STEP), "graded into SQLite"
    [page] = fetched_feedback(root, "svc-ada").values()
    assert MISTAKE_MESSAGE in page
    assert service.round() == 0  # nothing graded twice
    assert classroom.gradebook_rows(postgres.url, STEP)["svc-ada"][:2] == (5, 7)
