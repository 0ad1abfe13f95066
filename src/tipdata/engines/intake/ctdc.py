"""CTDC global-dataset files as de-identified HTCDS records.

The Counter Trafficking Data Collaborative publishes k-anonymised records with columns such
as ``yearOfRegistration``, ``gender``, ``ageBroad``, ``citizenship``, one 0/1 column per
means of control (``meansOfControlDebtBondage`` ...), per form of exploitation
(``isForcedLabour`` ...) and per type of labour and sexual exploitation, and
``CountryOfExploitation``. Older releases cut long column names at 32 characters
(``meansOfControlPsychoactiveSubsta``); both spellings are read.

Where HTCDS has the concept the value goes to the HTCDS field; where it has not (age band,
majority status, restricts movement, types of labour that are not industries) it is kept
as a local field named ``ctdc_...``, so nothing in the file is dropped. The registration
year becomes a registration date of 1 January of that year, and the year itself is kept as
``ctdc_year_of_registration`` so nobody mistakes the day for a real one.
"""

from __future__ import annotations

from typing import Any

# CTDC means of control -> HTCDS vic_MethodsOfControl code (None: no HTCDS code; kept local)
MEANS_OF_CONTROL: dict[str, str | None] = {
    "DebtBondage": "DebtBondage",
    "TakesEarnings": "TakesEarnings",
    "RestrictsFinancialAccess": "RestrictsFinancialAccess",
    "Threats": "PhysicalThreats",
    "PsychologicalAbuse": "PsychologicalAbuse",
    "PhysicalAbuse": "PhysicalAbuse",
    "SexualAbuse": "SexualAbuse",
    "FalsePromises": "FalsePromises",
    "PsychoactiveSubstances": "PsychoactiveSubstance",
    "RestrictsMovement": None,
    "RestrictsMedicalCare": "RestrictsMedicalCare",
    "ExcessiveWorkingHours": "ExcessiveWorkingHours",
    "UsesChildren": None,
    "ThreatOfLawEnforcement": "ThreatsLawEnforcement",
    "WithholdsNecessities": "WithholdsNecessities",
    "WithholdsDocuments": "WithholdsDocuments",
    "Other": "Other",
    "NotSpecified": None,
}
# is<Type> flags -> HTCDS vic_TypeOfExploitation codes
EXPLOITATION_FLAGS: dict[str, tuple[str, ...]] = {
    "isForcedLabour": ("ForcedLabour",),
    "isSexualExploit": ("SexualExploitation",),
    "isSexAndLabour": ("ForcedLabour", "SexualExploitation"),
    "isForcedMarriage": ("ForcedMarriage",),
    "isForcedMilitary": ("ForcedMilitaryByNonStateActors",),
    "isOrganRemoval": ("OrganRemoval",),
    "isSlaveryAndPractices": ("Servitude",),
    "isOtherExploit": ("Other",),
}
LABOUR_TYPES = (
    "Agriculture", "Aquafarming", "Begging", "Construction", "DomesticWork", "Hospitality",
    "IllicitActivities", "Manufacturing", "MiningOrDrilling", "Peddling", "Transportation",
    "Other", "NotSpecified",
)  # fmt: skip
# CTDC type of labour -> HTCDS vic_ForcedLabourIndustry (ISIC section) where one fits
LABOUR_TO_INDUSTRY: dict[str, str] = {
    "Agriculture": "A_AgricultureForestryAndFishing",
    "Aquafarming": "A_AgricultureForestryAndFishing",
    "Construction": "F_Construction",
    "DomesticWork": "T_ActivitiesOfHouseholdsAsEmployers",
    "Hospitality": "I_AccommodationAndFoodServiceActivities",
    "Manufacturing": "C_Manufacturing",
    "MiningOrDrilling": "B_MiningAndQuarrying",
    "Transportation": "H_TransportationAndStorage",
}
SEX_TYPES = ("Prostitution", "Pornography", "RemoteInteractiveServices", "PrivateSexualServices")
RECRUITER_RELATIONS = ("IntimatePartner", "Friend", "Family", "Other", "Unknown")
# CTDC RecruiterRelationship -> HTCDS vic_RelationshipToTrafficker
RELATIONSHIP: dict[str, str] = {
    "family": "Familial",
    "friend": "Acquainted",
    "intimatepartner": "Acquainted",
}
SIMPLE_COLUMNS: dict[str, str] = {
    "yearOfRegistration": "meta:registered_year",
    "Datasource": "local:ctdc_datasource",
    "gender": "prs_gender",
    "ageBroad": "local:ctdc_age_broad",
    "majorityStatus": "local:ctdc_majority_status",
    "majorityStatusAtExploit": "local:ctdc_majority_status_at_exploit",
    "majorityEntry": "local:ctdc_majority_entry",
    "citizenship": "prs_citizenship",
    "CountryOfExploitation": "vic_location_of_exploitation",
    "isAbduction": "local:ctdc_is_abduction",
    "RecruiterRelationship": "local:ctdc_recruiter_relationship",
    "traffickMonths": "local:ctdc_traffick_months",
    "meansOfControlConcatenated": "ignore",
    "typeOfExploitConcatenated": "ignore",
    "typeOfLabourConcatenated": "ignore",
    "typeOfSexConcatenated": "ignore",
}
# Enough of these headers together mark a file as CTDC's.
SIGNATURE = ("yearOfRegistration", "ageBroad", "majorityStatus", "citizenship", "isForcedLabour",
             "isSexualExploit", "CountryOfExploitation", "Datasource", "meansOfControlDebtBondage")


