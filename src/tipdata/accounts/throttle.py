"""Login throttling from the audit trail itself, so it holds across server processes."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tipdata.audit.models import AuditEvent

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


def login_blocked(username: str) -> bool:
    """True when this username failed MAX_FAILURES times within the window."""
    since = timezone.now() - WINDOW
    last_success = (
        AuditEvent.objects.filter(action="auth.login", actor_username=username, created_at__gte=since)
        .order_by("-seq").values_list("seq", flat=True).first()
    )
    failures = AuditEvent.objects.filter(
        action="auth.login_failed", actor_username=username, created_at__gte=since
    )
    if last_success is not None:
        failures = failures.filter(seq__gt=last_success)
    return failures.count() >= MAX_FAILURES
