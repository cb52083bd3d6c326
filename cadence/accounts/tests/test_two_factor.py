"""TOTP two-factor: the check after sign-in, enrolment, and the administrators' requirement."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.testing.personas import World

ClientFor = Callable[[User], Client]


def code_for(device: TOTPDevice) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{value:0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    return f"{(int(code_for(device)) + 1) % 10**device.digits:0{device.digits}d}"


@pytest.fixture
def device(world: World) -> TOTPDevice:
    return TOTPDevice.objects.create(user=world.clinician_a, name="Phone", confirmed=True)


def test_user_with_an_authenticator_must_pass_it_first(world: World, client_for: ClientFor, device: TOTPDevice) -> None:
    client = client_for(world.clinician_a)
    for path in ("/", "/participants/", "/accounts/tokens/", "/audit/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/verify/?next=")
    assert client.get("/accounts/verify/").status_code == 200


def test_correct_code_lets_the_user_in_and_returns_to_the_page(
    world: World, client_for: ClientFor, device: TOTPDevice
) -> None:
    client = client_for(world.clinician_a)

    response = client.post("/accounts/verify/?next=/participants/", {"code": code_for(device)})

    assert response.status_code == 302 and response["Location"] == "/participants/"
    assert client.get("/").status_code == 200
    assert client.get("/participants/").status_code == 200


def test_wrong_code_is_a_field_error_and_is_audited(world: World, client_for: ClientFor, device: TOTPDevice) -> None:
    client = client_for(world.clinician_a)

    response = client.post("/accounts/verify/", {"code": wrong_code_for(device)})

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["That code is not valid. Use the newest code from your app."]
    assert client.get("/").status_code == 302
    assert AuditEntry.objects.filter(
        action=AuditAction.LOGIN_FAILED, actor=world.clinician_a, summary="Wrong two-factor code"
    ).exists()


def test_verify_does_not_redirect_off_site(world: World, client_for: ClientFor, device: TOTPDevice) -> None:
    client = client_for(world.clinician_a)
    response = client.post("/accounts/verify/?next=https://evil.example/", {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/"


def test_unconfirmed_device_does_not_ask_for_a_code(world: World, client_for: ClientFor) -> None:
    TOTPDevice.objects.create(user=world.clinician_a, name="Half set up", confirmed=False)
    assert client_for(world.clinician_a).get("/").status_code == 200


def test_user_may_sign_out_before_the_second_factor(world: World, client_for: ClientFor, device: TOTPDevice) -> None:
    client = client_for(world.clinician_a)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"


# --- enrolment ------------------------------------------------------------------------------------


def test_enrolment_confirms_with_a_valid_code(world: World, client_for: ClientFor) -> None:
    client = client_for(world.frontdesk)
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200
    assert b"<svg" in page.content
    assert "no-store" in page["Cache-Control"]
    pending = TOTPDevice.objects.get(user=world.frontdesk, confirmed=False)

    response = client.post("/accounts/two-factor/", {"code": code_for(pending)})

    assert response.status_code == 302 and response["Location"] == "/"
    pending.refresh_from_db()
    assert pending.confirmed
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, actor=world.frontdesk, summary="Enabled two-factor authentication"
    ).exists()
    assert client.get("/").status_code == 200  # verified by the enrolment itself
    assert b"Your authenticator app is set up" in client.get("/accounts/two-factor/").content


def test_enrolment_with_a_wrong_code_stays_off(world: World, client_for: ClientFor) -> None:
    client = client_for(world.frontdesk)
    client.get("/accounts/two-factor/")
    pending = TOTPDevice.objects.get(user=world.frontdesk)

    response = client.post("/accounts/two-factor/", {"code": wrong_code_for(pending)})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    pending.refresh_from_db()
    assert not pending.confirmed


# --- administrators -------------------------------------------------------------------------------


def test_admins_must_enrol_when_required(world: World, client_for: ClientFor, settings: object) -> None:
    settings.CADENCE_REQUIRE_2FA_FOR_ADMINS = True  # type: ignore[attr-defined]
    admin = client_for(world.admin)

    response = admin.get("/")

    assert response.status_code == 302 and response["Location"] == "/accounts/two-factor/"
    assert admin.get("/admin/").status_code == 302
    assert admin.get("/accounts/two-factor/").status_code == 200
    assert client_for(world.clinician_a).get("/").status_code == 200


def test_admins_are_not_forced_when_not_required(world: World, client_for: ClientFor, settings: object) -> None:
    settings.CADENCE_REQUIRE_2FA_FOR_ADMINS = False  # type: ignore[attr-defined]
    assert client_for(world.admin).get("/").status_code == 200


def test_admin_with_an_authenticator_passes_it_before_the_configuration(
    world: World, client_for: ClientFor, settings: object
) -> None:
    settings.CADENCE_REQUIRE_2FA_FOR_ADMINS = True  # type: ignore[attr-defined]
    device = TOTPDevice.objects.create(user=world.admin, name="Phone", confirmed=True)
    admin = client_for(world.admin)
    assert admin.get("/admin/")["Location"].startswith("/accounts/verify/")
    admin.post("/accounts/verify/", {"code": code_for(device)})
    assert admin.get("/admin/").status_code == 200
