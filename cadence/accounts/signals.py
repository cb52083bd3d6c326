"""Log-ins, log-outs and failed log-ins go to the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from cadence.audit.actions import record
from cadence.audit.models import AuditAction


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(action=AuditAction.LOGIN, actor=user, summary="Signed in")


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(action=AuditAction.LOGOUT, actor=user, summary="Signed out")


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    record(action=AuditAction.LOGIN_FAILED, actor=None, actor_label=username, summary="Failed sign-in")
