"""Safety benchmark: the escalation sweep, the open-events page, the dashboard card and the response report.

    .venv/bin/python bench/safety.py [--events 10000] [--open 500] [--repeat 10]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/safety.py

Runs in a fresh database (a temporary SQLite file, or a throwaway PostgreSQL database created and dropped
here, see bench/_db.py). It builds the test personas' organization (two sites, three programs), ``--events``
resolved crisis events over the last 30 days (acknowledged after 1 to 40 minutes) and ``--open``
unacknowledged high events raised 20 minutes ago, with an on-call clinician at the first site; then times
(median and 95th percentile after one warm-up request, SQL queries) the open-events page and the report
page as the director, the dashboard card function, and one escalation sweep over every due event.
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


def measure(events: int, open_events: int, repeat: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import datetime as dt
    import random
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    call_command("migrate", verbosity=0, stdout=StringIO())
    from cadence.safety.cards import crisis_card
    from cadence.safety.escalation import run_due_escalations
    from cadence.safety.models import CrisisEvent, EventStatus, OnCallShift
    from cadence.testing.factories import ParticipantFactory
    from cadence.testing.personas import build_world

    world = build_world()
    now = timezone.now()
    rng = random.Random(7)  # noqa: S311 (synthetic data)
    episodes = [
        world.episode(
            participant=ParticipantFactory(organization=world.site_a.organization),
            **(
                {}
                if i % 3
                else {"program": world.iop_b, "track": world.morning_b, "primary_clinician": world.clinician_b}
            ),
        )
        for i in range(200)
    ]
    rows = []
    for _ in range(events):
        episode = rng.choice(episodes)
        raised = now - dt.timedelta(days=rng.randint(1, 29), minutes=rng.randint(0, 1000))
        ack = raised + dt.timedelta(minutes=rng.randint(1, 40))
        rows.append(
            CrisisEvent(
                participant=episode.participant,
                episode=episode,
                severity="high",
                source="measure",
                summary="bench",
                status=EventStatus.RESOLVED,
                raised_at=raised,
                acknowledged_at=ack,
                acknowledged_by=world.clinician_a,
                assessed_at=ack,
                assessed_by=world.clinician_a,
                assessment="clinician",
                disposition="safety_plan_reviewed",
                resolved_at=ack + dt.timedelta(hours=1),
                resolved_by=world.clinician_a,
            )
        )
    for i in range(open_events):
        episode = episodes[i % len(episodes)]
        rows.append(
            CrisisEvent(
                participant=episode.participant,
                episode=episode,
                severity="high",
                source="participant",
                summary="bench",
                raised_at=now - dt.timedelta(minutes=20),
            )
        )
    CrisisEvent.objects.bulk_create(rows, batch_size=1000)
    OnCallShift.objects.create(
        site=world.site_a,
        staff=world.clinician_a,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=23),
        created_by=world.director,
        created_at=now,
    )
    world.director.sites.add(world.site_b)
    client = Client()
    client.force_login(world.director)
    figures: dict[str, Any] = {"events": events, "open": open_events}
    for name, url in (("open events page", "/safety/"), ("report page", "/safety/report/")):
        times, queries = [], 0
        client.get(url)  # warm-up: template loading and compilation are not what we measure
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(ctx.captured_queries)
        figures[name] = timing(times, queries)
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            card = crisis_card(world.director, now)
            times.append((time.perf_counter() - started) * 1000)
    assert card is not None
    figures["dashboard card"] = timing(times, len(ctx.captured_queries))
    started = time.perf_counter()
    steps = run_due_escalations(at=now)
    seconds = time.perf_counter() - started
    figures["escalation sweep"] = {
        "steps": steps,
        "seconds": round(seconds, 2),
        "steps_per_second": round(steps / seconds),
    }
    return figures


def timing(times: list[float], queries: int) -> dict[str, Any]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"median_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1), "queries": queries}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--open", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(MARK + json.dumps(measure(args.events, args.open, args.repeat)))
        return
    url = os.environ.get("DATABASE_URL") or None
    with Database(url, "cadence_safety_bench") as env:
        command = [sys.executable, __file__, "--child", "--events", str(args.events), "--open", str(args.open)]
        out = subprocess.run(
            [*command, "--repeat", str(args.repeat)], env=env, cwd=ROOT, capture_output=True, text=True
        )
    if out.returncode != 0:
        sys.stderr.write(out.stdout + out.stderr)
        raise SystemExit(out.returncode)
    figures = json.loads(next(line for line in out.stdout.splitlines() if line.startswith(MARK))[len(MARK) :])
    database = "PostgreSQL" if url else "SQLite"
    print(f"Safety benchmark on {database}, Python {platform.python_version()}, {platform.machine()}")
    print(f"{figures['events']} resolved events in the last 30 days, {figures['open']} open unacknowledged events")
    for name in ("open events page", "report page", "dashboard card"):
        f = figures[name]
        print(f"  {name:<18} median {f['median_ms']:>8} ms  p95 {f['p95_ms']:>8} ms  {f['queries']:>3} queries")
    sweep = figures["escalation sweep"]
    print(f"  escalation sweep   {sweep['steps']} steps in {sweep['seconds']} s ({sweep['steps_per_second']} steps/s)")


if __name__ == "__main__":
    main()
