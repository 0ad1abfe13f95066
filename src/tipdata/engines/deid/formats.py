"""Release formats: how de-identified columns are named and coded in the files.

Three formats:

``tipdata``  the engine's own column names; generalised labels; ``*`` = suppressed,
             empty = unknown.
``htcds``    HTCDS 2.0 field names where the standard has one (``prs_Gender``,
             ``prs_Citizenship``, ``vic_TypeOfExploitation``,
             ``vic_RelationshipToTrafficker``, ``MethodsOfControl*``), ``ext_`` names
             for the rest; ``*`` = suppressed.
``ctdc``     the columns of the CTDC global k-anonymised dataset
             (``yearOfRegistration``, ``Datasource``, ``gender``, ``ageBroad``,
             ``majorityStatus``, ``citizenship``, ``meansOfControl*``,
             ``isForcedLabour``, ``isSexualExploit``, ``isOtherExploit``,
             ``typeOfLabour*``, ``typeOfSex*``, ``isAbduction``,
             ``RecruiterRelationship``, ``recruiterRelation*``,
             ``CountryOfExploitation``) with CTDC codings (age bands written
             ``18--20``); empty = unknown *or* withheld, as in CTDC's files.

Every released column derived from a quasi-identifier is a function of that
quasi-identifier's released value, so classes in the file are unions of the engine's
classes and the file stays k-anonymous; the data dictionary marks those columns
``quasi_identifier`` so the k-anonymity of a file can be recounted from the file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .hierarchies import SUPPRESSED, Hierarchy, coarsen_label, encode_column, load_builtin_hierarchy
from .schema import METHODS_OF_CONTROL, RECRUITER_RELATIONS

FORMATS = ("ctdc", "htcds", "tipdata")

CTDC_LABOUR = (
    "Agriculture", "Aquafarming", "Begging", "Construction", "DomesticWork", "Hospitality",
    "IllicitActivities", "Manufacturing", "MiningOrDrilling", "Peddling", "Transportation",
    "Other", "NotSpecified",
)  # fmt: skip
CTDC_SEX = ("Prostitution", "Pornography", "RemoteInteractiveServices", "PrivateSexualServices")
CTDC_TYPE_FLAGS = {
    "isForcedLabour": ("ForcedLabour",),
    "isSexualExploit": ("SexualExploitation",),
    "isForcedMarriage": ("ForcedMarriage",),
    "isForcedMilitary": ("ForcedMilitaryByNonStateActors",),
    "isOrganRemoval": ("OrganRemoval",),
    "isOtherExploit": (
        "ChildLabour", "Servitude", "ForcedBegging", "ForcedAdoption", "Surrogacy", "Other",
    ),
}  # fmt: skip
CTDC_DATASOURCE = {"CaseManagement": "Case Management", "Hotline": "Hotline"}
CTDC_RELATION = {
    "IntimatePartner": "Intimate Partner",
    "Friend": "Friend",
    "Family": "Family",
    "Other": "Other",
    "Unknown": "Unknown",
}


@dataclass(frozen=True)
class ColumnInfo:
    """Data-dictionary entry of one released column."""

    name: str
    source: str
    role: str  # quasi_identifier | attribute | sensitive
    description: str
    kind: str  # category | flag | year | text

    def to_dict(self) -> dict[str, str]:
        return {
            "column": self.name,
            "source": self.source,
            "role": self.role,
            "description": self.description,
            "type": self.kind,
        }


def generalise_series(series: pd.Series, hierarchy: Hierarchy, level: int, *, column: str) -> pd.Series:
    """Labels of ``series`` at a fixed hierarchy level (None = missing). Validates values."""
    enc = encode_column(series, hierarchy, column=column)
    labels = pd.Series(enc.labels[level], dtype=object)
    out = labels.iloc[enc.codes_at(level)].to_numpy()
    return pd.Series(out, index=series.index, dtype=object)


def _ctdc_age_band(label: str) -> str:
    return label.replace("-", "--") if "+" not in label else label


def render_microdata(
    data: pd.DataFrame,
    *,
    fmt: str,
    levels: Mapping[str, int],
    hierarchies: Mapping[str, Hierarchy],
    sensitive: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, list[ColumnInfo]]:
    """Rename/recode the engine's released frame into ``fmt``; return it and its dictionary."""
    if fmt == "tipdata":
        return _render_tipdata(data, levels, hierarchies, sensitive)
    if fmt == "htcds":
        return _render_htcds(data, levels, hierarchies, sensitive)
    if fmt == "ctdc":
        return _render_ctdc(data, levels, hierarchies, sensitive)
    raise ValueError(f"unknown format {fmt!r}; allowed: {', '.join(FORMATS)}")


