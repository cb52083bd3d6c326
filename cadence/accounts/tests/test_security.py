"""Sign-in security: password hashing, throttling, automatic logoff, login everywhere, audit of sign-ins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings

from cadence import settings as production_settings
from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.testing.factories import TEST_PASSWORD
from cadence.testing.personas import NOW, World

ClientFor = Callable[[User], Client]
LOGIN_URL = "/accounts/login/"


def sign_in(client: Client, username: str, password: str) -> object:
    return client.post(LOGIN_URL, {"username": username, "password": password})


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- passwords ------------------------------------------------------------------------------------


def test_production_settings_hash_passwords_with_argon2(world: World) -> None:
    assert production_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    user = world.clinician_a
    with override_settings(PASSWORD_HASHERS=production_settings.PASSWORD_HASHERS):
        user.set_password("a long passphrase for the test")
        user.save(update_fields=["password"])
        user.refresh_from_db()
        assert user.password.startswith("argon2")
        assert user.check_password("a long passphrase for the test")


def test_passwords_need_ten_characters_and_not_common_ones() -> None:
    validators = [v["NAME"].rsplit(".", 1)[1] for v in production_settings.AUTH_PASSWORD_VALIDATORS]
    assert "CommonPasswordValidator" in validators
    lengths = [v for v in production_settings.AUTH_PASSWORD_VALIDATORS if v["NAME"].endswith("MinimumLengthValidator")]
    assert lengths[0]["OPTIONS"]["min_length"] >= 10


# --- throttling -----------------------------------------------------------------------------------


def test_repeated_failures_lock_the_account_even_for_the_right_password(world: World) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, "clinician", "wrong password")
        assert not is_signed_in(client)

    response = sign_in(client, "clinician", TEST_PASSWORD)

    assert response.status_code == 429  # type: ignore[attr-defined]
    assert b"Too many failed sign-ins" in response.content  # type: ignore[attr-defined]
    assert not is_signed_in(client)
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, actor_label="clinician").count() >= (
        settings.AXES_FAILURE_LIMIT
    )


def test_failures_below_the_limit_do_not_lock(world: World) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "clinician", "wrong password")
    response = sign_in(client, "clinician", TEST_PASSWORD)
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert is_signed_in(client)


def test_lockout_is_per_username(world: World) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "clinician", "wrong password")
    sign_in(client, "frontdesk", TEST_PASSWORD)
    assert is_signed_in(client)


# --- automatic logoff -----------------------------------------------------------------------------


def test_session_lifetime_is_the_inactivity_timeout_and_renews_on_every_request() -> None:
    assert settings.SESSION_COOKIE_AGE == settings.CADENCE_SESSION_TIMEOUT_MINUTES * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_idle_past_the_timeout_is_signed_out(world: World) -> None:
    timeout = dt.timedelta(minutes=settings.CADENCE_SESSION_TIMEOUT_MINUTES)
    with time_machine.travel(NOW, tick=False) as clock:
        client = Client()
        sign_in(client, "clinician", TEST_PASSWORD)
        assert client.get("/").status_code == 200

        clock.shift(timeout + dt.timedelta(seconds=1))
        response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN_URL}?next=")


def test_activity_within_the_timeout_keeps_the_session(world: World) -> None:
    timeout = dt.timedelta(minutes=settings.CADENCE_SESSION_TIMEOUT_MINUTES)
    with time_machine.travel(NOW, tick=False) as clock:
        client = Client()
        sign_in(client, "clinician", TEST_PASSWORD)
        for _ in range(3):  # three times almost the timeout: each request renews it
            clock.shift(timeout - dt.timedelta(minutes=1))
            assert client.get("/").status_code == 200


# --- every page needs a login ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/participants/", "/audit/", "/accounts/tokens/", "/accounts/two-factor/"])
def test_anonymous_pages_redirect_to_login(db: None, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={path}"


def test_anonymous_api_gets_401_json(db: None) -> None:
    response = Client().get("/api/v1/participants")
    assert response.status_code == 401
    assert response.json()["detail"][0]["field"] == "Authorization"


def test_login_page_is_open_and_writes_nothing(db: None) -> None:
    response = Client().get(LOGIN_URL)
    assert response.status_code == 200
    assert b'name="password"' in response.content
    assert not AuditEntry.objects.exists()


# --- sign-ins are audited -------------------------------------------------------------------------


def test_sign_in_sign_out_and_failure_are_audited(world: World) -> None:
    client = Client()
    sign_in(client, "clinician", "wrong password")
    sign_in(client, "clinician", TEST_PASSWORD)
    client.post("/accounts/logout/")

    entries = list(AuditEntry.objects.order_by("id").values_list("action", "actor_id", "actor_label", "participant_id"))
    assert entries == [
        (AuditAction.LOGIN_FAILED, None, "clinician", None),
        (AuditAction.LOGIN, world.clinician_a.pk, "clinician", None),
        (AuditAction.LOGOUT, world.clinician_a.pk, "clinician", None),
    ]
    assert not is_signed_in(client)


def test_sign_in_entries_carry_the_request_id_and_address(world: World) -> None:
    Client(headers={"X-Request-ID": "req-123"}).post(
        LOGIN_URL, {"username": "clinician", "password": TEST_PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert (entry.request_id, entry.ip) == ("req-123", "203.0.113.9")


def test_logout_needs_post(world: World, client_for: ClientFor) -> None:
    client = client_for(world.clinician_a)
    assert client.get("/accounts/logout/").status_code == 405
    assert is_signed_in(client)


def test_login_does_not_redirect_off_site(world: World) -> None:
    client = Client()
    response = client.post(
        f"{LOGIN_URL}?next=https://evil.example/", {"username": "clinician", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
