"""CTDC global-dataset files as de-identified HTCDS records.

The Counter Trafficking Data Collaborative publishes k-anonymised records with columns such
as ``yearOfRegistration``, ``gender``, ``ageBroad``, ``citizenship``, one 0/1 column per
means of control (``meansOfControlDebtBondage`` ...), per form of exploitation
(``isForcedLabour`` ...) and per type of labour and sexual exploitation, and
``CountryOfExploitation``. Older releases cut long column names at 32 characters
(``meansOfControlPsychoactiveSubsta``); both spellings are read.

Where HTCDS has the concept the value goes to the HTCDS field; where it has not (age band,
majority status, restricts movement, types of labour that are not industries) it is kept
as a local field named ``local_ctdc_...`` (declared with ``CTDC_LOCAL_FIELDS``), so nothing in the file is dropped. The registration
year becomes a registration date of 1 January of that year, and the year itself is kept as
``local_ctdc_year_of_registration`` so nobody mistakes the day for a real one.
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
    "Datasource": "local_ctdc_datasource",
    "gender": "prs_gender",
    "ageBroad": "local_ctdc_age_broad",
    "majorityStatus": "local_ctdc_majority_status",
    "majorityStatusAtExploit": "local_ctdc_majority_status_at_exploit",
    "majorityEntry": "local_ctdc_majority_entry",
    "citizenship": "prs_citizenship",
    "CountryOfExploitation": "vic_location_of_exploitation",
    "isAbduction": "local_ctdc_is_abduction",
    "RecruiterRelationship": "local_ctdc_recruiter_relationship",
    "traffickMonths": "local_ctdc_traffick_months",
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
            return f"local_ctdc_means_of_control={moc}", "CTDC flag without an HTCDS code"
        return f"vic_methods_of_control={code}", "CTDC flag"
    labour = _prefixed(header, "typeOfLabour", LABOUR_TYPES)
    if labour is not None:
        return f"local_ctdc_type_of_labour={labour}", "CTDC flag (types of labour are not industries)"
    sex = _prefixed(header, "typeOfSex", SEX_TYPES)
    if sex is not None:
        return f"vic_type_of_sex_exploitation={sex}", "CTDC flag"
    rel = _prefixed(header, "recruiterRelation", RECRUITER_RELATIONS)
    if rel is not None:
        return f"local_ctdc_recruiter_relation={rel}", "CTDC flag"
    return None


def ctdc_postprocess(victim: dict[str, Any], local: dict[str, Any]) -> None:
    """Derive HTCDS fields CTDC holds in another shape (in place): the relationship to the
    recruiter, and the industry when exactly one type of labour has an ISIC section."""
    rel = local.get("local_ctdc_recruiter_relationship")
    if isinstance(rel, str) and "vic_relationship_to_trafficker" not in victim:
        code = RELATIONSHIP.get(rel.replace(" ", "").casefold())
        if code:
            victim["vic_relationship_to_trafficker"] = code
    labour = local.get("local_ctdc_type_of_labour") or []
    industries = {LABOUR_TO_INDUSTRY[t] for t in labour if t in LABOUR_TO_INDUSTRY}
    if len(industries) == 1 and "vic_forced_labour_industry" not in victim:
        victim["vic_forced_labour_industry"] = industries.pop()


# The local fields a CTDC import needs: (spec as LocalFieldSpec.from_dict takes it, privacy class).
CTDC_LOCAL_FIELDS: tuple[tuple[dict[str, Any], str], ...] = (
    ({"name": "local_ctdc_datasource", "label": "CTDC data source", "type": "text"}, "operational"),
    ({"name": "local_ctdc_age_broad", "label": "CTDC age band", "type": "text"}, "quasi_identifier"),
    ({"name": "local_ctdc_majority_status", "label": "CTDC majority status", "type": "text"}, "quasi_identifier"),
    ({"name": "local_ctdc_majority_status_at_exploit", "label": "CTDC majority status at exploitation",
      "type": "text"}, "quasi_identifier"),
    ({"name": "local_ctdc_majority_entry", "label": "CTDC majority at entry", "type": "text"}, "quasi_identifier"),
    ({"name": "local_ctdc_is_abduction", "label": "CTDC: abducted", "type": "boolean"}, "sensitive"),
    ({"name": "local_ctdc_recruiter_relationship", "label": "CTDC recruiter relationship", "type": "text"},
     "sensitive"),
    ({"name": "local_ctdc_traffick_months", "label": "CTDC months in trafficking", "type": "text"}, "sensitive"),
    ({"name": "local_ctdc_year_of_registration", "label": "CTDC year of registration", "type": "number"},
     "quasi_identifier"),
    ({"name": "local_ctdc_means_of_control", "label": "CTDC means of control without an HTCDS code",
      "type": "select_multiple",
      "values": [{"code": c, "label": c} for c, h in MEANS_OF_CONTROL.items() if h is None]}, "sensitive"),
    ({"name": "local_ctdc_type_of_labour", "label": "CTDC type of labour", "type": "select_multiple",
      "values": [{"code": c, "label": c} for c in LABOUR_TYPES]}, "sensitive"),
    ({"name": "local_ctdc_recruiter_relation", "label": "CTDC recruiter relation", "type": "select_multiple",
      "values": [{"code": c, "label": c} for c in RECRUITER_RELATIONS]}, "sensitive"),
)
