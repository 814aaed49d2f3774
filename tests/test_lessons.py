"""The lessons keep the seed's method (issue 16): each step names what it
introduces in a "**New in this step:** a, b, c" line, at most three ideas,
and no idea is introduced twice; each of steps 01-11 links to PyTorch's own
documentation; and the numbers the markdown states are the numbers the
notebooks compute."""
import re
import warnings

import nbformat
import pytest

from course.grader import instructor
from tests.conftest import REPO, selected_steps, step_params

NEW_LINE = re.compile(r"^\*\*New in this step:\*\*\s*(.+)$", re.MULTILINE)
OFFICIAL_LINK = re.compile(r"\]\((https://pytorch\.org/(?:docs/stable|tutorials)/[^)\s]+)\)")
LAST_STEP_WITH_A_LINE = 11  # steps 01-11 must have one; later steps may


def steps():
    return instructor.assignments(REPO)


def number(step):
    return int(step.split("_", 1)[0])


def source_cells(step):
    return nbformat.read(instructor.notebook_path(REPO, "source", step), as_version=4).cells


def split_items(text):
    """The comma-separated items of a New line; commas inside `code` or
    (parentheses) do not split."""
    items, depth, code, current = [], 0, False, ""
    for char in text:
        if char == "`":
            code = not code
        elif char == "(" and not code:
            depth += 1
        elif char == ")" and not code:
            depth -= 1
        if char == "," and depth == 0 and not code:
            items.append(current)
            current = ""
        else:
            current += char
    items.append(current)
    return [item.strip() for item in items if item.strip()]


def normalised(idea):
    """An idea compared across steps: lower case, no markup or punctuation."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", idea.lower()).split())


def new_ideas(step):
    """The ideas the step's first markdown cell lists as new, or None."""
    first = next(c for c in source_cells(step) if c.cell_type == "markdown")
    found = NEW_LINE.search(first.source)
    return split_items(found.group(1)) if found else None


@pytest.mark.unit
def test_split_items_keeps_code_and_parentheses_whole():
    assert split_items("`nn.Linear(4, 1)`, the loss (0, or more), c") == ["`nn.Linear(4, 1)`", "the loss (0, or more)", "c"]
    assert normalised("`optim.SGD`, ") == "optim sgd"


@pytest.mark.unit
def test_every_early_step_names_at_most_three_new_ideas():
    early = [s for s in steps() if number(s) <= LAST_STEP_WITH_A_LINE]
    assert len(early) == LAST_STEP_WITH_A_LINE, f"steps 01-{LAST_STEP_WITH_A_LINE} should all exist, found {early}"
    for step in steps():
        ideas = new_ideas(step)
        if ideas is None:
            assert number(step) > LAST_STEP_WITH_A_LINE, (
                f"{step}: its first markdown cell has no '**New in this step:** ...' line")
            continue
        assert 1 <= len(ideas) <= 3, f"{step} introduces {len(ideas)} ideas, at most 3: {ideas}"


@pytest.mark.unit
def test_no_idea_is_new_twice():
    first_seen = {}
    for step in steps():
        for idea in new_ideas(step) or ():
            key = normalised(idea)
            assert key not in first_seen, f"{idea!r} is new in {first_seen[key]} and again in {step}"
            first_seen[key] = step


@pytest.mark.unit
def test_every_early_step_links_to_the_official_docs():
    for step in steps():
        if number(step) > LAST_STEP_WITH_A_LINE:
            continue
        links = {m for c in source_cells(step) if c.cell_type == "markdown" for m in OFFICIAL_LINK.findall(c.source)}
        assert 1 <= len(links) <= 3, f"{step} should link to 1-3 pages of pytorch.org docs or tutorials, found {sorted(links)}"


# ---- the numbers the markdown states, against what the notebooks print ----

def executed_reference(graded_course, step):
    """The printed output of the step's reference solution (the release
    notebook with the instructor's answers), as the shared class graded it
    (conftest.graded_course, student "reference"): its code cells' stream
    outputs, one string."""
    root, _ = graded_course
    nb = nbformat.read(instructor.notebook_path(root, "autograded/reference", step), as_version=4)
    return "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                     for o in c.outputs if o.output_type == "stream")


def claims_of(step):
    """The step as a pytest param of its tier, when this run covers it."""
    return step_params([step] if step in selected_steps() else [])


def markdown_of(step):
    return "\n".join(c.source for c in source_cells(step) if c.cell_type == "markdown")


def numbers_after(label, text):
    found = re.search(re.escape(label) + r"\s*\[?([-+0-9.e, ]+)", text)
    assert found, f"{label!r} not printed:\n{text[-2000:]}"
    return [float(v) for v in found.group(1).replace(",", " ").split()]


