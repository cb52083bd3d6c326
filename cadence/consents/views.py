"""Staff pages of Part 2 consents and disclosures: the participant's "Consents and disclosures" page (consents
with their status today, the accounting of disclosures), recording, attesting, sending to the portal and
revoking a consent, recording a disclosure, and each disclosure's cover sheet (HTML and PDF).

Every view fetches the participant through ``get_participant_for`` (404 and a DENIED audit entry out of
scope), then checks the capability (403): VIEW_PARTICIPANT to read, MANAGE_CONSENTS or RECORD_DISCLOSURE to
write. Reads are audited here; every change is one action (audited there).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, has_capability
from cadence.accounts.request import staff_user
from cadence.accounts.scope import out_of_scope
from cadence.core.pdf import pdf_response
from cadence.participants.models import Participant
from cadence.participants.queries import get_participant_for, participant_today

from . import actions, queries, rules
from .forms import AttestForm, ConsentForm, DisclosureForm, ExpiryEventForm, RevokeForm, initial_terms, put_error
from .models import Consent, ConsentKind, Disclosure
from .pdf import cover_context
from .rules import ConsentError, Kind, missing_elements

GET_POST = require_http_methods(["GET", "POST"])


def _participant(request: HttpRequest, pk: int, capability: Capability) -> tuple[User, Participant]:
    """The participant in scope (else 404, audited) whose consents the user may read or change (else 403)."""
    user = staff_user(request)
    participant = get_participant_for(user, pk, audit_view=False)
    if not has_capability(user.role, capability) or not has_capability(user.role, Capability.VIEW_PARTICIPANT):
        raise PermissionDenied("Your role does not allow this (Part 2 consents and disclosures).")
    return user, participant


M = TypeVar("M", bound=Model)


def _row(request: HttpRequest, model: type[M], pk: int, capability: Capability) -> tuple[User, M]:
    user = staff_user(request)
    row = model._default_manager.filter(pk=pk).first()
    if row is None:
        raise out_of_scope(user, model._meta.label_lower, pk, None)
    _participant(request, row.participant_id, capability)  # type: ignore[attr-defined]
    return user, row


def _page_url(participant_id: int) -> str:
    return reverse("consents:participant", args=[participant_id])


@require_GET
def participant_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant's consents (status today, what is missing from drafts) and accounting of disclosures."""
    user, participant = _participant(request, pk, Capability.VIEW_PARTICIPANT)
    today = participant_today(participant, timezone.now())
    consents = list(queries.consents_of(participant))
    disclosures = list(queries.disclosures_of(participant))
    queries.audit_read(user=user, participant=participant, summary="Read the Part 2 consents and disclosures")
    rows = [(c, c.status_on(today), [] if c.is_signed else missing_elements(c.terms)) for c in consents]
    context = {
        "participant": participant,
        "today": today,
        "rows": rows,
        "disclosures": disclosures,
        "has_tpo": rules.has_tpo_in_effect(consents, today),
        "can_manage": has_capability(user.role, Capability.MANAGE_CONSENTS),
        "can_disclose": has_capability(user.role, Capability.RECORD_DISCLOSURE),
        "kinds": ConsentKind.choices,
    }
    return render(request, "consents/participant.html", context)


