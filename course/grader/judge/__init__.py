"""Hidden checks judged outside the student's kernel.

Student code is untrusted: in its own kernel it could redefine
`hidden_check`, patch torch, or fake the `course` package. So under
autograde the checks never run there. The grading preprocessor
(course.grader.preprocessors.GradingExecute) runs the notebook; after each
graded cell it runs that cell's checks in the grader's own process, where no
student code has run, with a `nb` whose values are fetched from the kernel as
data (client.py). The design: docs/design.md.

    api.py      what hidden checks import (also from this package itself)
    client.py   the connection to one kernel
"""
from course.grader.judge.api import (  # noqa: F401
    Remote, RemoteNotebook, assert_probabilities, is_instance, is_subclass, run_beside, same_object, student_call, the_object, type_name,
)
