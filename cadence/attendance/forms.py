"""Forms for the attendance screens. They check the shape of input; the rules live in ``rules`` and
``actions``, whose ``AttendanceError`` the views put back on the form with ``AttendanceForm.apply_error``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet

from cadence.participants.models import Episode, Payer
from cadence.programs.models import LevelOfCare, Program, Track

from .actions import AuthorizationDetails
from .models import Authorization, AuthorizationUnit, OutreachOutcome
from .rules import AttendanceError, Mark, MarkChoice, mark_from_choice

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MINUTES_WIDGET = forms.NumberInput(attrs={"min": 0, "max": 720, "inputmode": "numeric", "class": "minutes"})

if TYPE_CHECKING:
    ModelChoice = forms.ModelChoiceField[Any]
else:  # the stubs make the field generic; at run time it is a plain class
    ModelChoice = forms.ModelChoiceField


def limit_choices(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """Limit the model choice field ``name`` to ``queryset`` (what the user may choose from)."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    field.queryset = queryset


class AttendanceForm(forms.Form):
    """Base form: ``error_aliases`` maps the field names an action reports onto this form's fields."""

    error_aliases: dict[str, str] = {}

    def apply_error(self, err: AttendanceError) -> None:
        name = self.error_aliases.get(err.field, err.field)
        self.add_error(name if name in self.fields else None, err.reason)


def _minutes(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=720, widget=MINUTES_WIDGET)


class MarkForm(AttendanceForm):
    """One roster row: the button pressed (``status``), late/left-early minutes, and optionally the
    minutes attended with a reason, and a reason for the change (needed once the note is signed)."""

    status = forms.ChoiceField(choices=[(c, MarkChoice.LABELS[c]) for c in MarkChoice.ALL])
    late_minutes = _minutes("Minutes late")
    left_early_minutes = _minutes("Minutes left early")
    minutes = _minutes("Minutes attended")
    minutes_reason = forms.CharField(label="Reason for these minutes", required=False, max_length=300)
    reason = forms.CharField(label="Reason for the change", required=False, max_length=300)

    def mark(self) -> Mark:
        data = self.cleaned_data
        return mark_from_choice(
            data["status"],
            late_minutes=data.get("late_minutes") or 0,
            left_early_minutes=data.get("left_early_minutes") or 0,
            minutes=data.get("minutes"),
            reason=data.get("minutes_reason") or "",
        )


class EpisodeChoiceField(ModelChoice):
    def label_from_instance(self, obj: Episode) -> str:
        track = f", {obj.track.name}" if obj.track else ""
        return f"{obj.participant.display_name} ({obj.participant.record_number}{track})"


class AddToRosterForm(AttendanceForm):
    episode = EpisodeChoiceField(queryset=Episode.objects.none(), label="Participant")
    status = forms.ChoiceField(
        label="Attendance", choices=[(c, MarkChoice.LABELS[c]) for c in MarkChoice.ALL], initial=MarkChoice.PRESENT
    )
    late_minutes = _minutes("Minutes late")
    left_early_minutes = _minutes("Minutes left early")
    add_reason = forms.CharField(
        label="Why add them to this session?",
        max_length=300,
        help_text="For example: walk-in, make-up session, booked in error elsewhere.",
    )
    error_aliases = {"participant": "episode"}

    def __init__(self, *args: Any, episodes: QuerySet[Episode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "episode", episodes)

    def mark(self) -> Mark:
        data = self.cleaned_data
        return mark_from_choice(
            data["status"],
            late_minutes=data.get("late_minutes") or 0,
            left_early_minutes=data.get("left_early_minutes") or 0,
        )


class PinForm(AttendanceForm):
    pin = forms.CharField(
        label="New 6-digit PIN",
        min_length=6,
        max_length=6,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{6}"}),
    )
    pin_again = forms.CharField(
        label="The PIN again",
        min_length=6,
        max_length=6,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{6}"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("pin") and data.get("pin_again") and data["pin"] != data["pin_again"]:
            self.add_error("pin_again", "The two PINs differ.")
        return data


class KioskForm(AttendanceForm):
    code = forms.CharField(
        label="Your check-in code",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "class": "kiosk-input"}
        ),
    )
    pin = forms.CharField(
        label="Your PIN",
        max_length=6,
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*", "class": "kiosk-input"}
        ),
    )
    error_aliases = {"pin": "__all__", "code": "__all__"}


class OutreachForm(AttendanceForm):
    outcome = forms.ChoiceField(label="Outcome", choices=[("", "Choose…"), *OutreachOutcome.choices], required=False)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    cancel = forms.BooleanField(label="Close without outreach (e.g. discharged, already handled)", required=False)
    error_aliases = {"outcome_note": "note"}


