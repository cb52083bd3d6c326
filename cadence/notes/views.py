"""HTML pages of clinical notes: a session's notes, the group note (htmx save per section), the progress
note, sign / co-sign / return / addendum, a participant's notes in their chart (and as a PDF), and the
co-sign queue.

Each view fetches through an access-checking helper in ``queries`` (403 without READ_CLINICAL_RECORD, an
audited 404 out of scope, an audit VIEW/LIST entry for every read), validates a form, calls one action
and responds; an action's refusal is shown with its reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.accounts.models import User
from cadence.accounts.request import staff_user
from cadence.attendance.models import Attendance, AttendanceStatus
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.core.pdf import pdf_response
from cadence.participants.models import Participant
from cadence.participants.queries import get_participant_for
from cadence.plans.models import Goal
from cadence.scheduling.models import ServiceFormat

from . import actions, queries, rules
from .forms import (
    AddendumForm,
    DateRangeForm,
    GroupSharedForm,
    MemberSectionForm,
    ProgressNoteForm,
    ReturnForm,
    SignForm,
)
from .models import GroupNote, GroupNoteMember, ProgressNote
from .rules import NoteError

GET_POST = require_http_methods(["GET", "POST"])


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _reader(request: HttpRequest) -> User:
    user = staff_user(request)
    if not queries.can_read(user):
        raise PermissionDenied("Your role does not allow this (read clinical record).")
    return user


def _writer(request: HttpRequest) -> User:
    user = _reader(request)
    if not queries.can_write(user):
        raise PermissionDenied("Your role does not allow this (write clinical record).")
    return user


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure()):
        return redirect(wanted)
    return redirect(fallback)


def note_url(note: ProgressNote | GroupNote) -> str:
    if isinstance(note, ProgressNote):
        return reverse("notes:progress", args=[note.pk])
    return reverse("notes:group", args=[note.pk])


def _flags(user: User, note: ProgressNote | GroupNote) -> dict[str, bool]:
    """What the page offers the user, decided by the rules the actions enforce."""
    actor = actions.actor_of(user)
    return {
        "editable": rules.may_edit(status=note.status, author_id=note.author_id, actor=actor),
        "can_cosign": rules.may_cosign(status=note.status, author=actions.author_of(note.author), actor=actor),
        "can_add": rules.may_add_addendum(status=note.status, actor=actor),
    }


def _local(value: dt.datetime, note_session: Any) -> dt.datetime:
    return value.astimezone(note_session.program.site.zone)


# --- A session's notes -----------------------------------------------------------------------------


@require_GET
def session_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A group session: its group note (or a button to start it); a one-to-one session: the progress
    note of each participant marked present."""
    user = _reader(request)
    session = queries.get_session_for(user, pk)
    if session.service_type.format == ServiceFormat.GROUP:
        note = GroupNote.objects.filter(session=session).first()
        if note is not None:
            return redirect("notes:group", pk=note.pk)
        context = {"session": session, "start": _local(session.starts_at, session), "attendees": None}
    else:
        context = {
            "session": session,
            "start": _local(session.starts_at, session),
            "attendees": queries.progress_attendees(user, session),
        }
    context["can_write"] = queries.can_write(user)
    return render(request, "notes/session.html", context)


@require_POST
def start_group_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _writer(request)
    session = queries.get_session_for(user, pk)
    try:
        note = actions.start_group_note(session=session, by=user, at=timezone.now())
    except NoteError as err:
        messages.error(request, err.reason)
        return redirect("notes:session", pk=session.pk)
    return redirect("notes:group", pk=note.pk)


@require_POST
def start_progress_view(request: HttpRequest, pk: int, participant_id: int) -> HttpResponse:
    user = _writer(request)
    session = queries.get_session_for(user, pk)
    participant = get_participant_for(user, participant_id, audit_view=False)
    try:
        note = actions.start_progress_note(
            session=session,
            participant=participant,
            by=user,
            at=timezone.now(),
            note_format=request.POST.get("format", ""),
        )
    except NoteError as err:
        messages.error(request, err.reason)
        return redirect("notes:session", pk=session.pk)
    return redirect("notes:progress", pk=note.pk)


