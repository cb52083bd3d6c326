"""Recording a measure: scored and saved with its answers and version, audited, alerts raised in the same
transaction; bad input refused with the field and reason, nothing saved."""

from __future__ import annotations

import datetime as dt

import pytest

from cadence.audit.models import AuditAction, AuditEntry
from cadence.measures import actions
from cadence.measures.models import Alert, MeasureResult, Source
from cadence.measures.rules import MeasurementError
from cadence.participants.models import EpisodeStatus
from cadence.testing.personas import NOW, World

from .helpers import CSSRS_NONE, TODAY, gad7, person, phq9, portal_login, record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def test_staff_result_keeps_answers_score_version_and_who(world: World) -> None:
    episode = person(world)

    row = record(episode.participant, world.clinician_a, answers=phq9(12), language="es")

    row.refresh_from_db()
    assert row.answers == [3, 3, 3, 3, 0, 0, 0, 0, 0]
    assert (row.total, row.band, row.flags) == (12, "moderate", [])
    assert (row.instrument, row.instrument_version, row.language) == ("phq9", "1.0", "es")
    assert (row.source, row.entered_by, row.episode) == (Source.STAFF, world.clinician_a, episode)
    assert row.administered_on == TODAY and row.administered_at == NOW
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="measures.measureresult")
    assert entry.participant_id == episode.participant_id
    assert entry.actor == world.clinician_a
    assert entry.changes["total"] == 12


def test_bam_keeps_subscales_and_no_total(world: World) -> None:
    episode = person(world)
    answers = [2, 1, 1, 0, 0, 0, None, None, None, None, None, None, None, 1, 3, 2, 1, 3, 2, True, 1, 2, 0]

    row = record(episode.participant, world.clinician_a, instrument="bam", answers=answers)

    assert row.total is None
    assert row.subscales == {"use": 0, "risk": 7, "protective": 16}


def test_auditc_takes_the_sex_on_file_for_its_cut(world: World) -> None:
    episode = person(world, sex="female")

    row = record(episode.participant, world.clinician_a, instrument="auditc", answers=[1, 1, 1])

    assert (row.total, row.band, row.sex) == (3, "positive", "female")


@pytest.mark.parametrize(
    ("instrument", "answers", "field", "reason"),
    [
        ("phq9", [0, 0, 0, 4, 0, 0, 0, 0, 0], "answers[3]", "not an allowed answer"),
        ("phq9", [0, 0, None, 0, 0, 0, 0, 0, 0], "answers[2]", "unanswered"),
        ("phq9", gad7(3), "answers", "needs 9 answers"),
        ("phq9", [0, 0, True, 0, 0, 0, 0, 0, 0], "answers[2]", "whole number"),
        ("cssrs", [False, False, True, None, None, False, None], "answers[2]", "skipped"),
        ("nope", [0], "instrument", "unknown instrument"),
        ("auditc", [1, 1, 1], "sex", "give sex"),
    ],
)
def test_bad_answers_are_refused_with_field_and_reason_and_nothing_saved(
    world: World, instrument: str, answers: list[object], field: str, reason: str
) -> None:
    episode = person(world)

    with pytest.raises(MeasurementError) as caught:
        record(episode.participant, world.clinician_a, instrument=instrument, answers=answers)  # type: ignore[arg-type]

    assert caught.value.field == field
    assert reason in caught.value.reason.lower()
    assert MeasureResult.objects.count() == 0
    assert not AuditEntry.objects.filter(action=AuditAction.CREATE).exists()


def test_every_problem_is_reported(world: World) -> None:
    episode = person(world)

    with pytest.raises(MeasurementError) as caught:
        record(episode.participant, world.clinician_a, answers=[None, 9, 0, 0, 0, 0, 0, 0, None])

    assert [p.field for p in caught.value.problems] == ["answers[0]", "answers[1]", "answers[8]"]


def test_a_date_in_the_future_at_the_site_is_refused(world: World) -> None:
    episode = person(world)

    with pytest.raises(MeasurementError) as caught:
        record(episode.participant, world.clinician_a, day=TODAY + dt.timedelta(days=1))

    assert caught.value.field == "administered_on"
    assert "future" in caught.value.reason
    assert MeasureResult.objects.count() == 0


def test_portal_results_must_come_from_the_participants_own_login(world: World) -> None:
    mine = person(world, "Mine")
    other = person(world, "Other")
    login = portal_login(other.participant)

    with pytest.raises(MeasurementError, match="own portal login"):
        record(mine.participant, login, source=Source.PORTAL)
    with pytest.raises(MeasurementError, match="staff member"):
        record(mine.participant, login, source=Source.STAFF)
    assert record(other.participant, login, source=Source.PORTAL).entered_by == login


