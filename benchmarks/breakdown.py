"""Where a cycle's time goes: the library's cycle under cProfile, own time grouped by layer.

The profiler slows Python code more than C code, so the shares lean towards Python layers;
read them as an ordering, not as exact fractions.
"""

from __future__ import annotations

import cProfile
import pstats
from collections import Counter
from typing import Any

from common import HOT_SKUS, OursRunner, prepare

GROUPS = (
    ("ordermgmt/adapters/sqlalchemy", "ordermgmt SQL adapter (unit of work, mappers)"),
    ("ordermgmt/adapters/memory", "ordermgmt in-memory adapter"),
    ("ordermgmt/domain", "ordermgmt domain"),
    ("ordermgmt/usecases", "ordermgmt use cases"),
    ("ordermgmt", "ordermgmt facade, messages, rest"),
    ("site-packages/sqlalchemy", "SQLAlchemy"),
    ("site-packages/pydantic", "pydantic"),
    ("site-packages/psycopg", "psycopg, waiting for the server included"),
)


def _group(filename: str, name: str) -> str:
    for marker, label in GROUPS:
        if marker in filename:
            return label
    if filename == "~":
        if "sqlite3." in name or "psycopg" in name or "pq" in name:
            return "database driver (C) and database"
        if "pydantic" in name:
            return "pydantic"
        return "other built-ins"
    return "other standard library"


def breakdown(url: str | None, cycles: int, seed: int) -> dict[str, float]:
    """Share of own time per layer over ``cycles`` cycles (after a warm-up)."""
    oms, customers = prepare(url, seed, 1)
    runner = OursRunner(url, customers[0], HOT_SKUS, seed, oms=oms)
    try:
        for i in range(30):
            runner.cycle(i)
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(cycles):
            runner.cycle(i)
        profiler.disable()
    finally:
        runner.close()
    stats: dict[Any, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    spent: Counter[str] = Counter()
    for (filename, _, name), (_, _, own, _, _) in stats.items():
        spent[_group(filename, name)] += own
    total = sum(spent.values())
    return {label: share / total for label, share in spent.most_common()}
