"""Shared fixtures: one course template, copied by every test that needs a
course; the class graded once per test run (graded_course); the tiers.

Tiers (markers registered in pyproject.toml, docs/testing.md): unit,
grading, training, adversarial, e2e. A test of one step is marked by the
step (step_marks): `grading` for steps 01-11, `training` for the image steps
12-17, whose notebooks train. graded_course grades only the steps that the
selected tests ask for, so `pytest -m "not training"` grades no image step.
"""
import functools
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from course.grader import instructor, loop
from tests.alternatives import all_alternatives
from tests.mistakes import all_mistakes

REPO = Path(__file__).resolve().parents[1]
COURSE_FILES = ("source", "tests/hidden", "nbgrader_config.py")
FIRST_TRAINING_STEP = 12  # steps 12-17 load images; 13-17 train networks on them


def copy_course(dest, steps=None):
    """The parts of the course that nbgrader needs, without any grading state.
    With `steps`: also their release/ and a gradebook that knows them, copied
    from the run's course template (tests/classroom.py), not regenerated."""
    if steps is not None:
        from tests import classroom

        return classroom.template().copy(dest, steps)
    for name in COURSE_FILES:
        src, dst = REPO / name, Path(dest) / name
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    return dest


def selected_steps():
    """Every step, or those named in COURSE_TEST_STEPS (comma-separated), to
    work on one step without grading the whole course."""
    steps = instructor.assignments(REPO)
    chosen = [s for s in os.environ.get("COURSE_TEST_STEPS", "").split(",") if s]
    unknown = set(chosen) - set(steps)
    if unknown:
        raise ValueError(f"COURSE_TEST_STEPS names unknown steps: {sorted(unknown)}")
    return chosen or steps


def selected_mistakes():
    """{step: {name: mistake}} for the selected steps."""
    steps = selected_steps()
    return {step: m for step, m in all_mistakes().items() if step in steps}


def trains(step):
    """Whether grading `step` means running an image step's notebook."""
    return int(step[:2]) >= FIRST_TRAINING_STEP


def step_marks(step):
    """The tier of a test about one step: training for the image steps."""
    return [pytest.mark.training] if trains(step) else [pytest.mark.grading]


def step_params(steps):
    """pytest params, one per step, each marked with its tier."""
    return [pytest.param(step, id=step, marks=step_marks(step)) for step in steps]


TIERS = ("unit", "grading", "training", "adversarial", "e2e")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Every selected test has a tier (a usage error names those without);
    and the steps that the selected tests (after -m, -k) are about are kept
    for the `steps` fixture: a test parametrized by `step` asks for that step."""
    untiered = [item.nodeid for item in items
                if not any(item.get_closest_marker(t) for t in TIERS) and not _empty_parameter_set(item)]
    if untiered:
        raise pytest.UsageError(f"tests without a tier marker ({', '.join(TIERS)}; docs/testing.md): "
                                + ", ".join(untiered[:20]))
    asked = {item.callspec.params["step"] for item in items
             if hasattr(item, "callspec") and isinstance(item.callspec.params.get("step"), str)}
    config.stash[ASKED_STEPS] = asked
    # The modules whose selected tests read the shared class: those that hand
    # in students of their own, and whether any reads the class's own students.
    readers = list(dict.fromkeys(getattr(item, "module", None) for item in items
                                 if "graded_course" in getattr(item, "fixturenames", ())))
    config.stash[CLASS_MODULES] = [m for m in readers if hasattr(m, "class_submissions")]
    config.stash[CLASS_READ] = any(not hasattr(m, "class_submissions") for m in readers)


ASKED_STEPS = pytest.StashKey[set]()
CLASS_MODULES = pytest.StashKey[list]()
CLASS_READ = pytest.StashKey[bool]()


def _empty_parameter_set(item):
    """pytest's skipped stand-in for a test parametrized over nothing (every
    step it is about left out by COURSE_TEST_STEPS): it runs nothing."""
    skip = item.get_closest_marker("skip")
    return skip is not None and str(skip.kwargs.get("reason", "")).startswith("got empty parameter set")


@pytest.fixture(scope="session")
def steps(request):
    """The steps this run covers: COURSE_TEST_STEPS's (default: all), less
    those whose per-step tests were all deselected (`-m "not training"`
    leaves out the image steps). A run with no per-step test keeps them all."""
    chosen = selected_steps()
    asked = request.config.stash.get(ASKED_STEPS, set())
    return [s for s in chosen if s in asked] if asked else chosen


def selected_alternatives():
    """{step: {name: alternative}} for the selected steps (tests/alternatives/)."""
    steps = selected_steps()
    return {step: a for step, a in all_alternatives().items() if step in steps}


def mistake_student(step, name):
    return f"mistake-{step}-{name}"


def alternative_student(step, name):
    return f"alternative-{step}-{name}"


@pytest.fixture(scope="session", autouse=True)
def own_gradebooks():
    """Tests grade into the SQLite gradebook of their own course copy: a
    COURSE_DB_URL from the caller's environment is set aside for the run
    and put back after it (tests that want a server pass it explicitly)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("COURSE_DB_URL", raising=False)
        yield


@pytest.fixture(scope="session", autouse=True)
def alembic_version_asked_once():
    """nbgrader starts a process (`alembic heads`, ~2 s on an idle machine,
    half a minute under load) for every new gradebook, to learn the version
    of its own installed schema: a constant. The run asks once; the gradebooks
    are stamped with the same version as before."""
    from nbgrader import api

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(api, "get_alembic_version", functools.cache(api.get_alembic_version))
        yield


