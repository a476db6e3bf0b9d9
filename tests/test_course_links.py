"""One path through the course, every page reachable from JupyterLab.

``make lab`` serves ``notebooks/`` and nothing above it. JupyterLab resolves a relative link of
a rendered markdown cell (or of a markdown file it shows) from the folder of the page holding
it, and opens a ``#fragment`` at the heading whose id is the heading's text with each space
turned into ``-`` (case kept: ``## What's next?`` is ``#What's-next?``). So here:

- every relative link of every chapter's markdown cells, of ``notebooks/README.md`` and of the
  reference pages stays inside ``notebooks/``, names a file that exists, and its fragment (if
  any) names a heading of that file;
- every chapter is reachable from chapter 00 by following links;
- chapter 00's table lists every chapter with the time to learn the chapter states, and each
  chapter's "What's next?" leads to the next chapter.

``test_the_checker_*`` plant broken links in a throwaway folder and watch the checker report them.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections import deque
from pathlib import Path
from urllib.parse import unquote

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
CHAPTER = re.compile(r"^(\d\d)_.*\.ipynb$")

FENCE = re.compile(r"^\s*(```|~~~).*?^\s*\1\s*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
# [text](target) and ![alt](target), with an optional <target> and "title".
MD_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^\s()]+)(?:\s+\"[^\"]*\")?\s*\)")
HTML_LINK = re.compile(
    r"""<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*["']([^"']*)["']""", re.IGNORECASE
)
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$", re.MULTILINE)
HTML_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.IGNORECASE | re.DOTALL)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
TIME_TO_LEARN = re.compile(r"\*\*Time to learn\*\*:\s*(\d+ minutes?)")


# ---------------------------------------------------------------------------------------------
# Reading pages as JupyterLab shows them


def markdown_of(path: Path) -> list[str]:
    """The markdown a page shows: a notebook's markdown cells, or a markdown file's text."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return [
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in cells
            if c["cell_type"] == "markdown"
        ]
    if path.suffix == ".md":
        return [path.read_text(encoding="utf-8")]
    return []


def _without_code(text: str) -> str:
    return CODE_SPAN.sub("", FENCE.sub("", text))


def links_of(text: str) -> list[str]:
    text = _without_code(text)
    found = [m.group(1).strip("<>") for m in MD_LINK.finditer(text)]
    return found + HTML_LINK.findall(text)


