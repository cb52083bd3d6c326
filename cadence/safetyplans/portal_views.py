"""The participant's own safety plan on the portal (/me/safety-plan/), phone first.

The participant comes from the signed-in login (``cadence.portal.views.portal_participant``), never from the URL, so
a participant only ever reaches their own plan. Every read writes an audit entry.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cadence.portal.views import portal_participant
from cadence.portal.wording import words as portal_words

from . import actions, queries
from .forms import PortalSignForm
from .rules import SafetyPlanError
from .wording import words


def _page(request: HttpRequest, template: str, lang: str, **context: object) -> HttpResponse:
    return render(request, template, {"lang": lang, "t": portal_words(lang), "sp": words(lang), **context})


@require_GET
def plan_view(request: HttpRequest) -> HttpResponse:
    """The current signed plan as six steps and the reasons for living; 988, 911, the plan's contacts and
    the participant's emergency contacts one tap away; a "Sign my safety plan" step when one waits."""
    user, participant, lang = portal_participant(request)
    plan = queries.current_plan_for(participant)
    waiting = queries.awaiting_participant_for(participant)
    queries.audit_read(user=user, participant=participant, version=plan, summary="Participant opened their safety plan")
    return _page(
        request,
        "safetyplans/portal_plan.html",
        lang,
        plan=plan,
        waiting=waiting,
        emergency_contacts=list(participant.emergency_contacts.all()),
    )


@require_http_methods(["GET", "POST"])
def sign_view(request: HttpRequest) -> HttpResponse:
    """The version the clinician signed, to read and sign."""
    user, participant, lang = portal_participant(request)
    waiting = queries.awaiting_participant_for(participant)
    if waiting is None:
        return redirect("safetyplans_portal:plan")
    form = PortalSignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.sign_as_participant(version=waiting, by=user, at=timezone.now())
            except SafetyPlanError as err:
                messages.error(request, err.reason)
            else:
                messages.success(request, words(lang)["signed_thanks"])
            return redirect("safetyplans_portal:plan")
    else:
        queries.audit_read(
            user=user, participant=participant, version=waiting, summary="Participant read the plan awaiting signature"
        )
    return _page(request, "safetyplans/portal_sign.html", lang, version=waiting, form=form)
