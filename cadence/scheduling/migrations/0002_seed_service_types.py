"""Seed the service catalog from DOMAIN.md section 2 (editable afterwards by a superuser in the admin).

Groups default to at most 12 participants (a setting allows up to 15). "Licensed" means the
credentials seeded as licensed clinicians in accounts 0002; medication management needs a
prescriber (MD or NP).
"""

from django.db import migrations

LICENSED = ["LCSW", "LPC", "LMFT", "LADC", "PSYD"]
COUNSELORS = LICENSED + ["CADC"]
PRESCRIBERS = ["MD", "NP"]

# code, name, format, minutes, min size, max size, credentials, counts toward hours,
# weekly one-to-one sessions by default, extra attendees (relatives), description
SERVICES = [
    ("process-group", "Process group", "group", 90, 3, 12, COUNSELORS, True, 0, 0,
     "Group therapy: sharing and peer feedback."),
    ("relapse-prevention", "Relapse prevention group", "group", 90, 3, 12, COUNSELORS, True, 0, 0,
     "Triggers, high-risk situations and coping plans."),
    ("cbt-skills", "CBT skills group", "group", 90, 3, 12, LICENSED, True, 0, 0,
     "Cognitive behavioral therapy skills."),
    ("dbt-skills", "DBT skills group", "group", 90, 3, 12, LICENSED, True, 0, 0,
     "Dialectical behavior therapy skills: distress tolerance, emotion regulation."),
    ("mindfulness", "Mindfulness group", "group", 60, 3, 12, COUNSELORS, True, 0, 0, ""),
    ("communication-group", "Communication and role-play group", "group", 90, 3, 12, COUNSELORS, True, 0, 0,
     "Communication skills practised in role-play with peer feedback."),
    ("family-education", "Family education group", "group", 90, 3, 12, LICENSED + ["RN"], True, 0, 0,
     "Education for participants and their families."),
    ("psychoeducation", "Psychoeducation workshop", "group", 60, 3, 12, COUNSELORS + ["RN", "CPRS"], True, 0, 0,
     "Addiction, relapse prevention, healthy lifestyle."),
    ("vocational", "Vocational workshop", "group", 60, 2, 12, [], True, 0, 0,
     "Resume, job search, work stress."),
    ("twelve-step", "12-step facilitation", "group", 60, 3, 12, COUNSELORS + ["CPRS"], True, 0, 0,
     "Support for 12-step and mutual-help attendance."),
    ("co-occurring", "Co-occurring conditions group", "group", 90, 3, 12, LICENSED + PRESCRIBERS, True, 0, 0,
     "Supplemental therapy for co-occurring mental health conditions."),
    ("aftercare", "Aftercare / alumni group", "group", 90, 2, 12, COUNSELORS + ["CPRS"], False, 0, 0,
     "For alumni after step-down; does not count toward IOP hours."),
    ("individual", "Individual counseling", "one_to_one", 60, 1, 1, LICENSED, True, 1, 0, ""),
    ("family-therapy", "Family therapy", "one_to_one", 60, 1, 1, ["LCSW", "LMFT", "LPC", "PSYD"], True, 0, 2, ""),
    ("medication-management", "Medication management", "one_to_one", 30, 1, 1, PRESCRIBERS, True, 0, 0,
     "Including MOUD (buprenorphine, methadone, naltrexone) and adherence monitoring."),
    ("drug-screen", "Drug screen", "one_to_one", 15, 1, 1, ["RN", "MD", "NP"], False, 0, 0,
     "Urine drug screen collection."),
    ("crisis-intervention", "Crisis intervention", "one_to_one", 60, 1, 1, LICENSED + PRESCRIBERS, True, 0, 0, ""),
]


def seed(apps, schema_editor):
    ServiceType = apps.get_model("scheduling", "ServiceType")
    Credential = apps.get_model("accounts", "Credential")
    credentials = {c.code: c for c in Credential.objects.all()}
    for code, name, fmt, minutes, lo, hi, creds, counts, weekly, extra, description in SERVICES:
        service, _created = ServiceType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "format": fmt,
                "default_minutes": minutes,
                "min_size": lo,
                "max_size": hi,
                "counts_toward_hours": counts,
                "weekly_sessions_default": weekly,
                "extra_attendees": extra,
                "active": True,
            },
        )
        service.required_credentials.set([credentials[c] for c in creds if c in credentials])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_seed_credentials"),
        ("scheduling", "0001_schedule_sessions_bookings_plans"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
