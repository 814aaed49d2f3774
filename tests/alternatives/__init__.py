"""Correct answers written in other styles than the instructor's, one module
per step (`_15_pooling.py` for 15_pooling), beside tests/mistakes/.

Each module defines ALTERNATIVES = {name: {"answers": {...}, "style": "..."}}:
one student per name, whose "answers" ({solution grade_id: code}) replace
the reference solution's cells; every other answer stays the reference's.
Every such student must earn full marks (tests/test_alternatives.py): the
grader judges what a answer does, not how it is written, unless the
exercise's text asks for the shape.
"""
import sys

from tests.mistakes import per_step


def all_alternatives():
    """{step: {name: alternative}} for every module in this package."""
    return per_step(sys.modules[__name__], "ALTERNATIVES")


def count_answers(alternatives):
    """How many alternative answer cells a {step: {name: alternative}} holds."""
    return sum(len(a["answers"]) for step in alternatives.values() for a in step.values())
