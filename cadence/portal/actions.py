"""State changes of the participant portal: inviting a participant (their own login) and setting its
password. Keyword-only, atomic, audited; refusals are ``PortalError(field, reason)``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cadence.accounts.models import STAFF_ROLES, Role, User
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.core.errors import DomainError
from cadence.participants.models import Participant


class PortalError(DomainError):
    """A broken portal rule (field and reason)."""


@dataclass(frozen=True)
class Invitation:
    """A portal login and its one-time set-password path (shown once to staff, never stored)."""

    user: User
    path: str
    expires_at: dt.datetime
    created: bool


def _username_for(participant: Participant) -> str:
    base = participant.record_number.lower()
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def set_password_path(user: User) -> str:
    """A set-password path for ``user`` (Django's password-reset token: it stops working once the
    password changes, so it is single use, and after ``PASSWORD_RESET_TIMEOUT``)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("portal:welcome", args=[uid, default_token_generator.make_token(user)])


@transaction.atomic
def invite_participant(*, participant: Participant, by: User, at: dt.datetime) -> Invitation:
    """Give the participant a portal login (role participant, the participant's organization, no usable
    password) and a one-time set-password link; a participant who already has a login gets a new link.
    Raises ``PortalError`` when the inviter is not staff of the participant's organization."""
    if by.role not in STAFF_ROLES or by.organization_id != participant.organization_id:
        raise PortalError("participant", "Only staff of the participant's organization can invite them.")
    participant = (
        Participant.objects.select_for_update(of=("self",)).select_related("portal_user").get(pk=participant.pk)
    )
    user = participant.portal_user
    created = user is None
    if user is None:
        user = User(
            username=_username_for(participant),
            role=Role.PARTICIPANT,
            organization_id=participant.organization_id,
            first_name=participant.preferred_name or participant.legal_first_name,
            last_name=participant.legal_last_name,
            email=participant.email,
            is_active=True,
        )
        user.set_unusable_password()
        user.save()
        participant.portal_user = user
        participant.save(update_fields=["portal_user"])
    elif user.role != Role.PARTICIPANT or not user.is_active:
        raise PortalError("participant", "This participant's portal login is disabled.")
    record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=by,
        obj=user,
        participant_id=participant.pk,
        summary=("Invited to the participant portal" if created else "Issued a new portal set-password link")
        + f" (login {user.username})",
        changes={"username": user.username, "role": Role.PARTICIPANT.value},
        at=at,
    )
    expires = at + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    return Invitation(user=user, path=set_password_path(user), expires_at=expires, created=created)


@transaction.atomic
def set_portal_password(*, user: User, password: str, at: dt.datetime) -> User:
    """Set the participant's own password (already validated by the form)."""
    if user.role != Role.PARTICIPANT:
        raise PortalError("user", "Only a participant login is set up here.")
    user.set_password(password)
    user.save(update_fields=["password"])
    participant_id = Participant.objects.filter(portal_user=user).values_list("pk", flat=True).first()
    record(
        action=AuditAction.UPDATE,
        actor=user,
        obj=user,
        participant_id=participant_id,
        summary="Set the portal password",
        at=at,
    )
    return user