class LevelChoiceField(ModelChoice):
    def label_from_instance(self, obj: LevelOfCare) -> str:
        return f"{obj.code} {obj.name}"


class AuthorizationForm(AttendanceForm):
    """An authorization's fields; the last authorized day is entered inclusive and stored as the
    exclusive ``ends_on`` (the first day not covered)."""

    payer = forms.ModelChoiceField(queryset=Payer.objects.none(), label="Payer")
    number = forms.CharField(label="Authorization number", max_length=64)
    level_of_care = LevelChoiceField(queryset=LevelOfCare.objects.filter(active=True), required=False)
    billing_code = forms.CharField(label="Billing code (HCPCS)", max_length=16, required=False, help_text="e.g. H0015")
    unit = forms.ChoiceField(label="Authorized as", choices=AuthorizationUnit.choices)
    units_authorized = forms.IntegerField(label="Days or units authorized", min_value=1, max_value=10000)
    starts_on = forms.DateField(label="First authorized day", widget=DATE_WIDGET)
    last_day = forms.DateField(label="Last authorized day", widget=DATE_WIDGET)
    review_on = forms.DateField(label="Concurrent review date", required=False, widget=DATE_WIDGET)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    error_aliases = {"ends_on": "last_day"}

    def __init__(self, *args: Any, organization_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "payer", Payer.objects.filter(organization_id=organization_id or 0))

    @staticmethod
    def initial_from(a: Authorization) -> dict[str, Any]:
        return {
            "payer": a.payer_id,
            "number": a.number,
            "level_of_care": a.level_of_care_id,
            "billing_code": a.billing_code,
            "unit": a.unit,
            "units_authorized": a.units_authorized,
            "starts_on": a.starts_on,
            "last_day": a.last_day,
            "review_on": a.review_on,
            "notes": a.notes,
        }

    def details(self) -> AuthorizationDetails:
        data = self.cleaned_data
        return AuthorizationDetails(
            payer=data["payer"],
            number=data["number"],
            units_authorized=data["units_authorized"],
            starts_on=data["starts_on"],
            ends_on=data["last_day"] + dt.timedelta(days=1),
            unit=data["unit"],
            level_of_care=data.get("level_of_care"),
            billing_code=data.get("billing_code") or "",
            review_on=data.get("review_on"),
            notes=data.get("notes") or "",
        )

    def changes(self) -> dict[str, Any]:
        details = self.details()
        return {
            "payer": details.payer,
            "number": details.number,
            "level_of_care": details.level_of_care,
            "billing_code": details.billing_code,
            "unit": details.unit,
            "units_authorized": details.units_authorized,
            "starts_on": details.starts_on,
            "ends_on": details.ends_on,
            "review_on": details.review_on,
            "notes": details.notes,
        }


class VoidForm(AttendanceForm):
    reason = forms.CharField(label="Why is this authorization void?", max_length=300)


class ProgramChoiceField(ModelChoice):
    def label_from_instance(self, obj: Program) -> str:
        return f"{obj.name} ({obj.site.name})"


class TrackChoiceField(ModelChoice):
    def label_from_instance(self, obj: Track) -> str:
        return obj.name


LIVE_SELECT = forms.Select(attrs={"class": "live-filter"})


class BoardFilterForm(forms.Form):
    program = ProgramChoiceField(queryset=Program.objects.none(), empty_label=None, widget=LIVE_SELECT)
    track = TrackChoiceField(
        queryset=Track.objects.none(), required=False, empty_label="All tracks", widget=LIVE_SELECT
    )
    mine = forms.BooleanField(label="Only my participants", required=False)

    def __init__(self, *args: Any, programs: QuerySet[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "program", programs)
        limit_choices(
            self, "track", Track.objects.filter(program__in=programs, active=True).order_by("program", "starts_at")
        )


class AuthorizationFilterForm(forms.Form):
    program = ProgramChoiceField(
        queryset=Program.objects.none(), required=False, empty_label="All my programs", widget=LIVE_SELECT
    )

    def __init__(self, *args: Any, programs: QuerySet[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "program", programs)


class BillingFilterForm(forms.Form):
    payer = forms.ModelChoiceField(queryset=Payer.objects.none(), label="Payer")
    starts_on = forms.DateField(label="From", widget=DATE_WIDGET)
    last_day = forms.DateField(label="To (inclusive)", widget=DATE_WIDGET)

    def __init__(self, *args: Any, organization_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "payer", Payer.objects.filter(organization_id=organization_id or 0))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, last = data.get("starts_on"), data.get("last_day")
        if start and last:
            if last < start:
                self.add_error("last_day", "The end must not be before the start.")
            elif (last - start).days > 366:
                self.add_error("last_day", "Choose at most a year.")
        return data
