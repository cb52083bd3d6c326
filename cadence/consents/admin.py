"""Consents and disclosures are participant data: read and changed only in the Cadence screens, the portal
and the API (scope-checked, audited, through ``actions``), never in the admin. Nothing is registered here."""
