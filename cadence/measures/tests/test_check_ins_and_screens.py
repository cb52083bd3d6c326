"""Daily check-ins (one per local day, ranges, craving alert) and drug screens (expected vs unexpected)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.measures import actions
from cadence.measures.models import Alert, CheckIn, DrugScreen, Source
from cadence.measures.rules import CheckInValues, MeasurementError, PanelEntry
from cadence.testing.personas import NOW, World

from .helpers import TODAY, check_in, person, portal_login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
ClientFor = Callable[[User], Client]


def test_participant_checks_in_once_a_day_on_the_portal(world: World) -> None:
    p = person(world).participant
    login = portal_login(p)

    row = actions.record_check_in(
        participant=p,
        values=CheckInValues(mood=7, craving=3, sleep_hours=Decimal("6.5"), used=True, used_what=" alcohol "),
        by=login,
        at=NOW,
    )

    assert (row.local_date, row.sleep_hours, row.used_what, row.source) == (TODAY, Decimal("6.5"), "alcohol", "portal")
    entry = AuditEntry.objects.get(object_type="measures.checkin")
    assert (entry.actor, entry.participant_id) == (login, p.pk)
    with pytest.raises(MeasurementError) as caught:
        check_in(p, login, source=Source.PORTAL)
    assert caught.value.field == "local_date"
    assert CheckIn.objects.count() == 1


def test_local_day_is_the_sites_day(world: World) -> None:
    p = person(world).participant
    late_evening = dt.datetime(2026, 11, 24, 3, 30, tzinfo=dt.UTC)  # 22:30 on the 23rd in New York

    row = actions.record_check_in(
        participant=p,
        values=CheckInValues(mood=5, craving=1, sleep_hours=Decimal(7), used=False),
        by=world.clinician_a,
        at=late_evening,
        source=Source.STAFF,
    )

    assert row.local_date == TODAY


def test_the_database_refuses_a_second_check_in_the_same_day(world: World) -> None:
    p = person(world).participant
    first = check_in(p, world.clinician_a)
    duplicate = CheckIn(
        participant=p,
        local_date=first.local_date,
        mood=1,
        craving=1,
        sleep_hours=1,
        used=False,
        entered_by=world.clinician_a,
        submitted_at=NOW,
        source="staff",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"mood": -1}, "mood"),
        ({"mood": 11}, "mood"),
        ({"craving": 11}, "craving"),
        ({"sleep_hours": Decimal("24.1")}, "sleep_hours"),
        ({"sleep_hours": Decimal("-0.1")}, "sleep_hours"),
        ({"sleep_hours": Decimal("6.25")}, "sleep_hours"),
        ({"used": False, "used_what": "cannabis"}, "used_what"),
    ],
)
def test_check_in_values_out_of_range_are_refused(world: World, values: dict[str, object], field: str) -> None:
    p = person(world).participant
    base: dict[str, object] = {"mood": 5, "craving": 5, "sleep_hours": Decimal(7), "used": False}

    with pytest.raises(MeasurementError) as caught:
        actions.record_check_in(
            participant=p,
            values=CheckInValues(**(base | values)),
            by=world.clinician_a,
            at=NOW,
            source=Source.STAFF,  # type: ignore[arg-type]
        )

    assert caught.value.field == field
    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize(("edge", "ok"), [(Decimal(0), True), (Decimal(24), True), (Decimal("23.9"), True)])
def test_sleep_hours_edges_are_accepted(world: World, edge: Decimal, ok: bool) -> None:
    p = person(world).participant
    assert check_in(p, world.clinician_a, sleep=str(edge)).sleep_hours == edge


def test_a_future_check_in_day_is_refused(world: World) -> None:
    p = person(world).participant
    with pytest.raises(MeasurementError, match="future"):
        check_in(p, world.clinician_a, day=TODAY + dt.timedelta(days=1))


@pytest.mark.parametrize(("first", "second", "alerts"), [(7, 8, 0), (8, 7, 0), (8, 8, 1), (10, 9, 1)])
def test_craving_alert_on_two_consecutive_check_ins(world: World, first: int, second: int, alerts: int) -> None:
    p = person(world).participant
    check_in(p, world.clinician_a, TODAY - dt.timedelta(days=3), craving=first)

    row = check_in(p, world.clinician_a, TODAY, craving=second)

    found = Alert.objects.filter(kind="high_craving")
    assert found.count() == alerts
    if alerts:
        assert (found.get().source_id, found.get().severity) == (row.pk, "moderate")


def test_a_run_of_high_craving_raises_one_alert(world: World) -> None:
    p = person(world).participant
    for days_ago in (3, 2, 1, 0):
        check_in(p, world.clinician_a, TODAY - dt.timedelta(days=days_ago), craving=9)
    assert Alert.objects.filter(kind="high_craving").count() == 1


# --- Drug screens --------------------------------------------------------------------------------


def screen(world: World, *panels: PanelEntry, day: dt.date = TODAY) -> DrugScreen:
    p = person(world).participant
    details = actions.ScreenDetails(collected_on=day, observed=True, panels=list(panels))
    return actions.record_drug_screen(participant=p, details=details, by=world.clinician_a, at=NOW)


def test_expected_positive_buprenorphine_raises_no_alert(world: World) -> None:
    row = screen(
        world,
        PanelEntry("buprenorphine", "positive", expected=True),
        PanelEntry("fentanyl", "negative"),
        PanelEntry("cocaine", "invalid"),
    )

    assert [(p.substance, p.result, p.expected) for p in row.panels.all()] == [
        ("buprenorphine", "positive", True),
        ("cocaine", "invalid", False),
        ("fentanyl", "negative", False),
    ]
    assert not Alert.objects.exists()
    entry = AuditEntry.objects.get(object_type="measures.drugscreen", action=AuditAction.CREATE)
    assert entry.changes["panels"]["buprenorphine"] == ["positive", "expected"]


def test_unexpected_positive_raises_an_alert(world: World) -> None:
    row = screen(world, PanelEntry("buprenorphine", "positive", expected=True), PanelEntry("fentanyl", "positive"))

    alert = Alert.objects.get()
    assert (alert.kind, alert.source_id, alert.severity) == ("unexpected_positive_screen", row.pk, "moderate")
    assert "Fentanyl" in alert.message and "Buprenorphine" not in alert.message


@pytest.mark.parametrize(
    ("panels", "field"),
    [
        ([], "panels"),
        ([PanelEntry("kryptonite", "positive")], "panels[0].substance"),
        ([PanelEntry("cocaine", "maybe")], "panels[0].result"),
        ([PanelEntry("cocaine", "negative"), PanelEntry("cocaine", "positive")], "panels[1].substance"),
    ],
)
def test_bad_screens_are_refused(world: World, panels: list[PanelEntry], field: str) -> None:
    with pytest.raises(MeasurementError) as caught:
        screen(world, *panels)
    assert caught.value.field == field
    assert not DrugScreen.objects.exists()


def test_screen_collected_in_the_future_is_refused(world: World) -> None:
    with pytest.raises(MeasurementError) as caught:
        screen(world, PanelEntry("cocaine", "negative"), day=TODAY + dt.timedelta(days=1))
    assert caught.value.field == "collected_on"


def test_staff_enter_a_drug_screen_in_the_form(world: World, client_for: ClientFor) -> None:
    p = person(world).participant
    url = f"/measures/participant/{p.pk}/drug-screens/new/"
    client = client_for(world.clinician_a)
    form = {
        "collected_on": "2026-11-23",
        "observed": "no",
        "result_buprenorphine": "positive",
        "expected_buprenorphine": "on",
        "result_cocaine": "positive",
        "result_fentanyl": "negative",
    }

    page = client.get(url).content.decode()
    nothing = client.post(url, {"collected_on": "2026-11-23", "observed": "yes"})
    future = client.post(url, form | {"collected_on": "2026-11-24"})
    saved = client.post(url, form)

    assert "Buprenorphine (BUP)" in page and "style=" not in page
    assert "Enter the result of at least one substance." in nothing.content.decode()
    assert "future" in future.context["form"].errors["collected_on"][0]
    assert saved.status_code == 302
    row = DrugScreen.objects.get()
    assert not row.observed
    assert {(x.substance, x.result, x.expected) for x in row.panels.all()} == {
        ("buprenorphine", "positive", True),
        ("cocaine", "positive", False),
        ("fentanyl", "negative", False),
    }
    assert "Cocaine" in Alert.objects.get().message
    assert client_for(world.auditor).get(url).status_code == 403
