"""Database triggers that keep signed and superseded safety plan versions as they were signed: no edit of
their content or signatures, no deletion. The only change allowed is signed -> superseded (with its date).
SQLite and PostgreSQL; other databases rely on the actions' checks."""

from django.db import migrations

TABLE = "safetyplans_safetyplanversion"
FROZEN_COLUMNS = (
    "plan_id",
    "number",
    "content",
    "based_on_id",
    "created_at",
    "created_by_id",
    "written_with_participant",
    "clinician_signed_by_id",
    "clinician_signed_at",
    "participant_signed_at",
    "participant_signature",
    "participant_signature_attested_by_id",
)
MESSAGE = "signed safety plan versions cannot be changed or deleted"

_sqlite_changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN_COLUMNS)
SQLITE_UP = [
    f"""CREATE TRIGGER safetyplan_version_signed_no_update BEFORE UPDATE ON {TABLE}
       WHEN OLD.status IN ('signed', 'superseded') AND (
         {_sqlite_changed}
         OR NEW.status NOT IN ('signed', 'superseded')
         OR (OLD.status = 'superseded' AND (NEW.status <> 'superseded' OR NEW.superseded_at IS NOT OLD.superseded_at))
       )
       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER safetyplan_version_signed_no_delete BEFORE DELETE ON {TABLE}
       WHEN OLD.status IN ('signed', 'superseded')
       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS safetyplan_version_signed_no_update;",
    "DROP TRIGGER IF EXISTS safetyplan_version_signed_no_delete;",
]

_pg_changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN_COLUMNS)
POSTGRES_UP = [
    f"""CREATE OR REPLACE FUNCTION safetyplan_version_frozen() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' THEN
           IF OLD.status IN ('signed', 'superseded') THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
           RETURN OLD;
         END IF;
         IF OLD.status IN ('signed', 'superseded') AND (
           {_pg_changed}
           OR NEW.status NOT IN ('signed', 'superseded')
           OR (OLD.status = 'superseded' AND (NEW.status <> 'superseded'
               OR NEW.superseded_at IS DISTINCT FROM OLD.superseded_at))
         ) THEN
           RAISE EXCEPTION '{MESSAGE}';
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER safetyplan_version_signed_frozen BEFORE UPDATE OR DELETE ON {TABLE}
       FOR EACH ROW EXECUTE FUNCTION safetyplan_version_frozen();""",
]
POSTGRES_DOWN = [
    f"DROP TRIGGER IF EXISTS safetyplan_version_signed_frozen ON {TABLE};",
    "DROP FUNCTION IF EXISTS safetyplan_version_frozen();",
]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql)


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_UP)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_UP)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_DOWN)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_DOWN)


class Migration(migrations.Migration):
    dependencies = [("safetyplans", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
