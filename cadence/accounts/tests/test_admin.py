"""The configuration admin: administrators only, their own organization only, audited, no deletes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib import admin
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from cadence.accounts.actions import create_api_token
from cadence.accounts.models import ApiToken, Credential, Role, User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.participants.models import Episode, Participant, Payer
from cadence.programs.models import LevelOfCare, Site
from cadence.testing.factories import SiteFactory, UserFactory
from cadence.testing.personas import NOW, World

ClientFor = Callable[[User], Client]


@pytest.mark.parametrize("role", ["clinician_a", "director", "frontdesk", "billing", "auditor"])
def test_only_administrators_open_the_admin(world: World, client_for: ClientFor, role: str) -> None:
    client = client_for(getattr(world, role))
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert client.get("/admin/programs/site/").status_code != 200


def test_is_staff_alone_does_not_open_the_admin(world: World, client_for: ClientFor) -> None:
    User.objects.filter(pk=world.clinician_a.pk).update(is_staff=True)
    assert client_for(world.clinician_a).get("/admin/", follow=True).status_code == 403


def test_administrator_opens_the_admin(world: World, client_for: ClientFor) -> None:
    response = client_for(world.admin).get("/admin/")
    assert response.status_code == 200
    assert b"Cadence configuration" in response.content


def test_anonymous_goes_to_the_cadence_login(db: None) -> None:
    response = Client().get("/admin/programs/site/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/admin/programs/site/"
    assert Client().get("/admin/login/")["Location"] == "/accounts/login/?next=/admin/"


def test_participant_data_is_not_in_the_admin() -> None:
    for model in (Participant, Episode):
        assert not admin.site.is_registered(model)
    for model in (User, Credential, ApiToken, Payer, Site, LevelOfCare):
        assert admin.site.is_registered(model)


def test_administrator_sees_only_their_organization(world: World, client_for: ClientFor) -> None:
    elsewhere = SiteFactory(organization=world.outsider.organization, name="Faraway")
    client = client_for(world.admin)

    listing = client.get("/admin/programs/site/")

    assert listing.status_code == 200
    assert b"Northside" in listing.content and b"Faraway" not in listing.content
    assert client.get(f"/admin/programs/site/{elsewhere.pk}/change/").status_code == 302  # "does not exist"
    assert client.get(f"/admin/accounts/user/{world.outsider.pk}/change/").status_code == 302


def test_changing_a_site_is_audited_with_the_values(world: World, client_for: ClientFor) -> None:
    site = world.site_a
    response = client_for(world.admin).post(
        f"/admin/programs/site/{site.pk}/change/",
        {"name": "Northside Clinic", "address": site.address, "time_zone": site.time_zone},
    )

    assert response.status_code == 302, response.content
    site.refresh_from_db()
    assert site.name == "Northside Clinic"
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_type="programs.site")
    assert entry.actor == world.admin
    assert entry.changes == {"name": ["Northside", "Northside Clinic"]}


def test_added_rows_belong_to_the_administrators_organization(world: World, client_for: ClientFor) -> None:
    response = client_for(world.admin).post(
        "/admin/programs/site/add/", {"name": "Eastside", "address": "", "time_zone": "America/Denver"}
    )
    assert response.status_code == 302, response.content
    assert Site.objects.get(name="Eastside").organization_id == world.admin.organization_id
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="programs.site").exists()


def test_nothing_is_deleted_from_the_admin(world: World, client_for: ClientFor) -> None:
    client = client_for(world.admin)
    assert client.get(f"/admin/programs/site/{world.site_a.pk}/delete/").status_code == 403
    assert client.get(f"/admin/accounts/user/{world.clinician_a.pk}/delete/").status_code == 403


def test_shared_catalogs_are_read_only_for_administrators(world: World, client_for: ClientFor) -> None:
    level = LevelOfCare.objects.get(code="2.1")
    client = client_for(world.admin)
    assert client.get(f"/admin/programs/levelofcare/{level.pk}/change/").status_code == 200  # view only
    assert client.post(f"/admin/programs/levelofcare/{level.pk}/change/", {"name": "x"}).status_code == 403
    assert client.get("/admin/accounts/credential/add/").status_code == 403


def test_superuser_may_change_shared_catalogs(world: World, client_for: ClientFor) -> None:
    operator = UserFactory(username="operator", is_superuser=True, organization=None)
    assert client_for(operator).get("/admin/accounts/credential/add/").status_code == 200


def test_administrator_adds_a_staff_member(world: World, client_for: ClientFor) -> None:
    response = client_for(world.admin).post(
        "/admin/accounts/user/add/",
        {
            "username": "newclinician",
            "usable_password": "true",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            "first_name": "New",
            "last_name": "Clinician",
            "role": Role.CLINICIAN,
            "sites": [world.site_a.pk],
            "programs": [world.iop_a.pk],
            "max_hours_week": "",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    user = User.objects.get(username="newclinician")
    assert user.organization_id == world.admin.organization_id
    assert list(user.programs.all()) == [world.iop_a]
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="accounts.user", object_id=str(user.pk))
    assert entry.changes["password"] == "(set)"
    assert "a-long-enough-passphrase" not in str(entry.changes)
    assert entry.changes["programs"] == [world.iop_a.pk]


def test_staff_choices_are_limited_to_the_organization(world: World, client_for: ClientFor) -> None:
    elsewhere = SiteFactory(organization=world.outsider.organization, name="Faraway")
    response = client_for(world.admin).get(f"/admin/accounts/user/{world.clinician_a.pk}/change/")
    sites = response.context["adminform"].form.fields["sites"].queryset
    assert world.site_a in sites and elsewhere not in sites


def test_administrator_unlocks_sign_in_and_resets_two_factor(world: World, client_for: ClientFor) -> None:
    locked = Client()
    for _ in range(10):
        locked.post("/accounts/login/", {"username": "clinician", "password": "wrong"})
    TOTPDevice.objects.create(user=world.clinician_a, name="Lost phone", confirmed=True)
    client = client_for(world.admin)

    for action in ("unlock_sign_in", "reset_two_factor"):
        response = client.post("/admin/accounts/user/", {"action": action, "_selected_action": [world.clinician_a.pk]})
        assert response.status_code == 302

    assert not TOTPDevice.objects.filter(user=world.clinician_a).exists()
    from cadence.testing.factories import TEST_PASSWORD

    locked.post("/accounts/login/", {"username": "clinician", "password": TEST_PASSWORD})
    assert "_auth_user_id" in locked.session
    summaries = set(AuditEntry.objects.filter(actor=world.admin).values_list("summary", flat=True))
    assert any(s.startswith("Unlocked sign-in for clinician") for s in summaries)
    assert "Reset two-factor authentication for clinician" in summaries


def test_api_tokens_are_revoke_only(world: World, client_for: ClientFor) -> None:
    token, _raw = create_api_token(user=world.clinician_a, name="x", by=world.clinician_a, at=NOW)
    client = client_for(world.admin)
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    page = client.get(f"/admin/accounts/apitoken/{token.pk}/change/")
    assert page.status_code == 200 and b"key_hash" not in page.content.split(b"<form")[0]
    assert client.post(f"/admin/accounts/apitoken/{token.pk}/change/", {"name": "y"}).status_code == 403

    response = client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.name == "x"
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, actor=world.admin, object_type="accounts.apitoken"
    ).exists()


@pytest.mark.parametrize(
    "path",
    [
        "organization",
        "site",
        "levelofcare",
        "program",
        "track",
        "room",
    ],
)
def test_program_configuration_pages_render(world: World, client_for: ClientFor, path: str) -> None:
    client = client_for(world.admin)
    assert client.get(f"/admin/programs/{path}/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        "/admin/accounts/credential/",
        "/admin/accounts/apitoken/",
        "/admin/participants/payer/",
        "/admin/participants/payer/add/",
        "/admin/programs/program/add/",
        "/admin/programs/track/add/",
        "/admin/programs/room/add/",
        "/admin/audit/auditentry/",
    ],
)
def test_configuration_pages_render(world: World, client_for: ClientFor, url: str) -> None:
    assert client_for(world.admin).get(url).status_code == 200


def test_only_the_operator_adds_organizations(world: World, client_for: ClientFor) -> None:
    assert client_for(world.admin).get("/admin/programs/organization/add/").status_code == 403
    operator = UserFactory(username="operator", is_superuser=True, organization=None)
    assert client_for(operator).get("/admin/programs/organization/add/").status_code == 200


def test_program_choices_are_limited_to_the_organization(world: World, client_for: ClientFor) -> None:
    elsewhere = SiteFactory(organization=world.outsider.organization, name="Faraway")
    response = client_for(world.admin).get("/admin/programs/program/add/")
    sites = response.context["adminform"].form.fields["site"].queryset
    assert world.site_a in sites and elsewhere not in sites
