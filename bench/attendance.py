"""Attendance benchmark: the program "this week" board and a participant's 12-week ledger (pages and API),
a roster and the authorization board, at a small and a large demo size; plus the time to rebuild the
weekly ledger cache of the current week (what the nightly run does) and of the whole history.

    .venv/bin/python bench/attendance.py [--participants 5000] [--small 500] [--weeks 13] [--repeat 20]
    .venv/bin/python bench/attendance.py --small 5000 --participants 10000   # the figures in the README
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/attendance.py

Each size runs in a fresh database: a temporary SQLite file (CADENCE_SQLITE_PATH), or, when DATABASE_URL
points at PostgreSQL, a throwaway database (``cadence_attendance_bench``) created and dropped here. A child
process migrates, runs ``seed_demo --participants N --weeks W``, generates W weeks of sessions, bookings
and attendance (``cadence.attendance.demo.seed_attendance``, bulk_create), then requests every page
``--repeat`` times as ``director`` and records the median and 95th percentile wall time, the median CPU
time of the process (the request is served in it: CPU time shows the cost of a request even when other
work shares the cores) and the SQL queries.
The script fails when a page's query count differs between the two sizes.
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


def measure(participants: int, weeks: int, repeat: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadence.settings")
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Min, Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cadence.accounts.models import User
    from cadence.attendance.demo import seed_attendance
    from cadence.attendance.models import Attendance, Authorization
    from cadence.attendance.weekly import rebuild_weekly_ledgers
    from cadence.participants.models import Episode, EpisodeStatus
    from cadence.programs.models import Program
    from cadence.scheduling.models import Booking, Session

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", participants=participants, weeks=weeks, seed=7, stdout=StringIO())
    seed_seconds = time.perf_counter() - started
    now = timezone.now()
    summary = seed_attendance(weeks=weeks, now=now, codes=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("attendance_attendance", "scheduling_booking", "scheduling_session"):
                cursor.execute(f"ANALYZE {table}")

    # The largest program, its longest-admitted participant, and a session of today (or the latest one).
    program = (
        Program.objects.annotate(n=Count("episodes", filter=Q(episodes__status=EpisodeStatus.ACTIVE)))
        .order_by("-n", "pk")
        .select_related("site")
        .first()
    )
    assert program is not None
    # Of those with an authorization (so both sizes read the same kinds of rows), the longest admitted.
    admitted = Episode.objects.filter(
        program=program, status=EpisodeStatus.ACTIVE, participant__authorizations__isnull=False
    )
    first_admitted = admitted.aggregate(first=Min("admitted_on"))["first"]
    episode = admitted.filter(admitted_on=first_admitted).order_by("pk").first()
    assert episode is not None
    session = Session.objects.filter(program=program, starts_at__lte=now).order_by("-starts_at", "pk").first()
    assert session is not None

    # Recompute the cached ledgers of the current week (all programs), as the nightly run does, and the
    # whole history (the rows seed_attendance wrote).
    ledger_times = []
    ledgers = 0
    for _ in range(3):
        t0 = time.perf_counter()
        ledgers = rebuild_weekly_ledgers(at=now, weeks=1)
        ledger_times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    all_rows = rebuild_weekly_ledgers(at=now, weeks=None)
    rebuild_all_seconds = time.perf_counter() - t0

    pid = episode.participant_id
    pages = [
        ("board", f"/attendance/board/?program={program.pk}"),
        ("ledger 12 wk", f"/attendance/participant/{pid}/"),
        ("api board", f"/api/v1/attendance/board?program_id={program.pk}"),
        ("api ledger", f"/api/v1/attendance/participants/{pid}/ledger?weeks=12"),
        ("roster", f"/attendance/sessions/{session.pk}/"),
        ("auth board", f"/attendance/authorizations/?program={program.pk}"),
    ]
    client = Client()
    client.force_login(User.objects.get(username="director"))
    results: list[dict[str, Any]] = []
    for name, url in pages:
        client.get(url)  # warm caches and the session
        times: list[float] = []
        cpu_times: list[float] = []
        sql_times: list[float] = []
        queries: list[int] = []
        statuses: set[int] = set()
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                t0, c0 = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                cpu_times.append((time.process_time() - c0) * 1000)
            queries.append(len(captured.captured_queries))
            sql_times.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
            statuses.add(response.status_code)
        times.sort()
        results.append(
            {
                "page": name,
                "url": url.split("?")[0],
                "status": sorted(statuses),
                "queries": max(queries),
                "queries_min": min(queries),
                "median_ms": statistics.median(times),
                "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
                "sql_ms": statistics.median(sql_times),
                "cpu_ms": statistics.median(cpu_times),
            }
        )
    if connection.vendor == "postgresql":
        vendor = f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
    else:
        import sqlite3

        vendor = f"SQLite {sqlite3.sqlite_version}"
    board_size = Episode.objects.filter(program=program, status=EpisodeStatus.ACTIVE).count()
    return {
        "participants": participants,
        "database": vendor,
        "seed_seconds": seed_seconds,
        "attendance_seconds": summary.seconds,
        "sessions": Session.objects.count(),
        "bookings": Booking.objects.count(),
        "marks": Attendance.objects.count(),
        "board_size": board_size,
        "participant_marks": Attendance.objects.filter(episode=episode).count(),
        "ledgers": ledgers,
        "recompute_seconds": min(ledger_times),
        "ledger_rows": all_rows,
        "rebuild_all_seconds": rebuild_all_seconds,
        "authorizations": Authorization.objects.filter(voided_at__isnull=True).count(),
        "pages": results,
    }


def run_size(participants: int, args: argparse.Namespace, url: str | None) -> dict[str, Any]:
    with Database(url, args.pg_database) as env:
        command = [sys.executable, __file__, "--child", str(participants), "--weeks", str(args.weeks)]
        command += ["--repeat", str(args.repeat)]
        print(f"  seeding and measuring {participants} participants ...", flush=True)
        done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.stderr.write(done.stdout + done.stderr)
            raise SystemExit(f"the benchmark child for {participants} participants failed")
        line = next(x for x in done.stdout.splitlines() if x.startswith(MARK))
        result: dict[str, Any] = json.loads(line[len(MARK) :])
        return result


def report(small: dict[str, Any], large: dict[str, Any]) -> list[str]:
    n_small, n_large = small["participants"], large["participants"]
    print()
    print(
        f"Cadence attendance benchmark: {large['database']}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPU(s)"
    )
    for size in (small, large):
        print(
            f"  {size['participants']} participants: seed_demo {size['seed_seconds']:.1f} s, attendance "
            f"{size['attendance_seconds']:.1f} s ({size['sessions']} sessions, {size['bookings']} bookings, "
            f"{size['marks']} marks); board of {size['board_size']} admitted; ledger participant has "
            f"{size['participant_marks']} marks; {size['authorizations']} authorizations; rebuilding the "
            f"{size['ledgers']} cached ledgers of this week {size['recompute_seconds'] * 1000:.0f} ms, all "
            f"{size['ledger_rows']} weeks {size['rebuild_all_seconds']:.1f} s"
        )
    print()
    header = (
        f"{'page':<13} {'status':<7} {'queries@' + str(n_small):>12} {'queries@' + str(n_large):>14} "
        f"{'median ms':>10} {'p95 ms':>8} {'CPU ms':>7} {'SQL ms':>7} {'median@' + str(n_small):>12}"
    )
    print(header)
    print("-" * len(header))
    problems: list[str] = []
    small_rows = {r["page"]: r for r in small["pages"]}
    for row in large["pages"]:
        before = small_rows[row["page"]]
        status = ",".join(map(str, row["status"]))
        print(
            f"{row['page']:<13} {status:<7} {before['queries']:>12} {row['queries']:>14} "
            f"{row['median_ms']:>10.1f} {row['p95_ms']:>8.1f} {row['cpu_ms']:>7.1f} {row['sql_ms']:>7.1f} "
            f"{before['median_ms']:>12.1f}"
        )
        if row["status"] != [200] or before["status"] != [200]:
            problems.append(f"{row['page']} answered {status} ({row['url']})")
        elif before["queries"] != row["queries"] or row["queries"] != row["queries_min"]:
            problems.append(
                f"{row['page']}: {before['queries']} queries at {n_small} participants but "
                f"{row['queries_min']}-{row['queries']} at {n_large}"
            )
    print()
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=5000, help="Large size (default 5000).")
    parser.add_argument("--small", type=int, default=500, help="Small size to compare query counts (default 500).")
    parser.add_argument("--weeks", type=int, default=13, help="Weeks of history and attendance (default 13).")
    parser.add_argument("--repeat", type=int, default=20, help="Requests per page (default 20).")
    parser.add_argument("--pg-database", default="cadence_attendance_bench", help="Throwaway PostgreSQL database.")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(MARK + json.dumps(measure(args.child, args.weeks, args.repeat), default=str))
        return
    url = os.environ.get("DATABASE_URL") or None
    if url and not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must be a PostgreSQL URL (or unset for SQLite).")
    print(f"Attendance benchmark on {'PostgreSQL' if url else 'SQLite'}: {args.small} then {args.participants}")
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
