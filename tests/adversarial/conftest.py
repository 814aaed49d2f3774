"""Prints the adversarial corpus and what came of each entry at the end of
the run, in plain `pytest` output (no -s or -rA needed)."""
from tests.adversarial import corpus as C


def pytest_configure(config):
    config.addinivalue_line("markers", "as_grader_gap(aspect): a corpus entry's gap where student code "
                                       "runs as the grader's own user (tests/adversarial/test_adversarial.py)")


def pytest_terminal_summary(terminalreporter):
    reports = [r for key in ("passed", "failed", "xfailed", "xpassed", "error")
               for r in terminalreporter.stats.get(key, [])
               if "tests/adversarial/test_adversarial.py" in getattr(r, "nodeid", "") and r.when == "call" or
               (key == "error" and "tests/adversarial/test_adversarial.py" in getattr(r, "nodeid", ""))]
    if not reports:
        return
    entries = C.corpus()
    outcome = {e.name: [] for e in entries}
    for r in reports:
        name = r.nodeid.rsplit("[", 1)[-1].rstrip("]") if "[" in r.nodeid else None
        if name in outcome:
            test = r.nodeid.split("::")[-1].split("[")[0]
            kind = "xfailed" if hasattr(r, "wasxfail") and r.skipped else ("xpassed" if hasattr(r, "wasxfail") else r.outcome)
            outcome[name].append((test, kind))
    write = terminalreporter.write_line
    defended = sum(1 for e in entries if outcome[e.name] and all(k == "passed" for _, k in outcome[e.name]))
    gaps = sum(1 for e in entries if any(k == "xfailed" for _, k in outcome[e.name]))
    failing = sum(1 for e in entries if any(k in ("failed", "xpassed", "error") for _, k in outcome[e.name]))
    terminalreporter.section("adversarial corpus")
    write(f"adversarial corpus: {len(entries)} submissions: {defended} fully defended, "
          f"{gaps} with known gaps (xfail), {failing} failing")
    user, why = C.kernel_runs_as()
    write(f"student code ran as {user}" if user else f"student code ran as the grader's user: {why}")
    for e in entries:
        cells, row = C.REPORT.get(e.name, (None, None))
        score = row[0] if row else "-"
        status = row[1] if row else "-"
        tests = outcome[e.name]
        verdict = ("FAIL " + ",".join(t for t, k in tests if k in ("failed", "xpassed", "error"))
                   if any(k in ("failed", "xpassed", "error") for _, k in tests) else
                   "gap: " + ",".join(sorted(e.gaps)) if any(k == "xfailed" for _, k in tests) else
                   "ok" if tests else "not run")
        write(f"  {e.kind:8} {e.name:24} {score:>9} {status:8} {verdict}")
