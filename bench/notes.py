"""Clinical notes benchmark: opening and saving a group note, paging a chart's notes.

    .venv/bin/python bench/notes.py [--repeat 30] [--notes 500]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/notes.py

Runs in a fresh database: a temporary SQLite file, or, when DATABASE_URL points at PostgreSQL, a throwaway
database (``cadence_bench_notes`` by default) that this script creates and drops. It builds a 2-member and a
15-member group session with attendance and their group notes, and one participant with ``--notes``
progress notes (plus one with 10); then, as the clinician who wrote them (django.test.Client), it opens
each group note page, saves one member's section with htmx, and opens the first and last page of each
chart, ``--repeat`` times, printing the median and 95th percentile time and the SQL queries per request.
It fails when the bigger group or the longer chart needs more queries than the small one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _db import open_in_this_process  # noqa: E402  (the throwaway database of every benchmark)

PG_NAME = "cadence_bench_notes"


def build(notes: int) -> dict[str, Any]:
    """The staff, two group notes (2 and 15 members) and two charts (10 and ``notes`` progress notes)."""
    from django.utils import timezone

    from cadence.accounts.models import Role
    from cadence.attendance.models import Attendance
    from cadence.notes import actions
    from cadence.notes.models import ProgressNote
    from cadence.scheduling.models import Booking, ServiceType, Session
    from cadence.testing.factories import (
        EpisodeFactory,
        OrganizationFactory,
        ParticipantFactory,
        ProgramFactory,
        RoomFactory,
        SiteFactory,
        TrackFactory,
        UserFactory,
    )

    now = timezone.now()
    org = OrganizationFactory()
    site = SiteFactory(organization=org, name="Bench site", time_zone="America/New_York")
    program = ProgramFactory(site=site, name="Adult IOP", code="iop")
    track = TrackFactory(program=program, name="Morning")
    room = RoomFactory(site=site, name="Bench room", capacity=20)
    clinician = UserFactory(username="bench-clinician", role=Role.CLINICIAN, organization=org)
    clinician.sites.set([site])
    clinician.programs.set([program])
    group_service = ServiceType.objects.get(code="process-group")
    individual = ServiceType.objects.get(code="individual")

    def episode(last: str) -> Any:
        person = ParticipantFactory(legal_last_name=last, organization=org)
        return EpisodeFactory(participant=person, program=program, track=track, primary_clinician=clinician)

    def session(service: Any, starts: dt.datetime, minutes: int) -> Any:
        return Session(
            program=program,
            service_type=service,
            occurs_on=starts.astimezone(site.zone).date(),
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=minutes),
            room=room,
            facilitator=clinician,
            capacity=15,
            created_at=now,
            created_by=clinician,
        )

    def attend(rows: list[tuple[Any, Any]]) -> None:
        bookings = Booking.objects.bulk_create(
            Booking(session=s, episode=e, participant_id=e.participant_id, created_at=now, created_by=clinician)
            for s, e in rows
        )
        Attendance.objects.bulk_create(
            Attendance(
                session=b.session,
                participant_id=b.participant_id,
                episode=b.episode,
                booking=b,
                occurs_on=b.session.occurs_on,
                status="present",
                session_minutes=b.session.minutes,
                minutes=b.session.minutes,
                created_at=now,
                created_by=clinician,
                updated_at=now,
                updated_by=clinician,
            )
            for b in bookings
        )

    groups = {}
    for size in (2, 15):
        members = [episode(f"Member{size}x{i}") for i in range(size)]
        group = session(group_service, now - dt.timedelta(hours=3 + size), 90)
        group.save()
        attend([(group, m) for m in members])
        note = actions.start_group_note(session=group, by=clinician, at=now)
        groups[size] = (note.pk, note.members.order_by("pk").first().pk)

    charts = {}
    for count in (10, notes):
        person = episode(f"Chart{count}")
        sessions = Session.objects.bulk_create(
            session(individual, now - dt.timedelta(days=1 + i, hours=2), 60) for i in range(count)
        )
        attend([(s, person) for s in sessions])
        ProgressNote.objects.bulk_create(
            ProgressNote(
                session=s,
                participant_id=person.participant_id,
                author=clinician,
                format="dap",
                sections={"data": "d", "assessment": "a", "plan": "p"},
                status="signed",
                signed_at=now,
                created_at=now,
                updated_at=now,
            )
            for s in sessions
        )
        charts[count] = person.participant_id
    return {"clinician": clinician, "groups": groups, "charts": charts}


def measure(client: Any, method: str, url: str, repeat: int, data: dict[str, str] | None = None) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def call() -> Any:
        if method == "get":
            return client.get(url)
        return client.post(url, data or {}, headers={"HX-Request": "true"})

    call()  # warm up
    times: list[float] = []
    queries: list[int] = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = call()
            times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(captured.captured_queries))
    times.sort()
    return {
        "median": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "queries": max(queries),
        "queries_min": min(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30, help="Requests per measurement (default 30).")
    parser.add_argument("--notes", type=int, default=500, help="Notes in the long chart (default 500).")
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
        data = build(args.notes)
        built = time.perf_counter() - t0
        client = Client()
        client.force_login(data["clinician"])
        if connection.vendor == "postgresql":
            vendor = f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
        else:
            import sqlite3

            vendor = f"SQLite {sqlite3.sqlite_version}"
        print(f"Clinical notes benchmark: {vendor}, Python {platform.python_version()}, {os.cpu_count()} CPU(s)")
        print(f"Group notes of 2 and 15 members; charts of 10 and {args.notes} notes; built in {built:.1f} s")
        print()
        header = f"{'request':<34} {'queries':>7} {'median ms':>10} {'p95 ms':>8}"
        print(header)
        print("-" * len(header))
        rows: dict[str, dict[str, Any]] = {}

        def show(name: str, row: dict[str, Any]) -> None:
            rows[name] = row
            print(f"{name:<34} {row['queries']:>7} {row['median']:>10.1f} {row['p95']:>8.1f}")

        for size, (note_id, member_id) in data["groups"].items():
            show(f"open group note, {size} members", measure(client, "get", f"/notes/group/{note_id}/", args.repeat))
            form = {f"m{member_id}-participation": "Engaged.", f"m{member_id}-response": "Practised the skill."}
            url = f"/notes/group/{note_id}/members/{member_id}/"
            show(f"save a section, {size} members", measure(client, "post", url, args.repeat, form))
        size = max(data["charts"])
        for count, participant_id in data["charts"].items():
            url = f"/notes/participant/{participant_id}/"
            show(f"chart page 1, {count} notes", measure(client, "get", url, args.repeat))
            last = (count + 49) // 50
            if last > 1:
                show(f"chart page {last}, {count} notes", measure(client, "get", f"{url}?page={last}", args.repeat))
        problems = []
        for small, big in (
            ("open group note, 2 members", "open group note, 15 members"),
            ("save a section, 2 members", "save a section, 15 members"),
            ("chart page 1, 10 notes", f"chart page 1, {size} notes"),
            ("chart page 1, 10 notes", f"chart page {(size + 49) // 50}, {size} notes"),
        ):
            if rows[big]["queries"] > rows[small]["queries"]:
                problems.append(f"{big}: {rows[big]['queries']} queries vs {rows[small]['queries']} ({small})")
        print()
        if problems:
            print("FAILED: " + "; ".join(problems))
            raise SystemExit(1)
        print("OK: query counts do not grow with the number of members or notes.")
    finally:
        from django.db import connections

        connections.close_all()
        database.close()


if __name__ == "__main__":
    main()
