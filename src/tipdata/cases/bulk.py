"""Creating many victims and their cases at once (demo data, benchmarks, large imports).

The same validation, encryption and blind indexes as ``person_create``/``case_create``,
but rows are inserted in batches and the organisation key is unwrapped once per batch.
Each batch is one transaction with one audit record naming how many records it created.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tipdata.accounts.models import Organisation
from tipdata.audit.services import audit_record
from tipdata.cases.localfields import validate_local_values
from tipdata.cases.models import Case, CasePerson, Consent, Person, PersonRole, PersonSearchIndex
from tipdata.cases.sealing import seal_values
from tipdata.cases.services import person_index_digests_with_key, split_sealed_and_coded
from tipdata.keys.services import (
    data_key_wrap_new,
    index_key_plain,
    organisation_key_ensure,
    organisation_key_plain,
)


@dataclass
class VictimCase:
    """One victim with their case, as plain HTCDS values."""

    person_values: dict[str, Any]
    registered_on: date
    status: str = "Active"
    closed_on: date | None = None
    victim_context: dict[str, Any] = field(default_factory=dict)
    case_values: dict[str, Any] = field(default_factory=dict)
    local_fields: dict[str, Any] = field(default_factory=dict)
    consents: list[tuple[str, str]] = field(default_factory=list)  # (purpose, method)
    owner: Any = None
    demo_key: str = ""


def _batches(items: Iterable[VictimCase], size: int) -> Iterator[list[VictimCase]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def victims_bulk_create(
    *, organisation: Organisation, actor: Any, items: Iterable[VictimCase], batch_size: int = 1000,
    reference_prefix: str = "", progress: Callable[[int], None] | None = None,
) -> list[Case]:
    """Create every victim and case; a batch with one bad row is refused whole, naming the row."""
    org_key = organisation_key_ensure(organisation=organisation)
    org_plain = organisation_key_plain(org_key)
    index_key = index_key_plain(organisation)
    created: list[Case] = []
    start = Case.objects.filter(organisation=organisation).count()
    done = 0
    for batch in _batches(items, batch_size):
        persons: list[Person] = []
        cases: list[Case] = []
        links: list[tuple[Person, Case, dict[str, Any], VictimCase]] = []
        indexes: list[tuple[Person, set[str]]] = []
        consents: list[Consent] = []
        for offset, item in enumerate(batch):
            try:
                to_seal, coded = split_sealed_and_coded(item.person_values)
                local = validate_local_values(organisation, item.local_fields)
                vic_sealed, vic_coded = split_sealed_and_coded(item.victim_context)
                case_sealed, case_coded = split_sealed_and_coded(item.case_values)
            except ValidationError as exc:
                raise ValidationError([f"record {done + offset + 1}: {m}" for m in exc.messages]) from exc
            person = Person(organisation=organisation, public_id=uuid.uuid4(), attributes=coded, local_fields=local,
                            org_key_id=org_key.key_id, demo_key=item.demo_key)
            pkey, person.wrapped_data_key = data_key_wrap_new(org_plain, f"person:{person.public_id}")
            person.sealed = seal_values(to_seal, key=pkey, record_ref=f"person:{person.public_id}")
            number = start + done + offset + 1
            case = Case(organisation=organisation, public_id=uuid.uuid4(),
                        reference=f"{reference_prefix or organisation.country}-{item.registered_on.year}-{number:06d}",
                        status=item.status, registered_on=item.registered_on, closed_on=item.closed_on,
                        owner=item.owner, attributes=case_coded, org_key_id=org_key.key_id,
                        exploitation_types="|" + "|".join(vic_coded.get("vic_type_of_exploitation", [])) + "|")
            ckey, case.wrapped_data_key = data_key_wrap_new(org_plain, f"case:{case.public_id}")
            case.sealed = seal_values({**case_sealed, **vic_sealed}, key=ckey, record_ref=f"case:{case.public_id}")
            persons.append(person)
            cases.append(case)
            links.append((person, case, vic_coded, item))
            indexes.append((person, person_index_digests_with_key(index_key, to_seal)))
        with transaction.atomic():
            Person.objects.bulk_create(persons)
            Case.objects.bulk_create(cases)
            CasePerson.objects.bulk_create([
                CasePerson(organisation=organisation, case=c, person=p, role=PersonRole.VICTIM, context=ctx)
                for p, c, ctx, _item in links
            ])
            PersonSearchIndex.objects.bulk_create([
                PersonSearchIndex(organisation=organisation, person=p, digest=d) for p, ds in indexes for d in ds
            ])
            for p, _c, _ctx, item in links:
                consents.extend(Consent(organisation=organisation, person=p, purpose=purpose, method=method)
                                for purpose, method in item.consents)
            Consent.objects.bulk_create(consents)
            through = Case.assigned_to.through
            through.objects.bulk_create([
                through(case_id=c.pk, user_id=item.owner.pk) for _p, c, _ctx, item in links if item.owner is not None
            ])
            audit_record(action="case.bulk_create", actor=actor, organisation=organisation,
                         changes={"persons": len(persons), "cases": len(cases)},
                         actor_username="" if actor else "cli")
        created.extend(cases)
        done += len(batch)
        if progress:
            progress(done)
    return created

