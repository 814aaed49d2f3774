"""GradingExecute: nbgrader's Execute with the course's limits, judging each
graded cell's hidden checks outside the student's kernel (course.grader.judge).

A graded cell's source names its checks (`hidden_check("04_loss::test_x", ...)`);
nbgrader restores that source from the gradebook, so a student cannot change
which checks run. A failed check becomes an error output of the cell, which
nbgrader scores as 0 and shows in the feedback: the message, never the check.
"""
import asyncio
import os
import re

from nbformat.notebooknode import NotebookNode
from nbgrader.utils import is_grade

from course import find_course_root
from course.grading import run_check
from course.grader.judge.api import RemoteNotebook
from course.grader.judge.client import Judge
from course.grader.preprocessors.limited_execute import LimitedExecute
from course.grader.preflight import ensure_ready

HIDDEN_CALL = re.compile(r"""hidden_check\(\s*["']([^"']+)["']""")


class GradingExecute(LimitedExecute):
    """What autograde runs in place of nbgrader's Execute (nbgrader_config.py):
    the limits of LimitedExecute (limited_execute.py), and each graded cell's hidden checks
    judged outside the kernel, right after the cell has run."""

    def preprocess(self, nb, resources=None, km=None):
        ensure_ready(find_course_root())
        # The kernel inherits this: its hidden_check() stands aside while we judge.
        os.environ["COURSE_JUDGE"] = "1"
        self._judge = None
        try:
            return super().preprocess(nb, resources, km)
        finally:
            if self._judge is not None:
                self._judge.close()
                self._judge = None

    def on_cell_executed(self, **kwargs):
        super().on_cell_executed(**kwargs)
        cell = kwargs["cell"]
        check_ids = HIDDEN_CALL.findall(cell.source) if is_grade(cell) else []
        if check_ids:
            return self._judge_cell(cell, check_ids)
        return None

    async def _judge_cell(self, cell, check_ids):
        loop = asyncio.get_running_loop()
        results = await loop.run_in_executor(None, self._run_checks, check_ids)
        for check_id, message in results:
            test = check_id.partition("::")[2]
            if message is None:
                cell.outputs.append(NotebookNode(output_type="stream", name="stdout", text=f"{test}: passed\n"))
            else:
                cell.outputs.append(NotebookNode(
                    output_type="error", ename="CheckFailed", evalue=message,
                    traceback=[f"\x1b[0;31mCheckFailed\x1b[0m: {message}"],
                ))

    def _run_checks(self, check_ids):
        root = find_course_root()  # nbgrader works from the course directory
        results = []
        for check_id in check_ids:
            try:
                if self._judge is None:
                    self._judge = Judge(self.km.get_connection_info(), timeout=self.timeout or 600)
                results.append((check_id, run_check(check_id, RemoteNotebook(self._judge), root)))
            except Exception as error:  # the kernel died or never answered: the check fails
                results.append((check_id, f"{type(error).__name__}: {error}"))
        return results

