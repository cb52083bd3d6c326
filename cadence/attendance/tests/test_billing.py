"""Authorizations and billable days with the database: units used from attendance, warnings, the board,
the billing page and its audited CSV export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cadence.accounts.models import User
from cadence.attendance import actions, billing
from cadence.attendance.models import Authorization, PayerRule
from cadence.attendance.queries import (
    auth_window,
    billing_report,
    billing_rules,
    participant_authorizations,
    service_days,
)
from cadence.attendance.rules import AttendanceError, Mark
from cadence.audit.models import AuditEntry
from cadence.participants.models import Episode, Payer
from cadence.testing.personas import NOW

from .conftest import LAST_MONDAY, MONDAY, Att

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
ClientFor = Callable[[User], Client]


@pytest.fixture
def payer(att: Att) -> Payer:
    return Payer.objects.create(organization=att.world.site_a.organization, name="Summit Health Plan")


@pytest.fixture
def insured(att: Att, payer: Payer) -> Episode:
    episode = att.episode()
    episode.participant.payer = payer
    episode.participant.save(update_fields=["payer"])
    return episode


def attend(att: Att, episode: Episode, day: dt.date, minutes: int, session_minutes: int = 180) -> None:
    session = att.booked(episode, day=day, minutes=session_minutes)
    mark = Mark("present", minutes=minutes, minutes_reason="test") if minutes != session_minutes else Mark("present")
    actions.mark_attendance(session=session, participant=episode.participant, mark=mark, by=att.world.director, at=NOW)


def authorize(att: Att, episode: Episode, payer: Payer, **kwargs: object) -> Authorization:
    values: dict[str, object] = {
        "payer": payer,
        "number": "SHP-1",
        "units_authorized": 10,
        "starts_on": dt.date(2026, 11, 1),
        "ends_on": dt.date(2026, 12, 1),
        "billing_code": "H0015",
    }
    values.update(kwargs)
    details = actions.AuthorizationDetails(**values)  # type: ignore[arg-type]
    return actions.create_authorization(participant=episode.participant, details=details, by=att.world.billing, at=NOW)


def test_the_default_payer_rules_are_seeded() -> None:
    rules = {(r.billing_code, r.revenue_code): r for r in PayerRule.objects.filter(payer__isnull=True)}
    assert set(rules) == {("H0015", "0906"), ("S9480", "0905"), ("", "0913"), ("", "0912")}
    assert all(r.min_minutes_per_day == 180 and r.units_per_day == 1 for r in rules.values())
    assert not any(r.requires_signed_note for r in rules.values())


def test_179_minutes_is_not_billable_180_is(att: Att, payer: Payer, insured: Episode) -> None:
    authorize(att, insured, payer)
    attend(att, insured, LAST_MONDAY, 179)
    attend(att, insured, LAST_MONDAY + dt.timedelta(days=1), 180)
    report = billing_report(att.world.billing, payer=payer, starts_on=LAST_MONDAY, ends_on=MONDAY, today=MONDAY)
    days = {d.day: d for d in report.days}
    short, ok = days[LAST_MONDAY], days[LAST_MONDAY + dt.timedelta(days=1)]
    assert short.reasons == ("too_few_minutes",) and short.units == 0
    assert ok.billable and ok.units == 1 and ok.rule is not None and ok.rule.billing_code == "H0015"
    assert report.units == 1


def test_minutes_of_two_sessions_add_up_and_uncounted_services_do_not(att: Att, payer: Payer, insured: Episode) -> None:
    authorize(att, insured, payer)
    attend(att, insured, LAST_MONDAY, 90, session_minutes=90)
    session = att.booked(insured, day=LAST_MONDAY, hour=11, minutes=90)
    actions.mark_attendance(
        session=session, participant=insured.participant, mark=Mark("present"), by=att.world.director, at=NOW
    )
    screen = att.booked(insured, day=LAST_MONDAY + dt.timedelta(days=1), minutes=175)
    actions.mark_attendance(
        session=screen, participant=insured.participant, mark=Mark("present"), by=att.world.director, at=NOW
    )
    screen2 = att.booked(insured, day=LAST_MONDAY + dt.timedelta(days=1), hour=13, minutes=15, service="drug-screen")
    actions.mark_attendance(
        session=screen2, participant=insured.participant, mark=Mark("present"), by=att.world.director, at=NOW
    )
    report = billing_report(att.world.billing, payer=payer, starts_on=LAST_MONDAY, ends_on=MONDAY, today=MONDAY)
    assert [(d.minutes, d.billable) for d in report.days] == [(180, True), (175, False)]


def test_a_day_outside_the_authorization_is_flagged(att: Att, payer: Payer, insured: Episode) -> None:
    authorize(att, insured, payer, starts_on=LAST_MONDAY + dt.timedelta(days=1))
    attend(att, insured, LAST_MONDAY, 180)
    report = billing_report(att.world.billing, payer=payer, starts_on=LAST_MONDAY, ends_on=MONDAY, today=MONDAY)
    assert report.days[0].reasons == ("outside_authorization",)


def test_units_used_are_computed_from_billable_days(att: Att, payer: Payer, insured: Episode) -> None:
    auth = authorize(att, insured, payer, units_authorized=3, review_on=MONDAY + dt.timedelta(days=2))
    for offset, minutes in ((0, 180), (1, 100), (3, 200)):
        attend(att, insured, LAST_MONDAY + dt.timedelta(days=offset), minutes, session_minutes=max(minutes, 180))
    (row,) = participant_authorizations(insured.participant, at=NOW)
    assert row.authorization == auth
    assert (row.units_used, row.units_left) == (2, 1)
    assert [w.kind.value for w in row.warnings] == ["low_units", "review_due"]


def test_units_from_the_covered_days_alone_equal_units_from_every_day(att: Att, payer: Payer, insured: Episode) -> None:
    """The authorization board reads only the days an authorization of the participant's payer covers
    (``service_days(within=...)``): the units used must equal the full computation over every day."""

    def nov(day: int) -> dt.date:
        return dt.date(2026, 11, day)

    one = authorize(att, insured, payer, units_authorized=1, ends_on=nov(18))
    other_plan = Payer.objects.create(organization=att.world.site_a.organization, name="Lakeshore Plan")
    foreign = authorize(att, insured, other_plan, number="LP-1", starts_on=nov(18))
    for day in (16, 17, 18, 19, 23):  # 16 charged, 17 exhausted, then only the other payer's authorization
        attend(att, insured, nov(day), 180)
    second = att.episode()
    second.participant.payer = payer
    second.participant.save(update_fields=["payer"])
    late = authorize(att, second, payer, number="SHP-2", starts_on=nov(19))
    for day in (16, 19, 23):  # 16 before the authorization
        attend(att, second, nov(day), 180)
    uninsured = att.episode()
    attend(att, uninsured, nov(16), 180)
    ids = [insured.participant_id, second.participant_id, uninsured.participant_id]
    windows = [auth_window(a) for a in Authorization.objects.filter(participant_id__in=ids)]
    rules = billing_rules()
    every_day = service_days(ids, starts_on=nov(1), ends_on=nov(30))
    covered = service_days(ids, starts_on=nov(1), ends_on=nov(30), within=windows)
    assert [(d.participant_id, d.day.day) for d in covered] == [
        (insured.participant_id, 16),
        (insured.participant_id, 17),
        (second.participant_id, 19),
        (second.participant_id, 23),
    ]
    assert len(every_day) == 9
    full = billing.units_used(billing.billable_days(every_day, rules=rules, authorizations=windows))
    assert billing.units_used_by_authorization(covered, rules=rules, authorizations=windows) == full
    assert full == {one.pk: 1, late.pk: 2} and foreign.pk not in full
    (row,) = participant_authorizations(second.participant, at=NOW)  # the board's path
    assert row.units_used == 2


def test_sessions_booked_after_the_authorization_are_warned(att: Att, payer: Payer, insured: Episode) -> None:
    authorize(att, insured, payer, ends_on=MONDAY + dt.timedelta(days=2))
    att.booked(insured, day=MONDAY + dt.timedelta(days=3))
    (row,) = participant_authorizations(insured.participant, at=NOW)
    assert [w.kind.value for w in row.warnings] == ["booked_outside"]


def test_authorization_rules_are_enforced(att: Att, payer: Payer, insured: Episode) -> None:
    authorize(att, insured, payer)
    with pytest.raises(AttendanceError, check=lambda e: e.field == "number"):
        authorize(att, insured, payer)  # the same number with the same payer
    with pytest.raises(AttendanceError, check=lambda e: e.field == "ends_on"):
        authorize(att, insured, payer, number="SHP-2", ends_on=dt.date(2026, 11, 1))
    other_org_payer = Payer.objects.create(organization=att.world.outsider.organization, name="Elsewhere")
    with pytest.raises(AttendanceError, check=lambda e: e.field == "payer"):
        authorize(att, insured, other_org_payer, number="E-1")


def test_authorization_pages(att: Att, payer: Payer, insured: Episode, client_for: ClientFor) -> None:
    client = client_for(att.world.billing)
    url = f"/attendance/participant/{insured.participant_id}/authorizations/new/"
    response = client.post(
        url,
        {
            "payer": payer.pk,
            "number": "SHP-77",
            "billing_code": "h0015",
            "unit": "days",
            "units_authorized": "12",
            "starts_on": "2026-11-01",
            "last_day": "2026-11-30",
            "review_on": "2026-11-24",
        },
    )
    assert response.status_code == 302
    auth = Authorization.objects.get()
    assert (auth.ends_on, auth.billing_code, auth.episode) == (dt.date(2026, 12, 1), "H0015", insured)
    board = client.get("/attendance/authorizations/")
    assert (
        board.status_code == 200
        and "SHP-77" in board.content.decode()
        and "review due" in board.content.decode().lower()
    )
    assert client_for(att.world.clinician_a).post(url, {}).status_code == 403
    response = client.post(f"/attendance/authorizations/{auth.pk}/void/", {"reason": "Entered twice"})
    assert response.status_code == 302
    auth.refresh_from_db()
    assert auth.is_void
    entries = AuditEntry.objects.filter(object_type="attendance.authorization", object_id=str(auth.pk))
    assert sorted(entries.values_list("action", flat=True)) == ["create", "update"]
    assert client_for(att.world.clinician_b).get(f"/attendance/authorizations/{auth.pk}/edit/").status_code == 404


def test_billing_page_and_csv_export_are_audited(
    att: Att, payer: Payer, insured: Episode, client_for: ClientFor
) -> None:
    authorize(att, insured, payer)
    attend(att, insured, LAST_MONDAY, 180)
    attend(att, insured, LAST_MONDAY + dt.timedelta(days=1), 179)
    client = client_for(att.world.billing)
    query = f"payer={payer.pk}&starts_on=2026-11-16&last_day=2026-11-22"
    page = client.get(f"/attendance/billing/?{query}")
    assert page.status_code == 200 and "179 of the 180 minutes required" in page.content.decode()
    response = client.get(f"/attendance/billing/export.csv?{query}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().strip().splitlines()
    assert lines[0].startswith("record_number,participant,member_id,service_date")
    assert len(lines) == 3
    assert ",H0015,0906,1,SHP-1,yes," in lines[1]
    assert lines[2].endswith(",no,179 of the 180 minutes required.,missing: hold the claim")
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == att.world.billing and entry.changes["rows"] == 2
    assert client_for(att.world.clinician_a).get(f"/attendance/billing/export.csv?{query}").status_code == 403


def test_future_booked_days_agree_for_few_and_many_participants(
    att: Att, insured: Episode, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cadence.attendance import queries

    other = att.episode()
    att.booked(insured, day=MONDAY + dt.timedelta(days=1))
    att.booked(other, day=MONDAY + dt.timedelta(days=3))
    att.booked(insured, day=LAST_MONDAY)  # in the past: not a future booking
    ids = [insured.participant_id]
    few = queries.future_booked_days(ids, at=NOW)
    monkeypatch.setattr(queries, "FEW_PARTICIPANTS", 0)
    many = queries.future_booked_days(ids, at=NOW)
    assert few == many == {insured.participant_id: [MONDAY + dt.timedelta(days=1)]}


def test_the_authorization_board_shows_a_page_at_a_time_most_urgent_first(
    att: Att, payer: Payer, client_for: ClientFor, settings: Any
) -> None:
    settings.CADENCE_ATTENDANCE_BOARD_PAGE_SIZE = 2
    for n, ends_on in enumerate((dt.date(2027, 3, 1), dt.date(2026, 12, 1), dt.date(2027, 2, 1))):
        episode = att.episode()
        episode.participant.payer = payer
        episode.participant.save(update_fields=["payer"])
        # SHP-1 ends soonest and its review is due: the most urgent, and the only one with a warning.
        review = dt.date(2026, 11, 20) if n == 1 else None
        authorize(att, episode, payer, number=f"SHP-{n}", ends_on=ends_on, review_on=review)
    client = client_for(att.world.billing)

    first = client.get("/attendance/authorizations/").content.decode()
    second = client.get("/attendance/authorizations/?page=2").content.decode()

    assert "3 live authorizations, 1 with a warning; most urgent first, 1–2 shown." in first
    assert "SHP-1" in first and "SHP-1" not in second
    assert sum(f"SHP-{n}" in first for n in range(3)) == 2 and sum(f"SHP-{n}" in second for n in range(3)) == 1
    assert "Page 1 of 2" in first and "Less urgent" in first and "More urgent" in second


# --- Part 2: a claim discloses SUD records, so it waits for a TPO consent -----------------------------


def test_claims_are_held_for_a_participant_without_a_tpo_consent_in_effect_today(
    att: Att, payer: Payer, insured: Episode
) -> None:
    from cadence.consents import actions as consent_actions
    from cadence.consents.tests.helpers import consent

    authorize(att, insured, payer)
    attend(att, insured, LAST_MONDAY, 180)
    participant = insured.participant

    def held(today: dt.date) -> bool:
        report = billing_report(att.world.billing, payer=payer, starts_on=LAST_MONDAY, ends_on=MONDAY, today=today)
        assert report.billable_days == 1  # the consent holds the claim; it does not change what qualifies
        return participant.pk in report.held

    assert held(MONDAY)  # no consent at all
    consent(att.world, participant, kind="specific")  # named recipients: not a consent to bill the payer
    assert held(MONDAY)
    tpo = consent(att.world, participant, signed_on=MONDAY)
    assert held(MONDAY - dt.timedelta(days=1))  # the day before it was signed
    assert not held(MONDAY)  # in effect from its signature day
    consent_actions.revoke_consent(
        consent=tpo,
        revoked_on=MONDAY + dt.timedelta(days=2),
        received="Letter handed in at the front desk",
        by=att.world.clinician_a,
        at=NOW,
        today=MONDAY + dt.timedelta(days=2),
    )
    assert not held(MONDAY + dt.timedelta(days=1))
    assert held(MONDAY + dt.timedelta(days=2))  # a revocation counts from the day it is received


def test_billing_page_csv_and_api_name_the_held_claims(
    att: Att, payer: Payer, insured: Episode, client_for: ClientFor
) -> None:
    from cadence.consents.tests.helpers import consent

    other = att.episode()
    other.participant.payer = payer
    other.participant.save(update_fields=["payer"])
    for episode in (insured, other):
        authorize(att, episode, payer, number=f"SHP-{episode.pk}")
        attend(att, episode, LAST_MONDAY, 180)
    consent(att.world, other.participant, signed_on=LAST_MONDAY)
    client = client_for(att.world.billing)
    query = f"payer={payer.pk}&starts_on=2026-11-16&last_day=2026-11-22"

    page = client.get(f"/attendance/billing/?{query}").content.decode()
    assert "Hold the claims of 1 participant: no Part 2 consent in effect today" in page
    assert f'href="/consents/{insured.participant.pk}/"' in page
    assert f'href="/consents/{other.participant.pk}/"' not in page
    assert page.count("Claim held: no Part 2 consent") == 1

    rows = client.get(f"/attendance/billing/export.csv?{query}").content.decode().strip().splitlines()[1:]
    by_record = {row.split(",")[0]: row.rsplit(",", 1)[1] for row in rows}
    assert by_record == {
        insured.participant.record_number: "missing: hold the claim",
        other.participant.record_number: "in effect",
    }

    api = client_for(att.world.billing).get(
        "/api/v1/attendance/billable-days",
        {"payer_id": payer.pk, "starts_on": "2026-11-16", "ends_on": "2026-11-23"},
    )
    assert api.status_code == 200, api.content
    body = api.json()
    assert body["held_participant_ids"] == [insured.participant.pk]
    assert {d["participant_id"]: d["part2_consent_in_effect"] for d in body["days"]} == {
        insured.participant.pk: False,
        other.participant.pk: True,
    }