def _role(col: str, levels: Mapping[str, int], sensitive: tuple[str, ...]) -> str:
    if col in levels:
        return "quasi_identifier"
    return "sensitive" if col in sensitive else "attribute"


def _level_note(col: str, levels: Mapping[str, int], hierarchies: Mapping[str, Hierarchy]) -> str:
    if col not in levels:
        return ""
    h = hierarchies[col]
    return f" Released at level '{h.all_level_names[levels[col]]}' of hierarchy '{h.name}'."


def _render_tipdata(
    data: pd.DataFrame,
    levels: Mapping[str, int],
    hierarchies: Mapping[str, Hierarchy],
    sensitive: tuple[str, ...],
) -> tuple[pd.DataFrame, list[ColumnInfo]]:
    info = [
        ColumnInfo(
            c,
            c,
            _role(c, levels, sensitive),
            ("Generalised quasi-identifier; '*' = suppressed, empty = unknown." if c in levels else "As recorded.")
            + _level_note(c, levels, hierarchies),
            "category",
        )
        for c in data.columns
    ]
    return data.copy(), info


_HTCDS_NAMES = {
    "age": ("ext_Age", "Age in completed years at registration, generalised."),
    "gender": ("prs_Gender", "HTCDS prs_Gender (or its CTDC grouping when generalised)."),
    "citizenship": ("prs_Citizenship", "ISO 3166-1 alpha-2 country (or UN M49 area when generalised)."),
    "country_of_exploitation": (
        "ext_CountryOfExploitation",
        "ISO 3166-1 alpha-2 country of exploitation (or UN M49 area when generalised).",
    ),
    "registration_date": ("ext_RegistrationDate", "Date of registration, generalised."),
    "exploitation_subtype": ("ext_ExploitationSubtype", "Main form of exploitation '<type>:<subtype>'."),
    "recruiter_relation": ("vic_RelationshipToTrafficker", "Relation of the recruiter to the person."),
    "datasource": ("ext_Datasource", "Source of the record: CaseManagement or Hotline."),
    "is_abduction": ("ext_IsAbduction", "1 if the person was abducted."),
}


def _render_htcds(
    data: pd.DataFrame,
    levels: Mapping[str, int],
    hierarchies: Mapping[str, Hierarchy],
    sensitive: tuple[str, ...],
) -> tuple[pd.DataFrame, list[ColumnInfo]]:
    out: dict[str, Any] = {}
    info: list[ColumnInfo] = []
    for col in data.columns:
        if col == "exploitation_subtype" and col in levels:
            h = hierarchies[col]
            lv = levels[col]
            out["vic_TypeOfExploitation"] = data[col].map(lambda v, h=h, lv=lv: coarsen_label(h, v, lv, max(lv, 1)))
            info.append(
                ColumnInfo(
                    "vic_TypeOfExploitation",
                    col,
                    "quasi_identifier",
                    "HTCDS vic_TypeOfExploitation of the main form of exploitation; '*' = suppressed.",
                    "category",
                )
            )
        if col.startswith("moc_"):
            name, desc = "MethodsOfControl" + col[4:], f"1 if HTCDS MethodsOfControl{col[4:]} applies."
        else:
            name, desc = _HTCDS_NAMES.get(col, (col, "As recorded."))
        out[name] = data[col]
        info.append(
            ColumnInfo(
                name,
                col,
                _role(col, levels, sensitive),
                desc + (" '*' = suppressed, empty = unknown." if col in levels else "")
                + _level_note(col, levels, hierarchies),
                "flag" if col.startswith("moc_") or col == "is_abduction" else "category",
            )
        )
    return pd.DataFrame(out, index=data.index), info


