"""Reads of the audit trail, scoped to one organisation."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tipdata.accounts.models import Organisation
from tipdata.audit.models import AuditEvent


def audit_events_for(organisation: Organisation) -> QuerySet[AuditEvent]:
    """Events about the organisation or done by its members (logins included), newest first."""
    member_ids = organisation.memberships.values("user_id")
    member_names = organisation.memberships.values("user__username")
    return AuditEvent.objects.filter(
        Q(organisation=organisation) | Q(actor_id__in=member_ids)
        | Q(action="auth.login_failed", actor_username__in=member_names)  # attempts on members' accounts
    ).order_by("-seq")
