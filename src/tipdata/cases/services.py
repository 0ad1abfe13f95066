"""Every write to case records. Keyword-only, typed, takes the actor, one transaction, audited.

Identifiers and narratives are sealed before they reach the database; the audit record of
a change names the sealed fields that changed, never their values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tipdata.accounts.models import Organisation
from tipdata.audit.services import audit_record
from tipdata.cases.models import (
    Case,
    CasePerson,
    CaseStatus,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Person,
    PersonRole,
    PersonSearchIndex,
    Referral,
)
from tipdata.cases.sealing import canonical_name, is_sealed, seal_values
from tipdata.engines.standard import ValueNotAllowedError, load_dictionary
from tipdata.keys import envelope
from tipdata.keys.services import data_key_new, data_key_open, index_key_plain

MAX_TEXT = 20_000
SEARCHABLE = ("prs_first_name", "prs_middle_name", "prs_second_name", "prs_identity_number")


class EditConflictError(Exception):
    """Someone else saved the record after this edit began; nothing was overwritten."""


class ConsentRequiredError(PermissionError):
    """The person has not consented to this use of their data (or withdrew consent)."""


def split_sealed_and_coded(values: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """Validate every value against the dictionary; return (to seal, coded attributes)."""
    to_seal: dict[str, str] = {}
    coded: dict[str, Any] = {}
    errors: list[str] = []
    dictionary = load_dictionary()
    for raw_name, value in values.items():
        try:
            name = canonical_name(raw_name)
        except KeyError as exc:
            errors.append(str(exc))
            continue
        if is_sealed(name):
            text = "" if value is None else str(value).strip()
            if len(text) > MAX_TEXT:
                errors.append(f"{name}: text is {len(text)} characters; at most {MAX_TEXT} allowed")
            elif text:
                to_seal[name] = text
            continue
        try:
            clean = dictionary.field(name).validate(value)
        except ValueNotAllowedError as exc:
            errors.append(str(exc))
            continue
        if clean is not None:
            coded[name] = _jsonable(clean)
    if errors:
        raise ValidationError(errors)
    return to_seal, coded


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def person_index_digests(organisation: Organisation, sealed_plain: dict[str, str]) -> set[str]:
    return person_index_digests_with_key(index_key_plain(organisation), sealed_plain)


def person_index_digests_with_key(key: bytes, sealed_plain: dict[str, str]) -> set[str]:
    """Blind-index digests of each name token, the full name and the identity number."""
    digests: set[str] = set()
    names = [sealed_plain.get(n, "") for n in ("prs_first_name", "prs_middle_name", "prs_second_name")]
    full = " ".join(n for n in names if n)
    for token in envelope.name_tokens(full):
        digests.add(envelope.blind_index(token, key, "name"))
    if full:
        digests.add(envelope.blind_index(full, key, "name"))
    if sealed_plain.get("prs_identity_number"):
        digests.add(envelope.blind_index(sealed_plain["prs_identity_number"], key, "id"))
    return digests


def person_create(
    *, organisation: Organisation, actor: Any, values: dict[str, Any],
    local_fields: dict[str, Any] | None = None, demo_key: str = "",
) -> Person:
    """Create a person from HTCDS ``prs_`` values (names, birth date, gender, citizenship ...)."""
    to_seal, coded = split_sealed_and_coded(values)
    from tipdata.cases.localfields import validate_local_values

    local_clean = validate_local_values(organisation, local_fields or {})
    birth = coded.get("prs_birthdate")
    if birth and date.fromisoformat(birth) > timezone.now().date():
        raise ValidationError(f"prs_birthdate: {birth} is in the future")
    with transaction.atomic():
        person = Person.objects.create(
            organisation=organisation, attributes=coded, local_fields=local_clean,
            created_by=actor if getattr(actor, "is_authenticated", False) else None, demo_key=demo_key,
        )
        ref = f"person:{person.public_id}"
        key, org_key_id, wrapped = data_key_new(organisation=organisation, record_ref=ref)
        person.wrapped_data_key, person.org_key_id = wrapped, org_key_id
        person.sealed = seal_values(to_seal, key=key, record_ref=ref)
        person.save(update_fields=["wrapped_data_key", "org_key_id", "sealed"])
        PersonSearchIndex.objects.bulk_create(
            [PersonSearchIndex(organisation=organisation, person=person, digest=d)
             for d in person_index_digests(organisation, to_seal)]
        )
        audit_record(
            action="person.create", actor=actor, organisation=organisation, object_type="person",
            object_id=person.public_id,
            changes={"sealed_fields": sorted(to_seal), "fields": {k: {"old": None, "new": v} for k, v in coded.items()}},
        )
    return person


def person_data_key(person: Person) -> Any:
    if person.wrapped_data_key is None:
        raise ValidationError("this person's data were erased")
    return data_key_open(wrapped=bytes(person.wrapped_data_key), org_key_id=person.org_key_id,
                         record_ref=f"person:{person.public_id}")


def _next_reference(organisation: Organisation, registered_on: date) -> str:
    count = Case.objects.filter(organisation=organisation).count() + 1
    while True:
        ref = f"{organisation.country}-{registered_on.year}-{count:06d}"
        if not Case.objects.filter(organisation=organisation, reference=ref).exists():
            return ref
        count += 1


def case_create(
    *, organisation: Organisation, actor: Any, victim: Person | None, registered_on: date,
    status: str = CaseStatus.ACTIVE, case_values: dict[str, Any] | None = None,
    victim_context: dict[str, Any] | None = None, closed_on: date | None = None,
    assign_to: Any = None, reference: str = "", strict: bool = True,
) -> Case:
    """Open a case, optionally with its victim and their victim-context (``vic_``) values."""
    if victim is not None and victim.organisation_id != organisation.pk:
        raise ValidationError("the victim belongs to another organisation")
    if status not in CaseStatus.values:
        raise ValidationError(f"status {status!r} is not allowed; allowed: {', '.join(CaseStatus.values)}")
    if closed_on and closed_on < registered_on:
        raise ValidationError(f"closed on {closed_on} is before registration on {registered_on}")
    birth = (victim.attributes.get("prs_birthdate") if victim else None)
    # strict=False keeps legacy or imported inconsistencies for the quality checks to report.
    if strict and birth and date.fromisoformat(birth) > registered_on:
        raise ValidationError(f"prs_birthdate {birth} is after the case was registered ({registered_on})")
    case_sealed, case_coded = split_sealed_and_coded(case_values or {})
    vic_sealed, vic_coded = split_sealed_and_coded(victim_context or {})
    with transaction.atomic():
        case = Case.objects.create(
            organisation=organisation, reference=reference or _next_reference(organisation, registered_on),
            status=status, registered_on=registered_on, closed_on=closed_on,
            owner=actor if getattr(actor, "is_authenticated", False) else assign_to,
            attributes=case_coded,
            exploitation_types="|" + "|".join(vic_coded.get("vic_type_of_exploitation", [])) + "|",
        )
        ref = f"case:{case.public_id}"
        key, org_key_id, wrapped = data_key_new(organisation=organisation, record_ref=ref)
        case.wrapped_data_key, case.org_key_id = wrapped, org_key_id
        case.sealed = seal_values({**case_sealed, **vic_sealed}, key=key, record_ref=ref)
        case.save(update_fields=["wrapped_data_key", "org_key_id", "sealed"])
        if assign_to is not None:
            case.assigned_to.add(assign_to)
        if victim is not None:
            CasePerson.objects.create(organisation=organisation, case=case, person=victim,
                                      role=PersonRole.VICTIM, context=vic_coded)
        audit_record(
            action="case.create", actor=actor, organisation=organisation, object_type="case",
            object_id=case.public_id,
            changes={"status": status, "registered_on": registered_on.isoformat(),
                     "sealed_fields": sorted({**case_sealed, **vic_sealed}),
                     "victim": str(victim.public_id) if victim else None},
        )
    return case


def case_update(
    *, case: Case, actor: Any, expected_version: int, status: str | None = None,
    closed_on: date | None = None, case_values: dict[str, Any] | None = None,
) -> Case:
    """Change a case if nobody saved it since ``expected_version``; else EditConflictError."""
    changes: dict[str, Any] = {}
    updates: dict[str, Any] = {}
    if status is not None and status != case.status:
        if status not in CaseStatus.values:
            raise ValidationError(f"status {status!r} is not allowed; allowed: {', '.join(CaseStatus.values)}")
        updates["status"] = status
        changes["status"] = {"old": case.status, "new": status}
    if closed_on is not None:
        if closed_on < case.registered_on:
            raise ValidationError(f"closed on {closed_on} is before registration on {case.registered_on}")
        updates["closed_on"] = closed_on
        changes["closed_on"] = {"old": case.closed_on, "new": closed_on}
    if case_values:
        _sealed, coded = split_sealed_and_coded(case_values)
        attributes = {**case.attributes, **coded}
        updates["attributes"] = attributes
        for key, value in coded.items():
            changes[key] = {"old": case.attributes.get(key), "new": value}
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, version=expected_version).update(
            **updates, version=F("version") + 1, updated_at=timezone.now()
        )
        if updated == 0:
            raise EditConflictError(
                "this case was changed by someone else while you were editing; "
                "your changes were not saved. Reload the case to see the latest version."
            )
        audit_record(action="case.update", actor=actor, organisation=case.organisation, object_type="case",
                     object_id=case.public_id, changes=changes)
    case.refresh_from_db()
    return case


def victim_context_update(
    *, case: Case, actor: Any, values: dict[str, Any], person: Person | None = None,
) -> CasePerson:
    """Set coded ``vic_`` values of a case's victim (the only victim unless ``person`` says which).

    Given keys replace their old values; others are kept. Narrative (sealed) fields are
    refused here: they need the case's data key and go through the case edit.
    """
    links = CasePerson.objects.filter(case=case, role=PersonRole.VICTIM).select_related("person")
    if person is not None:
        links = links.filter(person=person)
    found = list(links)
    if not found:
        raise ValidationError("this case has no such victim" if person is not None else "this case has no victim recorded")
    if len(found) > 1:
        raise ValidationError(f"this case has {len(found)} victims; say which person the values are for")
    link = found[0]
    sealed, coded = split_sealed_and_coded(values)
    if sealed:
        raise ValidationError(f"{', '.join(sorted(sealed))}: narrative fields are not set through victim_context_update")
    if not all(name.startswith("vic_") for name in coded):
        raise ValidationError(f"only victim-context (vic_) fields: {', '.join(sorted(n for n in coded if not n.startswith('vic_')))}")
    changes = {k: {"old": link.context.get(k), "new": v} for k, v in coded.items() if link.context.get(k) != v}
    with transaction.atomic():
        link.context = {**link.context, **coded}
        link.save(update_fields=["context"])
        case_updates: dict[str, Any] = {"version": F("version") + 1, "updated_at": timezone.now()}
        if "vic_type_of_exploitation" in coded:
            case_updates["exploitation_types"] = "|" + "|".join(link.context["vic_type_of_exploitation"]) + "|"
        Case.objects.filter(pk=case.pk).update(**case_updates)
        audit_record(action="case.victim_context_update", actor=actor, organisation=case.organisation,
                     object_type="case", object_id=case.public_id,
                     changes={"person": str(link.person.public_id), "fields": changes})
    case.refresh_from_db()
    return link


def consent_record(
    *, person: Person, actor: Any, purpose: str, method: str, target_organisation: Organisation | None = None,
) -> Consent:
    if purpose not in ConsentPurpose.values:
        raise ValidationError(f"purpose {purpose!r} is not known; allowed: {', '.join(ConsentPurpose.values)}")
    if method not in ConsentMethod.values:
        raise ValidationError(f"method {method!r} is not known; allowed: {', '.join(ConsentMethod.values)}")
    if purpose == ConsentPurpose.REFERRAL and target_organisation is None:
        raise ValidationError("consent to referral must name the organisation the person may be referred to")
    with transaction.atomic():
        consent = Consent.objects.create(
            organisation=person.organisation, person=person, purpose=purpose, method=method,
            target_organisation=target_organisation,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(action="consent.record", actor=actor, organisation=person.organisation,
                     object_type="person", object_id=person.public_id,
                     changes={"purpose": purpose, "method": method,
                              "target": target_organisation.slug if target_organisation else None})
    return consent


def consent_withdraw(*, consent: Consent, actor: Any) -> Consent:
    with transaction.atomic():
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_by = actor if getattr(actor, "is_authenticated", False) else None
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
        audit_record(action="consent.withdraw", actor=actor, organisation=consent.organisation,
                     object_type="person", object_id=consent.person.public_id, changes={"purpose": consent.purpose})
    return consent


def consent_given(*, person: Person, purpose: str, target_organisation: Organisation | None = None) -> bool:
    found = Consent.objects.filter(person=person, purpose=purpose, withdrawn_at__isnull=True)
    if target_organisation is not None:
        found = found.filter(target_organisation=target_organisation)
    return found.exists()


def referral_create(
    *, case: Case, actor: Any, partner: Organisation, referred_on: date, reason: str = "AdditionalServicesRequired",
    strict: bool = True,
) -> Referral:
    """Refer a case out; refused unless every victim consented to referral to this partner."""
    victims = [cp.person for cp in case.case_persons.filter(role=PersonRole.VICTIM).select_related("person")]
    for victim in victims:
        if not consent_given(person=victim, purpose=ConsentPurpose.REFERRAL, target_organisation=partner):
            raise ConsentRequiredError(
                f"referral refused: the victim has not consented to referral to {partner.name} "
                "(or withdrew consent). Record their consent first."
            )
    if strict and referred_on < case.registered_on:
        raise ValidationError(f"referral date {referred_on} is before the case was registered ({case.registered_on})")
    with transaction.atomic():
        referral = Referral.objects.create(
            organisation=case.organisation, case=case, direction="out", partner=partner, partner_name=partner.name,
            referred_on=referred_on, reason=reason,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(action="referral.create", actor=actor, organisation=case.organisation, object_type="case",
                     object_id=case.public_id, changes={"partner": partner.slug, "date": referred_on.isoformat()})
    return referral


@dataclass(frozen=True)
class ErasureResult:
    person: str
    cases_shredded: int


def person_erase(*, person: Person, actor: Any, reason: str) -> ErasureResult:
    """Destroy the person's data key and sealed values (crypto-shredding); keep coded statistics."""
    with transaction.atomic():
        shredded = 0
        for link in person.case_links.select_related("case"):
            case = link.case
            others = case.case_persons.exclude(person=person).filter(role=PersonRole.VICTIM).exists()
            if not others:
                Case.objects.filter(pk=case.pk).update(wrapped_data_key=None, sealed={})
                shredded += 1
        PersonSearchIndex.objects.filter(person=person).delete()
        Person.objects.filter(pk=person.pk).update(
            wrapped_data_key=None, sealed={}, erased_at=timezone.now(), local_fields={}
        )
        audit_record(action="person.erase", actor=actor, organisation=person.organisation, object_type="person",
                     object_id=person.public_id, changes={"reason": reason, "cases_shredded": shredded},
                     actor_username="" if actor else "retention")
    return ErasureResult(str(person.public_id), shredded)


