"""A submission's nbgrader metadata, made safe before nbgrader checks it.

The cells and metadata of a submitted notebook are the student's to edit.
nbgrader fails the whole submission (no grade, no feedback) for a graded
cell it cannot match: a duplicated cell (DeduplicateIds leaves an empty
nbgrader block, which CheckCellMetadata then calls an outdated schema) or a
cell whose grade_id the gradebook does not know (OverwriteCells drops the id
but not `grade: true`). And `OverwriteCells.add_missing_cells`, which puts
deleted test cells back, fails when the cell before a missing one is
missing too (an empty notebook).

Run first in autograde's sanitize step, this
- turns unknown and repeated nbgrader cells into plain cells;
- puts back missing locked cells (from the gradebook: they are no secret)
  and missing answer cells (as an empty cell that says so), in the
  assignment's order, so that add_missing_cells can put back the missing
  test cells after them. A put-back answer earns nothing: its test fails.
"""
from nbformat.v4 import new_code_cell, new_markdown_cell
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor

MISSING_ANSWER = "# This answer cell was missing from your notebook: it was put back, empty, for grading.\n"


class SanitizeSubmission(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            notebook = gb.find_notebook(info["notebook"], info["assignment"])
            grade_ids = {c.name for c in notebook.grade_cells}
            solution_ids = {c.name for c in notebook.solution_cells}
            sources = [(c.name, c.cell_type, c.locked, c.source, c.checksum) for c in notebook.source_cells]
        known = {name for name, *_ in sources}

        seen = set()
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader")
            if meta is None:
                continue
            grade_id = meta.get("grade_id")
            if grade_id not in known or grade_id in seen:
                self.log.warning("Cell %r is not one of the assignment's cells (or a copy of one): "
                                 "graded as a plain cell", grade_id)
                del cell.metadata["nbgrader"]
            else:
                seen.add(grade_id)

        # Missing locked and answer cells, in the assignment's order (test
        # cells are put back by OverwriteCells.add_missing_cells).
        after = -1
        for name, cell_type, locked, source, checksum in sources:
            if name in seen:
                after = next(i for i, c in enumerate(nb.cells)
                             if c.metadata.get("nbgrader", {}).get("grade_id") == name)
                continue
            if name in grade_ids or not (locked or name in solution_ids):
                continue
            make = new_code_cell if cell_type == "code" else new_markdown_cell
            solution = name in solution_ids
            cell = make(MISSING_ANSWER if solution else source)
            cell.metadata["nbgrader"] = {"grade": False, "grade_id": name, "locked": bool(locked) and not solution,
                                         "solution": solution, "task": False, "schema_version": 3}
            if not solution:
                cell.metadata["nbgrader"]["checksum"] = checksum
            self.log.warning("Cell %r was missing: put back", name)
            nb.cells.insert(after + 1, cell)
            after += 1
            seen.add(name)
        return nb, resources
