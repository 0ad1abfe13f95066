"""Creating, approving and sharing releases. Each spends budget and is audited."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tipdata.accounts.models import Organisation
from tipdata.audit.services import audit_record
from tipdata.engines.deid import DeidError, default_release_spec, write_release
from tipdata.sharing.models import PrivacyBudget, Release, SharingAgreement
from tipdata.sharing.selectors import release_input


def budget_for(organisation: Organisation) -> PrivacyBudget:
    budget, _ = PrivacyBudget.objects.get_or_create(organisation=organisation)
    return budget


def budget_set(*, organisation: Organisation, actor: Any, total_epsilon: float) -> PrivacyBudget:
    if not total_epsilon > 0:
        raise ValidationError("the total privacy budget must be a number above 0")
    with transaction.atomic():
        budget = PrivacyBudget.objects.select_for_update().get(pk=budget_for(organisation).pk)
        if total_epsilon < budget.spent_epsilon:
            raise ValidationError(f"{budget.spent_epsilon:g} is already spent; the total cannot be lower")
        old = budget.total_epsilon
        budget.total_epsilon = total_epsilon
        budget.save(update_fields=["total_epsilon"])
        audit_record(action="privacy_budget.set", actor=actor, organisation=organisation,
                     changes={"total_epsilon": {"old": old, "new": total_epsilon}}, actor_username="" if actor else "cli")
    return budget


def release_create(
    *, organisation: Organisation, actor: Any, k: int = 11, epsilon: float = 1.0, out_dir: str | Path,
    fmt: str = "ctdc", title: str = "",
) -> Release:
    """Make a release from the organisation's consenting persons; refuse if the budget would be overspent."""
    if k < 2:
        raise ValidationError("k must be at least 2 (the global hub uses 11)")
    if not epsilon > 0:
        raise ValidationError("epsilon must be a number above 0")
    data = release_input(organisation)
    if data.frame.empty:
        raise ValidationError("no person's consent covers de-identified statistics: nothing can be released")
    years = sorted({int(d[:4]) for d in data.frame["registration_date"]})
    try:
        spec = default_release_spec(k=k, epsilon=epsilon, years=range(years[0], years[-1] + 1), fmt=fmt,
                                    organisation=organisation.name, title=title or f"{organisation.name}: de-identified release")
    except DeidError as exc:
        raise ValidationError(str(exc)) from exc
    with transaction.atomic():
        budget = PrivacyBudget.objects.select_for_update().get(pk=budget_for(organisation).pk)
        if epsilon > budget.remaining + 1e-12:
            raise ValidationError(
                f"this release would spend epsilon {epsilon:g}, but only {budget.remaining:g} of the "
                f"organisation's budget of {budget.total_epsilon:g} is left"
            )
        exclusions = {"consent does not cover de-identified statistics": data.excluded_no_consent,
                      "erased": data.excluded_erased}
        try:
            manifest = write_release(data.frame, spec, out_dir, exclusions=exclusions)
        except DeidError as exc:
            raise ValidationError(str(exc)) from exc
        budget.spent_epsilon += epsilon
        budget.save(update_fields=["spent_epsilon"])
        release = Release.objects.create(
            organisation=organisation, title=spec.title, created_by=actor if getattr(actor, "is_authenticated", False) else None,
            out_dir=str(Path(out_dir).resolve()), spec=spec.to_dict(), manifest=manifest.to_dict(), k=k, epsilon=epsilon,
            persons_included=len(data.frame), persons_excluded=data.excluded_no_consent,
        )
        audit_record(action="release.create", actor=actor, organisation=organisation, object_type="release",
                     object_id=release.pk, changes={"k": k, "epsilon": epsilon, "persons": len(data.frame),
                                                    "excluded_no_consent": data.excluded_no_consent, "format": fmt},
                     actor_username="" if actor else "cli")
    return release


def release_approve(*, release: Release, actor: Any) -> Release:
    with transaction.atomic():
        release.status = Release.Status.APPROVED
        release.approved_by = actor if getattr(actor, "is_authenticated", False) else None
        release.approved_at = timezone.now()
        release.save(update_fields=["status", "approved_by", "approved_at"])
        audit_record(action="release.approve", actor=actor, organisation=release.organisation, object_type="release",
                     object_id=release.pk, actor_username="" if actor else "cli")
    return release


def agreement_record(*, release: Release, actor: Any, recipient: str, terms: str, valid_until: date) -> SharingAgreement:
    if not recipient.strip() or not terms.strip():
        raise ValidationError("say with whom the release is shared and under what terms")
    if valid_until < timezone.now().date():
        raise ValidationError(f"the agreement would already have ended ({valid_until})")
    with transaction.atomic():
        agreement = SharingAgreement.objects.create(
            organisation=release.organisation, release=release, recipient=recipient.strip(), terms=terms.strip(),
            valid_until=valid_until, recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(action="release.share", actor=actor, organisation=release.organisation, object_type="release",
                     object_id=release.pk, changes={"recipient": recipient, "until": valid_until.isoformat()},
                     actor_username="" if actor else "cli")
    return agreement
