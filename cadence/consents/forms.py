"""Forms of the consent pages. They shape input; the rules live in ``rules.py`` and ``actions.py`` (whose
``ConsentError`` a view puts back on the field it names with ``add_error``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from .models import Consent, ConsentKind, DisclosureBasis, DisclosureMethod
from .rules import ConsentError, Kind
from .wording import COUNSELING_NOTES_INFORMATION, REVOCATION_RIGHTS, TPO_INFORMATION, TPO_PURPOSE, TPO_RECIPIENTS

DATE = forms.DateInput(attrs={"type": "date"})


def initial_terms(kind: str, organization_name: str) -> dict[str, Any]:
    """The prefilled wording of a new consent of ``kind`` (TPO: the single TPO consent of 42 CFR 2.31)."""
    initial: dict[str, Any] = {
        "kind": kind,
        "disclosing_party": organization_name,
        "revocation_rights": REVOCATION_RIGHTS,
    }
    if kind == Kind.TPO:
        initial.update(
            {
                "information": TPO_INFORMATION,
                "recipients": TPO_RECIPIENTS,
                "purpose": TPO_PURPOSE,
                "expiry_event": "One year after the end of my treatment at this program",
            }
        )
    elif kind == Kind.COUNSELING_NOTES:
        initial["information"] = COUNSELING_NOTES_INFORMATION
    return initial


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of consent", choices=ConsentKind.choices)
    disclosing_party = forms.CharField(label="Who may disclose", max_length=200)
    information = forms.CharField(
        label="Information to disclose (a specific description)", widget=forms.Textarea(attrs={"rows": 3})
    )
    recipients = forms.CharField(label="Recipients", widget=forms.Textarea(attrs={"rows": 2}))
    purpose = forms.CharField(label="Purpose", widget=forms.Textarea(attrs={"rows": 2}))
    expires_on = forms.DateField(label="Expires on (last day in effect)", required=False, widget=DATE)
    expiry_event = forms.CharField(label="…or expires at this event", max_length=300, required=False)
    revocation_rights = forms.CharField(
        label="The right to revoke in writing, and how", widget=forms.Textarea(attrs={"rows": 3})
    )
    signed_on_paper = forms.DateField(
        label="Signed on paper on (leave empty to keep a draft)",
        required=False,
        widget=DATE,
        help_text="Fill in only if the participant signed the printed consent: you attest their signature.",
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["kind"]
            del self.fields["signed_on_paper"]

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if not data.get("expires_on") and not (data.get("expiry_event") or "").strip():
            self.add_error("expires_on", "Give an expiry date or describe the event that ends the consent.")
        return data

    def terms(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = ("disclosing_party", "information", "recipients", "purpose", "revocation_rights")
        return {
            **{name: data[name] for name in names},
            "expires_on": data.get("expires_on"),
            "expiry_event": data.get("expiry_event") or "",
        }


class AttestForm(forms.Form):
    signed_on = forms.DateField(label="The participant signed on", widget=DATE)


class RevokeForm(forms.Form):
    revoked_on = forms.DateField(label="Written revocation received on", widget=DATE)
    received = forms.CharField(
        label="How it was received in writing",
        max_length=500,
        help_text="E.g. “Signed letter handed to the front desk”, “Letter received by mail”.",
    )


class ExpiryEventForm(forms.Form):
    happened_on = forms.DateField(label="The expiry event happened on", widget=DATE)


class DisclosureForm(forms.Form):
    basis = forms.ChoiceField(label="Basis", choices=DisclosureBasis.choices, widget=forms.RadioSelect)
    consent = forms.ModelChoiceField(
        label="Consent", queryset=Consent.objects.none(), required=False, empty_label="(no consent: an exception)"
    )
    basis_note = forms.CharField(
        label="Note (required for a medical emergency or a court order)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    recipient = forms.CharField(label="Recipient", max_length=300)
    information = forms.CharField(label="What was disclosed", widget=forms.Textarea(attrs={"rows": 2}))
    includes_counseling_notes = forms.BooleanField(label="Includes SUD counseling notes", required=False)
    purpose = forms.CharField(label="Purpose", max_length=300)
    disclosed_on = forms.DateField(label="Disclosed on", widget=DATE)
    method = forms.ChoiceField(label="Method", choices=DisclosureMethod.choices)
    named_in_consent = forms.BooleanField(
        label="The consent names this recipient and this purpose",
        required=False,
        help_text="Compare them with the consent chosen above; not needed for an emergency or a court order.",
    )

    def __init__(self, *args: Any, consents: Sequence[Consent], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer(consents)

    def offer(self, consents: Sequence[Consent]) -> None:
        """The consents the select lists (and accepts)."""
        field = self.fields["consent"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = Consent.objects.filter(pk__in=[c.pk for c in consents]).order_by("-signed_on", "-pk")
        field.label_from_instance = consent_label  # type: ignore[method-assign,assignment]


def consent_label(consent: Consent) -> str:
    until = f", until {consent.until}" if consent.until else ""
    return f"{consent.get_kind_display()} · to {consent.recipients[:80]} · signed {consent.signed_on}{until}"


def put_error(form: forms.Form, err: ConsentError) -> None:
    """Show a rule's refusal next to its field (or above the form for a field the form does not have)."""
    form.add_error(err.field if err.field in form.fields else None, err.reason)


class PortalSignForm(forms.Form):
    confirm = forms.BooleanField(required=True)
