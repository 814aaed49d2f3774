"""Grade a class in parallel: `python -m course grade <step> [options]`.

nbgrader autogrades one submission at a time. This command runs N worker
processes (default: one per CPU this process may use), and each worker runs
nbgrader's own autograde, then generate_feedback, for one submission after
another, through nbgrader's API. Every result lands in the one gradebook
(nbgrader's db_url: SQLite by default, PostgreSQL for several machines).

    python -m course grade 01_tensors                 # every submission in submitted/
    python -m course grade 01_tensors --student ada -j 4
    python -m course grade all --shard 0/8            # one machine's eighth of the class
    python -m course export --to grades.csv           # nbgrader's CSV exporter

Limits per submission (course/grader/limits.py) come from nbgrader_config.py and can
be changed for one run: --cell-timeout, --notebook-timeout, --memory-limit,
--network. A submission that breaks one is graded with a message in its
feedback and its points for what did run; the others go on.

On a machine with GPUs, each worker sees one of them (CUDA_VISIBLE_DEVICES,
round-robin over the workers; several workers share a GPU); without one,
everything grades on the CPU.

The exit status is 1 if any submission failed to grade (nbgrader raised),
0 otherwise: a submission that broke a limit is graded, and says so.
"""
import contextlib
import copy
import csv
import multiprocessing
import os
import queue
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from course import find_course_root
from course.grader import instructor

LIMITED_EXECUTE = "course.grader.limits.LimitedExecute"
# Gradebook errors that mean "another writer got there first": try again.
RETRYABLE = ("database is locked", "database table is locked", "deadlock detected",
             "could not serialize access", "UniqueViolation", "IntegrityError", "duplicate key",
             "already exists", "DuplicateTable")
RETRIES = 5


# -- choosing work ---------------------------------------------------------------

def parse_shard(text):
    """"i/n" -> (i, n), with 0 <= i < n."""
    try:
        i, n = (int(part) for part in str(text).split("/"))
    except ValueError:
        raise ValueError(f"--shard takes INDEX/COUNT, like 0/4, not {text!r}") from None
    if not 0 <= i < n:
        raise ValueError(f"--shard {text}: the index must be from 0 to {n - 1}")
    return i, n


def shard_of(students, index, count):
    """This shard's students: every count-th of the sorted list, from index.
    Every machine must see the same submitted/ (a shared volume)."""
    return sorted(students)[index::count]


def submitted_students(root, step):
    folder = Path(root) / "submitted"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / step).is_dir())


def default_jobs():
    """One worker per CPU this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def detect_gpus(environ=None, nvidia_smi=None):
    """The GPU ids the workers may use: CUDA_VISIBLE_DEVICES when it is set
    (empty or -1: none), else what nvidia-smi lists, else none."""
    environ = os.environ if environ is None else environ
    visible = environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None:
        ids = [g.strip() for g in visible.split(",") if g.strip()]
        return [] if not ids or ids[0] == "-1" else ids
    if nvidia_smi is None:
        nvidia_smi = shutil.which("nvidia-smi")
    if not nvidia_smi:
        return []
    try:
        out = subprocess.run([nvidia_smi, "--query-gpu=index", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return []
    if out.returncode != 0:
        return []
    return [line.strip() for line in out.stdout.splitlines() if line.strip()]


def assign_devices(workers, gpus):
    """CUDA_VISIBLE_DEVICES for each worker: round-robin over the GPUs, so
    workers share them evenly; None (CPU only) when there are none."""
    if not gpus:
        return [None] * workers
    return [str(gpus[i % len(gpus)]) for i in range(workers)]


def worker_devices(workers, gpus=None, detect=detect_gpus):
    """CUDA_VISIBLE_DEVICES for each worker. gpus=None: the GPUs found here,
    round-robin (None for each worker when there are none: the environment
    is left alone); gpus=[]: asked for no GPU, so "" hides them all."""
    if gpus is not None and not gpus:
        return [""] * workers
    return assign_devices(workers, detect() if gpus is None else gpus)


def threads_per_worker(workers, cpus=None):
    """Math-library threads per kernel, so N workers do not fight over the CPUs."""
    cpus = cpus or default_jobs()
    return max(1, cpus // max(1, workers))


def schedule(tasks):
    """Later steps first (the CNN steps are the longest): less time at the
    end waiting for one slow notebook. Stable within a step."""
    return sorted(tasks, key=lambda t: t[0], reverse=True)


# -- configuration ---------------------------------------------------------------

@dataclass
class Limits:
    """Overrides for one run; None keeps nbgrader_config.py's value."""
    cell_timeout: int | None = None
    notebook_timeout: int | None = None
    memory_limit: str | None = None
    network: str | None = None


