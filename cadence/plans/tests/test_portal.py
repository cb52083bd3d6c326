"""The participant's own treatment plan at /me/plan/: plain words, English and Spanish, only their own,
the "Sign my plan" step (POST + CSRF), and every read audited under the participant's login."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client

from cadence.accounts.models import Role, User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.participants.models import Participant
from cadence.plans import actions
from cadence.plans.models import Goal, PlanRevision, PlanStatus, RevisionStatus, TreatmentPlan
from cadence.plans.portal_display import plan_view
from cadence.testing.factories import ParticipantFactory, UserFactory
from cadence.testing.personas import NOW, World

from .helpers import build_plan

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]
LATER = NOW + dt.timedelta(minutes=5)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def portal_login(participant: Participant) -> User:
    user: User = UserFactory(
        username=f"p-{participant.pk}", role=Role.PARTICIPANT, organization=participant.organization
    )
    participant.portal_user = user
    participant.save(update_fields=["portal_user"])
    return user


def plan_of(world: World, *, language: str = "en", sign: bool = True) -> TreatmentPlan:
    participant = ParticipantFactory(organization=world.site_a.organization, language=language)
    return build_plan(world, episode=world.episode(participant=participant), sign=sign)


def last_entry(user: User) -> AuditEntry:
    entry = AuditEntry.objects.filter(actor=user).order_by("-pk").first()
    assert entry is not None
    return entry


def test_participant_reads_their_signed_plan_in_plain_words(world: World, client_for: ClientFor) -> None:
    plan = plan_of(world)
    actions.record_participant_signature(
        revision=plan.revisions.get(), method="paper", by=world.clinician_a, at=NOW
    )  # nothing left to sign
    login = portal_login(plan.participant)
    response = client_for(login).get("/me/plan/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "My treatment plan" in html and "I want to stay sober for my kids" in html  # own words
    assert "Attend 3 groups a week" in html and "by 1 Dec 2026" in html and "Not started yet" in html
    assert "3 a week, " in html and "of care a week in all" in html  # services and weekly hours
    assert f"<li>My clinician: {world.clinician_a.display_name}</li>" in html  # who is responsible
    assert f"<li>{world.clinician_a.display_name}</li>" not in html  # named once
    assert "by 23 Dec 2026" in html  # next review: 30 days after signing
    assert "You signed it on 23 Nov 2026" in html and "Sign my plan" not in html
    entry = last_entry(login)
    current = plan.revisions.get(status=RevisionStatus.CURRENT)
    assert (entry.action, entry.object_type, entry.object_id, entry.participant_id) == (
        AuditAction.VIEW,
        "plans.planrevision",
        str(current.pk),
        plan.participant_id,
    )


def test_plan_in_spanish_for_a_spanish_speaker(world: World, client_for: ClientFor) -> None:
    plan = plan_of(world, language="es")
    html = client_for(portal_login(plan.participant)).get("/me/plan/").content.decode()
    assert "Mi plan de tratamiento" in html and "Mis metas" in html and "para el 1 dic 2026" in html
    assert "Sin empezar" in html and "Terapia cognitivo-conductual (TCC)" in html and "Firmar mi plan" in html


def test_no_plan_yet_is_said_and_audited(world: World, client_for: ClientFor) -> None:
    participant = ParticipantFactory(organization=world.site_a.organization)
    world.episode(participant=participant)
    login = portal_login(participant)
    html = client_for(login).get("/me/plan/").content.decode()
    assert "do not have a signed treatment plan yet" in html
    entry = last_entry(login)
    assert (entry.action, entry.object_type, entry.participant_id) == ("view", "plans.treatmentplan", participant.pk)


def test_an_unsigned_draft_is_not_shown(world: World, client_for: ClientFor) -> None:
    plan = plan_of(world, sign=False)
    login = portal_login(plan.participant)
    html = client_for(login).get("/me/plan/").content.decode()
    assert "do not have a signed treatment plan yet" in html and "stay sober" not in html
    draft = plan.revisions.get()
    response = client_for(login).get(f"/me/plan/sign/{draft.pk}/")
    assert response.status_code == 302 and response["Location"] == "/me/plan/"


def test_participant_signs_the_waiting_revision(world: World, client_for: ClientFor) -> None:
    plan = plan_of(world)
    revision = plan.revisions.get()
    login = portal_login(plan.participant)
    client = client_for(login)
    assert f'href="/me/plan/sign/{revision.pk}/"' in client.get("/me/plan/").content.decode()
    page = client.get(f"/me/plan/sign/{revision.pk}/")
    assert page.status_code == 200 and "I want to stay sober for my kids" in page.content.decode()
    assert f"My clinician: {world.clinician_a.display_name}" in page.content.decode()
    entry = last_entry(login)
    assert (entry.action, entry.object_id) == ("view", str(revision.pk))
    refused = client.post(f"/me/plan/sign/{revision.pk}/", {})  # the box must be ticked
    assert refused.status_code == 200 and "Check the box to sign." in refused.content.decode()
    revision.refresh_from_db()
    assert revision.participant_signed_at is None
    with time_machine.travel(LATER, tick=False):
        response = client.post(f"/me/plan/sign/{revision.pk}/", {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == "/me/plan/"
    revision.refresh_from_db()
    assert (revision.participant_signature, revision.participant_signed_at) == ("portal", LATER)
    signed = last_entry(login)
    assert signed.action == "update" and "Participant signed revision 1" in signed.summary
    after = client.get("/me/plan/").content.decode()
    assert "Your treatment plan is signed." in after and "You signed it on 23 Nov 2026" in after
    assert f"/me/plan/sign/{revision.pk}/" not in after
    again = client.post(f"/me/plan/sign/{revision.pk}/", {"confirm": "on"})  # nothing left to sign
    assert again.status_code == 302
    assert PlanRevision.objects.get(pk=revision.pk).participant_signed_at == LATER


def test_signing_needs_the_csrf_token(world: World) -> None:
    plan = plan_of(world)
    revision = plan.revisions.get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(portal_login(plan.participant))
    assert client.post(f"/me/plan/sign/{revision.pk}/", {"confirm": "on"}).status_code == 403
    revision.refresh_from_db()
    assert revision.participant_signed_at is None


def test_another_participants_revision_is_a_404(world: World, client_for: ClientFor) -> None:
    mine = plan_of(world)
    theirs = plan_of(world)
    login = portal_login(mine.participant)
    client = client_for(login)
    other = theirs.revisions.get()
    assert client.get(f"/me/plan/sign/{other.pk}/").status_code == 404
    assert client.post(f"/me/plan/sign/{other.pk}/", {"confirm": "on"}).status_code == 404
    other.refresh_from_db()
    assert other.participant_signed_at is None
    entry = last_entry(login)
    assert (entry.action, entry.object_type, entry.object_id) == (
        AuditAction.DENIED,
        "plans.planrevision",
        str(other.pk),
    )
    Goal.objects.filter(plan=theirs).update(text="Someone else's goal")
    theirs.revisions.update(snapshot={"problems": [{"goals": [{"number": 1, "text": "Someone else's goal"}]}]})
    assert "Someone else" not in client.get("/me/plan/").content.decode()


def test_staff_cannot_open_the_portal_plan(world: World, client_for: ClientFor) -> None:
    plan = plan_of(world)
    assert client_for(world.clinician_a).get("/me/plan/").status_code == 403
    assert client_for(world.clinician_a).get(f"/me/plan/sign/{plan.revisions.get().pk}/").status_code == 403


def test_closed_plan_is_shown_without_a_sign_step(world: World, client_for: ClientFor) -> None:
    plan = plan_of(world)
    TreatmentPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.CLOSED)
    login = portal_login(plan.participant)
    html = client_for(login).get("/me/plan/").content.decode()
    assert "this plan is closed" in html and "stay sober" in html and "Sign my plan" not in html
    response = client_for(login).get(f"/me/plan/sign/{plan.revisions.get().pk}/")
    assert response.status_code == 302


def test_portal_home_links_to_the_plan(world: World, client_for: ClientFor) -> None:
    plan = plan_of(world)
    html = client_for(portal_login(plan.participant)).get("/me/").content.decode()
    assert 'href="/me/plan/"' in html and "My treatment plan" in html


def test_display_of_a_snapshot_without_database() -> None:
    snapshot = {
        "problems": [
            {
                "goals": [
                    {
                        "number": 2,
                        "text": "Sleep through the night",
                        "objectives": [
                            {"text": "Sleep 7 hours 5 nights a week", "target_on": "2026-12-15", "status": "met"}
                        ],
                        "interventions": [
                            {"method": "mi", "frequency": "weekly", "responsible": "Dana Cole"},
                            {"method": "cbt", "frequency": "daily", "responsible": "Dana Cole"},
                        ],
                    }
                ]
            }
        ],
        "services": [{"name": "Process group", "sessions_per_week": 3, "minutes_per_session": 90}],
        "weekly_minutes": 270,
    }
    view = plan_view(snapshot, "es")
    goal = view.goals[0]
    assert (goal.heading, goal.text) == ("Meta 2", "Sleep through the night")
    assert (goal.steps[0].by, goal.steps[0].status) == ("para el 15 dic 2026", "Lograda")
    assert goal.helps[0].method == "Entrevista motivacional" and view.responsible == ["Dana Cole"]
    assert view.services[0].line == "3 por semana, 90 minutos cada una"
    assert view.weekly_total == "En total, unas 4.5 h de atención por semana."
    empty = plan_view({}, "en")
    assert (empty.goals, empty.services, empty.weekly_total) == ([], [], "")