def _text_content(markdown: str) -> str:
    """A heading's text as the browser's ``textContent`` has it once rendered."""
    text = re.sub(r"!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\([^)]*\)", r"\1", markdown)  # links
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML tags
    text = re.sub(r"(`+)(.+?)\1", r"\2", text)  # code spans keep their text
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])", r"\1", text)
    for entity, char in (("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"')):
        text = text.replace(entity, char)
    return text.strip()


def jupyterlab_id(heading_text: str) -> str:
    """JupyterLab's heading id (``createHeaderId``): the text, spaces to ``-``, case kept."""
    return _text_content(heading_text).replace(" ", "-")


def anchors_of(path: Path) -> set[str]:
    anchors: set[str] = set()
    for text in markdown_of(path):
        text = FENCE.sub("", text)
        anchors.update(jupyterlab_id(m.group(2)) for m in HEADING.finditer(text))
        anchors.update(jupyterlab_id(m) for m in HTML_HEADING.findall(text))
        anchors.update(re.findall(r"""\bid\s*=\s*["']([^"']+)["']""", text))
    return anchors


# ---------------------------------------------------------------------------------------------
# The checker


def pages(root: Path) -> list[Path]:
    """What the course serves and links from: the chapters, README.md and every .md page."""
    found = {p for p in root.glob("*.ipynb")}
    found |= {p for p in root.rglob("*.md") if ".ipynb_checkpoints" not in p.parts}
    return sorted(found)


def resolve(root: Path, page: Path, link: str) -> tuple[Path | None, str, str | None]:
    """``(target, fragment, problem)`` of a relative link as JupyterLab resolves it."""
    target, _, fragment = link.partition("#")
    target = unquote(target.split("?", 1)[0])
    if not target:
        return page, unquote(fragment), None
    if target.startswith("/"):
        return None, fragment, "an absolute path: JupyterLab reads it from the served root"
    folder = page.parent.relative_to(root).as_posix()
    joined = posixpath.normpath(posixpath.join(folder, target))
    if joined == ".." or joined.startswith("../"):
        return None, fragment, "leaves the served folder notebooks/ (404 in JupyterLab)"
    resolved = root / joined
    if not resolved.is_file():
        return None, fragment, f"no file notebooks/{joined}"
    return resolved, unquote(fragment), None


def broken_links(root: Path) -> list[str]:
    problems = []
    for page in pages(root):
        for text in markdown_of(page):
            for link in links_of(text):
                if SCHEME.match(link):
                    continue  # https:, mailto:: opened by the browser, not the lab
                target, fragment, problem = resolve(root, page, link)
                where = f"{page.relative_to(root).as_posix()}: ({link})"
                if problem:
                    problems.append(f"{where} {problem}")
                elif fragment and fragment not in anchors_of(target):
                    headings = ", ".join(sorted(anchors_of(target))) or "none"
                    problems.append(f"{where} no heading #{fragment} (headings: {headings})")
    return problems


def reachable(root: Path, start: Path) -> set[Path]:
    seen = {start}
    todo = deque([start])
    while todo:
        page = todo.popleft()
        for text in markdown_of(page):
            for link in links_of(text):
                if SCHEME.match(link):
                    continue
                target, _, problem = resolve(root, page, link)
                if target is not None and not problem and target not in seen:
                    seen.add(target)
                    todo.append(target)
    return seen


def chapters(root: Path) -> dict[int, Path]:
    return {int(m.group(1)): p for p in root.glob("*.ipynb") if (m := CHAPTER.match(p.name))}


def section(texts: list[str], title: str) -> str:
    """The markdown from a ``### {title}`` heading to the next heading, over all cells."""
    text = "\n\n".join(texts)
    match = re.search(rf"^#+\s*{re.escape(title)}\s*$(.*?)(?=^#+\s|\Z)", text, re.M | re.S)
    return match.group(1) if match else ""


# ---------------------------------------------------------------------------------------------
# The course


def test_every_relative_link_opens_a_page_inside_the_lab():
    problems = broken_links(NOTEBOOKS)
    assert not problems, "links that JupyterLab cannot open:\n" + "\n".join(problems)


def test_the_checker_reads_every_chapter_and_reference_page():
    names = {p.relative_to(NOTEBOOKS).as_posix() for p in pages(NOTEBOOKS)}
    assert {p.name for p in chapters(NOTEBOOKS).values()} <= names
    assert {"README.md", "reference/cheatsheet.md", "reference/glossary.md"} <= names
    assert "reference/error-codes.md" in names


def test_every_chapter_and_reference_page_is_reachable_from_chapter_00():
    all_chapters = chapters(NOTEBOOKS)
    seen = reachable(NOTEBOOKS, all_chapters[0])
    missing = [p.name for p in all_chapters.values() if p not in seen]
    missing += [
        p.relative_to(NOTEBOOKS).as_posix()
        for p in (NOTEBOOKS / "reference").glob("*.md")
        if p not in seen
    ]
    assert not missing, f"not reachable from chapter 00 by following links: {missing}"


def test_chapters_are_numbered_00_to_the_last_without_a_gap():
    numbers = sorted(chapters(NOTEBOOKS))
    assert numbers == list(range(len(numbers))), numbers


def test_chapter_00_lists_every_chapter_with_its_time_to_learn():
    all_chapters = chapters(NOTEBOOKS)
    text = "\n".join(markdown_of(all_chapters[0]))
    rows = {}
    for line in text.splitlines():
        if not line.startswith("|"):
            continue
        for link in links_of(line):
            if CHAPTER.match(link):
                rows[link] = line
    problems = []
    for number, path in sorted(all_chapters.items()):
        if number == 0:
            continue
        stated = TIME_TO_LEARN.search("\n".join(markdown_of(path)))
        assert stated, f"{path.name} states no **Time to learn**"
        row = rows.get(path.name)
        if row is None:
            problems.append(f"{path.name} is not in chapter 00's table")
        elif stated.group(1) not in row:
            problems.append(f"{path.name}: chapter 00 should say {stated.group(1)}: {row}")
    assert not problems, "\n".join(problems)


def test_each_chapter_whats_next_leads_to_the_next_chapter():
    all_chapters = chapters(NOTEBOOKS)
    last = max(all_chapters)
    problems = []
    for number, path in sorted(all_chapters.items()):
        nxt = section(markdown_of(path), "What's next?")
        if not nxt.strip():
            problems.append(f"{path.name} has no ### What's next? section")
            continue
        if number == last:
            continue
        links = links_of(nxt)
        expected = all_chapters[number + 1].name
        if not links or links[0].partition("#")[0] != expected:
            problems.append(f"{path.name}: What's next? should first link to {expected}: {links}")
    assert not problems, "\n".join(problems)


def test_notebooks_readme_lists_the_chapters_in_order_with_their_times():
    text = (NOTEBOOKS / "README.md").read_text(encoding="utf-8")
    listed = [m for m in re.findall(r"(\d\d_[\w]+\.ipynb)", text) if CHAPTER.match(m)]
    ordered = sorted(chapters(NOTEBOOKS).items())
    assert list(dict.fromkeys(listed)) == [p.name for _, p in ordered]
    rows = {
        m.group(1): m.group(0) for m in re.finditer(r"^\| \[`(\d\d_\w+\.ipynb)`\].*$", text, re.M)
    }
    for _, path in ordered:
        stated = TIME_TO_LEARN.search("\n".join(markdown_of(path)))
        assert stated, f"{path.name} states no **Time to learn**"
        assert stated.group(1) in rows.get(path.name, ""), (
            f"README.md: {path.name} takes {stated.group(1)}"
        )


# ---------------------------------------------------------------------------------------------
# The checker itself, on planted links


def _notebook(*markdown: str) -> str:
    cells = [
        {"cell_type": "markdown", "id": f"c{i}", "metadata": {}, "source": t}
        for i, t in enumerate(markdown)
    ]
    cells.append(
        {
            "cell_type": "code",
            "id": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": "print('[not a link](nowhere.ipynb)')",
        }
    )
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@pytest.fixture
def course(tmp_path):
    root = tmp_path / "notebooks"
    (root / "reference").mkdir(parents=True)
    (root / "reference" / "glossary.md").write_text(
        "# Glossary\n\n## The `devKey` header\n\nBack to [chapter 0](../00_start.ipynb).\n"
    )
    (root / "00_start.ipynb").write_text(
        _notebook(
            "## What's next?\n\n[Chapter 1](01_next.ipynb), see [words](reference/glossary.md).",
            "```\n[in a fence](fenced.ipynb)\n```\nand `[in code](span.ipynb)`",
        )
    )
    (root / "01_next.ipynb").write_text(
        _notebook("# Next\n\n[the header](reference/glossary.md#The-devKey-header)")
    )
    return root


def test_the_checker_passes_a_sound_course(course):
    assert broken_links(course) == []
    assert reachable(course, course / "00_start.ipynb") >= set(chapters(course).values())


@pytest.mark.parametrize(
    ("link", "problem"),
    [
        ("../docs/cheatsheet.md", "leaves the served folder"),
        ("reference/cheatsheet.md", "no file notebooks/reference/cheatsheet.md"),
        ("/reference/glossary.md", "absolute path"),
        ("reference/glossary.md#the-devkey-header", "no heading #the-devkey-header"),
        ("01_next.ipynb#What's-next?", "no heading #What's-next?"),
        ("#Nowhere", "no heading #Nowhere"),
    ],
)
def test_the_checker_reports_a_planted_broken_link(course, link, problem):
    page = course / "01_next.ipynb"
    page.write_text(_notebook(f"# Next\n\nA planted [broken link]({link})."))
    problems = broken_links(course)
    assert len(problems) == 1 and problem in problems[0], problems


def test_the_checker_finds_an_unreachable_chapter(course):
    (course / "02_orphan.ipynb").write_text(_notebook("# Orphan"))
    assert course / "02_orphan.ipynb" not in reachable(course, course / "00_start.ipynb")


def test_jupyterlab_heading_ids():
    assert jupyterlab_id("What's next?") == "What's-next?"
    assert jupyterlab_id("The `devKey` header") == "The-devKey-header"
    assert jupyterlab_id("**Bold** and [a link](x.md)") == "Bold-and-a-link"
