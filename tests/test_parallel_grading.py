"""Grading a class in parallel (`python -m course grade`): the same scores
with 1 worker and with N, nothing lost in the SQLite gradebook however the
workers' writes interleave, feedback and CSV export for everyone. The pure
parts (devices, shards, sizes) have unit tests of their own."""
import os
import re
import subprocess
import sys

import pytest

from course.grader import grade
from course.grader.preprocessors.limited_execute import format_size, parse_size
from tests import classroom
from tests.conftest import REPO
from tests.mistakes import all_mistakes

STEP = "01_tensors"
CLASS_SIZE = 4  # the reference, the untouched notebook, two realistic mistakes


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = classroom.new_course(tmp_path_factory.mktemp("class"), [STEP])
    students = classroom.mixed_class(root, STEP, CLASS_SIZE)
    return root, students


@pytest.fixture(scope="module")
def graded_twice(course):
    """The class graded with 1 worker, then (from scratch) with 2."""
    root, students = course
    db_url = f"sqlite:///{root / 'gradebook.db'}"
    runs = {}
    for jobs in (1, 2):
        classroom.reset_grades(root)
        results = grade.grade(root, [STEP], jobs=jobs, progress=False)
        cells = {s: classroom.cell_scores(db_url, STEP, s) for s in students}
        runs[jobs] = (results, cells, classroom.gradebook_rows(db_url, STEP))
    return runs


@pytest.mark.grading
@pytest.mark.own_class
def test_every_submission_is_graded(course, graded_twice):
    _, students = course
    for jobs, (results, _, rows) in graded_twice.items():
        assert [r.student for r in results] == sorted(students)
        assert all(r.status == "graded" and r.feedback for r in results), grade.format_summary(results)
        assert sorted(rows) == sorted(students), f"{jobs} workers: gradebook holds {sorted(rows)}"


@pytest.mark.grading
@pytest.mark.own_class
def test_one_worker_and_two_give_identical_scores(graded_twice):
    serial, parallel = graded_twice[1], graded_twice[2]
    assert {r.student: (r.score, r.max_score) for r in serial[0]} == \
        {r.student: (r.score, r.max_score) for r in parallel[0]}
    assert serial[1] == parallel[1], "per-cell scores differ between 1 and 2 workers"
    assert serial[2] == parallel[2]
    assert len({r.worker for r in parallel[0]}) == 2, "both workers should have graded"


@pytest.mark.grading
@pytest.mark.own_class
def test_scores_are_what_each_submission_earns(course, graded_twice):
    _, students = course
    results, cells, _ = graded_twice[2]
    mistakes = all_mistakes()[STEP]
    for r in results:
        kind = students[r.student]
        if kind == "reference":
            assert r.score == r.max_score > 0
        elif kind == "untouched":
            assert r.score == 0
        else:
            fails = mistakes[kind.removeprefix("mistake-")]["fails"]
            lost = {cell for cell, score in cells[r.student].items() if not score}
            assert lost == set(fails), f"{r.student} ({kind}) lost {lost}, expected {set(fails)}"


@pytest.mark.grading
@pytest.mark.own_class
def test_feedback_shows_each_message_but_no_hidden_check(course, graded_twice):
    from tests.test_release import hidden_check_lines

    root, students = course
    secret = hidden_check_lines()
    mistakes = all_mistakes()[STEP]
    for student, kind in students.items():
        page = root / "feedback" / student / STEP / f"{STEP}.html"
        assert page.is_file(), f"no feedback for {student}"
        text = page.read_text()
        leaked = [line for line in secret if line in text]
        assert not leaked, f"{page} shows hidden check source: {leaked[:3]}"
        if kind.startswith("mistake-"):
            for phrase in mistakes[kind.removeprefix("mistake-")]["fails"].values():
                assert _plain(phrase) in _plain(text), f"{student}'s feedback does not say {phrase!r}"


def _plain(text):
    import html

    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", text)))


@pytest.mark.grading
@pytest.mark.own_class
def test_export_writes_every_grade_as_csv(course, graded_twice, tmp_path):
    root, students = course
    results = {r.student: r for r in graded_twice[2][0]}
    rows = classroom_csv(root, tmp_path / "grades.csv")
    assert sorted(r["student_id"] for r in rows) == sorted(students)
    for row in rows:
        assert row["assignment"] == STEP
        assert float(row["score"]) == results[row["student_id"]].score
        assert float(row["max_score"]) == results[row["student_id"]].max_score


