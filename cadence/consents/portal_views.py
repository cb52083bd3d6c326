"""The participant's own consents on the portal (/me/consents/): what each allows, to whom, until when and
its status; signing a consent sent to them (every element shown before the button); how to revoke in
writing; and "Who has received my records" (the accounting of disclosures).

The participant comes from the signed-in login (``cadence.portal.views.portal_participant``), never from the URL: a
consent of anyone else is a 404. Every read writes an audit entry.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cadence.accounts.scope import out_of_scope
from cadence.participants.queries import participant_today
from cadence.portal.views import portal_participant
from cadence.portal.wording import words as portal_words

from . import actions, queries
from .forms import PortalSignForm
from .models import Consent
from .rules import ConsentError
from .wording import words


def _page(request: HttpRequest, template: str, lang: str, **context: object) -> HttpResponse:
    return render(request, template, {"lang": lang, "t": portal_words(lang), "cw": words(lang), **context})


@require_GET
def consents_view(request: HttpRequest) -> HttpResponse:
    user, participant, lang = portal_participant(request)
    today = participant_today(participant, timezone.now())
    consents = [c for c in queries.consents_of(participant) if c.is_signed or c.sent_to_portal_at is not None]
    waiting = [c for c in consents if not c.is_signed]
    signed = [(c, c.status_on(today)) for c in consents if c.is_signed]
    disclosures = list(queries.disclosures_of(participant))
    queries.audit_read(user=user, participant=participant, summary="Participant opened their consents and disclosures")
    return _page(
        request, "consents/portal_consents.html", lang, waiting=waiting, signed=signed, disclosures=disclosures
    )


@require_http_methods(["GET", "POST"])
def sign_view(request: HttpRequest, cpk: int) -> HttpResponse:
    """A consent sent to the participant: every element, then the signature."""
    user, participant, lang = portal_participant(request)
    consent = Consent.objects.filter(pk=cpk, participant=participant, sent_to_portal_at__isnull=False).first()
    if consent is None:
        raise out_of_scope(user, "consents.consent", cpk, participant.pk)
    if consent.is_signed:
        return redirect("consents_portal:consents")
    form = PortalSignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            now = timezone.now()
            try:
                actions.sign_on_portal(consent=consent, by=user, at=now, today=participant_today(participant, now))
            except ConsentError as err:
                messages.error(request, err.reason)
            else:
                messages.success(request, words(lang)["signed_thanks"])
            return redirect("consents_portal:consents")
    queries.audit_read(  # the page shows every element of the consent, on a first view or a refused POST
        user=user, participant=participant, obj=consent, summary="Participant read a consent awaiting signature"
    )
    return _page(request, "consents/portal_sign.html", lang, consent=consent, form=form)
