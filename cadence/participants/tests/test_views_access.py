"""Who may open and post each participant screen: scope (404, audited) and role capabilities (403)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.participants.models import Episode, EpisodeStatus, Participant
from cadence.testing.personas import NOW, World

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]

PARTICIPANT_FORMS = [
    "participants:edit",
    "participants:add_contact",
    "participants:add_diagnosis",
    "participants:refer",
    "participants:admit",
]
EPISODE_FORMS = ["participants:close_referral", "participants:change_level", "participants:discharge"]


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def denied_count(user: User) -> int:
    return AuditEntry.objects.filter(action=AuditAction.DENIED, actor=user).count()


def all_post_urls(episode: Episode) -> list[str]:
    pid = episode.participant_id
    urls = [reverse("participants:register")]
    urls += [reverse(name, args=[pid]) for name in PARTICIPANT_FORMS]
    urls += [reverse(name, args=[episode.pk]) for name in [*EPISODE_FORMS, "participants:waitlist"]]
    return urls


def test_clinician_from_other_site_gets_404_on_the_chart_and_it_is_audited(world: World, client_for: ClientFor) -> None:
    episode = world.episode()

    response = client_for(world.clinician_b).get(reverse("participants:chart", args=[episode.participant_id]))

    assert response.status_code == 404
    entry = AuditEntry.objects.get(action=AuditAction.DENIED, actor=world.clinician_b)
    assert entry.participant_id == episode.participant_id
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW, actor=world.clinician_b).exists()


@pytest.mark.parametrize("name", PARTICIPANT_FORMS)
def test_clinician_from_other_site_gets_404_on_each_participant_form(
    world: World, client_for: ClientFor, name: str
) -> None:
    episode = world.episode()
    client = client_for(world.clinician_b)
    url = reverse(name, args=[episode.participant_id]) + f"?program={world.iop_a.pk}"

    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "X", "phone": "1", "code": "F10.20"}).status_code == 404
    assert denied_count(world.clinician_b) == 2


@pytest.mark.parametrize("name", [*EPISODE_FORMS, "participants:waitlist"])
def test_clinician_from_other_site_gets_404_on_each_episode_action(
    world: World, client_for: ClientFor, name: str
) -> None:
    episode = world.episode(status=EpisodeStatus.REFERRED, admitted_on=None, track=None, level_of_care=None)

    response = client_for(world.clinician_b).post(reverse(name, args=[episode.pk]), {"note": "x"})

    assert response.status_code == 404
    assert denied_count(world.clinician_b) == 1
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.REFERRED


def test_out_of_scope_discharge_changes_nothing(world: World, client_for: ClientFor) -> None:
    episode = world.episode()

    response = client_for(world.clinician_b).post(
        reverse("participants:discharge", args=[episode.pk]), {"discharged_on": "2026-11-20", "reason": "1"}
    )

    assert response.status_code == 404
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ACTIVE


def test_user_of_another_organization_gets_404(world: World, client_for: ClientFor) -> None:
    episode = world.episode()

    response = client_for(world.outsider).get(reverse("participants:chart", args=[episode.participant_id]))

    assert response.status_code == 404


def test_front_desk_can_register_a_referral(world: World, client_for: ClientFor) -> None:
    response = client_for(world.frontdesk).post(
        reverse("participants:register"),
        {
            "legal_first_name": "Jordan",
            "legal_last_name": "Rivers",
            "date_of_birth": "1988-04-02",
            "sex_at_birth": "unknown",
            "language": "en",
            "program": world.iop_a.pk,
            "referred_on": "2026-11-23",
        },
    )

    participant = Participant.objects.get(legal_last_name="Rivers")
    assert response.status_code == 302
    assert response["Location"] == reverse("participants:chart", args=[participant.pk])
    assert participant.episodes.get().status == EpisodeStatus.REFERRED


def test_front_desk_can_admit_a_referral(world: World, client_for: ClientFor) -> None:
    episode = world.episode(
        status=EpisodeStatus.REFERRED, admitted_on=None, track=None, level_of_care=None, primary_clinician=None
    )
    url = reverse("participants:admit", args=[episode.participant_id]) + f"?program={world.iop_a.pk}"

    response = client_for(world.frontdesk).post(
        url, {"track": world.morning_a.pk, "admitted_on": "2026-11-23", "level_of_care": world.iop_a.level_of_care_id}
    )

    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ACTIVE


@pytest.mark.parametrize("name", ["participants:discharge", "participants:change_level"])
def test_front_desk_gets_403_on_clinical_episode_changes(world: World, client_for: ClientFor, name: str) -> None:
    episode = world.episode()
    client = client_for(world.frontdesk)
    url = reverse(name, args=[episode.pk])

    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {
            "discharged_on": "2026-11-20",
            "reason": "1",
            "level_of_care": episode.level_of_care_id,
            "starts_on": "2026-11-20",
            "reason_text": "x",
        },
    )
    assert response.status_code == 403
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ACTIVE
    assert episode.level_changes.count() == 1


def test_front_desk_chart_hides_discharge_and_level_change(world: World, client_for: ClientFor) -> None:
    episode = world.episode()

    html = (
        client_for(world.frontdesk).get(reverse("participants:chart", args=[episode.participant_id])).content.decode()
    )

    assert reverse("participants:discharge", args=[episode.pk]) not in html
    assert reverse("participants:change_level", args=[episode.pk]) not in html
    assert reverse("participants:edit", args=[episode.participant_id]) in html


def test_auditor_gets_403_on_every_post_and_nothing_changes(world: World, client_for: ClientFor) -> None:
    episode = world.episode()
    referral = world.episode(
        program=world.php_a,
        track=None,
        status=EpisodeStatus.REFERRED,
        admitted_on=None,
        level_of_care=None,
        participant=episode.participant,
    )
    client = client_for(world.auditor)
    before = AuditEntry.objects.exclude(action__in=[AuditAction.DENIED]).count()

    urls = all_post_urls(episode) + all_post_urls(referral)[-4:]
    statuses = {url: client.post(url, {"note": "x", "name": "X", "phone": "1"}).status_code for url in urls}

    assert set(statuses.values()) == {403}, statuses
    assert AuditEntry.objects.exclude(action__in=[AuditAction.DENIED]).count() == before
    assert Episode.objects.filter(status=EpisodeStatus.ACTIVE).count() == 1
    referral.refresh_from_db()
    assert referral.status == EpisodeStatus.REFERRED


def test_auditor_reads_the_chart_without_any_action(world: World, client_for: ClientFor) -> None:
    episode = world.episode()

    response = client_for(world.auditor).get(reverse("participants:chart", args=[episode.participant_id]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Chart actions" not in html
    for name in ("participants:edit", "participants:add_diagnosis", "participants:refer"):
        assert reverse(name, args=[episode.participant_id]) not in html
    assert reverse("participants:discharge", args=[episode.pk]) not in html


def test_billing_may_edit_details_but_not_admit(world: World, client_for: ClientFor) -> None:
    episode = world.episode()
    client = client_for(world.billing)

    assert client.get(reverse("participants:edit", args=[episode.participant_id])).status_code == 200
    admit = reverse("participants:admit", args=[episode.participant_id]) + f"?program={world.php_a.pk}"
    assert client.get(admit).status_code == 403


def test_state_changes_are_post_only(world: World, client_for: ClientFor) -> None:
    episode = world.episode(status=EpisodeStatus.REFERRED, admitted_on=None, track=None, level_of_care=None)

    response = client_for(world.clinician_a).get(reverse("participants:waitlist", args=[episode.pk]))

    assert response.status_code == 405
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.REFERRED


def test_posts_need_a_csrf_token(world: World) -> None:
    episode = world.episode(status=EpisodeStatus.REFERRED, admitted_on=None, track=None, level_of_care=None)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.clinician_a)

    response = client.post(reverse("participants:waitlist", args=[episode.pk]))

    assert response.status_code == 403
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.REFERRED


def test_anonymous_user_is_sent_to_login(world: World) -> None:
    episode = world.episode()

    response = Client().get(reverse("participants:chart", args=[episode.participant_id]))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
