"""API tokens: ``manage.py create_token``, the tokens page, and what a token may do on the API."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from cadence.accounts.actions import create_api_token, revoke_api_token
from cadence.accounts.models import ApiToken, User, hash_token
from cadence.audit.models import AuditAction, AuditEntry
from cadence.testing.personas import NOW, World

ClientFor = Callable[[User], Client]


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def create_token_command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def assert_401_json(response: object) -> None:
    assert response.status_code == 401  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["detail"][0]["field"] == "Authorization"
    assert body["detail"][0]["reason"]


# --- manage.py create_token ---------------------------------------------------------------------


def test_create_token_prints_a_raw_token_that_authenticates_the_api(world: World) -> None:
    raw, note = create_token_command("clinician", "--name", "Nightly export")

    token = ApiToken.objects.get(user=world.clinician_a)
    assert raw.startswith("cad_") and "\n" not in raw
    assert token.key_hash == hash_token(raw) and raw not in token.key_hash
    assert token.name == "Nightly export" and token.prefix in note
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_type="accounts.apitoken", object_id=str(token.pk)
    ).exists()
    assert bearer(raw).get("/api/v1/participants").status_code == 200


def test_create_token_has_a_default_name(world: World) -> None:
    create_token_command("auditor")
    assert ApiToken.objects.get(user=world.auditor).name == "Created with manage.py create_token"


def test_create_token_refuses_an_unknown_user(world: World) -> None:
    with pytest.raises(CommandError, match="There is no user 'nobody'"):
        create_token_command("nobody")
    assert not ApiToken.objects.exists()


def test_create_token_refuses_an_inactive_user(world: World) -> None:
    User.objects.filter(pk=world.clinician_a.pk).update(is_active=False)
    with pytest.raises(CommandError, match="not active"):
        create_token_command("clinician")
    assert not ApiToken.objects.exists()


# --- the API with tokens --------------------------------------------------------------------------


def test_revoked_token_gets_401_json(world: World) -> None:
    token, raw = create_api_token(user=world.clinician_a, name="x", by=world.clinician_a, at=NOW)
    assert bearer(raw).get("/api/v1/participants").status_code == 200
    revoke_api_token(token=token, by=world.clinician_a, at=NOW)
    assert_401_json(bearer(raw).get("/api/v1/participants"))


def test_token_of_a_deactivated_user_gets_401(world: World) -> None:
    _token, raw = create_api_token(user=world.clinician_a, name="x", by=world.clinician_a, at=NOW)
    User.objects.filter(pk=world.clinician_a.pk).update(is_active=False)
    assert_401_json(bearer(raw).get("/api/v1/participants"))


def test_wrong_token_and_no_token_get_401(world: World) -> None:
    assert_401_json(bearer("cad_not-a-real-token").get("/api/v1/participants"))
    assert_401_json(Client().get("/api/v1/participants"))


def test_token_sees_only_its_users_scope(world: World) -> None:
    participant = world.episode().participant  # site A
    _token, raw = create_api_token(user=world.clinician_b, name="x", by=world.clinician_b, at=NOW)
    client = bearer(raw)

    response = client.get(f"/api/v1/participants/{participant.pk}")

    assert response.status_code == 404
    assert client.get("/api/v1/participants").json()["count"] == 0
    assert AuditEntry.objects.filter(
        action=AuditAction.DENIED, actor=world.clinician_b, participant_id=participant.pk
    ).exists()
    _token, raw_a = create_api_token(user=world.clinician_a, name="x", by=world.clinician_a, at=NOW)
    assert bearer(raw_a).get(f"/api/v1/participants/{participant.pk}").status_code == 200


def test_token_use_is_stamped(world: World) -> None:
    token, raw = create_api_token(user=world.clinician_a, name="x", by=world.clinician_a, at=NOW)
    bearer(raw).get("/api/v1/participants")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_openapi_document_is_served_to_a_token_or_a_session(world: World, client_for: ClientFor) -> None:
    _token, raw = create_api_token(user=world.clinician_a, name="x", by=world.clinician_a, at=NOW)
    for client in (bearer(raw), client_for(world.frontdesk)):
        response = client.get("/api/v1/openapi.json")
        assert response.status_code == 200
        document = response.json()
        assert document["info"]["title"] == "Cadence API"
        assert "/api/v1/participants" in document["paths"]
    assert_401_json(Client().get("/api/v1/openapi.json"))


# --- the tokens page -------------------------------------------------------------------------------


def test_tokens_page_lists_only_my_tokens(world: World, client_for: ClientFor) -> None:
    create_api_token(user=world.clinician_a, name="Mine", by=world.clinician_a, at=NOW)
    create_api_token(user=world.clinician_b, name="Theirs", by=world.clinician_b, at=NOW)

    response = client_for(world.clinician_a).get("/accounts/tokens/")

    assert response.status_code == 200
    assert [t.name for t in response.context["tokens"]] == ["Mine"]
    assert b"Theirs" not in response.content


def test_creating_a_token_shows_it_once(world: World, client_for: ClientFor) -> None:
    client = client_for(world.clinician_a)

    response = client.post("/accounts/tokens/", {"name": "Billing export"})

    assert response.status_code == 200
    raw = response.context["new_raw"]
    assert raw and raw.encode() in response.content
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=world.clinician_a)
    assert token.name == "Billing export" and token.key_hash == hash_token(raw)
    assert raw.encode() not in client.get("/accounts/tokens/").content


def test_a_token_needs_a_name(world: World, client_for: ClientFor) -> None:
    response = client_for(world.clinician_a).post("/accounts/tokens/", {"name": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_revoking_my_token(world: World, client_for: ClientFor) -> None:
    token, raw = create_api_token(user=world.clinician_a, name="x", by=world.clinician_a, at=NOW)

    response = client_for(world.clinician_a).post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 302 and response["Location"] == "/accounts/tokens/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_type="accounts.apitoken", object_id=str(token.pk)
    ).exists()
    assert_401_json(bearer(raw).get("/api/v1/participants"))


def test_revoking_twice_is_a_message_not_an_error(world: World, client_for: ClientFor) -> None:
    token, _raw = create_api_token(user=world.clinician_a, name="x", by=world.clinician_a, at=NOW)
    client = client_for(world.clinician_a)
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/", follow=True)
    assert response.status_code == 200
    assert b"already revoked" in response.content


def test_cannot_revoke_another_users_token(world: World, client_for: ClientFor) -> None:
    token, raw = create_api_token(user=world.clinician_b, name="x", by=world.clinician_b, at=NOW)

    response = client_for(world.clinician_a).post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert bearer(raw).get("/api/v1/participants").status_code == 200


def test_revoke_needs_post(world: World, client_for: ClientFor) -> None:
    token, _raw = create_api_token(user=world.clinician_a, name="x", by=world.clinician_a, at=NOW)
    assert client_for(world.clinician_a).get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
