"""How a grading kernel is started: `launcher` (python -m
course.grader.sandbox.launcher) puts limits, another user and a private view
of the data around the kernel's process; `kernel_user` decides which user and
prepares its home."""
