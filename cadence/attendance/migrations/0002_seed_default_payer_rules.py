"""Seed the default billing rules of DOMAIN.md section 3 (editable afterwards in the admin).

Defaults for every payer (payer empty): a per diem unit for each day with at least 180 minutes of
services that count toward hours.
- Level 2.1: HCPCS H0015 with revenue code 0906 (IOP chemical dependency) first; S9480 with revenue
  code 0905 (IOP psychiatric; commercial payers, not Medicare) when an authorization names it.
- Level 2.5: revenue codes 0913 (PHP intensive) and 0912 (PHP less intensive) without a HCPCS code:
  payers differ, so set the code your payer requires (verify).
"""

from django.db import migrations

RULES = [
    # level, billing code, revenue code, priority, description
    ("2.1", "H0015", "0906", 10, "Alcohol and/or drug intensive outpatient, per diem"),
    ("2.1", "S9480", "0905", 20, "Intensive outpatient psychiatric services, per diem (commercial)"),
    ("2.5", "", "0913", 10, "Partial hospitalization, intensive, per diem (set the payer's HCPCS)"),
    ("2.5", "", "0912", 20, "Partial hospitalization, less intensive, per diem (set the payer's HCPCS)"),
]


def seed(apps, schema_editor):
    PayerRule = apps.get_model("attendance", "PayerRule")
    LevelOfCare = apps.get_model("programs", "LevelOfCare")
    levels = {level.code: level for level in LevelOfCare.objects.all()}
    for code, billing_code, revenue_code, priority, description in RULES:
        level = levels.get(code)
        if level is None:
            continue
        PayerRule.objects.get_or_create(
            payer=None,
            level_of_care=level,
            billing_code=billing_code,
            revenue_code=revenue_code,
            defaults={
                "description": description,
                "min_minutes_per_day": 180,
                "unit": "per_diem",
                "units_per_day": 1,
                "requires_authorization": True,
                "requires_signed_note": False,
                "priority": priority,
                "active": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0001_attendance_checkins_outreach_billing_authorizations"),
        ("programs", "0002_seed_levels_of_care"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
