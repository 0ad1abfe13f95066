"""Persons as the linkage engines read them: decrypted in memory for one run, never written."""

from __future__ import annotations

from typing import Any

import pycountry

from tipdata.accounts.models import Organisation
from tipdata.audit.services import audit_record
from tipdata.cases.models import Person
from tipdata.cases.sealing import open_values
from tipdata.engines.linkage.persons import PersonRecord
from tipdata.engines.names.dates import BirthDateError, parse_birth_date
from tipdata.keys.services import data_key_open

SEX = {"Feminine": "F", "Masculine": "M", "TransgenderFeminine": "F", "TransgenderMasculine": "M"}
NAME_FIELDS = ("prs_first_name", "prs_middle_name", "prs_second_name")


def _alpha3(codes: list[str] | None) -> str:
    for code in codes or []:
        country = pycountry.countries.get(alpha_2=code)
        if country is not None:
            return str(country.alpha_3)
    return ""


def linkage_records(organisation: Organisation, *, actor: Any, purpose: str) -> list[PersonRecord]:
    """Every non-erased, non-merged person of the organisation, names decrypted in memory only."""
    records: list[PersonRecord] = []
    persons = Person.objects.filter(organisation=organisation, erased_at__isnull=True, wrapped_data_key__isnull=False)
    persons = persons.exclude(pk__in=_merged_away(organisation))
    for person in persons.iterator(chunk_size=1000):
        ref = f"person:{person.public_id}"
        key = data_key_open(wrapped=bytes(person.wrapped_data_key or b""), org_key_id=person.org_key_id, record_ref=ref)
        names = open_values({k: v for k, v in person.sealed.items() if k in NAME_FIELDS}, key=key, record_ref=ref)
        birth = None
        if person.attributes.get("prs_birthdate"):
            try:
                birth = parse_birth_date(person.attributes["prs_birthdate"])
            except BirthDateError:
                birth = None
        given = " ".join(n for n in (names.get("prs_first_name"), names.get("prs_middle_name")) if n)
        records.append(PersonRecord(
            id=str(person.public_id), given_name=given, family_name=names.get("prs_second_name", ""),
            sex=SEX.get(person.attributes.get("prs_gender", ""), ""), birth_date=birth,
            nationality=_alpha3(person.attributes.get("prs_citizenship")),
        ))
    audit_record(action="linkage.read_identified", actor=actor, organisation=organisation,
                 changes={"purpose": purpose, "persons": len(records)}, actor_username="" if actor else "cli")
    return records


def _merged_away(organisation: Organisation) -> Any:
    from tipdata.linkage.models import PersonMerge

    return PersonMerge.objects.filter(organisation=organisation, undone_at__isnull=True).values("merged_id")
