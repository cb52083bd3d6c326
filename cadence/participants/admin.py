"""Configuration admin for payers only.

Participants, episodes, diagnoses and contacts are deliberately not registered: every read of
participant data must be scope-checked and audited (``queries.get_participant_for``) and every change
must go through ``actions`` (rules, audit entry with the changed values). The Django admin would do
neither, so participant data is managed in the Cadence screens and the API only.
"""

from __future__ import annotations

from django.contrib import admin

from cadence.accounts.admin_base import ConfigurationAdmin

from .models import Payer


@admin.register(Payer)
class PayerAdmin(ConfigurationAdmin):
    list_display = ("name", "kind", "organization")
    list_filter = ("kind",)
    search_fields = ("name",)
    list_select_related = ("organization",)
