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


def test_canonical_form_is_the_sorted_json_of_every_field() -> None:
    """The chain's canonical form is built in two parts (PostgreSQL appends the chain fields
    inside the statement that inserts the row); the parts must join to exactly the sorted
    JSON of all fields, whatever the changes hold."""
    import json

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from tipdata.audit.services import _canonical

    values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                          max_leaves=8)

    @settings(max_examples=60, deadline=None)
    @given(changes=st.dictionaries(st.text(), values, max_size=4), seq=st.integers(1, 10**12),
           username=st.text(max_size=20), prev=st.text("0123456789abcdef", min_size=64, max_size=64))
    def check(changes: dict[str, Any], seq: int, username: str, prev: str) -> None:
        from django.utils import timezone

        event = AuditEvent(seq=seq, created_at=timezone.now(), actor_username=username, action="test.x",
                           changes=changes, prev_hash=prev)
        body = {"seq": event.seq, "created_at": event.created_at.isoformat(), "actor_id": None,
                "actor_username": username, "organisation_id": None, "organisation_slug": "", "action": "test.x",
                "object_type": "", "object_id": "", "changes": changes, "ip_address": "", "prev_hash": prev}
        assert _canonical(event) == json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    check()


def test_every_path_of_appending_hashes_as_verify_does() -> None:
    """On PostgreSQL the row is hashed in SQL; the hash must be the one Python recomputes,
    also for changes holding quotes, non-Latin text and the chain's own key names."""
    from tipdata.audit.services import event_hash

    tricky = [{"note": '"prev_hash":"x","seq":1}'}, {"ឈ្មោះ": "ชื่อ", "n": [1, 2.5, None, True]}, {"seq": -1}, {}]
    events = [audit_record(action="test.tricky", actor_username="cli", changes=c) for c in tricky * 2]
    for event in events:
        stored = AuditEvent.objects.get(pk=event.pk)
        assert stored.hash == event.hash == event_hash(stored)
        assert stored.seq == event.seq and stored.prev_hash == event.prev_hash
    assert [e.seq for e in events] == list(range(events[0].seq, events[0].seq + len(events)))
    assert audit_verify() == []
    if connection.vendor == "postgresql":  # the busiest write in the app: one round trip
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            audit_record(action="test.tricky", actor_username="cli")
        assert len(queries.captured_queries) == 1
