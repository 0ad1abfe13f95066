"""A deterministic generator of realistic-looking (entirely fictional) person records.

Used by tests, the benchmark and demos: the same ``(n, seed)`` always gives the same
frame in the input schema of :mod:`tipdata.engines.deid.schema`. The distributions
imitate a Southeast Asian caseload (citizens of the Mekong countries, Indonesia and
the Philippines, exploited at home or in Thailand, Malaysia and the Gulf; about one
in five a minor; forced labour and sexual exploitation, with the subtypes and
methods of control correlated with them) plus a long tail of rare countries, so that
small classes and unique records occur as they do in real data.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .schema import GENDERS, METHODS_OF_CONTROL, RECRUITER_RELATIONS

_CITIZENSHIP = {
    "KH": 14, "ID": 14, "PH": 13, "TH": 10, "VN": 10, "MM": 12, "LA": 7, "MY": 2,
    "CN": 3, "BD": 3, "NP": 2, "IN": 2, "LK": 1, "PK": 1, "UZ": 0.6, "NG": 0.5,
    "KE": 0.4, "UG": 0.3, "ET": 0.3, "RU": 0.2, "UA": 0.2, "US": 0.1, "GB": 0.1,
    "FJ": 0.1, "PG": 0.1, "TL": 0.3, "MN": 0.2, "KR": 0.1, "BR": 0.05, "CO": 0.05,
}  # fmt: skip
_EXPLOITATION_ABROAD = {
    "TH": 30, "MY": 25, "SA": 8, "AE": 6, "CN": 6, "SG": 4, "JP": 3, "KR": 3, "TW": 3,
    "QA": 2, "KW": 2, "HK": 2, "ID": 1, "KH": 1, "US": 0.5, "GB": 0.3, "DE": 0.2,
}  # fmt: skip
_LABOUR_SUBTYPES = {
    "Agriculture": 18, "Aquafarming": 14, "Construction": 12, "DomesticWork": 20,
    "Hospitality": 8, "Manufacturing": 10, "Begging": 3, "IllicitActivities": 2,
    "MiningOrDrilling": 2, "Peddling": 2, "Transportation": 2, "Other": 3, "NotSpecified": 4,
}  # fmt: skip
_SEX_SUBTYPES = {
    "Prostitution": 70, "Pornography": 8, "RemoteInteractiveServices": 10,
    "PrivateSexualServices": 7, "NotSpecified": 5,
}  # fmt: skip
_OTHER_TYPES = {"ForcedMarriage": 5, "ChildLabour": 2, "Servitude": 1, "OrganRemoval": 0.3, "Other": 1.5}
_GIVEN = (
    "Sokha", "Dara", "Siti", "Nur", "Maria", "Jose", "Somchai", "Malee", "Nguyen", "Thi",
    "Aung", "Khin", "Bounmy", "Keo", "Rina", "Dewi", "Ana", "Mark", "Lan", "Hoa",
)  # fmt: skip
_FAMILY = (
    "Chan", "Sok", "Rahayu", "Santos", "Reyes", "Srisuk", "Wong", "Tran", "Le", "Pham",
    "Win", "Htun", "Phommasack", "Vong", "Putri", "Cruz", "Bautista", "Kaewmanee", "Hossain", "Khan",
)  # fmt: skip


def _pick(rng: np.random.Generator, weights: Mapping[str, float], n: int) -> np.ndarray:
    keys = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()), dtype=np.float64)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def make_person_records(n: int, *, seed: int = 0, narratives: bool = True) -> pd.DataFrame:
    """``n`` fictional person records in the default input schema (deterministic in ``seed``)."""
    rng = np.random.default_rng(seed)
    minor = rng.random(n) < 0.2
    age = np.where(
        minor,
        rng.integers(3, 18, size=n),
        np.clip(np.round(rng.gamma(4.0, 6.5, size=n) + 14), 18, 75).astype(int),
    )
    g = rng.random(n)
    gender = np.where(
        g < 0.58, "Feminine", np.where(g < 0.95, "Masculine", np.array(GENDERS)[rng.integers(2, 6, n)])
    ).astype(object)
    citizenship = _pick(rng, _CITIZENSHIP, n)
    abroad = rng.random(n) < 0.55
    coe = np.where(abroad, _pick(rng, _EXPLOITATION_ABROAD, n), citizenship).astype(object)
    coe = np.where((coe == citizenship) & abroad, "TH", coe).astype(object)
    coe = np.where((coe == "TH") & (citizenship == "TH") & abroad, "MY", coe).astype(object)

    days = rng.integers(0, (pd.Timestamp("2024-12-31") - pd.Timestamp("2015-01-01")).days, size=n)
    registration = (pd.Timestamp("2015-01-01") + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d")
    birth = (
        pd.to_datetime(registration)
        - pd.to_timedelta(age * 365 + rng.integers(0, 365, size=n), unit="D")
    ).strftime("%Y-%m-%d")

    female = gender == "Feminine"
    t = rng.random(n)
    p_sex = np.where(female, 0.45, 0.06)
    kind = np.where(t < p_sex, "sex", np.where(t < p_sex + 0.08, "other", "labour"))
    labour = "ForcedLabour:" + _pick(rng, _LABOUR_SUBTYPES, n).astype(str)
    sex = "SexualExploitation:" + _pick(rng, _SEX_SUBTYPES, n).astype(str)
    other = _pick(rng, _OTHER_TYPES, n).astype(str)
    other = np.char.add(other.astype(str), ":NotSpecified")
    subtype = np.where(kind == "sex", sex, np.where(kind == "other", other, labour)).astype(object)

    relation = np.array(RECRUITER_RELATIONS, dtype=object)[
        rng.choice(5, size=n, p=[0.12, 0.3, 0.18, 0.25, 0.15])
    ]
    frame: dict[str, object] = {
        "person_id": np.char.add(f"P{seed}-", np.char.zfill(np.arange(n).astype(str), 7)),
        "given_name": np.array(_GIVEN, dtype=object)[rng.integers(0, len(_GIVEN), n)],
        "family_name": np.array(_FAMILY, dtype=object)[rng.integers(0, len(_FAMILY), n)],
        "birth_date": np.asarray(birth, dtype=object),
        "age": age.astype(np.int64),
        "gender": gender,
        "citizenship": citizenship,
        "country_of_exploitation": coe,
        "registration_date": np.asarray(registration, dtype=object),
        "exploitation_subtype": subtype,
        "recruiter_relation": relation,
        "datasource": np.where(rng.random(n) < 0.7, "CaseManagement", "Hotline").astype(object),
        "is_abduction": (rng.random(n) < 0.04).astype(np.int64),
    }
    is_sex = kind == "sex"
    base_rates = {
        "DebtBondage": 0.25, "TakesEarnings": 0.3, "RestrictsFinancialAccess": 0.1,
        "Threats": 0.35, "PsychologicalAbuse": 0.4, "PhysicalAbuse": 0.25, "SexualAbuse": 0.1,
        "FalsePromises": 0.45, "PsychoactiveSubstances": 0.05, "RestrictsMovement": 0.35,
        "RestrictsMedicalCare": 0.08, "ExcessiveWorkingHours": 0.3, "UsesChildren": 0.02,
        "ThreatOfLawEnforcement": 0.1, "WithholdsNecessities": 0.12, "WithholdsDocuments": 0.3,
        "Other": 0.05,
    }  # fmt: skip
    for method in METHODS_OF_CONTROL:
        rate = np.full(n, base_rates[method])
        if method in ("SexualAbuse", "PsychoactiveSubstances"):
            rate = np.where(is_sex, rate * 3, rate)
        if method in ("DebtBondage", "ExcessiveWorkingHours", "WithholdsDocuments"):
            rate = np.where(kind == "labour", rate * 1.5, rate)
        frame[f"moc_{method}"] = (rng.random(n) < np.clip(rate, 0, 0.95)).astype(np.int64)
    out = pd.DataFrame(frame)
    # a few unknowns, as in real case files
    for col, share in (("age", 0.03), ("citizenship", 0.02), ("recruiter_relation", 0.05)):
        mask = rng.random(n) < share
        if col == "age":
            out[col] = out[col].astype("Int64")
            out.loc[mask, col] = pd.NA
        else:
            out.loc[mask, col] = None
    if narratives:
        out["narrative"] = (
            out["given_name"].astype(str)
            + " "
            + out["family_name"].astype(str)
            + " (ref "
            + out["person_id"].astype(str)
            + ") was recruited with promises of work and later exploited in "
            + out["country_of_exploitation"].fillna("an unknown country").astype(str)
            + "."
        )
    else:
        out["narrative"] = None
    return out
