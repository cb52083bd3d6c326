from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

# What a participant's own login may reach: their portal, signing out, static files.
PARTICIPANT_PREFIXES = ("/me/", "/accounts/logout/", "/accounts/login/", "/static/", "/favicon")


class ParticipantBoundaryMiddleware:
    """Keeps participant (portal) logins inside /me/: staff pages redirect there, the staff API is 403.

    Staff views also refuse them on their own (``staff_user`` and empty capabilities), so this is the
    friendly boundary, not the only one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "role", "") == "participant":
            path = request.path
            if path.startswith("/api/"):
                body = {"detail": [{"field": "", "reason": "The staff API is not available to participant logins."}]}
                return JsonResponse(body, status=403)
            if not path.startswith(PARTICIPANT_PREFIXES) and not path.startswith("/ical/"):
                return redirect("/me/")
        return self.get_response(request)
