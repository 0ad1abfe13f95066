"""The flat person-level input frame the de-identification engine expects, and its defaults.

One row per person (the privacy unit). Column names below are the defaults; a
:class:`~tipdata.engines.deid.release.ReleaseSpec` can rename them through its
``input_columns`` map, so a caller with other names does not have to copy the frame.

=========================  ====================  =============================================
column                     role (default spec)   content
=========================  ====================  =============================================
person_id                  direct identifier     internal person id (dropped)
given_name, family_name    direct identifier     names (dropped)
birth_date                 direct identifier     ISO date (dropped; ``age`` carries the age)
age                        quasi-identifier      completed years at registration -> CTDC bands
                                                 -> Minor/Adult
gender                     quasi-identifier      HTCDS ``prs_Gender`` value (Feminine, Masculine,
                                                 TransgenderFeminine, TransgenderMasculine,
                                                 NonConforming, NonSpecifiedUnknown)
citizenship                quasi-identifier      ISO 3166-1 alpha-2 -> UN M49 sub-region -> region
country_of_exploitation    quasi-identifier      ISO 3166-1 alpha-2 -> UN M49 sub-region -> region
registration_date          quasi-identifier      ISO date -> year
exploitation_subtype       quasi-identifier      ``<HTCDS type>:<subtype>`` -> HTCDS type, e.g.
                                                 ``ForcedLabour:Agriculture``; the person's main
                                                 form of exploitation
recruiter_relation         quasi-identifier      IntimatePartner, Friend, Family, Other, Unknown
datasource                 kept                  CaseManagement or Hotline
is_abduction               kept                  0/1
moc_<Method>               kept                  0/1 per HTCDS method of control (below)
narrative                  free text             case narrative (dropped)
=========================  ====================  =============================================

Missing values are allowed anywhere except ``person_id``; a missing quasi-identifier is
its own category ("unknown") until suppressed.
"""

from __future__ import annotations

from .spec import DeidSpec, QuasiIdentifier

METHODS_OF_CONTROL = (
    "DebtBondage",
    "TakesEarnings",
    "RestrictsFinancialAccess",
    "Threats",
    "PsychologicalAbuse",
    "PhysicalAbuse",
    "SexualAbuse",
    "FalsePromises",
    "PsychoactiveSubstances",
    "RestrictsMovement",
    "RestrictsMedicalCare",
    "ExcessiveWorkingHours",
    "UsesChildren",
    "ThreatOfLawEnforcement",
    "WithholdsNecessities",
    "WithholdsDocuments",
    "Other",
)
"""HTCDS ``MethodsOfControl*`` fields (the same names follow CTDC's ``meansOfControl``)."""

MOC_COLUMNS = tuple(f"moc_{m}" for m in METHODS_OF_CONTROL)

GENDERS = (
    "Feminine",
    "Masculine",
    "TransgenderFeminine",
    "TransgenderMasculine",
    "NonConforming",
    "NonSpecifiedUnknown",
)
RECRUITER_RELATIONS = ("IntimatePartner", "Friend", "Family", "Other", "Unknown")
DATASOURCES = ("CaseManagement", "Hotline")

DIRECT_IDENTIFIERS = ("person_id", "given_name", "family_name", "birth_date")
FREE_TEXT = ("narrative",)
KEPT_ATTRIBUTES = ("datasource", "is_abduction", *MOC_COLUMNS)

INPUT_COLUMNS: dict[str, str] = {
    "person_id": "direct_identifier",
    "given_name": "direct_identifier",
    "family_name": "direct_identifier",
    "birth_date": "direct_identifier",
    "age": "quasi_identifier",
    "gender": "quasi_identifier",
    "citizenship": "quasi_identifier",
    "country_of_exploitation": "quasi_identifier",
    "registration_date": "quasi_identifier",
    "exploitation_subtype": "quasi_identifier",
    "recruiter_relation": "quasi_identifier",
    "datasource": "attribute",
    "is_abduction": "attribute",
    **{c: "attribute" for c in MOC_COLUMNS},
    "narrative": "free_text",
}
"""Every default input column and its default privacy role."""

DEFAULT_QUASI_IDENTIFIERS = (
    QuasiIdentifier("age", "ctdc_age"),
    QuasiIdentifier("gender", "htcds_gender"),
    QuasiIdentifier("citizenship", "un_m49_country"),
    QuasiIdentifier("country_of_exploitation", "un_m49_country"),
    QuasiIdentifier("registration_date", "date_year"),
    QuasiIdentifier("exploitation_subtype", "exploitation_subtype"),
    QuasiIdentifier("recruiter_relation", "suppress"),
)


def default_deid_spec(
    *,
    k: int = 11,
    suppression_limit: float = 0.1,
    l_diversity: int | None = None,
    sensitive_attributes: tuple[str, ...] = (),
) -> DeidSpec:
    """The spec for the default input schema: drop identifiers and narrative, generalise
    the seven quasi-identifiers, keep datasource, abduction and methods of control."""
    keep = tuple(c for c in KEPT_ATTRIBUTES if c not in sensitive_attributes)
    return DeidSpec(
        quasi_identifiers=DEFAULT_QUASI_IDENTIFIERS,
        k=k,
        direct_identifiers=DIRECT_IDENTIFIERS,
        free_text=FREE_TEXT,
        sensitive_attributes=sensitive_attributes,
        l_diversity=l_diversity,
        keep=keep,
        suppression_limit=suppression_limit,
    )
