"""Train step 17's reference CNN on CIFAR-10 with the notebook's recipe, and
the recipe before it (issue 21) in the same run; report accuracy after each
epoch and seconds.

    python benchmarks/cnn.py                        # new and old recipe, CPU (and the GPU when there is one)
    python benchmarks/cnn.py --recipe new --device cpu --epochs 5
    python benchmarks/cnn.py --threads 1            # CPU seconds comparable on a busy machine
    make bench-cnn

new: the reference solutions of source/17_cnn_cifar10 (its CIFARNet,
train_one_epoch and evaluate cells, executed as they are: one definition, no
copy), trained as that notebook trains: per-channel mean and std, random crop
(padding 4) and flip applied by course.vision.ImageBatches to whole uint8
batches, AdamW (weight decay), OneCycleLR stepped per batch, label smoothing,
the budget of course.vision.budget.
old: the network and recipe step 17 had before (3 convs without batch norm,
flips only, Normalize(0.5, 0.5), a DataLoader, Adam lr 0.002 with a cosine
schedule, 2 epochs of batches of 64 on the CPU), kept here to measure the
change side by side on the same machine at the same time.

Reported per epoch: validation accuracy (the 5,000 "val" images, what the
notebook measures), wall seconds and CPU seconds of training (evaluation
excluded), the load average; at the end the test accuracy (all 10,000 test
images: what the hidden check counts). Needs torch and torchvision only.
"""
import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from torchvision import transforms

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course.data import cifar10, data_root  # noqa: E402
from course.vision import ImageBatches, accuracy, budget, train_epoch  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from record import record  # noqa: E402

STEP = "17_cnn_cifar10"


def reference_cells():
    """CIFARNet, train_one_epoch and evaluate from the reference solution
    cells of step 17's source notebook."""
    nb = json.loads((ROOT / "source" / STEP / f"{STEP}.ipynb").read_text())
    namespace = {"torch": torch, "nn": nn, "F": F}
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") in ("cifarnet", "train-one-epoch", "evaluate"):
            exec(re.sub(r"(?m)^\s*### (BEGIN|END) SOLUTION\s*$", "", "".join(cell["source"])), namespace)
    return namespace["CIFARNet"], namespace["train_one_epoch"], namespace["evaluate"]


class OldCIFARNet(nn.Module):
    """Step 17's network before issue 21."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.conv3 = nn.Conv2d(32, 64, 3, padding=1)
        self.pool = nn.MaxPool2d(2, 2)
        self.fc1 = nn.Linear(64 * 4 * 4, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = self.pool(F.relu(self.conv3(x)))
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


def channel_stats():
    """The notebook's per-channel mean and std (of the first 10,000 training images)."""
    pixels = torch.as_tensor(cifar10("train").data[:10000]).float() / 255
    return tuple(pixels.mean(dim=(0, 1, 2)).tolist()), tuple(pixels.std(dim=(0, 1, 2)).tolist())


def new_recipe(device, epochs):
    """Yields after each epoch; returns nothing. Sets up as the notebook does."""
    plan = budget(device)
    CIFARNet, train_one_epoch, evaluate = reference_cells()
    mean, std = channel_stats()
    train_set = cifar10("train", transform=transforms.Compose([
        transforms.RandomCrop(32, padding=4), transforms.RandomHorizontalFlip(),
        transforms.ToTensor(), transforms.Normalize(mean, std)]))
    plain = transforms.Compose([transforms.ToTensor(), transforms.Normalize(mean, std)])
    train_batches = ImageBatches(train_set, plan.batch_size, device)
    val_batches = ImageBatches(cifar10("val", transform=plain), 1000, device, shuffle=False)
    test_batches = ImageBatches(cifar10("test", transform=plain), 1000, device, shuffle=False)
    model = CIFARNet().to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=plan.lr, weight_decay=plan.weight_decay)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=plan.lr, total_steps=epochs * len(train_batches))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=plan.label_smoothing)
    describe = (f"CIFARNet with batch norm, crop + flip in ImageBatches, batch {plan.batch_size}, AdamW lr {plan.lr} "
                f"wd {plan.weight_decay} one-cycle, label smoothing {plan.label_smoothing}")
    return (describe, lambda: train_one_epoch(model, train_batches, optimizer, scheduler, loss_fn),
            lambda: evaluate(model, val_batches), lambda: evaluate(model, test_batches))


