"""Risk flags, crisis events and their workflow, the measures signal, and the on-call roster (actions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cadence.audit.models import AuditAction, AuditEntry
from cadence.measures import actions as measure_actions
from cadence.participants.models import Episode
from cadence.safety import actions
from cadence.safety.models import CrisisEvent, CrisisEventChange, EventStatus, OnCallShift, RiskFlag
from cadence.safety.rules import SafetyError
from cadence.testing.personas import NOW, World

pytestmark = pytest.mark.django_db
LATER = NOW + dt.timedelta(minutes=5)


def staff_event(world: World, episode: Episode, severity: str = "high") -> CrisisEvent:
    return actions.raise_crisis_event(
        participant=episode.participant,
        severity=severity,
        source="staff",
        summary="Said they have a plan",
        at=NOW,
        by=world.frontdesk,
    )


# --- Flags ---------------------------------------------------------------------------------------


def test_staff_raise_a_flag_and_a_clinician_clears_it_with_a_reason(world: World, episode_a: Episode) -> None:
    flag = actions.raise_risk_flag(
        participant=episode_a.participant,
        kind="overdose_risk",
        severity="high",
        note="Fentanyl use",
        by=world.frontdesk,
        at=NOW,
    )
    assert flag.source == "staff" and flag.is_active
    cleared = actions.clear_risk_flag(flag=flag, reason="Naloxone given; MOUD started", by=world.clinician_a, at=LATER)
    assert cleared.cleared_at == LATER and cleared.cleared_by == world.clinician_a
    entry = AuditEntry.objects.filter(object_type="safety.riskflag", action=AuditAction.UPDATE).get()
    assert entry.changes == {"cleared_reason": "Naloxone given; MOUD started"}


def test_a_flag_is_not_cleared_without_a_reason(world: World, episode_a: Episode) -> None:
    flag = actions.raise_risk_flag(
        participant=episode_a.participant, kind="relapse", severity="moderate", by=world.clinician_a, at=NOW
    )
    with pytest.raises(SafetyError) as err:
        actions.clear_risk_flag(flag=flag, reason="   ", by=world.clinician_a, at=LATER)
    assert err.value.field == "reason"
    flag.refresh_from_db()
    assert flag.cleared_at is None


def test_the_database_refuses_a_cleared_flag_without_a_reason(world: World, episode_a: Episode) -> None:
    from django.db import IntegrityError, transaction

    flag = actions.raise_risk_flag(
        participant=episode_a.participant, kind="relapse", severity="moderate", by=world.clinician_a, at=NOW
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskFlag.objects.filter(pk=flag.pk).update(cleared_at=LATER, cleared_by=world.clinician_a)


def test_front_desk_raises_flags_but_cannot_clear_them(world: World, episode_a: Episode) -> None:
    flag = actions.raise_risk_flag(
        participant=episode_a.participant, kind="violence", severity="high", by=world.frontdesk, at=NOW
    )
    with pytest.raises(SafetyError, match="clear risk flags"):
        actions.clear_risk_flag(flag=flag, reason="Calm now", by=world.frontdesk, at=LATER)
    with pytest.raises(SafetyError, match="raise risk flags"):
        actions.raise_risk_flag(
            participant=episode_a.participant, kind="other", severity="low", by=world.auditor, at=NOW
        )


def test_unknown_kind_is_refused(world: World, episode_a: Episode) -> None:
    with pytest.raises(SafetyError) as err:
        actions.raise_risk_flag(
            participant=episode_a.participant, kind="bad", severity="high", by=world.clinician_a, at=NOW
        )
    assert err.value.field == "kind"


# --- From measures -------------------------------------------------------------------------------


def phq9(item9: int) -> list[Any]:
    return [1, 1, 1, 1, 1, 1, 1, 1, item9]


def test_phq9_item9_raises_a_suicide_flag_and_a_high_crisis_event(world: World, episode_a: Episode) -> None:
    result = measure_actions.record_measure(
        participant=episode_a.participant,
        instrument="phq9",
        answers=phq9(2),
        administered_on=NOW.date(),
        by=world.clinician_a,
        at=NOW,
    )
    flag = RiskFlag.objects.get(participant=episode_a.participant)
    assert (flag.kind, flag.severity, flag.source, flag.origin_type) == (
        "suicide_risk",
        "high",
        "measure",
        "measures.alert",
    )
    event = CrisisEvent.objects.get(participant=episode_a.participant)
    assert (event.severity, event.source, event.status, event.episode) == ("high", "measure", "raised", episode_a)
    assert result.pk is not None


def test_phq9_without_item9_raises_nothing(world: World, episode_a: Episode) -> None:
    measure_actions.record_measure(
        participant=episode_a.participant,
        instrument="phq9",
        answers=phq9(0),
        administered_on=NOW.date(),
        by=world.clinician_a,
        at=NOW,
    )
    assert not RiskFlag.objects.exists() and not CrisisEvent.objects.exists()


def test_high_craving_on_check_ins_raises_a_relapse_flag_without_an_event(world: World, episode_a: Episode) -> None:
    from decimal import Decimal

    from cadence.measures.rules import CheckInValues

    for day in (2, 1):
        values = CheckInValues(mood=4, craving=9, sleep_hours=Decimal("6"), used=False, used_what="", note="")
        measure_actions.record_check_in(
            participant=episode_a.participant,
            values=values,
            by=world.clinician_a,
            at=NOW - dt.timedelta(days=day),
            local_date=(NOW - dt.timedelta(days=day)).date(),
            source="staff",
        )
    flag = RiskFlag.objects.get(participant=episode_a.participant)
    assert (flag.kind, flag.source, flag.severity) == ("relapse", "check_in", "moderate")
    assert not CrisisEvent.objects.exists()


# --- Crisis events -------------------------------------------------------------------------------


def test_the_workflow_goes_from_raised_to_resolved_with_timestamps(world: World, episode_a: Episode) -> None:
    event = staff_event(world, episode_a)
    t = [NOW + dt.timedelta(minutes=m) for m in (4, 30, 90)]
    actions.acknowledge_crisis_event(event=event, by=world.clinician_a, at=t[0])
    actions.assess_crisis_event(
        event=event,
        assessment="cssrs",
        disposition="same_day_appointment",
        notes="Low risk now",
        by=world.clinician_a,
        at=t[1],
    )
    event = actions.resolve_crisis_event(event=event, by=world.clinician_a, at=t[2])
    assert (event.status, event.acknowledged_at, event.assessed_at, event.resolved_at) == ("resolved", *t)
    assert event.disposition == "same_day_appointment" and event.assessment == "cssrs"
    steps = list(CrisisEventChange.objects.filter(event=event).values_list("to_status", flat=True))
    assert steps == ["raised", "acknowledged", "assessed", "resolved"]
    ack = AuditEntry.objects.filter(object_type="safety.crisisevent", summary="Crisis event acknowledged").get()
    assert ack.changes["minutes_to_acknowledge"] == 4.0


def test_steps_cannot_be_skipped(world: World, episode_a: Episode) -> None:
    event = staff_event(world, episode_a)
    with pytest.raises(SafetyError, match="Acknowledge the event"):
        actions.assess_crisis_event(
            event=event, assessment="clinician", disposition="988", by=world.clinician_a, at=LATER
        )
    with pytest.raises(SafetyError, match="Record the assessment"):
        actions.resolve_crisis_event(event=event, by=world.clinician_a, at=LATER)
    actions.acknowledge_crisis_event(event=event, by=world.clinician_a, at=LATER)
    with pytest.raises(SafetyError, match="already acknowledged"):
        actions.acknowledge_crisis_event(event=event, by=world.director, at=LATER)


def test_a_resolved_event_is_reopened_only_with_a_reason_and_an_audited_step(world: World, episode_a: Episode) -> None:
    event = staff_event(world, episode_a)
    actions.acknowledge_crisis_event(event=event, by=world.clinician_a, at=LATER)
    actions.assess_crisis_event(
        event=event, assessment="clinician", disposition="mobile_crisis", by=world.clinician_a, at=LATER
    )
    actions.resolve_crisis_event(event=event, by=world.clinician_a, at=LATER)
    with pytest.raises(SafetyError) as err:
        actions.reopen_crisis_event(event=event, reason="", by=world.clinician_a, at=LATER)
    assert err.value.field == "reason"
    event = actions.reopen_crisis_event(event=event, reason="Called back in distress", by=world.director, at=LATER)
    assert event.status == EventStatus.ACKNOWLEDGED and event.resolved_at is None
    change = CrisisEventChange.objects.filter(event=event).last()
    assert change is not None and (change.from_status, change.note) == ("resolved", "Called back in distress")
    assert AuditEntry.objects.filter(summary="Crisis event reopened", actor=world.director).exists()
    with pytest.raises(SafetyError, match="Only a resolved event"):
        actions.reopen_crisis_event(event=event, reason="again", by=world.director, at=LATER)


def test_only_responders_act_on_events(world: World, episode_a: Episode) -> None:
    event = staff_event(world, episode_a)
    for user in (world.frontdesk, world.auditor, world.billing):
        with pytest.raises(SafetyError, match="respond to crises"):
            actions.acknowledge_crisis_event(event=event, by=user, at=LATER)


def test_the_help_button_needs_the_participants_own_login_and_does_not_duplicate(
    world: World, episode_a: Episode, portal_user: Any
) -> None:
    participant = episode_a.participant
    with pytest.raises(SafetyError) as err:
        actions.raise_crisis_event(
            participant=participant, severity="high", source="participant", summary="help", at=NOW, by=world.clinician_a
        )
    assert err.value.field == "source"
    first = actions.raise_crisis_event(
        participant=participant, severity="high", source="participant", summary="help", at=NOW, by=portal_user
    )
    again = actions.raise_crisis_event(
        participant=participant, severity="high", source="participant", summary="help", at=LATER, by=portal_user
    )
    assert first == again and CrisisEvent.objects.count() == 1
    actions.acknowledge_crisis_event(event=first, by=world.clinician_a, at=LATER)
    third = actions.raise_crisis_event(
        participant=participant, severity="high", source="participant", summary="help", at=LATER, by=portal_user
    )
    assert third != first


def test_raising_notifies_the_primary_clinician_without_clinical_details(
    world: World, episode_a: Episode, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        event = staff_event(world, episode_a)
    note = event.notifications.get()
    assert note.recipient == world.clinician_a
    assert note.text == "A participant at Northside needs a response in Cadence."
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["clinician@example.org"]
    text = mail.subject + mail.body
    assert f"/safety/events/{event.pk}/" in mail.body
    for secret in ("plan", "Rivera", "Jordan", episode_a.participant.record_number, "suicid"):
        assert secret not in text


@pytest.mark.parametrize(("severity", "field"), [("extreme", "severity"), ("high", "summary")])
def test_bad_event_input_is_refused(world: World, episode_a: Episode, severity: str, field: str) -> None:
    summary = "x" if field == "severity" else "  "
    with pytest.raises(SafetyError) as err:
        actions.raise_crisis_event(
            participant=episode_a.participant,
            severity=severity,
            source="staff",
            summary=summary,
            at=NOW,
            by=world.clinician_a,
        )
    assert err.value.field == field
    assert not CrisisEvent.objects.exists()


# --- On-call -------------------------------------------------------------------------------------


def shift(world: World, who: Any, start_h: int, end_h: int, role: str = "primary") -> OnCallShift:
    return actions.add_on_call_shift(
        site=world.site_a,
        staff=who,
        role=role,
        starts_at=NOW + dt.timedelta(hours=start_h),
        ends_at=NOW + dt.timedelta(hours=end_h),
        by=world.director,
        at=NOW,
    )


def test_primary_shifts_of_a_site_do_not_overlap_but_backups_may(world: World) -> None:
    shift(world, world.clinician_a, 0, 12)
    with pytest.raises(SafetyError, match="already the primary"):
        shift(world, world.director, 11, 20)
    shift(world, world.director, 11, 20, role="backup")
    shift(world, world.director, 12, 20)  # touching is fine
    assert OnCallShift.objects.count() == 3


def test_only_directors_and_admins_manage_the_roster_and_only_responders_go_on_call(world: World) -> None:
    with pytest.raises(SafetyError, match="manage the on-call roster"):
        actions.add_on_call_shift(
            site=world.site_a, staff=world.clinician_a, starts_at=NOW, ends_at=LATER, by=world.clinician_a, at=NOW
        )
    with pytest.raises(SafetyError) as err:
        shift(world, world.frontdesk, 0, 4)
    assert err.value.field == "staff"
    with pytest.raises(SafetyError) as err:
        shift(world, world.clinician_a, 4, 4)
    assert err.value.field == "ends_at"


def test_ending_a_running_shift_shortens_it_and_a_future_one_is_cancelled(world: World) -> None:
    running = shift(world, world.clinician_a, -1, 5)
    future = shift(world, world.director, 6, 9)
    assert actions.end_on_call_shift(shift=running, by=world.director, at=NOW).ends_at == NOW
    assert actions.end_on_call_shift(shift=future, by=world.director, at=NOW).cancelled_at == NOW
    with pytest.raises(SafetyError, match="already over"):
        actions.end_on_call_shift(shift=future, by=world.director, at=NOW)
    shift(world, world.clinician_a, 6, 9)  # the cancelled shift no longer blocks the time


def test_the_on_call_picker_offers_exactly_the_staff_the_action_accepts(world: World) -> None:
    from cadence.safety.queries import on_call_candidates

    offered = set(on_call_candidates(world.site_a))
    assert {world.admin, world.director, world.clinician_a} <= offered
    assert world.frontdesk not in offered and world.billing not in offered and world.auditor not in offered
    for user in offered:  # every one offered can be put on call (no refusal for their role)
        actions.add_on_call_shift(
            site=world.site_a, staff=user, starts_at=LATER, ends_at=LATER + dt.timedelta(hours=1), by=world.director,
            at=NOW,
        )  # fmt: skip
        OnCallShift.objects.filter(staff=user).delete()
