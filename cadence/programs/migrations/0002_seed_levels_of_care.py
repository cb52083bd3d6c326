"""Seed the level-of-care catalog from DOMAIN.md section 1 (editable afterwards in the admin)."""

from decimal import Decimal

from django.db import migrations

LEVELS = [
    # code, name, edition, adult h, adult days, adolescent h, adolescent days, max h, TEDS service type, active
    ("1", "Outpatient (OP)", "ASAM 3", "0", 0, "0", 0, "9", 7, True),
    ("2.1", "Intensive Outpatient (IOP)", "ASAM 3", "9", 3, "6", 3, None, 6, True),
    ("2.5", "Partial Hospitalization (PHP)", "ASAM 3", "20", 5, "20", 5, None, 6, True),
    ("1.0", "Long-term remission monitoring", "ASAM 4", "0", 0, "0", 0, None, 7, False),
    ("1.5", "Outpatient therapy", "ASAM 4", "0", 0, "0", 0, "9", 7, False),
    ("1.7", "Medically managed outpatient", "ASAM 4", "0", 0, "0", 0, "9", 7, False),
    ("2.7", "Medically managed intensive outpatient", "ASAM 4", "20", 5, "20", 5, None, 6, False),
]


def seed(apps, schema_editor):
    LevelOfCare = apps.get_model("programs", "LevelOfCare")
    for code, name, edition, ah, ad, yh, yd, mx, teds, active in LEVELS:
        LevelOfCare.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "edition": edition,
                "min_hours_week_adult": Decimal(ah),
                "min_days_week_adult": ad,
                "min_hours_week_adolescent": Decimal(yh),
                "min_days_week_adolescent": yd,
                "max_hours_week": Decimal(mx) if mx else None,
                "teds_service_type": teds,
                "active": active,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
