from __future__ import annotations

from typing import Any

from django import forms

from cadence.accounts.models import User

from .models import AuditAction
from .queries import AuditFilter


class _DateInput(forms.DateInput):
    input_type = "date"


class _StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.username} ({obj.display_name})"


class AuditFilterForm(forms.Form):
    """The audit log's filters (GET). Dates are days in the time zone the page shows times in."""

    participant = forms.CharField(label="Participant (record number or id)", required=False, max_length=40, strip=True)
    actor = _StaffChoiceField(label="Staff member", queryset=User.objects.none(), required=False, empty_label="Anyone")
    action = forms.ChoiceField(label="Action", required=False, choices=[("", "Any action"), *AuditAction.choices])
    date_from = forms.DateField(label="From", required=False, widget=_DateInput())
    date_to = forms.DateField(label="To (inclusive)", required=False, widget=_DateInput())

    def __init__(self, *args: Any, viewer: User, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        # Former staff stay listed: their past actions are still audited.
        org_id = viewer.organization_id
        staff = User.objects.none() if org_id is None else User.objects.filter(organization_id=org_id)
        self.fields["actor"].queryset = staff.order_by("username")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def to_filter(self) -> AuditFilter:
        """The validated filter; call after ``is_valid()``."""
        data = self.cleaned_data
        actor = data.get("actor")
        return AuditFilter(
            participant=data.get("participant") or "",
            actor_id=actor.pk if actor is not None else None,
            action=data.get("action") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            zone=self.zone,
        )
