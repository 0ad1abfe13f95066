"""k-anonymity engine: k holds in what is released, information is kept, bad specs fail clearly."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tipdata.engines.deid.errors import CannotAnonymiseError, DeidDataError, DeidSpecError
from tipdata.engines.deid.hierarchies import SUPPRESSED, encode_column
from tipdata.engines.deid.kanon import anonymise
from tipdata.engines.deid.schema import default_deid_spec
from tipdata.engines.deid.spec import DeidSpec, QuasiIdentifier


def recount_k(frame: pd.DataFrame, columns: list[str]) -> int:
    return int(frame.groupby(columns, dropna=False).size().min())


@pytest.mark.parametrize("k", [2, 5, 11, 25])
def test_every_released_combination_occurs_at_least_k_times(records, k):
    result = anonymise(records, default_deid_spec(k=k))
    qi = list(result.spec.qi_columns)
    assert recount_k(result.data, qi) >= k
    assert result.measures.k_reached == recount_k(result.data, qi)
    assert result.measures.uniqueness_after == 0.0


def test_direct_identifiers_and_free_text_are_not_in_the_output(records):
    result = anonymise(records, default_deid_spec())
    for col in ("person_id", "given_name", "family_name", "birth_date", "narrative"):
        assert col not in result.data.columns
    text = result.data.astype(str).to_csv()
    assert not any(pid in text for pid in records["person_id"].head(200))
    assert "was recruited" not in text


def test_keeps_more_information_than_suppression_alone(records):
    m = anonymise(records, default_deid_spec(k=11)).measures
    assert m.cells_suppressed < m.baseline.cells_suppressed
    assert m.records_released > m.baseline.records_released
    assert m.information_loss.ncp < m.baseline.information_loss_ncp
    # the baseline really is "delete every record whose exact combination is rarer than k"
    qi = list(default_deid_spec().qi_columns)
    sizes = records.groupby(qi, dropna=False)[qi[0]].transform("size")
    assert m.baseline.records_suppressed == int((sizes < 11).sum())


def test_outliers_are_suppressed_cell_by_cell_not_deleted(records):
    spec = default_deid_spec(k=11, suppression_limit=0.2)
    m = anonymise(records, spec).measures
    assert m.records_locally_suppressed > 0
    assert m.cells_suppressed_local > 0
    assert m.records_suppressed <= 0.2 * len(records)
    assert m.records_suppressed < m.records_locally_suppressed


def test_suppressed_cells_appear_only_in_quasi_identifier_columns(records):
    result = anonymise(records, default_deid_spec(k=11))
    other = [c for c in result.data.columns if c not in result.spec.qi_columns]
    assert not (result.data[other].astype(str) == SUPPRESSED).any().any()


def test_measures_describe_the_input_and_output(records):
    m = anonymise(records, default_deid_spec(k=11)).measures
    assert m.records_in == len(records)
    assert m.records_released + m.records_suppressed == len(records)
    assert m.uniqueness_before > 0.5  # exact dates and ages make most records unique
    assert 0.0 <= m.information_loss.ncp <= 1.0
    assert m.risk.prosecutor_max <= 1 / 11 + 1e-12
    assert m.risk.journalist_model.startswith("equal to prosecutor")
    assert set(m.chosen_levels) == set(default_deid_spec().qi_columns)
    assert m.dropped_columns["direct_identifiers"] == ["person_id", "given_name", "family_name", "birth_date"]


def test_journalist_risk_against_a_population_is_not_above_prosecutor(records):
    spec = default_deid_spec(k=11)
    population = pd.concat([records, records, records], ignore_index=True)
    m = anonymise(records, spec, population=population).measures
    assert m.risk.journalist_model == "population table"
    assert m.risk.population_records == 3 * len(records)
    assert m.risk.journalist_max <= m.risk.prosecutor_max / 3 + 1e-12
    assert m.risk.journalist_mean <= m.risk.prosecutor_mean


def test_l_diversity_gives_every_class_l_distinct_sensitive_values(records):
    spec = default_deid_spec(k=5, l_diversity=2, sensitive_attributes=("moc_SexualAbuse",))
    result = anonymise(records, spec)
    per_class = result.data.groupby(list(spec.qi_columns), dropna=False)["moc_SexualAbuse"].nunique()
    assert per_class.min() >= 2
    assert result.measures.l_reached >= 2
    assert "moc_SexualAbuse" in result.data.columns


def test_l_diversity_costs_information_that_k_alone_does_not(records):
    k_only = anonymise(records, default_deid_spec(k=5, sensitive_attributes=("moc_SexualAbuse",)))
    groups = k_only.data.groupby(list(k_only.spec.qi_columns), dropna=False)["moc_SexualAbuse"].nunique()
    with_l = anonymise(
        records, default_deid_spec(k=5, l_diversity=2, sensitive_attributes=("moc_SexualAbuse",))
    )
    assert groups.min() == 1  # without the l constraint some class shows one value only
    assert with_l.measures.information_loss.ncp >= k_only.measures.information_loss.ncp


def _brute_force_losses(records: pd.DataFrame, spec: DeidSpec, limit: int) -> dict[tuple, float]:
    """Loss L of every acceptable node, computed the slow, obvious way with pandas."""
    enc = [encode_column(records[q.column], h, column=q.column) for q, h in zip(spec.quasi_identifiers, spec.hierarchies)]
    w = np.array([q.weight for q in spec.quasi_identifiers], dtype=float)
    w = w / w.sum()
    out = {}
    for node in itertools.product(*[range(e.n_levels) for e in enc]):
        frame = pd.DataFrame({f"c{i}": e.codes_at(lv) for i, (e, lv) in enumerate(zip(enc, node))})
        size = frame.groupby(list(frame.columns))["c0"].transform("size").to_numpy()
        outlier = size < spec.k
        if outlier.sum() > limit:
            continue
        g = sum(w[i] * e.ncp[lv][frame[f"c{i}"].to_numpy()] for i, (e, lv) in enumerate(zip(enc, node)))
        out[node] = float(np.where(outlier, 1.0, g).sum() / len(records))
    return out


@pytest.mark.parametrize("limit_share", [0.0, 0.05, 0.3])
def test_search_returns_the_least_loss_node_of_the_whole_lattice(small_records, limit_share):
    spec = DeidSpec(
        quasi_identifiers=(
            QuasiIdentifier("age", "ctdc_age"),
            QuasiIdentifier("gender", "htcds_gender"),
            QuasiIdentifier("citizenship", "un_m49_country"),
            QuasiIdentifier("exploitation_subtype", "exploitation_subtype", weight=2.0),
        ),
        k=5,
        suppression_limit=limit_share,
    )
    result = anonymise(small_records, spec)
    losses = _brute_force_losses(small_records, spec, int(np.floor(limit_share * len(small_records) + 1e-9)))
    best = min(losses.values())
    chosen = tuple(result.levels[c] for c in spec.qi_columns)
    assert losses[chosen] == pytest.approx(best, abs=1e-12)
    assert result.measures.lattice.nodes_evaluated < result.measures.lattice.nodes_total


def test_max_level_keeps_a_column_from_being_generalised_away(records):
    qis = tuple(
        QuasiIdentifier(q.column, q.hierarchy, max_level="CTDC gender") if q.column == "gender" else q
        for q in default_deid_spec().quasi_identifiers
    )
    spec = DeidSpec(quasi_identifiers=qis, k=11, direct_identifiers=("person_id",), suppression_limit=0.1)
    result = anonymise(records, spec)
    assert result.measures.chosen_levels["gender"] in ("value", "CTDC gender")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(st.sampled_from("abcde"), st.sampled_from("xyz"), st.integers(0, 90)),
        min_size=12,
        max_size=120,
    ),
    k=st.integers(2, 6),
    limit=st.sampled_from([0.0, 0.1, 0.5]),
)
def test_property_any_small_frame_is_made_k_anonymous(rows, k, limit):
    frame = pd.DataFrame(rows, columns=["letter", "sign", "age"])
    spec = DeidSpec(
        quasi_identifiers=(
            QuasiIdentifier("letter", {"kind": "mapping", "levels": [{"name": "vowel", "map": {c: ("v" if c in "ae" else "c") for c in "abcde"}}]}),
            QuasiIdentifier("sign", "suppress"),
            QuasiIdentifier("age", "ctdc_age"),
        ),
        k=k,
        suppression_limit=limit,
    )
    result = anonymise(frame, spec)
    if len(result.data):
        assert recount_k(result.data, ["letter", "sign", "age"]) >= k
    assert result.measures.records_suppressed <= max(limit * len(frame), 0) + 1e-9
    assert result.measures.records_released + result.measures.records_suppressed == len(frame)


# ------------------------------------------------------------------ bad input


def test_unknown_column_is_named(records):
    spec = DeidSpec(quasi_identifiers=(QuasiIdentifier("shoe_size", "suppress"),))
    with pytest.raises(DeidSpecError, match="shoe_size"):
        anonymise(records, spec)


@pytest.mark.parametrize("k", [1, 0, -3, 2.5, True])
def test_k_below_two_is_refused(k):
    with pytest.raises(DeidSpecError, match="k is"):
        DeidSpec(quasi_identifiers=(QuasiIdentifier("age", "ctdc_age"),), k=k)


@pytest.mark.parametrize("limit", [-0.1, 1.5, "all"])
def test_bad_suppression_limit_is_refused(limit):
    with pytest.raises(DeidSpecError, match="suppression_limit"):
        DeidSpec(quasi_identifiers=(QuasiIdentifier("age", "ctdc_age"),), suppression_limit=limit)


def test_a_column_with_two_roles_is_refused():
    with pytest.raises(DeidSpecError, match="both"):
        DeidSpec(quasi_identifiers=(QuasiIdentifier("age", "ctdc_age"),), keep=("age",))


def test_unknown_builtin_hierarchy_lists_the_allowed_ones():
    with pytest.raises(DeidSpecError, match="un_m49_country"):
        DeidSpec(quasi_identifiers=(QuasiIdentifier("age", "age_in_dog_years"),))


def test_value_outside_the_hierarchy_names_row_and_value(records):
    bad = records.copy()
    bad.loc[17, "citizenship"] = "Atlantis"
    with pytest.raises(DeidDataError, match=r"citizenship.*17.*'Atlantis'"):
        anonymise(bad, default_deid_spec())


def test_non_numeric_age_names_row_and_value(records):
    bad = records.copy()
    bad["age"] = bad["age"].astype(object)
    bad.loc[3, "age"] = "about thirty"
    with pytest.raises(DeidDataError, match=r"'age'.*row 3.*about thirty"):
        anonymise(bad, default_deid_spec())


def test_l_diversity_without_sensitive_attributes_is_refused():
    with pytest.raises(DeidSpecError, match="sensitive_attributes"):
        DeidSpec(quasi_identifiers=(QuasiIdentifier("age", "ctdc_age"),), l_diversity=2)


def test_fewer_records_than_k_cannot_be_released(records):
    with pytest.raises(CannotAnonymiseError, match="only 5 record"):
        anonymise(records.head(5), default_deid_spec(k=11))


def test_unknown_spec_keys_are_refused():
    with pytest.raises(DeidSpecError, match="unknown spec key"):
        DeidSpec.from_dict({"k": 5, "quasi_identifiers": [], "kay": 3})


def test_spec_round_trips_through_json():
    import json

    spec = default_deid_spec(k=7, l_diversity=2, sensitive_attributes=("moc_Threats",))
    again = DeidSpec.from_dict(json.loads(json.dumps(spec.to_dict())))
    assert again.to_dict() == spec.to_dict()
    assert again == spec
