"""Seeding speed: rows per second into an in-memory and a temporary file database.

The seed generator must write at least 20,000 rows per second (Faker included) on a two-core
machine. Run ``python bench/bench_seed.py [--scale N] [--seed S]``; it prints rows, seconds,
rows per second and the ratio to that target for each database kind.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime

from mock_server.seed import seed_database
from mock_server.store.database import MEMORY, Database

TARGET_ROWS_PER_SECOND = 20_000
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def bench(label: str, path: str, seed: int, scale: int) -> None:
    db = Database(path)
    try:
        started = time.perf_counter()
        counts = seed_database(db, seed, scale, NOW)
        seconds = time.perf_counter() - started
    finally:
        db.close()
    rows = sum(counts.values())
    rate = rows / seconds
    print(
        f"{label:<7} scale={scale:<7} rows={rows:<9} seconds={seconds:8.2f} rows/s={rate:9.0f} "
        f"ratio={rate / TARGET_ROWS_PER_SECOND:5.2f}x of {TARGET_ROWS_PER_SECOND:,}/s",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scale", type=int, default=10_000, help="number of accounts (default 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=("memory", "file"), help="run one database kind only")
    args = parser.parse_args(argv)
    if args.only != "file":
        bench("memory", MEMORY, args.seed, args.scale)
    if args.only != "memory":
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "bench.sqlite")
            bench("file", path, args.seed, args.scale)
            print(f"        file size {os.path.getsize(path) / 1e6:.0f} MB", flush=True)


if __name__ == "__main__":
    main()
