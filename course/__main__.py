"""`python -m course <command>`: the instructor's commands (course/grader/cli.py)."""
import sys

from course.grader.cli import main

sys.exit(main())
