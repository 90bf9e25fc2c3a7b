"""Order-to-cash throughput and scaling of ordermgmt, held against hand-written SQL.

Measures, in one run:

1. full cycles per second (place, invoice, pay, ship, deliver) in memory, on a SQLite file and
   on PostgreSQL, in one process;
2. the same with several worker processes on a few hot skus (SQLite and PostgreSQL);
3. the same writes as hand-written SQL (sqlite3 / psycopg, no SQLAlchemy), single process and
   with workers, and the cost ratio ours / raw;
4. the cost of one placement as the database grows (median and p95).

PostgreSQL is measured when ``--postgres URL`` is given or ORDERMGMT_BENCH_POSTGRES_URL is set;
the URL is used to create (and at the end drop) databases of the benchmark's own.
See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from queue import Empty
from typing import Any, Protocol

from breakdown import breakdown
from common import (
    HOT_SKUS,
    PLENTY,
    STEPS,
    OursRunner,
    Postgres,
    log,
    machine,
    prepare,
)
from growth import placement_cost
from rawsql import RawRunner, connect
from sqlalchemy import event

DEFAULT_SIZES = "10000,100000"
EPILOG = """examples:
  python benchmarks/run.py --quick
  python benchmarks/run.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres
  python benchmarks/run.py --parts growth --sizes 10000,100000,1000000 --json growth.json