def case_comment_add(*, case: Case, actor: Any, text: str) -> Any:
    """A note on the case (HTCDS cco_CaseComment), sealed under the case's data key."""
    from tipdata.cases.models import CaseComment

    text = text.strip()
    if not text:
        raise ValidationError("a comment cannot be empty")
    if len(text) > MAX_TEXT:
        raise ValidationError(f"comment is {len(text)} characters; at most {MAX_TEXT} allowed")
    if case.wrapped_data_key is None:
        raise ValidationError("this case's data were erased")
    key = data_key_open(wrapped=bytes(case.wrapped_data_key), org_key_id=case.org_key_id,
                        record_ref=f"case:{case.public_id}")
    with transaction.atomic():
        comment = CaseComment.objects.create(organisation=case.organisation, case=case,
                                             author=actor if getattr(actor, "is_authenticated", False) else None)
        comment.sealed = seal_values({"cco_case_comment": text}, key=key, record_ref=f"comment:{comment.pk}")
        comment.save(update_fields=["sealed"])
        audit_record(action="case.comment", actor=actor, organisation=case.organisation, object_type="case",
                     object_id=case.public_id, changes={"sealed_fields": ["cco_case_comment"]})
    return comment


def _case_key(case: Case) -> Any:
    if case.wrapped_data_key is None:
        raise ValidationError("this case's data were erased")
    return data_key_open(wrapped=bytes(case.wrapped_data_key), org_key_id=case.org_key_id,
                         record_ref=f"case:{case.public_id}")


