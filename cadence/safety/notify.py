"""In-app notifications and e-mail about crisis events. Neither ever holds clinical details: only that a
participant at a site needs a response, and a link into Cadence (where access is checked again)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, has_capability
from cadence.accounts.scope import visible_programs

from .conf import base_url, email_enabled
from .models import CrisisEvent, Notification

log = logging.getLogger(__name__)


def site_name(event: CrisisEvent) -> str:
    return event.episode.program.site.name if event.episode is not None else "your organization"


def message_text(event: CrisisEvent) -> str:
    """The only words a notification or e-mail carries."""
    return f"A participant at {site_name(event)} needs a response in Cadence"


def event_link(event: CrisisEvent) -> str:
    return base_url() + reverse("safety:event", args=[event.pk])


def has_access(user: User, event: CrisisEvent) -> bool:
    """Whether ``user`` may see the event's participant: an active staff member who responds to crises and
    whose programs include the event's episode program."""
    if event.episode is None or not user.is_active or not has_capability(user.role, Capability.RESPOND_TO_CRISIS):
        return False
    return visible_programs(user).filter(pk=event.episode.program_id).exists()


def _send(email: str, subject: str, body: str) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
    except Exception:  # a mail server down must not undo the notification; it is logged for the admin
        log.exception("crisis notification e-mail to %s failed", email)


def notify(*, recipient: User, event: CrisisEvent, at: dt.datetime) -> Notification:
    """An in-app notification for ``recipient`` and, once the transaction commits, an e-mail (if enabled
    and the recipient has an address). Callers check access first (``has_access``)."""
    text = message_text(event)
    notification = Notification.objects.create(recipient=recipient, event=event, text=f"{text}.", created_at=at)
    if email_enabled() and recipient.email:
        body = f"{text}.\n\nOpen it in Cadence: {event_link(event)}\n\nDo not reply to this e-mail."
        subject = f"Cadence: {text}"
        address = recipient.email
        transaction.on_commit(lambda: _send(address, subject, body))
    return notification


def tell_primary_clinician(*, event: CrisisEvent, at: dt.datetime) -> Notification | None:
    """Notify the participant's primary clinician of a new event, if they may see the participant."""
    clinician = event.episode.primary_clinician if event.episode is not None else None
    if clinician is None or not has_access(clinician, event):
        return None
    return notify(recipient=clinician, event=event, at=at)
