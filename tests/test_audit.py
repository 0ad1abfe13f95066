"""The audit trail is hash-chained: editing or deleting a row is detected and named."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tipdata.audit.models import AuditEvent
from tipdata.audit.services import audit_record, audit_verify

pytestmark = pytest.mark.django_db


def _events(n: int) -> list[AuditEvent]:
    return [audit_record(action="test.event", actor_username="cli", changes={"i": i}) for i in range(n)]


def test_untouched_chain_verifies() -> None:
    _events(5)
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact: 5 rows" in out.getvalue()


def test_edited_row_is_named(capsys: Any) -> None:
    events = _events(5)
    victim = events[2]
    with connection.cursor() as cursor:  # as an attacker with database access would
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET action = %s WHERE id = %s", ["test.tampered", victim.pk])
    err = io.StringIO()
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit", "verify", stderr=err)
    assert f"seq={victim.seq}" in err.getvalue()
    assert "edited" in err.getvalue()


def test_deleted_row_is_detected() -> None:
    events = _events(4)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [events[1].pk])
    problems = audit_verify()
    assert any(p.seq == events[1].seq and "missing" in p.reason for p in problems)


def test_deleted_last_row_is_detected() -> None:
    events = _events(3)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [events[-1].pk])
    assert audit_verify(), "truncating the end of the chain must be noticed"


def test_admin_browses_own_organisation_audit_only(make_org: Any, make_user: Any, client: Any) -> None:
    from tests.conftest import PASSWORD

    org_a, org_b = make_org("A"), make_org("B", country="TH")
    make_user(org_a, "admin", username="boss")
    make_user(org_b, "caseworker", username="stranger")
    client.post("/login/", {"username": "stranger", "password": "wrong-password"})
    client.post("/login/", {"username": "boss", "password": "wrong-password"})
    client.post("/login/", {"username": "boss", "password": PASSWORD})
    page = client.get("/audit/").content.decode()
    assert "auth.login" in page and "boss" in page and "auth.login_failed" in page
    assert "stranger" not in page
    filtered = client.get("/audit/?action=organisation.").content.decode()
    assert "organisation.create" in filtered and "auth.login" not in filtered


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain() -> None:
    """Requests served at once (runserver threads, gunicorn workers) all get audited.

    On SQLite a transaction that reads the chain head and then writes used to fail at once
    with "database is locked" when another did the same; on PostgreSQL the head row lock
    serialises them. Either way, every event must land and the chain must verify.
    """
    import threading

    from django.db import connections

    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                audit_record(action="test.concurrent", actor_username=f"w{n}", changes={"i": i})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.filter(action="test.concurrent").count() == 60
    assert audit_verify() == []
