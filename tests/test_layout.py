"""The package's shape: no import cycles; what students import never imports
the grader; what the judge sends into the kernel imports no course module."""
import ast
from pathlib import Path

import pytest

import course

pytestmark = pytest.mark.unit

PACKAGE = Path(course.__file__).parent
STUDENT_FACING = {"course", "course.notebook", "course.data", "course.torchvision_private", "course.vision", "course.grading"}
SHIMS = {"course.judge", "course.limits", "course.sanitize"}  # old paths, for deployed configs


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def course_imports(path):
    """The course modules a file imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        found.update(n for n in names if n == "course" or n.startswith("course."))
    return found


def graph():
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in course_imports(path) if m in modules and m != name}
            for name, path in modules.items()}


def cycle_in(edges):
    """One import cycle as a list of modules, or None."""
    state = {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(edges[node]):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt, stack + [nxt])
                if found:
                    return found
        state[node] = "done"
        return None

    for start in sorted(edges):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def test_the_graph_is_read():
    edges = graph()
    assert "course.grader.preprocessors.limited_execute" in edges["course.grader.preprocessors.grading_execute"]
    assert "course.grader.instructor" in edges["course.grader.loop"]


def test_no_import_cycles():
    cycle = cycle_in(graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_cycle_finder_finds_one():
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_student_facing_modules_never_import_the_grader():
    edges = graph()
    for name in STUDENT_FACING:
        reached, todo = set(), [name]
        while todo:
            for nxt in edges[todo.pop()] - reached:
                reached.add(nxt)
                todo.append(nxt)
        grader = sorted(m for m in reached if m.startswith("course.grader"))
        assert not grader, f"{name} (imported by students) reaches {grader}"


def test_code_sent_into_the_kernel_is_self_contained():
    for path in (PACKAGE / "grader" / "in_kernel").glob("*.py"):
        assert not course_imports(path), f"{path.name} imports {course_imports(path)}: it runs in the kernel as text"


def test_every_module_is_in_a_known_place():
    edges = graph()
    loose = sorted(m for m in edges if not m.startswith("course.grader") and m not in STUDENT_FACING | SHIMS
                   and m != "course.__main__")
    assert not loose, f"modules outside the layout (docs/layout.md): {loose}"