def _render_ctdc(
    data: pd.DataFrame,
    levels: Mapping[str, int],
    hierarchies: Mapping[str, Hierarchy],
    sensitive: tuple[str, ...],
) -> tuple[pd.DataFrame, list[ColumnInfo]]:
    out: dict[str, Any] = {}
    info: list[ColumnInfo] = []
    blank = ""

    def add(name: str, values: Any, source: str, desc: str, kind: str) -> None:
        out[name] = values
        info.append(ColumnInfo(name, source, _role(source, levels, sensitive), desc, kind))

    def coarse(col: str, to_level: int) -> pd.Series:
        h, lv = hierarchies[col], levels[col]
        if to_level < lv:
            return pd.Series([None] * len(data), index=data.index, dtype=object)
        return data[col].map(lambda v: coarsen_label(h, v, lv, to_level))

    def clean(s: pd.Series, mapping: Callable[[str], str] | None = None) -> pd.Series:
        def f(v: Any) -> str:
            if v is None or (isinstance(v, float) and pd.isna(v)) or v == SUPPRESSED:
                return blank
            return mapping(str(v)) if mapping else str(v)

        return s.map(f)

    cols = set(data.columns)
    if "registration_date" in cols:
        h = hierarchies.get("registration_date")
        if h is not None and h.kind == "date" and "year" in h.level_names:
            year = coarse("registration_date", h.level_names.index("year") + 1)
        else:
            year = data["registration_date"].map(lambda v: None if v in (None, SUPPRESSED) else str(v)[:4])
        add("yearOfRegistration", clean(year), "registration_date", "Year the case was registered.", "year")
    if "datasource" in cols:
        add(
            "Datasource",
            clean(data["datasource"], lambda v: CTDC_DATASOURCE.get(v, v)),
            "datasource",
            "Case Management or Hotline.",
            "category",
        )
    if "gender" in cols:
        g = coarse("gender", 1) if "gender" in levels else data["gender"]
        add(
            "gender",
            clean(g, lambda v: "" if v == "Unknown" else v),
            "gender",
            "Female, Male or Transgender/NonConforming; empty = unknown or withheld.",
            "category",
        )
    if "age" in cols:
        add("ageBroad", clean(coarse("age", 1), _ctdc_age_band), "age", "Age band at registration (CTDC bands).", "category")
        add("majorityStatus", clean(coarse("age", 2)), "age", "Minor (under 18) or Adult at registration.", "category")
    if "citizenship" in cols:
        add(
            "citizenship",
            clean(data["citizenship"]),
            "citizenship",
            "ISO 3166-1 alpha-2 code, or UN M49 sub-region/region name when generalised.",
            "category",
        )
    for method in METHODS_OF_CONTROL:
        src = f"moc_{method}"
        if src in cols:
            add(f"meansOfControl{method}", clean(data[src]), src, f"1 if {method} was used to control the person.", "flag")
    if "exploitation_subtype" in cols:
        lv = levels.get("exploitation_subtype", 0)
        h = hierarchies.get("exploitation_subtype") or load_builtin_hierarchy("exploitation_subtype")
        typ = data["exploitation_subtype"].map(lambda v: coarsen_label(h, v, lv, max(lv, 1)))
        known_type = typ.map(lambda v: v not in (None, SUPPRESSED) and not (isinstance(v, float) and pd.isna(v)))
        for flag, types in CTDC_TYPE_FLAGS.items():
            add(
                flag,
                [str(int(t in types)) if k else blank for t, k in zip(typ, known_type, strict=True)],
                "exploitation_subtype",
                f"1 if the main form of exploitation is {' or '.join(types)}.",
                "flag",
            )
        sub = data["exploitation_subtype"] if lv == 0 else pd.Series([None] * len(data), index=data.index)
        known_sub = sub.map(lambda v: isinstance(v, str) and v != SUPPRESSED)
        for name, prefix, values in (("typeOfLabour", "ForcedLabour:", CTDC_LABOUR), ("typeOfSex", "SexualExploitation:", CTDC_SEX)):
            for v in values:
                add(
                    f"{name}{v}",
                    [str(int(s == prefix + v)) if k else blank for s, k in zip(sub, known_sub, strict=True)],
                    "exploitation_subtype",
                    f"1 if the main form of exploitation is {prefix}{v}.",
                    "flag",
                )
    if "is_abduction" in cols:
        add("isAbduction", clean(data["is_abduction"]), "is_abduction", "1 if the person was abducted.", "flag")
    if "recruiter_relation" in cols:
        rel = data["recruiter_relation"]
        add(
            "RecruiterRelationship",
            clean(rel, lambda v: CTDC_RELATION.get(v, v)),
            "recruiter_relation",
            "Relation of the recruiter to the person.",
            "category",
        )
        known = rel.map(lambda v: isinstance(v, str) and v != SUPPRESSED)
        for v in RECRUITER_RELATIONS:
            add(
                f"recruiterRelation{v}",
                [str(int(r == v)) if k else blank for r, k in zip(rel, known, strict=True)],
                "recruiter_relation",
                f"1 if the recruiter was {CTDC_RELATION[v]}.",
                "flag",
            )
    if "country_of_exploitation" in cols:
        add(
            "CountryOfExploitation",
            clean(data["country_of_exploitation"]),
            "country_of_exploitation",
            "ISO 3166-1 alpha-2 code, or UN M49 sub-region/region name when generalised.",
            "category",
        )
    handled = {
        "registration_date", "datasource", "gender", "age", "citizenship", "exploitation_subtype",
        "is_abduction", "recruiter_relation", "country_of_exploitation",
        *(f"moc_{m}" for m in METHODS_OF_CONTROL),
    }  # fmt: skip
    for col in data.columns:
        if col not in handled:
            add(col, clean(data[col]), col, "As recorded (no CTDC column).", "category")
    frame = pd.DataFrame(out, index=data.index)
    return frame, info
