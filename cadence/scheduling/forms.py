"""Forms of the schedule pages. They parse input; the rules live in ``actions`` and ``plans``, whose
``SchedulingError`` is shown on the field it names (``show_error``)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.db.models import QuerySet

from cadence.accounts.models import User
from cadence.participants.models import Episode
from cadence.programs.models import Program, Room, Track

from . import conf
from .models import ServiceType, Weekday
from .rules import SchedulingError


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class ScheduleForm(forms.Form):
    """A form that can show an action's refusal on the field it names (else as a form error)."""

    def show_error(self, exc: SchedulingError) -> None:
        field = exc.field if exc.field in self.fields else None
        self.add_error(field, exc.reason)


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        codes = ", ".join(c.code for c in obj.credentials.all())
        return f"{obj.display_name} ({codes})" if codes else obj.display_name


class EpisodeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.participant.display_name} · {obj.participant.record_number}"


class BookForm(ScheduleForm):
    episode = EpisodeChoiceField(queryset=Episode.objects.none(), label="Participant")

    def __init__(self, *args: Any, episodes: QuerySet[Episode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["episode"].queryset = episodes  # type: ignore[attr-defined]


class SessionChangeForm(ScheduleForm):
    facilitator = StaffChoiceField(queryset=User.objects.none(), required=False, empty_label="— No facilitator —")
    room = forms.ModelChoiceField(queryset=Room.objects.none())

    def __init__(self, *args: Any, staff: QuerySet[User], rooms: QuerySet[Room], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = staff  # type: ignore[attr-defined]
        self.fields["room"].queryset = rooms  # type: ignore[attr-defined]


class SessionTimeForm(ScheduleForm):
    date = forms.DateField(widget=DateInput)
    starts_at = forms.TimeField(label="Starts", widget=TimeInput)
    ends_at = forms.TimeField(label="Ends", widget=TimeInput)
    capacity = forms.IntegerField(min_value=1, max_value=50)

    def instants(self, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        day = self.cleaned_data["date"]
        start = dt.datetime.combine(day, self.cleaned_data["starts_at"], tzinfo=zone)
        end = dt.datetime.combine(day, self.cleaned_data["ends_at"], tzinfo=zone)
        return start, end


class OneOffForm(SessionTimeForm):
    service_type = forms.ModelChoiceField(queryset=ServiceType.objects.filter(active=True), label="Service")
    track = forms.ModelChoiceField(queryset=Track.objects.none(), required=False, empty_label="Whole program")
    room = forms.ModelChoiceField(queryset=Room.objects.none())
    facilitator = StaffChoiceField(queryset=User.objects.none(), required=False, empty_label="— Choose later —")
    capacity = forms.IntegerField(min_value=1, max_value=50, required=False, help_text="Empty: the service default.")

    field_order = ["service_type", "track", "date", "starts_at", "ends_at", "room", "facilitator", "capacity"]

    def __init__(self, *args: Any, program: Program, staff: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = program.tracks.filter(active=True)  # type: ignore[attr-defined]
        self.fields["room"].queryset = Room.objects.filter(site_id=program.site_id, active=True)  # type: ignore[attr-defined]
        self.fields["facilitator"].queryset = staff  # type: ignore[attr-defined]


class BuildForm(ScheduleForm):
    week = forms.DateField(widget=DateInput, help_text="Any day of the week to plan.")
    track = forms.ModelChoiceField(queryset=Track.objects.none(), required=False, empty_label="All tracks")
    time_limit = forms.IntegerField(min_value=1, label="Time budget (seconds)", required=False)

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = program.tracks.filter(active=True)  # type: ignore[attr-defined]
        self.fields["time_limit"].max_value = conf.max_build_time_limit_seconds()  # type: ignore[attr-defined]


class TemplateForm(ScheduleForm):
    track = forms.ModelChoiceField(queryset=Track.objects.none())
    name = forms.CharField(max_length=100)
    starts_on = forms.DateField(widget=DateInput)
    ends_on = forms.DateField(widget=DateInput, required=False, help_text="Exclusive; empty for no end.")

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = program.tracks.filter(active=True)  # type: ignore[attr-defined]


class TemplateEditForm(ScheduleForm):
    name = forms.CharField(max_length=100)
    starts_on = forms.DateField(widget=DateInput)
    ends_on = forms.DateField(widget=DateInput, required=False, help_text="Exclusive; empty for no end.")


class EndTemplateForm(ScheduleForm):
    ends_on = forms.DateField(
        widget=DateInput, label="End on", help_text="No sessions from this day on; past sessions stay."
    )


class SlotForm(ScheduleForm):
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int)
    starts_at = forms.TimeField(label="Starts", widget=TimeInput)
    ends_at = forms.TimeField(label="Ends", widget=TimeInput)
    service_type = forms.ModelChoiceField(queryset=ServiceType.objects.filter(active=True, format="group"))
    room = forms.ModelChoiceField(queryset=Room.objects.none())
    facilitator = StaffChoiceField(queryset=User.objects.none(), required=False, empty_label="— The plan chooses —")
    max_size = forms.IntegerField(min_value=1, required=False, label="Max size", help_text="Empty: service default.")

    def __init__(self, *args: Any, program: Program, staff: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(site_id=program.site_id, active=True)  # type: ignore[attr-defined]
        self.fields["facilitator"].queryset = staff  # type: ignore[attr-defined]


class ClosureForm(ScheduleForm):
    date = forms.DateField(widget=DateInput)
    reason = forms.CharField(max_length=200)
    whole_site = forms.BooleanField(required=False, label="Close the whole site (every program)")


class ClosureEditForm(ScheduleForm):
    date = forms.DateField(widget=DateInput)
    reason = forms.CharField(max_length=200)


class TimeOffForm(ScheduleForm):
    starts_at = forms.DateTimeField(label="From", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label="Until", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(max_length=200, required=False, help_text="Keep it general (e.g. “called out”).")

    def instants(self, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        """The wall-clock entries read in the site's time zone."""
        values = []
        for name in ("starts_at", "ends_at"):
            value: dt.datetime = self.cleaned_data[name]
            values.append(value.replace(tzinfo=None).replace(tzinfo=zone))
        return values[0], values[1]


class AvailabilityForm(ScheduleForm):
    """Earliest and latest time for each weekday; a day left empty means not available."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, label in Weekday.choices:
            self.fields[f"earliest_{day}"] = forms.TimeField(required=False, label=f"{label} from", widget=TimeInput)
            self.fields[f"latest_{day}"] = forms.TimeField(required=False, label=f"{label} until", widget=TimeInput)

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(label, self[f"earliest_{day}"], self[f"latest_{day}"]) for day, label in Weekday.choices]

    def windows(self) -> dict[int, tuple[dt.time, dt.time]]:
        result = {}
        for day, label in Weekday.choices:
            start, end = self.cleaned_data.get(f"earliest_{day}"), self.cleaned_data.get(f"latest_{day}")
            if (start is None) != (end is None):
                raise SchedulingError(f"latest_{day}", f"Give both times for {label}, or neither.")
            if start is not None and end is not None:
                result[int(day)] = (start, end)
        return result


class PreferenceForm(ScheduleForm):
    avoid_days = forms.TypedMultipleChoiceField(
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Days to avoid if possible",
    )
    preferred_clinician = StaffChoiceField(queryset=User.objects.none(), required=False, empty_label="No preference")

    def __init__(self, *args: Any, staff: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preferred_clinician"].queryset = staff  # type: ignore[attr-defined]
