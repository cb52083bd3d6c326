"""The outcomes report and its CSV through URLs: the numbers of a small hand-built world, who may see it,
the audit rows, and the query-count guard."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cadence.accounts.models import User
from cadence.audit.models import AuditEntry
from cadence.testing.personas import NOW, World

from .helpers import D, director_b, many, result, small_world

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False):
        yield


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _figure(html: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert found is not None, name
    return found.group(1).strip()


def _section(html: str, measure: str) -> str:
    found = re.search(rf'<section class="card" aria-labelledby="measure-{measure}".*?</section>', html, re.S)
    assert found is not None, measure
    return _text(found.group(0))


def test_director_sees_the_small_worlds_outcomes(world: World, client_for: ClientFor) -> None:
    small_world(world)
    response = client_for(world.director).get("/outcomes/", {"program": world.iop_a.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert _figure(html, "episodes") == "3"  # Quill, Rook, Sable; not Tarn (before), Umber (active), Vale (site B)
    assert _figure(html, "completion") == "2 of 3"  # too few for a percentage
    assert _figure(html, "los") == "60 days"  # 51, 60, 62
    assert 'data-note="too-few"' in html
    phq = _section(html, "phq9")
    assert "3 episode(s) with a score at the start and a later one" in phq
    assert re.search(r"Reliable improvement 1 No reliable change 1 Reliable deterioration 1", phq)
    assert "1 of 2 who were cases at the start are no longer" in phq
    assert "1 also improved reliably" in phq
    gad = _section(html, "gad7")
    assert "1 episode(s) with a score at the start and a later one; 2 without (not enough data)" in gad
    text = _text(html)
    assert "Treatment completed (1) 2" in text and "Dropped out of treatment (2) 1" in text
    assert "Jacobson &amp; Truax (1991)" in html and "6 points or more" in text and "14 days before it" in text


def test_the_report_shows_percentages_from_ten_episodes(world: World, client_for: ClientFor) -> None:
    episodes = many(world, 10)
    for episode in episodes[:4]:  # four more: a drop of 6 from 20 on a later day
        result(episode, "phq9", 20, episode.admitted_on)
        result(episode, "phq9", 14, episode.discharged_on)
    html = client_for(world.director).get("/outcomes/").content.decode()
    assert 'data-note="too-few"' not in html
    phq = _section(html, "phq9")
    assert "10 episode(s)" in phq
    # The first four: 12..15 -> 14 (latest): no reliable change. The other six: 16..21 -> 10..15, a drop of 6.
    assert "Reliable improvement 6 60%" in phq
    assert "No reliable change 4 40%" in phq
    assert "Reliable deterioration 0 0%" in phq


def test_active_mode_includes_open_episodes(world: World, client_for: ClientFor) -> None:
    small_world(world)
    html = client_for(world.director).get("/outcomes/", {"mode": "active"}).content.decode()
    assert _figure(html, "episodes") == "4"  # and Umber, still active
    assert "4 episode(s) with a score at the start and a later one" in _section(html, "phq9")
    assert "Episodes active at any time in the period" in html


def test_the_period_can_be_chosen(world: World, client_for: ClientFor) -> None:
    small_world(world)
    client = client_for(world.director)
    html = client.get("/outcomes/", {"from": "2026-07-01", "to": "2026-08-31"}).content.decode()
    assert _figure(html, "episodes") == "1"  # Tarn only
    assert "Reliable improvement 1" in _section(html, "phq9")


def test_a_bad_date_is_shown_next_to_its_field_not_a_500(world: World, client_for: ClientFor) -> None:
    response = client_for(world.director).get("/outcomes/", {"from": "2026-02-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="outcomes-from-error"' in html and "is not a date" in html
    assert 'data-figure="episodes"' not in html
    response = client_for(world.director).get("/outcomes/", {"from": "2026-11-10", "to": "2026-11-01"})
    assert "is after the end" in response.content.decode()
    response = client_for(world.director).get("/outcomes/", {"to": "0001-01-05"})
    assert response.status_code == 200 and 'id="outcomes-to-error"' in response.content.decode()
    assert client_for(world.director).get("/outcomes/export.csv", {"to": "0001-01-05"}).status_code == 400


def test_a_page_view_is_audited_once_with_its_count(world: World, client_for: ClientFor) -> None:
    small_world(world)
    client = client_for(world.director)  # signing in writes its own entry
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    client.get("/outcomes/")
    entries = list(AuditEntry.objects.filter(pk__gt=last).order_by("id"))
    assert len(entries) == 1
    assert entries[0].action == "list" and entries[0].actor == world.director
    assert entries[0].summary.startswith("Program outcomes of Adult IOP") and "3 result(s)" in entries[0].summary


@pytest.mark.parametrize("who", ["frontdesk", "billing", "clinician_a"])
def test_roles_without_program_reports_are_refused(world: World, client_for: ClientFor, who: str) -> None:
    client = client_for(getattr(world, who))
    assert client.get("/outcomes/").status_code == 403
    assert client.get("/outcomes/export.csv").status_code == 403


def test_auditor_and_admin_may_read_the_report(world: World, client_for: ClientFor) -> None:
    small_world(world)
    for user in (world.auditor, world.admin):
        html = client_for(user).get("/outcomes/", {"program": world.iop_b.pk}).content.decode()
        assert _figure(html, "episodes") == "1"  # Vale


def test_director_of_another_site_sees_only_their_programs(world: World, client_for: ClientFor) -> None:
    small_world(world)
    other = director_b(world)
    client = client_for(other)
    html = client.get("/outcomes/").content.decode()
    assert "Lakeview · Adult IOP" in html and "Northside" not in html
    assert _figure(html, "episodes") == "1"  # Vale
    response = client.get("/outcomes/", {"program": world.iop_a.pk})
    assert response.status_code == 404
    denied = AuditEntry.objects.filter(actor=other, action="denied").get()
    assert (denied.object_type, denied.object_id) == ("programs.program", str(world.iop_a.pk))
    assert client.get("/outcomes/export.csv", {"program": world.iop_a.pk}).status_code == 404
    assert client.get("/outcomes/", {"program": "not-a-number"}).status_code == 404


def test_csv_has_record_numbers_no_names_and_is_audited_as_an_export(world: World, client_for: ClientFor) -> None:
    small = small_world(world)
    response = client_for(world.director).get("/outcomes/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    for name in ("Quill", "Rook", "Sable", "Alex"):
        assert name not in body
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 6  # three episodes x (PHQ-9, GAD-7)
    quill = next(r for r in rows if r["record_number"] == small.completed_improved.participant.record_number)
    assert quill["measure"] == "phq9"
    assert (quill["pre_on"], quill["pre"], quill["post"], quill["change"]) == ("2026-08-25", "18", "8", "-10")
    assert (quill["category"], quill["case_at_start"], quill["recovered"]) == ("reliable_improvement", "yes", "yes")
    assert (quill["teds_reason"], quill["length_of_stay_days"]) == ("1", "60")
    sable_gad = next(
        r
        for r in rows
        if r["record_number"] == small.completed_worse.participant.record_number and r["measure"] == "gad7"
    )
    assert sable_gad["category"] == "not_enough_data" and sable_gad["pre"] == ""
    entry = AuditEntry.objects.filter(actor=world.director, action="export").get()
    assert entry.object_type == "programs.program" and entry.object_id == str(world.iop_a.pk)
    assert entry.changes["rows"] == 6 and entry.changes["participants"] == 3


def test_csv_with_a_bad_date_is_a_400_naming_the_field(world: World, client_for: ClientFor) -> None:
    response = client_for(world.director).get("/outcomes/export.csv", {"to": "soon"})
    assert response.status_code == 400
    assert response.content.decode().startswith("to:")
    assert not AuditEntry.objects.filter(action="export").exists()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_report_reads_in_a_fixed_number_of_queries(world: World, client_for: ClientFor) -> None:
    client = client_for(world.director)
    many(world, 3)
    client.get("/outcomes/")  # warm the session
    few = _queries(client, "/outcomes/")
    few_csv = _queries(client, "/outcomes/export.csv")
    many(world, 25, start=3)
    assert _queries(client, "/outcomes/") == few
    assert _queries(client, "/outcomes/export.csv") == few_csv
    assert few <= 15  # session, user, MFA; programs, episodes, results (totals, BAM); the audit entry


def test_the_baseline_window_is_a_setting(world: World, client_for: ClientFor, settings: Any) -> None:
    small_world(world)
    settings.CADENCE_OUTCOME_BASELINE_DAYS_BEFORE = 5  # Quill's PHQ-9 of 18, 7 days before admission, is out
    html = client_for(world.director).get("/outcomes/").content.decode()
    phq = _section(html, "phq9")
    assert "Reliable improvement 0 No reliable change 2 Reliable deterioration 1" in phq  # 13 -> 8: 5 points
    assert "5 days before it" in _text(html)


def test_the_navigation_links_the_report_for_those_who_may_read_it(world: World, client_for: ClientFor) -> None:
    assert 'href="/outcomes/"' in client_for(world.director).get("/outcomes/").content.decode()
    assert 'href="/outcomes/"' not in client_for(world.frontdesk).get("/participants/").content.decode()


def test_a_director_without_programs_is_told_so(world: World, client_for: ClientFor) -> None:
    from cadence.accounts.models import Role
    from cadence.testing.factories import UserFactory

    lonely: User = UserFactory(username="director-none", role=Role.DIRECTOR, organization=world.site_a.organization)
    response = client_for(lonely).get("/outcomes/")
    assert response.status_code == 200
    assert "You have no program to report on." in response.content.decode()
    assert client_for(lonely).get("/outcomes/export.csv").status_code == 400


def test_a_participant_with_two_episodes_is_compared_within_each(world: World, client_for: ClientFor) -> None:
    small = small_world(world)
    participant = small.completed_improved.participant
    again = world.episode(
        participant=participant,
        referred_on=D(2026, 11, 5),
        admitted_on=D(2026, 11, 5),
        status="discharged",
        discharged_on=D(2026, 11, 19),
        discharge_reason=7,
    )
    result(again, "phq9", 11, D(2026, 11, 6))
    result(again, "phq9", 4, D(2026, 11, 18))
    rows = list(csv.DictReader(io.StringIO(client_for(world.director).get("/outcomes/export.csv").content.decode())))
    mine = {(r["episode"], r["measure"]): r for r in rows if r["record_number"] == participant.record_number}
    first, second = mine[(str(small.completed_improved.pk), "phq9")], mine[(str(again.pk), "phq9")]
    assert (first["pre"], first["post"]) == ("18", "8")  # the 8 of 28 Oct is the first episode's, not the second's
    assert (second["pre"], second["post"], second["category"]) == ("11", "4", "reliable_improvement")
