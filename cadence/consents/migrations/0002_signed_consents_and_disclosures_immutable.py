"""Database triggers that keep a signed consent as it was signed and every disclosure as it was recorded.

A signed consent may change only twice, each once: its revocation is recorded, and the day its expiry event
happened is recorded. Nothing else of it changes, and it is never deleted (a correction is a revocation plus
a new consent). A disclosure (a line of the accounting of disclosures) is never changed or deleted.
SQLite and PostgreSQL; other databases rely on the actions, which never do either."""

from django.db import migrations

CONSENT = "consents_consent"
DISCLOSURE = "consents_disclosure"
SIGNED_COLUMNS = (
    "participant_id",
    "kind",
    "disclosing_party",
    "information",
    "recipients",
    "purpose",
    "expires_on",
    "expiry_event",
    "revocation_rights",
    "created_at",
    "created_by_id",
    "sent_to_portal_at",
    "sent_by_id",
    "signed_on",
    "signature",
    "signature_attested_by_id",
    "signature_recorded_at",
)
REVOCATION_COLUMNS = ("revoked_on", "revocation_received", "revoked_by_id", "revocation_recorded_at")
CONSENT_MESSAGE = "a signed consent cannot be changed or deleted: revoke it and record a new consent"
DISCLOSURE_MESSAGE = "a recorded disclosure cannot be changed or deleted"


def _changed(columns: tuple[str, ...], op: str) -> str:
    return " OR ".join(f"NEW.{c} {op} OLD.{c}" for c in columns)


def _consent_condition(op: str) -> str:
    return f"""OLD.signed_on IS NOT NULL AND (
         {_changed(SIGNED_COLUMNS, op)}
         OR (OLD.revoked_on IS NOT NULL AND ({_changed(REVOCATION_COLUMNS, op)}))
         OR (OLD.expiry_event_on IS NOT NULL AND NEW.expiry_event_on {op} OLD.expiry_event_on)
       )"""


SQLITE_UP = [
    f"""CREATE TRIGGER consent_signed_no_update BEFORE UPDATE ON {CONSENT}
       WHEN {_consent_condition("IS NOT")}
       BEGIN SELECT RAISE(ABORT, '{CONSENT_MESSAGE}'); END;""",
    f"""CREATE TRIGGER consent_signed_no_delete BEFORE DELETE ON {CONSENT}
       WHEN OLD.signed_on IS NOT NULL
       BEGIN SELECT RAISE(ABORT, '{CONSENT_MESSAGE}'); END;""",
    f"""CREATE TRIGGER disclosure_no_update BEFORE UPDATE ON {DISCLOSURE}
       BEGIN SELECT RAISE(ABORT, '{DISCLOSURE_MESSAGE}'); END;""",
    f"""CREATE TRIGGER disclosure_no_delete BEFORE DELETE ON {DISCLOSURE}
       BEGIN SELECT RAISE(ABORT, '{DISCLOSURE_MESSAGE}'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS consent_signed_no_update;",
    "DROP TRIGGER IF EXISTS consent_signed_no_delete;",
    "DROP TRIGGER IF EXISTS disclosure_no_update;",
    "DROP TRIGGER IF EXISTS disclosure_no_delete;",
]

POSTGRES_UP = [
    f"""CREATE OR REPLACE FUNCTION consent_signed_frozen() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' THEN
           IF OLD.signed_on IS NOT NULL THEN RAISE EXCEPTION '{CONSENT_MESSAGE}'; END IF;
           RETURN OLD;
         END IF;
         IF {_consent_condition("IS DISTINCT FROM")} THEN
           RAISE EXCEPTION '{CONSENT_MESSAGE}';
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER consent_signed_frozen BEFORE UPDATE OR DELETE ON {CONSENT}
       FOR EACH ROW EXECUTE FUNCTION consent_signed_frozen();""",
    f"""CREATE OR REPLACE FUNCTION disclosure_frozen() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '{DISCLOSURE_MESSAGE}'; END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER disclosure_frozen BEFORE UPDATE OR DELETE ON {DISCLOSURE}
       FOR EACH ROW EXECUTE FUNCTION disclosure_frozen();""",
]
POSTGRES_DOWN = [
    f"DROP TRIGGER IF EXISTS consent_signed_frozen ON {CONSENT};",
    "DROP FUNCTION IF EXISTS consent_signed_frozen();",
    f"DROP TRIGGER IF EXISTS disclosure_frozen ON {DISCLOSURE};",
    "DROP FUNCTION IF EXISTS disclosure_frozen();",
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
    dependencies = [("consents", "0001_part2_consents_and_disclosures")]
    operations = [migrations.RunPython(up, down)]
