"""nbgrader configuration for the course (instructors, graders, the demo).

Every path is relative to this file's folder, so a copy of the course
directory (a grading runner's checkout, a test's temp copy) grades itself.
Environment variables override what differs between deployments.
"""
import os

c = get_config()  # noqa: F821 (nbgrader provides get_config)

root = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.root = root
c.CourseDirectory.course_id = os.environ.get("COURSE_ID", "pytorch-baby-steps")
# SQLite next to the course by default; several grading machines share one
# PostgreSQL server instead: COURSE_DB_URL=postgresql://user:pw@host/gradebook
c.CourseDirectory.db_url = os.environ.get("COURSE_DB_URL", f"sqlite:///{os.path.join(root, 'gradebook.db')}")
# The local exchange of the demo; a JupyterHub points it at a shared volume.
c.Exchange.root = os.environ.get("COURSE_EXCHANGE", os.path.join(root, "exchange"))

# Only the notebook is an assignment's file: data lives in the data root.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "data"]

# Per-cell time limit while autograding (seconds). Training cells of the
# CIFAR-10 steps are the slowest; everything else takes a few seconds.
c.Execute.timeout = int(os.environ.get("COURSE_CELL_TIMEOUT", "600"))
c.Execute.interrupt_on_timeout = True

# What students see in place of a removed solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Limits per submission while autograding (course/grader/preprocessors/limited_execute.py, deploy/GRADING.md),
# and hidden checks judged outside the student's kernel (course/grader/judge/).
# nbgrader's Execute is replaced by GradingExecute, which adds a time limit
# for the whole notebook, a memory limit and no network for the kernel, and
# writes a clear message into the feedback of a submission that breaks one.
# `python -m course grade` flags override these for one run.
c.Autograde.autograde_preprocessors = [
    "course.grader.preprocessors.GradingExecute",  # instead of nbgrader.preprocessors.Execute
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# A submission's nbgrader metadata is the student's to edit: cells nbgrader
# cannot match (a duplicated or renamed test cell) become plain cells
# (course/grader/preprocessors/sanitize_submission.py) instead of failing the whole submission, and a graded
# cell that is missing is put back from the gradebook, said so, and graded.
c.Autograde.sanitize_preprocessors = [
    "course.grader.preprocessors.SanitizeSubmission",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.OverwriteCells.add_missing_cells = True
# Seconds the whole notebook may run (0: no limit); cells after it are not run.
c.LimitedExecute.notebook_timeout = int(os.environ.get("COURSE_NOTEBOOK_TIMEOUT", "1800"))
# Memory of the grading kernel (RLIMIT_DATA; importing torch alone takes ~0.8G).
c.LimitedExecute.memory_limit = os.environ.get("COURSE_MEMORY_LIMIT", "4G")
# Network for student code: "none" (a network namespace, or refuse to grade),
# "auto" (a namespace where the machine allows one), "host" (no isolation).
c.LimitedExecute.network = os.environ.get("COURSE_KERNEL_NETWORK", "auto")
# Who student code runs as when grading as root (course/grader/sandbox/kernel_user.py):
# "auto" (nobody, where nobody can run the course's Python; else root, with
# a warning), "none" (the grader's own user), or a user name (insist).
c.LimitedExecute.kernel_user = os.environ.get("COURSE_KERNEL_USER", "auto")
# The kernel's /tmp, /var/tmp, /dev/shm and HOME: one private tmpfs of this
# size (RAM, counted in its memory cgroup), gone with the kernel; "none": the
# runner's own folders. And the largest file it may write (RLIMIT_FSIZE).
c.LimitedExecute.scratch_limit = os.environ.get("COURSE_SCRATCH_LIMIT", "1G")
c.LimitedExecute.file_size_limit = os.environ.get("COURSE_FILE_SIZE_LIMIT", "1G")
# Processes and threads of one kernel at once (a pids cgroup per kernel; 0: none).
c.LimitedExecute.process_limit = int(os.environ.get("COURSE_PROCESS_LIMIT", "512"))
