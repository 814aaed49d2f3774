"""benchmarks/record.py: each run printed beside the previous one, and kept."""
import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit


@pytest.fixture
def record(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("record", Path(__file__).parents[1] / "benchmarks" / "record.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "RESULTS", tmp_path / "results.json")
    return module


def test_a_run_is_printed_beside_the_previous_one(record, capsys):
    assert record.record("cnn", {"test %": 70.1, "training s": 80.0}, setting="cpu") is None
    previous = record.record("cnn", {"test %": 71.5, "training s": 78.0}, setting="cpu")
    assert previous["figures"] == {"test %": 70.1, "training s": 80.0}
    out = capsys.readouterr().out.splitlines()
    row = next(line for line in reversed(out) if line.strip().startswith("test %"))
    assert row.split()[-2:] == ["70.1", "71.5"]
    assert any(line.strip().startswith("previous:") and "cores" in line for line in out)


def test_runs_are_kept_per_setting_and_bounded(record):
    for i in range(record.KEEP + 3):
        record.record("grading", {"ratio": float(i)}, setting="-j2")
    record.record("grading", {"ratio": 9.0}, setting="-j4")
    import json
    kept = json.loads(record.RESULTS.read_text())
    assert len(kept["grading -j2"]) == record.KEEP and kept["grading -j2"][-1]["figures"]["ratio"] == record.KEEP + 2
    assert len(kept["grading -j4"]) == 1
