"""The participant's own treatment plan on the portal (/me/plan/), phone first, English and Spanish.

The participant comes from the signed-in login (``cadence.portal.views.portal_participant``), never from the URL: the
plan shown is always their own. The signing page takes a revision id, which must belong to the
participant's own plan (anything else is an audited 404). Every page that shows plan content writes a
VIEW audit entry under the participant's login; the signature is audited by its action.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cadence.accounts.models import User
from cadence.accounts.scope import out_of_scope
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Participant
from cadence.portal.views import portal_participant
from cadence.portal.wording import short_date
from cadence.portal.wording import words as portal_words

from . import actions, queries
from .forms import PortalSignForm
from .models import ParticipantSignature, PlanRevision, PlanStatus, RevisionStatus, TreatmentPlan
from .portal_display import plan_view as display
from .rules import PlanError
from .wording import words


def _page(request: HttpRequest, template: str, lang: str, **context: object) -> HttpResponse:
    return render(request, template, {"lang": lang, "t": portal_words(lang), "tp": words(lang), **context})


def _audit_read(user: User, participant: Participant, obj: PlanRevision | TreatmentPlan | None, summary: str) -> None:
    record(
        action=AuditAction.VIEW,
        actor=user,
        obj=obj,
        object_type="" if obj is not None else "plans.treatmentplan",
        participant_id=participant.pk,
        summary=summary,
    )


def _revision_context(plan: TreatmentPlan, revision: PlanRevision, lang: str) -> dict[str, object]:
    zone = plan.episode.program.site.zone
    you_signed = ""
    if revision.participant_signed_at is not None:
        day = short_date(revision.participant_signed_at.astimezone(zone).date(), lang)
        you_signed = words(lang)["you_signed"].format(day=day)
    signed_day = revision.clinician_signed_at.astimezone(zone).date() if revision.clinician_signed_at else None
    clinician = revision.clinician_signed_by.display_name if revision.clinician_signed_by else ""
    view = display(revision.snapshot, lang)
    primary = plan.episode.primary_clinician
    return {
        "revision": revision,
        "view": view,
        # Who is responsible: the primary clinician, then anyone else the plan names for an intervention.
        "clinician": words(lang)["my_clinician"].format(name=primary.display_name) if primary else "",
        "others": [name for name in view.responsible if primary is None or name != primary.display_name],
        "signed_line": words(lang)["signed_line"].format(
            number=revision.number, clinician=clinician, day=short_date(signed_day, lang) if signed_day else ""
        ),
        "you_signed": you_signed,
    }


@require_GET
def plan_view(request: HttpRequest) -> HttpResponse:
    """The current signed plan in plain words; a "Sign my plan" step when a signed revision waits for the
    participant's signature."""
    user, participant, lang = portal_participant(request)
    plan = queries.plan_for_participant(participant)
    current = (
        plan.revisions.filter(status=RevisionStatus.CURRENT).select_related("clinician_signed_by").first()
        if plan is not None
        else None
    )
    waiting = queries.awaiting_participant(plan)
    _audit_read(user, participant, current or plan, "Participant opened their treatment plan")
    context: dict[str, object] = {"plan": plan, "waiting": waiting, "current": current}
    if plan is not None and current is not None:
        context.update(_revision_context(plan, current, lang))
        context["closed"] = plan.status == PlanStatus.CLOSED
        review = None if plan.status == PlanStatus.CLOSED else queries.review_for(plan)
        context["next_review"] = words(lang)["review_on"].format(day=short_date(review.due_on, lang)) if review else ""
    return _page(request, "plans/portal_plan.html", lang, **context)


@require_http_methods(["GET", "POST"])
def sign_view(request: HttpRequest, revision_id: int) -> HttpResponse:
    """The revision the clinician signed, to read and sign ("I have read my plan and agree")."""
    user, participant, lang = portal_participant(request)
    revision = (
        PlanRevision.objects.select_related(
            "plan__episode__program__site", "plan__episode__primary_clinician", "clinician_signed_by"
        )
        .filter(pk=revision_id, plan__participant=participant)
        .first()
    )
    if revision is None:
        raise out_of_scope(user, "plans.planrevision", revision_id)
    plan = revision.plan
    waiting = queries.awaiting_participant(plan)
    if waiting is None or waiting.pk != revision.pk:
        messages.info(request, words(lang)["nothing_to_sign"])
        return redirect("plans_portal:plan")
    form = PortalSignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_participant_signature(
                revision=revision, method=ParticipantSignature.PORTAL, by=user, at=timezone.now()
            )
        except PlanError as err:
            messages.error(request, err.reason)
        else:
            messages.success(request, words(lang)["signed_thanks"])
        return redirect("plans_portal:plan")
    _audit_read(user, participant, revision, f"Participant read treatment plan revision {revision.number} to sign")
    return _page(
        request, "plans/portal_sign.html", lang, form=form, plan=plan, **_revision_context(plan, revision, lang)
    )
