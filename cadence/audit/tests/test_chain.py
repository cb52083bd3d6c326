"""The append-only hash chain: ``manage.py verify_audit``, the database triggers and the model guards.

Tampering needs the triggers out of the way first; that DDL runs inside the test's transaction and is
rolled back with it on both SQLite and PostgreSQL (so no TransactionTestCase, whose flush the triggers
would refuse).
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from cadence.audit.actions import record, verify_chain
from cadence.audit.hashing import GENESIS_HASH
from cadence.audit.models import AuditAction, AuditEntry, AuditHead
from cadence.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def append(n: int) -> list[AuditEntry]:
    user = UserFactory()
    return [record(action=AuditAction.VIEW, actor=user, summary=f"entry {i}") for i in range(n)]


def disable_append_only_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_entry_no_update")
            cursor.execute("DROP TRIGGER audit_entry_no_delete")
        elif connection.vendor == "postgresql":
            # Django's foreign keys are deferred; ALTER TABLE needs their pending checks run first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:  # pragma: no cover
            pytest.skip(f"no append-only triggers on {connection.vendor}")


def raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify_audit() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_intact_chain_is_reported_with_its_length() -> None:
    append(5)
    assert verify_audit().strip() == "audit chain intact: 5 entries"


def test_empty_log_is_intact() -> None:
    assert verify_audit().strip() == "audit chain intact: 0 entries"


def test_edited_entry_is_reported_with_its_id() -> None:
    entries = append(5)
    disable_append_only_triggers()
    raw("UPDATE audit_auditentry SET summary = %s WHERE id = %s", ["nothing to see", entries[2].pk])

    with pytest.raises(CommandError) as err:
        verify_audit()

    assert f"entry id {entries[2].pk}:" in str(err.value)
    assert "edited" in str(err.value)
    assert err.value.returncode == 1


def test_rehashed_entry_still_breaks_the_next_link() -> None:
    entries = append(4)
    disable_append_only_triggers()
    raw("UPDATE audit_auditentry SET entry_hash = %s WHERE id = %s", ["f" * 64, entries[1].pk])

    report = verify_chain()

    assert not report.ok
    assert report.first_broken_id == entries[1].pk


def test_deleted_middle_entry_is_reported_at_the_entry_after_the_gap() -> None:
    entries = append(5)
    disable_append_only_triggers()
    raw("DELETE FROM audit_auditentry WHERE id = %s", [entries[2].pk])

    with pytest.raises(CommandError) as err:
        verify_audit()

    assert f"entry id {entries[3].pk}:" in str(err.value)
    assert "previous-hash link" in str(err.value)


def test_deleted_newest_entry_is_reported_against_the_head() -> None:
    entries = append(3)
    disable_append_only_triggers()
    raw("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].pk])

    report = verify_chain()

    assert not report.ok and report.first_broken_id is None
    assert "newest entries were deleted" in report.reason


def test_command_exits_1_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    entries = append(3)
    disable_append_only_triggers()
    raw("UPDATE audit_auditentry SET actor_label = %s WHERE id = %s", ["someone else", entries[0].pk])

    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "verify_audit"])

    assert exit_info.value.code == 1
    assert f"entry id {entries[0].pk}" in capsys.readouterr().err


def test_database_refuses_update_and_delete() -> None:
    entry = append(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(summary="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.summary == "entry 0"
    assert verify_chain().ok


def test_model_refuses_to_save_an_existing_entry_or_delete_one() -> None:
    entry = append(1)[0]
    entry.summary = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).summary == "entry 0"


def test_sequential_appends_link_each_entry_to_the_one_before() -> None:
    user = UserFactory()
    first = record(action=AuditAction.LOGIN, actor=user, summary="one")
    # An append inside a transaction that rolls back leaves no trace, not even in the head.
    with pytest.raises(RuntimeError), transaction.atomic():
        record(action=AuditAction.VIEW, actor=user, summary="rolled back")
        raise RuntimeError("the surrounding action failed")
    second = record(action=AuditAction.VIEW, actor=user, summary="two")
    with transaction.atomic():
        third = record(action=AuditAction.VIEW, actor=user, summary="three")
        fourth = record(action=AuditAction.LOGOUT, actor=user, summary="four")

    assert first.prev_hash == GENESIS_HASH
    assert [second.prev_hash, third.prev_hash, fourth.prev_hash] == [
        first.entry_hash,
        second.entry_hash,
        third.entry_hash,
    ]
    head = AuditHead.objects.get(pk=1)
    assert (head.last_hash, head.count) == (fourth.entry_hash, 4)
    assert verify_chain().checked == 4
