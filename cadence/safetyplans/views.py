"""Staff pages of the safety plan: the participant's plan (current version, the draft being written with
htmx editing of each step, version history with what changed), signing, and the one-page PDF.

Every view fetches the participant through ``get_participant_for`` (404 and a DENIED audit entry out of
scope), then checks the capability (403): READ_CLINICAL_RECORD to read, WRITE_CLINICAL_RECORD to write.
Reads are audited; every change is one action (audited there).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, has_capability
from cadence.accounts.request import staff_user
from cadence.accounts.scope import out_of_scope
from cadence.core.pdf import pdf_response
from cadence.participants.models import Participant
from cadence.participants.queries import get_participant_for

from . import actions, queries
from .display import sections
from .forms import ItemForm, SignForm, StartForm
from .models import SafetyPlanVersion
from .pdf import pdf_context
from .rules import SECTION_KEYS, SafetyPlanError, choose_layout, signing_problems


def _participant(request: HttpRequest, pk: int, *, write: bool, purpose: str) -> tuple[User, Participant]:
    """The participant in scope (else 404, audited) whose safety plan the user may read, or write (else 403)."""
    user = staff_user(request)
    allowed = has_capability(user.role, Capability.WRITE_CLINICAL_RECORD if write else Capability.READ_CLINICAL_RECORD)
    # The read itself is audited by each view (``queries.audit_read``), naming the version read.
    participant = get_participant_for(user, pk, audit_view=False, purpose=purpose)
    if not allowed:
        raise PermissionDenied("Your role does not allow this (safety plans).")
    return user, participant


def _version(
    request: HttpRequest, vpk: int, *, write: bool, purpose: str
) -> tuple[User, Participant, SafetyPlanVersion]:
    user = staff_user(request)
    version = SafetyPlanVersion.objects.select_related("plan").filter(pk=vpk).first()
    if version is None:
        raise out_of_scope(user, "safetyplans.safetyplanversion", vpk, None)
    _user, participant = _participant(request, version.plan.participant_id, write=write, purpose=purpose)
    return user, participant, version


def _plan_url(participant_id: int) -> str:
    return reverse("safetyplans:plan", args=[participant_id])


def _editor_context(version: SafetyPlanVersion) -> dict[str, Any]:
    content = version.plan_content
    return {
        "draft": version,
        "draft_sections": sections(content),
        "problems": signing_problems(content, written_with_participant=True),
        "layout": choose_layout(content),
        "item_forms": {key: ItemForm(section=key, prefix=f"new-{key}") for key in SECTION_KEYS},
        "can_write": True,
    }


@require_GET
def plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant's safety plan: current version, the draft, and every version with its changes."""
    user, participant = _participant(request, pk, write=False, purpose="Opened the safety plan")
    versions = queries.versions_for(participant)
    current = next((v for v in versions if v.status == "signed"), None)
    draft = next((v for v in versions if v.status == "draft"), None)
    queries.audit_read(user=user, participant=participant, version=current, summary="Read the safety plan")
    can_write = has_capability(user.role, Capability.WRITE_CLINICAL_RECORD)
    context: dict[str, Any] = {
        "participant": participant,
        "current": current,
        "current_sections": sections(current.plan_content) if current else [],
        "history": queries.history(versions),
        "can_write": can_write,
        "start_form": StartForm(initial={"from_current": True}),
        "sign_form": SignForm(),
    }
    if draft is not None:
        context.update(_editor_context(draft))
        context["can_write"] = can_write
    return render(request, "safetyplans/plan.html", context)


@require_GET
def version_view(request: HttpRequest, vpk: int) -> HttpResponse:
    """One version as it was signed (or as it stands, for a draft), with what changed."""
    user, participant, version = _version(request, vpk, write=False, purpose="Opened a safety plan version")
    queries.audit_read(
        user=user, participant=participant, version=version, summary=f"Read safety plan version {version.number}"
    )
    changes = dict((v.pk, c) for v, c in queries.history(queries.versions_for(participant)))
    context = {
        "participant": participant,
        "version": version,
        "version_sections": sections(version.plan_content),
        "changes": changes.get(version.pk, []),
    }
    return render(request, "safetyplans/version.html", context)


@require_GET
def pdf_view(request: HttpRequest, vpk: int) -> HttpResponse:
    """The printable one-page PDF of a version (a draft prints with "DRAFT" on it)."""
    user, participant, version = _version(request, vpk, write=False, purpose="Printed a safety plan")
    queries.audit_read(
        user=user,
        participant=participant,
        version=version,
        summary=f"Printed safety plan version {version.number}",
        export=True,
    )
    context = pdf_context(participant, version)
    return pdf_response(
        "safetyplans/pdf.html", context, filename=f"safety-plan-{participant.record_number}-v{version.number}.pdf"
    )


