"""One place for measured figures: each benchmark script hands its figures
to `record(...)`, which prints them beside the previous run's (with the date
and the machine of both) and keeps the run in benchmarks/results.json.

    python benchmarks/record.py      print every benchmark's latest figures

docs/measurements.md points here; figures are not restated elsewhere.
"""
import datetime
import json
import os
import platform
import sys
from pathlib import Path

RESULTS = Path(__file__).with_name("results.json")
KEEP = 10  # runs kept per benchmark and setting


def machine():
    """What the figures depend on, in a line: cores, CPU, GPU, torch, load."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    gpu = ""
    try:
        import torch
        torch_version = torch.__version__
        if torch.cuda.is_available():
            gpu = ", GPU " + torch.cuda.get_device_name(0)
    except ImportError:
        torch_version = "none"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores ({cpu}){gpu}, torch {torch_version}, load average {load}"


def _load():
    try:
        return json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        return {}


def _cell(value):
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def record(benchmark, figures, setting=""):
    """Print `figures` ({name: number or text}) beside the previous run of the
    same benchmark and setting, then keep them. Returns the previous run."""
    key = f"{benchmark} {setting}".strip()
    results = _load()
    runs = results.setdefault(key, [])
    previous = runs[-1] if runs else None
    now = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "machine": machine(), "figures": figures}
    names = list(figures) + [n for n in (previous or {}).get("figures", {}) if n not in figures]
    width = max(len("figure"), *(len(n) for n in names))
    print(f"\n{key}")
    print(f"  {'figure'.ljust(width)}  {'previous':>12}  {'now':>12}")
    for name in names:
        before = _cell(previous["figures"].get(name, "")) if previous else "-"
        print(f"  {name.ljust(width)}  {before:>12}  {_cell(figures.get(name, '')):>12}")
    if previous:
        print(f"  previous: {previous['date']}, {previous['machine']}")
    print(f"  now:      {now['date']}, {now['machine']}")
    runs.append(now)
    del runs[:-KEEP]
    RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    return previous


def main():
    results = _load()
    if not results:
        print(f"no figures yet in {RESULTS}: run a benchmark (make bench-notebooks, bench-cnn, bench-grading)")
        return 0
    for key, runs in sorted(results.items()):
        last = runs[-1]
        print(f"{key}: {last['date']}, {last['machine']}")
        for name, value in last["figures"].items():
            print(f"  {name}: {_cell(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
