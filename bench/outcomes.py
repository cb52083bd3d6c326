"""Outcomes benchmark: the program outcomes report of one program at 1,000 and 10,000 participants.

    .venv/bin/python bench/outcomes.py [--small 1000] [--participants 10000] [--repeat 10]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/outcomes.py

Each size runs in a fresh database: a temporary SQLite file, or, when DATABASE_URL points at PostgreSQL, a
throwaway database (``cadence_bench_outcomes`` by default) that this script creates and drops (the database
named in DATABASE_URL is only used to connect). A child process per size migrates and bulk-creates one IOP
with that many participants, one episode each, admitted over the past year (about half discharged in the
last 90 days with a TEDS reason, a quarter still active, the rest discharged earlier), with a PHQ-9 and a
GAD-7 every week of the episode (about one in twenty left incomplete); then requests, as the program's
director (django.test.Client), the report (discharged in the last 90 days, and active in the period), its
CSV, the API summary and the home page (with the outcomes card) ``--repeat`` times each, and prints the
median and 95th percentile time and the SQL queries per request. It fails when a page needs more queries
at the large size than at the small one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
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


def seed(participants: int, seed_value: int) -> dict[str, Any]:
    """One program, ``participants`` participants with one episode each and weekly PHQ-9 and GAD-7."""
    from django.utils import timezone

    from cadence.accounts.models import Role
    from cadence.measures.models import MeasureResult
    from cadence.participants.models import Episode, EpisodeStatus, Participant
    from cadence.testing.factories import OrganizationFactory, ProgramFactory, SiteFactory, TrackFactory, UserFactory

    rng = random.Random(seed_value)
    now = timezone.now()
    org = OrganizationFactory()
    site = SiteFactory(organization=org, name="Bench site", time_zone="America/New_York")
    today = now.astimezone(site.zone).date()
    program = ProgramFactory(site=site, name="Adult IOP", code="iop")
    track = TrackFactory(program=program, name="Morning")
    director = UserFactory(username="bench-director", role=Role.DIRECTOR, organization=org)
    director.sites.set([site])
    clinician = UserFactory(username="bench-clinician", role=Role.CLINICIAN, organization=org)

    people = Participant.objects.bulk_create(
        (
            Participant(
                organization=org,
                record_number=f"B{index:07d}",
                legal_first_name=f"Bench{index}",
                legal_last_name=f"Person{index}",
                date_of_birth=dt.date(1980, 1, 1) + dt.timedelta(days=index % 9000),
                created_at=now,
                search_text=f"bench{index} person{index} b{index:07d}",
            )
            for index in range(participants)
        ),
        batch_size=1000,
    )
    episodes: list[Episode] = []
    for person in people:
        length = rng.randint(21, 100)
        roll = rng.random()
        if roll < 0.5:  # discharged in the last 90 days
            discharged: dt.date | None = today - dt.timedelta(days=rng.randint(0, 89))
        elif roll < 0.75:  # still active
            discharged = None
        else:  # discharged earlier
            discharged = today - dt.timedelta(days=rng.randint(90, 260))
        admitted = (discharged or today) - dt.timedelta(days=length - 1 if discharged else rng.randint(0, 80))
        reason = rng.choices(range(1, 8), weights=[55, 25, 6, 8, 2, 1, 3])[0] if discharged else None
        episodes.append(
            Episode(
                participant=person,
                program=program,
                track=track,
                status=EpisodeStatus.DISCHARGED if discharged else EpisodeStatus.ACTIVE,
                referred_on=admitted - dt.timedelta(days=5),
                admitted_on=admitted,
                discharged_on=discharged,
                discharge_reason=reason,
                level_of_care=program.level_of_care,
                primary_clinician=clinician,
                created_at=now,
            )
        )
    episodes = Episode.objects.bulk_create(episodes, batch_size=1000)
    rows: list[MeasureResult] = []
    made = 0
    for episode in episodes:
        assert episode.admitted_on is not None
        end = episode.discharged_on or today
        start_phq = rng.randint(4, 26)
        start_gad = rng.randint(3, 21)
        weeks = max(1, ((end - episode.admitted_on).days // 7) + 1)
        trend = rng.uniform(-1.5, 0.6)
        for week in range(weeks):
            day = episode.admitted_on + dt.timedelta(days=7 * week)
            for code, first, high in (("phq9", start_phq, 27), ("gad7", start_gad, 21)):
                total = None if rng.random() < 0.05 else min(high, max(0, round(first + trend * week)))
                rows.append(
                    MeasureResult(
                        participant_id=episode.participant_id,
                        episode=episode,
                        instrument=code,
                        instrument_version="1",
                        answers=[],
                        total=total,
                        administered_on=day,
                        administered_at=now,
                        source="staff",
                        entered_by=clinician,
                    )
                )
        if len(rows) >= 5000:
            MeasureResult.objects.bulk_create(rows, batch_size=1000)
            made += len(rows)
            rows = []
    MeasureResult.objects.bulk_create(rows, batch_size=1000)
    made += len(rows)
    return {"program": program.pk, "director": director.username, "results": made, "episodes": len(episodes)}


def measure(participants: int, repeat: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadence.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cadence.accounts.models import User

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    seeded = seed(participants, 7)
    seed_seconds = time.perf_counter() - started
    client = Client()
    client.force_login(User.objects.get(username=seeded["director"]))
    pk = seeded["program"]
    pages = [
        ("report", f"/outcomes/?program={pk}"),
        ("report active", f"/outcomes/?program={pk}&mode=active"),
        ("csv", f"/outcomes/export.csv?program={pk}"),
        ("api", f"/api/v1/outcomes/programs/{pk}"),
        ("home card", "/"),
    ]
    results: list[dict[str, Any]] = []
    for name, url in pages:
        client.get(url)  # warm up
        times: list[float] = []
        queries: list[int] = []
        statuses: set[int] = set()
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            queries.append(len(captured.captured_queries))
            statuses.add(response.status_code)
        times.sort()
        results.append(
            {
                "page": name,
                "status": sorted(statuses),
                "queries": max(queries),
                "queries_min": min(queries),
                "median_ms": statistics.median(times),
                "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
            }
        )
    if connection.vendor == "postgresql":
        vendor = f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
    else:
        import sqlite3

        vendor = f"SQLite {sqlite3.sqlite_version}"
    return {
        "participants": participants,
        "episodes": seeded["episodes"],
        "results": seeded["results"],
        "seed_seconds": seed_seconds,
        "database": vendor,
        "pages": results,
    }


def run_size(participants: int, args: argparse.Namespace, url: str | None) -> dict[str, Any]:
    with Database(url, args.pg_database) as env:
        command = [sys.executable, __file__, "--child", str(participants), "--repeat", str(args.repeat)]
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
    machine = f"Python {platform.python_version()}, {os.cpu_count()} CPU(s)"
    print(f"Cadence outcomes benchmark: {large['database']}, {machine}")
    for size in (small, large):
        print(
            f"  {size['participants']} participants: {size['episodes']} episodes, {size['results']} results, "
            f"seeded in {size['seed_seconds']:.1f} s"
        )
    print()
    header = (
        f"{'page':<14} {'status':<7} {'queries@' + str(n_small):>13} {'queries@' + str(n_large):>14} "
        f"{'median@' + str(n_small):>13} {'median@' + str(n_large):>14} {'p95@' + str(n_large):>11}"
    )
    print(header)
    print("-" * len(header))
    problems: list[str] = []
    small_rows = {r["page"]: r for r in small["pages"]}
    for row in large["pages"]:
        before = small_rows[row["page"]]
        status = ",".join(map(str, row["status"]))
        print(
            f"{row['page']:<14} {status:<7} {before['queries']:>13} {row['queries']:>14} "
            f"{before['median_ms']:>11.1f}ms {row['median_ms']:>12.1f}ms {row['p95_ms']:>9.1f}ms"
        )
        if row["status"] != [200] or before["status"] != [200]:
            problems.append(f"{row['page']} answered {status}")
        elif before["queries"] != row["queries"] or row["queries"] != row["queries_min"]:
            problems.append(
                f"{row['page']}: {before['queries']} queries at {n_small} participants but "
                f"{row['queries_min']}-{row['queries']} at {n_large}"
            )
    print()
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=10000, help="Large size (default 10000).")
    parser.add_argument("--small", type=int, default=1000, help="Small size (default 1000).")
    parser.add_argument("--repeat", type=int, default=10, help="Requests per page (default 10).")
    parser.add_argument("--pg-database", default="cadence_bench_outcomes", help="Throwaway PostgreSQL database.")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(MARK + json.dumps(measure(args.child, args.repeat)))
        return
    url = os.environ.get("DATABASE_URL") or None
    if url and not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must be a PostgreSQL URL (or unset for SQLite).")
    print(f"Outcomes benchmark on {'PostgreSQL' if url else 'SQLite'}: {args.small} then {args.participants}")
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