def sqlite_with_timeout(db_url, seconds=60):
    """SQLite waits this long for another writer's lock instead of 5 s."""
    if db_url.startswith("sqlite") and "timeout=" not in db_url:
        return db_url + ("&" if "?" in db_url else "?") + f"timeout={seconds}"
    return db_url


def grading_config(root, limits=None):
    """nbgrader's configuration for the workers: nbgrader_config.py, with
    LimitedExecute in autograde and this run's limits."""
    config = instructor.load_config(root)
    preprocessors = list(config.Autograde.get("autograde_preprocessors", []))
    if LIMITED_EXECUTE not in preprocessors:
        from nbgrader.converters import Autograde
        preprocessors = [LIMITED_EXECUTE if getattr(p, "__name__", p) in ("Execute", "nbgrader.preprocessors.Execute") else p
                         for p in (preprocessors or Autograde.autograde_preprocessors.default_value)]
        config.Autograde.autograde_preprocessors = preprocessors
    limits = limits or Limits()
    if limits.cell_timeout is not None:
        config.Execute.timeout = limits.cell_timeout
    if limits.notebook_timeout is not None:
        config.LimitedExecute.notebook_timeout = limits.notebook_timeout
    if limits.memory_limit is not None:
        config.LimitedExecute.memory_limit = limits.memory_limit
    if limits.network is not None:
        config.LimitedExecute.network = limits.network
    db_url = config.CourseDirectory.get("db_url") or f"sqlite:///{Path(root) / 'gradebook.db'}"
    config.CourseDirectory.db_url = sqlite_with_timeout(db_url)
    return config


def effective_limits(config):
    execute, limited = config.Execute, config.LimitedExecute
    return Limits(cell_timeout=execute.get("timeout", 30), notebook_timeout=limited.get("notebook_timeout", 0),
                  memory_limit=limited.get("memory_limit", "none"), network=limited.get("network", "auto"))


def make_api(config):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    return NbGraderAPI(CourseDirectory(config=config), config=config)


def _retrying(action, what):
    """Run action() -> nbgrader result dict, again (after a random pause) when
    it lost a race for the gradebook."""
    for attempt in range(RETRIES):
        result = action()
        text = f"{result.get('error') or ''}{result.get('log') or ''}"
        if result.get("success") or not any(r in text for r in RETRYABLE) or attempt == RETRIES - 1:
            return result
        time.sleep(random.uniform(0.2, 1.0) * (attempt + 1))
    return result


def prepare_gradebook(root, config, steps, students):
    """Make sure the gradebook knows the steps (nbgrader generate_assignment,
    into a scratch release folder: release/ is left alone) and the students,
    before any worker writes to it. Safe to run on several machines at once."""
    from nbgrader.api import Gradebook, MissingEntry

    db_url = config.CourseDirectory.db_url
    course_id = config.CourseDirectory.get("course_id", "default_course")
    for attempt in range(RETRIES):
        try:
            with Gradebook(db_url, course_id) as gb:
                missing = []
                for step in steps:
                    try:
                        if not gb.find_assignment(step).notebooks:
                            missing.append(step)
                    except MissingEntry:
                        missing.append(step)
            if missing:
                with tempfile.TemporaryDirectory(prefix="course-release-") as scratch:
                    config_copy = copy.deepcopy(config)
                    config_copy.CourseDirectory.release_directory = scratch
                    api = make_api(config_copy)
                    for step in missing:
                        result = api.generate_assignment(step, force=True, create=True)
                        if not result.get("success"):
                            raise instructor.NbgraderFailed(f"generate_assignment {step}:\n{result.get('error')}")
            with Gradebook(db_url, course_id) as gb:
                for student in students:
                    gb.update_or_create_student(student)
            return
        except Exception as e:  # another machine created the same rows first
            if attempt == RETRIES - 1 or not any(r in repr(e) + str(e) for r in RETRYABLE):
                raise
            time.sleep(random.uniform(0.5, 2.0))


# -- one submission --------------------------------------------------------------

@dataclass
class Result:
    step: str
    student: str
    status: str = "graded"     # graded | limit | unreadable | failed | killed | not run
    score: float | None = None
    max_score: float | None = None
    message: str = ""
    seconds: float = 0.0
    worker: int = 0
    device: str | None = None
    feedback: bool = False

    @property
    def failed(self):
        return self.status == "failed"