# --- Group note ------------------------------------------------------------------------------------


def _member_forms(members: list[GroupNoteMember], goals: dict[int, list[Goal]]) -> list[MemberSectionForm]:
    forms = []
    for m in members:
        initial = {
            "participation": m.participation,
            "response": m.response,
            "goal_progress": m.goal_progress,
            "plan_changes": m.plan_changes,
            "goals": [g.pk for g in m.goals.all()],
        }
        forms.append(MemberSectionForm(initial=initial, prefix=f"m{m.pk}", goals=goals.get(m.participant_id, [])))
    return forms


def _roster_changes(members: list[GroupNoteMember], marks: dict[int, Attendance]) -> rules.RosterChanges:
    """The "attendance has changed" notice from the sections and marks the page has already loaded."""
    return rules.roster_changes(
        [pid for pid, mark in marks.items() if mark.status == AttendanceStatus.PRESENT],
        [m.participant_id for m in members if m.on_roster],
        [m.participant_id for m in members if not m.on_roster],
    )


def _group_context(user: User, note: GroupNote) -> dict[str, Any]:
    members = queries.members_of(note)
    flags = _flags(user, note)
    editable = flags["editable"]
    goals = actions.current_goals([m.participant_id for m in members]) if editable else {}
    leaks = actions.member_leaks(members)
    marks = queries.attendance_of(note.session)
    changes = _roster_changes(members, marks) if editable else rules.RosterChanges()
    forms = _member_forms(members, goals) if editable else [None] * len(members)
    rows = [
        {"member": m, "form": f, "leaks": leaks.get(m.participant_id, []), "mark": marks.get(m.participant_id)}
        for m, f in zip(members, forms, strict=True)
    ]
    shared = GroupSharedForm(initial=note.shared()) if editable else None
    return {
        "note": note,
        "session": note.session,
        "start": _local(note.session.starts_at, note.session),
        "rows": rows,
        "shared_form": shared,
        "leak_count": len(leaks),
        "confirmed_leaks": note.leak_warnings,
        "addenda": queries.addenda_of(note, everyone=True),
        "sign_form": SignForm(),
        "return_form": ReturnForm(),
        "addendum_form": AddendumForm(members=[(m.pk, m.participant.display_name) for m in members]),
        "roster_pending": {"added": len(changes.added), "off": len(changes.off), "back": len(changes.back)},
        "roster_changed": bool(changes),
        **flags,
    }