def support_plan_add(*, case: Case, actor: Any, values: dict[str, Any]) -> Any:
    """Add a support plan from HTCDS spl_ values (type, dates, objectives, action plan)."""
    from tipdata.cases.models import SupportPlan

    to_seal, coded = split_sealed_and_coded(values)
    if not coded.get("spl_type"):
        raise ValidationError("spl_type: required (the kind of support)")
    planned, actual = coded.get("spl_planned_end_date"), coded.get("spl_actual_end_date")
    key = _case_key(case)
    with transaction.atomic():
        plan = SupportPlan.objects.create(
            organisation=case.organisation, case=case, plan_type=coded["spl_type"],
            planned_end=date.fromisoformat(planned) if planned else None,
            actual_end=date.fromisoformat(actual) if actual else None,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        plan.sealed = seal_values(to_seal, key=key, record_ref=f"plan:{plan.pk}")
        plan.save(update_fields=["sealed"])
        audit_record(action="case.support_plan", actor=actor, organisation=case.organisation, object_type="case",
                     object_id=case.public_id, changes={"spl_type": coded["spl_type"], "sealed_fields": sorted(to_seal)})
    return plan


def trafficking_event_add(*, case: Case, actor: Any, values: dict[str, Any]) -> Any:
    """Add a historic trafficking event from HTCDS hte_ values."""
    from tipdata.cases.models import TraffickingEvent

    to_seal, coded = split_sealed_and_coded(values)
    if not coded.get("hte_type"):
        raise ValidationError("hte_type: required (Recruitment, Transit or Exploitation)")
    when = coded.get("hte_date")
    if when and date.fromisoformat(when) > timezone.now().date():
        raise ValidationError(f"hte_date: {when} is in the future")
    key = _case_key(case)
    with transaction.atomic():
        event = TraffickingEvent.objects.create(
            organisation=case.organisation, case=case, event_type=coded["hte_type"],
            country=coded.get("hte_country", ""), city=coded.get("hte_city", "")[:120],
            occurred_on=date.fromisoformat(when) if when else None,
        )
        event.sealed = seal_values(to_seal, key=key, record_ref=f"event:{event.pk}")
        event.save(update_fields=["sealed"])
        audit_record(action="case.event", actor=actor, organisation=case.organisation, object_type="case",
                     object_id=case.public_id, changes={"hte_type": coded["hte_type"], "sealed_fields": sorted(to_seal)})
    return event


def case_person_add(*, case: Case, actor: Any, role: str, values: dict[str, Any], context: dict[str, Any]) -> CasePerson:
    """Add a perpetrator or another person to a case (names sealed, per_ context validated)."""
    if role not in (PersonRole.PERPETRATOR, PersonRole.OTHER):
        raise ValidationError(f"role {role!r}: add victims with a new case; allowed here: perpetrator, other")
    # Narrative context (per_RoleDetails) is sealed with the person's other identifiers.
    narrative = {k: v for k, v in context.items() if is_sealed(k)}
    _none, ctx = split_sealed_and_coded({k: v for k, v in context.items() if k not in narrative})
    with transaction.atomic():
        person = person_create(organisation=case.organisation, actor=actor, values={**values, **narrative})
        link = CasePerson.objects.create(organisation=case.organisation, case=case, person=person, role=role, context=ctx)
        audit_record(action="case.person_add", actor=actor, organisation=case.organisation, object_type="case",
                     object_id=case.public_id, changes={"role": role, "person": str(person.public_id)})
    return link
