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
