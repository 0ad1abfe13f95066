"""A deterministic generator of a synthetic Southeast Asian caseload (no Django here).

Everything it makes is invented. The same seed and size give the same caseload, so the
tests, the benchmarks and ``make run`` all see the same data. Besides the records it
returns the *truth*: which records are the same person (within and across organisations)
and which inconsistencies it planted, so quality checks, deduplication and linkage can be
scored against it.

Values are HTCDS 2.0 dictionary codes (``vic_TypeOfExploitation`` = ``ForcedLabour`` ...).
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from tipdata.engines.names.synthetic import canonical_name
from tipdata.engines.names.synthetic import name_variant as synthetic_name_variant

SYNTHETIC_NOTICE = "SYNTHETIC DEMO DATA - no real person is described."
# The caseload ends on this day, whatever day it is generated: the same seed, the same data.
GENERATOR_TODAY = date(2026, 10, 31)
DEMO_PASSWORD = "Demo-tipdata-2026"  # noqa: S105  (printed by make run; demo only)

ORGANISATIONS: list[dict[str, str]] = [
    {"slug": "demo-shelter-kh", "name": "Mekong Safe House (demo)", "kind": "shelter_ngo", "country": "KH"},
    {"slug": "demo-hotline-th", "name": "Bangkok Labour Hotline (demo)", "kind": "hotline", "country": "TH"},
    {"slug": "demo-police-id", "name": "Jakarta Anti-Trafficking Police Unit (demo)", "kind": "police", "country": "ID"},
    {"slug": "demo-dswd-ph", "name": "Manila Social Welfare Office (demo)", "kind": "social_welfare", "country": "PH"},
]
ROLES = ["admin", "supervisor", "caseworker", "data_officer", "viewer"]

# Where victims known to each kind of organisation come from, roughly as in regional reports.
NATIONALITY_WEIGHTS: dict[str, dict[str, float]] = {
    "KH": {"KH": 0.70, "VN": 0.12, "MM": 0.05, "LA": 0.05, "TH": 0.03, "CN": 0.05},
    "TH": {"MM": 0.45, "KH": 0.20, "LA": 0.17, "TH": 0.10, "VN": 0.05, "ID": 0.03},
    "ID": {"ID": 0.85, "PH": 0.04, "VN": 0.03, "MM": 0.03, "KH": 0.02, "CN": 0.03},
    "PH": {"PH": 0.90, "ID": 0.04, "VN": 0.02, "MM": 0.02, "KH": 0.02},
}
DESTINATIONS: dict[str, list[tuple[str, float]]] = {
    "KH": [("KH", 0.35), ("TH", 0.30), ("MY", 0.10), ("CN", 0.10), ("MM", 0.15)],
    "TH": [("TH", 0.80), ("MY", 0.10), ("MM", 0.10)],
    "ID": [("MY", 0.35), ("ID", 0.30), ("SA", 0.15), ("KH", 0.10), ("TW", 0.10)],
    "PH": [("PH", 0.35), ("SA", 0.15), ("AE", 0.10), ("MY", 0.10), ("KH", 0.15), ("MM", 0.15)],
}

# (profile, weight, type codes, labour industry, sex exploitation subtype, female share, age range)
PROFILES: list[tuple[str, float, list[str], str | None, str | None, float, tuple[int, int]]] = [
    ("fishing", 0.14, ["ForcedLabour"], "A_AgricultureForestryAndFishing", None, 0.05, (16, 45)),
    ("construction", 0.12, ["ForcedLabour"], "F_Construction", None, 0.2, (17, 50)),
    ("domestic", 0.14, ["ForcedLabour", "Servitude"], "T_ActivitiesOfHouseholdsAsEmployers", None, 0.92, (15, 50)),
    ("manufacturing", 0.10, ["ForcedLabour"], "C_Manufacturing", None, 0.55, (16, 40)),
    ("sexual", 0.20, ["SexualExploitation"], None, "Prostitution", 0.93, (13, 35)),
    ("online_sexual", 0.04, ["SexualExploitation"], None, "RemoteInteractiveServices", 0.85, (12, 25)),
    ("marriage", 0.07, ["ForcedMarriage"], None, None, 0.98, (14, 30)),
    # Forced criminality in scam compounds has no HTCDS code: "Other" plus a local field.
    ("scam_compound", 0.15, ["Other"], "J_InformationAndCommunication", None, 0.3, (18, 38)),
    ("begging", 0.04, ["ForcedBegging", "ChildLabour"], None, None, 0.5, (6, 15)),
]
CONTROL_BY_PROFILE: dict[str, list[tuple[str, float]]] = {
    "default": [
        ("FalsePromises", 0.6), ("WithholdsDocuments", 0.45), ("DebtBondage", 0.4),
        ("TakesEarnings", 0.35), ("PhysicalThreats", 0.3), ("PsychologicalAbuse", 0.3),
        ("ExcessiveWorkingHours", 0.3), ("RestrictsFinancialAccess", 0.15),
        ("ThreatsLawEnforcement", 0.15), ("PhysicalAbuse", 0.15), ("WithholdsNecessities", 0.1),
        ("ThreatensChildrenFamily", 0.08), ("RestrictsMedicalCare", 0.06),
        ("PsychoactiveSubstance", 0.03), ("Other", 0.03),
    ],
    "sexual": [("SexualAbuse", 0.5), ("PsychoactiveSubstance", 0.15), ("DebtBondage", 0.5)],
    "scam_compound": [("PhysicalAbuse", 0.5), ("WithholdsDocuments", 0.8), ("DebtBondage", 0.6)],
}
RECRUITMENT: list[tuple[str, float]] = [
    ("ThroughFriendsOrSocialEvents", 0.3), ("ThroughFamilyOrFamilyEvents", 0.2),
    ("ThroughOnlineSocialNetworks", 0.25), ("ThroughAnOnlineAdvertisement", 0.12),
    ("AtWork", 0.05), ("AtAPlaceOfBusiness", 0.04), ("Other", 0.04),
]

# Names come from the name engine's tables of Southeast Asian names (native scripts with
# the romanisations seen in practice); Chinese victims, which it has no table for, from a
# small list here.
ALPHA3 = {"KH": "KHM", "TH": "THA", "MM": "MMR", "LA": "LAO", "VN": "VNM", "ID": "IDN", "PH": "PHL"}
CHINESE_GIVEN = {"F": ["Li Na", "Wang Fang", "Zhang Min", "Liu Ying", "Chen Jing"],
                 "M": ["Wei", "Chen Jie", "Liu Yang", "Zhao Lei", "Huang Bo"]}
CHINESE_FAMILY = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang"]
# The name tables hold a dozen or two given names per sex and country, far fewer than a
# real population uses, so names drawn freely from them repeat far more often than in a
# real caseload: 800 persons got about 120 pairs of different people with exactly the same
# name, sex and nationality (80 of them among 190 Indonesians). A name already given to
# someone else is kept with this probability and otherwise drawn again, which leaves a
# dozen or so namesake pairs per 800 persons - mostly the very common Khmer, Indonesian
# and Vietnamese names, as in real data - and every shared given or family name.
NAMESAKE_KEEP = 0.1


@dataclass
class DemoPerson:
    """A victim as one organisation recorded them. ``person_key`` is the real (synthetic) individual."""

    record_key: str
    person_key: str
    organisation: str
    first_name: str
    second_name: str
    birthdate: str  # ISO date, "" when unknown
    gender: str
    citizenship: list[str]
    fields: dict[str, Any]  # HTCDS victim-context fields, by dictionary name
    local_fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class DemoCase:
    case_key: str
    organisation: str
    victim_record_key: str
    status: str
    registered_on: str
    closed_on: str
    reason_for_closure: str
    caseworker_role_user: str  # username of the assigned caseworker
    referral: dict[str, Any] | None = None
    events: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class PlantedIssue:
    record_key: str
    check: str  # slug of the quality check that should find it
    detail: str


@dataclass
class DemoCaseload:
    seed: int
    organisations: list[dict[str, str]]
    users: list[dict[str, str]]
    persons: list[DemoPerson]
    cases: list[DemoCase]
    duplicates_within: list[tuple[str, str]]  # record keys: same person twice in one organisation
    shared_across: dict[str, list[str]]  # person_key -> record keys in different organisations
    planted_issues: list[PlantedIssue]
    notice: str = SYNTHETIC_NOTICE

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _weighted(rng: random.Random, pairs: list[tuple[str, float]] | dict[str, float]) -> str:
    items = list(pairs.items()) if isinstance(pairs, dict) else pairs
    return rng.choices([k for k, _ in items], weights=[w for _, w in items], k=1)[0]


def _name_for(rng: random.Random, nationality: str, sex: str) -> tuple[str, str, Any]:
    """(given, family, the name engine's SyntheticName or None) as the first agency writes it."""
    if nationality in ALPHA3:
        name = canonical_name(ALPHA3[nationality], sex, rng)
        fields = name.canonical_fields()
        return fields["given_name"] or fields["full_name"], fields["family_name"], name
    return rng.choice(CHINESE_GIVEN["F" if sex == "F" else "M"]), rng.choice(CHINESE_FAMILY), None


def name_variant(rng: random.Random, given: str, family: str, synthetic: Any) -> tuple[str, str]:
    """The same name as another agency writes it: script, romanisation, order, honorifics, nicknames."""
    if synthetic is not None:
        fields = synthetic_name_variant(synthetic, rng)
        first = fields["given_name"] or fields["full_name"]
        return (first, fields["family_name"]) if first else (given, family)
    return (family, given) if rng.random() < 0.5 else (given.lower(), family.upper())


def generate(*, seed: int = 1, persons: int = 400) -> DemoCaseload:
    """Make a caseload of about ``persons`` victim records across the demo organisations."""
    if persons < 1:
        raise ValueError("persons must be at least 1")
    rng = random.Random(seed)
    orgs = [dict(o) for o in ORGANISATIONS]
    users = [
        {"username": f"{role.replace('_', '')}-{o['slug'].removeprefix('demo-')}", "organisation": o["slug"], "role": role}
        for o in orgs
        for role in ROLES
    ]
    out_persons: list[DemoPerson] = []
    cases: list[DemoCase] = []
    duplicates: list[tuple[str, str]] = []
    shared: dict[str, list[str]] = {}
    issues: list[PlantedIssue] = []
    profile_weights = [(p[0], p[1]) for p in PROFILES]
    profiles = {p[0]: p for p in PROFILES}
    today = GENERATOR_TODAY
    counter = 0
    names_used: set[tuple[str, str, str, str]] = set()

    def add_record(org: dict[str, str], person_key: str, base: dict[str, Any], variant: bool) -> DemoPerson:
        nonlocal counter
        counter += 1
        first, second = base["first"], base["second"]
        birth = base["birth"]
        if variant:
            first, second = name_variant(rng, first, second, base["synthetic"])
            if birth and rng.random() < 0.3:
                birth = rng.choice([birth[:4] + "-01-01", "", birth[:4] + birth[7:] + birth[4:7]])
                if birth and not _valid_iso(birth):
                    birth = birth[:4] + "-01-01"  # day > 12 cannot swap: written as 1 January
        rec = DemoPerson(
            record_key=f"{org['slug']}-p{counter:06d}",
            person_key=person_key,
            organisation=org["slug"],
            first_name=first,
            second_name=second,
            birthdate=birth,
            gender=base["gender"],
            citizenship=[base["nat"]],
            fields=dict(base["fields"]),
            local_fields=dict(base["local"]),
        )
        # Realistic gaps: frontline records are often incomplete.
        for name, share in (("vic_MethodOfRecruitment", 0.25), ("vic_MethodsOfControl", 0.15), ("vic_AgeWhenTrafficked", 0.3)):
            if rng.random() < share:
                rec.fields.pop(name, None)
        if rng.random() < 0.08:
            rec.birthdate = ""
        out_persons.append(rec)
        return rec

    for i in range(persons):
        org = orgs[i % len(orgs)]
        nat = _weighted(rng, NATIONALITY_WEIGHTS[org["country"]])
        profile = profiles[_weighted(rng, profile_weights)]
        pname, _w, types, industry, sex_sub, female_share, (lo, hi) = profile
        sex = "F" if rng.random() < female_share else "M"
        age = rng.randint(lo, hi)
        registered = today - timedelta(days=rng.randint(0, 7 * 365))
        age_at_registration = age + rng.randint(0, 3)
        birth = registered - timedelta(days=365 * age_at_registration + rng.randint(0, 364))
        controls = [c for c, p in CONTROL_BY_PROFILE["default"] if rng.random() < p]
        controls += [c for c, p in CONTROL_BY_PROFILE.get(pname, []) if rng.random() < p and c not in controls]
        fields: dict[str, Any] = {
            "vic_TraffickingStatus": _weighted(rng, [("ActualVictimOfTrafficking", 0.55), ("PossibleVictimOfTrafficking", 0.4), ("NotAVictimOfTrafficking", 0.05)]),
            "vic_TypeOfExploitation": list(types),
            "vic_MethodsOfControl": sorted(set(controls)) or ["FalsePromises"],
            "vic_MethodOfRecruitment": [_weighted(rng, RECRUITMENT)],
            "vic_AgeWhenTrafficked": age,
            "hte_Country": _weighted(rng, DESTINATIONS[org["country"]]),
        }
        if industry:
            fields["vic_ForcedLabourIndustry"] = industry
        if sex_sub:
            fields["vic_TypeOfSexExploitation"] = [sex_sub]
        local = {"local_ForcedCriminality": True} if pname == "scam_compound" else {}
        gender = "Feminine" if sex == "F" else "Masculine"
        if rng.random() < 0.02:
            gender = rng.choice(["TransgenderFeminine", "NonConforming", "NonSpecifiedUnknown"])
        first, second, synthetic = _name_for(rng, nat, sex)
        name_rng = random.Random(seed * 1_000_003 + i)  # redraws leave the main stream as it was
        for _ in range(30):
            key = (nat, sex, first.casefold(), second.casefold())
            if key not in names_used or name_rng.random() < NAMESAKE_KEEP:
                break
            first, second, synthetic = _name_for(name_rng, nat, sex)
        names_used.add((nat, sex, first.casefold(), second.casefold()))
        base = {"first": first, "second": second, "birth": birth.isoformat(), "nat": nat, "gender": gender,
                "fields": fields, "local": local, "synthetic": synthetic}
        person_key = f"P{i:06d}"
        rec = add_record(org, person_key, base, variant=False)
        _add_case(rng, cases, rec, org, registered, today, users)

        # The same person met by a second organisation (referral, or met independently).
        if rng.random() < 0.12:
            other = rng.choice([o for o in orgs if o["slug"] != org["slug"]])
            twin = add_record(other, person_key, base, variant=True)
            _add_case(rng, cases, twin, other, registered + timedelta(days=rng.randint(5, 200)), today, users)
            shared.setdefault(person_key, [rec.record_key]).append(twin.record_key)
            if rng.random() < 0.5:
                cases[-2].referral = {"to": other["slug"], "date": (registered + timedelta(days=rng.randint(1, 30))).isoformat(),
                                      "reason": "AdditionalServicesRequired"}
        # The same person recorded twice by one organisation.
        elif rng.random() < 0.04:
            dup = add_record(org, person_key, base, variant=True)
            _add_case(rng, cases, dup, org, registered + timedelta(days=rng.randint(30, 400)), today, users)
            duplicates.append((rec.record_key, dup.record_key))

    _plant_inconsistencies(rng, out_persons, cases, issues)
    return DemoCaseload(seed, orgs, users, out_persons, cases, duplicates, shared, issues)


def _valid_iso(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _add_case(rng: random.Random, cases: list[DemoCase], rec: DemoPerson, org: dict[str, str],
              registered: date, today: date, users: list[dict[str, str]]) -> None:
    registered = min(registered, today)
    status = _weighted(rng, [("Active", 0.35), ("FollowUp", 0.15), ("Closed", 0.4), ("ClosedReferred", 0.1)])
    closed = ""
    reason = ""
    if status.startswith("Closed"):
        closed = min(today, registered + timedelta(days=rng.randint(20, 700))).isoformat()
        reason = rng.choice(["Reintegrated with family", "Moved to another province", "Services completed", "Referred on"])
    caseworker = f"caseworker-{org['slug'].removeprefix('demo-')}"
    events = [{"hte_Type": "Recruitment", "hte_Country": rec.citizenship[0]},
              {"hte_Type": "Exploitation", "hte_Country": rec.fields.get("hte_Country", "")}]
    cases.append(DemoCase(
        case_key=f"{org['slug']}-c{len(cases) + 1:06d}", organisation=org["slug"], victim_record_key=rec.record_key,
        status=status, registered_on=registered.isoformat(), closed_on=closed, reason_for_closure=reason,
        caseworker_role_user=caseworker, events=events,
    ))


def _plant_inconsistencies(rng: random.Random, persons: list[DemoPerson], cases: list[DemoCase],
                           issues: list[PlantedIssue]) -> None:
    """About 1% of records (at least two) get each inconsistency the quality checks must find."""
    by_record = {c.victim_record_key: c for c in cases}
    used: set[str] = set()
    share = max(2, round(len(persons) * 0.01))

    def pick(eligible: list[DemoPerson]) -> list[DemoPerson]:
        eligible = [p for p in eligible if p.record_key not in used]
        chosen = rng.sample(eligible, min(share, len(eligible)))
        used.update(p.record_key for p in chosen)
        return chosen

    # A planted birth date 30 days after registration must still lie in the past.
    cutoff = GENERATOR_TODAY - timedelta(days=31)
    for rec in pick([p for p in persons if p.birthdate and date.fromisoformat(by_record[p.record_key].registered_on) <= cutoff]):
        rec.birthdate = (date.fromisoformat(by_record[rec.record_key].registered_on) + timedelta(days=30)).isoformat()
        issues.append(PlantedIssue(rec.record_key, "birth_after_registration", "birth date after the case was registered"))
    for rec in pick([p for p in persons if "vic_TypeOfSexExploitation" not in p.fields]):
        rec.fields["vic_TypeOfSexExploitation"] = ["Prostitution"]
        rec.fields["vic_TypeOfExploitation"] = ["ForcedLabour"]
        issues.append(PlantedIssue(rec.record_key, "sex_subtype_without_sexual_exploitation",
                                   "sex-exploitation subtype without sexual exploitation"))
    for rec in pick([p for p in persons if by_record[p.record_key].status.startswith("Closed")]):
        by_record[rec.record_key].reason_for_closure = ""
        issues.append(PlantedIssue(rec.record_key, "closed_without_reason", "closed case without a closure reason"))
    for rec in pick([p for p in persons if by_record[p.record_key].referral is not None]):
        case = by_record[rec.record_key]
        assert case.referral is not None
        case.referral["date"] = (date.fromisoformat(case.registered_on) - timedelta(days=10)).isoformat()
        issues.append(PlantedIssue(rec.record_key, "referral_before_registration", "referral dated before registration"))