def limit_notes(notebook_path):
    """[(ename, grade_id or cell number, message)] for the limit errors that
    LimitedExecute wrote into an autograded notebook."""
    import nbformat

    from course.grader.limits import LIMIT_ERRORS

    notes = []
    if not Path(notebook_path).is_file():
        return notes
    nb = nbformat.read(notebook_path, as_version=4)
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") in LIMIT_ERRORS:
                name = instructor.nbgrader_meta(cell).get("grade_id") or f"cell {i}"
                notes.append((output["ename"], name, output.get("evalue", "")))
    return notes


def summarize_notes(notes):
    from course.grader.limits import NOT_RUN

    broke = [n for n in notes if n[0] != NOT_RUN]
    not_run = [n for n in notes if n[0] == NOT_RUN]
    parts = [f"{ename} in {name}" for ename, name, _ in broke]
    if not_run:
        parts.append(f"{len(not_run)} cells not run")
    return "; ".join(parts)


def unreadable(root, step, student):
    """Why nbgrader cannot grade this submission's notebook (it is missing,
    or not a notebook), or None."""
    import nbformat

    folder = Path(root) / "submitted" / student / step
    path = folder / f"{step}.ipynb"
    if not path.is_file():
        found = sorted(p.name for p in folder.glob("*.ipynb"))
        return (f"Your submission has no {step}.ipynb" + (f" (it holds {', '.join(found)})" if found else "")
                + ": it was graded as the notebook you were given, unanswered.")
    try:
        nbformat.validate(nbformat.read(path, as_version=4))
    except Exception as error:  # not JSON, not a notebook
        first = str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
        return (f"Your {step}.ipynb could not be read: it is not valid JSON or not a notebook ({first}). "
                "It was graded as the notebook you were given, unanswered.")
    return None


def stand_in(root, step, student, reason, scratch):
    """A submitted/ folder in `scratch` for one submission: a copy of the
    student's folder, with the release notebook (and `reason` on top) in
    place of a notebook nbgrader cannot grade, so it is graded and its
    feedback says why. submitted/ itself is left as the student handed it in."""
    import nbformat

    folder = Path(scratch) / student / step
    shutil.copytree(Path(root) / "submitted" / student / step, folder,
                    ignore=shutil.ignore_patterns("*.ipynb"))
    nb = nbformat.read(instructor.notebook_path(root, "release", step), as_version=4)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"**Not graded as handed in.** {reason}"))
    nbformat.write(nb, folder / f"{step}.ipynb")
    return Path(scratch)


def grade_submission(api, config, root, step, student, feedback=True, not_run_reason=None):
    """nbgrader autograde (and generate_feedback) for one submission, and what
    came of it, as a Result."""
    from nbgrader.api import Gradebook

    start = time.perf_counter()
    result = Result(step, student)
    reason = unreadable(root, step, student)
    scratch = tempfile.mkdtemp(prefix="course-standin-") if reason else None
    if not_run_reason or reason:
        config = copy.deepcopy(config)
        if not_run_reason:
            config.LimitedExecute.not_run_reason = not_run_reason
        if reason:
            config.CourseDirectory.submitted_directory = str(stand_in(root, step, student, reason, scratch))
        api = make_api(config)
    try:
        graded = _retrying(lambda: api.autograde(step, student, force=True, create=True), "autograde")
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    if not graded.get("success"):
        result.status = "failed"
        result.message = _last_line(graded.get("error") or graded.get("log") or "autograde failed")
        result.seconds = time.perf_counter() - start
        return result
    notes = limit_notes(instructor.notebook_path(root, f"autograded/{student}", step))
    if not_run_reason:
        result.status, result.message = "not run", not_run_reason
    elif reason:
        result.status, result.message = "unreadable", reason
    elif notes:
        result.status, result.message = "limit", summarize_notes(notes)
    with contextlib.closing(Gradebook(config.CourseDirectory.db_url,
                                      config.CourseDirectory.get("course_id", "default_course"))) as gb:
        submission = gb.find_submission(step, student)
        result.score, result.max_score = submission.score, submission.max_score
    if feedback:
        made = _retrying(lambda: api.generate_feedback(step, student, force=True), "generate_feedback")
        result.feedback = bool(made.get("success"))
        if not result.feedback:
            result.status = "failed"
            result.message = "feedback: " + _last_line(made.get("error") or made.get("log") or "")
    result.seconds = time.perf_counter() - start
    return result


