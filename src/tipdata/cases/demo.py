"""Load the generated demo caseload as real, encrypted case records."""

from __future__ import annotations

import zlib
from datetime import date
from typing import Any

from tipdata.accounts.models import Organisation, User
from tipdata.cases.localfields import local_field_define
from tipdata.cases.models import ConsentMethod, ConsentPurpose
from tipdata.cases.services import case_create, consent_record, person_create, referral_create
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
    users = {u.username: u for u in User.objects.filter(username__in=[c.caseworker_role_user for c in caseload.cases])}
    persons: dict[str, Any] = {}
    for rec in caseload.persons:
        values = {
            "prs_FirstName": rec.first_name, "prs_SecondName": rec.second_name,
            "prs_Birthdate": rec.birthdate or None, "prs_Gender": rec.gender, "prs_Citizenship": rec.citizenship,
        }
        person = person_create(organisation=orgs[rec.organisation], actor=None, values=values,
                               local_fields=rec.local_fields, demo_key=rec.record_key)
        persons[rec.record_key] = (person, rec)
        # Most survivors agree to services and anonymous statistics; fewer to the rest.
        consent_record(person=person, actor=None, purpose=ConsentPurpose.SERVICES, method=ConsentMethod.WRITTEN)
        if zlib.crc32(rec.record_key.encode()) % 10 != 0:
            consent_record(person=person, actor=None, purpose=ConsentPurpose.STATISTICS, method=ConsentMethod.VERBAL)
    case_count = 0
    for spec in caseload.cases:
        person, rec = persons[spec.victim_record_key]
        case = case_create(
            organisation=orgs[spec.organisation], actor=None, victim=person,
            registered_on=date.fromisoformat(spec.registered_on), status=spec.status,
            closed_on=date.fromisoformat(spec.closed_on) if spec.closed_on else None,
            case_values={"cas_ReasonForCaseClosure": spec.reason_for_closure} if spec.reason_for_closure else {},
            victim_context=rec.fields, assign_to=users.get(spec.caseworker_role_user), strict=False,
        )
        case_count += 1
        if spec.referral:
            partner = orgs[spec.referral["to"]]
            consent_record(person=person, actor=None, purpose=ConsentPurpose.REFERRAL,
                           method=ConsentMethod.WRITTEN, target_organisation=partner)
            referral_create(case=case, actor=None, partner=partner,
                            referred_on=date.fromisoformat(spec.referral["date"]), strict=False)
    return len(persons), case_count
