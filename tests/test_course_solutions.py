"""Every worked solution of every chapter runs.

A chapter's exercises are markdown cells with a ``<details>`` block whose ``<summary>`` names a
worked solution; its ```` ```python ```` blocks are the solution. The slow test runs the
chapters 00 to 10 in order in one fresh demo world, as a learner (and nbval) would, and runs each
solution right after its exercise cell, in the chapter's own kernel: a solution that raises fails
the test with the chapter and the block named. The fast tests check that every exercise has a
solution and that each block is valid Python.
"""

from __future__ import annotations

import ast
import re
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
CHAPTERS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
DETAILS = re.compile(r"<details>(.*?)</details>", re.DOTALL | re.IGNORECASE)
SUMMARY = re.compile(r"<summary>(.*?)</summary>", re.DOTALL | re.IGNORECASE)
PYTHON = re.compile(r"^```python\s*\n(.*?)^```\s*$", re.DOTALL | re.MULTILINE)


def solutions(cell_source: str) -> list[str]:
    """The python blocks of the cell's worked-solution ``<details>`` blocks."""
    found = []
    for block in DETAILS.findall(cell_source):
        summary = SUMMARY.search(block)
        if summary and "solution" in summary.group(1).lower():
            found += PYTHON.findall(block)
    return found


def exercises(notebook) -> list[tuple[int, list[str]]]:
    """``(cell index, solution blocks)`` of each markdown cell that holds worked solutions."""
    return [
        (i, blocks)
        for i, cell in enumerate(notebook.cells)
        if cell.cell_type == "markdown" and (blocks := solutions(cell.source))
    ]


def test_every_chapter_from_1_has_an_exercise_with_a_worked_solution():
    missing = [p.name for p in CHAPTERS[1:] if not exercises(nbformat.read(p, as_version=4))]
    assert not missing, f"chapters without a worked solution: {missing}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_solution_is_python(path):
    for index, blocks in exercises(nbformat.read(path, as_version=4)):
        for block in blocks:
            ast.parse(block, filename=f"{path.name} cell {index}")


def test_the_reader_finds_solutions_and_only_solutions():
    cell = (
        "## Exercise\n\n<details><summary>A hint</summary>\n\n```python\nhint()\n```\n</details>\n"
        "<details>\n<summary>Worked solutions</summary>\n\n```python\nfirst()\n```\n\ntext\n\n"
        "```python\nsecond()\n```\n</details>"
    )
    assert solutions(cell) == ["first()\n", "second()\n"]


@pytest.mark.slow
def test_every_worked_solution_runs_in_a_fresh_demo_world():
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    from billhelpers.notebook import harness

    world = tempfile.mkdtemp(prefix="billhelpers-solutions-")
    saved = harness.apply(harness.demo_environment(world))
    ran = 0
    try:
        for path in CHAPTERS:
            notebook = nbformat.read(path, as_version=4)
            for index, blocks in reversed(exercises(notebook)):
                for number, block in reversed(list(enumerate(blocks, 1))):
                    cell = nbformat.v4.new_code_cell(block)
                    cell.metadata["solution"] = f"{path.name}: solution {number} of cell {index}"
                    notebook.cells.insert(index + 1, cell)
                    ran += 1
            client = NotebookClient(
                notebook,
                timeout=180,
                kernel_name="python3",
                resources={"metadata": {"path": str(NOTEBOOKS)}},
            )
            try:
                client.execute()
            except CellExecutionError as err:
                pytest.fail(
                    f"{path.name}: a cell failed (each solution runs after its exercise)\n{err}"
                )
    finally:
        harness.restore(saved)
        shutil.rmtree(world, ignore_errors=True)
    assert ran >= len(CHAPTERS) - 1
