"""Forms of the participant portal, worded in the participant's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from cadence.measures.rules import CheckInValues

from .wording import words

ZERO_TO_TEN = [(str(n), str(n)) for n in range(11)]


class CheckInForm(forms.Form):
    """Mood and craving 0-10, hours of sleep, use since the last check-in (and what), and a note."""

    mood = forms.TypedChoiceField(choices=ZERO_TO_TEN, coerce=int, widget=forms.RadioSelect)
    craving = forms.TypedChoiceField(choices=ZERO_TO_TEN, coerce=int, widget=forms.RadioSelect)
    sleep_hours = forms.DecimalField(
        min_value=Decimal("0"),
        max_value=Decimal("24"),
        max_digits=3,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": "24", "inputmode": "decimal"}),
    )
    used = forms.TypedChoiceField(coerce=lambda v: v == "yes", widget=forms.RadioSelect)
    used_what = forms.CharField(required=False, max_length=200)
    note = forms.CharField(required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        t = words(language)
        labels = {
            "mood": "mood",
            "craving": "craving",
            "sleep_hours": "sleep",
            "used": "used",
            "used_what": "used_what",
            "note": "note",
        }
        for name, key in labels.items():
            field = self.fields[name]
            field.label = t[key]
            field.error_messages["required"] = t["required"]
        self.fields["mood"].help_text = t["mood_help"]
        self.fields["craving"].help_text = t["craving_help"]
        self.fields["sleep_hours"].help_text = t["sleep_help"]
        for key in ("invalid", "min_value", "max_value", "max_digits", "max_decimal_places", "max_whole_digits"):
            self.fields["sleep_hours"].error_messages[key] = t["sleep_range"]
        self.fields["used"].choices = [("yes", t["yes"]), ("no", t["no"])]  # type: ignore[attr-defined]

    def values(self) -> CheckInValues:
        data = self.cleaned_data
        return CheckInValues(
            mood=data["mood"],
            craving=data["craving"],
            sleep_hours=data["sleep_hours"],
            used=data["used"],
            used_what=data["used_what"] if data["used"] else "",
            note=data["note"],
        )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=[("en", "English"), ("es", "Español")])
