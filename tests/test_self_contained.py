"""The repository stands alone: every file it names in prose, docstrings or links is in it.

A reader of the code or the docs must never be sent to a note that only the authors have.
Markdown names (``SOMETHING.md``) and relative markdown links are checked in every text file of
the project (sources, tests, docs, benchmarks, README).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ["README.md", "pyproject.toml", "src", "tests", "docs", "benchmarks", ".ci"]
SUFFIXES = {".py", ".md", ".toml", ".txt", ".cfg", ".ini", ".yml", ".yaml", ""}
#: A markdown file named in text: ``NOTES.md``, ``docs/concepts.md``, ``../elsewhere/X.md``.
NAMED = re.compile(r"(?<![\w/.-])((?:\.\./|\./)?[\w./-]*[\w-]+\.md)\b")
#: A relative link in markdown: ``[text](target)``.
LINK = re.compile(r"\]\((?!https?:|mailto:|#)([^)#\s]+)")


def _text_files() -> list[Path]:
    files: list[Path] = []
    for name in SCANNED:
        path = ROOT / name
        candidates = [path] if path.is_file() else sorted(path.rglob("*"))
        files += [
            f
            for f in candidates
            if f.is_file()
            and f.suffix in SUFFIXES
            and "__pycache__" not in f.parts
            and f != Path(__file__).resolve()  # its own examples name missing files on purpose
        ]
    return files


def _exists(reference: str, source: Path) -> bool:
    if reference.startswith("../"):
        target = (source.parent / reference).resolve()
        return target.is_relative_to(ROOT) and target.exists()
    name = reference.removeprefix("./")
    if (source.parent / name).exists() or (ROOT / name).exists():
        return True
    # A bare file name ("README.md") may name a file anywhere in the project.
    return "/" not in name and any(ROOT.glob(f"**/{name}"))


def test_every_named_file_is_in_the_repository() -> None:
    missing = []
    for source in _text_files():
        text = source.read_text(encoding="utf-8", errors="replace")
        for reference in {*NAMED.findall(text), *LINK.findall(text)}:
            checked = reference.endswith(".md") or "/" in reference
            if checked and not _exists(reference, source):
                missing.append(f"{source.relative_to(ROOT)}: {reference}")
    assert missing == []


def test_the_scan_finds_a_missing_file(tmp_path: Path) -> None:
    """The check itself can fail: a name that is not in the repository is reported."""
    note = ROOT / "docs" / "concepts.md"
    assert _exists("docs/concepts.md", note)
    assert not _exists("NOTES.md", note)
    assert not _exists("../elsewhere/NOTES.md", note)
    assert NAMED.findall("as NOTES.md states") == ["NOTES.md"]
    assert LINK.findall("see [the notes](../elsewhere/GUIDE.md)") == ["../elsewhere/GUIDE.md"]
