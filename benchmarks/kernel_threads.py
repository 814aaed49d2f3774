"""Kernels that share a node: K kernels at once, each training the same
small CNN for a few batches, with torch's default threads (one per core of
the node, as before the hub set them) and with the threads of each kernel's
CPU share (what deploy/jupyterhub/jupyterhub_config.py now sets: the
spawner's cpu_limit as OMP_NUM_THREADS, which torch follows).

    python benchmarks/kernel_threads.py                    # 4 kernels, share = CPUs / 4
    python benchmarks/kernel_threads.py --kernels 4 --batches 30

Each kernel is a fresh Python (as a kernel is), started with the hub's
environment; the figure is the wall time until the last one is done, and
the slowest kernel's training seconds (medians of --rounds runs of each,
taken in turn). Prints both side by side and keeps
them (benchmarks/record.py). Not a test; timings depend on what else runs.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from record import record  # noqa: E402

# One small training step of the image lessons: a two-conv CNN on 32x32 images.
TRAIN = """\
import time, torch
from torch import nn
torch.manual_seed(0)
model = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Flatten(), nn.Linear(64 * 8 * 8, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.01)
x, y = torch.randn(128, 3, 32, 32), torch.randint(0, 10, (128,))
start = time.perf_counter()
for _ in range({batches}):
    opt.zero_grad()
    nn.functional.cross_entropy(model(x), y).backward()
    opt.step()
print(torch.get_num_threads(), time.perf_counter() - start)
"""


def run_kernels(kernels, batches, threads):
    """Start `kernels` Pythons at once; (wall s, slowest training s, threads each)."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    if threads:
        env.update(dict.fromkeys(("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"), str(threads)))
    start = time.perf_counter()
    running = [subprocess.Popen([sys.executable, "-c", TRAIN.format(batches=batches)], env=env,
                                stdout=subprocess.PIPE, text=True) for _ in range(kernels)]
    answers = [p.communicate()[0].split() for p in running]
    wall = time.perf_counter() - start
    return wall, max(float(a[1]) for a in answers), int(answers[0][0])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kernels", type=int, default=4)
    parser.add_argument("--batches", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3, help="before/after pairs, in turn; medians kept")
    args = parser.parse_args(argv)
    cpus = os.cpu_count()
    share = max(1, cpus // args.kernels)  # the hub's cpu_limit for K kernels on this node, in whole threads
    runs = {None: [], share: []}
    for _ in range(args.rounds):  # in turn, so that a change of load hits both alike
        for threads in runs:
            runs[threads].append(run_kernels(args.kernels, args.batches, threads))
    before, after = (tuple(statistics.median(r[i] for r in runs[t]) for i in range(3)) for t in runs)
    print(f"{args.kernels} kernels on {cpus} CPUs, {args.batches} batches of 128 each")
    print(f"{'':28}{'threads':>8}{'wall s':>9}{'slowest train s':>17}")
    for name, (wall, slowest, threads) in (("torch's default", before), ("the CPU share's", after)):
        print(f"{name:28}{threads:8.0f}{wall:9.1f}{slowest:17.1f}")
    record("kernel threads", {"default threads": int(before[2]), "default wall s": round(before[0], 1),
                              "default slowest train s": round(before[1], 1), "share threads": int(after[2]),
                              "share wall s": round(after[0], 1), "share slowest train s": round(after[1], 1)},
           setting=f"{args.kernels} kernels x{args.batches} batches")
    return 0


if __name__ == "__main__":
    sys.exit(main())
