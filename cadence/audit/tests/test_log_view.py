"""The audit log screen and its CSV export: who may see what, filters, bounded queries, the EXPORT entry."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.test import Client

from cadence.accounts.models import User
from cadence.audit.actions import record, verify_chain
from cadence.audit.models import AuditAction, AuditEntry
from cadence.audit.queries import CSV_COLUMNS
from cadence.participants.models import Participant
from cadence.testing.factories import ParticipantFactory
from cadence.testing.personas import NOW, World

ClientFor = Callable[[User], Client]


def viewed(user: User, participant: Participant, *, at: dt.datetime = NOW, summary: str = "Viewed") -> AuditEntry:
    return record(
        action=AuditAction.VIEW, actor=user, obj=participant, participant_id=participant.pk, summary=summary, at=at
    )


def ids_on_page(response: object) -> list[int]:
    return [entry.pk for entry, _number in response.context["rows"]]  # type: ignore[attr-defined]


def export_rows(response: object) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return list(csv.DictReader(io.StringIO(body)))


@pytest.fixture
def site_a_participant(world: World) -> Participant:
    return world.episode().participant


@pytest.fixture
def site_b_participant(world: World) -> Participant:
    return world.episode(program=world.iop_b, track=world.morning_b, primary_clinician=world.clinician_b).participant


# --- who may open it ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["auditor", "admin", "director"])
def test_roles_with_view_audit_open_the_log(world: World, client_for: ClientFor, role: str) -> None:
    response = client_for(getattr(world, role)).get("/audit/")
    assert response.status_code == 200
    assert b"Audit log" in response.content


@pytest.mark.parametrize("role", ["clinician_a", "frontdesk", "billing"])
def test_roles_without_view_audit_get_403(world: World, client_for: ClientFor, role: str) -> None:
    client = client_for(getattr(world, role))
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_anonymous_is_sent_to_login(db: None) -> None:
    response = Client().get("/audit/export.csv")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- what each role sees ---------------------------------------------------------------------------


def test_auditor_sees_the_organization_but_not_another_one(
    world: World, client_for: ClientFor, site_a_participant: Participant, site_b_participant: Participant
) -> None:
    about_a = viewed(world.clinician_a, site_a_participant)
    about_b = viewed(world.clinician_b, site_b_participant)
    login = record(action=AuditAction.LOGIN, actor=world.frontdesk, summary="Signed in")
    failed = record(action=AuditAction.LOGIN_FAILED, actor=None, actor_label="clinician", summary="Failed sign-in")
    elsewhere = ParticipantFactory(organization=world.outsider.organization)
    other_org = [
        record(action=AuditAction.LOGIN, actor=world.outsider, summary="Signed in"),
        viewed(world.outsider, elsewhere),
        record(action=AuditAction.LOGIN_FAILED, actor=None, actor_label="outsider", summary="Failed sign-in"),
    ]

    shown = ids_on_page(client_for(world.auditor).get("/audit/"))

    assert {about_a.pk, about_b.pk, login.pk, failed.pk} <= set(shown)
    assert not {e.pk for e in other_org} & set(shown)
    assert shown == sorted(shown, reverse=True)  # newest first


def test_director_sees_only_entries_about_participants_in_scope(
    world: World, client_for: ClientFor, site_a_participant: Participant, site_b_participant: Participant
) -> None:
    about_a = viewed(world.clinician_a, site_a_participant)
    about_b = viewed(world.clinician_b, site_b_participant)
    login = record(action=AuditAction.LOGIN, actor=world.director, summary="Signed in")

    shown = ids_on_page(client_for(world.director).get("/audit/"))

    assert about_a.pk in shown
    assert about_b.pk not in shown
    assert login.pk not in shown


# --- filters ---------------------------------------------------------------------------------------


def test_filter_by_record_number_or_id(
    world: World, client_for: ClientFor, site_a_participant: Participant, site_b_participant: Participant
) -> None:
    mine = viewed(world.clinician_a, site_a_participant)
    viewed(world.clinician_b, site_b_participant)
    client = client_for(world.auditor)

    by_number = ids_on_page(client.get("/audit/", {"participant": site_a_participant.record_number.lower()}))
    by_id = ids_on_page(client.get("/audit/", {"participant": str(site_a_participant.pk)}))

    assert by_number == by_id == [mine.pk]


def test_filter_by_staff_member_and_action(
    world: World, client_for: ClientFor, site_a_participant: Participant
) -> None:
    view = viewed(world.clinician_a, site_a_participant)
    record(action=AuditAction.LOGIN, actor=world.clinician_a, summary="Signed in")
    viewed(world.frontdesk, site_a_participant)

    response = client_for(world.auditor).get("/audit/", {"actor": world.clinician_a.pk, "action": "view"})

    assert ids_on_page(response) == [view.pk]


def test_filter_by_dates_uses_the_viewers_time_zone(
    world: World, client_for: ClientFor, site_a_participant: Participant
) -> None:
    # 03:00 UTC on 24 Nov is still 23 Nov (22:00) in New York, the director's site.
    late_evening = viewed(world.clinician_a, site_a_participant, at=dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC))
    next_day = viewed(world.clinician_a, site_a_participant, at=dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.UTC))
    earlier = viewed(world.clinician_a, site_a_participant, at=dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC))

    response = client_for(world.director).get("/audit/", {"date_from": "2026-11-21", "date_to": "2026-11-23"})

    assert response.context["zone"] == "America/New_York"
    assert ids_on_page(response) == [late_evening.pk]
    assert b"22:00:00" in response.content  # shown in the site's zone, and labelled
    assert b"When (America/New_York)" in response.content
    assert next_day.pk not in ids_on_page(response) and earlier.pk not in ids_on_page(response)


def test_auditor_without_a_site_sees_the_zone_of_the_organizations_first_site(
    world: World, client_for: ClientFor
) -> None:
    # Like every other page: no site of their own, so the organization's first site by name (Lakeview).
    response = client_for(world.auditor).get("/audit/")
    assert response.context["zone"] == "America/Chicago"
    assert b"When (America/Chicago)" in response.content


def test_end_before_start_is_a_field_error_and_lists_nothing(world: World, client_for: ClientFor) -> None:
    record(action=AuditAction.LOGIN, actor=world.clinician_a, summary="Signed in")
    response = client_for(world.auditor).get("/audit/", {"date_from": "2026-11-23", "date_to": "2026-11-01"})
    assert response.status_code == 200
    assert "date_to" in response.context["form"].errors
    assert ids_on_page(response) == []


# --- paging and query counts ----------------------------------------------------------------------


def test_log_pages_in_a_fixed_number_of_queries(
    world: World, client_for: ClientFor, settings: object, django_assert_num_queries: object
) -> None:
    settings.CADENCE_PAGE_SIZE = 10  # type: ignore[attr-defined]
    participants = [ParticipantFactory() for _ in range(3)]
    client = client_for(world.auditor)
    client.get("/audit/")  # warm the session

    def queries_for_page(page: int) -> None:
        # session, user, TOTP devices (middleware), count, page, record numbers, staff choices, and the
        # session save (savepoint, update, release) that renews the inactivity timeout; the time zone
        # comes from the session
        with django_assert_num_queries(10):  # type: ignore[operator]
            response = client.get("/audit/", {"page": page})
        assert response.status_code == 200

    for i in range(3):
        viewed(world.clinician_a, participants[i % 3])
    queries_for_page(1)
    for i in range(40):
        viewed(world.clinician_a, participants[i % 3])
    queries_for_page(1)
    queries_for_page(3)

    response = client.get("/audit/", {"page": 2})
    assert len(response.context["rows"]) == 10
    assert response.context["page"].paginator.count >= 43


# --- export ---------------------------------------------------------------------------------------


def test_export_streams_the_filtered_entries_with_every_column(
    world: World, client_for: ClientFor, site_a_participant: Participant
) -> None:
    wanted = [viewed(world.clinician_a, site_a_participant, summary=f"Viewed {n}") for n in range(3)]
    record(action=AuditAction.LOGIN, actor=world.clinician_a, summary="Signed in")

    response = client_for(world.auditor).get("/audit/export.csv", {"participant": site_a_participant.record_number})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    rows = export_rows(response)
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert [int(r["id"]) for r in rows] == [e.pk for e in reversed(wanted)]
    newest = rows[0]
    entry = wanted[-1]
    assert newest["actor"] == "clinician"
    assert newest["action"] == "view"
    assert newest["participant_id"] == str(site_a_participant.pk)
    assert newest["object_type"] == "participants.participant"
    assert newest["entry_hash"] == entry.entry_hash and newest["prev_hash"] == entry.prev_hash
    assert dt.datetime.fromisoformat(newest["at"]) == entry.at


def test_export_writes_an_export_entry_that_is_not_in_its_own_file(world: World, client_for: ClientFor) -> None:
    record(action=AuditAction.LOGIN, actor=world.clinician_a, summary="Signed in")

    filters = {"action": "login", "actor": world.clinician_a.pk}
    response = client_for(world.auditor).get("/audit/export.csv", filters)
    rows = export_rows(response)

    export = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert export.actor == world.auditor
    assert export.changes["filters"]["action"] == "login"
    assert export.changes["filters"]["actor_id"] == world.clinician_a.pk
    assert export.summary == "Exported 1 audit entries (CSV)"
    assert str(export.pk) not in {r["id"] for r in rows}
    assert verify_chain().ok


def test_export_neutralises_spreadsheet_formulas(world: World, client_for: ClientFor) -> None:
    record(action=AuditAction.LOGIN, actor=world.clinician_a, actor_label='=HYPERLINK("x")', summary="-2+3")
    filters = {"action": "login", "actor": world.clinician_a.pk}
    rows = export_rows(client_for(world.admin).get("/audit/export.csv", filters))
    assert rows[0]["actor"] == '\'=HYPERLINK("x")'
    assert rows[0]["summary"] == "'-2+3"


def test_unattributable_failed_sign_ins_stay_out_of_an_organizations_log(world: World, client_for: ClientFor) -> None:
    record(action=AuditAction.LOGIN_FAILED, actor=None, actor_label="nobody-here", summary="Failed sign-in")
    mine = record(action=AuditAction.LOGIN_FAILED, actor=None, actor_label="auditor", summary="Failed sign-in")
    rows = export_rows(client_for(world.admin).get("/audit/export.csv", {"action": "login_failed"}))
    assert [int(r["id"]) for r in rows] == [mine.pk]


def test_export_with_invalid_filter_is_400_and_writes_nothing(world: World, client_for: ClientFor) -> None:
    response = client_for(world.auditor).get("/audit/export.csv", {"date_from": "not-a-date"})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_director_export_holds_only_their_scope(
    world: World, client_for: ClientFor, site_a_participant: Participant, site_b_participant: Participant
) -> None:
    about_a = viewed(world.clinician_a, site_a_participant)
    viewed(world.clinician_b, site_b_participant)
    rows = export_rows(client_for(world.director).get("/audit/export.csv"))
    assert [int(r["id"]) for r in rows] == [about_a.pk]


# --- no edits anywhere -----------------------------------------------------------------------------


def test_the_app_has_no_way_to_change_an_entry(world: World, client_for: ClientFor) -> None:
    entry = record(action=AuditAction.LOGIN, actor=world.clinician_a, summary="Signed in")
    client = client_for(world.admin)
    assert client.post("/audit/", {"summary": "x"}).status_code == 405
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 200  # view-only page
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"summary": "x"}).status_code == 403
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    entry.refresh_from_db()
    assert entry.summary == "Signed in"
