"""Grading that cannot start says why in one line, naming the fix."""
import subprocess
import sys

import pytest

from course.grader import preflight

pytestmark = pytest.mark.unit


def test_this_venv_is_ready(tmp_path):
    assert preflight.problems(str(tmp_path), environ={}) == []


def test_a_python_without_the_course_package(tmp_path):
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    found = preflight.problems(str(tmp_path), environ={}, python=str(bare / "bin" / "python"))
    assert len(found) == 1 and "the course package is not installed" in found[0] and "pip install -e" in found[0]


def test_a_data_root_that_is_not_there(tmp_path):
    found = preflight.problems(str(tmp_path), environ={"COURSE_DATA_DIR": str(tmp_path / "nowhere")})
    assert len(found) == 1 and "is not a folder" in found[0] and "make data" in found[0]
