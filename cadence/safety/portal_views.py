"""The participant's help page at /me/help/: crisis lines, their own contacts, their safety plan, and the
"Tell my care team I need help now" button (with a confirmation step) that raises a high-severity crisis
event. The participant is always the signed-in login's own record, never taken from the URL."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cadence.portal.views import portal_participant  # every portal page resolves the signed-in participant the same way
from cadence.portal.wording import words
from cadence.safetyplans.display import tel_target
from cadence.safetyplans.queries import current_plan_for

from .actions import raise_crisis_event
from .conf import ack_minutes
from .models import CrisisEvent, CrisisSource, EventStatus, Severity
from .wording import help_words

PLAN_TEMPLATE = "safetyplans/_portal_plan.html"
HELP_SUMMARY = 'The participant pressed "I need help now" in the portal.'


def _page(request: HttpRequest, template: str, lang: str, **context: Any) -> HttpResponse:
    return render(request, template, {"lang": lang, "t": words(lang), "h": help_words(lang), **context})


@require_GET
def help_view(request: HttpRequest) -> HttpResponse:
    _user, participant, lang = portal_participant(request)
    contacts = [(c, tel_target(c.phone)) for c in participant.emergency_contacts.all()]
    plan = current_plan_for(participant)
    return _page(request, "safety/portal_help.html", lang, contacts=contacts, plan=plan, plan_template=PLAN_TEMPLATE)


@require_http_methods(["GET", "POST"])
def tell_view(request: HttpRequest) -> HttpResponse:
    """POST from the help page asks for confirmation; POST with ``confirm=yes`` raises the event."""
    user, participant, lang = portal_participant(request)
    if request.method == "GET":
        return redirect("safety_portal:help")
    if request.POST.get("confirm") != "yes":
        return _page(request, "safety/portal_confirm.html", lang)
    raise_crisis_event(
        participant=participant,
        severity=Severity.HIGH,
        source=CrisisSource.PARTICIPANT,
        summary=HELP_SUMMARY,
        at=timezone.now(),
        by=user,
    )
    return redirect("safety_portal:sent")


@require_GET
def sent_view(request: HttpRequest) -> HttpResponse:
    """What happens next, and whether the care team has acknowledged the latest request."""
    _user, participant, lang = portal_participant(request)
    latest = (
        CrisisEvent.objects.filter(participant=participant, source=CrisisSource.PARTICIPANT)
        .order_by("-raised_at", "-pk")
        .first()
    )
    h = help_words(lang)
    if latest is None:
        return redirect("safety_portal:help")
    status = {
        EventStatus.RAISED: h["status_raised"],
        EventStatus.RESOLVED: h["status_done"],
    }.get(EventStatus(latest.status), h["status_seen"])
    next_text = h["sent_next"].format(minutes=ack_minutes())
    return _page(request, "safety/portal_sent.html", lang, status=status, next_text=next_text)
