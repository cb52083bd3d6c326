"""Pages show times in the time zone of the signed-in user's site.

The zone's name is worked out once at sign-in (a participant's: their current episode's site;
staff's: ``home_site``, their first site, else the organization's first) and kept in the session,
so activating it costs no query per request. Times stored and exchanged through the API stay in
UTC; only rendering changes.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from cadence.accounts.models import Role, User
from cadence.participants.models import Participant

from .queries import home_site

SESSION_KEY = "cadence_time_zone"


def zone_name_for(user: User) -> str:
    """The IANA name of the zone ``user``'s pages are shown in: a participant's, that of their current
    episode's site; staff's, that of their home site; else the server's zone."""
    if user.role == Role.PARTICIPANT:
        from cadence.participants.queries import current_episode

        record = Participant.objects.filter(portal_user=user).first()
        episode = current_episode(record) if record is not None else None
        if episode is not None:
            return episode.program.site.time_zone
    site = home_site(user)
    return site.time_zone if site is not None else settings.TIME_ZONE


@receiver(user_logged_in, dispatch_uid="cadence.core.remember_time_zone")
def remember_time_zone(sender: type, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = zone_name_for(user)


class SiteTimeZoneMiddleware:
    """Activates the signed-in user's site zone for the request (see module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        name = self._zone_name(request)
        if name:
            try:
                timezone.activate(zoneinfo.ZoneInfo(name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    @staticmethod
    def _zone_name(request: HttpRequest) -> str | None:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated:
            return None
        name = session.get(SESSION_KEY)
        if not isinstance(name, str):  # signed in before this was kept: work it out once
            name = zone_name_for(user)
            session[SESSION_KEY] = name
        return name
