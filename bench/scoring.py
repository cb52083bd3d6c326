"""Benchmark: score random administrations through the pure instrument functions.

Builds N random but valid administrations spread evenly at random across all instruments (following
each instrument's skip logic, with a random sex for AUDIT-C), then times ``score`` over all of them and
prints the throughput and total time, per instrument and overall. A second figure times
``classify_change`` on random score pairs. No database, no Django.

    .venv/bin/python bench/scoring.py [--count 100000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cadence.measures.instruments import Answer, Instrument

ROOT = Path(__file__).resolve().parent.parent


def random_answers(instrument: Instrument, rng: random.Random) -> list[Answer]:
    """One valid answer list for ``instrument``; skipped items are None."""
    answered: dict[str, Answer] = {}
    values: list[Answer] = []
    for item in instrument.items:
        value: Answer = rng.choice(item.allowed_values) if instrument.is_asked(item, answered) else None
        answered[item.field] = value
        values.append(value)
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="administrations to score (default 100000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from cadence.measures.instruments import INSTRUMENTS, classify_change, score

    rng = random.Random(args.seed)
    codes = list(INSTRUMENTS)

    started = time.perf_counter()
    batches: dict[str, list[tuple[list[Answer], str]]] = defaultdict(list)
    for _ in range(args.count):
        code = rng.choice(codes)
        batches[code].append((random_answers(INSTRUMENTS[code], rng), rng.choice(("male", "female"))))
    generated = time.perf_counter() - started

    print(f"Scoring {args.count:,} random administrations across {len(codes)} instruments (seed {args.seed})")
    print(f"  generating answers: {generated:.2f} s (not counted below)")
    print(f"  {'instrument':<10} {'count':>8} {'seconds':>9} {'per second':>12}")
    total_seconds = 0.0
    flagged = 0
    for code in codes:
        batch = batches[code]
        t0 = time.perf_counter()
        for answers, sex in batch:
            result = score(code, answers, sex=sex)
            flagged += bool(result.flags)
        elapsed = time.perf_counter() - t0
        total_seconds += elapsed
        rate = len(batch) / elapsed if elapsed else float("inf")
        print(f"  {code:<10} {len(batch):>8,} {elapsed:>9.3f} {rate:>12,.0f}")
    overall = args.count / total_seconds if total_seconds else float("inf")
    print(f"  {'all':<10} {args.count:>8,} {total_seconds:>9.3f} {overall:>12,.0f}")
    print(f"Total scoring time: {total_seconds:.3f} s; throughput: {overall:,.0f} administrations/s")
    print(f"  ({flagged:,} administrations raised at least one flag)")

    pairs = [(rng.randint(0, 27), rng.randint(0, 27)) for _ in range(args.count)]
    t0 = time.perf_counter()
    for before, after in pairs:
        classify_change("phq9" if before % 2 else "pcl5", before, after)
    change_seconds = time.perf_counter() - t0
    change_rate = args.count / change_seconds if change_seconds else float("inf")
    print(f"classify_change: {args.count:,} pairs in {change_seconds:.3f} s ({change_rate:,.0f}/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
