"""Forms of the safety pages. They check the shape of the input; every rule is the action's."""

from __future__ import annotations

from typing import Any

from django import forms

from cadence.accounts.models import User

from .models import AssessmentKind, Disposition, FlagKind, Severity, ShiftRole
from .rules import SafetyError

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ActionErrorMixin(forms.Form):
    def apply_error(self, err: SafetyError) -> None:
        self.add_error(err.field if err.field in self.fields else None, err.reason)


class RaiseFlagForm(ActionErrorMixin):
    kind = forms.ChoiceField(choices=FlagKind.choices, label="Risk")
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.HIGH)
    note = forms.CharField(max_length=300, required=False, label="Note (shown only inside Cadence)")


class ClearFlagForm(ActionErrorMixin):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Why the risk no longer applies")


class RaiseEventForm(ActionErrorMixin):
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.HIGH)
    summary = forms.CharField(max_length=300, label="Summary (short; shown only inside Cadence)")


class NoteForm(ActionErrorMixin):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AssessForm(ActionErrorMixin):
    assessment = forms.ChoiceField(choices=AssessmentKind.choices)
    disposition = forms.ChoiceField(choices=Disposition.choices)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReopenForm(ActionErrorMixin):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Why reopen")


class ShiftForm(ActionErrorMixin):
    staff = forms.ModelChoiceField(queryset=User.objects.none(), label="Staff member")
    role = forms.ChoiceField(choices=ShiftRole.choices, initial=ShiftRole.PRIMARY)
    starts_at = forms.DateTimeField(widget=DATETIME_WIDGET, label="Starts (site time)")
    ends_at = forms.DateTimeField(widget=DATETIME_WIDGET, label="Ends (site time)")

    def __init__(self, *args: Any, staff: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if staff is not None:
            self.fields["staff"].queryset = staff  # type: ignore[attr-defined]
