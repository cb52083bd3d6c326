"""/api/v1/attendance: the same scope checks (404 out of scope) and errors with field and reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from cadence.accounts.models import User
from cadence.attendance.models import Attendance, Authorization
from cadence.audit.models import AuditEntry
from cadence.participants.models import Payer

from .conftest import LAST_MONDAY, MONDAY, Att

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
ApiFor = Callable[[User], Client]
BASE = "/api/v1/attendance"


def test_read_and_mark_a_roster(att: Att, api_for: ApiFor) -> None:
    episode = att.episode()
    session = att.booked(episode)
    api = api_for(att.world.clinician_a)
    roster = api.get(f"{BASE}/sessions/{session.pk}/roster").json()
    assert roster["minutes"] == 180
    assert [(r["participant_id"], r["booked"], r["attendance"]) for r in roster["rows"]] == [
        (episode.participant_id, True, None)
    ]
    response = api.post(
        f"{BASE}/sessions/{session.pk}/marks",
        {"participant_id": episode.participant_id, "status": "present", "late_minutes": 10},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response.json()["minutes"], response.json()["late_minutes"]) == (170, 10)
    assert AuditEntry.objects.filter(object_type="attendance.attendance", action="create").exists()


def test_mark_errors_name_the_field(att: Att, api_for: ApiFor) -> None:
    episode, walk_in = att.episode(), att.episode()
    session = att.booked(episode, minutes=90)
    api = api_for(att.world.clinician_a)

    def post(body: dict[str, object]) -> tuple[int, list[dict[str, str]]]:
        response = api.post(f"{BASE}/sessions/{session.pk}/marks", body, content_type="application/json")
        return response.status_code, response.json()["detail"]

    status, detail = post(
        {"participant_id": episode.participant_id, "status": "present", "minutes": 91, "minutes_reason": "x"}
    )
    assert status == 400 and detail[0]["field"] == "minutes" and "cannot exceed" in detail[0]["reason"]
    status, detail = post(
        {"participant_id": episode.participant_id, "status": "present", "late_minutes": 50, "left_early_minutes": 41}
    )
    assert status == 400 and detail[0]["field"] == "late_minutes"
    status, detail = post({"participant_id": walk_in.participant_id, "status": "present"})
    assert status == 400 and detail[0]["field"] == "add_reason"
    status, detail = post({"participant_id": episode.participant_id, "status": "asleep"})
    assert status == 422 and detail[0]["field"] == "status"
    future = att.booked(episode, hour=11)
    response = api.post(
        f"{BASE}/sessions/{future.pk}/marks",
        {"participant_id": episode.participant_id, "status": "present"},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["detail"][0]["field"] == "session"
    assert not Attendance.objects.exists()


def test_other_sites_clinician_gets_404_everywhere(att: Att, api_for: ApiFor) -> None:
    episode = att.episode()
    session = att.booked(episode)
    api = api_for(att.world.clinician_b)
    assert api.get(f"{BASE}/sessions/{session.pk}/roster").status_code == 404
    response = api.post(
        f"{BASE}/sessions/{session.pk}/marks",
        {"participant_id": episode.participant_id, "status": "present"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert response.json() == {"detail": [{"field": "id", "reason": "Not found."}]}
    assert api.get(f"{BASE}/participants/{episode.participant_id}/ledger").status_code == 404
    assert api.get(f"{BASE}/board?program_id={att.world.iop_a.pk}").status_code == 404
    assert api.get(f"{BASE}/participants/{episode.participant_id}/outreach").status_code == 404
    assert AuditEntry.objects.filter(action="denied", actor=att.world.clinician_b).count() == 5
    assert not Attendance.objects.exists()


def test_ledger_per_participant_and_week(att: Att, api_for: ApiFor) -> None:
    episode = att.episode()
    api = api_for(att.world.clinician_a)
    for offset in (0, 1, 3):
        session = att.booked(episode, day=LAST_MONDAY + dt.timedelta(days=offset))
        api.post(
            f"{BASE}/sessions/{session.pk}/marks",
            {"participant_id": episode.participant_id, "status": "present"},
            content_type="application/json",
        )
    body = api.get(f"{BASE}/participants/{episode.participant_id}/ledger?weeks=2").json()
    assert body["week_starts_on"] == 0
    last, this = body["weeks"]
    assert (last["week_start"], last["minutes"], last["days"], last["status"]) == ("2026-11-16", 540, 3, "on_track")
    assert last["minutes_by_service"] == {"process-group": 540}
    assert this["status"] == "at_risk"
    one = api.get(f"{BASE}/participants/{episode.participant_id}/ledger?week=2026-11-18&weeks=1").json()
    assert [w["week_start"] for w in one["weeks"]] == ["2026-11-16"]


def test_board(att: Att, api_for: ApiFor) -> None:
    on_track, at_risk = att.episode(), att.episode()
    for offset in (0, 1, 3):
        att.booked(on_track, day=MONDAY + dt.timedelta(days=offset))
    body = api_for(att.world.director).get(f"{BASE}/board?program_id={att.world.iop_a.pk}").json()
    assert body["week_start"] == "2026-11-23"
    assert [r["participant_id"] for r in body["rows"]] == [at_risk.participant_id, on_track.participant_id]
    assert [r["this_week"]["status"] for r in body["rows"]] == ["at_risk", "on_track"]


def test_authorizations_crud(att: Att, api_for: ApiFor) -> None:
    episode = att.episode()
    payer = Payer.objects.create(organization=att.world.site_a.organization, name="Summit Health Plan")
    api = api_for(att.world.billing)
    body = {
        "participant_id": episode.participant_id,
        "payer_id": payer.pk,
        "number": "SHP-9",
        "level_of_care": "2.1",
        "billing_code": "H0015",
        "units_authorized": 20,
        "starts_on": "2026-11-01",
        "ends_on": "2026-12-01",
        "review_on": "2026-11-25",
    }
    response = api.post(f"{BASE}/authorizations", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["units_used"], created["units_left"], created["level_of_care"]) == (0, 20, "2.1")
    assert [w["kind"] for w in created["warnings"]] == ["review_due"]
    pk = created["id"]
    duplicate = api.post(f"{BASE}/authorizations", body, content_type="application/json")
    assert duplicate.status_code == 400 and duplicate.json()["detail"][0]["field"] == "number"
    bad = api.post(
        f"{BASE}/authorizations", body | {"number": "X", "ends_on": "2026-11-01"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["detail"][0]["field"] == "ends_on"
    patched = api.patch(f"{BASE}/authorizations/{pk}", {"units_authorized": 2}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["units_authorized"] == 2
    assert [w["kind"] for w in patched.json()["warnings"]] == ["low_units", "review_due"]
    typed = api.patch(f"{BASE}/authorizations/{pk}", {"units_used": 1}, content_type="application/json")
    assert typed.status_code == 200 and typed.json()["units_used"] == 0  # computed, never typed in
    listed = api.get(f"{BASE}/authorizations?participant_id={episode.participant_id}").json()
    assert [a["id"] for a in listed] == [pk]
    assert api.get(f"{BASE}/authorizations").json()[0]["id"] == pk
    assert api_for(att.world.clinician_b).get(f"{BASE}/authorizations/{pk}").status_code == 404
    assert api_for(att.world.clinician_a).delete(f"{BASE}/authorizations/{pk}").status_code == 403
    deleted = api.delete(f"{BASE}/authorizations/{pk}?reason=Withdrawn")
    assert deleted.status_code == 200 and deleted.json()["voided"] is True
    assert Authorization.objects.get(pk=pk).void_reason == "Withdrawn"
    again = api.delete(f"{BASE}/authorizations/{pk}")
    assert again.status_code == 400 and again.json()["detail"][0]["field"] == "authorization"


def test_billable_days(att: Att, api_for: ApiFor) -> None:
    episode = att.episode()
    payer = Payer.objects.create(organization=att.world.site_a.organization, name="Summit Health Plan")
    episode.participant.payer = payer
    episode.participant.save(update_fields=["payer"])
    api = api_for(att.world.director)
    for offset, minutes in ((0, 180), (1, 179)):
        session = att.booked(episode, day=LAST_MONDAY + dt.timedelta(days=offset), minutes=minutes)
        api.post(
            f"{BASE}/sessions/{session.pk}/marks",
            {"participant_id": episode.participant_id, "status": "present"},
            content_type="application/json",
        )
    billing = api_for(att.world.billing)
    body = billing.get(f"{BASE}/billable-days?payer_id={payer.pk}&starts_on=2026-11-16&ends_on=2026-11-23").json()
    assert [(d["day"], d["minutes"], d["reasons"]) for d in body["days"]] == [
        ("2026-11-16", 180, ["outside_authorization"]),
        ("2026-11-17", 179, ["too_few_minutes", "outside_authorization"]),
    ]
    bad = billing.get(f"{BASE}/billable-days?payer_id={payer.pk}&starts_on=2026-11-16&ends_on=2026-11-16")
    assert bad.status_code == 400 and bad.json()["detail"][0]["field"] == "ends_on"
    assert (
        api_for(att.world.clinician_a)
        .get(f"{BASE}/billable-days?payer_id={payer.pk}&starts_on=2026-11-16&ends_on=2026-11-23")
        .status_code
        == 403
    )
