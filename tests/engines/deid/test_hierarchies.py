"""Hierarchies are data: built-ins cover their domains, bad definitions are refused."""

from __future__ import annotations

import pandas as pd
import pycountry
import pytest

from tipdata.engines.deid.errors import DeidDataError, DeidSpecError
from tipdata.engines.deid.hierarchies import (
    SUPPRESSED,
    builtin_hierarchy_names,
    coarsen_label,
    encode_column,
    hierarchy_from_definition,
    load_builtin_hierarchy,
)


def labels(series, hierarchy, level):
    enc = encode_column(pd.Series(series), hierarchy, column="c")
    return [enc.labels[level][c] for c in enc.codes_at(level)]


def test_un_m49_covers_every_iso_country():
    m49 = load_builtin_hierarchy("un_m49_country")
    assert {c.alpha_2 for c in pycountry.countries} <= set(m49.maps[0])
    assert labels(["PH", "TH", "NG", "US"], m49, 1) == [
        "South-eastern Asia", "South-eastern Asia", "Sub-Saharan Africa", "Northern America",
    ]  # fmt: skip
    assert labels(["PH", "NG"], m49, 2) == ["Asia", "Africa"]
    assert labels(["PH", "NG"], m49, 3) == [SUPPRESSED, SUPPRESSED]


def test_ctdc_age_bands_and_majority():
    age = load_builtin_hierarchy("ctdc_age")
    assert age.all_level_names == ("value", "age band", "majority status", "suppressed")
    ages = [0, 8, 9, 17, 18, 20, 21, 29, 30, 38, 39, 47, 48, 90]
    assert labels(ages, age, 1) == [
        "0-8", "0-8", "9-17", "9-17", "18-20", "18-20", "21-23", "27-29", "30-38", "30-38",
        "39-47", "39-47", "48+", "48+",
    ]  # fmt: skip
    assert labels([17, 18], age, 2) == ["Minor", "Adult"]
    assert labels([17.9], age, 2) == ["Minor"]  # completed years


def test_exploitation_subtype_generalises_to_type():
    h = load_builtin_hierarchy("exploitation_subtype")
    assert labels(["ForcedLabour:Agriculture", "SexualExploitation:Pornography"], h, 1) == [
        "ForcedLabour",
        "SexualExploitation",
    ]


def test_dates_generalise_to_year_and_month():
    h = load_builtin_hierarchy("date_month_year")
    assert labels(["2021-03-04", "2021-11-30"], h, 1) == ["2021-03", "2021-11"]
    assert labels(["2021-03-04", "2021-11-30"], h, 2) == ["2021", "2021"]


def test_missing_values_stay_their_own_category_until_suppressed():
    age = load_builtin_hierarchy("ctdc_age")
    assert labels([5, None, 40], age, 1) == ["0-8", None, "39-47"]
    assert labels([5, None], age, 3) == [SUPPRESSED, SUPPRESSED]


def test_certainty_penalty_grows_with_the_level():
    m49 = load_builtin_hierarchy("un_m49_country")
    enc = encode_column(pd.Series(["PH", "TH", "VN", "NG", "KE", "US"]), m49, column="c")
    means = [enc.ncp[lv][enc.codes_at(lv)].mean() for lv in range(enc.n_levels)]
    assert means[0] == 0.0 and means[-1] == 1.0
    assert means == sorted(means)


def test_coarsen_label_follows_the_hierarchy():
    age = load_builtin_hierarchy("ctdc_age")
    assert coarsen_label(age, "19", 0, 1) == "18-20"
    assert coarsen_label(age, "9-17", 1, 2) == "Minor"
    assert coarsen_label(age, SUPPRESSED, 1, 2) == SUPPRESSED
    assert coarsen_label(age, None, 0, 2) is None
    assert coarsen_label(load_builtin_hierarchy("date_year"), "2020-02-29", 0, 1) == "2020"


def test_all_builtins_load():
    for name in builtin_hierarchy_names():
        assert load_builtin_hierarchy(name).n_levels >= 2


def test_intervals_that_do_not_nest_are_refused():
    bad = {
        "kind": "intervals",
        "levels": [
            {"name": "fives", "bins": [{"label": "0-4", "min": 0, "max": 4}, {"label": "5-9", "min": 5, "max": 9}]},
            {"name": "split", "bins": [{"label": "0-6", "min": 0, "max": 6}, {"label": "7+", "min": 7, "max": None}]},
        ],
    }
    with pytest.raises(DeidSpecError, match="does not fit inside one bin"):
        hierarchy_from_definition(bad, where="test")


def test_overlapping_bins_are_refused():
    bad = {"kind": "intervals", "levels": [{"name": "x", "bins": [{"label": "a", "min": 0, "max": 5}, {"label": "b", "min": 5, "max": 9}]}]}
    with pytest.raises(DeidSpecError, match="overlap"):
        hierarchy_from_definition(bad, where="test")


def test_a_value_under_two_parents_is_refused():
    bad = {"kind": "mapping", "levels": ["group"], "tree": {"A": ["x", "y"], "B": ["y"]}}
    with pytest.raises(DeidSpecError, match="'y' appears under both"):
        hierarchy_from_definition(bad, where="test")


def test_unknown_kind_is_refused():
    with pytest.raises(DeidSpecError, match="kind"):
        hierarchy_from_definition({"kind": "wavelet"}, where="test")


def test_age_outside_every_bin_is_reported():
    h = hierarchy_from_definition(
        {"kind": "intervals", "levels": [{"name": "adult", "bins": [{"label": "18+", "min": 18, "max": None}]}]},
        where="test",
    )
    with pytest.raises(DeidDataError, match="falls in no bin"):
        encode_column(pd.Series([25, 12]), h, column="age")


def test_reserved_suppression_label_in_input_is_refused():
    with pytest.raises(DeidDataError, match="reserved"):
        encode_column(pd.Series(["a", "*"]), load_builtin_hierarchy("suppress"), column="c")
