"""The grading service's loop: every few seconds, read the exchange, plan
(latest wins, the per-student limit, steps switched off), and grade what is
due with the course's grading (course.grader.grade: the same judge, sandbox
and limits as `python -m course grade`), releasing each student's feedback
as soon as their notebook is graded.

One round (`Service.round`):
1. new folders in the exchange's inbound/ are added to the journal (waiting);
2. of a student's waiting submissions of a step, only the newest stays
   (the others: superseded); a step switched off sends them to `manual`;
   one over the limit is `held` until its time, with a notice where its
   feedback will be;
3. the waiting submissions of the step that has waited longest are
   collected (nbgrader's collector), marked grading, graded in parallel
   workers, and each one's feedback released (nbgrader's release_feedback)
   before it is marked done.
"""
import datetime
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

from course.grader import instructor
import course.grader.autograde.exchange as exchange
import course.grader.autograde.settings as settings_module
from course.grader.autograde.journal import Journal, journal_path


def clock_text(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%H:%M UTC")


class Service:
    """The grading service of one course directory."""

    def __init__(self, root, jobs=None, batch=20, clock=time.time, log=None, limits=None):
        from course.grader.grade import default_jobs

        self.root = Path(root).resolve()
        self.jobs = jobs or default_jobs()
        self.batch = batch
        self.clock = clock
        self.limits = limits
        self.journal = Journal(journal_path(self.root), clock)
        self.log = log or (lambda text: print(f"[autograde {time.strftime('%H:%M:%S')}] {text}", flush=True))
        self.steps = set(instructor.assignments(self.root))
        self.log_dir = self.root / "autograde" / "logs"
        again = self.journal.recover()
        if again:
            self.log(f"graded again (the service stopped while grading them): {', '.join(again)}")

    # -- 1. what came in -------------------------------------------------------------

    def scan(self):
        new = 0
        for name, student, step, submitted_at in exchange.inbound(self.root):
            if self.journal.add(name, student, step, submitted_at):
                new += 1
                self.log(f"new submission: {student} {step} ({submitted_at})")
        return new

    # -- 2. what is due ------------------------------------------------------------------

    def plan(self):
        settings = settings_module.load(self.root)
        now = self.clock()
        pending = self.journal.all(["waiting", "held"])
        newest = {}
        for s in pending:  # in order of arrival: the last one of a (student, step) wins
            newest[(s.student, s.step)] = s
        for s in pending:
            if newest[(s.student, s.step)] is not s:
                self.journal.set(s.name, "superseded", "the student handed in this step again before it was graded")
                if s.state == "held":  # its "queued" notice would now be wrong
                    self.notify(s, "not graded", "You handed in this step again before this submission was "
                                                 "graded: the feedback of your latest submission is the one to fetch.")
        for s in newest.values():
            if s.step not in self.steps:
                self.journal.set(s.name, "failed", f"{s.step} is not a step of this course")
            elif not settings.is_on(s.step):
                self.journal.set(s.name, "manual", "automatic grading is off for this step: the instructor grades it")
            else:
                self.hold_if_over_limit(s, settings, now)

    def hold_if_over_limit(self, s, settings, now):
        if not settings.limit:
            if s.state == "held":
                self.journal.set(s.name, "waiting", "no limit any more")
            return
        graded = self.journal.started_since(s.student, s.step, now - settings.period, besides=s.name)
        if len(graded) < settings.limit:
            if s.state == "held":
                self.journal.set(s.name, "waiting", "its turn came")
            return
        when = graded[len(graded) - settings.limit] + settings.period
        if s.state == "held" and s.not_before == when:
            return
        minutes = f"{settings.period_minutes:g} minutes"
        why = (f"{settings.limit} of your submissions of this step were graded in the last {minutes}: "
               f"this one is queued and will be graded at {clock_text(when)}")
        self.journal.set(s.name, "held", why, not_before=when)
        self.log(f"held: {s.student} {s.step} until {clock_text(when)}")
        self.notify(s, "queued", f"Your submission of {s.submitted_at[:19].replace('T', ' ')} UTC is queued: "
                                 f"automatic grading gives each student {settings.limit} graded submissions "
                                 f"of a step per {minutes}. It will be graded at {clock_text(when)}; "
                                 "click Fetch Feedback again after that time.")

    def notify(self, s, title, text):
        """A notice where the submission's feedback goes (exchange.post_notice)."""
        try:
            exchange.post_notice(self.root, s.name, s.step, title, text)
        except OSError as e:
            self.log(f"could not post the {title!r} notice for {s.name}: {e}")

    def due(self):
        """The waiting submissions of the step that has waited longest (up
        to `batch` of them), in order of arrival."""
        waiting = self.journal.all(["waiting"])
        if not waiting:
            return None, []
        step = waiting[0].step
        return step, [s for s in waiting if s.step == step][:self.batch]

    # -- 3. grade and release ------------------------------------------------------

    def grade(self, step, submissions):
        from course.grader.grade import grade

        collected = {}
        for s in submissions:
            try:
                exchange.collect(self.root, s.name, s.student, s.step)
            except Exception as e:
                self.journal.set(s.name, "failed", f"could not collect it: {type(e).__name__}: {e}")
                continue
            self.journal.start(s.name)
            collected[s.student] = s
        if not collected:
            return 0
        self.log(f"grading {step} for {', '.join(collected)}")

        def finished(result):
            s = collected.pop(result.student, None)
            if s is None:
                return
            if result.failed or not result.feedback:
                self.journal.set(s.name, "failed", result.message or "no feedback was made",
                                 finished_at=self.clock())
                self.log(f"FAILED {s.student} {step}: {result.message}")
                return
            try:
                exchange.release_feedback(self.root, s.student, step)
            except Exception as e:
                self.journal.set(s.name, "failed", f"graded, but its feedback could not be released: {e}",
                                 finished_at=self.clock(), score=result.score, max_score=result.max_score)
                return
            note = "" if result.status == "graded" else f"{result.status}: {result.message}"
            self.journal.set(s.name, "done", note, finished_at=self.clock(), score=result.score,
                             max_score=result.max_score)
            self.log(f"done: {s.student} {step} {result.score:g} / {result.max_score:g} "
                     f"in {result.seconds:.0f} s")

        self.log_dir.mkdir(parents=True, exist_ok=True)
        grade(self.root, [step], students=list(collected), jobs=min(self.jobs, len(collected)),
              limits=self.limits, progress=False, log_dir=tempfile.mkdtemp(prefix=f"{step}-", dir=self.log_dir),
              on_result=finished)
        for s in list(collected.values()):  # no result came back for them
            self.journal.set(s.name, "failed", "the grader returned no result for it", finished_at=self.clock())
        return len(submissions)

    def round(self):
        """One round; the number of submissions sent to the grader."""
        self.scan()
        self.plan()
        step, submissions = self.due()
        return self.grade(step, submissions) if submissions else 0

    def run(self, interval=3.0, stop=None):
        """Rounds until `stop` (a threading.Event) is set; a round that
        raises is logged and the next one tried."""
        stop = stop or threading.Event()
        self.log(f"watching {exchange.course_exchange(self.root) / 'inbound'} every {interval:g} s, "
                 f"{self.jobs} grading workers; journal {self.journal.path}")
        while not stop.is_set():
            try:
                graded = self.round()
            except Exception:
                self.log("a round failed:\n" + traceback.format_exc())
                graded = 0
            if not graded:
                stop.wait(interval)


def main(root, interval=3.0, jobs=None):
    Service(root, jobs=jobs).run(interval)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
