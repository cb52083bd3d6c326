"""The plan PDF (text read back with pypdf) and the dashboard card and chart panels."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client, override_settings
from pypdf import PdfReader

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.core.cards import Card, cards_for, chart_panels_for
from cadence.core.pdf import PART2_NOTICE
from cadence.participants.models import LevelOfCareChange
from cadence.plans import actions, views
from cadence.plans.cards import panel_goals, plan_goals_panel, plan_reviews_card
from cadence.plans.models import PlanRevision, TreatmentPlan
from cadence.testing.factories import level
from cadence.testing.personas import NOW, World

from .helpers import build_plan

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]
CARD = ["cadence.plans.cards.plan_reviews_card"]
PANELS = ["cadence.plans.cards.plan_link_panel", "cadence.plans.cards.plan_goals_panel"]


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_has_the_plan_signatures_and_the_part2_notice(world: World, client_for: ClientFor) -> None:
    plan = build_plan(world)
    actions.record_participant_signature(revision=plan.revisions.get(), method="paper", by=world.clinician_a, at=NOW)
    response = client_for(world.clinician_a).get(f"/plans/{plan.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    text = " ".join(pdf_text(response.content).split())
    assert "Individualized treatment plan" in text
    assert "I want to stay sober for my kids" in text and "Attend 3 groups a week" in text
    assert "Weekly hours prescribed: 4.5 h" in text
    assert "signed electronically by" in text and world.clinician_a.display_name in text
    assert "on paper, attested by staff" in text
    assert PART2_NOTICE in text
    entry = AuditEntry.objects.filter(actor=world.clinician_a).latest("pk")
    assert entry.action == AuditAction.EXPORT and entry.participant_id == plan.participant_id


def test_pdf_of_an_unsigned_plan_says_so(world: World, client_for: ClientFor) -> None:
    plan = build_plan(world, sign=False)
    text = " ".join(pdf_text(client_for(world.clinician_a).get(f"/plans/{plan.pk}/pdf/").content).split())
    assert "UNSIGNED DRAFT" in text


def test_pdf_of_an_older_revision(world: World, client_for: ClientFor) -> None:
    plan = build_plan(world)
    goal = plan.goals.get()
    actions.edit_goal(goal=goal, text="I want to be a present parent", by=world.clinician_a, at=NOW)
    actions.sign_as_clinician(plan=plan, by=world.clinician_a, at=NOW)
    client = client_for(world.clinician_a)
    old = " ".join(pdf_text(client.get(f"/plans/{plan.pk}/pdf/?revision=1").content).split())
    new = " ".join(pdf_text(client.get(f"/plans/{plan.pk}/pdf/").content).split())
    assert "I want to stay sober for my kids" in old and "Revision 1" in old
    assert "I want to be a present parent" in new and "Revision 2" in new


def test_pdf_of_a_revision_that_is_not_signed_or_does_not_exist_is_404_not_the_draft(
    world: World, client_for: ClientFor
) -> None:
    plan = build_plan(world)
    actions.edit_goal(goal=plan.goals.get(), text="I want to be a present parent", by=world.clinician_a, at=NOW)
    client = client_for(world.clinician_a)
    for wanted in ("2", "99", "x"):  # revision 2 is the unsigned draft
        assert client.get(f"/plans/{plan.pk}/pdf/?revision={wanted}").status_code == 404


def overdue_plan(world: World) -> TreatmentPlan:
    """A plan signed 40 days before NOW (review due 30 days later: overdue)."""
    return build_plan(world, at=NOW - dt.timedelta(days=40))


def test_reviews_card_lists_a_clinicians_own_overdue_plans(world: World) -> None:
    plan = overdue_plan(world)
    card = plan_reviews_card(world.clinician_a, NOW)
    assert card is not None and card.column == "side" and card.participant_rows == 1
    row = card.context["rows"][0]
    assert row.plan.pk == plan.pk and row.overdue and row.due.due_on == dt.date(2026, 11, 13)
    assert plan_reviews_card(world.clinician_b, NOW) is None  # other site
    assert plan_reviews_card(world.billing, NOW) is None  # no clinical record


def test_reviews_card_for_directors_covers_their_scope(world: World) -> None:
    other_clinician = world.episode(primary_clinician=world.director)
    overdue_plan(world)
    build_plan(world, episode=other_clinician, at=NOW - dt.timedelta(days=35))
    card = plan_reviews_card(world.director, NOW)
    assert card is not None and len(card.context["rows"]) == 2
    mine = plan_reviews_card(world.clinician_a, NOW)
    assert mine is not None and len(mine.context["rows"]) == 1


def test_recent_plan_is_not_listed_until_a_level_change(world: World) -> None:
    plan = build_plan(world, at=NOW - dt.timedelta(days=10))
    assert plan_reviews_card(world.clinician_a, NOW) is None
    LevelOfCareChange.objects.create(
        episode=plan.episode,
        level_of_care=level("2.5"),
        starts_on=dt.date(2026, 11, 20),
        reason="Step up",
        changed_by=world.clinician_a,
        created_at=NOW,
    )
    card = plan_reviews_card(world.clinician_a, NOW)
    assert card is not None
    row = card.context["rows"][0]
    assert row.due.reason == "level_change" and row.due.due_on == dt.date(2026, 11, 20) and row.overdue


def test_soon_due_review_is_listed_but_not_overdue(world: World) -> None:
    build_plan(world, at=NOW - dt.timedelta(days=25))
    card = plan_reviews_card(world.clinician_a, NOW)
    assert card is not None and not card.context["rows"][0].overdue and card.context["overdue"] == 0


@override_settings(CADENCE_DASHBOARD_CARDS=CARD)
def test_home_page_shows_the_card(world: World, client_for: ClientFor) -> None:
    plan = overdue_plan(world)
    assert [c.key for c in cards_for(world.clinician_a, NOW)] == ["plan-reviews"]
    page = client_for(world.clinician_a).get("/").content.decode()
    assert "Plan reviews due" in page and f'href="/plans/{plan.pk}/"' in page and "Overdue since 13 Nov" in page


@override_settings(CADENCE_CHART_PANELS=PANELS)
def test_chart_shows_the_link_and_the_goals(world: World, client_for: ClientFor) -> None:
    plan = build_plan(world)
    panels = chart_panels_for(world.clinician_a, plan.participant, NOW)
    assert [c.key for c in panels["links"]] == ["plan-link"] and [c.key for c in panels["main"]] == ["plan-goals"]
    page = client_for(world.clinician_a).get(f"/participants/{plan.participant_id}/").content.decode()
    assert f'href="/plans/participant/{plan.participant_id}/">Treatment plan</a>' in page
    assert "I want to stay sober for my kids" in page and "next review 23 Dec 2026" in page
    desk = client_for(world.frontdesk).get(f"/participants/{plan.participant_id}/").content.decode()
    assert "I want to stay sober" not in desk and "Treatment plan</a>" not in desk
    assert PlanRevision.objects.filter(plan=plan).count() == 1


def test_reviews_card_counts_days_in_each_sites_time_zone_at_midnight(world: World) -> None:
    """Signed 23 Nov (local) with a 30-day cycle: due 23 Dec, overdue from local midnight on 24 Dec."""
    new_york = build_plan(world)  # site A, America/New_York
    chicago = build_plan(
        world,
        episode=world.episode(program=world.iop_b, track=world.morning_b, primary_clinician=world.clinician_b),
        by=world.clinician_b,
    )  # site B, America/Chicago
    assert new_york.review_due_on == chicago.review_due_on == dt.date(2026, 12, 23)

    before_local_midnight = dt.datetime(2026, 12, 24, 3, 0, tzinfo=dt.UTC)  # 22:00 on 23 Dec in New York
    card = plan_reviews_card(world.clinician_a, before_local_midnight)
    assert card is not None and card.context["overdue"] == 0 and not card.context["rows"][0].overdue

    just_after = dt.datetime(2026, 12, 24, 5, 30, tzinfo=dt.UTC)  # 00:30 on 24 Dec in New York, 23:30 in Chicago
    card = plan_reviews_card(world.clinician_a, just_after)
    assert card is not None and card.context["overdue"] == 1 and card.context["rows"][0].overdue
    everyone = plan_reviews_card(world.admin, just_after)
    assert everyone is not None
    overdue = {row.plan.pk: row.overdue for row in everyone.context["rows"]}
    assert overdue == {new_york.pk: True, chicago.pk: False}


def test_reviews_card_due_soon_window_uses_the_sites_day(world: World) -> None:
    build_plan(world)  # due 23 Dec (New York)
    soon = dt.datetime(2026, 12, 16, 4, 0, tzinfo=dt.UTC)  # 23:00 on 15 Dec in New York: 8 days ahead
    assert plan_reviews_card(world.clinician_a, soon) is None
    card = plan_reviews_card(world.clinician_a, soon + dt.timedelta(hours=2))  # 01:00 on 16 Dec: 7 days
    assert card is not None and not card.context["rows"][0].overdue


def test_pdf_of_a_signed_revision_never_builds_the_live_plan(
    world: World, client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = build_plan(world)
    actions.edit_goal(goal=plan.goals.get(), text="I want to be a present parent", by=world.clinician_a, at=NOW)
    built: list[int] = []
    real = views.build_snapshot
    monkeypatch.setattr(views, "build_snapshot", lambda p: built.append(p.pk) or real(p))
    client = client_for(world.clinician_a)
    for url in (f"/plans/{plan.pk}/pdf/", f"/plans/{plan.pk}/pdf/?revision=1"):
        text = " ".join(pdf_text(client.get(url).content).split())
        assert "I want to stay sober for my kids" in text and "present parent" not in text
    assert built == []
    unsigned = build_plan(world, sign=False)
    text = " ".join(pdf_text(client.get(f"/plans/{unsigned.pk}/pdf/").content).split())
    assert "UNSIGNED DRAFT" in text and built == [unsigned.pk]  # the draft is what is printed


def goals_panel(world: World, plan: TreatmentPlan) -> Card:
    card = plan_goals_panel(world.clinician_a, plan.participant, NOW)
    assert card is not None
    return card


@override_settings(CADENCE_CHART_PANELS=PANELS)
def test_chart_panel_shows_the_signed_wording_and_notes_unsigned_changes(world: World, client_for: ClientFor) -> None:
    plan = build_plan(world)
    actions.edit_goal(goal=plan.goals.get(), text="I want to be a present parent", by=world.clinician_a, at=NOW)
    card = goals_panel(world, plan)
    assert [g.text for g in card.context["goals"]] == ["I want to stay sober for my kids"]
    assert card.context["unsigned_changes"] == 1
    page = client_for(world.clinician_a).get(f"/participants/{plan.participant_id}/").content.decode()
    assert "I want to stay sober for my kids" in page and "present parent" not in page
    assert "Revision 1 signed" in page and "1 change since revision 1 is not signed yet" in page

    actions.sign_as_clinician(plan=plan, by=world.clinician_a, at=NOW)
    card = goals_panel(world, plan)
    assert [g.text for g in card.context["goals"]] == ["I want to be a present parent"]
    assert card.context["unsigned_changes"] == 0
    page = client_for(world.clinician_a).get(f"/participants/{plan.participant_id}/").content.decode()
    assert "Revision 2 signed" in page and "not signed yet" not in page


def test_chart_panel_keeps_a_signed_objective_until_its_removal_is_signed(world: World) -> None:
    plan = build_plan(world)
    goal = plan.goals.get()
    objective = goal.objectives.get()
    actions.add_objective(
        goal=goal, text="Call my sponsor weekly", target_on=dt.date(2027, 1, 15), by=world.clinician_a, at=NOW
    )
    actions.remove_objective(objective=objective, by=world.clinician_a, at=NOW)
    card = goals_panel(world, plan)
    steps = card.context["goals"][0].objectives
    assert [(o.text, o.status, o.target_on) for o in steps] == [
        ("Attend 3 groups a week", "Not started", dt.date(2026, 12, 1))
    ]
    assert card.context["unsigned_changes"] == 2
    actions.sign_as_clinician(plan=plan, by=world.clinician_a, at=NOW)
    steps = goals_panel(world, plan).context["goals"][0].objectives
    assert [o.text for o in steps] == ["Call my sponsor weekly"]


@override_settings(CADENCE_CHART_PANELS=PANELS)
def test_chart_panel_of_a_plan_never_signed_marks_its_goals_as_draft(world: World, client_for: ClientFor) -> None:
    plan = build_plan(world, sign=False)
    removed = actions.add_goal(problem=plan.problems.get(), text="Sleep better", by=world.clinician_a, at=NOW)
    actions.remove_goal(goal=removed, by=world.clinician_a, at=NOW)
    card = goals_panel(world, plan)
    assert card.context["current"] is None and [g.text for g in card.context["goals"]] == [
        "I want to stay sober for my kids"
    ]
    page = client_for(world.clinician_a).get(f"/participants/{plan.participant_id}/").content.decode()
    assert "Not signed yet" in page and "Draft goals, not a signed plan" in page and "Revision 1 signed" not in page


def test_panel_goals_lists_a_snapshots_goals_in_number_order_with_status_labels() -> None:
    snapshot = {
        "problems": [
            {"goals": [{"number": 3, "text": "Third", "objectives": []}]},
            {
                "goals": [
                    {
                        "number": 1,
                        "text": "First",
                        "objectives": [{"text": "Walk daily", "status": "in_progress", "target_on": "2027-01-31"}],
                    }
                ]
            },
        ]
    }
    goals = panel_goals(snapshot)
    assert [(g.number, g.text) for g in goals] == [(1, "First"), (3, "Third")]
    assert goals[0].objectives[0].status == "In progress" and goals[0].objectives[0].target_on == dt.date(2027, 1, 31)
    assert panel_goals({}) == []
