"""The weekly ledger cache keeps only what depends on the marks alone (the columns some page reads): the
requirement, booking, projection and status snapshot was never read (pages compute it live), and filling
it made every mark build a whole ledger.

Going back empties the cache first (the restored columns have no value to take; the old code's
``manage.py rebuild_weekly_ledgers --all`` refills them)."""

from typing import Any

from django.db import migrations


def empty_the_cache(apps: Any, schema_editor: Any) -> None:
    apps.get_model("attendance", "WeeklyLedger").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0003_weekly_ledger_cache_and_nightly_runs"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="weeklyledger",
            name="booked_minutes",
        ),
        migrations.RemoveField(
            model_name="weeklyledger",
            name="booked_sessions",
        ),
        migrations.RemoveField(
            model_name="weeklyledger",
            name="computed_at",
        ),
        migrations.RemoveField(
            model_name="weeklyledger",
            name="days",
        ),
        migrations.RemoveField(
            model_name="weeklyledger",
            name="is_over",
        ),
        migrations.RemoveField(
            model_name="weeklyledger",
            name="levels",
        ),
        migrations.RemoveField(
            model_name="weeklyledger",
            name="projected_days",
        ),
        migrations.RemoveField(
            model_name="weeklyledger",
            name="projected_minutes",
        ),
        migrations.RemoveField(
            model_name="weeklyledger",
            name="required_days",
        ),
        migrations.RemoveField(
            model_name="weeklyledger",
            name="required_minutes",
        ),
        migrations.RemoveField(
            model_name="weeklyledger",
            name="short_because_of_program",
        ),
        migrations.RemoveField(
            model_name="weeklyledger",
            name="status",
        ),
        migrations.RemoveField(
            model_name="weeklyledger",
            name="unrecorded_sessions",
        ),
        migrations.RunPython(migrations.RunPython.noop, reverse_code=empty_the_cache),
    ]
