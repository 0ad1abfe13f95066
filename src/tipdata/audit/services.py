"""Writing the audit trail. Call ``audit_record`` inside the transaction of the change."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from tipdata.audit.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    body = {
        "seq": event.seq,
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
        "prev_hash": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()


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
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        actor_obj = actor if getattr(actor, "is_authenticated", False) else None
        event = AuditEvent(
            seq=head.seq + 1,
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
            prev_hash=head.hash,
        )
        event.hash = event_hash(event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


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
