"""Train step 17's reference CNN on CIFAR-10 and report accuracy, seconds, images/s.

    python benchmarks/cnn.py                  # CPU, and the GPU too when there is one
    python benchmarks/cnn.py --device cpu --epochs 8 --target 0.70
    python benchmarks/cnn.py --device cpu --budget cuda   # the GPU's budget, on the CPU (slow)
    make bench-cnn

The network is the reference solution of source/17_cnn_cifar10 (its
`CIFARNet` cell, executed as is: one definition, no copy), trained exactly as
that notebook trains it: course.data.cifar10 with the notebook's transforms,
batches, learning rate and cosine schedule from course.vision.budget,
course.vision.GPUBatches on a GPU, course.vision.train_epoch.
Needs torch and torchvision only (not nbgrader), so it runs on a bare GPU
machine.
It trains on the "train" split (45,000 images), as the notebook does. After
every epoch it measures the validation accuracy (the 5,000 "val" images: what
the notebook's own check measures) and the test accuracy on all 10,000 test
images (what the hidden check counts; the benchmark, like the grader, has
the test set).

Reported: data load time (datasets built, first batch read), training
seconds (evaluation excluded), training images/s, validation and test
accuracy per epoch, and the training time at which the test accuracy first
reached `--target`.
"""
import argparse
import os
import sys
import time
from pathlib import Path

import json
import re

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from torchvision import transforms

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course.data import cifar10, data_root  # noqa: E402
from course.vision import GPUBatches, accuracy, budget, train_epoch  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from record import record  # noqa: E402

STEP = "17_cnn_cifar10"


def reference_model_class():
    """CIFARNet, from the reference solution cell of step 17's source notebook."""
    nb = json.loads((ROOT / "source" / STEP / f"{STEP}.ipynb").read_text())
    cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "cifarnet")
    source = "".join(cell["source"])
    namespace = {"torch": torch, "nn": nn, "F": F}
    exec(re.sub(r"(?m)^\s*### (BEGIN|END) SOLUTION\s*$", "", source), namespace)
    return namespace["CIFARNet"]


def load_data(plan, workers, device):
    """The notebook's training and validation loaders, a loader over the test
    set (the grader's), and the seconds they took."""
    start = time.perf_counter()
    normalize = transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))
    train_set = cifar10("train", transform=transforms.Compose(
        [transforms.RandomHorizontalFlip(), transforms.ToTensor(), normalize]))
    plain = transforms.Compose([transforms.ToTensor(), normalize])
    val_set, test_set = cifar10("val", transform=plain), cifar10("test", transform=plain)
    extra = {"num_workers": workers, "persistent_workers": True} if workers else {}
    train_loader = DataLoader(train_set, batch_size=plan.batch_size, shuffle=True, **extra)
    val_loader = DataLoader(val_set, batch_size=1000, **extra)
    test_loader = DataLoader(test_set, batch_size=1000, **extra)
    if plan.device == "cuda":  # as the notebook does on a GPU (on `device`: --budget cuda runs it on the CPU)
        train_loader = GPUBatches(train_set, plan.batch_size, device)
    next(iter(train_loader))
    return train_loader, val_loader, test_loader, time.perf_counter() - start, type(train_set).__name__


def bench(device, epochs, target, workers, plan_for=None):
    plan = budget(plan_for or device)
    epochs = epochs or plan.epochs
    torch.manual_seed(0)
    train_loader, val_loader, test_loader, load_s, source = load_data(plan, workers, device)
    model = reference_model_class()().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=plan.lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * len(train_loader))
    loss_fn = nn.CrossEntropyLoss()
    threads = torch.get_num_threads()
    print(f"\n== {device}: {epochs} epochs of {STEP}'s CIFARNet, batch {plan.batch_size}, Adam lr {plan.lr} -> 0 (cosine), "
          f"{threads} CPU threads, data {source} from {data_root()} loaded in {load_s:.1f} s")
    seconds, images, reached = 0.0, 0, None
    for epoch in range(1, epochs + 1):
        if device == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        losses = train_epoch(model, train_loader, optimizer, loss_fn, device=device, scheduler=scheduler)
        if device == "cuda":
            torch.cuda.synchronize()
        seconds += time.perf_counter() - start
        images += len(losses) * plan.batch_size
        val_acc, acc = accuracy(model, val_loader, device=device), accuracy(model, test_loader, device=device)
        if reached is None and acc >= target:
            reached = seconds
        print(f"epoch {epoch:2d}: validation accuracy {val_acc:.1%}  test accuracy {acc:.1%}  train {seconds:6.1f} s  "
              f"{images / seconds:7.0f} images/s  last loss {sum(losses[-100:]) / 100:.3f}", flush=True)
    when = f"reached at {reached:.1f} s of training" if reached is not None else "not reached"
    print(f"{device}: {val_acc:.1%} validation accuracy, {acc:.1%} test accuracy after {epochs} epochs, "
          f"{seconds:.1f} s of training, "
          f"{images / seconds:.0f} images/s; target {target:.0%} {when}; data load {load_s:.1f} s. "
          f"Grading threshold for this device: {plan.min_accuracy:.0%} after {plan.epochs} epochs.")
    record("cnn", {"validation %": round(100 * val_acc, 1), "test %": round(100 * acc, 1),
                   "training s": round(seconds, 1), f"s to {target:.0%}": round(reached, 1) if reached else "not reached",
                   "images/s": round(images / seconds), "data load s": round(load_s, 1)},
           setting=f"{device} {epochs} epochs, {plan_for or device} budget")
    return acc, seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", choices=["all", "cpu", "cuda"], default="all",
                        help="all: the CPU, and the GPU when there is one")
    parser.add_argument("--epochs", type=int, default=0,
                        help="epochs (default: 8 on the CPU, within the 180 s target; the notebook's GPU budget on a GPU)")
    parser.add_argument("--target", type=float, default=None,
                        help="test accuracy whose time to report (default: 0.70 on the CPU, 0.75 on a GPU)")
    parser.add_argument("--budget", choices=["cpu", "cuda"], default=None,
                        help="train with this device's budget (default: the device's own); "
                             "--device cpu --budget cuda gives the GPU's accuracy on a machine without one")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", "0")),
                        help="DataLoader worker processes (the notebook uses 0)")
    args = parser.parse_args(argv)
    devices = ["cpu", "cuda"] if args.device == "all" else [args.device]
    if "cuda" in devices and not torch.cuda.is_available():
        print("no GPU here: CPU only" if args.device == "all" else "no GPU here", file=sys.stderr)
        if args.device == "cuda":
            return 1
        devices.remove("cuda")
    for device in devices:
        plan_for = args.budget or device
        epochs = args.epochs or (8 if plan_for == "cpu" else budget(plan_for).epochs)
        target = args.target if args.target is not None else (0.70 if plan_for == "cpu" else 0.75)
        bench(device, epochs, target, args.workers, plan_for)
    return 0


if __name__ == "__main__":
    sys.exit(main())
