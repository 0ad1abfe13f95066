"""Reading capture-history CSV files: good input and every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipdata.engines.estimation import (
    CaptureDataError,
    CaptureTable,
    load_reference,
    parse_capture_csv,
    read_capture_csv,
)


def write(tmp_path: Path, text: str, name: str = "lists.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_reads_korea_layout(tmp_path):
    p = write(
        tmp_path, "b,c,d,count\n0,0,1,41\n0,1,0,5\n1,0,0,5\n1,1,0,54\n1,0,1,6\n0,1,1,0\n1,1,1,12\n"
    )
    t = read_capture_csv(p)
    assert t.list_names == ("b", "c", "d")
    assert t.observed == 123
    assert t.list_totals() == {"b": 77, "c": 71, "d": 59}
    assert t.source == str(p)
    # history "110" = on b and c = bit mask 0b011
    assert t.counts[0b011] == 54
    assert dict(t.histories())["111"] == 12


def test_count_column_matched_case_insensitively_and_anywhere(tmp_path):
    p = write(tmp_path, "Count;A;B\n3;1;0\n4;0;1\n2;1;1\n")
    t = read_capture_csv(p)
    assert t.list_names == ("A", "B")
    assert t.counts.tolist() == [0, 3, 4, 2]


def test_other_count_column_name(tmp_path):
    p = write(tmp_path, "A,B,n\n1,0,3\n0,1,4\n1,1,2\n")
    with pytest.raises(CaptureDataError, match="no 'count' column"):
        read_capture_csv(p)
    assert read_capture_csv(p, count_column="n").observed == 9


def test_blank_lines_bom_and_whole_number_floats_are_accepted(tmp_path):
    p = write(tmp_path, "\ufeffA,B,count\n\n1,0, 3 \n0,1,4.0\n1,1,2\n\n")
    t = read_capture_csv(p)
    assert t.counts.tolist() == [0, 3, 4, 2]


def test_duplicate_histories_are_summed_and_noted(tmp_path):
    p = write(tmp_path, "A,B,count\n1,0,3\n0,1,4\n1,1,2\n1,0,5\n")
    t = read_capture_csv(p)
    assert t.counts[0b01] == 8
    assert t.notes == ("history 10 appears on rows 2 and 5; the counts were summed",)


def test_all_zero_row_with_zero_count_is_ignored(tmp_path):
    t = read_capture_csv(write(tmp_path, "A,B,count\n0,0,0\n1,1,2\n1,0,1\n"))
    assert t.observed == 3


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("", "empty"),
        ("A,B,count\n", "no data rows"),
        ("A,B\n1,0\n", "no 'count' column; found columns \\['A', 'B'\\]"),
        ("A,count\n1,5\n", "at least 2 lists"),
        ("A,A,count\n1,0,5\n", "duplicate list column names \\['A'\\]"),
        ("A,,count\n1,0,5\n", "empty name"),
        ("A,B,count,count\n1,0,5,5\n", "more than one 'count' column"),
        ("A,B,count\n1,0\n", "row 2: has 2 fields but the header has 3"),
        ("A,B,count\n1,2,5\n", "row 2, column 'B', value '2': list membership must be 0"),
        ("A,B,count\n1,yes,5\n", "column 'B', value 'yes'"),
        ("A,B,count\n1,0,-3\n", "row 2, column 'count', value '-3': count is negative"),
        ("A,B,count\n1,0,2.5\n", "value '2.5': count is not a whole number"),
        ("A,B,count\n1,0,\n", "value '': count is not a number"),
        ("A,B,count\n1,0,abc\n", "value 'abc': count is not a number"),
        ("A,B,count\n1,0,inf\n", "value 'inf': count is not a number"),
        ("A,B,count\n1,0,nan\n", "value 'nan': count is not a number"),
        ("A,B,count\n1,0,3\n0,0,4\n", "row 3, column 'count', value '4': a row with 0 in every"),
    ],
)
def test_bad_input_names_file_row_column_and_value(tmp_path, text, pattern):
    p = write(tmp_path, text)
    with pytest.raises(CaptureDataError, match=pattern) as info:
        read_capture_csv(p)
    assert str(p) in str(info.value)


def test_error_attributes_point_at_the_cell(tmp_path):
    p = write(tmp_path, "A,B,count\n1,0,3\n0,1,-1\n")
    with pytest.raises(CaptureDataError) as info:
        read_capture_csv(p)
    err = info.value
    assert (err.source, err.row, err.column, err.value) == (str(p), 3, "count", "-1")


def test_missing_file_is_a_capture_data_error(tmp_path):
    with pytest.raises(CaptureDataError, match="file not found"):
        read_capture_csv(tmp_path / "nope.csv")


def test_non_utf8_file_is_reported(tmp_path):
    p = tmp_path / "latin1.csv"
    p.write_bytes("Liste\xe9,B,count\n1,0,3\n".encode("latin-1"))
    with pytest.raises(CaptureDataError, match="not UTF-8"):
        read_capture_csv(p)


def test_too_many_lists_is_refused():
    header = ",".join(f"L{i}" for i in range(16)) + ",count\n"
    with pytest.raises(CaptureDataError, match="at most 15"):
        parse_capture_csv(header + ",".join(["1"] * 16) + ",1\n")


def test_from_histories_checks_lengths():
    with pytest.raises(CaptureDataError, match="history has 2 entries but there are 3 lists"):
        CaptureTable.from_histories(["A", "B", "C"], {"10": 4})


@settings(max_examples=40, deadline=None)
@given(
    n_lists=st.integers(min_value=2, max_value=5),
    data=st.data(),
)
def test_csv_round_trip(tmp_path_factory, n_lists, data):
    counts = data.draw(
        st.lists(st.integers(0, 500), min_size=(1 << n_lists) - 1, max_size=(1 << n_lists) - 1)
    )
    names = [f"agency{i}" for i in range(n_lists)]
    table = CaptureTable(tuple(names), np.array([0, *counts], dtype=np.int64))
    lines = [",".join([*names, "count"])]
    for h, c in table.histories():
        lines.append(",".join([*h, str(c)]))
    if table.observed == 0:
        return  # header-only files are refused, tested above
    back = parse_capture_csv("\n".join(lines) + "\n")
    assert back.list_names == table.list_names
    assert back.counts.tolist() == table.counts.tolist()
    assert back.list_totals() == table.list_totals()


def test_reference_tables_have_published_totals():
    assert load_reference("uk2013").observed == 2744
    assert load_reference("uk2013").list_totals() == {
        "LA": 94,
        "NG": 567,
        "PF": 1102,
        "GO": 807,
        "GP": 336,
        "NCA": 102,
    }
    assert load_reference("new_orleans").observed == 186
    assert load_reference("western").observed == 345
