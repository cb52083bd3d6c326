"""Forms for administering measures (staff, portal, one-time link), drug screens, links and alerts.

``AnswersForm`` is built from an instrument definition: one radio group per item, worded in the chosen
language. It applies the instrument's skip logic (a skipped item's answer is dropped, as on paper) and
asks for every item that is asked; the scoring itself, and every other rule, is the action's
(``actions.record_measure``), whose refusals are shown next to the items with ``apply_error``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms

from .instruments import SEXES, Answer, Instrument, Item, Text
from .models import ScreenResult, Substance
from .rules import MeasurementError, PanelEntry

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

ANSWER_REQUIRED = Text("Answer this question.", "Responda esta pregunta.")
ONLY_IF = Text(
    "Only if you answered {answer} to question {number}.", "Solo si respondió {answer} a la pregunta {number}."
)
INVALID_CHOICE = Text("Choose one of the answers.", "Elija una de las respuestas.")


def option_key(value: Answer) -> str:
    """How an option value travels in a form: ``yes``/``no`` for yes/no items, the number otherwise."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def parse_option(item: Item, raw: str) -> Answer:
    for value in item.allowed_values:
        if option_key(value) == raw:
            return value
    return None


@dataclass(frozen=True)
class ItemRow:
    """One item as the template shows it."""

    item: Item
    field: forms.BoundField
    condition: str  # "Only if ..." hint for a conditional item, else ""
    depends_on: str  # the controlling item's field name, else ""
    depends_values: str  # space-separated option keys that make the item asked


class AnswersForm(forms.Form):
    def __init__(self, *args: Any, instrument: Instrument, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.language = language
        for item in instrument.items:
            self.fields[item.field] = forms.ChoiceField(
                label=f"{item.number}. {item.text.get(language)}",
                choices=[(option_key(o.value), o.label.get(language)) for o in item.options],
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": INVALID_CHOICE.get(language)},
            )

    def item_rows(self) -> list[ItemRow]:
        rows = []
        for item in self.instrument.items:
            condition = depends = values = ""
            if item.asked_when is not None:
                parent = self.instrument.item(item.asked_when.field)
                answer = " / ".join(parent.label_for(v, self.language) for v in item.asked_when.values)
                condition = ONLY_IF.get(self.language).format(answer=answer, number=parent.number)
                depends = parent.field
                values = " ".join(option_key(v) for v in item.asked_when.values)
            rows.append(ItemRow(item, self[item.field], condition, depends, values))
        return rows

    def raw_answers(self) -> dict[str, Answer]:
        """The submitted answers by field (unanswered and invalid values as None), before skip logic."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return {item.field: parse_option(item, data.get(item.field) or "") for item in self.instrument.items}

    def answers_with_skips(self) -> tuple[list[Answer], list[Item]]:
        """Answers in item order with skipped items emptied, and the asked items left unanswered."""
        raw = self.raw_answers()
        answered: dict[str, Answer] = {}
        answers: list[Answer] = []
        missing: list[Item] = []
        for item in self.instrument.items:
            value = raw[item.field] if self.instrument.is_asked(item, answered) else None
            if self.instrument.is_asked(item, answered) and value is None:
                missing.append(item)
            answered[item.field] = value
            answers.append(value)
        return answers, missing

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _answers, missing = self.answers_with_skips()
        for item in missing:
            if item.field not in self.errors:
                self.add_error(item.field, ANSWER_REQUIRED.get(self.language))
        return data

    def answers(self) -> list[Answer]:
        return self.answers_with_skips()[0]

    def apply_error(self, err: MeasurementError) -> None:
        """Show each problem of an action's refusal next to its item (``answers[i]``) or field."""
        for problem in err.problems:
            name = problem.field
            if name.startswith("answers[") and name.endswith("]"):
                index = int(name[len("answers[") : -1])
                name = self.instrument.items[index].field if index < len(self.instrument.items) else ""
            self.add_error(name if name in self.fields else None, problem.reason)


SEX_CHOICES = [("", "Choose…"), ("female", "Female"), ("male", "Male")]
SEX_WORDS = {"female": Text("Female", "Mujer"), "male": Text("Male", "Hombre")}


class StaffMeasureForm(AnswersForm):
    """Staff entry: the day it was answered, the sex where a cut depends on it, and the items."""

    def __init__(self, *args: Any, today: dt.date, sex: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["administered_on"] = forms.DateField(
            label="Answered on", widget=DATE_WIDGET, initial=today, help_text="The day the participant answered."
        )
        if self.instrument.requires_sex:
            self.fields["sex"] = forms.ChoiceField(
                label="Sex (for the cut-off)",
                choices=SEX_CHOICES,
                initial=sex,
                help_text=f"{self.instrument.abbreviation} uses a different cut-off for men and women.",
            )
        self.order_fields(["administered_on", "sex"])

    @property
    def meta_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("administered_on", "sex") if name in self.fields]


class ParticipantMeasureForm(AnswersForm):
    """Portal or one-time link: the items, and the sex only when needed and not on file."""

    def __init__(self, *args: Any, ask_sex: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if ask_sex:
            self.fields["sex"] = forms.ChoiceField(
                label=Text("Sex", "Sexo").get(self.language),
                choices=[(k, SEX_WORDS[k].get(self.language)) for k in SEXES],
                widget=forms.RadioSelect,
            )

    @property
    def meta_fields(self) -> list[forms.BoundField]:
        return [self["sex"]] if "sex" in self.fields else []


# --- Drug screens --------------------------------------------------------------------------------

RESULT_CHOICES = [("", "Not tested"), *ScreenResult.choices]


@dataclass(frozen=True)
class PanelRow:
    substance: str
    label: str
    result: forms.BoundField
    expected: forms.BoundField


class DrugScreenForm(forms.Form):
    collected_on = forms.DateField(label="Collected on", widget=DATE_WIDGET)
    observed = forms.TypedChoiceField(
        label="Collection",
        choices=[("yes", "Observed"), ("no", "Unobserved")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for substance, label in Substance.choices:
            self.fields[f"result_{substance}"] = forms.ChoiceField(
                label=f"{label} result", choices=RESULT_CHOICES, required=False
            )
            self.fields[f"expected_{substance}"] = forms.BooleanField(
                label=f"{label} expected (prescribed)", required=False
            )

    def panel_rows(self) -> list[PanelRow]:
        return [
            PanelRow(substance, label, self[f"result_{substance}"], self[f"expected_{substance}"])
            for substance, label in Substance.choices
        ]

    def panels(self) -> list[PanelEntry]:
        data = self.cleaned_data
        return [
            PanelEntry(substance, data[f"result_{substance}"], bool(data[f"expected_{substance}"]))
            for substance in Substance.values
            if data.get(f"result_{substance}")
        ]

    def apply_error(self, err: MeasurementError) -> None:
        name = err.field if err.field in self.fields else None
        if err.field == "panels":
            name = None
        self.add_error(name, err.reason)


# --- Links and alerts ----------------------------------------------------------------------------


class LinkForm(forms.Form):
    instrument = forms.ChoiceField(label="Instrument")
    language = forms.ChoiceField(label="Language", choices=[("en", "English"), ("es", "Español")])

    def __init__(self, *args: Any, instruments: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = instruments  # type: ignore[attr-defined]


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseAlertForm(forms.Form):
    outcome = forms.CharField(
        label="Outcome",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What was done: for example safety plan reviewed, risk assessment, plan changed.",
    )
