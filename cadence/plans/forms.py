"""Forms of the plan pages. They check shapes; the rules (measurable objective, signable plan...) are the
actions' and come back as field errors."""

from __future__ import annotations

from typing import Any

from django import forms

from cadence.accounts.models import User
from cadence.participants.forms import clinicians_of
from cadence.participants.models import Diagnosis
from cadence.scheduling.models import ServiceType

from .models import AsamDimension, Goal, Method, Objective, ObjectiveStatus, Problem, RevisionKind, TreatmentPlan
from .rules import MEASURABLE_HINT

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 2})


class StaffChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class ProblemForm(forms.Form):
    text = forms.CharField(label="Problem", widget=TEXT, max_length=2000)
    diagnosis = forms.ModelChoiceField(queryset=Diagnosis.objects.none(), required=False, label="Linked diagnosis")
    asam_dimension = forms.ChoiceField(
        choices=[("", "None")] + list(AsamDimension.choices), required=False, label="ASAM dimension"
    )

    def __init__(self, *args: Any, plan: TreatmentPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["diagnosis"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = Diagnosis.objects.filter(participant_id=plan.participant_id, resolved_on__isnull=True)


class GoalForm(forms.Form):
    text = forms.CharField(
        label="Goal (in the participant's own words)",
        widget=TEXT,
        max_length=2000,
        help_text="Quote the participant, e.g. “I want to get my kids back for weekends.”",
    )
    problem = forms.ModelChoiceField(queryset=Problem.objects.none(), label="Problem")

    def __init__(self, *args: Any, plan: TreatmentPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["problem"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = Problem.objects.filter(plan=plan, removed_at__isnull=True)


class ObjectiveForm(forms.Form):
    text = forms.CharField(label="Objective (measurable)", widget=TEXT, max_length=2000, help_text=MEASURABLE_HINT)
    target_on = forms.DateField(
        label="Target date", widget=DATE, error_messages={"required": "An objective needs a target date."}
    )


class ObjectiveStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ObjectiveStatus.choices, label="Status")


class InterventionForm(forms.Form):
    method = forms.ChoiceField(choices=Method.choices, label="Method")
    frequency = forms.CharField(label="Frequency", max_length=100, help_text="e.g. '3 groups a week', 'weekly'.")
    responsible = StaffChoice(queryset=User.objects.none(), label="Responsible staff")
    objective = forms.ModelChoiceField(queryset=Objective.objects.none(), required=False, label="For objective")
    description = forms.CharField(label="Description", widget=TEXT, required=False, max_length=2000)

    def __init__(self, *args: Any, plan: TreatmentPlan, goal: Goal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        responsible = self.fields["responsible"]
        objective = self.fields["objective"]
        assert isinstance(responsible, forms.ModelChoiceField)  # noqa: S101
        assert isinstance(objective, forms.ModelChoiceField)  # noqa: S101
        responsible.queryset = clinicians_of(plan.participant.organization_id)
        objective.queryset = Objective.objects.filter(goal=goal, removed_at__isnull=True)


class ServiceForm(forms.Form):
    service_type = forms.ModelChoiceField(queryset=ServiceType.objects.filter(active=True), label="Service")
    sessions_per_week = forms.IntegerField(label="Sessions a week", min_value=1, max_value=21)
    minutes_per_session = forms.IntegerField(
        label="Minutes a session",
        min_value=5,
        max_value=720,
        required=False,
        help_text="Empty: the service's usual length.",
    )


class ReviewDaysForm(forms.Form):
    review_days = forms.IntegerField(label="Review every (days)", min_value=1, max_value=365)


class StartReviewForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(RevisionKind.REVIEW, "Scheduled review"), (RevisionKind.LEVEL_CHANGE, "Level-of-care change")],
        label="Reason",
    )
    note = forms.CharField(label="Progress summary", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class SignForm(forms.Form):
    review_note = forms.CharField(
        label="Review summary (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    confirm = forms.BooleanField(label="I reviewed this plan with the participant and sign it as the clinician.")


class ParticipantSignatureForm(forms.Form):
    confirm = forms.BooleanField(label="I saw the participant sign the printed plan.")


class PortalSignForm(forms.Form):
    """The participant's "I have read my plan and agree" box on the portal."""

    confirm = forms.BooleanField(required=True)
