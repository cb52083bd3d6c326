"""Seed common behavioral-health credentials (editable in the admin)."""

from django.db import migrations

CREDENTIALS = [
    ("LCSW", "Licensed Clinical Social Worker", True, False),
    ("LPC", "Licensed Professional Counselor", True, False),
    ("LMFT", "Licensed Marriage and Family Therapist", True, False),
    ("LADC", "Licensed Alcohol and Drug Counselor", True, False),
    ("CADC", "Certified Alcohol and Drug Counselor", False, False),
    ("PSYD", "Psychologist", True, False),
    ("MD", "Physician", True, True),
    ("NP", "Nurse Practitioner", True, True),
    ("RN", "Registered Nurse", False, False),
    ("CPRS", "Certified Peer Recovery Specialist", False, False),
]


def seed(apps, schema_editor):
    Credential = apps.get_model("accounts", "Credential")
    for code, name, licensed, prescriber in CREDENTIALS:
        Credential.objects.update_or_create(
            code=code, defaults={"name": name, "is_licensed_clinician": licensed, "can_prescribe": prescriber}
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