def classroom_csv(root, path):
    """`python -m course export`, the command line, from the course folder."""
    out = subprocess.run([sys.executable, "-m", "course", "export", "--to", str(path)],
                         cwd=root, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return grade.read_grades_csv(path)


@pytest.mark.grading
@pytest.mark.own_class
def test_command_line_grades_chosen_students_and_says_so(course, graded_twice):
    """The command itself: two chosen students, a summary line each, exit 0."""
    root, students = course
    chosen = sorted(students)[:2]
    out = subprocess.run(
        [sys.executable, "-m", "course", "grade", STEP, "-j", "2", "--quiet", "--no-feedback",
         *[arg for s in chosen for arg in ("--student", s)]],
        cwd=root, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = [line for line in out.stdout.splitlines() if line.startswith(STEP)]
    assert [line.split()[1] for line in lines] == chosen
    assert "with 2 workers" in out.stderr


@pytest.mark.grading
@pytest.mark.own_class
def test_concurrent_writers_lose_nothing_sqlite(tmp_path):
    """Two grading commands at once, two workers each, on one SQLite
    gradebook: 24 submissions recorded through nbgrader's whole autograde
    path (without running a kernel, so the writes come thick and fast)."""
    root = classroom.new_course(tmp_path / "course", [STEP])
    students = [f"w{i:02d}" for i in range(24)]
    for s in students:
        classroom.submit(root, s, STEP, classroom.untouched(root, STEP))
    results = classroom.hammer([(root, (0, 2)), (root, (1, 2))], STEP, jobs=2)
    rows = classroom.gradebook_rows(f"sqlite:///{root / 'gradebook.db'}", STEP)
    assert sorted(rows) == students, f"lost: {sorted(set(students) - set(rows))}"
    assert all(n == 4 for _, _, n in rows.values()), "every submission has its 4 graded cells"
    assert sorted(results) == students and set(results.values()) == {"not run"}, results


# -- the pure parts --------------------------------------------------------------

@pytest.mark.unit
def test_devices_round_robin_over_gpus():
    assert grade.assign_devices(3, []) == [None, None, None]
    assert grade.assign_devices(3, ["0"]) == ["0", "0", "0"]
    assert grade.assign_devices(5, ["0", "1"]) == ["0", "1", "0", "1", "0"]
    assert grade.assign_devices(2, ["2", "5", "7"]) == ["2", "5"]
    assert grade.worker_devices(3, None, detect=lambda: ["0", "1"]) == ["0", "1", "0"]
    assert grade.worker_devices(2, None, detect=lambda: []) == [None, None]  # CPU: env untouched
    assert grade.worker_devices(2, [], detect=lambda: ["0"]) == ["", ""]     # --gpus none hides them
    assert grade.worker_devices(2, ["3"], detect=lambda: ["0"]) == ["3", "3"]


@pytest.mark.unit
def test_gpus_come_from_cuda_visible_devices_or_nvidia_smi(tmp_path):
    assert grade.detect_gpus({"CUDA_VISIBLE_DEVICES": "1,3"}) == ["1", "3"]
    assert grade.detect_gpus({"CUDA_VISIBLE_DEVICES": ""}) == []
    assert grade.detect_gpus({"CUDA_VISIBLE_DEVICES": "-1"}) == []
    fake = tmp_path / "nvidia-smi"
    fake.write_text("#!/bin/sh\nprintf '0\\n1\\n'\n")
    fake.chmod(0o755)
    assert grade.detect_gpus({}, nvidia_smi=str(fake)) == ["0", "1"]
    broken = tmp_path / "broken-smi"
    broken.write_text("#!/bin/sh\necho 'NVIDIA-SMI has failed' >&2; exit 9\n")
    broken.chmod(0o755)
    assert grade.detect_gpus({}, nvidia_smi=str(broken)) == []
    assert grade.detect_gpus({}, nvidia_smi="") == []


@pytest.mark.unit
def test_shards_split_the_class_exactly_once():
    students = [f"s{i}" for i in range(11)]
    shards = [grade.shard_of(reversed(students), i, 4) for i in range(4)]
    assert sorted(s for shard in shards for s in shard) == sorted(students)
    assert max(map(len, shards)) - min(map(len, shards)) <= 1
    assert grade.parse_shard("2/4") == (2, 4)
    for bad in ("4/4", "-1/2", "1", "a/b"):
        with pytest.raises(ValueError):
            grade.parse_shard(bad)


@pytest.mark.unit
def test_workers_and_threads_default_to_the_cpus():
    assert grade.default_jobs() == len(os.sched_getaffinity(0))
    assert grade.threads_per_worker(2, cpus=16) == 8
    assert grade.threads_per_worker(32, cpus=16) == 1


@pytest.mark.unit
def test_sizes_and_database_urls():
    assert parse_size("4G") == 4 * 2**30
    assert parse_size("512m") == 512 * 2**20
    assert parse_size("1.5GiB") == int(1.5 * 2**30)
    assert parse_size("none") is None and parse_size("0") is None
    with pytest.raises(ValueError):
        parse_size("lots")
    assert format_size(4 * 2**30) == "4 GiB"
    assert grade.sqlite_with_timeout("sqlite:////x/gradebook.db") == "sqlite:////x/gradebook.db?timeout=60"
    assert grade.sqlite_with_timeout("postgresql+psycopg://h/db") == "postgresql+psycopg://h/db"


@pytest.mark.unit
def test_summary_says_score_status_and_message():
    results = [grade.Result("01_tensors", "ada", "graded", 7, 7, "", 3.2),
               grade.Result("01_tensors", "bob", "limit", 5, 7, "TimeLimitExceeded in slices", 9.9),
               grade.Result("01_tensors", "cy", "failed", None, None, "KeyError: x", 1.0)]
    text = grade.format_summary(results)
    assert re.search(r"ada\s+7 / 7\s+graded", text)
    assert re.search(r"bob\s+5 / 7\s+limit\s+10\s+TimeLimitExceeded in slices", text)
    assert re.search(r"cy\s+-\s+failed", text)
    assert text.splitlines()[-1] == "1 failed, 1 graded, 1 limit"


@pytest.mark.unit
def test_deploy_recipes_run_the_grading_command_on_shards():
    """deploy/grading/: the Kubernetes Job and the Slurm array call this
    command with options it accepts, one shard per pod / task."""
    import argparse
    import shlex

    def parses(command, env):
        """The grade options in `command`, with its $VARIABLES from env."""
        with pytest.MonkeyPatch.context() as mp:
            for name, value in env.items():
                mp.setenv(name, value)
            argv = [os.path.expandvars(a) for a in shlex.split(command)]
        parser = argparse.ArgumentParser()
        grade.add_arguments(parser)
        return parser.parse_args(argv[argv.index("grade") + 1:])

    def grade_command(text):
        """The `python -m course grade ...` command in a shell script."""
        text = text.replace("\\\n", " ")
        return next(part for line in text.splitlines() if not line.lstrip().startswith("#")
                    for part in line.split(";") if "-m course grade" in part)

    yaml = pytest.importorskip("yaml")
    job = yaml.safe_load((REPO / "deploy/grading/k8s-grading-job.yaml").read_text())
    assert job["spec"]["completionMode"] == "Indexed"
    container = job["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value", "") for e in container["env"]}
    assert int(env["GRADE_SHARDS"]) == job["spec"]["completions"]
    for index in range(job["spec"]["completions"]):
        args = parses(grade_command(container["args"][0]), {**env, "JOB_COMPLETION_INDEX": str(index)})
        assert args.shard == (index, job["spec"]["completions"]) and args.steps == ["all"]

    script = (REPO / "deploy/grading/slurm-grade.sh").read_text()
    args = parses(grade_command(script).replace("${GRADE_STEPS:-all}", "$GRADE_STEPS").replace('"${jobs[@]}"', ""),
                  {"GRADE_STEPS": "all", "task": "2", "shards": "4"})
    assert args.shard == (2, 4) and args.steps == ["all"]
    for name in ("slurm-grade.sh", "slurm-finish.sh", "slurm-submit.sh"):
        out = subprocess.run(["bash", "-n", str(REPO / "deploy/grading" / name)], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
