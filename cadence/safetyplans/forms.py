"""Forms of the safety plan pages: one item of a step, signing, starting a draft, the participant's
signature on the portal. Rules live in ``rules.py``; the forms only shape input."""

from __future__ import annotations

from django import forms

from .rules import CONTACT_SECTIONS, NAME_MAX, PHONE_MAX, TEXT_MAX, Item, phone_problem


class ItemForm(forms.Form):
    """One item: text for every step; name and phone for steps 3 to 5."""

    text = forms.CharField(label="Text", max_length=TEXT_MAX, required=False)
    name = forms.CharField(label="Name", max_length=NAME_MAX, required=False)
    phone = forms.CharField(label="Phone", max_length=PHONE_MAX, required=False)

    def __init__(self, *args: object, section: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.section = section
        if section not in CONTACT_SECTIONS:
            del self.fields["name"]
            del self.fields["phone"]
        else:
            self.fields["text"].label = "Note (relationship, address…)"

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data.get("phone", "").strip()
        reason = phone_problem(phone)
        if reason is not None:
            raise forms.ValidationError(reason)
        return phone

    def clean(self) -> dict[str, object] | None:
        data = super().clean() or {}
        if not (data.get("text") or "").strip() and not (data.get("name") or "").strip():
            raise forms.ValidationError("Write something, or a name.")
        return data

    def item(self) -> Item:
        data = self.cleaned_data
        return Item(
            text=(data.get("text") or "").strip(),
            name=(data.get("name") or "").strip(),
            phone=(data.get("phone") or "").strip(),
        )


class StartForm(forms.Form):
    from_current = forms.BooleanField(required=False, label="Start from the current signed version")


class SignForm(forms.Form):
    written_with_participant = forms.BooleanField(
        required=False, label="I wrote this plan together with the participant."
    )
    participant_signed_on_paper = forms.BooleanField(
        required=False, label="The participant signed the printed plan on paper (I attest their signature)."
    )


class PortalSignForm(forms.Form):
    confirm = forms.BooleanField(required=True)