def old_recipe(device, epochs):
    normalize = transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))
    train_set = cifar10("train", transform=transforms.Compose(
        [transforms.RandomHorizontalFlip(), transforms.ToTensor(), normalize]))
    plain = transforms.Compose([transforms.ToTensor(), normalize])
    train_loader = DataLoader(train_set, batch_size=64, shuffle=True)
    val_loader = DataLoader(cifar10("val", transform=plain), batch_size=1000)
    test_loader = DataLoader(cifar10("test", transform=plain), batch_size=1000)
    model = OldCIFARNet().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * len(train_loader))
    loss_fn = nn.CrossEntropyLoss()
    return ("the old CIFARNet (no batch norm), flips in a DataLoader, batch 64, Adam lr 0.002 cosine",
            lambda: train_epoch(model, train_loader, optimizer, loss_fn, device=device, scheduler=scheduler),
            lambda: accuracy(model, val_loader, device), lambda: accuracy(model, test_loader, device))


def load():
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def bench(recipe, device, epochs):
    torch.manual_seed(0)
    start = time.perf_counter()
    describe, train, validate, test = (new_recipe if recipe == "new" else old_recipe)(device, epochs)
    setup_s = time.perf_counter() - start
    print(f"\n== {recipe} recipe on {device}, {epochs} epochs, {torch.get_num_threads()} threads: {describe}; "
          f"data from {data_root()}, set up in {setup_s:.1f} s; load {load()}", flush=True)
    wall = cpu = 0.0
    for epoch in range(1, epochs + 1):
        if device == "cuda":
            torch.cuda.synchronize()
        w0, c0 = time.perf_counter(), time.process_time()
        train()
        if device == "cuda":
            torch.cuda.synchronize()
        wall, cpu = wall + time.perf_counter() - w0, cpu + time.process_time() - c0
        val = validate()
        print(f"epoch {epoch}: validation {val:.1%}  training {wall:6.1f} s wall, {cpu:6.1f} s CPU  load {load()}",
              flush=True)
    acc = test()
    print(f"{recipe}: {val:.1%} validation, {acc:.1%} test after {epochs} epochs; {wall:.1f} s wall, "
          f"{cpu:.1f} s CPU of training; load {load()}")
    record("cnn", {"validation %": round(100 * val, 1), "test %": round(100 * acc, 1),
                   "training s": round(wall, 1), "training CPU s": round(cpu, 1), "load": load()},
           setting=f"{recipe} recipe, {device}, {epochs} epochs, {torch.get_num_threads()} threads")
    return val, acc, wall


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", choices=["all", "cpu", "cuda"], default="all",
                        help="all: the CPU, and the GPU when there is one")
    parser.add_argument("--recipe", choices=["both", "new", "old"], default="both")
    parser.add_argument("--epochs", type=int, default=0,
                        help="epochs (default: the device's budget for the new recipe, 2 on the CPU for the old)")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (default: torch's own choice)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    devices = ["cpu", "cuda"] if args.device == "all" else [args.device]
    if "cuda" in devices and not torch.cuda.is_available():
        print("no GPU here: CPU only" if args.device == "all" else "no GPU here", file=sys.stderr)
        if args.device == "cuda":
            return 1
        devices.remove("cuda")
    for device in devices:
        for recipe in (["new", "old"] if args.recipe == "both" else [args.recipe]):
            default = budget(device).epochs if recipe == "new" else (2 if device == "cpu" else 20)
            bench(recipe, device, args.epochs or default)
    return 0


if __name__ == "__main__":
    sys.exit(main())