@GET_POST
def new_consent_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft or record a consent; ``?kind=tpo`` (the default) prefills the TPO wording."""
    user, participant = _participant(request, pk, Capability.MANAGE_CONSENTS)
    kind = request.GET.get("kind", Kind.TPO)
    kind = kind if kind in set(Kind) else Kind.TPO
    form = ConsentForm(request.POST or None, initial=initial_terms(kind, participant.organization.name))
    if request.method == "POST" and form.is_valid():
        now = timezone.now()
        try:
            consent = actions.record_consent(
                participant=participant,
                kind=form.cleaned_data["kind"],
                signed_on_paper=form.cleaned_data.get("signed_on_paper"),
                by=user,
                at=now,
                today=participant_today(participant, now),
                **form.terms(),
            )
        except ConsentError as err:
            put_error(form, err)
        else:
            messages.success(request, "Consent signed and in effect." if consent.is_signed else "Draft consent saved.")
            return redirect("consents:consent", consent.pk)
    return render(request, "consents/consent_form.html", {"participant": participant, "form": form, "editing": False})


@GET_POST
def edit_consent_view(request: HttpRequest, cpk: int) -> HttpResponse:
    user, consent = _row(request, Consent, cpk, Capability.MANAGE_CONSENTS)
    if consent.is_signed:
        messages.error(request, "A signed consent is never edited: revoke it and record a new one.")
        return redirect("consents:consent", consent.pk)
    initial = {name: getattr(consent, name) for name in actions.TERM_FIELDS}
    form = ConsentForm(request.POST or None, initial=initial, editing=True)
    if request.method == "GET":
        queries.audit_read(user=user, participant=consent.participant, obj=consent, summary="Opened a draft consent")
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_draft(consent=consent, by=user, at=timezone.now(), **form.terms())
        except ConsentError as err:
            put_error(form, err)
        else:
            messages.success(request, "Draft consent saved.")
            return redirect("consents:consent", consent.pk)
    context = {"participant": consent.participant, "form": form, "editing": True, "consent": consent}
    return render(request, "consents/consent_form.html", context)


@require_GET
def consent_view(request: HttpRequest, cpk: int) -> HttpResponse:
    """One consent: every element, its status today, and the forms that apply to it."""
    user, consent = _row(request, Consent, cpk, Capability.VIEW_PARTICIPANT)
    participant = consent.participant
    today = participant_today(participant, timezone.now())
    queries.audit_read(user=user, participant=participant, obj=consent, summary="Read a Part 2 consent")
    context = {
        "participant": participant,
        "consent": consent,
        "status": consent.status_on(today),
        "missing": [] if consent.is_signed else missing_elements(consent.terms),
        "can_manage": has_capability(user.role, Capability.MANAGE_CONSENTS),
        "attest_form": AttestForm(initial={"signed_on": today}, prefix="attest"),
        "revoke_form": RevokeForm(initial={"revoked_on": today}, prefix="revoke"),
        "event_form": ExpiryEventForm(initial={"happened_on": today}, prefix="event"),
        "disclosures": list(consent.disclosures.select_related("disclosed_by").order_by("-disclosed_on")),
    }
    return render(request, "consents/consent.html", context)


def _consent_action(
    request: HttpRequest, cpk: int, done: str, call: Any, form_class: Any = None, prefix: str = ""
) -> HttpResponse:
    """Validate the posted form (if any), call one action, and go back to the consent with its outcome."""
    user, consent = _row(request, Consent, cpk, Capability.MANAGE_CONSENTS)
    data: dict[str, Any] = {}
    if form_class is not None:
        form = form_class(request.POST, prefix=prefix)
        if not form.is_valid():
            messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
            return redirect("consents:consent", consent.pk)
        data = form.cleaned_data
    now = timezone.now()
    try:
        call(consent=consent, by=user, at=now, today=participant_today(consent.participant, now), **data)
    except ConsentError as err:
        messages.error(request, err.reason)
    else:
        messages.success(request, done)
    return redirect("consents:consent", consent.pk)


@require_POST
def attest_view(request: HttpRequest, cpk: int) -> HttpResponse:
    return _consent_action(
        request,
        cpk,
        "Paper signature attested: the consent is in effect.",
        actions.attest_paper_signature,
        AttestForm,
        "attest",
    )


@require_POST
def send_view(request: HttpRequest, cpk: int) -> HttpResponse:
    def send(*, consent: Consent, by: User, at: Any, today: Any) -> Consent:
        return actions.send_to_portal(consent=consent, by=by, at=at)

    return _consent_action(request, cpk, "Sent to the participant's portal to sign.", send)


@require_POST
def revoke_view(request: HttpRequest, cpk: int) -> HttpResponse:
    return _consent_action(request, cpk, "Revocation recorded.", actions.revoke_consent, RevokeForm, "revoke")


@require_POST
def expiry_event_view(request: HttpRequest, cpk: int) -> HttpResponse:
    return _consent_action(
        request, cpk, "Expiry event recorded.", actions.record_expiry_event, ExpiryEventForm, "event"
    )


def _offered(participant: Participant, data: Any, today: dt.date) -> tuple[dt.date, bool, list[Consent]]:
    """The day and counseling-notes flag asked for (default: today, no notes) and the consents covering them."""
    try:
        day = dt.date.fromisoformat(str(data.get("disclosed_on") or ""))
    except ValueError:
        day = today
    notes = data.get("includes_counseling_notes") in ("on", "true", "1", "True")
    return day, notes, queries.in_effect(participant, day, counseling_notes=notes)


@GET_POST
def new_disclosure_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a disclosure: under a consent covering that day, or a medical emergency or court order."""
    user, participant = _participant(request, pk, Capability.RECORD_DISCLOSURE)
    now = timezone.now()
    today = participant_today(participant, now)
    day, notes, consents = _offered(participant, request.POST, today)
    initial = {"disclosed_on": today, "basis": "consent"}
    # A posted consent that does not cover the disclosure reaches the rules, which say why it does not.
    accepted = [c for c in queries.consents_of(participant) if c.is_signed] if request.method == "POST" else consents
    form = DisclosureForm(request.POST or None, consents=accepted, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            disclosure = actions.record_disclosure(
                participant=participant, by=user, at=now, today=today, **form.cleaned_data
            )
        except ConsentError as err:
            put_error(form, err)
        else:
            messages.success(request, "Disclosure recorded. Send the cover sheet with the records.")
            return redirect("consents:cover", disclosure.pk)
    form.offer(consents)
    # Every rendering shows the consents in effect (a refused POST too): each is a read of the record.
    queries.audit_read(user=user, participant=participant, summary="Opened the disclosure form (consents in effect)")
    context = {"participant": participant, "form": form, "consents": consents, "day": day, "notes": notes}
    return render(request, "consents/disclosure_form.html", context)


@require_GET
def consent_options_view(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the consent choices of the disclosure form for the day and counseling-notes flag chosen."""
    user, participant = _participant(request, pk, Capability.RECORD_DISCLOSURE)
    today = participant_today(participant, timezone.now())
    day, notes, consents = _offered(participant, request.GET, today)
    form = DisclosureForm(consents=consents, initial={"consent": request.GET.get("consent")})
    queries.audit_read(user=user, participant=participant, summary="Listed the consents covering a disclosure")
    context = {"form": form, "consents": consents, "day": day, "notes": notes}
    return render(request, "consents/_consent_options.html", context)


@require_GET
def cover_view(request: HttpRequest, dpk: int) -> HttpResponse:
    """The printable cover sheet of a disclosure (the Part 2 notice and the consent's summary)."""
    user, disclosure = _row(request, Disclosure, dpk, Capability.VIEW_PARTICIPANT)
    queries.audit_read(
        user=user, participant=disclosure.participant, obj=disclosure, summary="Read a disclosure's cover sheet"
    )
    return render(request, "consents/cover.html", cover_context(disclosure))


@require_GET
def cover_pdf_view(request: HttpRequest, dpk: int) -> HttpResponse:
    user, disclosure = _row(request, Disclosure, dpk, Capability.VIEW_PARTICIPANT)
    queries.audit_read(
        user=user,
        participant=disclosure.participant,
        obj=disclosure,
        summary="Printed a disclosure's cover sheet",
        export=True,
    )
    filename = f"disclosure-{disclosure.participant.record_number}-{disclosure.pk}.pdf"
    return pdf_response("consents/cover_pdf.html", cover_context(disclosure), filename=filename)
