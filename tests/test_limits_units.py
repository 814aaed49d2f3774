"""Parts of course/grader/preprocessors/limited_execute.py and course/grader/sandbox/kernel_manager.py on their own, without a kernel: the killing of
what a kernel left running (`reap_strays`) and the cut of long outputs
(`LimitedExecute._cut_long_outputs`). The slow end-to-end cases are in
tests/test_grading_limits.py and tests/adversarial/."""
import json
import subprocess
import sys
import textwrap

import pytest
from nbformat.v4 import new_code_cell, new_output

from course.grader.preprocessors.limited_execute import LimitedExecute

pytestmark = pytest.mark.unit

# Run in a child Python: reap_strays kills every child of its process that
# is not kept, which pytest's own process must not be subjected to.
REAP = textwrap.dedent("""
    import ctypes, json, os, subprocess, sys, time
    from course.grader.sandbox.kernel_manager import PR_SET_CHILD_SUBREAPER, children_of, reap_strays

    def alive(pid):
        try:
            with open(f"/proc/{pid}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()[0] != "Z"
        except FileNotFoundError:
            return False

    subreaper = ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # no pipe held open
    kept = subprocess.Popen(["sleep", "60"], **quiet)
    stray = subprocess.Popen(["sleep", "60"], **quiet)
    # A double fork into a new session, as a daemon would: the middle process
    # exits, and the grandchild is left to this process (a subreaper).
    middle = subprocess.run(
        [sys.executable, "-c", "import subprocess; "
         "print(subprocess.Popen(['sleep', '60'], start_new_session=True, "
         "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).pid)"],
        capture_output=True, text=True, check=True)
    orphan = int(middle.stdout)
    for _ in range(100):
        if orphan in children_of(os.getpid()):
            break
        time.sleep(0.05)
    before = {"kept": alive(kept.pid), "stray": alive(stray.pid), "orphan": alive(orphan),
              "orphan_is_child": orphan in children_of(os.getpid())}
    reap_strays({kept.pid})
    after = {"kept": alive(kept.pid), "stray": alive(stray.pid), "orphan": alive(orphan),
             "children": sorted(children_of(os.getpid())), "kept_pid": kept.pid}
    kept.kill()
    kept.wait()
    for pid in (stray.pid, orphan):  # not to be left behind, whatever the test says
        if alive(pid):
            os.kill(pid, 9)
    print(json.dumps({"subreaper": subreaper, "before": before, "after": after}))
""")


def test_reap_strays_kills_children_and_orphans_not_kept():
    out = subprocess.run([sys.executable, "-c", REAP], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    before, after = result["before"], result["after"]
    assert before["kept"] and before["stray"] and before["orphan"]
    assert not after["stray"], "a child not in keep was left running"
    assert after["kept"], "a child in keep was killed"
    assert after["children"] == [after["kept_pid"]]
    if not result["subreaper"]:
        pytest.skip("this machine refuses PR_SET_CHILD_SUBREAPER: the orphan part is not tested")
    assert before["orphan_is_child"], "the double-forked grandchild was not handed to the subreaper"
    assert not after["orphan"], "the orphan of a double fork, in a new session, was left running"


LONG = 1000


def cell_with(*outputs):
    cell = new_code_cell("print('x' * 1000)")
    cell.outputs = list(outputs)
    return cell


def cut(text, limit):
    return text[:limit] + (f"\n[... {len(text) - limit} more characters cut: one output "
                           f"may keep {limit} characters while grading]\n")


def test_output_limit_defaults_to_100000_characters():
    assert LimitedExecute().max_output_chars == 100_000


def test_long_outputs_are_cut_with_a_note():
    line = "x" * LONG                       # one huge line: nbgrader's LimitOutput counts lines
    value = "y" * LONG
    cell = cell_with(
        new_output("stream", name="stdout", text=line),
        new_output("execute_result", data={"text/plain": value, "text/html": "<b>" + value + "</b>"},
                   execution_count=1),
        new_output("stream", name="stderr", text="short\n"),
        new_output("display_data", data={"text/plain": "z" * 100}),
    )
    LimitedExecute(max_output_chars=100)._cut_long_outputs(cell)
    stdout, result, stderr, display = cell.outputs
    assert stdout.text == cut(line, 100)
    assert stdout.text.startswith("x" * 100) and "900 more characters cut" in stdout.text
    assert result.data["text/plain"] == cut(value, 100)
    assert result.data["text/html"] == "<b>" + value + "</b>"  # only plain text is cut
    assert stderr.text == "short\n"                            # short outputs are left alone
    assert display.data["text/plain"] == "z" * 100             # exactly the limit: kept whole


def test_a_limit_of_zero_cuts_nothing():
    cell = cell_with(new_output("stream", name="stdout", text="x" * LONG),
                     new_output("execute_result", data={"text/plain": "y" * LONG}, execution_count=1))
    LimitedExecute(max_output_chars=0)._cut_long_outputs(cell)
    assert cell.outputs[0].text == "x" * LONG
    assert cell.outputs[1].data["text/plain"] == "y" * LONG


@pytest.mark.unit
@pytest.mark.parametrize("ename, evalue, note", [
    ("OSError", "[Errno 28] No space left on device", "DiskLimitExceeded"),
    ("OSError", "[Errno 27] File too large", "DiskLimitExceeded"),
    ("RuntimeError", "unable to write to file </torch_1_2>: No space left on device (28)", "DiskLimitExceeded"),
    ("BlockingIOError", "[Errno 11] Resource temporarily unavailable", "ProcessLimitExceeded"),
    ("RuntimeError", "can't start new thread", "ProcessLimitExceeded"),
    ("ValueError", "wrong shape", None),
])
def test_a_cell_stopped_by_the_disk_or_process_limit_gets_a_note(ename, evalue, note):
    cell = cell_with(new_output("error", ename=ename, evalue=evalue, traceback=[]))
    execute = LimitedExecute(scratch_limit="256M", file_size_limit="1G", process_limit=128, network="host")
    execute._explain(cell, "")
    notes = [o for o in cell.outputs[1:]]
    assert [o.ename for o in notes] == ([note] if note else [])
    if note == "DiskLimitExceeded":
        assert "256 MiB for all it writes in HOME, /tmp and /dev/shm together" in notes[0].evalue
    if note == "ProcessLimitExceeded":
        assert "128 processes and threads" in notes[0].evalue
