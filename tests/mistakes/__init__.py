"""Realistic wrong submissions, one module per step (named like the step,
without the number: `tensors.py` for 01_tensors is `_01_tensors.py`).

Each module defines MISTAKES = {name: {"answers": {...}, "fails": {...}}}:

- "answers": {solution grade_id: code}, cells that replace the reference
  solution's (every other answer stays correct);
- "fails": {test grade_id: phrase}, the graded cells this mistake must fail,
  each with a phrase its feedback must contain. Every other graded cell of
  the step must still earn full points;
- "lesson": True for a mistake the step itself teaches or warns about: it
  must fail one of its cells already at the visible asserts, the check a
  student runs before submitting, with its phrase in that cell's error
  (tests/test_grading.py, test_lesson_mistakes_fail_at_the_visible_check).
"""
import importlib
import pkgutil
import sys


def per_step(package, attribute):
    """{step: module.<attribute>} for every module `_<step>.py` of `package`
    (a corpus package: this one, tests/alternatives/)."""
    found = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        found[info.name.lstrip("_")] = getattr(module, attribute)
    return found


def all_mistakes():
    """{step: {name: mistake}} for every module in this package."""
    return per_step(sys.modules[__name__], "MISTAKES")
