"""Staff page for a participant's portal access: invite them (a login and a one-time set-password link,
shown once) or issue a new link. Reached from the measures page (/measures/participant/<id>/portal/)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cadence.accounts.request import staff_user
from cadence.measures.access import can_invite_to_portal, require_invite_to_portal
from cadence.participants.queries import current_episode, get_participant_for

from . import actions


@require_http_methods(["GET", "POST"])
def invite_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    allowed = can_invite_to_portal(user.role)
    participant = get_participant_for(
        user, pk, audit_view=allowed and request.method == "GET", purpose="Opened portal access"
    )
    require_invite_to_portal(user)
    invitation = error = None
    if request.method == "POST":
        try:
            invitation = actions.invite_participant(participant=participant, by=user, at=timezone.now())
        except actions.PortalError as err:
            error = err.reason
        else:
            participant.refresh_from_db()
    context = {
        "participant": participant,
        "episode": current_episode(participant),
        "portal_user": participant.portal_user,
        "invitation": invitation,
        "link": request.build_absolute_uri(invitation.path) if invitation else "",
        "error": error,
    }
    return render(request, "portal/invite.html", context)