def _last_line(text):
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


# -- workers ---------------------------------------------------------------------

def _worker(index, device, threads, root, limits, feedback, log_path, tasks, results):
    """A worker process: grade the tasks the parent sends, one at a time."""
    log = open(log_path, "a", buffering=1)
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    if device is not None:
        os.environ["CUDA_VISIBLE_DEVICES"] = device
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(name, str(threads))
    os.environ["COURSE_GRADE_WORKER"] = str(index)
    os.chdir(root)
    config = grading_config(root, limits)
    api = make_api(config)
    while True:
        task = tasks.get()
        if task is None:
            return
        step, student, not_run_reason = task
        print(f"--- {step} {student}", flush=True)
        results.put((index, task, None))  # started: the parent's clock for it starts now
        try:
            result = grade_submission(api, config, root, step, student, feedback, not_run_reason)
        except Exception as e:  # never let one submission stop the worker
            import traceback
            traceback.print_exc()
            result = Result(step, student, status="failed", message=f"{type(e).__name__}: {e}")
        result.worker, result.device = index, device
        results.put((index, task, asdict(result)))


@dataclass
class _Slot:
    index: int
    device: str | None
    process: multiprocessing.Process = None
    tasks: object = None
    task: tuple = None
    started: float = 0.0


def hard_limit(notebook_timeout):
    """Seconds after which a worker still on one notebook is killed: the
    notebook's own limit, plus time to start and stop its kernel and save."""
    if not notebook_timeout:
        return None
    return notebook_timeout + max(60, notebook_timeout // 10)


def grade(root, steps, students=None, jobs=None, shard=None, limits=None, feedback=True,
          gpus=None, progress=True, log_dir=None, kill_after=None, not_run_reason=None):
    """Grade every submission of `steps` (or only `students`), with `jobs`
    workers. Returns [Result], one per submission, sorted by step and student.

    kill_after: seconds before a worker still on one notebook is killed
    (default: from the notebook time limit, see hard_limit). not_run_reason:
    record every submission without running it (every cell "not run", with
    this message): nbgrader's whole autograde without a kernel, which the
    tests use to hammer the gradebook with concurrent writers."""
    from tqdm.auto import tqdm

    root = Path(root).resolve()
    jobs = jobs or default_jobs()
    config = grading_config(root, limits)
    tasks = []
    for step in steps:
        chosen = submitted_students(root, step)
        if students:
            chosen = [s for s in chosen if s in set(students)]
        if shard:
            chosen = shard_of(chosen, *shard)
        tasks += [(step, s, not_run_reason) for s in chosen]
    tasks = schedule(tasks)
    if not tasks:
        return []
    prepare_gradebook(root, config, sorted({t[0] for t in tasks}), sorted({t[1] for t in tasks}))

    jobs = min(jobs, len(tasks))
    devices = worker_devices(jobs, gpus)
    threads = threads_per_worker(jobs)
    keep_logs = log_dir is not None
    log_dir = Path(log_dir or tempfile.mkdtemp(prefix="course-grade-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    if kill_after is None:
        kill_after = hard_limit(effective_limits(config).notebook_timeout)

    context = multiprocessing.get_context("spawn")
    results_queue = context.Queue()

    def start(slot):
        slot.tasks = context.Queue()
        slot.process = context.Process(
            target=_worker, daemon=True,
            args=(slot.index, slot.device, threads, str(root), limits, feedback,
                  str(log_dir / f"worker-{slot.index}.log"), slot.tasks, results_queue))
        slot.process.start()

    slots = [_Slot(i, devices[i]) for i in range(jobs)]
    for slot in slots:
        start(slot)
    pending = list(tasks)
    results = {}
    # On a terminal, a bar; elsewhere (a CI log) no bar, which would fill it with carriage returns.
    bar = tqdm(total=len(tasks), unit="nb", desc="grading", disable=None if progress else True,
               dynamic_ncols=True)

    killed = set()
    deaths = 0

    def check_deaths(slot):
        """Workers that die by themselves, again and again, are broken (a bad
        configuration, say): stop, and show the last worker's log."""
        if deaths > 2 * jobs + 2:
            log = Path(log_dir / f"worker-{slot.index}.log")
            tail = log.read_text()[-3000:] if log.is_file() else ""
            raise RuntimeError(f"grading workers keep dying ({deaths} times); last log:\n{tail}")

    def finish(result):
        if (result.step, result.student) in killed:
            result.status = "killed"
        if (result.step, result.student) not in results:
            bar.update(1)
        results[(result.step, result.student)] = result
        bar.set_postfix_str(f"{result.student} {result.status}", refresh=True)
        if progress:
            bar.write(progress_line(result, len(results), len(tasks)), file=sys.stderr)

    try:
        while len(results) < len(tasks):
            for slot in slots:
                if slot.task is None and pending:
                    slot.task, slot.started = pending.pop(0), time.monotonic()
                    slot.tasks.put(slot.task)
            try:
                index, task, data = results_queue.get(timeout=1)
            except queue.Empty:
                pass
            else:
                slot = slots[index]
                if slot.task == tuple(task) and data is None:
                    # The worker is on it: a worker's start-up (imports; long
                    # on a loaded machine) does not count against the notebook.
                    slot.started = time.monotonic()
                elif slot.task == tuple(task):  # else: from a worker killed meanwhile
                    slot.task = None
                    finish(Result(**data))
            for slot in slots:
                if slot.task is None:
                    if not slot.process.is_alive():  # died between tasks
                        deaths += 1
                        check_deaths(slot)
                        start(slot)
                    continue
                step, student, reason = slot.task
                overdue = kill_after and not reason and time.monotonic() - slot.started > kill_after
                if overdue or not slot.process.is_alive():
                    why = (f"Not graded: grading this notebook took longer than {kill_after:.0f} s "
                           "and was stopped, so no cell was run for marks. Make the notebook faster "
                           "(it must finish within the notebook time limit)." if overdue else
                           f"Not graded: the grading worker died ({slot.process.exitcode}) while "
                           "running this notebook, so no cell was run for marks.")
                    slot.process.kill()  # its kernel dies with it (course.grader.sandbox.launcher)
                    slot.process.join()
                    if not overdue:
                        deaths += 1
                        check_deaths(slot)
                    start(slot)
                    slot.task = None
                    killed.add((step, student))
                    # Record the submission in the gradebook: every cell "not run".
                    pending.insert(0, (step, student, why))
    finally:
        bar.close()
        for slot in slots:
            if slot.process.is_alive():
                slot.tasks.put(None)
        for slot in slots:
            slot.process.join(timeout=30)
            if slot.process.is_alive():
                slot.process.kill()
    ordered = [results[(t[0], t[1])] for t in sorted(tasks, key=lambda t: (t[0], t[1]))]
    if not keep_logs and not any(r.failed for r in ordered):
        shutil.rmtree(log_dir, ignore_errors=True)  # a temp folder nobody needs
    for result in ordered:
        log = log_dir / f"worker-{result.worker}.log"
        result.log = str(log) if log.is_file() else ""
    return ordered


# -- reporting -------------------------------------------------------------------

def summary_row(r):
    """One submission's columns, in the summary and in grading's progress lines."""
    score = f"{r.score:g} / {r.max_score:g}" if r.score is not None else "-"
    return (r.step, r.student, score, r.status, f"{r.seconds:.0f}", r.message)


def progress_line(r, done, total):
    """The line grading prints as a submission is done, the done-th of total."""
    step, student, score, status, seconds, message = summary_row(r)
    return f"[{done}/{total}] {step}  {student}  {score}  {status}  {seconds} s" + (f"  {message}" if message else "")


def format_summary(results):
    """One line per submission: step, student, score/max, status, message."""
    if not results:
        return "No submissions to grade."
    rows = [("step", "student", "score", "status", "seconds", "message")]
    rows += [summary_row(r) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row[:5], widths)) + "  " + row[5] for row in rows]
    counts = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    lines.append(", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
    return "\n".join(line.rstrip() for line in lines)


def export_grades(root, to="grades.csv", config=None):
    """nbgrader export: the gradebook as CSV, with nbgrader's exporter (or
    the one nbgrader_config.py names in ExportApp.plugin_class)."""
    from nbgrader.apps import ExportApp
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    config = copy.deepcopy(config or grading_config(root))
    config.ExportPlugin.to = str(Path(to).resolve())
    app = ExportApp(coursedir=CourseDirectory(config=config), config=config)
    result = capture_log(app)
    if not result.get("success"):
        raise instructor.NbgraderFailed(f"nbgrader export failed:\n{result.get('error')}")
    return Path(to)


def read_grades_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


# -- the command -----------------------------------------------------------------

def add_arguments(parser):
    parser.add_argument("steps", nargs="+", help='step(s) to grade, or "all"')
    parser.add_argument("--student", action="append", metavar="ID", help="only this student (repeatable)")
    parser.add_argument("-j", "--jobs", type=int, default=None,
                        help=f"worker processes (default: the CPUs this process may use, here {default_jobs()})")
    parser.add_argument("--shard", type=parse_shard, metavar="I/N",
                        help="grade only shard I of N (0-based) of the students: one machine of N")
    parser.add_argument("--cell-timeout", type=int, metavar="S", help="seconds per cell (Execute.timeout)")
    parser.add_argument("--notebook-timeout", type=int, metavar="S",
                        help="seconds per notebook (LimitedExecute.notebook_timeout; 0: none)")
    parser.add_argument("--memory-limit", metavar="SIZE", help="memory per kernel: 4G, 512M or none")
    parser.add_argument("--network", choices=("none", "auto", "host"), help="network for student code")
    parser.add_argument("--gpus", metavar="IDS", help='GPU ids to spread workers over ("0,1"), or "none"')
    parser.add_argument("--no-feedback", action="store_true", help="skip nbgrader generate_feedback")
    parser.add_argument("--export", metavar="CSV", help="then export all grades to this CSV file")
    parser.add_argument("--log-dir", metavar="DIR",
                        help="keep the worker logs here (default: a temp folder, kept only if something failed)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar, no line per graded notebook")


def main(args):
    from course.grader.limits import parse_size

    root = find_course_root()
    steps = instructor.assignments(root) if args.steps == ["all"] else args.steps
    unknown = set(steps) - set(instructor.assignments(root))
    if unknown:
        print(f"Unknown steps: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    if args.memory_limit is not None:
        parse_size(args.memory_limit)  # fail now, not in every worker
    limits = Limits(args.cell_timeout, args.notebook_timeout, args.memory_limit, args.network)
    gpus = None if args.gpus is None else ([] if args.gpus == "none" else args.gpus.split(","))
    jobs = args.jobs or default_jobs()
    config = grading_config(root, limits)
    shown = effective_limits(config)
    network = shown.network
    if network != "host":
        from course.grader.sandbox.launcher import network_isolation_works

        works, why = network_isolation_works()
        if not works:
            if network == "none":
                print(f"Cannot cut student code off the network here: {why}", file=sys.stderr)
                return 2
            network = f"host (WARNING: no network namespace here: {why})"
    found = detect_gpus() if gpus is None else gpus
    print(f"Grading {', '.join(steps)} with {jobs} workers on "
          f"{'GPUs ' + ','.join(found) if found else 'the CPU'}; limits: "
          f"{shown.cell_timeout} s per cell, {shown.notebook_timeout or 'no limit'} s per notebook, "
          f"memory {shown.memory_limit}, network {network}", file=sys.stderr)
    start = time.perf_counter()
    results = grade(root, steps, args.student, jobs, args.shard, limits, not args.no_feedback,
                    gpus, progress=not args.quiet, log_dir=args.log_dir)
    seconds = time.perf_counter() - start
    print(format_summary(results))
    if results:
        logs = {str(Path(r.log).parent) for r in results if r.log}
        print(f"{len(results)} submissions in {seconds:.0f} s ({60 * len(results) / seconds:.1f} per minute)"
              + (f"; worker logs: {', '.join(sorted(logs))}" if logs else ""))
    if args.export:
        print(f"Grades exported to {export_grades(root, args.export)}")
    missing = sorted(set(args.student or []) - {r.student for r in results})
    if missing:
        print(f"No submission in submitted/ for: {', '.join(missing)}", file=sys.stderr)
    failed = [r for r in results if r.failed]
    for r in failed:
        print(f"FAILED to grade {r.step} for {r.student}: {r.message} (log: {r.log})", file=sys.stderr)
    return 1 if failed else 0


def export_main(args):
    root = find_course_root()
    print(f"Grades exported to {export_grades(root, args.to)}")
    return 0


def register(commands):
    """Add `grade` and `export` to `python -m course`'s subcommands."""
    import argparse

    sub = commands.add_parser("grade", help="autograde a class in parallel, with limits and feedback",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(sub)
    sub.set_defaults(func=main)
    sub = commands.add_parser("export", help="the gradebook as CSV (nbgrader's exporter)")
    sub.add_argument("--to", default="grades.csv", help="CSV file to write (default: grades.csv)")
    sub.set_defaults(func=export_main)
