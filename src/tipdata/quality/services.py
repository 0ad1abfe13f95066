"""Writes of the quality app: an organisation's quality spec. Keyword-only, one transaction, audited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tipdata.accounts.models import Organisation
from tipdata.audit.services import audit_record
from tipdata.engines.quality import QualitySpecError, parse_spec
from tipdata.engines.standard import load_dictionary
from tipdata.quality.models import QualitySettings


def quality_spec_set(*, organisation: Organisation, actor: Any, spec: Mapping[str, Any] | None) -> QualitySettings | None:
    """Store the organisation's quality spec (``None`` or ``{}`` goes back to the defaults).

    The spec is checked in full before it is stored; a mistake raises ``ValidationError``
    naming the key and what is allowed. A stored spec may not fix ``as_of``: reports are
    always made as of the day they run.
    """
    spec = dict(spec or {})
    if "as_of" in spec:
        raise ValidationError("as_of: a stored spec cannot fix the report date; give it to one report instead "
                              "(tipdata quality report --as-of)")
    try:
        parse_spec(spec, load_dictionary())
    except QualitySpecError as exc:
        raise ValidationError(str(exc)) from exc
    with transaction.atomic():
        old = QualitySettings.objects.filter(organisation=organisation).first()
        old_spec = old.spec if old else {}
        stored: QualitySettings | None
        if spec:
            stored, _ = QualitySettings.objects.update_or_create(
                organisation=organisation,
                defaults={"spec": spec, "updated_by": actor if getattr(actor, "is_authenticated", False) else None},
            )
        else:
            QualitySettings.objects.filter(organisation=organisation).delete()
            stored = None
        # A spec names fields, codes and numbers, never a person's data: it can be audited whole.
        audit_record(action="quality.spec_set", actor=actor, organisation=organisation,
                     object_type="quality_settings", object_id=organisation.slug,
                     actor_username="" if getattr(actor, "is_authenticated", False) else "cli",
                     changes={"old": old_spec, "new": spec})
    return stored