"""


class Runner(Protocol):
    def cycle(self, i: int) -> tuple[float, float, float, float, float]: ...

    def close(self) -> None: ...


# -- options -------------------------------------------------------------------------------------


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/run.py",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=os.environ.get("ORDERMGMT_BENCH_POSTGRES_URL"),
        help="PostgreSQL URL of a database to connect to for creating and dropping the "
        "benchmark's own databases (default: $ORDERMGMT_BENCH_POSTGRES_URL; none: skip "
        "PostgreSQL)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=4,
        help="worker processes for the concurrent figures (default 4)",
    )
    parser.add_argument(
        "--sizes",
        default=None,
        help=f"orders in the database at which placements are timed (default {DEFAULT_SIZES})",
    )
    parser.add_argument(
        "--placements", type=int, default=None, help="timed placements per size (default 200)"
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=None,
        help="seconds per timed round of cycles (default 1.5; the workers run 3x as long)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=None,
        help="timed rounds per figure, ours and raw alternating; the median is reported "
        "(default 8)",
    )
    parser.add_argument(
        "--parts",
        default="cycles,workers,growth,breakdown",
        help="what to measure, comma-separated: cycles, workers, growth, breakdown "
        "(default all four)",
    )
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON here")
    parser.add_argument(
        "--tmpdir", default=None, help="directory for the SQLite files (default: system temp)"
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="seed for ids and synthetic data (default 1)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run of about 30 s: one short round, sizes 2000,10000, 30 placements",
    )
    args = parser.parse_args(argv)
    quick = args.quick
    if args.sizes is None:
        args.sizes = "2000,10000" if quick else DEFAULT_SIZES
    args.size_list = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s})
    args.placements = args.placements or (30 if quick else 200)
    args.duration = args.duration or (0.5 if quick else 1.5)
    args.rounds = args.rounds or (1 if quick else 8)
    args.warmup = 5 if quick else 30
    args.worker_duration = args.duration * (2 if quick else 3)
    args.part_list = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = set(args.part_list) - {"cycles", "workers", "growth", "breakdown"}
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    return args


# -- single process --------------------------------------------------------------------------


def _timed_round(runner: Runner, duration: float, first: int) -> tuple[int, float, list[float]]:
    steps = [0.0] * len(STEPS)
    n = 0
    start = time.perf_counter()
    deadline = start + duration
    while True:
        for k, spent in enumerate(runner.cycle(first + n)):
            steps[k] += spent
        n += 1
        now = time.perf_counter()
        if now >= deadline:
            return n, now - start, steps


def _ours_statements(oms: Any, runner: Runner) -> tuple[int, int]:
    """Statements and transactions of one cycle of ours, counted on the engine."""
    engine = oms.dependencies.uow.engine
    counts = [0, 0]

    def on_execute(*_: Any) -> None:
        counts[0] += 1

    def on_commit(*_: Any) -> None:
        counts[1] += 1

    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "commit", on_commit)
    try:
        runner.cycle(0)
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "commit", on_commit)
    return counts[0], counts[1]


def _raw_statements(runner: RawRunner) -> tuple[int, int]:
    sql = runner.sql
    before = sql.statements, sql.transactions
    runner.cycle(0)
    return sql.statements - before[0], sql.transactions - before[1]


def _summary(rounds: list[tuple[int, float, list[float]]]) -> dict[str, Any]:
    rates = [n / elapsed for n, elapsed, _ in rounds]
    cycles = sum(n for n, _, _ in rounds)
    steps = [sum(r[2][k] for r in rounds) for k in range(len(STEPS))]
    return {
        "cycles_per_s": statistics.median(rates),
        "rounds_cycles_per_s": [round(r, 1) for r in rates],
        "cycles": cycles,
        "ms_per_cycle": 1000 / statistics.median(rates),
        "step_ms": {name: 1000 * steps[k] / cycles for k, name in enumerate(STEPS)},
    }


def cycles_part(args: argparse.Namespace, pg: Postgres | None, tmp: Path) -> dict[str, Any]:
    backends = ["memory", "sqlite"] + (["postgresql"] if pg is not None else [])
    results: dict[str, Any] = {}
    for backend in backends:
        log(f"single process, {backend}")
        ours_url = _fresh(backend, "ours", pg, tmp)
        oms, customers = prepare(ours_url, args.seed, 1)
        ours = OursRunner(ours_url, customers[0], HOT_SKUS, args.seed, oms=oms)
        raw: RawRunner | None = None
        raw_url = None
        if backend != "memory":
            raw_url = _fresh_db(backend, "raw", pg, tmp)
            setup, raw_customers = prepare(raw_url, args.seed + 1, 1)
            setup.close()
            raw = RawRunner(raw_url, raw_customers[0], list(HOT_SKUS), args.seed + 2)
        try:
            for i in range(args.warmup):
                ours.cycle(i)
                if raw is not None:
                    raw.cycle(i)
            entry: dict[str, Any] = {}
            if backend != "memory":
                entry["ours_statements_per_cycle"], entry["ours_transactions_per_cycle"] = (
                    _ours_statements(oms, ours)
                )
            if raw is not None:
                entry["raw_statements_per_cycle"], entry["raw_transactions_per_cycle"] = (
                    _raw_statements(raw)
                )
            ours_rounds, raw_rounds = [], []
            for r in range(args.rounds):
                ours_rounds.append(_timed_round(ours, args.duration, 1_000_000 * (r + 1)))
                if raw is not None:
                    raw_rounds.append(_timed_round(raw, args.duration, 1_000_000 * (r + 1)))
            entry["ours"] = _summary(ours_rounds)
            if raw is not None:
                entry["raw"] = _summary(raw_rounds)
                # Each ours round against the raw round that ran right after it: a ratio less
                # exposed to other work on the machine coming and going than one of medians.
                entry["ratio"] = statistics.median(
                    (rn / re) / (on / oe)
                    for (on, oe, _), (rn, re, _) in zip(ours_rounds, raw_rounds, strict=True)
                )
                entry["ratio_of_medians"] = (
                    entry["raw"]["cycles_per_s"] / entry["ours"]["cycles_per_s"]
                )
            results[backend] = entry
            line = f"  ours {entry['ours']['cycles_per_s']:,.0f} cycles/s"
            if raw is not None:
                line += f", raw {entry['raw']['cycles_per_s']:,.0f} cycles/s"
                line += f", ours/raw {entry['ratio']:.1f}x"
            log(line)
        finally:
            ours.close()
            if raw is not None:
                raw.close()
            _discard(backend, ours_url, pg)
            _discard(backend, raw_url, pg)
    return results


# -- several processes -----------------------------------------------------------------------


def worker_main(spec: dict[str, Any], barrier: Any, results: Any) -> None:
    """One worker process: set up, warm up, wait for the others, run cycles until the
    deadline, report."""
    report: dict[str, Any] = {"cycles": 0, "errors": 0, "error": None}
    try:
        runner: Runner
        if spec["impl"] == "ours":
            runner = OursRunner(spec["url"], spec["customer_id"], spec["skus"], spec["seed"])
        else:
            runner = RawRunner(spec["url"], spec["customer_id"], spec["skus"], spec["seed"])
        for i in range(spec["warmup"]):
            runner.cycle(i)
    except Exception as error:
        report["error"] = f"setup: {error!r}"
        barrier.abort()
        results.put(report)
        return
    try:
        barrier.wait(timeout=300)
    except Exception as error:
        report["error"] = f"start: {error!r}"
        results.put(report)
        return
    start = time.perf_counter()
    deadline = start + spec["duration"]
    n = spec["warmup"]
    while time.perf_counter() < deadline:
        try:
            runner.cycle(n)
            report["cycles"] += 1
        except Exception as error:  # counted, reported, and the worker goes on
            report["errors"] += 1
            report["error"] = report["error"] or repr(error)
        n += 1
    report["start"], report["end"] = start, time.perf_counter()
    try:
        runner.close()
    finally:
        results.put(report)


def _run_workers(
    impl: str, url: str, customers: list[str], args: argparse.Namespace
) -> dict[str, Any]:
    context = mp.get_context("spawn")
    barrier = context.Barrier(args.workers)
    queue = context.Queue()
    processes = []
    for i in range(args.workers):
        skus = [HOT_SKUS[(i + k) % len(HOT_SKUS)] for k in range(len(HOT_SKUS))]
        spec = {
            "impl": impl,
            "url": url,
            "customer_id": customers[i],
            "skus": skus,
            "seed": args.seed + 100 + i,
            "warmup": max(3, args.warmup // 3),
            "duration": args.worker_duration,
        }
        process = context.Process(target=worker_main, args=(spec, barrier, queue))
        process.start()
        processes.append(process)
    reports: list[dict[str, Any]] = []
    while len(reports) < len(processes):
        try:
            reports.append(queue.get(timeout=5))
        except Empty:
            if not any(p.is_alive() for p in processes) and queue.empty():
                raise RuntimeError(f"{impl} workers died without reporting") from None
    for process in processes:
        process.join(timeout=60)
    failed = [r["error"] for r in reports if "start" not in r]
    if failed:
        raise RuntimeError(f"{impl} workers failed: {failed[0]}")
    cycles = sum(r["cycles"] for r in reports)
    wall = max(r["end"] for r in reports) - min(r["start"] for r in reports)
    errors = sum(r["errors"] for r in reports)
    return {
        "cycles_per_s": cycles / wall,
        "cycles": cycles,
        "seconds": wall,
        "errors": errors,
        "first_error": next((r["error"] for r in reports if r["error"]), None),
        "per_worker": [r["cycles"] for r in reports],
    }


def workers_part(args: argparse.Namespace, pg: Postgres | None, tmp: Path) -> dict[str, Any]:
    backends = ["sqlite"] + (["postgresql"] if pg is not None else [])
    results: dict[str, Any] = {}
    for backend in backends:
        log(f"{args.workers} worker processes, {backend}")
        entry: dict[str, Any] = {}
        for impl in ("ours", "raw"):
            url = _fresh_db(backend, f"w{impl}", pg, tmp)
            try:
                setup, customers = prepare(url, args.seed, args.workers)
                setup.close()
                entry[impl] = _run_workers(impl, url, customers, args)
                entry[impl]["consistent"] = _check_stock(url)
            finally:
                _discard(backend, url, pg)
        entry["ratio"] = entry["raw"]["cycles_per_s"] / entry["ours"]["cycles_per_s"]
        log(
            f"  ours {entry['ours']['cycles_per_s']:,.0f} cycles/s, "
            f"raw {entry['raw']['cycles_per_s']:,.0f} cycles/s, ours/raw {entry['ratio']:.1f}x"
        )
        results[backend] = entry
    return results


def _check_stock(url: str) -> bool:
    """After the workers, per hot sku: reserved equals what open orders hold, and every unit
    that left the stock was shipped."""
    conn, dialect = connect(url)
    try:
        cursor = conn.cursor()
        p = "%s" if dialect == "postgresql" else "?"
        ok = True
        for sku in HOT_SKUS:
            cursor.execute(f"SELECT on_hand, reserved FROM stock_items WHERE sku = {p}", (sku,))
            on_hand, reserved = cursor.fetchone()
            cursor.execute(
                f"SELECT coalesce(sum(shipped), 0) FROM order_lines WHERE sku = {p}", (sku,)
            )
            (shipped,) = cursor.fetchone()
            cursor.execute(
                f"SELECT coalesce(sum(quantity), 0) FROM order_allocations WHERE sku = {p}",
                (sku,),
            )
            (allocated,) = cursor.fetchone()
            ok = ok and reserved == allocated and on_hand + shipped == PLENTY
        conn.commit()
        return ok
    finally:
        conn.close()


# -- databases ---------------------------------------------------------------------------------


def _fresh(backend: str, label: str, pg: Postgres | None, tmp: Path) -> str | None:
    """A new, empty database for ``backend`` (None: in memory)."""
    if backend == "memory":
        return None
    return _fresh_db(backend, label, pg, tmp)


def _fresh_db(backend: str, label: str, pg: Postgres | None, tmp: Path) -> str:
    if backend == "sqlite":
        path = tmp / f"{label}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    assert pg is not None
    return pg.create(label)


def _discard(backend: str, url: str | None, pg: Postgres | None) -> None:
    if url is None:
        return
    if backend == "sqlite":
        path = url.split("///", 1)[1]
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    elif pg is not None:
        pg.drop(url)


def growth_part(args: argparse.Namespace, pg: Postgres | None, tmp: Path) -> dict[str, Any]:
    backends = ["sqlite"] + (["postgresql"] if pg is not None else [])
    results: dict[str, Any] = {}
    for backend in backends:
        log(f"placement cost as the database grows, {backend}")
        urls: dict[int, str] = {}
        try:
            for size in args.size_list:
                urls[size] = _fresh_db(backend, f"orders{size}", pg, tmp)
            results[backend] = placement_cost(
                urls, args.placements, max(10, args.warmup), args.seed
            )
        finally:
            for url in urls.values():
                _discard(backend, url, pg)
    return results


def breakdown_part(args: argparse.Namespace, pg: Postgres | None, tmp: Path) -> dict[str, Any]:
    backends = {"memory": 300, "sqlite": 200} | ({"postgresql": 100} if pg is not None else {})
    results: dict[str, Any] = {}
    for backend, cycles in backends.items():
        log(f"where the time goes, {backend}")
        url = _fresh(backend, "profile", pg, tmp)
        try:
            results[backend] = breakdown(url, 30 if args.quick else cycles, args.seed)
        finally:
            _discard(backend, url, pg)
    return results


# -- report ----------------------------------------------------------------------------------


def _fmt_rate(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def report(result: dict[str, Any]) -> str:
    out: list[str] = []
    m = result["machine"]
    out.append("ordermgmt benchmarks")
    out.append(
        f"machine: {m['cpus']} cpus ({m['cpu_model'] or 'unknown model'}), "
        f"{m['memory_gib']} GiB, {m['os']}"
    )
    versions = f"Python {m['python']}, SQLite {m['sqlite']}, SQLAlchemy {m['sqlalchemy']}"
    if m.get("psycopg"):
        versions += f", psycopg {m['psycopg']}"
    if m.get("postgresql"):
        s = m["postgresql"]
        versions += (
            f", PostgreSQL {s['server_version'].split()[0]} (fsync {s['fsync']}, "
            f"synchronous_commit {s['synchronous_commit']}, shared_buffers {s['shared_buffers']})"
        )
    out.append(versions)
    out.append(f"fsync of a 4 KiB write on the SQLite file's disk: {m['fsync_ms']:.2f} ms (median)")
    out.append(f"ordermgmt at {m['ordermgmt_commit']}")
    out.append(f"command: {result['command']}")
    out.append(
        f"load average before / after: {result.get('load_before')} / {result.get('load_after')}"
        f" ({m['cpus']} cpus; above ~0.5 other work was competing with the benchmark)"
    )
    if result["settings"]["quick"]:
        out.append("QUICK RUN: a smoke test; rounds this short make the figures below unreliable")
    cycles = result.get("cycles")
    if cycles:
        out.append("")
        out.append("1+3. order-to-cash cycles, one process (place, invoice, pay, ship, deliver)")
        out.append(
            f"{'backend':<12}{'ours cyc/s':>12}{'ms/cycle':>10}{'raw cyc/s':>11}"
            f"{'ms/cycle':>10}{'ours/raw':>10}{'ours st/tx':>12}{'raw st/tx':>11}"
        )
        for backend, e in cycles.items():
            raw = e.get("raw")
            ours_counts = (
                f"{e['ours_statements_per_cycle']}/{e['ours_transactions_per_cycle']}"
                if "ours_statements_per_cycle" in e
                else "-"
            )
            raw_counts = (
                f"{e['raw_statements_per_cycle']}/{e['raw_transactions_per_cycle']}" if raw else "-"
            )
            out.append(
                f"{backend:<12}{_fmt_rate(e['ours']['cycles_per_s']):>12}"
                f"{e['ours']['ms_per_cycle']:>10.2f}"
                f"{_fmt_rate(raw['cycles_per_s'] if raw else None):>11}"
                f"{format(raw['ms_per_cycle'], '.2f') if raw else '-':>10}"
                f"{format(e['ratio'], '.1f') + 'x' if raw else '-':>10}"
                f"{ours_counts:>12}{raw_counts:>11}"
            )
        out.append(
            "ours/raw: time per cycle of ours over that of the hand-written SQL (median over "
            "the rounds, each ours round against the raw round right after it); "
            "st/tx: SQL statements / transactions per cycle"
        )
        out.append("")
        out.append("time per step, ms (mean over all timed cycles), and each round's cycles/s")
        out.append(f"{'backend':<20}" + "".join(f"{s:>9}" for s in STEPS) + "   rounds")
        for backend, e in cycles.items():
            for impl in ("ours", "raw"):
                if impl in e:
                    out.append(
                        f"{backend + ' ' + impl:<20}"
                        + "".join(f"{e[impl]['step_ms'][s]:>9.2f}" for s in STEPS)
                        + "   "
                        + ", ".join(f"{r:,.0f}" for r in e[impl]["rounds_cycles_per_s"])
                    )
    workers = result.get("workers")
    if workers:
        n = result["settings"]["workers"]
        out.append("")
        out.append(
            f"2+3. order-to-cash cycles, {n} worker processes on {len(HOT_SKUS)} hot skus (total)"
        )
        out.append(
            f"{'backend':<12}{'ours cyc/s':>12}{'raw cyc/s':>11}{'ours/raw':>10}"
            f"{'errors ours/raw':>17}{'stock ok':>10}"
        )
        for backend, e in workers.items():
            ok = e["ours"]["consistent"] and e["raw"]["consistent"]
            out.append(
                f"{backend:<12}{_fmt_rate(e['ours']['cycles_per_s']):>12}"
                f"{_fmt_rate(e['raw']['cycles_per_s']):>11}{e['ratio']:>9.1f}x"
                f"{e['ours']['errors']:>10}/{e['raw']['errors']:<6}{'yes' if ok else 'NO':>10}"
            )
            for impl in ("ours", "raw"):
                if e[impl]["first_error"]:
                    out.append(f"  first {impl} error: {e[impl]['first_error'][:150]}")
    growth = result.get("growth")
    if growth:
        out.append("")
        out.append(
            "4. one placement as the database grows, ms: through the facade (ours), and a "
            "hand-written one-line placement timed right after each (raw, a control)"
        )
        out.append(
            f"{'backend':<12}{'orders':>11}{'median':>9}{'p95':>9}{'mean':>9}"
            f"{'raw median':>12}{'raw p95':>9}{'load s':>9}"
        )
        for backend, rows in growth.items():
            for row in rows:
                out.append(
                    f"{backend:<12}{row['orders']:>11,}{row['median_ms']:>9.2f}"
                    f"{row['p95_ms']:>9.2f}{row['mean_ms']:>9.2f}"
                    f"{row['raw_median_ms']:>12.2f}{row['raw_p95_ms']:>9.2f}"
                    f"{row['load_seconds']:>9.1f}"
                )
            for row in rows:
                out.append(
                    f"{'':<12}{row['orders']:>11,} find_orders, median ms per page of 50: "
                    + ", ".join(f"{k} {v:.2f}" for k, v in row.get("search_ms", {}).items())
                )
            if len(rows) > 1:
                first, last = rows[0], rows[-1]
                out.append(
                    f"{'':<12}median at {last['orders']:,} / at {first['orders']:,}: "
                    f"ours {last['median_ms'] / first['median_ms']:.2f}x, "
                    f"raw {last['raw_median_ms'] / first['raw_median_ms']:.2f}x"
                )
    shares = result.get("breakdown")
    if shares:
        out.append("")
        out.append("where the time of ours goes: own time per layer under cProfile (an ordering)")
        for backend, groups in shares.items():
            top = [f"{label} {share:.0%}" for label, share in groups.items() if share >= 0.02]
            out.append(f"  {backend}: " + ", ".join(top))
    out.extend(_aims(result))
    out.append("")
    out.append(f"total run time {result['seconds']:.0f} s")
    return "\n".join(out)


#: The aims the storage design is held to: cost ratio ours / raw, single process.
RATIO_AIMS = {"sqlite": 3.0, "postgresql": 2.0}
MEMORY_AIM = 10_000
#: "Flat": the median placement at the largest size within this factor of the smallest.
FLAT_AIM = 1.25


def _aims(result: dict[str, Any]) -> list[str]:
    lines: list[str] = []

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    cycles = result.get("cycles") or {}
    if "memory" in cycles:
        rate = cycles["memory"]["ours"]["cycles_per_s"]
        lines.append(
            f"  in-memory OMS above {MEMORY_AIM:,} cycles/s: {rate:,.0f} "
            f"({verdict(rate > MEMORY_AIM)})"
        )
    for backend, aim in RATIO_AIMS.items():
        if backend in cycles:
            ratio = cycles[backend]["ratio"]
            lines.append(
                f"  {backend} within {aim:.0f}x of raw: {ratio:.1f}x ({verdict(ratio <= aim)})"
            )
    for backend, rows in (result.get("growth") or {}).items():
        if len(rows) > 1:
            growth_ratio = rows[-1]["median_ms"] / rows[0]["median_ms"]
            lines.append(
                f"  {backend} placement flat from {rows[0]['orders']:,} to "
                f"{rows[-1]['orders']:,} orders (median within {FLAT_AIM}x): {growth_ratio:.2f}x "
                f"({verdict(growth_ratio <= FLAT_AIM)})"
            )
    return ["", "aims", *lines] if lines else []


def _load() -> list[float]:
    """The 1, 5 and 15 minute load averages: other work on the machine skews every figure."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    started = time.perf_counter()
    pg = Postgres(args.postgres) if args.postgres else None
    result: dict[str, Any] = {
        "command": " ".join(["python", "benchmarks/run.py", *sys.argv[1:]]),
        "settings": {
            "workers": args.workers,
            "sizes": args.size_list,
            "placements": args.placements,
            "round_seconds": args.duration,
            "worker_seconds": args.worker_duration,
            "rounds": args.rounds,
            "warmup_cycles": args.warmup,
            "seed": args.seed,
            "quick": args.quick,
            "postgres": pg.safe_url() if pg else None,
        },
    }
    with tempfile.TemporaryDirectory(prefix="ordermgmt-bench-", dir=args.tmpdir) as directory:
        tmp = Path(directory)
        try:
            result["machine"] = machine(pg, directory)
            result["load_before"] = _load()
            if "cycles" in args.part_list:
                result["cycles"] = cycles_part(args, pg, tmp)
            if "workers" in args.part_list:
                result["workers"] = workers_part(args, pg, tmp)
            if "growth" in args.part_list:
                result["growth"] = growth_part(args, pg, tmp)
            if "breakdown" in args.part_list:
                result["breakdown"] = breakdown_part(args, pg, tmp)
        finally:
            if pg is not None:
                pg.drop_all()
    result["load_after"] = _load()
    result["seconds"] = time.perf_counter() - started
    print(report(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
