from __future__ import annotations

from django import forms


class OtpForm(forms.Form):
    code = forms.CharField(
        label="Six-digit code from your authenticator app",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What will use this token?",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "e.g. Billing export"}),
    )