def test_result_belongs_to_the_episode_covering_its_day(world: World) -> None:
    old = person(
        world,
        status=EpisodeStatus.DISCHARGED,
        admitted_on=dt.date(2026, 3, 2),
        referred_on=dt.date(2026, 3, 1),
        discharged_on=dt.date(2026, 5, 1),
        discharge_reason=1,
        program=world.php_a,
        track=world.php_day_a,
    )
    current = world.episode(participant=old.participant)

    assert record(old.participant, world.clinician_a, day=dt.date(2026, 4, 1)).episode == old
    assert record(old.participant, world.clinician_a, day=TODAY).episode == current


# --- Alerts raised by results --------------------------------------------------------------------


@pytest.mark.parametrize(("item9", "alerts"), [(0, 0), (1, 1)])
def test_phq9_item9_alert_at_its_edge(world: World, item9: int, alerts: int) -> None:
    episode = person(world)

    row = record(episode.participant, world.clinician_a, answers=phq9(item9, item9=item9))

    assert Alert.objects.filter(kind="phq9_item9").count() == alerts
    if alerts:
        alert = Alert.objects.get()
        assert (alert.participant, alert.episode, alert.severity) == (episode.participant, episode, "high")
        assert (alert.source_type, alert.source_id, alert.status) == ("measures.measureresult", row.pk, "open")
        entry = AuditEntry.objects.get(object_type="measures.alert")
        assert entry.actor is None and entry.actor_label == "Cadence (automatic)"


@pytest.mark.parametrize(
    ("answers", "severity"),
    [
        (CSSRS_NONE, None),
        ([True, False, None, None, None, False, None], None),  # low
        ([True, True, True, False, False, False, None], "high"),  # moderate
        ([False, False, None, None, None, True, False], "high"),  # moderate (lifetime behaviour)
        ([True, True, False, True, False, False, None], "critical"),  # high
        ([False, False, None, None, None, True, True], "critical"),  # high (past 3 months)
    ],
)
def test_cssrs_alert_at_moderate_or_high(world: World, answers: list[object], severity: str | None) -> None:
    episode = person(world)

    record(episode.participant, world.clinician_a, instrument="cssrs", answers=answers)  # type: ignore[arg-type]

    assert list(Alert.objects.values_list("severity", flat=True)) == ([severity] if severity else [])


@pytest.mark.parametrize(("latest", "raised"), [(13, False), (14, True)])
def test_reliable_deterioration_against_the_first_result_of_the_episode(
    world: World, latest: int, raised: bool
) -> None:
    episode = person(world)
    p = episode.participant
    record(p, world.clinician_a, answers=phq9(8), day=dt.date(2026, 10, 6))
    record(p, world.clinician_a, answers=phq9(10), day=dt.date(2026, 10, 13))

    record(p, world.clinician_a, answers=phq9(latest), day=dt.date(2026, 10, 20))

    alerts = Alert.objects.filter(kind="reliable_deterioration")
    assert alerts.count() == int(raised)
    if raised:
        assert "8 -> 14" in alerts.get().message


def test_deterioration_is_not_raised_again_while_it_lasts_and_gad7_uses_four_points(world: World) -> None:
    p = person(world).participant
    for day, total in [(6, 2), (13, 6), (20, 7), (27, 1)]:
        record(p, world.clinician_a, instrument="gad7", answers=gad7(total), day=dt.date(2026, 10, day))

    assert Alert.objects.filter(kind="reliable_deterioration").count() == 1


def test_raise_alert_is_once_per_source_and_callable_by_other_apps(world: World) -> None:
    p = person(world).participant
    row = record(p, world.clinician_a)

    first = actions.raise_alert(
        participant=p, kind="other", severity="high", message="Crisis call", at=NOW, source=row, by=world.director
    )
    again = actions.raise_alert(participant=p, kind="other", severity="high", message="Again", at=NOW, source=row)

    assert first == again
    assert first.raised_by == world.director
    assert Alert.objects.count() == 1
    with pytest.raises(MeasurementError) as caught:
        actions.raise_alert(participant=p, kind="nope", severity="high", message="x", at=NOW)
    assert caught.value.field == "kind"


def test_a_new_alert_is_signalled_once_to_listening_apps(world: World) -> None:
    from cadence.measures.signals import alert_raised

    heard: list[tuple[int, dt.datetime]] = []

    def listener(sender: object, alert: Alert, at: dt.datetime, **kwargs: object) -> None:
        heard.append((alert.pk, at))

    alert_raised.connect(listener)
    try:
        p = person(world).participant
        row = record(p, world.clinician_a)
        first = actions.raise_alert(participant=p, kind="other", severity="high", message="Call", at=NOW, source=row)
        actions.raise_alert(participant=p, kind="other", severity="high", message="Again", at=NOW, source=row)
    finally:
        alert_raised.disconnect(listener)

    assert heard == [(first.pk, NOW)]