@pytest.mark.parametrize("step", claims_of("06_weight_update"))
def test_claims_of_step_06(graded_course, step):
    assert "about five\ntimes as far from it as before" in markdown_of("06_weight_update")
    out = executed_reference(graded_course, step)
    before = numbers_after("output before:", out)[0]
    after = numbers_after("after:", out.split("output before:")[1])[0]
    assert 4.5 <= abs(after / before) <= 5.5 and after * before < 0, (before, after)
    assert numbers_after("loss after: ", out)[0] > numbers_after("loss before:", out)[0]  # "The loss went **up**"


@pytest.mark.parametrize("step", claims_of("09_logistic_regression"))
def test_claims_of_step_09(graded_course, step):
    text = markdown_of("09_logistic_regression")
    assert "stuck near 0.693" in text and "every probability ends close to 0.5" in text
    assert "gives a slope near 0" in text and "about −1" in text
    out = executed_reference(graded_course, step)
    xor = re.search(r"XOR: BCE ([0-9.]+) -> ([0-9.]+), probabilities \[([0-9., ]+)\]", out)
    assert xor, out
    assert abs(float(xor.group(2)) - 0.693) < 0.005
    assert all(abs(float(p) - 0.5) <= 0.05 for p in xor.group(3).split(","))
    confident = re.search(r"p = 0\.01:  MSE [0-9.]+ \(slope ([-+0-9.]+)\)   BCE [0-9.]+ \(slope ([-+0-9.]+)\)", out)
    assert confident, out
    assert abs(float(confident.group(1))) < 0.05 and abs(float(confident.group(2)) + 1) < 0.05
    orr = re.search(r"OR: BCE [0-9.]+ -> [0-9.]+, probabilities \[([0-9., ]+)\]", out)
    assert [round(float(p)) for p in orr.group(1).split(",")] == [0, 1, 1, 1]


@pytest.mark.parametrize("step", claims_of("10_two_layer_net"))
def test_claims_of_step_10(graded_course, step):
    text = markdown_of("10_two_layer_net")
    assert "The loss stays high, and layer 2 has not changed at all" in text
    assert "no answer gets near 0 or 1" in text
    out = executed_reference(graded_course, step)
    assert numbers_after("loss on all of x after 500 epochs:", out)[0] > 0.5
    before = numbers_after("layer 2's weight before: tensor([[", out)
    after = numbers_after("layer 2's weight after:  tensor([[", out)
    assert before == after
    only_layer1 = numbers_after("layer 1 only:", out)
    assert all(0.1 < p < 0.9 for p in only_layer1), only_layer1
    both = numbers_after("both layers: ", out)
    assert [round(p) for p in both] == [0, 1, 1, 0], both


@pytest.mark.unit
def test_prepare_shows_warnings_on_stdout_not_stderr(capsys):
    """nbgrader scores a test cell with any stderr output as 0: a notebook's
    warnings must be visible to the student, on stdout."""
    import warnings

    import torch
    from course.notebook import prepare

    with warnings.catch_warnings():  # prepare changes the process's filters: put them back afterwards
        prepare(seed=0)
        torch.nn.MSELoss()(torch.zeros(3, 1), torch.zeros(3))  # step 04's broadcasting warning
        warnings.warn("old API", DeprecationWarning)
    out, err = capsys.readouterr()
    assert "UserWarning: Using a target size (torch.Size([3]))" in out
    assert "old API" not in out + err  # deprecation notices are about libraries, not the student's code
    assert err == ""


@pytest.mark.unit
def test_prepare_counts_each_optimizers_steps():
    """steps_taken(optimizer): what step 07's checks read to tell tensors moved
    by the optimizer from tensors moved by hand. prepare() run again (the
    first cell re-run) does not count twice."""
    import torch
    from course.notebook import prepare, steps_taken

    with warnings.catch_warnings():
        prepare(seed=0)
        prepare(seed=0)
    w = torch.zeros(2, requires_grad=True)
    used, idle = torch.optim.SGD([w], lr=0.1), torch.optim.Adam([w])
    for _ in range(3):
        w.grad = torch.ones(2)
        used.step()
    with torch.no_grad():
        w -= 0.1  # by hand: no step of either
    assert (steps_taken(used), steps_taken(idle)) == (3, 0)
    # The gradients of SGD's last step are kept (steps 10/11 undo it); an
    # optimizer whose step cannot be undone keeps none.
    assert [g.tolist() for g in used.last_step_grads] == [[1.0, 1.0]]
    idle.step()
    assert steps_taken(idle) == 1 and not hasattr(idle, "last_step_grads")