def looks_like_ctdc(headers: list[str]) -> bool:
    present = set(headers)
    return sum(1 for h in SIGNATURE if h in present) >= 4 or any(
        h.startswith("meansOfControl") for h in headers
    ) and "gender" in present


def _prefixed(header: str, prefix: str, names: tuple[str, ...] | list[str]) -> str | None:
    """The name after ``prefix`` (exact, or a 32-character cut of it)."""
    if not header.startswith(prefix):
        return None
    rest = header[len(prefix):]
    if rest in names:
        return rest
    if len(header) >= 30:
        hits = [n for n in names if n.startswith(rest)]
        if len(hits) == 1:
            return hits[0]
    return None


def ctdc_target(header: str) -> tuple[str, str] | None:
    """(target spec, reason) for a CTDC column, or ``None`` when it is not one."""
    if header in SIMPLE_COLUMNS:
        return SIMPLE_COLUMNS[header], "CTDC column"
    if header in EXPLOITATION_FLAGS:
        return "vic_type_of_exploitation=" + "+".join(EXPLOITATION_FLAGS[header]), "CTDC flag"
    moc = _prefixed(header, "meansOfControl", list(MEANS_OF_CONTROL))
    if moc is not None:
        code = MEANS_OF_CONTROL[moc]
        if code is None:
            return f"local:ctdc_means_of_control={moc}", "CTDC flag without an HTCDS code"
        return f"vic_methods_of_control={code}", "CTDC flag"
    labour = _prefixed(header, "typeOfLabour", LABOUR_TYPES)
    if labour is not None:
        return f"local:ctdc_type_of_labour={labour}", "CTDC flag (types of labour are not industries)"
    sex = _prefixed(header, "typeOfSex", SEX_TYPES)
    if sex is not None:
        return f"vic_type_of_sex_exploitation={sex}", "CTDC flag"
    rel = _prefixed(header, "recruiterRelation", RECRUITER_RELATIONS)
    if rel is not None:
        return f"local:ctdc_recruiter_relation={rel}", "CTDC flag"
    return None


def ctdc_postprocess(victim: dict[str, Any], local: dict[str, Any]) -> None:
    """Derive HTCDS fields CTDC holds in another shape (in place): the relationship to the
    recruiter, and the industry when exactly one type of labour has an ISIC section."""
    rel = local.get("ctdc_recruiter_relationship")
    if isinstance(rel, str) and "vic_relationship_to_trafficker" not in victim:
        code = RELATIONSHIP.get(rel.replace(" ", "").casefold())
        if code:
            victim["vic_relationship_to_trafficker"] = code
    labour = local.get("ctdc_type_of_labour") or []
    industries = {LABOUR_TO_INDUSTRY[t] for t in labour if t in LABOUR_TO_INDUSTRY}
    if len(industries) == 1 and "vic_forced_labour_industry" not in victim:
        victim["vic_forced_labour_industry"] = industries.pop()
