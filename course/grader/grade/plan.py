"""Which submissions to grade, in what order, on which devices, with how many
threads: plain functions of the class and the machine."""
import os
import shutil
import subprocess
from pathlib import Path


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


def hard_limit(notebook_timeout):
    """Seconds after which a worker still on one notebook is killed: the
    notebook's own limit, plus time to start and stop its kernel and save."""
    if not notebook_timeout:
        return None
    return notebook_timeout + max(60, notebook_timeout // 10)
