"""Writing the audit trail. Call ``audit_record`` inside the transaction of the change."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from tipdata.audit.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _canonical_head(event: AuditEvent) -> str:
    """The canonical JSON of an event up to, not including, its chain fields.

    The canonical form is the event's fields as JSON with sorted keys; ``prev_hash`` and
    ``seq`` sort after every other key, so the whole is this head followed by
    ``"prev_hash":"<hash>","seq":<n>}``. PostgreSQL completes it inside the statement that
    appends the row (see ``_append_postgresql``); Python completes it everywhere else.
    """
    body = {
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "organisation_id": event.organisation_id,
        "organisation_slug": event.organisation_slug,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "changes": event.changes,
        "ip_address": event.ip_address,
    }
    assert max(body) < "prev_hash", "a field sorting after prev_hash would break the chain's canonical form"
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)[:-1] + ","


def _canonical(event: AuditEvent) -> bytes:
    return f'{_canonical_head(event)}"prev_hash":{json.dumps(event.prev_hash)},"seq":{int(event.seq)}}}'.encode()


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def audit_record(
    *,
    action: str,
    actor: Any = None,
    organisation: Any = None,
    object_type: str = "",
    object_id: Any = "",
    changes: dict[str, Any] | None = None,
    ip_address: str = "",
    actor_username: str = "",
) -> AuditEvent:
    """Append one event to the chain. ``changes`` must hold no plaintext identifier."""
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor_obj,
        actor_username=actor_obj.get_username() if actor_obj else actor_username,
        organisation=organisation,
        organisation_slug=organisation.slug if organisation is not None else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id != "" else "",
        changes=json.loads(json.dumps(changes or {}, default=str)),
        ip_address=ip_address[:45],
    )
    if connection.vendor == "postgresql" and _append_postgresql(event):
        return event
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        event.seq, event.prev_hash = head.seq + 1, head.hash
        event.hash = event_hash(event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


def _append_postgresql(event: AuditEvent) -> bool:
    """Append in one statement: lock the head, insert the row hashed in SQL, move the head.

    Every page that shows a name writes an event, so the append is on the busiest path; as
    one statement it is one round trip instead of five (begin, lock, insert, update,
    commit). The hash is the same as ``event_hash``: Python sends the canonical JSON up to
    the chain fields and PostgreSQL appends them under the row lock. Concurrent appends
    queue on the lock and each sees the head its predecessor left (read committed
    re-reads a locked row once it is released). False when the head row does not exist
    yet (a new database): the caller then takes the general path, which creates it.
    """
    events, chain_head = AuditEvent._meta.db_table, AuditChainHead._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(  # table names from the models; every value is a parameter
            f"""
            WITH head AS (SELECT seq + 1 AS seq, hash AS prev FROM {chain_head} WHERE id = 1 FOR UPDATE),
            appended AS (
                INSERT INTO {events} (seq, created_at, actor_id, actor_username, organisation_id,
                    organisation_slug, action, object_type, object_id, changes, ip_address, prev_hash, hash)
                SELECT head.seq, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, head.prev,
                    encode(sha256(convert_to(
                        %s::text || '"prev_hash":"' || head.prev || '","seq":' || head.seq || '}}', 'UTF8'
                    )), 'hex')
                FROM head
                RETURNING id, seq, prev_hash, hash
            )
            UPDATE {chain_head} SET seq = appended.seq, hash = appended.hash FROM appended WHERE {chain_head}.id = 1
            RETURNING appended.id, appended.seq, appended.prev_hash, appended.hash
            """,  # noqa: S608
            [event.created_at, event.actor_id, event.actor_username, event.organisation_id,
             event.organisation_slug, event.action, event.object_type, event.object_id,
             json.dumps(event.changes), event.ip_address, _canonical_head(event)],
        )
        row = cursor.fetchone()
    if row is None:
        return False
    event.pk, event.seq, event.prev_hash, event.hash = row
    event._state.adding, event._state.db = False, "default"
    return True


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        return f"audit row seq={self.seq} (id={self.event_id}): {self.reason}"


def audit_verify() -> list[ChainProblem]:
    """Recompute the chain; return every break found (empty when intact)."""
    problems: list[ChainProblem] = []
    prev = GENESIS
    expected_seq = 1
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            problems.append(
                ChainProblem(expected_seq, None, f"row missing (next row present is seq={event.seq})")
            )
            expected_seq = event.seq
        if event.prev_hash != prev:
            problems.append(ChainProblem(event.seq, event.pk, "previous-hash link broken"))
        if event_hash(event) != event.hash:
            problems.append(ChainProblem(event.seq, event.pk, "content does not match its hash (edited)"))
        prev = event.hash
        expected_seq += 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.seq != expected_seq - 1:
        problems.append(
            ChainProblem(head.seq, None, f"chain head says {head.seq} rows, found {expected_seq - 1} (rows deleted at the end)")
        )
    return problems
