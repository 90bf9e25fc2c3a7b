"""The documentation runs: every ```python block in README.md and docs/*.md is executed.

Blocks of one file run in order, in one namespace, like a reader typing them into one Python
prompt; line numbers in a failure's traceback are the markdown file's own. A block preceded by
``<!-- test-file -->`` is a test module for an outside project: it runs through pytest with the
installed plugin and its tests must pass. A block preceded by ``<!-- not-run -->`` is
deliberately partial and only has to compile; keep those rare.

The README's two commands on its first screen are checked too: the demo command must run
the demo, and .ci/run must run exactly the README's test command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = [README, *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^```(?P<lang>[\w-]*)\s*$")
MARKER = re.compile(r"^<!--\s*(?P<marker>[\w-]+)\s*-->\s*$")
MARKERS = {"not-run", "test-file"}
#: How many lines count as the README's first screen.
FIRST_SCREEN = 30


@dataclass(frozen=True)
class Block:
    """A fenced code block: its language, its code, the line its code starts on, its marker."""

    path: Path
    lang: str
    code: str
    line: int
    marker: str | None

    def compile(self) -> object:
        # Pad with newlines so tracebacks point at the markdown file's own line numbers.
        return compile("\n" * (self.line - 1) + self.code, str(self.path), "exec")


def blocks(path: Path, text: str | None = None) -> list[Block]:
    """Every fenced block of a markdown file (or of ``text`` from it), with the marker comment
    right above it."""
    found: list[Block] = []
    lines = (path.read_text(encoding="utf-8") if text is None else text).splitlines()
    index = 0
    marker: str | None = None
    while index < len(lines):
        line = lines[index]
        if (match := MARKER.match(line)) is not None:
            marker = match["marker"]
            index += 1
            continue
        if (fence := FENCE.match(line)) is not None:
            start = index + 1
            end = start
            while end < len(lines) and lines[end].strip() != "```":
                end += 1
            if end == len(lines):
                raise AssertionError(f"{path.name}:{index + 1}: code block is never closed")
            code = "\n".join(lines[start:end]) + "\n"
            found.append(Block(path, fence["lang"], code, start + 1, marker))
            index = end + 1
            marker = None
            continue
        if line.strip():
            marker = None  # a marker applies only to the block right below it
        index += 1
    return found


def python_blocks(path: Path) -> list[Block]:
    return [b for b in blocks(path) if b.lang == "python"]


def test_every_doc_has_runnable_python_and_markers_are_known() -> None:
    for path in DOCS:
        found = python_blocks(path)
        assert found, f"{path.name} has no python block"
        for block in blocks(path):
            assert block.marker in MARKERS | {None}, f"{path.name}:{block.line}: {block.marker}"
        skipped = [b for b in found if b.marker == "not-run"]
        assert len(skipped) <= 2, f"{path.name}: keep not-run blocks rare ({len(skipped)})"


@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_python_blocks_run(path: Path) -> None:
    namespace: dict[str, object] = {"__name__": f"docs_{path.stem}"}
    for block in python_blocks(path):
        code = block.compile()
        if block.marker is None:
            exec(code, namespace)  # the documented code is what is under test


@pytest.mark.parametrize(
    "block",
    [b for path in DOCS for b in python_blocks(path) if b.marker == "test-file"],
    ids=lambda b: f"{b.path.name}:{b.line}",
)
def test_test_file_blocks_pass_under_pytest(block: Block, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_from_docs=block.code)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 1, result.stdout.str()
    result.assert_outcomes(passed=outcomes["passed"])


def test_relative_links_in_the_docs_resolve() -> None:
    link = re.compile(r"\]\((?!https?://|#)(?P<target>[^)#\s]+)")
    for path in DOCS:
        for match in link.finditer(path.read_text(encoding="utf-8")):
            target = (path.parent / match["target"]).resolve()
            assert target.exists(), f"{path.name}: broken link to {match['target']}"


# -- the README's first screen ------------------------------------------------------------------


def first_screen_commands() -> list[str]:
    """The shell commands in the README's first screen."""
    head = "\n".join(README.read_text(encoding="utf-8").splitlines()[:FIRST_SCREEN])
    return [
        line.strip()
        for block in blocks(README, head)
        if block.lang in ("bash", "sh", "console")
        for line in block.code.splitlines()
        if line.strip()
    ]


def test_the_first_screen_shows_the_two_commands() -> None:
    commands = first_screen_commands()
    assert len(commands) == 2, commands
    demo, tests = commands
    for command in commands:
        assert command.startswith("python -m venv .venv && .venv/bin/pip install -e ")
    assert demo.endswith("&& .venv/bin/python -m ordermgmt demo")
    assert tests.endswith("&& .venv/bin/python -m pytest")
    assert "'.[dev]'" in tests


def test_ci_runs_exactly_the_readme_test_command() -> None:
    _, tests = first_screen_commands()
    readme_run = tests.rsplit("&&", 1)[1].strip()  # .venv/bin/python -m pytest
    readme_args = readme_run.split("/bin/", 1)[1]  # python -m pytest
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    runs = [
        line.strip().replace('"', "").split("/bin/", 1)[1]
        for line in script.splitlines()
        if re.search(r"/bin/python\s+-m\s+pytest\b", line) and not line.lstrip().startswith("#")
    ]
    assert runs == [readme_args]
    assert re.search(r"pip install [^\n]*-e ['\"]\.\[dev\][\"']", script)