@require_GET
def group_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole group note: shared part and one section per member (the read is audited with every
    member's id). Its author edits an unsigned note here; when attendance has changed since the sections
    were made, the page says so and offers to update them (signing updates them too)."""
    user = _reader(request)
    note = queries.get_group_note_for(user, pk)
    return render(request, "notes/group.html", _group_context(user, note))


@require_POST
def group_roster_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Bring an unsigned group note's sections in line with attendance (its author only)."""
    user = _writer(request)
    note = queries.get_group_note_for(user, pk, audit=False)
    try:
        added, off = actions.update_group_roster(note=note, by=user, at=timezone.now())
    except NoteError as err:
        messages.error(request, err.reason)
    else:
        messages.success(request, f"Members updated: {len(added)} added, {len(off)} marked off the roster.")
    return redirect("notes:group", pk=note.pk)


@require_POST
def group_shared_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _writer(request)
    note = queries.get_group_note_for(user, pk, audit=False)
    form = GroupSharedForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            note = actions.save_group_shared(note=note, by=user, at=timezone.now(), **form.cleaned_data)
        except NoteError as err:
            error = err.reason
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect("notes:group", pk=note.pk)
    context = {"note": note, "shared_form": form, "error": error, "saved": not error and form.is_valid()}
    return render(request, "notes/_shared.html", context, status=400 if error or not form.is_valid() else 200)


@require_POST
def group_member_view(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """Save one member's section (htmx: answers the section with its name-leak warning, if any)."""
    user = _writer(request)
    note = queries.get_group_note_for(user, pk, audit=False)
    member = GroupNoteMember.objects.select_related("participant").filter(pk=member_pk, group_note=note).first()
    if member is None:
        raise Http404("Not found")
    goals = actions.current_goals([member.participant_id])[member.participant_id]
    form = MemberSectionForm(request.POST, prefix=f"m{member.pk}", goals=goals)
    error, leaks = "", []
    if form.is_valid():
        data = form.cleaned_data
        try:
            leaks = actions.save_member_section(
                member=member,
                by=user,
                at=timezone.now(),
                participation=data["participation"],
                response=data["response"],
                goal_progress=data["goal_progress"],
                plan_changes=data["plan_changes"],
                goal_ids=data["goals"],
            )
        except NoteError as err:
            error = err.reason
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        elif leaks:
            messages.warning(request, f"{member.participant.display_name}'s section names {', '.join(leaks)}.")
        return redirect("notes:group", pk=note.pk)
    row = {
        "member": member,
        "form": form,
        "leaks": leaks,
        "mark": queries.attendance_of(note.session).get(member.participant_id),
    }
    context = {"note": note, "row": row, "editable": True, "error": error, "saved": not error and form.is_valid()}
    return render(request, "notes/_member.html", context, status=400 if error or not form.is_valid() else 200)


# --- Progress note ---------------------------------------------------------------------------------


def _participant_goals(note: ProgressNote) -> list[Goal]:
    return actions.current_goals([note.participant_id])[note.participant_id]


@GET_POST
def progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Read a progress note (audited); its author edits a draft or returned note here."""
    user = _reader(request)
    note = queries.get_progress_note_for(user, pk, audit=request.method == "GET")
    flags = _flags(user, note)
    editable = flags["editable"]
    chosen = request.POST.get("format", note.format) if request.method == "POST" else note.format
    chosen = chosen if chosen in rules.FORMAT_SECTIONS else note.format
    initial = {"format": note.format, **note.sections, "goals": [g.pk for g in note.goals.all()]}
    form = ProgressNoteForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        note_format=chosen,
        goals=_participant_goals(note),
    )
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("This note is locked, or not yours to edit; add an addendum instead.")
        if form.is_valid():
            try:
                actions.save_progress_note(
                    note=note,
                    by=user,
                    at=timezone.now(),
                    sections=form.sections(),
                    note_format=chosen,
                    goal_ids=form.cleaned_data["goals"],
                )
            except NoteError as err:
                form.add_error(err.field if err.field in form.fields else None, err.reason)
            else:
                messages.success(request, "Note saved.")
                return redirect("notes:progress", pk=note.pk)
    context = {
        "note": note,
        "session": note.session,
        "participant": note.participant,
        "start": _local(note.session.starts_at, note.session),
        "form": form,
        "goals": list(note.goals.all()),
        "mark": queries.attendance_of(note.session).get(note.participant_id),
        "addenda": queries.addenda_of(note),
        "return_form": ReturnForm(),
        "addendum_form": AddendumForm(),
        **flags,
    }
    return render(request, "notes/progress.html", context, status=400 if form.errors else 200)


# --- Sign, co-sign, return, addendum (both kinds) --------------------------------------------------


@require_POST
def sign_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    user = _writer(request)
    note = queries.get_note_for(user, kind, pk)
    form = SignForm(request.POST)
    confirm = form.is_valid() and form.cleaned_data["confirm_leaks"]
    try:
        if isinstance(note, GroupNote):
            note = actions.sign_group_note(note=note, by=user, at=timezone.now(), confirm_leaks=confirm)
        else:
            note = actions.sign_progress_note(note=note, by=user, at=timezone.now())
    except NoteError as err:
        messages.error(request, err.reason)
    else:
        messages.success(request, f"Note signed: {note.status_label.lower()}.")
    return redirect(note_url(note))


@require_POST
def cosign_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    user = _reader(request)
    note = queries.get_note_for(user, kind, pk)
    try:
        actions.cosign_note(note=note, by=user, at=timezone.now())
    except NoteError as err:
        messages.error(request, err.reason)
        return redirect(note_url(note))
    messages.success(request, "Note co-signed.")
    return _back(request, note_url(note))


@require_POST
def return_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    user = _reader(request)
    note = queries.get_note_for(user, kind, pk)
    try:
        actions.return_note(note=note, by=user, at=timezone.now(), comment=request.POST.get("comment", ""))
    except NoteError as err:
        messages.error(request, err.reason)
        return redirect(note_url(note))
    messages.success(request, "Note returned to its author.")
    return _back(request, note_url(note))


@require_POST
def addendum_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    user = _writer(request)
    note = queries.get_note_for(user, kind, pk)
    member = None
    raw = request.POST.get("member", "")
    if isinstance(note, GroupNote) and raw.isdigit():
        member = GroupNoteMember.objects.filter(pk=int(raw), group_note=note).first()
        if member is None:
            raise Http404("Not found")
    try:
        actions.add_addendum(
            note=note,
            by=user,
            at=timezone.now(),
            reason=request.POST.get("reason", ""),
            text=request.POST.get("text", ""),
            member=member,
        )
    except NoteError as err:
        messages.error(request, err.reason)
    else:
        messages.success(request, "Addendum added.")
    return _back(request, note_url(note))


# --- A participant's chart -------------------------------------------------------------------------


def _range(request: HttpRequest) -> tuple[DateRangeForm, dt.date | None, dt.date | None]:
    form = DateRangeForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data.get("starts_on"), form.cleaned_data.get("ends_on")
    return form, None, None


@require_GET
def chart_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant's notes, newest first, paged and filtered by date; a group note shows only its
    shared part and this participant's section (audited LIST with the count)."""
    user = _reader(request)
    participant = get_participant_for(user, pk, purpose="Opened clinical notes")
    form, starts_on, ends_on = _range(request)
    found = queries.chart_notes(
        user, participant, starts_on=starts_on, ends_on=ends_on, page=request.GET.get("page", 1)
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"participant": participant, "form": form, "found": found, "query": query.urlencode()}
    return render(request, "notes/chart.html", context)


@require_GET
def chart_group_view(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    """A group note as the member's chart shows it: the shared part and this member's section only."""
    user = _reader(request)
    participant: Participant = get_participant_for(user, pk, audit_view=False)
    member = queries.get_member_section_for(user, participant, note_pk)
    note = member.group_note
    context = {
        "participant": participant,
        "note": note,
        "member": member,
        "session": note.session,
        "start": _local(note.session.starts_at, note.session),
        "addenda": queries.addenda_of(note, member=member),
        "leaks": note.leak_warnings.get(str(participant.pk), []),
    }
    return render(request, "notes/chart_group.html", context)


@require_GET
def chart_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant's notes over a date range as a PDF (Part 2 notice on every page); audited EXPORT."""
    user = _reader(request)
    participant = get_participant_for(user, pk, audit_view=False)
    form, starts_on, ends_on = _range(request)
    if form.is_bound and not form.is_valid():
        messages.error(request, "Choose a valid date range.")
        return redirect("notes:chart", pk=pk)
    rows = queries.chart_notes_for_document(participant, starts_on=starts_on, ends_on=ends_on)
    queries.attach_addenda(rows)
    record(
        action=AuditAction.EXPORT,
        actor=user,
        obj=participant,
        participant_id=participant.pk,
        summary=f"PDF of clinical notes: {len(rows)} note(s)",
        changes={"from": starts_on, "to": ends_on},
    )
    context = {
        "participant": participant,
        "rows": rows,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "printed_at": timezone.now(),
        "printed_by": user,
    }
    return pdf_response("notes/chart.pdf.html", context, filename=f"notes-{participant.record_number}.pdf")


# --- Co-sign queue ---------------------------------------------------------------------------------


@require_GET
def queue_view(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    notes = queries.cosign_queue(user)
    record(action=AuditAction.LIST, actor=user, object_type="notes.note", summary=f"Notes to co-sign: {len(notes)}")
    return render(request, "notes/queue.html", {"notes": notes, "return_form": ReturnForm()})
