"""Build next week -> progress -> summary -> publish / discard, and the re-plan diff, through URLs."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from cadence.accounts.models import User
from cadence.audit.models import AuditEntry
from cadence.scheduling import plans
from cadence.scheduling.models import Booking, Closure, PlanStatus, SchedulePlan, Session, StaffTimeOff
from cadence.scheduling.tests.conftest import NEXT_MONDAY, Sched
from cadence.testing.personas import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "immediate_tasks")]
ClientFor = Callable[[User], Client]
HTMX = {"HX-Request": "true"}


def build_url(sched: Sched) -> str:
    return reverse("scheduling:build", args=[sched.world.iop_a.pk])


def test_build_next_week_runs_in_the_background_and_shows_the_summary(sched: Sched, client_for: ClientFor) -> None:
    episodes = [sched.episode() for _ in range(4)]
    client = client_for(sched.world.director)
    response = client.post(build_url(sched), {"week": f"{NEXT_MONDAY:%Y-%m-%d}", "time_limit": 5})
    plan = SchedulePlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("scheduling:plan", args=[plan.pk])
    assert plan.status == PlanStatus.DRAFT  # the immediate backend ran the task
    assert Session.objects.filter(occurs_on__gte=NEXT_MONDAY).count() == 6  # generated from the template first
    page = client.get(reverse("scheduling:plan", args=[plan.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "4 / 4" in html and "participants reach their weekly hours" in html
    assert episodes[0].participant.display_name in html
    assert "Publish this plan" in html
    assert 'hx-trigger="every 2s"' not in html  # finished: no more polling
    assert not Booking.objects.exists()


def test_a_plan_that_is_still_building_polls_its_status(sched: Sched, client_for: ClientFor) -> None:
    plan = plans.request_build(program=sched.world.iop_a, week_start=NEXT_MONDAY, by=sched.world.director, at=NOW)
    client = client_for(sched.world.director)
    page = client.get(reverse("scheduling:plan", args=[plan.pk]))
    html = page.content.decode()
    assert 'hx-trigger="every 2s"' in html and "<progress" in html
    partial = client.get(reverse("scheduling:plan", args=[plan.pk]), headers=HTMX)
    assert "<html" not in partial.content.decode() and 'id="plan-body"' in partial.content.decode()
    plans.run_build(plan_id=plan.pk, at=NOW)
    done = client.get(reverse("scheduling:plan", args=[plan.pk]), headers=HTMX).content.decode()
    assert "every 2s" not in done and "Hours per participant" in done


def test_publish_and_discard_through_the_page(sched: Sched, client_for: ClientFor) -> None:
    [sched.episode() for _ in range(3)]
    client = client_for(sched.world.director)
    client.post(build_url(sched), {"week": f"{NEXT_MONDAY:%Y-%m-%d}", "time_limit": 5})
    plan = SchedulePlan.objects.get()
    response = client.post(reverse("scheduling:publish", args=[plan.pk]))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED
    assert Booking.objects.filter(status="booked").count() == 3 * 6 + 3
    # A second plan for the week can be discarded without touching anything.
    client.post(build_url(sched), {"week": f"{NEXT_MONDAY:%Y-%m-%d}", "time_limit": 5})
    second = SchedulePlan.objects.exclude(pk=plan.pk).get()
    before = Booking.objects.filter(status="booked").count()
    assert client.post(reverse("scheduling:discard", args=[second.pk])).status_code == 302
    second.refresh_from_db()
    assert second.status == PlanStatus.DISCARDED
    assert Booking.objects.filter(status="booked").count() == before


def test_clinicians_and_front_desk_cannot_build_or_publish(sched: Sched, client_for: ClientFor) -> None:
    for user in (sched.world.clinician_a, sched.world.frontdesk):
        response = client_for(user).post(build_url(sched), {"week": f"{NEXT_MONDAY:%Y-%m-%d}"})
        assert response.status_code == 403
    assert not SchedulePlan.objects.exists()
    plan = plans.request_build(program=sched.world.iop_a, week_start=NEXT_MONDAY, by=sched.world.director, at=NOW)
    plans.run_build(plan_id=plan.pk, at=NOW)
    assert client_for(sched.world.clinician_a).post(reverse("scheduling:publish", args=[plan.pk])).status_code == 403


def test_plan_of_another_site_is_404(sched: Sched, client_for: ClientFor) -> None:
    plan = plans.request_build(program=sched.world.iop_a, week_start=NEXT_MONDAY, by=sched.world.director, at=NOW)
    assert client_for(sched.world.clinician_b).get(reverse("scheduling:plan", args=[plan.pk])).status_code == 404
    assert client_for(sched.world.clinician_b).post(reverse("scheduling:publish", args=[plan.pk])).status_code == 404


def test_refused_build_comes_back_as_a_message(sched: Sched, client_for: ClientFor) -> None:
    client = client_for(sched.world.director)
    response = client.post(build_url(sched), {"week": "2026-11-09"}, follow=True)
    assert "That week is over" in response.content.decode()


def test_call_out_then_replan_shows_exactly_who_moves(sched: Sched, client_for: ClientFor) -> None:
    theirs = sched.episode(primary_clinician=sched.counselor)
    mine = [sched.episode() for _ in range(3)]
    first = plans.start_build(
        program=sched.world.iop_a, week_start=NEXT_MONDAY, by=sched.world.director, at=NOW, time_limit=5
    )
    plans.publish_plan(plan=first, by=sched.world.director, at=NOW)
    client = client_for(sched.world.director)
    response = client.post(
        reverse("scheduling:time_off", args=[sched.counselor.pk]),
        {"starts_at": "2026-11-30T00:00", "ends_at": "2026-12-07T00:00", "reason": "Called out"},
    )
    assert response.status_code == 200
    assert StaffTimeOff.objects.filter(staff=sched.counselor).exists()
    assert "Re-plan Adult IOP, week of 30 Nov" in response.content.decode()
    client.post(build_url(sched), {"week": f"{NEXT_MONDAY:%Y-%m-%d}", "replan": "1", "time_limit": 5})
    replan = SchedulePlan.objects.get(is_replan=True)
    html = client.get(reverse("scheduling:plan", args=[replan.pk])).content.decode()
    assert "Who is moved (1)" in html
    assert theirs.participant.display_name in html
    section = html.split("Who is moved", 1)[1].split("</section>", 1)[0]
    assert all(e.participant.display_name not in section for e in mine)
    assert "Confirm and publish these moves" in html
    assert client.post(reverse("scheduling:publish", args=[replan.pk])).status_code == 302
    replan.refresh_from_db()
    assert replan.status == PlanStatus.PUBLISHED


def test_templates_closures_and_one_off_pages(sched: Sched, client_for: ClientFor) -> None:
    client = client_for(sched.world.director)
    program = sched.world.iop_a
    page = client.get(reverse("scheduling:templates", args=[program.pk]))
    assert page.status_code == 200 and "Morning week" in page.content.decode()
    prefix = f"t{sched.template.pk}"
    refused = client.post(
        reverse("scheduling:add_slot", args=[sched.template.pk]),
        {
            f"{prefix}-weekday": 0,
            f"{prefix}-starts_at": "10:00",
            f"{prefix}-ends_at": "11:00",
            f"{prefix}-service_type": sched.service("mindfulness").pk,
            f"{prefix}-room": sched.second_room.pk,
        },
    )
    assert refused.status_code == 400 and "must not overlap" in refused.content.decode()
    closed = client.post(
        reverse("scheduling:closures", args=[program.pk]), {"date": "2026-11-26", "reason": "Thanksgiving"}
    )
    assert closed.status_code == 302
    assert Closure.objects.get().program == program
    added = client.post(
        reverse("scheduling:one_off", args=[program.pk]),
        {
            "service_type": sched.service("family-education").pk,
            "date": "2026-12-02",
            "starts_at": "18:00",
            "ends_at": "19:30",
            "room": sched.group_room.pk,
            "capacity": 10,
        },
    )
    assert added.status_code == 302
    assert Session.objects.filter(service_type__code="family-education", capacity=10).exists()
    assert (
        client_for(sched.world.frontdesk)
        .post(reverse("scheduling:closures", args=[program.pk]), {"date": "2026-12-24", "reason": "x"})
        .status_code
        == 403
    )


def test_generate_button_is_idempotent(sched: Sched, client_for: ClientFor) -> None:
    client = client_for(sched.world.director)
    url = reverse("scheduling:generate", args=[sched.world.iop_a.pk])
    client.post(url, {"week": f"{NEXT_MONDAY:%Y-%m-%d}"})
    client.post(url, {"week": f"{NEXT_MONDAY:%Y-%m-%d}"})
    assert Session.objects.count() == 6
    assert AuditEntry.objects.filter(summary__startswith="Generated 6 session(s)").count() == 1
    assert AuditEntry.objects.filter(summary__startswith="Generated 0 session(s)").count() == 1
