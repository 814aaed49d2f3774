"""Grading in N worker processes: the parent hands one submission at a time
to each worker, kills a worker stuck past the notebook's hard limit (its
kernel dies with it) and records that submission as not run, and restarts
workers that die. Results come back as plain dicts, in any order."""
import multiprocessing
import os
import queue
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from course.grader.grade.gradebook import effective_limits, grading_config, make_api, prepare_gradebook
from course.grader.grade.plan import (
    default_jobs, hard_limit, schedule, shard_of, submitted_students, threads_per_worker, worker_devices,
)
from course.grader.grade.submission import Result, grade_submission, progress_line
from course import data, find_course_root
from course.grader.sandbox import cgroups, kernel_user


def _worker(index, device, threads, root, limits, feedback, log_path, tasks, results, found):
    """A worker process: grade the tasks the parent sends, one at a time.
    It dies with the parent (a grading service killed with SIGKILL must not
    leave a worker writing into autograded/ while its successor grades)."""
    from course.grader.sandbox.launcher import die_with_parent

    die_with_parent()
    if os.getppid() != multiprocessing.parent_process().pid:
        os._exit(1)  # the parent died before this worker could ask to die with it
    log = open(log_path, "a", buffering=1)
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    if device is not None:
        os.environ["CUDA_VISIBLE_DEVICES"] = device
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(name, str(threads))
    os.environ["COURSE_GRADE_WORKER"] = str(index)
    user_checks, training_view = found
    kernel_user.remember(user_checks)
    data.remember_training_view(training_view)
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


def _training_view(root):
    """data.training_view() as the workers, who work in `root`, will find
    it, or None (they find it themselves, and say what is wrong): found
    here only where it cannot depend on the working folder (an absolute
    COURSE_DATA_DIR, or this process working in `root`)."""
    try:
        here = find_course_root() == Path(root)
    except FileNotFoundError:
        here = False
    if not (here or os.path.isabs(os.environ.get(data.ENV, ""))):
        return None
    try:
        return data.training_view()
    except Exception:
        return None


def reclaim(pid):
    """Remove the kernel cgroups a dead worker left, and what is still in
    them: a killed worker cannot remove its own."""
    cgroups.remove(cgroups.left_by(pid))


@dataclass
class _Slot:
    """One worker process and the task it is on."""
    index: int
    device: str | None
    process: multiprocessing.Process = None
    tasks: object = None
    task: tuple = None
    started: float = 0.0


class _Pool:
    """The parent's side of one grading run."""

    def __init__(self, root, tasks, jobs, devices, threads, limits, feedback, log_dir, kill_after, bar, progress,
                 on_result=None, found=({}, None)):
        self.root, self.limits, self.feedback, self.log_dir = root, limits, feedback, log_dir
        self.found = found
        self.on_result = on_result
        self.threads, self.kill_after, self.bar, self.jobs = threads, kill_after, bar, jobs
        self.progress = progress
        self.context = multiprocessing.get_context("spawn")
        self.results_queue = self.context.Queue()
        self.pending = list(tasks)
        self.total = len(tasks)
        self.results = {}
        self.killed = set()
        self.deaths = 0
        self.slots = [_Slot(i, devices[i]) for i in range(jobs)]
        for slot in self.slots:
            self.start(slot)

    def start(self, slot):
        slot.tasks = self.context.Queue()
        slot.process = self.context.Process(
            target=_worker, daemon=True,
            args=(slot.index, slot.device, self.threads, str(self.root), self.limits, self.feedback,
                  str(self.log_dir / f"worker-{slot.index}.log"), slot.tasks, self.results_queue,
                  self.found))
        slot.process.start()

    def died(self, slot):
        """Workers that die by themselves, again and again, are broken (a bad
        configuration, say): stop, and show the last worker's log."""
        self.deaths += 1
        if self.deaths > 2 * self.jobs + 2:
            log = self.log_dir / f"worker-{slot.index}.log"
            tail = log.read_text()[-3000:] if log.is_file() else ""
            raise RuntimeError(f"grading workers keep dying ({self.deaths} times); last log:\n{tail}")

    def finish(self, result):
        if (result.step, result.student) in self.killed:
            result.status = "killed"
        if (result.step, result.student) not in self.results:
            self.bar.update(1)
        self.results[(result.step, result.student)] = result
        self.bar.set_postfix_str(f"{result.student} {result.status}", refresh=True)
        if self.progress:
            self.bar.write(progress_line(result, len(self.results), self.total), file=sys.stderr)
        if self.on_result:
            self.on_result(result)

    def hand_out(self):
        for slot in self.slots:
            if slot.task is None and self.pending:
                slot.task, slot.started = self.pending.pop(0), time.monotonic()
                slot.tasks.put(slot.task)

    def receive(self):
        try:
            index, task, data = self.results_queue.get(timeout=1)
        except queue.Empty:
            return
        slot = self.slots[index]
        if slot.task == tuple(task) and data is None:
            # The worker is on it: a worker's start-up (imports; long on a
            # loaded machine) does not count against the notebook.
            slot.started = time.monotonic()
        elif slot.task == tuple(task):  # else: from a worker killed meanwhile
            slot.task = None
            self.finish(Result(**data))

    def watch(self, slot):
        """Restart a worker that died; kill one stuck past the hard limit.
        Its submission is then recorded in the gradebook: every cell not run."""
        if slot.task is None:
            if not slot.process.is_alive():  # died between tasks
                reclaim(slot.process.pid)
                self.died(slot)
                self.start(slot)
            return
        step, student, reason = slot.task
        overdue = self.kill_after and not reason and time.monotonic() - slot.started > self.kill_after
        if not overdue and slot.process.is_alive():
            return
        why = (f"Not graded: grading this notebook took longer than {self.kill_after:.0f} s "
               "and was stopped, so no cell was run for marks. Make the notebook faster "
               "(it must finish within the notebook time limit)." if overdue else
               f"Not graded: the grading worker died ({slot.process.exitcode}) while "
               "running this notebook, so no cell was run for marks.")
        slot.process.kill()  # its kernel dies with it (course.grader.sandbox.launcher)
        slot.process.join()
        reclaim(slot.process.pid)
        if not overdue:
            self.died(slot)
        self.start(slot)
        slot.task = None
        self.killed.add((step, student))
        self.pending.insert(0, (step, student, why))

    def run(self):
        try:
            while len(self.results) < self.total:
                self.hand_out()
                self.receive()
                for slot in self.slots:
                    self.watch(slot)
        finally:
            self.bar.close()
            for slot in self.slots:
                if slot.process.is_alive():
                    slot.tasks.put(None)
            for slot in self.slots:
                slot.process.join(timeout=30)
                if slot.process.is_alive():
                    slot.process.kill()
        return self.results


