"""Load the generated demo caseload as real, encrypted case records."""

from __future__ import annotations

import zlib
from datetime import date

from tipdata.accounts.models import Organisation, User
from tipdata.cases.bulk import VictimCase, victims_bulk_create
from tipdata.cases.localfields import local_field_define
from tipdata.cases.models import Case, ConsentMethod, ConsentPurpose
from tipdata.cases.services import consent_record, referral_create
from tipdata.demo.generator import DemoCaseload


def load_cases(caseload: DemoCaseload, orgs: dict[str, Organisation]) -> tuple[int, int]:
    # Forced criminality in scam compounds has no HTCDS code: each demo organisation
    # declares a local field for it, mapped to the HTCDS "Other" type of exploitation.
    for org in orgs.values():
        local_field_define(
            organisation=org, actor=None, name="local_ForcedCriminality", label="Forced criminality (scam compound)",
            type="boolean", privacy_class="sensitive", maps_to="vic_TypeOfExploitation", maps_to_value="Other",
            definition="Forced to commit crimes, such as online fraud in a scam compound.",
        )
    users = {u.username: u for u in User.objects.filter(username__in={c.caseworker_role_user for c in caseload.cases})}
    records = {rec.record_key: rec for rec in caseload.persons}
    cases_by_record: dict[str, Case] = {}
    for slug, org in orgs.items():
        specs = [c for c in caseload.cases if c.organisation == slug]
        items = []
        for spec in specs:
            rec = records[spec.victim_record_key]
            consents = [(ConsentPurpose.SERVICES.value, ConsentMethod.WRITTEN.value)]
            # Most survivors agree to anonymous statistics; some do not.
            if zlib.crc32(rec.record_key.encode()) % 10 != 0:
                consents.append((ConsentPurpose.STATISTICS.value, ConsentMethod.VERBAL.value))
            items.append(VictimCase(
                person_values={"prs_FirstName": rec.first_name, "prs_SecondName": rec.second_name,
                               "prs_Birthdate": rec.birthdate or None, "prs_Gender": rec.gender,
                               "prs_Citizenship": rec.citizenship},
                registered_on=date.fromisoformat(spec.registered_on), status=spec.status,
                closed_on=date.fromisoformat(spec.closed_on) if spec.closed_on else None,
                victim_context=rec.fields,
                case_values={"cas_ReasonForCaseClosure": spec.reason_for_closure} if spec.reason_for_closure else {},
                local_fields=rec.local_fields, consents=consents, owner=users.get(spec.caseworker_role_user),
                demo_key=rec.record_key,
            ))
        created = victims_bulk_create(organisation=org, actor=None, items=items)
        for spec, case in zip(specs, created, strict=True):
            cases_by_record[spec.victim_record_key] = case
    for spec in caseload.cases:
        if not spec.referral:
            continue
        case = cases_by_record[spec.victim_record_key]
        partner = orgs[spec.referral["to"]]
        person = case.case_persons.get().person
        consent_record(person=person, actor=None, purpose=ConsentPurpose.REFERRAL, method=ConsentMethod.WRITTEN,
                       target_organisation=partner)
        referral_create(case=case, actor=None, partner=partner, referred_on=date.fromisoformat(spec.referral["date"]),
                        strict=False)
    return len(caseload.persons), len(cases_by_record)
