"""The person-level frame a release is made from: coded fields only, never a decrypted value.

Only persons whose consent to de-identified statistics stands (recorded, not withdrawn)
and who were not erased are included; the rest are counted so the report can say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from tipdata.accounts.models import Organisation
from tipdata.cases.models import CasePerson, Consent, ConsentPurpose, PersonRole
from tipdata.engines.deid.schema import MOC_COLUMNS

# HTCDS methods-of-control codes -> the engine's (CTDC-style) method names.
MOC = {
    "DebtBondage": "DebtBondage", "TakesEarnings": "TakesEarnings", "RestrictsFinancialAccess": "RestrictsFinancialAccess",
    "PhysicalThreats": "Threats", "PsychologicalAbuse": "PsychologicalAbuse", "PhysicalAbuse": "PhysicalAbuse",
    "SexualAbuse": "SexualAbuse", "FalsePromises": "FalsePromises", "PsychoactiveSubstance": "PsychoactiveSubstances",
    "RestrictsMedicalCare": "RestrictsMedicalCare", "ExcessiveWorkingHours": "ExcessiveWorkingHours",
    "ThreatensChildrenFamily": "Threats", "ThreatsLawEnforcement": "ThreatOfLawEnforcement",
    "WithholdsNecessities": "WithholdsNecessities", "WithholdsDocuments": "WithholdsDocuments", "Other": "Other",
}
# HTCDS forced-labour industries (ISIC sections) -> the CTDC labour subtypes the engine knows.
INDUSTRY = {
    "A_AgricultureForestryAndFishing": "Agriculture", "B_MiningAndQuarrying": "MiningOrDrilling",
    "C_Manufacturing": "Manufacturing", "F_Construction": "Construction", "H_TransportationAndStorage": "Transportation",
    "I_AccommodationAndFoodServiceActivities": "Hospitality", "T_ActivitiesOfHouseholdsAsEmployers": "DomesticWork",
}
ORG_DATASOURCE = {"hotline": "Hotline"}


@dataclass
class ReleaseInput:
    frame: pd.DataFrame
    excluded_no_consent: int
    excluded_erased: int


def _age(birth: str | None, registered: date) -> float | None:
    if not birth:
        return None
    born = date.fromisoformat(birth)
    age = registered.year - born.year - ((registered.month, registered.day) < (born.month, born.day))
    # An impossible age (birth after registration) is a data-quality issue, released as unknown.
    return age if 0 <= age <= 120 else None


def _subtype(context: dict[str, Any]) -> str | None:
    types = context.get("vic_type_of_exploitation") or []
    if not types:
        return None
    main = types[0]
    if main == "ForcedLabour":
        return f"ForcedLabour:{INDUSTRY.get(context.get('vic_forced_labour_industry', ''), 'Other' if context.get('vic_forced_labour_industry') else 'NotSpecified')}"
    if main == "SexualExploitation":
        subs = context.get("vic_type_of_sex_exploitation") or []
        return f"SexualExploitation:{subs[0] if subs else 'NotSpecified'}"
    return f"{main}:NotSpecified"


def release_input(organisation: Organisation) -> ReleaseInput:
    consenting = set(
        Consent.objects.filter(organisation=organisation, purpose=ConsentPurpose.STATISTICS, withdrawn_at__isnull=True)
        .values_list("person_id", flat=True)
    )
    rows: list[dict[str, Any]] = []
    no_consent = erased = 0
    seen: set[int] = set()
    links = (CasePerson.objects.filter(organisation=organisation, role=PersonRole.VICTIM)
             .select_related("person", "case").order_by("case__registered_on", "id"))
    for link in links.iterator(chunk_size=2000):
        person = link.person
        if person.pk in seen:
            continue  # the privacy unit is the person: their first case only
        seen.add(person.pk)
        if person.erased_at is not None:
            erased += 1
            continue
        if person.pk not in consenting:
            no_consent += 1
            continue
        attrs, ctx = person.attributes, link.context
        citizenship = attrs.get("prs_citizenship") or []
        row: dict[str, Any] = {
            "person_id": str(person.public_id),
            "age": _age(attrs.get("prs_birthdate"), link.case.registered_on),
            "gender": attrs.get("prs_gender"),
            "citizenship": citizenship[0] if citizenship else None,
            "country_of_exploitation": ctx.get("hte_country"),
            "registration_date": link.case.registered_on.isoformat(),
            "exploitation_subtype": _subtype(ctx),
            "recruiter_relation": None,
            "datasource": ORG_DATASOURCE.get(organisation.kind, "CaseManagement"),
            "is_abduction": 0,
        }
        methods = {f"moc_{MOC[c]}" for c in ctx.get("vic_methods_of_control") or [] if c in MOC}
        for column in MOC_COLUMNS:
            row[column] = 1 if column in methods else 0
        # The engine drops these itself; they stay empty here because nothing is decrypted.
        row.update({"given_name": None, "family_name": None, "birth_date": None, "narrative": None})
        rows.append(row)
    return ReleaseInput(pd.DataFrame(rows), no_consent, erased)
