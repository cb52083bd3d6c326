"""Foundation benchmark: seed time and the cost of the busiest pages, at a small and a large demo size.

    .venv/bin/python bench/foundation.py [--participants 10000] [--small 200] [--repeat 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/foundation.py

Each size runs in a fresh database: a temporary SQLite file (CADENCE_SQLITE_PATH), or, when DATABASE_URL
points at PostgreSQL, a throwaway database (``cadence_bench`` by default) that this script creates and
drops; the database named in DATABASE_URL is only used to connect. For each size a child process migrates,
seeds the demo (timed), then requests every page ``--repeat`` times as ``director`` and ``clinician``
with django.test.Client, recording the median and 95th percentile time and the SQL queries per request.
The script fails when a page's query count differs between the two sizes (queries must not grow with data).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _db import Database  # noqa: E402  (the throwaway database of every benchmark)

ROOT = Path(__file__).resolve().parent.parent
MARK = "BENCH_JSON "
USERS = ("director", "clinician")


# --- Child: one size in one database ---------------------------------------------------------------


def measure(participants: int, weeks: int, repeat: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadence.settings")
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cadence.accounts.models import User
    from cadence.participants.queries import CaseloadFilter, caseload

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", participants=participants, weeks=weeks, seed=7, stdout=StringIO())
    seed_seconds = time.perf_counter() - started

    results: list[dict[str, Any]] = []
    for username in USERS:
        user = User.objects.get(username=username)
        first = caseload(user, CaseloadFilter(status="active")).select_related("participant").first()
        assert first is not None, f"{username} has an empty caseload"
        term = first.participant.legal_last_name.lower()
        pk = first.participant_id
        pages = [
            ("home", "/"),
            ("caseload", "/participants/"),
            ("search", f"/participants/?q={term}"),
            ("chart", f"/participants/{pk}/"),
            ("api list", f"/api/v1/participants?q={term}"),
            ("api read", f"/api/v1/participants/{pk}"),
        ]
        client = Client()
        client.force_login(user)
        for name, url in pages:
            client.get(url)  # warm caches and the session
            times: list[float] = []
            sql_times: list[float] = []
            queries: list[int] = []
            statuses: set[int] = set()
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as captured:
                    t0 = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - t0) * 1000)
                queries.append(len(captured.captured_queries))
                sql_times.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
                statuses.add(response.status_code)
            times.sort()
            results.append(
                {
                    "page": name,
                    "user": username,
                    "url": url.split("?")[0],
                    "status": sorted(statuses),
                    "queries": max(queries),
                    "queries_min": min(queries),
                    "median_ms": statistics.median(times),
                    "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
                    "sql_ms": statistics.median(sql_times),
                }
            )
    if connection.vendor == "postgresql":
        vendor = f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
    else:
        import sqlite3

        vendor = f"SQLite {sqlite3.sqlite_version}"
    return {"participants": participants, "seed_seconds": seed_seconds, "database": vendor, "pages": results}


# --- Parent: fresh databases, children, comparison, table ---------------------------------------


def run_size(participants: int, args: argparse.Namespace, url: str | None) -> dict[str, Any]:
    with Database(url, args.pg_database) as env:
        command = [
            sys.executable,
            __file__,
            "--child",
            str(participants),
            "--weeks",
            str(args.weeks),
            "--repeat",
            str(args.repeat),
        ]
        print(f"  seeding and measuring {participants} participants ...", flush=True)
        done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.stderr.write(done.stdout + done.stderr)
            raise SystemExit(f"the benchmark child for {participants} participants failed")
        line = next(x for x in done.stdout.splitlines() if x.startswith(MARK))
        result: dict[str, Any] = json.loads(line[len(MARK) :])
        return result


def report(small: dict[str, Any], large: dict[str, Any]) -> list[str]:
    """Print the table; return the problems (query counts that grew, pages that failed)."""
    n_small, n_large = small["participants"], large["participants"]
    print()
    print(
        f"Cadence foundation benchmark: {large['database']}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPU(s)"
    )
    print(
        f"Seed time: {n_small} participants {small['seed_seconds']:.1f} s; "
        f"{n_large} participants {large['seed_seconds']:.1f} s"
    )
    print()
    header = (
        f"{'page':<10} {'user':<10} {'status':<7} {'queries@' + str(n_small):>12} "
        f"{'queries@' + str(n_large):>14} {'median ms':>10} {'p95 ms':>8} {'SQL ms':>7} {'median@' + str(n_small):>12}"
    )
    print(header)
    print("-" * len(header))
    problems: list[str] = []
    small_rows = {(r["page"], r["user"]): r for r in small["pages"]}
    for row in large["pages"]:
        before = small_rows[(row["page"], row["user"])]
        status = ",".join(map(str, row["status"]))
        print(
            f"{row['page']:<10} {row['user']:<10} {status:<7} {before['queries']:>12} {row['queries']:>14} "
            f"{row['median_ms']:>10.1f} {row['p95_ms']:>8.1f} {row['sql_ms']:>7.1f} {before['median_ms']:>12.1f}"
        )
        ok = row["status"] == [200] and before["status"] == [200]
        if not ok:
            problems.append(f"{row['page']} as {row['user']} answered {status} ({row['url']})")
        elif before["queries"] != row["queries"] or row["queries"] != row["queries_min"]:
            problems.append(
                f"{row['page']} as {row['user']}: {before['queries']} queries at {n_small} participants but "
                f"{row['queries_min']}-{row['queries']} at {n_large}"
            )
    print()
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=10000, help="Large size (default 10000).")
    parser.add_argument("--small", type=int, default=200, help="Small size to compare query counts (default 200).")
    parser.add_argument("--weeks", type=int, default=12, help="Weeks of demo history (default 12).")
    parser.add_argument("--repeat", type=int, default=20, help="Requests per page (default 20).")
    parser.add_argument("--pg-database", default="cadence_bench", help="Throwaway PostgreSQL database name.")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        result = measure(args.child, args.weeks, args.repeat)
        print(MARK + json.dumps(result))
        return
    url = os.environ.get("DATABASE_URL") or None
    if url and not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must be a PostgreSQL URL (or unset for SQLite).")
    print(f"Benchmark on {'PostgreSQL' if url else 'SQLite'}: {args.small} then {args.participants} participants")
    small = run_size(args.small, args, url)
    large = run_size(args.participants, args, url)
    problems = report(small, large)
    if problems:
        print("FAILED:")
        for problem in problems:
            print(f"  - {problem}")
        raise SystemExit(1)
    print("OK: every page ran the same number of queries at both sizes.")


if __name__ == "__main__":
    main()
