"""From records to what the report shows: per graded cell, how many
submitted, passed, failed and hit a limit, and the kinds of failure; per
step, the scores, the points lost, time and limits, and who has not
submitted. Also checks.csv."""
import csv
import re
import statistics
from dataclasses import dataclass, field

from course.grader.report.kinds import group
from course.grader.report.read import ClassData

CSV_COLUMNS = ("step", "grade_id", "points", "submitted", "passed", "failed", "limit",
               "top_kind", "top_kind_count")
ANONYMOUS = "<student>"


@dataclass
class CheckSummary:
    step: str
    grade_id: str
    points: float
    submitted: int = 0
    passed: int = 0
    failed: int = 0
    limit: int = 0
    kinds: list = field(default_factory=list)  # [kinds.Kind], the most frequent first

    @property
    def pass_rate(self):
        return self.passed / self.submitted if self.submitted else None


@dataclass
class StepSummary:
    step: str
    max_score: float
    checks: list                 # [CheckSummary]
    scores: list                 # [score] per submission
    points_lost: float           # over all submissions
    not_submitted: list          # [student]
    limits: list                 # [(student, ename, message)]
    seconds: list                # [kernel seconds] of the submissions that recorded it

    @property
    def submitted(self):
        return len(self.scores)


def anonymiser(students):
    """text -> text with every student id of the class (as a whole word) replaced."""
    ids = sorted((s for s in students if len(s) >= 3), key=len, reverse=True)
    if not ids:
        return lambda text: text
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, ids)) + r")(?![\w-])")
    return lambda text: pattern.sub(ANONYMOUS, text or "")


def summarise(data: ClassData, max_examples=2):
    """[StepSummary], in course order."""
    hide = anonymiser(data.students)
    summaries = []
    for step in data.steps:
        submissions = list(step.submissions.values())
        checks = []
        for check in step.checks:
            summary = CheckSummary(step.step, check.grade_id, check.points)
            failures = []
            for sub in submissions:
                result = sub.cells.get(check.grade_id)
                if result is None:
                    continue
                summary.submitted += 1
                if result.passed:
                    summary.passed += 1
                    continue
                summary.failed += 1
                summary.limit += result.limit
                message = f"{result.ename}: {result.message}" if result.ename else "(no error shown: partial credit)"
                failures.append((hide(message), hide(result.answer)))
            summary.kinds = group(failures, max_examples)
            checks.append(summary)
        max_score = sum(c.points for c in step.checks)
        scores = [sub.score for sub in submissions]
        summaries.append(StepSummary(
            step=step.step, max_score=max_score, checks=checks, scores=scores,
            points_lost=sum(max_score - s for s in scores),
            not_submitted=[s for s in data.students if s not in step.submissions],
            limits=[(sub.student, ename, message) for sub in submissions for ename, message in sub.limits],
            seconds=[sub.seconds for sub in submissions if sub.seconds is not None]))
    return summaries


def by_points_lost(summaries):
    """The steps where the class loses most first (per submission, so a step
    few have reached yet is not hidden by one everybody did)."""
    return sorted(summaries, key=lambda s: (-(s.points_lost / s.submitted if s.submitted else 0), s.step))


def time_summary(seconds):
    if not seconds:
        return None
    return {"median": statistics.median(seconds), "max": max(seconds)}


def write_csv(summaries, path):
    """checks.csv: one row per (step, grade_id), in course order."""
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_COLUMNS)
        for step in summaries:
            for c in step.checks:
                top = c.kinds[0] if c.kinds else None
                writer.writerow([c.step, c.grade_id, f"{c.points:g}", c.submitted, c.passed, c.failed,
                                 c.limit, top.label if top else "", top.count if top else 0])
    return path
