"""Measures benchmark: the participant trend page with two years of history.

    .venv/bin/python bench/measures.py [--repeat 30] [--years 2]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/measures.py

Runs in a fresh database: a temporary SQLite file, or, when DATABASE_URL points at PostgreSQL, a throwaway
database (``cadence_bench_measures`` by default) that this script creates and drops (the database named in
DATABASE_URL is only used to connect). It creates one participant admitted ``--years`` ago with weekly
PHQ-9 and GAD-7 results (scored by the pure instrument functions), a daily check-in every day, a weekly
drug screen and two level-of-care changes, plus a participant with ten results for comparison; then
requests /measures/participant/<id>/ ``--repeat`` times as their clinician (django.test.Client) for each
period and prints the median and 95th percentile time and the SQL queries per request. It fails when the
long history needs more queries than the short one. (Scoring 100,000 administrations: bench/scoring.py.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _db import open_in_this_process  # noqa: E402  (the throwaway database of every benchmark)

PG_NAME = "cadence_bench_measures"


def phq_like(rng: random.Random, items: int, target: float) -> list[int]:
    """Answers 0-3 whose total is near ``target``."""
    answers = [min(3, max(0, round(target / items + rng.uniform(-1, 1)))) for _ in range(items)]
    return answers


def build(years: int, seed: int) -> dict[str, Any]:
    """The two participants and their histories (bulk-created; scores from the pure functions)."""
    from django.utils import timezone

    from cadence.accounts.models import Role
    from cadence.measures.instruments import score
    from cadence.measures.models import CheckIn, DrugScreen, DrugScreenPanel, MeasureResult
    from cadence.participants.models import LevelOfCareChange
    from cadence.testing.factories import (
        EpisodeFactory,
        OrganizationFactory,
        ParticipantFactory,
        ProgramFactory,
        SiteFactory,
        TrackFactory,
        UserFactory,
        level,
    )

    rng = random.Random(seed)
    now = timezone.now()
    org = OrganizationFactory()
    site = SiteFactory(organization=org, name="Bench site", time_zone="America/New_York")
    today = now.astimezone(site.zone).date()
    program = ProgramFactory(site=site, name="Adult IOP", code="iop")
    track = TrackFactory(program=program, name="Morning")
    clinician = UserFactory(username="bench-clinician", role=Role.CLINICIAN, organization=org)
    clinician.sites.set([site])
    clinician.programs.set([program])

    def participant(last: str, admitted: dt.date) -> Any:
        person = ParticipantFactory(legal_last_name=last, organization=org)
        return EpisodeFactory(
            participant=person,
            program=program,
            track=track,
            primary_clinician=clinician,
            referred_on=admitted - dt.timedelta(days=3),
            admitted_on=admitted,
            created_at=now,
        )

    def results(episode: Any, weeks: int) -> int:
        rows = []
        for week in range(weeks):
            day = today - dt.timedelta(days=7 * (weeks - 1 - week))
            target = 18 - 12 * week / max(weeks - 1, 1)
            for code, items in (("phq9", 9), ("gad7", 7)):
                scored = score(code, phq_like(rng, items, target * items / 9))
                rows.append(
                    MeasureResult(
                        participant=episode.participant,
                        episode=episode,
                        instrument=code,
                        instrument_version=scored.version,
                        answers=list(scored.answers),
                        total=scored.total,
                        subscales=scored.subscales,
                        band=scored.band_code or "",
                        flags=list(scored.flag_codes),
                        administered_on=day,
                        administered_at=now,
                        source="staff",
                        entered_by=clinician,
                    )
                )
        MeasureResult.objects.bulk_create(rows, batch_size=500)
        return len(rows)

    def check_ins(episode: Any, days: int) -> int:
        rows = [
            CheckIn(
                participant=episode.participant,
                episode=episode,
                local_date=today - dt.timedelta(days=d),
                mood=rng.randint(3, 9),
                craving=rng.randint(0, 8),
                sleep_hours=Decimal(rng.randint(40, 90)) / 10,
                used=rng.random() < 0.03,
                entered_by=clinician,
                submitted_at=now,
            )
            for d in range(days)
        ]
        for row in rows:
            if row.used:
                row.used_what = "alcohol"
        CheckIn.objects.bulk_create(rows, batch_size=500)
        return len(rows)

    def screens(episode: Any, weeks: int) -> int:
        made = DrugScreen.objects.bulk_create(
            DrugScreen(
                participant=episode.participant,
                episode=episode,
                collected_on=today - dt.timedelta(days=7 * w + 2),
                observed=w % 2 == 0,
                entered_by=clinician,
                entered_at=now,
            )
            for w in range(weeks)
        )
        panels = []
        for screen in made:
            for substance in ("buprenorphine", "cocaine", "fentanyl", "opiates", "alcohol"):
                positive = substance == "buprenorphine" or rng.random() < 0.02
                result = "positive" if positive else "negative"
                panels.append(
                    DrugScreenPanel(
                        screen=screen, substance=substance, result=result, expected=substance == "buprenorphine"
                    )
                )
        DrugScreenPanel.objects.bulk_create(panels, batch_size=500)
        return len(made)

    weeks = years * 52 + 1
    long = participant("Longhistory", today - dt.timedelta(days=7 * (weeks - 1)))
    for offset, code in ((200, "2.5"), (400, "2.1")):
        LevelOfCareChange.objects.create(
            episode=long,
            level_of_care=level(code),
            starts_on=long.admitted_on + dt.timedelta(days=offset),
            reason="Bench",
            changed_by=clinician,
            created_at=now,
        )
    short = participant("Shorthistory", today - dt.timedelta(days=35))
    counts = {
        "long_results": results(long, weeks),
        "long_check_ins": check_ins(long, 7 * (weeks - 1) + 1),
        "long_screens": screens(long, weeks),
        "short_results": results(short, 5),
        "short_check_ins": check_ins(short, 10),
        "short_screens": screens(short, 2),
    }
    return {"clinician": clinician, "long": long.participant_id, "short": short.participant_id, **counts}


def measure(client: Any, url: str, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up
    times: list[float] = []
    queries: list[int] = []
    sizes: set[int] = set()
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
        queries.append(len(captured.captured_queries))
        sizes.add(len(response.content))
    times.sort()
    return {
        "median": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "queries": max(queries),
        "queries_min": min(queries),
        "kb": max(sizes) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30, help="Requests per page (default 30).")
    parser.add_argument("--years", type=int, default=2, help="Years of history (default 2).")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pg-database", default=PG_NAME, help="Throwaway PostgreSQL database name.")
    args = parser.parse_args()
    database = open_in_this_process(args.pg_database)
    try:
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        call_command("migrate", verbosity=0)
        t0 = time.perf_counter()
        data = build(args.years, args.seed)
        built = time.perf_counter() - t0
        client = Client()
        client.force_login(data["clinician"])
        if connection.vendor == "postgresql":
            vendor = f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
        else:
            import sqlite3

            vendor = f"SQLite {sqlite3.sqlite_version}"
        print(f"Measures trend page benchmark: {vendor}, Python {platform.python_version()}, {os.cpu_count()} CPU(s)")
        print(
            f"Long history: {data['long_results']} results (weekly PHQ-9 and GAD-7 over {args.years} years), "
            f"{data['long_check_ins']} daily check-ins, {data['long_screens']} drug screens; built in {built:.1f} s"
        )
        print(f"Short history: {data['short_results']} results, {data['short_check_ins']} check-ins")
        print()
        header = f"{'participant':<13} {'period':<7} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'page KB':>8}"
        print(header)
        print("-" * len(header))
        problems = []
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for name in ("short", "long"):
            for period in ("all", "365", "90"):
                url = f"/measures/participant/{data[name]}/?period={period}"
                row = measure(client, url, args.repeat)
                rows[(name, period)] = row
                print(
                    f"{name:<13} {period:<7} {row['queries']:>7} {row['median']:>10.1f} {row['p95']:>8.1f} "
                    f"{row['kb']:>8.0f}"
                )
        for period in ("all", "365", "90"):
            short, long = rows[("short", period)], rows[("long", period)]
            if short["queries"] != long["queries"] or long["queries"] != long["queries_min"]:
                problems.append(f"period {period}: {short['queries']} queries (short) vs {long['queries']} (long)")
        print()
        if problems:
            print("FAILED: " + "; ".join(problems))
            raise SystemExit(1)
        print("OK: the trend page runs the same number of queries for 10 results and for two years of history.")
    finally:
        from django.db import connections

        connections.close_all()
        database.close()


if __name__ == "__main__":
    main()
