"""Curricula (topics by week) and note templates of the user's programs (MANAGE_CURRICULA)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, require
from cadence.accounts.request import staff_user
from cadence.accounts.scope import get_in_scope, visible_programs

from . import actions
from .forms import CurriculumForm, NoteTemplateForm, TopicForm
from .models import Curriculum, NoteTemplate
from .rules import NoteError

GET_POST = require_http_methods(["GET", "POST"])


def _manager(request: HttpRequest) -> User:
    user = staff_user(request)
    require(user, Capability.MANAGE_CURRICULA)
    return user


@GET_POST
def curricula_view(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    programs = visible_programs(user)
    form = CurriculumForm(request.POST or None, programs=programs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            curriculum = actions.create_curriculum(
                program=data["program"],
                name=data["name"],
                starts_on=data["starts_on"],
                service_type=data["service_type"],
                by=user,
                at=timezone.now(),
            )
        except NoteError as err:
            form.add_error(err.field if err.field in form.fields else None, err.reason)
        else:
            return redirect("notes:curriculum", pk=curriculum.pk)
    rows = Curriculum.objects.filter(program__in=programs).select_related("program__site", "service_type")
    return render(
        request, "notes/curricula.html", {"form": form, "curricula": rows}, status=400 if form.errors else 200
    )


@GET_POST
def curriculum_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A curriculum's topics by week; add or replace a week's topic."""
    user = _manager(request)
    curriculum = get_in_scope(user, Curriculum.objects.select_related("program", "service_type"), pk)
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_curriculum_topic(curriculum=curriculum, by=user, at=timezone.now(), **form.cleaned_data)
        except NoteError as err:
            form.add_error(err.field if err.field in form.fields else None, err.reason)
        else:
            messages.success(request, "Topic saved.")
            return redirect("notes:curriculum", pk=curriculum.pk)
    context = {"curriculum": curriculum, "topics": curriculum.topics.all(), "form": form}
    return render(request, "notes/curriculum.html", context, status=400 if form.errors else 200)


@GET_POST
def templates_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The note templates of the user's programs; create one, or edit ``pk``."""
    user = _manager(request)
    programs = visible_programs(user)
    template = get_in_scope(user, NoteTemplate.objects.all(), pk) if pk is not None else None
    initial = {}
    if template is not None:
        initial = {
            "program": template.program_id,
            "name": template.name,
            "kind": template.kind,
            "format": template.format,
            "service_type": template.service_type_id,
            **{f"s_{k}": v for k, v in template.sections.items()},
        }
    form = NoteTemplateForm(request.POST or None, initial=initial, programs=programs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = actions.save_note_template(
                program=data["program"],
                name=data["name"],
                kind=data["kind"],
                note_format=data["format"],
                sections=form.sections(),
                service_type=data["service_type"],
                by=user,
                at=timezone.now(),
                template=template,
            )
        except NoteError as err:
            form.add_error(None, err.reason)
        else:
            messages.success(request, f"Template {saved.name} saved.")
            return redirect("notes:templates")
    rows = NoteTemplate.objects.filter(program__in=programs).select_related("program__site", "service_type")
    context = {"form": form, "templates": rows, "editing": template}
    return render(request, "notes/templates.html", context, status=400 if form.errors else 200)
