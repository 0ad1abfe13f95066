"""Write a de-identified release: k-anonymous microdata, DP tables, synthetic data, report.

:func:`write_release` is the one call the ``tipdata release create`` command and the web
app make. It takes the person-level frame (input schema in
:mod:`tipdata.engines.deid.schema`, names remappable with ``ReleaseSpec.input_columns``)
and writes into an empty directory:

=========================  ==========================================================
``microdata.csv``          k-anonymous microdata in the chosen format
``dp_tables/<name>.csv``   one file per differentially private count table
``synthetic.csv``          DP synthetic microdata (pac-synth)
``data_dictionary.csv``    one row per column of every data file (also ``.json``)
``report.json``            disclosure risk and utility, machine-readable
``report.html``            the same for people, one self-contained page
``manifest.json``          the spec it ran with, software versions, file hashes
=========================  ==========================================================

Before anything else the frame is reduced to one record per person (the privacy unit
of every part of the release); how many duplicates were dropped is reported, as are
the exclusions the caller passes in (e.g. persons whose consent does not cover
de-identified statistics).

DP tables and synthetic data are computed from *public* derived columns (fixed
hierarchy levels, public domains), never from the k-anonymous frame, whose
generalisation levels depend on the data.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

from .dp_tables import DpTable, DpTableSpec, dp_count_table
from .errors import DeidSpecError
from .formats import FORMATS, ColumnInfo, generalise_series, render_microdata
from .hierarchies import load_builtin_hierarchy
from .kanon import DeidResult, anonymise
from .report import render_html_report
from .schema import INPUT_COLUMNS, MOC_COLUMNS, default_deid_spec
from .spec import DeidSpec
from .synthetic import SyntheticResult, SyntheticSpec, synthesize

PERSON_ID = "person_id"

PUBLIC_COLUMNS: dict[str, str] = {
    "year_of_registration": "Year of registration (from registration_date).",
    "gender_group": "Female, Male, Transgender/NonConforming or Unknown (from gender).",
    "age_band": "CTDC age band at registration (from age).",
    "majority_status": "Minor or Adult at registration (from age).",
    "exploitation_type": "HTCDS type of the main form of exploitation (from exploitation_subtype).",
    "citizenship": "ISO 3166-1 alpha-2 country of citizenship.",
    "citizenship_subregion": "UN M49 sub-region of citizenship.",
    "country_of_exploitation": "ISO 3166-1 alpha-2 country of exploitation.",
    "country_of_exploitation_subregion": "UN M49 sub-region of the country of exploitation.",
    "recruiter_relation": "Relation of the recruiter to the person.",
    "datasource": "CaseManagement or Hotline.",
    "is_abduction": "1 if the person was abducted.",
    **{c: f"1 if HTCDS MethodsOfControl{c[4:]} applies." for c in MOC_COLUMNS},
}
"""Columns derived at fixed, public levels, which DP tables and synthetic data may use."""

_CTDC_PUBLIC_NAMES = {
    "year_of_registration": "yearOfRegistration",
    "gender_group": "gender",
    "age_band": "ageBroad",
    "majority_status": "majorityStatus",
    "exploitation_type": "typeOfExploitation",
    "citizenship": "citizenship",
    "citizenship_subregion": "citizenshipSubRegion",
    "country_of_exploitation": "CountryOfExploitation",
    "country_of_exploitation_subregion": "CountryOfExploitationSubRegion",
    "recruiter_relation": "RecruiterRelationship",
    "datasource": "Datasource",
    "is_abduction": "isAbduction",
    **{c: f"meansOfControl{c[4:]}" for c in MOC_COLUMNS},
}


def public_domains(years: Sequence[int]) -> dict[str, tuple[str, ...]]:
    """The public category lists of the derived columns (``Unknown`` included)."""
    age = load_builtin_hierarchy("ctdc_age")
    m49 = load_builtin_hierarchy("un_m49_country")
    exp = load_builtin_hierarchy("exploitation_subtype")
    countries = tuple(sorted(m49.maps[0])) + ("Unknown",)
    subregions = tuple(sorted(set(m49.maps[0].values()))) + ("Unknown",)
    return {
        "year_of_registration": tuple(str(y) for y in years) + ("Unknown",),
        "gender_group": ("Female", "Male", "Transgender/NonConforming", "Unknown"),
        "age_band": tuple(b.label for b in age.bins[0]) + ("Unknown",),
        "majority_status": ("Minor", "Adult", "Unknown"),
        "exploitation_type": tuple(dict.fromkeys(exp.maps[0].values())) + ("Unknown",),
        "citizenship": countries,
        "citizenship_subregion": subregions,
        "country_of_exploitation": countries,
        "country_of_exploitation_subregion": subregions,
        "recruiter_relation": ("IntimatePartner", "Friend", "Family", "Other", "Unknown"),
        "datasource": ("CaseManagement", "Hotline", "Unknown"),
        "is_abduction": ("0", "1", "Unknown"),
        **{c: ("0", "1", "Unknown") for c in MOC_COLUMNS},
    }


def derive_public_columns(records: pd.DataFrame) -> pd.DataFrame:
    """Derived columns at fixed public levels (see :data:`PUBLIC_COLUMNS`); missing -> None."""
    out = pd.DataFrame(index=records.index)
    cols = set(records.columns)
    if PERSON_ID in cols:
        out[PERSON_ID] = records[PERSON_ID]
    if "registration_date" in cols:
        out["year_of_registration"] = generalise_series(
            records["registration_date"], load_builtin_hierarchy("date_year"), 1, column="registration_date"
        )
    if "gender" in cols:
        out["gender_group"] = generalise_series(
            records["gender"], load_builtin_hierarchy("htcds_gender"), 1, column="gender"
        )
    if "age" in cols:
        age = load_builtin_hierarchy("ctdc_age")
        out["age_band"] = generalise_series(records["age"], age, 1, column="age")
        out["majority_status"] = generalise_series(records["age"], age, 2, column="age")
    if "exploitation_subtype" in cols:
        out["exploitation_type"] = generalise_series(
            records["exploitation_subtype"],
            load_builtin_hierarchy("exploitation_subtype"),
            1,
            column="exploitation_subtype",
        )
    m49 = load_builtin_hierarchy("un_m49_country")
    for col in ("citizenship", "country_of_exploitation"):
        if col in cols:
            out[col] = generalise_series(records[col], m49, 0, column=col)
            out[f"{col}_subregion"] = generalise_series(records[col], m49, 1, column=col)
    for col in ("recruiter_relation", "datasource"):
        if col in cols:
            out[col] = records[col].astype(object).where(records[col].notna(), None)
    for col in ("is_abduction", *MOC_COLUMNS):
        if col in cols:
            out[col] = records[col].map(lambda v: None if pd.isna(v) else str(int(v)))
    return out


@dataclass(frozen=True)
class ReleaseSpec:
    """Everything a release is made with (JSON round-trip with ``to_dict``/``from_dict``)."""

    deid: DeidSpec
    dp_tables: tuple[DpTableSpec, ...] = ()
    synthetic: SyntheticSpec | None = None
    format: str = "ctdc"
    input_columns: Mapping[str, str] = field(default_factory=dict)
    title: str = "De-identified release"
    organisation: str = ""

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise DeidSpecError(f"format is {self.format!r}; allowed: {', '.join(FORMATS)}")
        names = [t.name for t in self.dp_tables]
        if len(set(names)) != len(names):
            raise DeidSpecError(f"dp table names must be unique, got {names!r}")
        for t in self.dp_tables:
            if not all(ch.isalnum() or ch in "_-" for ch in t.name):
                raise DeidSpecError(
                    f"dp table name {t.name!r} must use letters, digits, '_' or '-' (it names a file)"
                )
            unknown = [c for c in t.breakdown if c not in PUBLIC_COLUMNS]
            if unknown:
                raise DeidSpecError(
                    f"dp table {t.name!r}: breakdown column(s) {unknown!r} are not public derived "
                    f"columns; allowed: {', '.join(PUBLIC_COLUMNS)}"
                )
        if self.synthetic is not None:
            unknown = [c for c in self.synthetic.columns if c not in PUBLIC_COLUMNS]
            if unknown:
                raise DeidSpecError(
                    f"synthetic.columns {unknown!r} are not public derived columns; allowed: "
                    f"{', '.join(PUBLIC_COLUMNS)}"
                )
        bad_targets = sorted(set(self.input_columns) - set(INPUT_COLUMNS))
        if bad_targets:
            raise DeidSpecError(
                f"input_columns maps unknown schema column(s) {bad_targets!r}; allowed: "
                f"{', '.join(INPUT_COLUMNS)}"
            )

    @property
    def total_epsilon(self) -> float:
        """Privacy loss of the whole release (basic composition of its DP parts)."""
        eps = math.fsum(t.epsilon for t in self.dp_tables)
        if self.synthetic is not None:
            eps += self.synthetic.epsilon
        return eps

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "title": self.title,
            "organisation": self.organisation,
            "input_columns": dict(self.input_columns),
            "deid": self.deid.to_dict(),
            "dp_tables": [t.to_dict() for t in self.dp_tables],
            "synthetic": self.synthetic.to_dict() if self.synthetic else None,
            "total_epsilon": self.total_epsilon,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReleaseSpec:
        allowed = {"format", "title", "organisation", "input_columns", "deid", "dp_tables", "synthetic", "total_epsilon"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise DeidSpecError(f"release spec: unknown key(s) {unknown!r}; allowed: {sorted(allowed)}")
        if "deid" not in data:
            raise DeidSpecError("release spec: missing key 'deid'")
        return cls(
            deid=DeidSpec.from_dict(data["deid"]),
            dp_tables=tuple(DpTableSpec.from_dict(t) for t in data.get("dp_tables", [])),
            synthetic=SyntheticSpec.from_dict(data["synthetic"]) if data.get("synthetic") else None,
            format=data.get("format", "ctdc"),
            input_columns=dict(data.get("input_columns", {})),
            title=data.get("title", "De-identified release"),
            organisation=data.get("organisation", ""),
        )


def default_release_spec(
    *,
    k: int = 11,
    epsilon: float = 1.0,
    years: Sequence[int] | None = None,
    fmt: str = "ctdc",
    organisation: str = "",
    title: str = "De-identified release",
    suppression_limit: float = 0.1,
) -> ReleaseSpec:
    """The standard release: default de-identification, the SDG 16.2.2-style DP tables and
    synthetic data. Half of ``epsilon`` goes to the synthetic data, the other half is
    split evenly over the three tables. ``years`` is the public list of registration
    years to tabulate (default: 2000 to the current year)."""
    if isinstance(epsilon, bool) or not isinstance(epsilon, int | float) or not epsilon > 0:
        raise DeidSpecError(f"epsilon is {epsilon!r}; allowed: a number > 0")
    years = list(years) if years is not None else list(range(2000, datetime.now(UTC).year + 1))
    domains = public_domains(years)
    per_table = epsilon / 2 / 3

    def table(name: str, breakdown: tuple[str, ...]) -> DpTableSpec:
        return DpTableSpec(
            name=name,
            breakdown=breakdown,
            epsilon=per_table,
            domains={c: domains[c] for c in breakdown},
            person_id_column=PERSON_ID,
        )

    return ReleaseSpec(
        deid=default_deid_spec(k=k, suppression_limit=suppression_limit),
        dp_tables=(
            table("year_sex_age_type", ("year_of_registration", "gender_group", "age_band", "exploitation_type")),
            table("country_of_exploitation_type", ("country_of_exploitation", "exploitation_type")),
            table("citizenship_sex_age", ("citizenship", "gender_group", "majority_status")),
        ),
        synthetic=SyntheticSpec(
            columns=(
                "year_of_registration",
                "gender_group",
                "age_band",
                "citizenship",
                "country_of_exploitation",
                "exploitation_type",
                "recruiter_relation",
                "datasource",
                "is_abduction",
                *MOC_COLUMNS,
            ),
            binary_columns=("is_abduction", *MOC_COLUMNS),
            epsilon=epsilon / 2,
        ),
        format=fmt,
        title=title,
        organisation=organisation,
    )


@dataclass
class ReleaseFile:
    path: str
    sha256: str
    bytes: int
    description: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "bytes": self.bytes, "description": self.description}


@dataclass
class ReleaseManifest:
    """What was written, with the spec, the results and the report."""

    out_dir: Path
    created_at: str
    spec: ReleaseSpec
    files: list[ReleaseFile]
    deid: DeidResult
    dp_tables: list[DpTable]
    synthetic: SyntheticResult | None
    report: dict[str, Any]
    software: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "tipdata_release_manifest": 1,
            "title": self.spec.title,
            "organisation": self.spec.organisation,
            "created_at": self.created_at,
            "format": self.spec.format,
            "privacy": {
                "k": self.deid.measures.k_reached,
                "k_requested": self.spec.deid.k,
                "total_epsilon": self.spec.total_epsilon,
                "synthetic_delta": self.synthetic.parameters.get("delta") if self.synthetic else None,
                "privacy_unit": "person",
            },
            "spec": self.spec.to_dict(),
            "software": self.software,
            "files": [f.to_dict() for f in self.files],
        }


def _software() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("tipdata", "pandas", "numpy", "opendp", "pac-synth"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _rename_public(frame: pd.DataFrame, fmt: str) -> pd.DataFrame:
    if fmt != "ctdc":
        return frame
    out = frame.rename(columns=_CTDC_PUBLIC_NAMES)
    if "ageBroad" in out.columns:
        out["ageBroad"] = out["ageBroad"].map(
            lambda v: v.replace("-", "--") if isinstance(v, str) and "+" not in v else v
        )
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_release(
    records: pd.DataFrame,
    spec: ReleaseSpec,
    out_dir: str | Path,
    *,
    population: pd.DataFrame | None = None,
    exclusions: Mapping[str, int] | None = None,
    created_at: datetime | None = None,
) -> ReleaseManifest:
    """Write a complete release of ``records`` into the empty directory ``out_dir``.

    ``exclusions`` maps a reason to the number of persons the caller left out before
    calling (e.g. ``{"consent does not cover de-identified statistics": 12}``); it is
    shown in the report. ``population`` is passed to the journalist-risk measure.
    """
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()):
        raise DeidSpecError(f"output directory {str(out)!r} is not empty; choose a new one")
    out.mkdir(parents=True, exist_ok=True)
    when = (created_at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")

    frame = records.rename(columns={v: k for k, v in spec.input_columns.items()})
    duplicates = 0
    if PERSON_ID in frame.columns:
        dup = frame[PERSON_ID].duplicated(keep="first").to_numpy()
        duplicates = int(dup.sum())
        frame = frame.loc[~dup]
    frame = frame.reset_index(drop=True)

    deid = anonymise(frame, spec.deid, population=population)
    hierarchies = dict(zip(spec.deid.qi_columns, spec.deid.hierarchies, strict=True))
    micro, micro_info = render_microdata(
        deid.data,
        fmt=spec.format,
        levels=deid.levels,
        hierarchies=hierarchies,
        sensitive=spec.deid.sensitive_attributes,
    )
    files: list[ReleaseFile] = []

    def record_file(rel: str, description: str) -> None:
        p = out / rel
        files.append(ReleaseFile(rel, _sha256(p), p.stat().st_size, description))

    micro.to_csv(out / "microdata.csv", index=False, na_rep="")
    record_file("microdata.csv", f"{spec.deid.k}-anonymous microdata ({spec.format} format)")

    dictionary: list[dict[str, Any]] = []
    for info in micro_info:
        entry: dict[str, Any] = {"file": "microdata.csv", **info.to_dict()}
        if info.kind != "flag":
            values = sorted({str(v) for v in micro[info.name].dropna().unique()})
            entry["values"] = values[:300]
        dictionary.append(entry)

    public = derive_public_columns(frame) if (spec.dp_tables or spec.synthetic) else None
    dp_results: list[DpTable] = []
    if spec.dp_tables:
        (out / "dp_tables").mkdir()
    for tspec in spec.dp_tables:
        assert public is not None
        result = dp_count_table(public, tspec)
        dp_results.append(result)
        rel = f"dp_tables/{tspec.name}.csv"
        table = _rename_public(result.table, spec.format)
        table.to_csv(out / rel, index=False)
        record_file(rel, f"DP counts by {' x '.join(tspec.breakdown)}, epsilon {tspec.epsilon:g}")
        for col, src in zip(table.columns, [*tspec.breakdown, "count"], strict=True):
            dictionary.append(
                {
                    "file": rel,
                    "column": col,
                    "source": src,
                    "role": "dp_count" if src == "count" else "breakdown",
                    "description": (
                        f"Noisy count (discrete Laplace, scale {result.scale:.4g}); can be negative"
                        if src == "count"
                        else PUBLIC_COLUMNS.get(src, src)
                    ),
                    "type": "integer" if src == "count" else "category",
                }
            )

    synth: SyntheticResult | None = None
    if spec.synthetic is not None:
        assert public is not None
        synth_spec = spec.synthetic
        if synth_spec.target_records is None:
            # pac-synth's own DP record count spends 0.5 % of epsilon and is very noisy on
            # small data; the number of persons in this release is public anyway (the
            # microdata file has one row each), so it is used as the target instead.
            synth_spec = replace(synth_spec, target_records=max(deid.measures.records_released, 2))
        synth = synthesize(public, synth_spec)
        synthetic_frame = _rename_public(synth.data, spec.format)
        synthetic_frame.to_csv(out / "synthetic.csv", index=False, na_rep="")
        record_file(
            "synthetic.csv",
            f"DP synthetic microdata (pac-synth), epsilon {spec.synthetic.epsilon:g}",
        )
        for col, src in zip(synthetic_frame.columns, spec.synthetic.columns, strict=True):
            dictionary.append(
                {
                    "file": "synthetic.csv",
                    "column": col,
                    "source": src,
                    "role": "synthetic",
                    "description": PUBLIC_COLUMNS.get(src, src) + " Synthetic: not a real person.",
                    "type": "flag" if src in spec.synthetic.binary_columns else "category",
                }
            )

    dict_frame = pd.DataFrame(
        [{**d, "values": "; ".join(d.get("values", []))} for d in dictionary],
        columns=["file", "column", "source", "role", "type", "description", "values"],
    )
    dict_frame.to_csv(out / "data_dictionary.csv", index=False)
    record_file("data_dictionary.csv", "Data dictionary of every released column")
    (out / "data_dictionary.json").write_text(json.dumps(dictionary, indent=2, ensure_ascii=False), encoding="utf-8")
    record_file("data_dictionary.json", "Data dictionary (JSON)")

    report = build_report(
        spec=spec,
        deid=deid,
        micro_info=micro_info,
        dp_results=dp_results,
        synth=synth,
        duplicates=duplicates,
        exclusions=dict(exclusions or {}),
        created_at=when,
    )
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    record_file("report.json", "Disclosure-risk and utility report (JSON)")
    (out / "report.html").write_text(render_html_report(report), encoding="utf-8")
    record_file("report.html", "Disclosure-risk and utility report (HTML)")

    manifest = ReleaseManifest(
        out_dir=out,
        created_at=when,
        spec=spec,
        files=files,
        deid=deid,
        dp_tables=dp_results,
        synthetic=synth,
        report=report,
        software=_software(),
    )
    (out / "manifest.json").write_text(json.dumps(manifest.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


def build_report(
    *,
    spec: ReleaseSpec,
    deid: DeidResult,
    micro_info: list[ColumnInfo],
    dp_results: list[DpTable],
    synth: SyntheticResult | None,
    duplicates: int,
    exclusions: dict[str, int],
    created_at: str,
) -> dict[str, Any]:
    """The disclosure-risk and utility report as JSON-serialisable data."""
    m = deid.measures
    base = m.baseline
    return {
        "title": spec.title,
        "organisation": spec.organisation,
        "created_at": created_at,
        "format": spec.format,
        "records": {
            "excluded_before_release": exclusions,
            "duplicate_person_records_dropped": duplicates,
            "input_to_release": m.records_in,
            "released_in_microdata": m.records_released,
        },
        "k_anonymity": m.to_dict(),
        "quasi_identifier_columns_in_file": [c.name for c in micro_info if c.role == "quasi_identifier"],
        "comparison_with_suppression_only": {
            "engine": {
                "records_released": m.records_released,
                "cells_suppressed": m.cells_suppressed,
                "information_loss_ncp": m.information_loss.ncp,
            },
            "suppression_only": {
                "records_released": base.records_released,
                "cells_suppressed": base.cells_suppressed,
                "information_loss_ncp": base.information_loss_ncp,
            },
            "cells_saved": base.cells_suppressed - m.cells_suppressed,
            "records_saved": m.records_released - base.records_released,
        },
        "differential_privacy": {
            "total_epsilon": spec.total_epsilon,
            "composition": "basic sequential composition: the epsilons of all DP parts add up",
            "privacy_unit": "person (one record per person)",
            "tables": [t.metadata() for t in dp_results],
            "synthetic": (
                {**synth.metadata(), "utility": synth.utility} if synth is not None else None
            ),
        },
    }
