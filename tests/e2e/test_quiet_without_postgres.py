"""The README's test command reads cleanly on a machine without PostgreSQL: the tests that need
it are reported in one line that says how to run them, not as a SKIPPED line each."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.databases import POSTGRES_ENV

ROOT = Path(__file__).resolve().parents[2]


def test_a_run_without_postgres_says_in_one_line_what_did_not_run() -> None:
    env = {k: v for k, v in os.environ.items() if k != POSTGRES_ENV}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "tests/usecases/test_catalog.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    lines = result.stdout.splitlines()
    notes = [line for line in lines if "PostgreSQL tests not run" in line]
    assert len(notes) == 1
    assert POSTGRES_ENV in notes[0]
    assert not [line for line in lines if line.startswith("SKIPPED")]
    count = int(notes[0].split()[0])
    assert f"{count} skipped" in lines[-1]