@pytest.fixture(scope="session")
def course_template():
    """The run's course template (tests/classroom.py): release/ of a step is
    generated once, the first time a test asks for it, then copied."""
    from tests import classroom

    return classroom.template()


@pytest.fixture(scope="session")
def graded_course(request, tmp_path_factory, steps):
    """Every step released, submitted through the exchange and autograded, for:
    the reference solutions, the untouched release notebooks, and one student
    per realistic mistake (tests/mistakes/) and one per correct answer written in
    another style (tests/alternatives/). Done once; tests read the results.

    A test module whose selected tests read this class may hand in students
    of its own with it (test_judge_steps's cheats): a module-level
    `class_submissions(root, steps)` -> {student: {step: answer}}, as
    loop.run_loop takes them. They are graded in the same run, not in a
    class of their own. When only such modules are selected (pytest
    tests/test_judge_steps.py), only their students are graded."""
    root = copy_course(tmp_path_factory.mktemp("course"), steps)
    submissions = {}
    if request.config.stash.get(CLASS_READ, True):
        submissions.update(instructor.demo_submissions(root, steps, "reference", "untouched"))
        # Each catalogued answer: the reference solution with some cells replaced.
        for corpus, student in ((selected_mistakes(), mistake_student), (selected_alternatives(), alternative_student)):
            for step, entries in corpus.items():
                if step not in steps:
                    continue
                for name, entry in entries.items():
                    solve = instructor.solve(root, step)
                    submissions[student(step, name)] = {
                        step: lambda fetched, solve=solve, answers=entry["answers"]:
                            instructor.with_cells(solve(fetched), answers)
                    }
    for module in request.config.stash.get(CLASS_MODULES, []):
        for student, answers in module.class_submissions(root, steps).items():
            assert student not in submissions, f"{module.__name__} hands in {student}, who is already in the class"
            submissions[student] = answers
    start = time.perf_counter()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COURSE_EXCHANGE", str(root / "exchange"))
        failures = loop.run_loop(root, submissions, tmp_path_factory.mktemp("students"), steps,
                                 on_result=GRADED_CLASS_TIMES.append)
    GRADED_CLASS_TIMES.wall = time.perf_counter() - start
    return root, failures


class _ClassTimes(list):
    """The shared class's Results, for the time it took by step (the terminal
    summary and test-artifacts/graded-class.json): where the suite's time goes."""
    wall = 0.0

    def by_step(self):
        steps = {}
        for r in self:
            count, seconds = steps.get(r.step, (0, 0.0))
            steps[r.step] = (count + 1, seconds + (r.seconds or 0.0))
        return dict(sorted(steps.items()))


GRADED_CLASS_TIMES = _ClassTimes()


def pytest_terminal_summary(terminalreporter):
    """The two corpora of the grading tests, side by side, in plain output."""
    def outcomes(test):
        return [r for key in ("passed", "failed", "error") for r in terminalreporter.stats.get(key, [])
                if f"::{test}[" in getattr(r, "nodeid", "") and r.when in ("call", "setup")
                and (r.when == "call" or r.outcome != "passed")]

    if GRADED_CLASS_TIMES:
        write_class_times(terminalreporter)
    mistakes, alternatives = outcomes("test_mistake_loses_exactly_its_checks"), outcomes(
        "test_alternative_earns_full_marks")
    if not (mistakes or alternatives):
        return
    terminalreporter.section("grading corpora")
    for what, reports, good in (("mistakes", mistakes, "lose exactly their points"),
                                ("alternatives", alternatives, "earn full marks")):
        passed = sum(r.outcome == "passed" for r in reports)
        terminalreporter.write_line(f"{what} corpus: {len(reports)} submissions graded, {passed} {good}"
                                    + ("" if passed == len(reports) else f", {len(reports) - passed} FAIL"))


def artifacts_root():
    """Where tests keep what a person reads after a run (screenshots, logs,
    timings): $COURSE_ARTIFACTS, default test-artifacts/ (never committed)."""
    default = REPO / "test-artifacts"
    root = Path(os.environ.get("COURSE_ARTIFACTS") or default)
    root.mkdir(parents=True, exist_ok=True)
    if root == default:
        (root / ".gitignore").write_text("# Screenshots and logs of test runs: never committed\n*\n")
    return root


def fresh_artifacts(name):
    """artifacts_root()/name, emptied: one test module's artifacts."""
    folder = artifacts_root() / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def write_class_times(terminalreporter):
    """The shared class's grading time by step, printed and kept in
    test-artifacts/graded-class.json."""
    by_step = GRADED_CLASS_TIMES.by_step()
    total = sum(seconds for _, seconds in by_step.values())
    terminalreporter.section("shared class")
    terminalreporter.write_line(f"{len(GRADED_CLASS_TIMES)} notebooks graded in {GRADED_CLASS_TIMES.wall:.0f} s "
                                f"(worker time {total:.0f} s)")
    for step, (count, seconds) in by_step.items():
        terminalreporter.write_line(f"  {step:24} {count:3} notebooks {seconds:7.1f} s worker time")
    artifacts = artifacts_root()
    rows = [{"step": r.step, "student": r.student, "seconds": round(r.seconds or 0.0, 1), "status": r.status}
            for r in GRADED_CLASS_TIMES]
    (artifacts / "graded-class.json").write_text(json.dumps(
        {"wall_s": round(GRADED_CLASS_TIMES.wall, 1), "notebooks": rows}, indent=1) + "\n")
