"""Deduplication and two-file linkage of person records with Splink.

A Fellegi-Sunter model (Splink 5) over four fields - name, birth date, sex, nationality -
plus any extra fields a spec names. Name and birth date use this project's comparison
levels (:mod:`tipdata.engines.names`), registered as SQL functions on the backend; sex,
nationality and extra fields use Splink's own. The model is trained without labels,
and must work on an organisation of a few hundred records as well as on a national file:

- u probabilities from random record pairs, corrected for the true duplicates among
  them (on a small file those are a large share of the pairs that agree on a whole name
  or a full date);
- m probabilities of name, sex and nationality by expectation maximisation on pairs
  with the same birth date when there are enough of them (``em_min_pairs``), otherwise
  documented defaults; the m of the same-name levels is split by the data's own name
  frequencies; birth-date m values are fixed shares of each kind of date problem;
- the prior (probability that two random records are the same person) by maximum
  likelihood over all candidate pairs, with m and u fixed.

Every candidate pair comes back with its match weight and, per field, the comparison
level it hit and that level's weight, so a reviewer can see why two records were judged
the same person.

Backends: ``backend="duckdb"`` (default, in-process) or ``backend="spark"`` with a
``spark_session``; the model and the comparison functions are the same (see
docs/linkage.md, "Running on Spark").
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from tipdata.engines.names import (
    DATE_LEVELS,
    NAME_LEVELS,
    NORMALISER_VERSION,
    TokenFrequencies,
    compare_names,
)

from .features import (
    NAME_FUNCTION,
    add_blocking_keys,
    date_level_sql,
    make_comparison_functions,
    parse_name_string,
    person_rows,
)
from .persons import PersonRecord

logger = logging.getLogger(__name__)

Backend = Literal["duckdb", "spark"]


@dataclass(frozen=True)
class DedupeSpec:
    """Settings of a deduplication or linkage run (JSON-serialisable)."""

    threshold: float = 0.5  # match probability at or above which a pair is reported
    backend: Backend = "duckdb"
    extra_fields: tuple[str, ...] = ()
    u_max_pairs: float = 3e5
    seed: int = 20240611
    m_floor: float = 0.01  # no level is treated as impossible for a true match (typos happen)
    em_min_pairs: int = 50  # fewer same-birth-date pairs than this: m values are not trained
    em_max_pairs: float = 5e5  # more same-birth-date pairs than this: EM on a sample of them
    # A blocking key shared by more records than this is narrowed (features.add_blocking_keys).
    # None: automatic, block_budget / records between 20 and 100 (see block_size_for).
    max_block_size: int | None = None
    block_budget: float = 5e6
    prior_min_matches: float = 0.5  # the prior never assumes fewer matching pairs than this
    u_max_correction: float = 0.7  # u lowered for the matches among the random pairs to no less than this share
    one_to_one: bool = False  # for linkage: keep each record in at most one pair

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["extra_fields"] = list(self.extra_fields)
        d["normaliser_version"] = NORMALISER_VERSION
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DedupeSpec:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if "extra_fields" in known:
            known["extra_fields"] = tuple(known["extra_fields"])
        return cls(**known)


@dataclass(frozen=True)
class FieldEvidence:
    level: str  # slug of the comparison level hit
    description: str
    match_weight: float  # log2 Bayes factor of that level


@dataclass(frozen=True)
class CandidatePair:
    id_1: str
    id_2: str
    match_probability: float
    match_weight: float
    evidence: dict[str, FieldEvidence]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id_1": self.id_1,
            "id_2": self.id_2,
            "score": self.match_probability,
            "match_weight": self.match_weight,
            "evidence": {k: asdict(v) for k, v in self.evidence.items()},
        }


@dataclass
class DedupeResult:
    pairs: list[CandidatePair]
    spec: dict[str, Any]
    model: dict[str, Any]
    n_records: int
    seconds: float
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pairs": [p.to_dict() for p in self.pairs],
            "spec": self.spec,
            "model": self.model,
            "n_records": self.n_records,
            "seconds": self.seconds,
            "notes": self.notes,
        }


# Starting m probabilities (share of true matches at each level), used as they are when
# the data are too few for expectation maximisation and as its starting point otherwise.
# Expert guesses from the kinds of disagreement described in docs/linkage.md.
DEFAULT_M: dict[str, list[float]] = {
    # distinctive, rare, common, single word (these four split by the data, see
    # name_m_from_data), similar, contained, rare token, common token, different
    "name": [0.25, 0.2, 0.05, 0.05, 0.15, 0.15, 0.07, 0.03, 0.05],
    # exact, Buddhist era, swapped, year+month, year/placeholder, from age, near, different.
    # Wholly different dates (a typing error in the year, falsified papers) are taken as
    # 4 %: at 10 %, two namesakes born years apart came out as one person.
    "dob": [0.56, 0.04, 0.04, 0.03, 0.15, 0.06, 0.08, 0.04],
    "sex": [0.97, 0.03],
    "nationality": [0.9, 0.1],
    "extra": [0.8, 0.1, 0.05, 0.05],
}


# The first name levels say "the same name", graded by how common it is in the data.
SAME_NAME_LEVELS = 4


def name_m_from_data(rows: Sequence[dict[str, Any]], frequencies: TokenFrequencies,
                     sample: int = 20_000) -> list[float]:
    """Starting m values of the name levels, with the same-name share split by the data.

    Whether a same-name pair lands on "distinctive", "rare", "common" or "single word" depends on how
    often its tokens occur in *this* data, not on whether it is a match: in a small
    organisation whose victims mostly come from one country nearly every name is
    "common" by the data's own frequencies. A true duplicate's name is a name of the
    data, so the share of true matches at each of these levels is the share of the
    records whose name, compared with itself, lands there. No labels are needed.
    """
    names = [r["name"] for r in rows[:sample] if r.get("name")]
    default = list(DEFAULT_M["name"])
    if not names:
        return default
    # A duplicated name is in the data at least twice: compare each name with itself as
    # if one more record had it, so a name seen once is not taken for "distinctive".
    plus_one = TokenFrequencies(
        counts=Counter({t: c + 1 for t, c in frequencies.counts.items()}),
        n_records=frequencies.n_records + 1,
        common_share=frequencies.common_share,
        rare_count=frequencies.rare_count,
    )
    counts: Counter[int] = Counter()
    for value in names:
        n = parse_name_string(value)
        counts[min(compare_names(n, n, plus_one).level, SAME_NAME_LEVELS - 1)] += 1
    same_total = sum(default[:SAME_NAME_LEVELS])
    # a level no record's name reaches still gets a small share (m must be positive)
    shares = [max(counts.get(k, 0) / len(names), 0.02) for k in range(SAME_NAME_LEVELS)]
    return [same_total * x / sum(shares) for x in shares] + default[SAME_NAME_LEVELS:]


def _comparisons(
    extra_fields: Sequence[str], name_m: Sequence[float] | None = None
) -> tuple[list[Any], dict[str, list[tuple[str, str]]]]:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    levels: dict[str, list[tuple[str, str]]] = {}

    def custom(col: str, expr: str, table: Sequence[tuple[str, str]]) -> Any:
        lv: list[Any] = [cll.CustomLevel(f"{col}_l IS NULL OR {col}_r IS NULL").configure(is_null_level=True)]
        for i, (slug, _desc) in enumerate(table[:-1]):
            lv.append(cll.CustomLevel(f"({expr}) = {i}", label_for_charts=slug))
        lv.append(cll.ElseLevel().configure(label_for_charts=table[-1][0]))
        if col == "dob":
            lv = [lv[0]] + [x.configure(fix_m_probability=True) for x in lv[1:]]
        levels[col] = list(table)
        m = list(name_m) if col == "name" and name_m is not None else DEFAULT_M[col]
        return cl.CustomComparison(output_column_name=col, comparison_levels=lv,
                                   comparison_description=col).configure(m_probabilities=m)

    comps = [
        custom("name", f"{NAME_FUNCTION}(name_l, name_r)", NAME_LEVELS),
        custom("dob", date_level_sql(), DATE_LEVELS),
        cl.ExactMatch("sex").configure(m_probabilities=DEFAULT_M["sex"]),
        cl.ExactMatch("nationality").configure(m_probabilities=DEFAULT_M["nationality"]),
    ]
    levels["sex"] = [("same", "Same sex"), ("different", "Different sex")]
    levels["nationality"] = [("same", "Same nationality"), ("different", "Different nationality")]
    for f in extra_fields:
        comps.append(cl.JaroWinklerAtThresholds(f, [0.92, 0.8]).configure(m_probabilities=DEFAULT_M["extra"]))
        levels[f] = [("exact", f"Same {f}"), ("jw_0.92", f"{f} nearly the same"),
                     ("jw_0.8", f"{f} similar"), ("different", f"{f} differs")]
    return comps, levels


def _blocking_rules(extra_fields: Sequence[str]) -> list[Any]:
    """Candidate pairs: records sharing a rare name word (either of their two rarest,
    both ways), the name written as one word, the whole name, the full birth date and
    sex, or a common name word and the day and month of birth; keys shared by too many
    records are narrowed first (features.add_blocking_keys), so that on a small file
    these are the plain name words and dates and on a large one the pairs stay few."""
    from splink import block_on

    rules: list[Any] = [
        block_on("blk_tok1"),
        block_on("blk_tok2"),
        "l.blk_tok1 = r.blk_tok2",
        "l.blk_tok2 = r.blk_tok1",
        block_on("blk_concat"),
        block_on("blk_dob"),
        block_on("blk_full"),
        block_on("blk_md1"),
        block_on("blk_md2"),
        "l.blk_md1 = r.blk_md2",
        "l.blk_md2 = r.blk_md1",
    ]
    for f in extra_fields:
        rules.append(block_on(f, "dob_year"))
    return rules


def _batched(fn: Any) -> Any:
    import pyarrow as pa

    def run(left: Any, right: Any) -> Any:
        return pa.array([fn(a, b) for a, b in zip(left.to_pylist(), right.to_pylist(), strict=True)],
                        type=pa.int32())

    return run


def _db_api(backend: Backend, functions: dict[str, Any], spark_session: Any = None) -> Any:
    if backend == "duckdb":
        import duckdb
        from duckdb.sqltypes import INTEGER, VARCHAR
        from splink import DuckDBAPI

        con = duckdb.connect()
        for name, fn in functions.items():
            # Arrow UDFs get whole column batches: one Python call per batch instead of
            # one per row, which is most of the cost of the comparisons.
            con.create_function(name, _batched(fn), [VARCHAR, VARCHAR], INTEGER,  # type: ignore[call-overload]
                                type="arrow", null_handling="special", side_effects=False)
        return DuckDBAPI(connection=con)
    if backend == "spark":
        if spark_session is None:
            raise ValueError("backend 'spark' needs a spark_session")
        from pyspark.sql.types import IntegerType  # type: ignore[import-not-found]
        from splink import SparkAPI

        for name, fn in functions.items():
            spark_session.udf.register(name, fn, IntegerType())
        return SparkAPI(spark_session=spark_session)
    raise ValueError(f"unknown backend {backend!r}; allowed: duckdb, spark")


LinkType = Literal["dedupe_only", "link_only"]


def block_size_for(n_records: int, spec: DedupeSpec) -> int:
    """The largest block a blocking key may make before it is narrowed.

    ``spec.max_block_size`` if set; otherwise 100 records on files of up to 50,000
    records (no key of a single organisation's file comes near: its blocking is the
    plain name words and dates), falling as ``block_budget / n_records`` to 20 records
    from 250,000 on. The candidate pairs then grow about linearly with the file (a
    national file of a million persons has about 15 million, not billions), at the cost
    of pairs with a very common name and a birth year that is unknown or not the same:
    pairs that on such a file are namesakes about as often as duplicates.
    """
    if spec.max_block_size is not None:
        return spec.max_block_size
    return int(min(100, max(20, spec.block_budget / max(n_records, 1))))


def _train_and_predict(
    frames: list[Any], link_type: LinkType, spec: DedupeSpec, frequencies: TokenFrequencies,
    spark_session: Any = None,
) -> tuple[Any, dict[str, list[tuple[str, str]]], Any, list[str]]:
    splink_logger = logging.getLogger("splink")
    level = splink_logger.level
    # Splink logs its training progress and warnings at INFO/WARNING; the caller gets the
    # ones that matter in the result's notes instead.
    splink_logger.setLevel(logging.ERROR)
    try:
        return _train_and_predict_quiet(frames, link_type, spec, frequencies, spark_session)
    finally:
        splink_logger.setLevel(level)


def _train_and_predict_quiet(
    frames: list[Any], link_type: LinkType, spec: DedupeSpec, frequencies: TokenFrequencies,
    spark_session: Any = None,
) -> tuple[Any, dict[str, list[tuple[str, str]]], Any, list[str]]:
    import pandas as pd
    from splink import Linker, SettingsCreator, block_on

    all_rows = [r for f in frames for r in f]
    add_blocking_keys(all_rows, block_size_for(len(all_rows), spec))
    db_api = _db_api(spec.backend, make_comparison_functions(frequencies), spark_session)
    comparisons, levels = _comparisons(
        spec.extra_fields, name_m_from_data([r for f in frames for r in f], frequencies)
    )
    settings = SettingsCreator(
        link_type=link_type,
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=_blocking_rules(spec.extra_fields),
        retain_intermediate_calculation_columns=True,  # gamma_* columns: the per-field evidence
        retain_matching_columns=True,
    )
    sdfs = [db_api.register(pd.DataFrame(f)) for f in frames]
    linker = Linker(sdfs if len(sdfs) > 1 else sdfs[0], settings, log_level=None)
    training = linker.training
    n_records = sum(len(f) for f in frames)
    n_pairs = n_records * (n_records - 1) / 2 if link_type == "dedupe_only" else len(frames[0]) * len(frames[-1])
    notes: list[str] = []
    # A provisional prior; only the Bayes factors of the candidate pairs matter for the
    # estimate below, which replaces it.
    linker._settings_obj._probability_two_random_records_match = min(0.5, 10.0 / max(n_pairs, 1.0))
    training.estimate_u_using_random_sampling(max_pairs=spec.u_max_pairs, seed=spec.seed)
    # m probabilities of name, sex and nationality by EM on pairs with the same birth
    # date. Birth-date m values are not trained: on same-name pairs (the only other
    # blocking) namesakes - common in the region - pass for matches with different
    # dates and EM then learns that a date disagreement costs almost nothing. They stay
    # at DEFAULT_M, the documented shares of each kind of date problem.
    n_train = _pairs_sharing(frames, "dob", link_type)
    if n_train < spec.em_min_pairs:
        # EM on a handful of pairs (a small organisation has a few dozen records with a
        # shared birth date) learns noise - or fails outright - so the documented
        # starting values are kept.
        notes.append(f"m probabilities not trained: {n_train} pairs with the same birth date "
                     f"(at least {spec.em_min_pairs} needed); the documented defaults are used")
    else:
        # Beyond em_max_pairs (a national file has tens of millions of same-date pairs)
        # EM runs on Splink's hash sample of them: the m values need no more.
        sample = spec.em_max_pairs if n_train > spec.em_max_pairs else None
        note = _em_or_keep(linker, block_on("dob"), sample)
        if note:
            notes.append(note)
        elif sample:
            notes.append(f"m probabilities trained on a sample of about {sample:.0f} of the {n_train} "
                         "pairs with the same birth date")
    _floor_m(linker, spec.m_floor)
    predictions = linker.inference.predict(threshold_match_probability=None)
    df = _with_estimated_prior(linker, predictions, n_pairs, spec, notes)
    return df, levels, linker, notes


def _pairs_sharing(frames: list[Any], column: str, link_type: LinkType) -> int:
    """How many record pairs agree on ``column`` (the size of an EM training sample)."""
    counts = [Counter(r[column] for r in frame if r.get(column) is not None) for frame in frames]
    if link_type == "dedupe_only" or len(counts) == 1:
        total: Counter[Any] = Counter()
        for c in counts:
            total.update(c)
        return sum(n * (n - 1) // 2 for n in total.values())
    return sum(n * counts[-1].get(v, 0) for v, n in counts[0].items())


def _em_or_keep(linker: Any, rule: Any, max_pairs: float | None = None) -> str | None:
    """Train m by EM on ``rule``; if that fails, leave the model exactly as it was.

    Splink's EM session removes the comparisons used by the blocking rule from the
    linker's settings (and changes the prior) before training and puts them back only
    on success, so a failed run would otherwise silently drop the birth-date field
    from the model.
    """
    settings = linker._settings_obj
    saved = settings.core_model_settings.copy()
    try:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, populate_probability_two_random_records_match_from_trained_values=False, max_pairs=max_pairs
        )
    except Exception as exc:  # too few or too uniform pairs: keep the default m values
        settings.core_model_settings = saved
        return f"m probabilities not trained (pairs with the same birth date): {str(exc).splitlines()[0]}"
    return None


def _with_estimated_prior(
    linker: Any, predictions: Any, n_pairs: float, spec: DedupeSpec, notes: list[str]
) -> Any:
    """Estimate the prior (and correct u for it) from the candidate pairs, rescore them,
    and return those at or above the threshold as a pandas frame.

    The prior - the probability that two records picked at random are the same
    person - turns the evidence into a probability, and a wrong one moves every score:
    on a small organisation one duplicate among 25,000 pairs makes the prior 4e-5, so an
    obvious pair needs 15 bits of evidence. It is estimated by maximum likelihood with m
    and u fixed: the expected number of matches is the sum of the candidate pairs' match
    probabilities, and the prior is that number over all pairs (pairs outside the
    blocking are taken as non-matches), iterated to a fixed point. This uses every
    candidate pair's full evidence rather than one deterministic rule with an assumed
    recall, and it needs no minimum amount of data.

    The u values come from random record pairs, and random pairs include the true
    duplicates: on a small file the few pairs that share a whole name or a full birth
    date are largely the duplicates themselves, so u is overstated and the evidence of
    exactly those levels understated (by a bit or more). With the prior known, the
    share the matches contribute (prior x m) is taken out: u = (u_observed - prior x m)
    / (1 - prior), but u is lowered to no less than ``u_max_correction`` (0.7) of the
    observed value, half a bit at most: prior and m are estimates too, and on a few
    hundred records an uncapped correction let namesakes with different birth dates
    through (the cap was chosen on benchmark files of 200-2,000 records and demo seeds
    1-6). On large files the correction vanishes. Prior and u are iterated together.

    The sufficient statistic is the number of candidate pairs per pattern of comparison
    levels, so the rescoring happens in SQL on the backend, whatever its size.
    """
    import numpy as np

    settings = linker._settings_obj
    comparisons = [c for c in settings.comparisons]
    gamma_cols = [f"gamma_{c.output_column_name}" for c in comparisons]
    table = predictions.physical_name
    # (SQL built from the model's own column and table names and from numbers only)
    patterns = linker.misc.query_sql(
        f"SELECT {', '.join(gamma_cols)}, COUNT(*) AS n FROM {table} GROUP BY {', '.join(gamma_cols)}",  # noqa: S608
        "pandas",
    )
    # m, observed u, per comparison and level (comparison vector value)
    m: list[dict[int, float]] = []
    u_obs: list[dict[int, float]] = []
    for c in comparisons:
        m.append({lv.comparison_vector_value: float(lv.m_probability) for lv in c.comparison_levels
                  if not lv.is_null_level})
        u_obs.append({lv.comparison_vector_value: float(lv.u_probability) for lv in c.comparison_levels
                      if not lv.is_null_level})
    n_u = max(min(spec.u_max_pairs, n_pairs), 1.0)
    u_floor = 0.5 / n_u
    counts = patterns["n"].to_numpy(dtype=float)
    gammas = [patterns[col].fillna(-1).to_numpy(dtype=int) for col in gamma_cols]
    lo, hi = spec.prior_min_matches / max(n_pairs, 1.0), 0.5
    lam = min(max(float(settings._probability_two_random_records_match), lo), hi)
    u = [dict(x) for x in u_obs]

    def log_k(u_now: list[dict[int, float]]) -> Any:
        total = np.zeros(len(counts))
        for k in range(len(comparisons)):
            w = {g: math.log2(m[k][g] / u_now[k][g]) for g in m[k]}
            total += np.array([w.get(int(g), 0.0) for g in gammas[k]])
        return total

    if len(counts) and n_pairs >= 1:
        for _ in range(20):
            lk = log_k(u)
            for _ in range(500):
                post = 1.0 / (1.0 + np.exp2(-(lk + math.log2(lam / (1.0 - lam)))))
                new = min(max(float((counts * post).sum()) / n_pairs, lo), hi)
                done = abs(new - lam) <= 1e-7 * lam
                lam = new
                if done:
                    break
            u_new = [{g: max((u_obs[k][g] - lam * m[k][g]) / (1.0 - lam), u_obs[k][g] * spec.u_max_correction,
                             u_floor) for g in u_obs[k]}
                     for k in range(len(comparisons))]
            change = max(abs(math.log2(u_new[k][g] / u[k][g])) for k in range(len(u)) for g in u[k])
            u = u_new
            if change < 1e-3:
                break
        notes.append(f"prior estimated from {int(counts.sum())} candidate pairs: "
                     f"{lam:.3g} (about {lam * n_pairs:.1f} matching pairs among {n_pairs:.0f})")
    settings._probability_two_random_records_match = lam
    for c, u_c in zip(comparisons, u, strict=True):
        for lv in c.comparison_levels:
            if not lv.is_null_level:
                lv.u_probability = u_c[lv.comparison_vector_value]
    # The new match weight of each candidate pair, in SQL: prior + the weight of each
    # field's level.
    terms = [repr(math.log2(lam / (1.0 - lam)))]
    for col, m_c, u_c in zip(gamma_cols, m, u, strict=True):
        cases = " ".join(f"WHEN {g} THEN {math.log2(m_c[g] / u_c[g])!r}" for g in sorted(m_c))
        terms.append(f"(CASE {col} {cases} ELSE 0.0 END)")
    weight_sql = " + ".join(terms)
    where = ""
    if spec.threshold > 0:
        t = min(spec.threshold, 1.0 - 1e-12)
        where = f" WHERE ({weight_sql}) >= {math.log2(t / (1.0 - t)) - 1e-9!r}"
    df = linker.misc.query_sql(f"SELECT *, ({weight_sql}) AS tipdata_weight FROM {table}{where}",  # noqa: S608
                               "pandas")
    df["match_weight"] = df["tipdata_weight"].astype(float)
    df["match_probability"] = 1.0 / (1.0 + np.exp2(-df["match_weight"].to_numpy(dtype=float)))
    return df.drop(columns=["tipdata_weight"])


def _floor_m(linker: Any, floor: float) -> None:
    """Raise m probabilities below ``floor`` (and untrained ones) to ``floor``.

    Without labels, EM gives a level that no true match showed in the sample an m of
    about zero - a veto worth -150 bits for, say, a sex recorded differently. Real data
    has such errors, so the veto is capped.
    """
    for comparison in linker._settings_obj.comparisons:
        for lvl in comparison.comparison_levels:
            if lvl.is_null_level:
                continue
            m = lvl.m_probability
            if m is None or m < floor:
                lvl.m_probability = floor


def _model_summary(linker: Any, levels: dict[str, list[tuple[str, str]]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for comparison in linker._settings_obj.comparisons:
        name = comparison.output_column_name
        rows = []
        for lvl in comparison.comparison_levels:
            if lvl.is_null_level:
                continue
            m = lvl.m_probability
            u = lvl.u_probability
            bf = (m / u) if (m and u) else None
            rows.append({
                "level": lvl.label_for_charts,
                "m": m,
                "u": u,
                "match_weight": math.log2(bf) if bf else None,
            })
        out[name] = rows
    out["probability_two_random_records_match"] = linker._settings_obj._probability_two_random_records_match
    return out


def _evidence(row: Any, levels: dict[str, list[tuple[str, str]]], model: dict[str, Any]) -> dict[str, FieldEvidence]:
    ev: dict[str, FieldEvidence] = {}
    for col, table in levels.items():
        gamma = row.get(f"gamma_{col}")
        if gamma is None or (isinstance(gamma, float) and math.isnan(gamma)):
            continue
        gamma = int(gamma)
        if gamma < 0:
            ev[col] = FieldEvidence("missing", f"{col} missing on one side", 0.0)
            continue
        index = len(table) - 1 - gamma  # Splink numbers levels from the last (0) up
        slug, desc = table[index]
        weight = model.get(col, [{}] * len(table))[index].get("match_weight") or 0.0
        ev[col] = FieldEvidence(slug, desc, round(float(weight), 3))
    return ev


def _pairs_from_predictions(
    df: Any, levels: dict[str, list[tuple[str, str]]], model: dict[str, Any], spec: DedupeSpec,
    order: dict[str, int] | None = None,
) -> list[CandidatePair]:
    df = df[df["match_probability"] >= spec.threshold]
    pairs: list[CandidatePair] = []
    for row in df.to_dict("records"):
        a, b = str(row["unique_id_l"]), str(row["unique_id_r"])
        if order is not None and row.get("source_dataset_l") != row.get("source_dataset_r"):
            if order.get(str(row.get("source_dataset_l")), 0) > order.get(str(row.get("source_dataset_r")), 0):
                a, b = b, a
        elif a > b and order is None:
            a, b = b, a
        pairs.append(CandidatePair(
            id_1=a, id_2=b,
            match_probability=round(float(row["match_probability"]), 6),
            match_weight=round(float(row["match_weight"]), 4),
            evidence=_evidence(row, levels, model),
        ))
    pairs.sort(key=lambda p: (-p.match_weight, p.id_1, p.id_2))
    return pairs


def one_to_one(pairs: list[CandidatePair]) -> list[CandidatePair]:
    """Keep each record in at most one pair, best score first (greedy assignment)."""
    used_1: set[str] = set()
    used_2: set[str] = set()
    kept = []
    for p in sorted(pairs, key=lambda p: (-p.match_weight, p.id_1, p.id_2)):
        if p.id_1 in used_1 or p.id_2 in used_2:
            continue
        used_1.add(p.id_1)
        used_2.add(p.id_2)
        kept.append(p)
    return kept


def dedupe_persons(
    records: Sequence[PersonRecord], spec: DedupeSpec | None = None, *, spark_session: Any = None
) -> DedupeResult:
    """Find pairs of records in one file that are the same person.

    Returns pairs with match probability >= ``spec.threshold``, with per-field evidence.
    """
    spec = spec or DedupeSpec()
    start = time.perf_counter()
    ids = [r.id for r in records]
    if len(set(ids)) != len(ids):
        raise ValueError("record ids must be unique")
    notes: list[str] = []
    if len(records) < 2:
        return DedupeResult([], spec.to_dict(), {}, len(records), 0.0, ["fewer than two records"])
    freq = TokenFrequencies.from_names(r.name for r in records)
    rows = person_rows(records, freq, extra_fields=spec.extra_fields)
    df, levels, linker, train_notes = _train_and_predict([rows], "dedupe_only", spec, freq, spark_session)
    model = _model_summary(linker, levels)
    pairs = _pairs_from_predictions(df, levels, model, spec)
    return DedupeResult(pairs, spec.to_dict(), model, len(records), round(time.perf_counter() - start, 3),
                        notes + train_notes)


def link_persons(
    records_a: Sequence[PersonRecord], records_b: Sequence[PersonRecord],
    spec: DedupeSpec | None = None, *, spark_session: Any = None,
) -> DedupeResult:
    """Link two files of person records (plaintext, e.g. within one agency or for
    evaluation); ``id_1`` is from the first file. With ``spec.one_to_one`` each record
    is in at most one pair."""
    spec = spec or DedupeSpec(one_to_one=True)
    start = time.perf_counter()
    freq = TokenFrequencies.from_names([r.name for r in records_a] + [r.name for r in records_b])
    rows_a = person_rows(records_a, freq, extra_fields=spec.extra_fields, source="a")
    rows_b = person_rows(records_b, freq, extra_fields=spec.extra_fields, source="b")
    df, levels, linker, notes = _train_and_predict([rows_a, rows_b], "link_only", spec, freq, spark_session)
    model = _model_summary(linker, levels)
    pairs = _pairs_from_predictions(df, levels, model, spec, order={"a": 0, "b": 1})
    if spec.one_to_one:
        pairs = one_to_one(pairs)
    return DedupeResult(pairs, spec.to_dict(), model, len(records_a) + len(records_b),
                        round(time.perf_counter() - start, 3), notes)
