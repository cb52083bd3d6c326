"""Forms of the notes pages. They only shape input; the rules live in ``rules`` and ``actions``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet

from cadence.plans.models import Goal
from cadence.programs.models import Program
from cadence.scheduling.models import ServiceFormat, ServiceType

from . import rules
from .models import NoteFormat, TemplateKind

TEXT = {"rows": 3}


def _goal_field(goals: list[Goal]) -> forms.TypedMultipleChoiceField:
    """The participant's current plan goals as checkboxes (choices from a list already loaded, so a
    page with many sections runs no query per section)."""
    return forms.TypedMultipleChoiceField(
        choices=[(g.pk, f"Goal {g.number}: {g.text}") for g in goals],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Plan goals addressed",
    )


class ProgressNoteForm(forms.Form):
    """The format and one text box per section of the chosen format, plus the goals addressed."""

    format = forms.ChoiceField(choices=NoteFormat.choices, label="Format")

    def __init__(self, *args: Any, note_format: str, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.note_format = note_format
        for key, label, prompt in rules.FORMAT_SECTIONS[note_format]:
            self.fields[key] = forms.CharField(
                label=label, help_text=prompt, required=False, widget=forms.Textarea(attrs={"rows": 5})
            )
        self.fields["goals"] = _goal_field(goals)

    def sections(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key, "") for key in rules.section_keys(self.note_format)}

    def section_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in rules.section_keys(self.note_format)]


class GroupSharedForm(forms.Form):
    topic = forms.CharField(max_length=200, required=False)
    curriculum = forms.CharField(max_length=200, required=False, help_text="Curriculum and week, as delivered.")
    methods = forms.CharField(max_length=300, required=False, help_text="CBT, DBT, MI, mindfulness, role-play...")
    group_dynamics = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="How the group worked together today."
    )


class MemberSectionForm(forms.Form):
    participation = forms.CharField(required=False, widget=forms.Textarea(attrs=TEXT))
    response = forms.CharField(required=False, widget=forms.Textarea(attrs=TEXT), label="Response to the session")
    goal_progress = forms.CharField(
        required=False, widget=forms.Textarea(attrs=TEXT), label="Progress on their own goals"
    )
    plan_changes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Plan changes")

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goals"] = _goal_field(goals)


class SignForm(forms.Form):
    confirm_leaks = forms.BooleanField(
        required=False, label="I have checked the warnings: sign with these names in members' sections"
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(widget=forms.Textarea(attrs=TEXT), label="What should the author change?")


class AddendumForm(forms.Form):
    reason = forms.CharField(max_length=300, label="Why is this addendum needed?")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Addendum")
    member = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Part of the note")

    def __init__(self, *args: Any, members: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if members is None:
            del self.fields["member"]
        else:
            self.fields["member"].choices = [("", "The shared part"), *members]  # type: ignore[attr-defined]


class DateRangeForm(forms.Form):
    starts_on = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if isinstance(starts, dt.date) and isinstance(ends, dt.date) and ends < starts:
            self.add_error("ends_on", "The end comes before the start.")
        return data


def _group_services() -> QuerySet[ServiceType]:
    return ServiceType.objects.filter(format=ServiceFormat.GROUP, active=True)


class CurriculumForm(forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.none())
    name = forms.CharField(max_length=120)
    service_type = forms.ModelChoiceField(
        queryset=ServiceType.objects.none(), required=False, label="Group", empty_label="Any group"
    )
    starts_on = forms.DateField(label="Week 1 starts on", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, programs: QuerySet[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]
        self.fields["service_type"].queryset = _group_services()  # type: ignore[attr-defined]


class TopicForm(forms.Form):
    week = forms.IntegerField(min_value=1, max_value=104)
    topic = forms.CharField(max_length=200)
    methods = forms.CharField(max_length=300, required=False)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


TEMPLATE_KEYS: tuple[tuple[str, str], ...] = (
    ("topic", "Topic (group)"),
    ("methods", "Methods (group)"),
    ("group_dynamics", "Group dynamics (group)"),
    ("data", "Data (DAP)"),
    ("subjective", "Subjective (SOAP)"),
    ("objective", "Objective (SOAP)"),
    ("behavior", "Behavior (BIRP)"),
    ("intervention", "Intervention (BIRP)"),
    ("assessment", "Assessment (DAP, SOAP)"),
    ("response", "Response (BIRP)"),
    ("plan", "Plan (DAP, SOAP, BIRP)"),
)


class NoteTemplateForm(forms.Form):
    """A template's starting text: fill the boxes of its kind (and format); leave the others empty."""

    program = forms.ModelChoiceField(queryset=Program.objects.none())
    name = forms.CharField(max_length=120)
    kind = forms.ChoiceField(choices=TemplateKind.choices)
    format = forms.ChoiceField(choices=NoteFormat.choices, help_text="For progress notes.")
    service_type = forms.ModelChoiceField(
        queryset=ServiceType.objects.filter(active=True), required=False, label="Service", empty_label="Any service"
    )

    def __init__(self, *args: Any, programs: QuerySet[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]
        for key, label in TEMPLATE_KEYS:
            self.fields[f"s_{key}"] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def sections(self) -> dict[str, str]:
        return {
            key: self.cleaned_data[f"s_{key}"] for key, _label in TEMPLATE_KEYS if self.cleaned_data.get(f"s_{key}")
        }

    def section_fields(self) -> list[forms.BoundField]:
        return [self[f"s_{key}"] for key, _label in TEMPLATE_KEYS]