def grade(root, steps, students=None, jobs=None, shard=None, limits=None, feedback=True,
          gpus=None, progress=True, log_dir=None, kill_after=None, not_run_reason=None, on_result=None):
    """Grade every submission of `steps` (or only `students`), with `jobs`
    workers. Returns [Result], one per submission, sorted by step and student.

    kill_after: seconds before a worker still on one notebook is killed
    (default: from the notebook time limit, see hard_limit). not_run_reason:
    record every submission without running it (every cell "not run", with
    this message): nbgrader's whole autograde without a kernel, which the
    tests use to hammer the gradebook with concurrent writers. on_result:
    called with each Result as soon as its submission is done (the grading
    service releases that student's feedback then, not at the end)."""
    from tqdm.auto import tqdm

    root = Path(root).resolve()
    jobs = jobs or default_jobs()
    config = grading_config(root, limits)
    tasks = []
    for step in steps:
        chosen = submitted_students(root, step)
        if students:  # in the caller's order (the grading service's: order of arrival)
            chosen = [s for s in dict.fromkeys(students) if s in set(chosen)]
        if shard:
            chosen = shard_of(chosen, *shard)
        tasks += [(step, s, not_run_reason) for s in chosen]
    tasks = schedule(tasks)
    if not tasks:
        return []
    prepare_gradebook(root, config, sorted({t[0] for t in tasks}), sorted({t[1] for t in tasks}))

    jobs = min(jobs, len(tasks))
    keep_logs = log_dir is not None
    log_dir = Path(log_dir or tempfile.mkdtemp(prefix="course-grade-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    if kill_after is None:
        kill_after = hard_limit(effective_limits(config).notebook_timeout)
    # On a terminal, a bar; elsewhere (a CI log) no bar, which would fill it with carriage returns.
    bar = tqdm(total=len(tasks), unit="nb", desc="grading", disable=None if progress else True,
               dynamic_ncols=True)
    from course.grader.preprocessors.limited_execute import LimitedExecute

    # Found once here, not once per worker: the kernel user's check and the
    # files of the kernels' training-only data root (seconds each).
    found = (kernel_user.findings(LimitedExecute(config=config).kernel_user), _training_view(root))
    results = _Pool(root, tasks, jobs, worker_devices(jobs, gpus), threads_per_worker(jobs), limits,
                    feedback, log_dir, kill_after, bar, progress, on_result, found).run()

    ordered = [results[(t[0], t[1])] for t in sorted(tasks, key=lambda t: (t[0], t[1]))]
    if not keep_logs and not any(r.failed for r in ordered):
        shutil.rmtree(log_dir, ignore_errors=True)  # a temp folder nobody needs
    for result in ordered:
        log = log_dir / f"worker-{result.worker}.log"
        result.log = str(log) if log.is_file() else ""
    return ordered