@require_POST
def start_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, participant = _participant(request, pk, write=True, purpose="")
    form = StartForm(request.POST)
    from_current = form.is_valid() and bool(form.cleaned_data["from_current"])
    try:
        actions.start_draft(participant=participant, by=user, at=timezone.now(), from_current=from_current)
    except SafetyPlanError as err:
        messages.error(request, err.reason)
    else:
        messages.success(request, "Draft started. Write each step with the participant.")
    return redirect(_plan_url(participant.pk))


def _section_response(
    request: HttpRequest, version: SafetyPlanVersion, key: str, error: str = "", form: ItemForm | None = None
) -> HttpResponse:
    """htmx: the step's editor and, out of band, the signing checklist; otherwise back to the page."""
    if not request.headers.get("HX-Request") or version.is_locked:
        if error:
            messages.error(request, error)
        target = _plan_url(version.plan.participant_id) + f"#section-{key}"
        if request.headers.get("HX-Request"):  # signed meanwhile: reload the whole page, not one step
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return redirect(target)
    context = _editor_context(version)
    section = next(s for s in context["draft_sections"] if s.key == key)
    if form is not None:
        context["item_forms"][key] = form
    context.update({"section": section, "error": error, "oob": True})
    return render(request, "safetyplans/_section_editor.html", context)


@require_POST
def add_item_view(request: HttpRequest, vpk: int, section: str) -> HttpResponse:
    user, _participant_row, version = _version(request, vpk, write=True, purpose="")
    if section not in SECTION_KEYS:
        raise out_of_scope(user, "safetyplans.section", section, None)
    form = ItemForm(request.POST, section=section, prefix=f"new-{section}")
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return _section_response(request, version, section, errors, form)
    try:
        version = actions.add_item(version=version, section=section, item=form.item(), by=user, at=timezone.now())
    except SafetyPlanError as err:
        return _section_response(request, version, section, err.reason, form)
    return _section_response(request, version, section)


@require_POST
def edit_item_view(request: HttpRequest, vpk: int, section: str, index: int) -> HttpResponse:
    user, _participant_row, version = _version(request, vpk, write=True, purpose="")
    if section not in SECTION_KEYS:
        raise out_of_scope(user, "safetyplans.section", section, None)
    form = ItemForm(request.POST, section=section, prefix=f"item-{section}-{index}")
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return _section_response(request, version, section, errors)
    try:
        version = actions.replace_item(
            version=version, section=section, index=index, item=form.item(), by=user, at=timezone.now()
        )
    except SafetyPlanError as err:
        return _section_response(request, version, section, err.reason)
    return _section_response(request, version, section)


@require_POST
def remove_item_view(request: HttpRequest, vpk: int, section: str, index: int) -> HttpResponse:
    user, _participant_row, version = _version(request, vpk, write=True, purpose="")
    if section not in SECTION_KEYS:
        raise out_of_scope(user, "safetyplans.section", section, None)
    try:
        version = actions.remove_item(version=version, section=section, index=index, by=user, at=timezone.now())
    except SafetyPlanError as err:
        return _section_response(request, version, section, err.reason)
    return _section_response(request, version, section)


@require_POST
def sign_view(request: HttpRequest, vpk: int) -> HttpResponse:
    """The clinician signs the draft (and, if ticked, attests the participant's paper signature)."""
    user, participant, version = _version(request, vpk, write=True, purpose="")
    form = SignForm(request.POST)
    form.is_valid()
    try:
        signed = actions.sign_as_clinician(
            version=version,
            by=user,
            at=timezone.now(),
            written_with_participant=bool(form.cleaned_data.get("written_with_participant")),
            participant_signed_on_paper=bool(form.cleaned_data.get("participant_signed_on_paper")),
        )
    except SafetyPlanError as err:
        messages.error(request, err.reason)
    else:
        if signed.status == "signed":
            messages.success(request, f"Version {signed.number} is signed and is now the participant's safety plan.")
        else:
            messages.success(request, f"Version {signed.number} is signed; it waits for the participant's signature.")
    return redirect(_plan_url(participant.pk))


@require_POST
def attest_view(request: HttpRequest, vpk: int) -> HttpResponse:
    """The clinician attests that the participant signed the printed version on paper."""
    user, participant, version = _version(request, vpk, write=True, purpose="")
    try:
        actions.attest_paper_signature(version=version, by=user, at=timezone.now())
    except SafetyPlanError as err:
        messages.error(request, err.reason)
    else:
        messages.success(request, f"Version {version.number} is now the participant's safety plan.")
    return redirect(_plan_url(participant.pk))


@require_POST
def reopen_view(request: HttpRequest, vpk: int) -> HttpResponse:
    user, participant, version = _version(request, vpk, write=True, purpose="")
    try:
        actions.reopen_draft(version=version, by=user, at=timezone.now())
    except SafetyPlanError as err:
        messages.error(request, err.reason)
    else:
        messages.success(request, f"Version {version.number} is open for editing again.")
    return redirect(_plan_url(participant.pk))
