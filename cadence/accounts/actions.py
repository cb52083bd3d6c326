"""State changes for staff accounts: API tokens and TOTP enrolment. Atomic and audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from cadence.audit.actions import record
from cadence.audit.models import AuditAction

from .models import ApiToken, User, hash_token


class AccountError(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@transaction.atomic
def create_api_token(*, user: User, name: str, by: User, at: dt.datetime) -> tuple[ApiToken, str]:
    """A new bearer token for ``user``; returns the row and the raw token (shown once, never stored)."""
    name = name.strip()
    if not name:
        raise AccountError("name", "Give the token a name that says what uses it.")
    if not user.is_active:
        raise AccountError("user", "This account is not active.")
    raw = ApiToken.generate_raw()
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=raw[:10], key_hash=hash_token(raw), created_at=at
    )
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=token,
        summary=f"Created API token {token.prefix}… for {user.username}",
        at=at,
    )
    return token, raw


@transaction.atomic
def revoke_api_token(*, token: ApiToken, by: User, at: dt.datetime) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise AccountError("token", "This token is already revoked.")
    token.revoked_at = at
    token.save(update_fields=["revoked_at"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=token,
        summary=f"Revoked API token {token.prefix}…",
        changes={"revoked_at": [None, at]},
        at=at,
    )
    return token


@transaction.atomic
def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """An unconfirmed TOTP device (replacing any earlier unconfirmed one) for the user to scan."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def confirm_totp_enrolment(*, device: TOTPDevice, code: str, by: User, at: dt.datetime) -> TOTPDevice:
    if device.confirmed:
        raise AccountError("code", "This authenticator is already confirmed.")
    if not code.strip().isdigit() or not device.verify_token(code.strip()):
        raise AccountError("code", "That code does not match. Check the time on your phone and try the newest code.")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(action=AuditAction.UPDATE, actor=by, obj=device, summary="Enabled two-factor authentication", at=at)
    return device


@transaction.atomic
def unlock_sign_in(*, user: User, by: User, at: dt.datetime) -> int:
    """Clear the failed sign-in attempts (django-axes) that lock ``user`` out; returns how many."""
    from axes.utils import reset

    cleared = int(reset(username=user.username))
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=user,
        summary=f"Unlocked sign-in for {user.username} ({cleared} failed attempt record(s) cleared)",
        at=at,
    )
    return cleared


@transaction.atomic
def reset_two_factor(*, user: User, by: User, at: dt.datetime) -> int:
    """Remove every authenticator of ``user`` (lost phone); they enrol again after signing in."""
    removed = int(TOTPDevice.objects.filter(user=user).delete()[0])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=user,
        summary=f"Reset two-factor authentication for {user.username}",
        changes={"authenticators_removed": removed},
        at=at,
    )
    return removed
